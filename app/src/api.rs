//! The sync server's HTTP API through the browser's `fetch`: the client
//! crate's transports, with every failure turned into its [`ApiError`].

use gloo_net::http::{Method, RequestBuilder};
use outpost_client::api::{ApiError, SyncTransport, error_from};
use outpost_model::protocol::{
    API_PREFIX, HistoryResponse, LoginRequest, LoginResponse, SyncRequest, SyncResponse,
    UsersResponse,
};
use serde::{Serialize, de::DeserializeOwned};

mod blobs;

/// The server at `base` (empty for the page's own origin).
#[derive(Debug, Clone, Default)]
pub struct Api {
    base: String,
}

impl Api {
    pub fn new(base: impl Into<String>) -> Self {
        Self { base: base.into() }
    }

    pub async fn login(&self, request: &LoginRequest) -> Result<LoginResponse, ApiError> {
        self.call(Method::POST, "/auth/login", None, Some(request))
            .await
    }

    pub async fn logout(&self, token: &str) -> Result<(), ApiError> {
        self.call::<(), serde_json::Value>(Method::POST, "/auth/logout", Some(token), None)
            .await
            .map(drop)
    }

    pub async fn users(&self, token: &str) -> Result<UsersResponse, ApiError> {
        self.call::<(), _>(Method::GET, "/users", Some(token), None)
            .await
    }

    /// Every change the server ever received for one record, losers too.
    pub async fn history(
        &self,
        token: &str,
        collection: &str,
        id: &str,
    ) -> Result<HistoryResponse, ApiError> {
        let path = format!("/records/{collection}/{id}/history");
        self.call::<(), _>(Method::GET, &path, Some(token), None)
            .await
    }

    async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&B>,
    ) -> Result<R, ApiError> {
        let url = format!("{}{API_PREFIX}{path}", self.base);
        let mut request = RequestBuilder::new(&url)
            .method(method)
            .header("Accept", "application/json");
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => {
                let text =
                    serde_json::to_string(body).map_err(|e| ApiError::BadAnswer(e.to_string()))?;
                request
                    .header("Content-Type", "application/json")
                    .body(text)
            }
            None => request.build(),
        }
        .map_err(|e| ApiError::BadAnswer(e.to_string()))?;
        // No answer at all, or one cut off, is the network's fault.
        let response = request.send().await.map_err(|_| ApiError::Offline)?;
        let text = response.text().await.map_err(|_| ApiError::Offline)?;
        if response.ok() {
            // An empty body (e.g. logout's 204) reads as JSON null.
            let text = if text.trim().is_empty() {
                "null"
            } else {
                &text
            };
            return serde_json::from_str(text).map_err(|e| ApiError::BadAnswer(e.to_string()));
        }
        Err(error_from(response.status(), &text))
    }
}

impl SyncTransport for Api {
    async fn sync(&self, token: &str, request: &SyncRequest) -> Result<SyncResponse, ApiError> {
        self.call(Method::POST, "/sync", Some(token), Some(request))
            .await
    }
}

/// Accounts: first-time setup and, for admins, managing users.
mod accounts {
    use outpost_model::protocol::{
        LoginResponse, NewUserRequest, SetupRequest, SetupStatus, User, UserPatch,
    };

    use super::{Api, ApiError, Method};

    impl Api {
        /// Whether the server still waits for its first admin (no token needed).
        pub async fn setup_status(&self) -> Result<SetupStatus, ApiError> {
            self.call::<(), _>(Method::GET, "/setup", None, None).await
        }

        /// Creates the first admin with the one-time code; answered like a sign-in.
        pub async fn setup(&self, request: &SetupRequest) -> Result<LoginResponse, ApiError> {
            self.call(Method::POST, "/setup", None, Some(request)).await
        }

        pub async fn add_user(
            &self,
            token: &str,
            request: &NewUserRequest,
        ) -> Result<User, ApiError> {
            self.call(Method::POST, "/users", Some(token), Some(request))
                .await
        }

        /// Changes only what `patch` names; the server ends the account's
        /// sessions when it is disabled or its password is set.
        pub async fn update_user(
            &self,
            token: &str,
            id: &str,
            patch: &UserPatch,
        ) -> Result<User, ApiError> {
            let path = format!("/users/{}", js_sys::encode_uri_component(id));
            self.call(Method::PATCH, &path, Some(token), Some(patch))
                .await
        }
    }
}
