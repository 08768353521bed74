//! A fresh PostgreSQL database for each test, real servers on it (any number,
//! as stateless servers share one database), and small helpers to talk to them.
//!
//! Finding PostgreSQL: the tests read `OUTPOST_TEST_POSTGRES`, a URL of a role
//! that may create databases, e.g.
//! `postgres://outpost:outpost-test@127.0.0.1:5432/postgres`.
//! `cargo xtask test` always sets it, after starting PostgreSQL on 127.0.0.1
//! and creating that role. When it is unset:
//! - in CI (`CI` is set), a test fails, saying so: a CI run that skipped the
//!   PostgreSQL store would pass without testing it;
//! - elsewhere (a plain `cargo test` on a laptop without PostgreSQL), a test
//!   prints a notice naming the variable and returns. That counts as passed
//!   with nothing checked, which the notice says out loud rather than
//!   silently; the README's test command never takes this path.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use outpost_model::protocol::Role;
use outpost_sync_server::{AppState, serve};
use postgres::NoTls;
use reqwest::{StatusCode, blocking::Client};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub const ENV: &str = "OUTPOST_TEST_POSTGRES";
pub const USER: &str = "alice";
pub const PASSWORD: &str = "correct horse battery";

/// The URL of the PostgreSQL server to test against; `None` (after a notice)
/// when there is none outside CI. See the file header.
pub fn admin_url() -> Option<String> {
    match std::env::var(ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => panic!(
            "{ENV} is not set, so the PostgreSQL store cannot be tested; \
             run the tests through `cargo xtask test`, which starts PostgreSQL and sets it"
        ),
        _ => {
            eprintln!(
                "NOTICE: {ENV} is not set: this PostgreSQL test checked nothing. \
                 Run `cargo xtask test test`, or set {ENV} to a URL of a role that may \
                 create databases (postgres://user:password@127.0.0.1:5432/postgres)."
            );
            None
        }
    }
}

/// A database of its own, `outpost_test_<random>`, dropped when this is.
pub struct TestDb {
    admin_url: String,
    name: String,
    pub url: String,
}

impl TestDb {
    pub fn create(admin_url: &str) -> Self {
        Self::create_with(admin_url, "")
    }

    /// A database made with `options` after `CREATE DATABASE name` (a fixed
    /// string in a test, such as a template and collation).
    pub fn create_with(admin_url: &str, options: &str) -> Self {
        let name = format!("outpost_test_{:016x}", rand::random::<u64>());
        let mut admin = postgres::Client::connect(admin_url, NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to {ENV}: {e}"));
        // A database name cannot be a query parameter; this one is made of
        // letters, digits and underscores only, right here.
        admin
            .batch_execute(&format!("CREATE DATABASE {name} {options}"))
            .expect("create a test database");
        Self {
            admin_url: admin_url.to_owned(),
            url: with_database(admin_url, &name),
            name,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // FORCE ends any connection a server left open.
        let dropped = postgres::Client::connect(&self.admin_url, NoTls).and_then(|mut admin| {
            admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
        });
        if let Err(e) = dropped {
            eprintln!("could not drop the test database {}: {e}", self.name);
        }
    }
}

/// `url` pointing at database `name` instead of the one it names.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

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

#[test]
fn a_test_database_url_keeps_everything_but_the_database_name() {
    assert_eq!(
        with_database("postgres://u:p@127.0.0.1:5432/postgres", "t1"),
        "postgres://u:p@127.0.0.1:5432/t1"
    );
    assert_eq!(
        with_database("postgres://u@localhost?connect_timeout=5", "t2"),
        "postgres://u@localhost/t2?connect_timeout=5"
    );
}
