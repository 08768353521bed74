//! `POST /api/v1/auth/login` and `/logout`.

use std::net::SocketAddr;

use axum::{
    Json,
    extract::{ConnectInfo, State},
    http::{Extensions, StatusCode},
};
use outpost_model::{
    hlc::valid_node,
    protocol::{LoginRequest, LoginResponse},
    time::format_rfc3339_ms,
};

use crate::{
    AppState,
    auth::{self, Auth, TOKEN_LIFETIME_MS},
    clock::now_ms,
    error::AppError,
    json::ApiJson,
};

pub async fn login(
    State(state): State<AppState>,
    extensions: Extensions,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    // Absent when the router runs without a socket (tests using `oneshot`).
    let addr = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let started = now_ms();
    // Checked before the password, so a held-back guess learns nothing.
    state
        .sign_ins()
        .check(&req.username, addr, started)
        .map_err(|retry_after_ms| AppError::SlowDown { retry_after_ms })?;
    // The device id becomes the node of the device's clock stamps, so it must
    // be one the clock accepts.
    if !valid_node(&req.device_id) {
        return Err(AppError::bad_request(
            "bad_device_id",
            "device_id must be 1 to 64 letters, digits, '-' or '_'",
        ));
    }
    let name = req.username.clone();
    let stored = state.run(move |store| store.user_by_name(&name)).await?;
    let password = req.password;
    // Argon2 is slow on purpose; keep it off the async workers.
    let user = tokio::task::spawn_blocking(move || match stored {
        Some(s) if auth::verify_password(&password, &s.password_hash) => Some(s.user),
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

    let token = auth::new_token();
    let expires_at_ms = now_ms().saturating_add(TOKEN_LIFETIME_MS);
    let (hash, user_id, device_id) = (auth::token_hash(&token), user.id.clone(), req.device_id);
    state
        .run(move |store| store.add_token(&hash, &user_id, &device_id, expires_at_ms))
        .await?;
    tracing::info!(user = %user.name, "signed in");
    Ok(Json(LoginResponse {
        token,
        user,
        expires_at: format_rfc3339_ms(expires_at_ms),
    }))
}

/// Forgets the token this request was signed with.
pub async fn logout(State(state): State<AppState>, auth: Auth) -> Result<StatusCode, AppError> {
    state
        .run(move |store| store.remove_token(&auth.token_hash))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
