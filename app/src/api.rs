//! The sync server's HTTP API through the browser's `fetch`: the client
//! crate's transports, with every failure turned into its [`ApiError`].

use outpost_client::api::{ApiError, SyncTransport, error_from};
use outpost_model::protocol::{
    API_PREFIX, HistoryResponse, LoginRequest, LoginResponse, SyncRequest, SyncResponse,
    UsersResponse,
};
use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

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
        self.call("POST", "/auth/login", None, Some(request)).await
    }

    pub async fn logout(&self, token: &str) -> Result<(), ApiError> {
        self.call::<(), serde_json::Value>("POST", "/auth/logout", Some(token), None)
            .await
            .map(drop)
    }

    pub async fn users(&self, token: &str) -> Result<UsersResponse, ApiError> {
        self.call::<(), _>("GET", "/users", Some(token), None).await
    }

    /// Every change the server ever received for one record, losers too.
    pub async fn history(
        &self,
        token: &str,
        collection: &str,
        id: &str,
    ) -> Result<HistoryResponse, ApiError> {
        let path = format!("/records/{collection}/{id}/history");
        self.call::<(), _>("GET", &path, Some(token), None).await
    }

    async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&B>,
    ) -> Result<R, ApiError> {
        let url = format!("{}{API_PREFIX}{path}", self.base);
        let request = build_request(method, &url, token, body)?;
        let window = web_sys::window().ok_or(ApiError::Offline)?;
        let answer = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(|_| ApiError::Offline)?;
        let response: Response = answer
            .dyn_into()
            .map_err(|_| ApiError::BadAnswer("not an HTTP response".into()))?;
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .map_err(|_| ApiError::Offline)?
                .as_string()
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
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
        self.call("POST", "/sync", Some(token), Some(request)).await
    }
}

fn build_request<B: Serialize>(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&B>,
) -> Result<Request, ApiError> {
    let js = |e: JsValue| ApiError::BadAnswer(format!("{e:?}"));
    let headers = Headers::new().map_err(js)?;
    headers.set("Accept", "application/json").map_err(js)?;
    if let Some(token) = token {
        headers
            .set("Authorization", &format!("Bearer {token}"))
            .map_err(js)?;
    }
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        let text = serde_json::to_string(body).map_err(|e| ApiError::BadAnswer(e.to_string()))?;
        headers
            .set("Content-Type", "application/json")
            .map_err(js)?;
        init.set_body(&JsValue::from_str(&text));
    }
    init.set_headers(&headers);
    Request::new_with_str_and_init(url, &init).map_err(js)
}

/// Accounts: first-time setup and, for admins, managing users.
mod accounts {
    use outpost_model::protocol::{
        LoginResponse, NewUserRequest, SetupRequest, SetupStatus, User, UserPatch,
    };

    use super::{Api, ApiError};

    impl Api {
        /// Whether the server still waits for its first admin (no token needed).
        pub async fn setup_status(&self) -> Result<SetupStatus, ApiError> {
            self.call::<(), _>("GET", "/setup", None, None).await
        }

        /// Creates the first admin with the one-time code; answered like a sign-in.
        pub async fn setup(&self, request: &SetupRequest) -> Result<LoginResponse, ApiError> {
            self.call("POST", "/setup", None, Some(request)).await
        }

        pub async fn add_user(
            &self,
            token: &str,
            request: &NewUserRequest,
        ) -> Result<User, ApiError> {
            self.call("POST", "/users", Some(token), Some(request))
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
            self.call("PATCH", &path, Some(token), Some(patch)).await
        }
    }
}
