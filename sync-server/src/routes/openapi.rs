//! The OpenAPI 3 document of the API, served at `/api/v1/openapi.json`.
//!
//! It is generated from the handlers' own `#[utoipa::path]` annotations and
//! the wire types of `outpost_model::protocol`, and every API route is
//! registered through `utoipa_axum::routes!`, which adds it to the router and
//! to this document in one step: a route cannot be served without being
//! described.

use std::sync::OnceLock;

use axum::http::header;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

/// The document's fixed parts; `routes::router` adds the paths.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Outpost sync API",
        description = "Sync protocol v1 of Outpost, the offline-first incident tracker. \
            Every error is `{\"error\": {\"code\", \"message\"}}`; see docs/protocol.md.",
    ),
    modifiers(&BearerToken),
    components(schemas(outpost_model::protocol::WireChange)),
)]
pub struct ApiDoc;

/// `Authorization: Bearer <token>` from sign-in or setup.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as JSON text, set once when the first router is built.
static DOCUMENT: OnceLock<String> = OnceLock::new();

pub fn publish(doc: &utoipa::openapi::OpenApi) {
    // Every router describes the same routes, so the first document stands.
    DOCUMENT.get_or_init(|| doc.to_json().unwrap_or_else(|_| "{}".to_owned()));
}

/// `GET /api/v1/openapi.json`.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "This document", content_type = "application/json"))
)]
pub async fn document() -> impl axum::response::IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.get().cloned().unwrap_or_else(|| "{}".to_owned()),
    )
}
