//! `POST /api/v1/auth/login` and `/logout`, and the session both sign-in and
//! first-time setup end with.

use std::net::SocketAddr;

use axum::{
    Json,
    extract::{ConnectInfo, State},
    http::{Extensions, StatusCode},
};
use outpost_model::{
    hlc::valid_node,
    protocol::{LoginRequest, LoginResponse, User},
    time::format_rfc3339_ms,
};

use crate::{
    AppState,
    auth::{self, Auth, TOKEN_LIFETIME_MS},
    error::AppError,
    json::ApiJson,
};

/// Signs in on a device and returns a token bound to it.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 400, description = "`malformed`, `bad_device_id`", body = outpost_model::protocol::ErrorResponse),
        (status = 401, description = "`bad_credentials`", body = outpost_model::protocol::ErrorResponse),
        (status = 415, description = "`unsupported_media_type`", body = outpost_model::protocol::ErrorResponse),
        (status = 429, description = "`slow_down`, with `Retry-After`", body = outpost_model::protocol::ErrorResponse),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    extensions: Extensions,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    let addr = client_addr(&extensions);
    let started = state.now_ms();
    // Checked before the password, so a held-back guess learns nothing.
    state
        .sign_ins()
        .check(&req.username, addr, started)
        .map_err(|retry_after_ms| AppError::SlowDown { retry_after_ms })?;
    check_device_id(&req.device_id)?;
    let name = req.username.clone();
    let stored = state.run(move |store| store.user_by_name(&name)).await?;
    let password = req.password;
    // Argon2 is slow on purpose; keep it off the async workers. A disabled
    // account gets the same answer as a wrong password, after the same work.
    let user = tokio::task::spawn_blocking(move || match stored {
        Some(s) if auth::verify_password(&password, &s.password_hash) && !s.user.disabled => {
            Some(s.user)
        }
        Some(_) => None,
        None => {
            auth::verify_against_nobody(&password);
            None
        }
    })
    .await?;
    let Some(user) = user else {
        state
            .sign_ins()
            .record_failure(&req.username, addr, started);
        tracing::info!(username = %req.username, "failed sign-in");
        return Err(AppError::BadCredentials);
    };
    tracing::info!(user = %user.name, "signed in");
    Ok(Json(start_session(&state, user, req.device_id).await?))
}

/// Absent when the router runs without a socket (tests using `oneshot`).
pub fn client_addr(extensions: &Extensions) -> Option<std::net::IpAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

/// The device id becomes the node of the device's clock stamps, so it must be
/// one the clock accepts.
pub fn check_device_id(device_id: &str) -> Result<(), AppError> {
    if valid_node(device_id) {
        Ok(())
    } else {
        Err(AppError::bad_request(
            "bad_device_id",
            "device_id must be 1 to 64 letters, digits, '-' or '_'",
        ))
    }
}

/// Issues a token for `user` on `device_id`; only its hash is kept.
pub async fn start_session(
    state: &AppState,
    user: User,
    device_id: String,
) -> Result<LoginResponse, AppError> {
    let token = auth::new_token();
    let expires_at_ms = state.now_ms().saturating_add(TOKEN_LIFETIME_MS);
    let (hash, user_id) = (auth::token_hash(&token), user.id.clone());
    state
        .run(move |store| store.add_token(&hash, &user_id, &device_id, expires_at_ms))
        .await?;
    Ok(LoginResponse {
        token,
        user,
        expires_at: format_rfc3339_ms(expires_at_ms),
    })
}

/// Forgets the token this request was signed with.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The token no longer works"),
        (status = 401, description = "`unauthorized`", body = outpost_model::protocol::ErrorResponse),
    )
)]
pub async fn logout(State(state): State<AppState>, auth: Auth) -> Result<StatusCode, AppError> {
    state
        .run(move |store| store.remove_token(&auth.token_hash))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
