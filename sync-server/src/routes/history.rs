//! `GET /api/v1/records/{collection}/{id}/history`: every change ever received
//! for one record, the losing ones too, in clock order.

use axum::{
    Json,
    extract::{Path, State, rejection::PathRejection},
};
use outpost_model::{protocol::HistoryResponse, schema};

use crate::{AppState, auth::Auth, error::AppError};

/// Every change ever received for one record, in clock order.
#[utoipa::path(
    get,
    path = "/api/v1/records/{collection}/{id}/history",
    tag = "records",
    security(("bearer" = [])),
    params(
        ("collection" = String, Path, description = "`incidents`, `sites`, …"),
        ("id" = String, Path, description = "The record's UUID"),
    ),
    responses(
        (status = 200, description = "The record's history", body = HistoryResponse),
        (status = 400, description = "`malformed`", body = outpost_model::protocol::ErrorResponse),
        (status = 401, description = "`unauthorized`", body = outpost_model::protocol::ErrorResponse),
        (status = 404, description = "`not_found`, `unknown_collection`", body = outpost_model::protocol::ErrorResponse),
    )
)]
pub async fn history(
    State(state): State<AppState>,
    _auth: Auth,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<HistoryResponse>, AppError> {
    let Path((collection, id)) = path.map_err(|_| {
        AppError::bad_request(
            "malformed",
            "the collection or record id in the address cannot be read",
        )
    })?;
    if schema::collection(&collection).is_none() {
        return Err(AppError::not_found(
            "unknown_collection",
            format!("there is no collection called {:?}", truncate(&collection)),
        ));
    }
    let (c, i) = (collection.clone(), id.clone());
    let changes = state.run(move |store| store.history(&c, &i)).await?;
    if changes.is_empty() {
        return Err(AppError::not_found(
            "not_found",
            format!("there is no record {:?} in {collection}", truncate(&id)),
        ));
    }
    Ok(Json(HistoryResponse { changes }))
}

/// Echoing back a client's text is fine; echoing megabytes of it is not.
fn truncate(s: &str) -> String {
    s.chars().take(100).collect()
}
