//! The tablet's side of the server's HTTP API, without the HTTP: the
//! transports the sync loop and the photo queue talk through (the app's is
//! `fetch`, the tests' is a native client), and every failure as an
//! [`ApiError`] that reads as a sentence.

use outpost_model::protocol::{ErrorResponse, SyncRequest, SyncResponse};
use outpost_model::time::parse_rfc3339_ms;

use crate::storage::StoredBlob;

/// Why a request did not succeed. `Display` is a sentence for a person.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// No answer at all: no network, or the server is down.
    #[error("the server could not be reached")]
    Offline,
    /// 401: the token is missing, wrong or expired (or, at sign-in, the password).
    #[error("{0}")]
    Unauthorized(String),
    /// 409 `clock_ahead`: the tablet's clock runs ahead of the server's.
    #[error("{message}")]
    ClockAhead {
        message: String,
        server_time_ms: Option<u64>,
    },
    /// Any other documented error answer.
    #[error("{message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// An answer that is not what the protocol promises.
    #[error("the server gave an answer this app does not understand ({0})")]
    BadAnswer(String),
}

/// One sync round trip; a trait so that tests can stand in for the server.
#[allow(async_fn_in_trait)]
pub trait SyncTransport {
    async fn sync(&self, token: &str, request: &SyncRequest) -> Result<SyncResponse, ApiError>;
}

/// Sending and fetching blobs; a trait so that tests can stand in for the server.
#[allow(async_fn_in_trait)]
pub trait BlobTransport {
    /// Sends the bytes; `Ok` when the server has them (new or already stored).
    async fn put_blob(&self, token: &str, blob: &StoredBlob) -> Result<(), ApiError>;

    /// The bytes with this hash, `None` when the server does not have them (yet).
    async fn get_blob(&self, token: &str, sha256: &str) -> Result<Option<StoredBlob>, ApiError>;
}

/// Maps an error answer to an [`ApiError`], keeping the server's sentence.
pub fn error_from(status: u16, body: &str) -> ApiError {
    let Ok(ErrorResponse { error }) = serde_json::from_str::<ErrorResponse>(body) else {
        return match status {
            401 => ApiError::Unauthorized("the server no longer accepts this sign-in".into()),
            _ => ApiError::Refused {
                status,
                code: "http".into(),
                message: format!("the server answered with status {status}"),
            },
        };
    };
    match (status, error.code.as_str()) {
        (401, _) => ApiError::Unauthorized(error.message),
        (_, "clock_ahead") => ApiError::ClockAhead {
            server_time_ms: error.server_time.as_deref().and_then(parse_rfc3339_ms),
            message: error.message,
        },
        _ => ApiError::Refused {
            status,
            code: error.code,
            message: error.message,
        },
    }
}
