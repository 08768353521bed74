//! The client crate's transport over a native HTTP client, for simulated
//! tablets: the same requests the app's `fetch` sends, plus the knobs a
//! test network needs (going offline, losing an answer after the server
//! acted on the request, a server that gives small pages or the older
//! answer shape).

use std::cell::Cell;

use outpost_client::api::{ApiError, SyncTransport, error_from};
use outpost_model::protocol::{PullFormat, SyncRequest, SyncResponse};

/// How this tablet's network behaves; every knob can change between syncs.
#[derive(Debug, Default)]
pub struct Network {
    /// No answer at all: the request never leaves.
    pub offline: Cell<bool>,
    /// The next request reaches the server, which acts on it, but its
    /// answer is lost on the way back (the tablet sees no network).
    pub lose_next_answer: Cell<bool>,
    /// A server that gives pages of at most this many changes, so that a
    /// small test still pulls page after page (and the pipelined pull runs).
    pub page_limit: Cell<Option<u32>>,
    /// A server that answers with one object per field instead of grouped
    /// by record, as servers before the grouped answer do.
    pub plain_changes: Cell<bool>,
    /// Requests that reached the server, lost answers included.
    pub requests: Cell<u64>,
}

/// `POST /api/v1/sync` on the server at `base`.
#[derive(Debug)]
pub struct HttpTransport {
    base: String,
    http: reqwest::Client,
    pub network: Network,
}

impl HttpTransport {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            http: reqwest::Client::new(),
            network: Network::default(),
        }
    }
}

impl SyncTransport for HttpTransport {
    async fn sync(&self, token: &str, request: &SyncRequest) -> Result<SyncResponse, ApiError> {
        if self.network.offline.get() {
            return Err(ApiError::Offline);
        }
        let mut request = request.clone();
        if let Some(limit) = self.network.page_limit.get() {
            request.limit = Some(request.limit.map_or(limit, |l| l.min(limit)));
        }
        if self.network.plain_changes.get() {
            request.format = Some(PullFormat::Changes);
        }
        self.network.requests.set(self.network.requests.get() + 1);
        let answer = self
            .http
            .post(format!("{}/api/v1/sync", self.base))
            .bearer_auth(token)
            .json(&request)
            .send()
            .await
            .map_err(|_| ApiError::Offline)?;
        let status = answer.status().as_u16();
        let body = answer.text().await.map_err(|_| ApiError::Offline)?;
        if self.network.lose_next_answer.replace(false) {
            return Err(ApiError::Offline);
        }
        if status != 200 {
            return Err(error_from(status, &body));
        }
        serde_json::from_str(&body).map_err(|e| ApiError::BadAnswer(e.to_string()))
    }
}
