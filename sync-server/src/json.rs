//! `ApiJson`: a JSON body extractor whose every rejection is the documented
//! JSON error, so a bad body never earns a plain-text answer or a 500.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{HeaderMap, StatusCode, header::CONTENT_TYPE},
};
use serde::de::DeserializeOwned;

use crate::error::AppError;

pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ApiJsonBytes(bytes) = ApiJsonBytes::from_request(req, state).await?;
        parse(&bytes).map(ApiJson)
    }
}

/// The bytes of a JSON body, checked and refused as [`ApiJson`] does, for a
/// handler that reads them in parts (borrowing rather than copying).
pub struct ApiJsonBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiJsonBytes {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(AppError::UnsupportedMediaType(
                "send the body as JSON with the header content-type: application/json".to_owned(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            // The body limit (`DefaultBodyLimit`) shows up here as 413.
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                AppError::bad_request("malformed", "the request body could not be read")
            }
        })?;
        Ok(ApiJsonBytes(bytes))
    }
}

/// The answer to a body over [`outpost_model::protocol::MAX_BODY_BYTES`].
pub fn too_large() -> AppError {
    AppError::TooLarge {
        code: "too_large",
        message: format!(
            "the request body is larger than {} MiB; send fewer changes at a time",
            outpost_model::protocol::MAX_BODY_BYTES / (1024 * 1024)
        ),
    }
}

/// Reads JSON text into `T`, naming what is wrong when it cannot.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => AppError::bad_request(
            "malformed",
            format!("the request body is JSON but not what this address expects: {e}"),
        ),
        _ => AppError::bad_request(
            "malformed",
            format!("the request body is not valid JSON: {e}"),
        ),
    })
}

/// `application/json`, with or without parameters, or any `+json` type.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}
