//! The route table: the API of DESIGN §5 under `/api/v1`, `/healthz`, and JSON
//! answers for unknown API paths and wrong methods.

pub(crate) mod auth;
mod history;
mod setup;
mod sync;
mod users;

use axum::{
    Json, Router,
    http::Method,
    routing::{any, get, patch, post},
};
use serde_json::{Value, json};

use crate::{AppState, error::AppError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/sync", post(sync::sync))
        .route("/metrics", get(crate::metrics::serve))
        .route("/api/v1/setup", get(setup::status).post(setup::setup))
        .route("/api/v1/users", get(users::list).post(users::create))
        .route("/api/v1/users/{id}", patch(users::update))
        .route(
            "/api/v1/records/{collection}/{id}/history",
            get(history::history),
        )
        // Unknown API paths must not fall through to the app's index.html: a
        // client expecting JSON would get a web page with status 200.
        .route("/api", any(api_not_found))
        .route("/api/", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn api_not_found() -> AppError {
    AppError::not_found("not_found", "there is nothing at this address in the API")
}

async fn method_not_allowed(method: Method) -> AppError {
    AppError::MethodNotAllowed(method)
}
