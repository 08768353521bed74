//! `GET /api/v1/records/{collection}/{id}/history`: every change ever received
//! for one record, the losing ones too, in clock order.

use axum::{
    Json,
    extract::{Path, State, rejection::PathRejection},
};
use outpost_model::{protocol::HistoryResponse, schema};

use crate::{AppState, auth::Auth, error::AppError};

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
