//! The route table: the API of docs/protocol.md under `/api/v1`, `/healthz`, and JSON
//! answers for unknown API paths and wrong methods.

pub(crate) mod auth;
mod blobs;
mod history;
pub(crate) mod openapi;
mod setup;
mod sync;
mod sync_answer;
mod sync_wire;
mod users;

use axum::{
    Json, Router,
    http::Method,
    routing::{any, get},
};
use serde_json::{Value, json};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{AppState, error::AppError};

/// The API routes and their OpenAPI description, built together.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(setup::status, setup::setup))
        .routes(routes!(sync::sync))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::update))
        .routes(routes!(history::history))
        .merge(blobs::router())
        .routes(routes!(openapi::document))
        .split_for_parts()
}

pub fn router() -> Router<AppState> {
    let (api, doc) = api();
    openapi::publish(&doc);
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(crate::metrics::serve))
        .merge(api)
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
