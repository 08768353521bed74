//! `GET /api/v1/users`: the directory behind names and assignee pickers.

use axum::{Json, extract::State};
use outpost_model::protocol::UsersResponse;

use crate::{AppState, auth::Auth, error::AppError};

pub async fn list(
    State(state): State<AppState>,
    _auth: Auth,
) -> Result<Json<UsersResponse>, AppError> {
    let users = state.run(|store| store.users()).await?;
    Ok(Json(UsersResponse { users }))
}
