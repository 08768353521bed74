//! `GET /api/v1/users`: the directory behind names and assignee pickers, for
//! everyone signed in; `POST /api/v1/users` and `PATCH /api/v1/users/{id}`:
//! account management, for admins only.

use axum::{
    Json,
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
};
use outpost_model::protocol::{NewUserRequest, Role, User, UserPatch, UsersResponse};

use crate::{AppState, auth::Auth, error::AppError, json::ApiJson};

/// The directory of accounts, for names and pickers.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every account", body = UsersResponse),
        (status = 401, description = "`unauthorized`", body = outpost_model::protocol::ErrorResponse),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    _auth: Auth,
) -> Result<Json<UsersResponse>, AppError> {
    let users = state.run(|store| store.users()).await?;
    Ok(Json(UsersResponse { users }))
}

/// Creates an account (admins only).
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    security(("bearer" = [])),
    request_body = NewUserRequest,
    responses(
        (status = 201, description = "Created", body = User),
        (status = 400, description = "`malformed`", body = outpost_model::protocol::ErrorResponse),
        (status = 401, description = "`unauthorized`", body = outpost_model::protocol::ErrorResponse),
        (status = 403, description = "`forbidden`", body = outpost_model::protocol::ErrorResponse),
        (status = 409, description = "`duplicate_user`", body = outpost_model::protocol::ErrorResponse),
        (status = 415, description = "`unsupported_media_type`", body = outpost_model::protocol::ErrorResponse),
        (status = 422, description = "`bad_user_name`, `bad_password`", body = outpost_model::protocol::ErrorResponse),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, Json<User>), AppError> {
    admin_only(&auth)?;
    let user =
        tokio::task::spawn_blocking(move || state.create_user(&req.name, req.role, &req.password))
            .await??;
    tracing::info!(by = %auth.user.name, user = %user.name, role = user.role.as_str(), "account created");
    Ok((StatusCode::CREATED, Json(user)))
}

/// Changes an account's role, disabled state or password (admins only).
#[utoipa::path(
    patch,
    path = "/api/v1/users/{id}",
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The user's id")),
    request_body = UserPatch,
    responses(
        (status = 200, description = "Changed", body = User),
        (status = 400, description = "`malformed`", body = outpost_model::protocol::ErrorResponse),
        (status = 401, description = "`unauthorized`", body = outpost_model::protocol::ErrorResponse),
        (status = 403, description = "`forbidden`", body = outpost_model::protocol::ErrorResponse),
        (status = 404, description = "`not_found`", body = outpost_model::protocol::ErrorResponse),
        (status = 409, description = "`last_admin`", body = outpost_model::protocol::ErrorResponse),
        (status = 415, description = "`unsupported_media_type`", body = outpost_model::protocol::ErrorResponse),
        (status = 422, description = "`bad_password`", body = outpost_model::protocol::ErrorResponse),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    path: Result<Path<String>, PathRejection>,
    ApiJson(patch): ApiJson<UserPatch>,
) -> Result<Json<User>, AppError> {
    admin_only(&auth)?;
    let Path(id) = path.map_err(|_| {
        AppError::bad_request("malformed", "the user id in the address cannot be read")
    })?;
    let what = describe(&patch);
    let user = tokio::task::spawn_blocking(move || state.update_user(&id, patch)).await??;
    tracing::info!(by = %auth.user.name, user = %user.name, changed = %what, "account changed");
    Ok(Json(user))
}

fn admin_only(auth: &Auth) -> Result<(), AppError> {
    if auth.user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            code: "forbidden",
            message: "only an admin can manage accounts".to_owned(),
        })
    }
}

/// What a patch changes, for the log; never the password itself.
fn describe(patch: &UserPatch) -> String {
    let mut parts = Vec::new();
    if let Some(role) = patch.role {
        parts.push(format!("role={}", role.as_str()));
    }
    if let Some(disabled) = patch.disabled {
        parts.push(format!("disabled={disabled}"));
    }
    if patch.password.is_some() {
        parts.push("password".to_owned());
    }
    parts.join(",")
}
