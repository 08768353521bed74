//! `AppError`: every way a request can fail, rendered as the documented JSON
//! error `{"error": {"code", "message", ...}}` (docs/protocol.md).
//!
//! Messages are sentences for a person, lowercase and without a final period
//! like every other message in Outpost; the app capitalises them for display. Internal failures are logged in full
//! and reach the client only as "something went wrong on the server".

use axum::{
    Json,
    http::{HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use outpost_model::protocol::{ChangeProblem, ErrorBody, ErrorResponse};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request cannot be read.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// 401: no token, an unknown one or an expired one.
    #[error("not signed in")]
    Unauthorized,
    /// 401: the same answer whether the user exists or not, so sign-in
    /// attempts cannot discover user names.
    #[error("bad credentials")]
    BadCredentials,
    /// 403: signed in, but this is not allowed.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// 404.
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    /// 405.
    #[error("method {0} not allowed")]
    MethodNotAllowed(Method),
    /// 409: the device's clock runs ahead of the server's.
    #[error("clock ahead of server by {ahead_ms} ms")]
    ClockAhead { ahead_ms: u64, server_time: String },
    /// 409: the thing to create already exists.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// 413.
    #[error("{message}")]
    TooLarge { code: &'static str, message: String },
    /// 429: too many failed sign-ins; `retry_after_ms` until the next try.
    #[error("slow down for {retry_after_ms} ms")]
    SlowDown { retry_after_ms: u64 },
    /// 503: the request took too long; the client should retry.
    #[error("request timed out")]
    Timeout,
    /// 415: the body's `Content-Type` is not one this address takes; the
    /// message says which it does.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: readable, but refused; `details` names each refused change.
    #[error("{message}")]
    Invalid {
        code: &'static str,
        message: String,
        details: Vec<ChangeProblem>,
    },
    /// 500: a fault on our side, never caused by what the client sent.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::NotFound {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    pub fn internal(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Box::new(e))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized | Self::BadCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::ClockAhead { .. } | Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::SlowDown { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The JSON body a client sees.
    pub fn body(&self) -> ErrorBody {
        let (code, message) = match self {
            Self::BadRequest { code, message }
            | Self::Forbidden { code, message }
            | Self::NotFound { code, message }
            | Self::Conflict { code, message }
            | Self::TooLarge { code, message }
            | Self::Invalid { code, message, .. } => (*code, message.clone()),
            Self::Unauthorized => (
                "unauthorized",
                "you are not signed in, or your session has expired; sign in again".to_owned(),
            ),
            Self::BadCredentials => (
                "bad_credentials",
                "that user name and password do not match an account".to_owned(),
            ),
            Self::MethodNotAllowed(method) => (
                "method_not_allowed",
                format!("this address does not accept {method} requests"),
            ),
            Self::ClockAhead { ahead_ms, .. } => (
                "clock_ahead",
                format!(
                    "this device's clock is {} ahead of the server's; it will correct itself and retry",
                    crate::clock::describe_duration(*ahead_ms)
                ),
            ),
            Self::UnsupportedMediaType(message) => ("unsupported_media_type", message.clone()),
            Self::SlowDown { retry_after_ms } => (
                "slow_down",
                format!(
                    "too many failed sign-in attempts; try again in {}",
                    crate::clock::describe_duration(*retry_after_ms)
                ),
            ),
            Self::Timeout => (
                "timeout",
                "the server took too long to answer; try again".to_owned(),
            ),
            Self::Internal(_) => ("internal", "something went wrong on the server".to_owned()),
        };
        ErrorBody {
            code: code.to_owned(),
            message,
            details: match self {
                Self::Invalid { details, .. } => details.clone(),
                _ => Vec::new(),
            },
            server_time: match self {
                Self::ClockAhead { server_time, .. } => Some(server_time.clone()),
                _ => None,
            },
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(source) = &self {
            tracing::error!(error = %chain(source.as_ref()), "request failed");
        }
        let body = ErrorResponse { error: self.body() };
        let mut response = (self.status(), Json(body)).into_response();
        if let Self::SlowDown { retry_after_ms } = self {
            let secs = retry_after_ms.div_ceil(1000).max(1);
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::DuplicateUser(name) => Self::Conflict {
                code: "duplicate_user",
                message: format!("a user called {name:?} already exists"),
            },
            StoreError::LastAdmin => Self::Conflict {
                code: "last_admin",
                message: "this is the last active admin; make someone else an admin first"
                    .to_owned(),
            },
            StoreError::AlreadySetUp => Self::Conflict {
                code: "already_set_up",
                message: "this server already has an admin; sign in instead".to_owned(),
            },
            StoreError::BadSetupCode => bad_setup_code(),
            other => Self::internal(other),
        }
    }
}

/// The answer to a wrong or used-up setup code.
pub fn bad_setup_code() -> AppError {
    AppError::Forbidden {
        code: "bad_setup_code",
        message: "that is not the setup code this server printed at its last start".to_owned(),
    }
}

impl From<crate::Error> for AppError {
    fn from(e: crate::Error) -> Self {
        use crate::Error;
        match e {
            Error::Store(store) => store.into(),
            Error::BadUserName => Self::invalid("bad_user_name", e.to_string()),
            Error::EmptyPassword | Error::PasswordTooShort | Error::PasswordTooLong => {
                Self::invalid("bad_password", e.to_string())
            }
            Error::NoSuchUser(_) => Self::not_found("not_found", "there is no such user"),
            other => Self::internal(other),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::internal(e)
    }
}

/// An error and all its causes on one line, for the log.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
