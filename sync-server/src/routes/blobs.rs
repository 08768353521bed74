//! `PUT` and `GET /api/v1/blobs/{sha256}`: attachment bytes (photos), named
//! by their SHA-256, so an upload can be retried any number of times and a
//! download never changes.
//!
//! Uploads may be up to [`MAX_BLOB_BYTES`], more than the JSON body limit of
//! the other routes: [`router`] raises the limit for these routes alone. A
//! larger upload is refused from its `Content-Length` before a byte of it is
//! read, and a body without one is cut off at the limit, so no upload
//! buffers more than that.

use axum::{
    Json,
    body::{Body, Bytes},
    extract::{DefaultBodyLimit, FromRequest, Path, Request, State, rejection::PathRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use outpost_model::{
    protocol::{BLOB_CONTENT_TYPES, BlobStored, ErrorResponse, MAX_BLOB_BYTES, is_blob_hash},
    time::format_rfc3339_ms,
};
use sha2::{Digest, Sha256};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{AppState, auth::Auth, error::AppError, store::Blob};

/// A blob's bytes never change, so a browser may keep them for a year.
const CACHE_FOREVER: &str = "private, max-age=31536000, immutable";

/// The blob routes, with the body limit raised to [`MAX_BLOB_BYTES`]. This
/// layer is inside the router-wide one, so it is the one the body extractor
/// sees.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload, download))
        .layer(DefaultBodyLimit::max(MAX_BLOB_BYTES))
}

/// Stores an attachment's bytes; the address names their SHA-256.
#[utoipa::path(
    put,
    path = "/api/v1/blobs/{sha256}",
    tag = "blobs",
    security(("bearer" = [])),
    params(("sha256" = String, Path, description = "The body's SHA-256: 64 lowercase hex digits")),
    request_body(
        description = "The bytes, at most 20 MiB",
        content(("image/jpeg"), ("image/png"), ("image/webp")),
    ),
    responses(
        (status = 201, description = "Stored", body = BlobStored),
        (status = 200, description = "Already stored (a retried upload)", body = BlobStored),
        (status = 400, description = "`bad_hash`, `empty_body`, `malformed`", body = ErrorResponse),
        (status = 401, description = "`unauthorized`", body = ErrorResponse),
        (status = 413, description = "`too_large`: over 20 MiB", body = ErrorResponse),
        (status = 415, description = "`unsupported_media_type`: not a JPEG, PNG or WebP", body = ErrorResponse),
        (status = 422, description = "`hash_mismatch`: the body's SHA-256 is not the one in the address", body = ErrorResponse),
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Result<(StatusCode, Json<BlobStored>), AppError> {
    let sha256 = hash_in(path)?;
    let mime = photo_type(request.headers())?;
    // Refuse a declared oversize body at once, rather than reading 20 MiB
    // of it first.
    if declared_length(request.headers()).is_some_and(|n| n > MAX_BLOB_BYTES as u64) {
        return Err(too_large());
    }
    let bytes = Bytes::from_request(request, &state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                AppError::bad_request("malformed", "the upload could not be read to its end")
            }
        })?;
    if bytes.is_empty() {
        return Err(AppError::bad_request(
            "empty_body",
            "the upload is empty; send the attachment's bytes as the body",
        ));
    }
    // Hashing 20 MiB takes tens of milliseconds: not on an async worker.
    let (bytes, actual) = tokio::task::spawn_blocking(move || {
        let digest = hex::encode(Sha256::digest(&bytes));
        (bytes, digest)
    })
    .await?;
    if actual != sha256 {
        return Err(AppError::invalid(
            "hash_mismatch",
            format!(
                "the body's SHA-256 is {actual}, but the address names {sha256}; \
                 the upload was damaged on the way or sent to the wrong address, so nothing was stored"
            ),
        ));
    }
    let size = bytes.len() as u64;
    let blob = Blob {
        sha256: sha256.clone(),
        mime,
        bytes: Vec::from(bytes),
    };
    let (user, received_at) = (auth.user.id, format_rfc3339_ms(state.now_ms()));
    let new = state
        .run(move |store| store.put_blob(&blob, &user, &received_at))
        .await?;
    state.metrics().blob_stored(new);
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(BlobStored { sha256, size })))
}

/// An attachment's bytes, with the type they were uploaded with. `HEAD`
/// answers the same headers without the bytes.
#[utoipa::path(
    get,
    path = "/api/v1/blobs/{sha256}",
    tag = "blobs",
    security(("bearer" = [])),
    params(("sha256" = String, Path, description = "The blob's SHA-256: 64 lowercase hex digits")),
    responses(
        (status = 200, description = "The bytes, with `Content-Type`, `Content-Length`, \
            `ETag: \"<sha256>\"` and `Cache-Control: private, max-age=31536000, immutable`",
            content(("image/jpeg"), ("image/png"), ("image/webp"))),
        (status = 400, description = "`bad_hash`", body = ErrorResponse),
        (status = 401, description = "`unauthorized`", body = ErrorResponse),
        (status = 404, description = "`not_found`: no blob with that hash", body = ErrorResponse),
    )
)]
pub async fn download(
    State(state): State<AppState>,
    _auth: Auth,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, AppError> {
    let sha256 = hash_in(path)?;
    let key = sha256.clone();
    let blob = state
        .run(move |store| store.blob(&key))
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                "not_found",
                "the server has no attachment with that hash; the device that took it has not uploaded it yet",
            )
        })?;
    let mime = HeaderValue::from_str(&blob.mime)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let length = HeaderValue::from(blob.bytes.len());
    let etag = HeaderValue::from_str(&format!("\"{sha256}\""))
        .map_err(|_| AppError::bad_request("bad_hash", BAD_HASH))?;
    let mut response = Body::from(blob.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, mime);
    headers.insert(header::CONTENT_LENGTH, length);
    headers.insert(header::ETAG, etag);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_FOREVER),
    );
    Ok(response)
}

const BAD_HASH: &str =
    "the address must end in the attachment's SHA-256: 64 hex digits, 0-9 and lowercase a-f";

/// The hash in the address, if it is one.
fn hash_in(path: Result<Path<String>, PathRejection>) -> Result<String, AppError> {
    match path {
        Ok(Path(hash)) if is_blob_hash(&hash) => Ok(hash),
        _ => Err(AppError::bad_request("bad_hash", BAD_HASH)),
    }
}

/// The upload's type, lowercased and without parameters, if it is a photo
/// type this server keeps.
fn photo_type(headers: &HeaderMap) -> Result<String, AppError> {
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    match essence {
        Some(mime) if BLOB_CONTENT_TYPES.contains(&mime.as_str()) => Ok(mime),
        _ => Err(AppError::UnsupportedMediaType(format!(
            "attachments must be photos: send the header content-type as one of {}",
            BLOB_CONTENT_TYPES.join(", ")
        ))),
    }
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn too_large() -> AppError {
    AppError::TooLarge {
        code: "too_large",
        message: format!(
            "the attachment is larger than {} MiB; make the photo smaller and try again",
            MAX_BLOB_BYTES / (1024 * 1024)
        ),
    }
}
