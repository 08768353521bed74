//! First-time setup: `GET /api/v1/setup` says whether it is needed, and
//! `POST /api/v1/setup` creates the first admin with the one-time code the
//! server printed at start, then signs them in.

use axum::{
    Json,
    extract::State,
    http::{Extensions, StatusCode},
};
use outpost_model::protocol::{LoginResponse, Role, SetupRequest, SetupStatus, User};

use crate::{
    AppState,
    accounts::{self, setup_code_hash},
    error::{AppError, bad_setup_code},
    json::ApiJson,
    routes::auth::{check_device_id, client_addr, start_session},
};

/// The limiter's key for setup attempts. User names cannot hold control
/// characters, so no account shares this key.
const SETUP_KEY: &str = "\u{1}setup";

#[utoipa::path(
    get,
    path = "/api/v1/setup",
    tag = "setup",
    responses((status = 200, description = "Whether the first admin is still to be created", body = SetupStatus))
)]
pub async fn status(State(state): State<AppState>) -> Result<Json<SetupStatus>, AppError> {
    let users = state.run(|store| store.user_count()).await?;
    Ok(Json(SetupStatus { needed: users == 0 }))
}

/// Creates the first admin with the one-time setup code and signs them in.
#[utoipa::path(
    post,
    path = "/api/v1/setup",
    tag = "setup",
    request_body = SetupRequest,
    responses(
        (status = 201, description = "The first admin, signed in", body = LoginResponse),
        (status = 400, description = "`malformed`, `bad_device_id`", body = outpost_model::protocol::ErrorResponse),
        (status = 403, description = "`bad_setup_code`", body = outpost_model::protocol::ErrorResponse),
        (status = 409, description = "`already_set_up`", body = outpost_model::protocol::ErrorResponse),
        (status = 415, description = "`unsupported_media_type`", body = outpost_model::protocol::ErrorResponse),
        (status = 422, description = "`bad_user_name`, `bad_password`", body = outpost_model::protocol::ErrorResponse),
        (status = 429, description = "`slow_down`, with `Retry-After`", body = outpost_model::protocol::ErrorResponse),
    )
)]
pub async fn setup(
    State(state): State<AppState>,
    extensions: Extensions,
    ApiJson(req): ApiJson<SetupRequest>,
) -> Result<(StatusCode, Json<LoginResponse>), AppError> {
    let addr = client_addr(&extensions);
    let started = state.now_ms();
    state
        .sign_ins()
        .check(SETUP_KEY, addr, started)
        .map_err(|retry_after_ms| AppError::SlowDown { retry_after_ms })?;
    if state.run(|store| store.user_count()).await? > 0 {
        return Err(crate::store::StoreError::AlreadySetUp.into());
    }
    let code_hash = setup_code_hash(&req.code);
    let lookup = code_hash.clone();
    if !state
        .run(move |store| store.setup_code_matches(&lookup))
        .await?
    {
        state.sign_ins().record_failure(SETUP_KEY, addr, started);
        tracing::warn!("wrong setup code");
        return Err(bad_setup_code());
    }
    check_device_id(&req.device_id)?;
    accounts::check_user_name(&req.username)?;
    accounts::check_password(&req.password)?;
    let admin = User {
        id: uuid::Uuid::now_v7().to_string(),
        name: req.username,
        role: Role::Admin,
        disabled: false,
    };
    let password = req.password;
    let hash = tokio::task::spawn_blocking(move || accounts::hash(&password)).await??;
    let created = admin.clone();
    // The store checks again, in one transaction, that nobody has an account
    // and that the code is still unused, so two racing setups cannot both win.
    state
        .run(move |store| store.finish_setup(&code_hash, &created, &hash, &accounts::now_rfc3339()))
        .await?;
    tracing::info!(user = %admin.name, "first admin created with the setup code");
    let session = start_session(&state, admin, req.device_id).await?;
    Ok((StatusCode::CREATED, Json(session)))
}
