//! A real server on 127.0.0.1:0 for each test, over SQLite or PostgreSQL,
//! and small helpers to talk to it.

use std::{
    path::Path,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use outpost_model::protocol::Role;
use outpost_sync_server::{AppState, serve};
use reqwest::{
    StatusCode,
    blocking::{Client, Response},
};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::oneshot;

use crate::postgres_db::{TestDb, admin_url};

pub const USER: &str = "alice";
pub const PASSWORD: &str = "correct horse battery";
pub const DEVICE: &str = "tablet-1";

/// Which store a test server keeps its data in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Sqlite,
    Postgres,
}

/// Writes a protocol case once and runs it on both stores: a module named
/// after the case, holding the tests `on_sqlite` and `on_postgres`, each
/// giving the case a server with the admin `alice`. Without PostgreSQL,
/// `on_postgres` says it skipped (see `common/postgres_db.rs`).
macro_rules! on_both_stores {
    ($(#[$meta:meta])* fn $name:ident($server:ident: &TestServer) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn case($server: &$crate::support::TestServer) $body

            #[test]
            fn on_sqlite() {
                case(&$crate::support::TestServer::start());
            }

            #[test]
            fn on_postgres() {
                if let Some(server) = $crate::support::TestServer::start_postgres() {
                    case(&server);
                }
            }
        }
    };
}
pub(crate) use on_both_stores;

/// Where a test server's data lives, kept until the server has stopped.
struct Backing {
    store: StoreKind,
    data: Option<TempDir>,
    db: Option<TestDb>,
}

pub struct TestServer {
    pub base: String,
    pub client: Client,
    pub state: AppState,
    pub store: StoreKind,
    stop: Option<oneshot::Sender<()>>,
    // Dropped before the data: the server must stop before its files or
    // its database go.
    runtime: Option<tokio::runtime::Runtime>,
    _data: Option<TempDir>,
    _db: Option<TestDb>,
    _static: Option<TempDir>,
}

impl TestServer {
    /// A server with one admin account, `alice`.
    pub fn start() -> Self {
        Self::start_with_static(None)
    }

    /// A server with no accounts at all, as on its first start.
    pub fn start_empty() -> Self {
        Self::start_with(None, false)
    }

    /// A server that also serves `files` (name, contents) as the app.
    pub fn start_serving(files: &[(&str, &[u8])]) -> Self {
        let dir = tempfile::tempdir().expect("static directory");
        for (name, contents) in files {
            std::fs::write(dir.path().join(name), contents).expect("write a static file");
        }
        Self::start_with_static(Some(dir))
    }

    fn start_with_static(static_dir: Option<TempDir>) -> Self {
        Self::start_with(static_dir, true)
    }

    /// A server with the admin `alice` on a PostgreSQL database of its own;
    /// `None`, after saying so, when there is no PostgreSQL to test against
    /// outside CI.
    pub fn start_postgres() -> Option<Self> {
        let db = TestDb::create(&admin_url()?);
        // Opened before the runtime exists: the client blocks.
        let state = AppState::open_postgres(&db.url, None).expect("open the PostgreSQL store");
        let backing = Backing {
            store: StoreKind::Postgres,
            data: None,
            db: Some(db),
        };
        Some(Self::serve(state, backing, None, true))
    }

    fn start_with(static_dir: Option<TempDir>, with_admin: bool) -> Self {
        let data = tempfile::tempdir().expect("temporary data directory");
        let state = AppState::open(
            data.path(),
            static_dir.as_ref().map(|d| d.path().to_owned()),
        )
        .expect("open the store");
        let backing = Backing {
            store: StoreKind::Sqlite,
            data: Some(data),
            db: None,
        };
        Self::serve(state, backing, static_dir, with_admin)
    }

    fn serve(
        state: AppState,
        backing: Backing,
        static_dir: Option<TempDir>,
        with_admin: bool,
    ) -> Self {
        if with_admin {
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
            store: backing.store,
            stop: Some(stop),
            runtime: Some(runtime),
            _data: backing.data,
            _db: backing.db,
            _static: static_dir,
        };
        wait_until_healthy(&server.client, &server.base);
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn login(&self, username: &str, password: &str, device: &str) -> Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({ "username": username, "password": password, "device_id": device }))
            .send()
            .expect("login request")
    }

    /// Signs `alice` in on `device` and returns the token.
    pub fn token(&self, device: &str) -> String {
        let response = self.login(USER, PASSWORD, device);
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

    /// Creates an account and signs it in on `device`; its token and id.
    pub fn user_token(&self, name: &str, role: Role, device: &str) -> (String, String) {
        let user = self
            .state
            .create_user(name, role, PASSWORD)
            .expect("create a user");
        let response = self.login(name, PASSWORD, device);
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().expect("login body");
        (body["token"].as_str().expect("token").to_owned(), user.id)
    }

    /// Any request with an optional bearer token and JSON body; the status
    /// and the JSON answer (`null` for an empty body).
    pub fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().expect("request");
        let status = response.status();
        let text = response.text().expect("body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, value)
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

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(5));
        }
    }
}

/// Polls `/healthz` until the server answers.
pub fn wait_until_healthy(client: &Client, base: &str) {
    for _ in 0..500 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the server at {base} did not answer /healthz");
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

pub fn push_body(changes: Vec<Value>) -> Value {
    json!({ "device_id": DEVICE, "cursor": null, "changes": changes })
}

/// Whether the database file exists where the docs say.
pub fn has_database(dir: &Path) -> bool {
    dir.join(outpost_sync_server::DB_FILE).is_file()
}

/// The error code of an error answer.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}
