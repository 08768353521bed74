//! Real servers on a PostgreSQL test database (any number, as stateless
//! servers share one database), and small helpers to talk to them. The
//! database and how the tests find PostgreSQL: `common/postgres_db.rs`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use outpost_model::protocol::Role;
use outpost_sync_server::{AppState, serve};
use reqwest::{StatusCode, blocking::Client};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub use crate::postgres_db::{TestDb, admin_url};

pub const USER: &str = "alice";
pub const PASSWORD: &str = "correct horse battery";

/// One server on a loopback port, over a PostgreSQL database.
pub struct PgServer {
    pub base: String,
    pub client: Client,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl PgServer {
    /// A server on `db`, adding the admin `alice` when the database has no
    /// accounts yet.
    pub fn start(db: &TestDb) -> Self {
        // Opened before the runtime exists: the client blocks.
        let state = AppState::open_postgres(&db.url, None).expect("open the PostgreSQL store");
        if state.user_count().expect("count users") == 0 {
            state
                .create_user(USER, Role::Admin, PASSWORD)
                .expect("create the first user");
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("bound address");
        let (stop, stopped) = oneshot::channel::<()>();
        runtime.spawn(serve(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        let server = Self {
            base: format!("http://{addr}"),
            client: Client::new(),
            state,
            stop: Some(stop),
            runtime: Some(runtime),
        };
        server.wait_until_healthy();
        server
    }

    fn wait_until_healthy(&self) {
        for _ in 0..500 {
            let health = self.client.get(self.url("/healthz")).send();
            if health.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the server at {} did not answer /healthz", self.base);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Signs `alice` in on `device` and returns the token.
    pub fn token(&self, device: &str) -> String {
        let response = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({ "username": USER, "password": PASSWORD, "device_id": device }))
            .send()
            .expect("login request");
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().expect("login body");
        body["token"].as_str().expect("token").to_owned()
    }

    /// `POST /api/v1/sync` with `body`; the status and the JSON answer.
    pub fn sync(&self, token: &str, body: &Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url("/api/v1/sync"))
            .bearer_auth(token)
            .json(body)
            .send()
            .expect("sync request");
        let status = response.status();
        (status, response.json().expect("sync answer is JSON"))
    }

    /// A pull of at most `limit` changes after `cursor`, which must succeed.
    pub fn pull(&self, token: &str, device: &str, cursor: &Value, limit: u32) -> Value {
        let (status, body) = self.sync(
            token,
            &json!({ "device_id": device, "cursor": cursor, "changes": [], "limit": limit }),
        );
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .expect("GET request");
        let status = response.status();
        (status, response.json().expect("answer is JSON"))
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(5));
        }
    }
}

pub fn now_ms() -> u64 {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970");
    u64::try_from(elapsed.as_millis()).expect("milliseconds fit")
}

/// A clock stamp in text form, as the wire carries it.
pub fn hlc(wall_ms: u64, counter: u32, node: &str) -> String {
    format!("{wall_ms:015}-{counter:05}-{node}")
}

/// A change to an incident field on the wire.
pub fn change(id: &str, field: &str, value: Value, hlc: &str) -> Value {
    json!({ "collection": "incidents", "id": id, "field": field, "value": value, "hlc": hlc })
}

/// The nth record id of a test: a valid UUID that is easy to read.
pub fn record_id(n: u32) -> String {
    format!("00000000-0000-7000-8000-{n:012}")
}

/// A push from `device` with a null cursor.
pub fn push_body(device: &str, changes: Vec<Value>) -> Value {
    json!({ "device_id": device, "cursor": null, "changes": changes })
}
