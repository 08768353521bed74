//! Outpost's sync server: the sync API, sign-in, the audit log and the store,
//! and the built app served as static files.
//!
//! `main.rs` only parses the command line; everything else is here so that
//! tests (this crate's and the cross-crate ones) can run a real server:
//! [`AppState::open`] (SQLite) or [`AppState::open_postgres`], [`app`] and
//! [`serve`].

mod accounts;
mod auth;
mod clock;
mod database;
pub mod demo;
mod error;
mod headers;
mod json;
mod limiter;
mod metrics;
mod routes;
mod static_files;
pub mod store;

use std::{
    future::Future,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use axum::{
    Router,
    extract::DefaultBodyLimit,
    response::{IntoResponse, Response},
};
use outpost_model::protocol::MAX_BODY_BYTES;
use tower::ServiceBuilder;
use tower_http::{
    CompressionLevel,
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::{DefaultOnResponse, TraceLayer},
};

pub use database::Database;
pub use error::AppError;
use store::{PostgresStore, SqliteStore, Store, StoreError, StoreResult};

/// The database file inside the data directory.
pub const DB_FILE: &str = "outpost.db";

/// Longest user name accepted.
pub const MAX_USER_NAME_LEN: usize = 64;
/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 8;
/// Longest password accepted: long passphrases are welcome (ASVS asks for at
/// least 64), megabytes are not.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// Why the server could not start or an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot create the data directory {path}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "a user name must be 1 to {MAX_USER_NAME_LEN} characters, with no control characters and no spaces at either end"
    )]
    BadUserName,
    #[error("the password is empty")]
    EmptyPassword,
    #[error("the password must be at least {MIN_PASSWORD_LEN} characters long")]
    PasswordTooShort,
    #[error("the password must be at most {MAX_PASSWORD_LEN} characters long")]
    PasswordTooLong,
    #[error("could not hash the password: {0}")]
    Hash(String),
    #[error("there is no user {0:?}")]
    NoSuchUser(String),
    #[error("{0} already exists; a backup never overwrites a file")]
    BackupExists(PathBuf),
    #[error("{0} already holds a database; restore into a new, empty data directory")]
    RestoreTargetExists(PathBuf),
    #[error("--database takes a postgres:// URL; for SQLite give --data DIR and no --database")]
    NotPostgresUrl,
}

/// Restores a backup made by [`AppState::backup_to`] as the database of the
/// new data directory `data_dir` (stop the server first). The log sequence is
/// moved forward so tablets whose cursor is past the end of the backup still
/// pull every change made after the restore.
pub fn restore(from: &Path, data_dir: &Path) -> Result<(), Error> {
    let db = data_dir.join(DB_FILE);
    if db.exists() {
        return Err(Error::RestoreTargetExists(data_dir.to_owned()));
    }
    std::fs::create_dir_all(data_dir).map_err(|source| Error::DataDir {
        path: data_dir.to_owned(),
        source,
    })?;
    store::sqlite_backup::restore(from, &db)?;
    Ok(())
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    database: Database,
    static_dir: Option<PathBuf>,
    sign_ins: limiter::SignInLimiter,
    metrics: metrics::Metrics,
    /// Added to the wall clock where sessions are concerned; see
    /// [`AppState::advance_clock`].
    clock_ahead_ms: AtomicU64,
}

impl AppState {
    /// Opens (creating if needed) the database in `data_dir`. `static_dir`,
    /// when given, is the built app served at `/`.
    pub fn open(data_dir: &Path, static_dir: Option<PathBuf>) -> Result<AppState, Error> {
        Self::open_database(Database::Sqlite(data_dir.to_owned()), static_dir)
    }

    /// Connects to the PostgreSQL database at `url` and brings its schema up
    /// to date; any number of servers may share it. It blocks: call it
    /// outside the async runtime (or in `spawn_blocking`).
    pub fn open_postgres(url: &str, static_dir: Option<PathBuf>) -> Result<AppState, Error> {
        Self::open_database(Database::Postgres(url.to_owned()), static_dir)
    }

    /// Opens either kind of database; see [`AppState::open`] and
    /// [`AppState::open_postgres`].
    pub fn open_database(
        database: Database,
        static_dir: Option<PathBuf>,
    ) -> Result<AppState, Error> {
        let store: Arc<dyn Store> = match &database {
            Database::Sqlite(data_dir) => {
                std::fs::create_dir_all(data_dir).map_err(|source| Error::DataDir {
                    path: data_dir.to_owned(),
                    source,
                })?;
                Arc::new(SqliteStore::open(&data_dir.join(DB_FILE))?)
            }
            Database::Postgres(url) => Arc::new(PostgresStore::open(url)?),
        };
        if let Some(dir) = &static_dir
            && !dir.join("index.html").is_file()
        {
            tracing::warn!(dir = %dir.display(), "the static directory has no index.html; the app will not load");
        }
        Ok(AppState {
            inner: Arc::new(Inner {
                store,
                database,
                static_dir,
                sign_ins: limiter::SignInLimiter::default(),
                metrics: metrics::Metrics::default(),
                clock_ahead_ms: AtomicU64::new(0),
            }),
        })
    }

    /// Where this server keeps its data.
    pub fn database(&self) -> &Database {
        &self.inner.database
    }

    pub(crate) fn sign_ins(&self) -> &limiter::SignInLimiter {
        &self.inner.sign_ins
    }

    pub(crate) fn metrics(&self) -> &metrics::Metrics {
        &self.inner.metrics
    }

    /// The time sessions are judged by: the wall clock, plus whatever
    /// [`AppState::advance_clock`] added.
    pub(crate) fn now_ms(&self) -> u64 {
        clock::now_ms().saturating_add(self.inner.clock_ahead_ms.load(Ordering::Relaxed))
    }

    /// Moves this server's idea of "now" forward for sessions, so tests can
    /// see a token expire without waiting 30 days. Nothing else uses it.
    pub fn advance_clock(&self, ms: u64) {
        self.inner.clock_ahead_ms.fetch_add(ms, Ordering::Relaxed);
    }

    pub(crate) fn static_dir(&self) -> Option<&Path> {
        self.inner.static_dir.as_deref()
    }

    /// The setting a push's commit relies on to be durable, as the
    /// connection that commits pushes reports it: SQLite's `synchronous`
    /// (`synchronous=full`), PostgreSQL's `synchronous_commit` inside a push
    /// (`synchronous_commit=on`).
    pub fn commit_durability(&self) -> Result<String, Error> {
        Ok(self.store().commit_durability()?)
    }

    pub(crate) fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    /// Runs blocking store work on tokio's blocking pool, off the async
    /// workers, and turns its failure into an [`AppError`].
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&dyn Store) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let store = Arc::clone(&self.inner.store);
        Ok(tokio::task::spawn_blocking(move || work(store.as_ref())).await??)
    }
}

/// The whole HTTP application: API, health check and the static app.
pub fn app(state: AppState) -> Router {
    // Outermost first: every answer, even a timeout or a caught panic, gets a
    // request id, a log line and the security headers.
    let middleware = ServiceBuilder::new()
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(axum::middleware::from_fn(headers::security_headers))
        // Quality 5 rather than tower-http's 4: a first sync's pages come
        // out 15 % smaller for a few milliseconds more per page.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(5)))
        .layer(axum::middleware::from_fn(time_limit))
        .layer(CatchPanicLayer::custom(panicked));
    routes::router()
        .fallback(static_files::serve)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Inside the router, so it sees which route template matched.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(middleware)
        .with_state(state)
}

/// The span every log line of a request is written in. Only the path is
/// logged, never the query or headers, which may carry secrets.
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.uri().path(),
    )
}

/// A panic in a handler is a bug on our side: the client gets the usual JSON
/// 500 and the connection stays usable.
fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    AppError::internal(PanicError).into_response()
}

#[derive(Debug, thiserror::Error)]
#[error("a request handler panicked")]
struct PanicError;

/// A request that takes this long is stuck; answering frees the client to
/// retry. Work already handed to the store still finishes, and a retried push
/// of the same changes is harmless.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// An attachment upload may take longer: 20 MiB over a weak mobile link
/// (a few hundred kbit/s) needs minutes, and cutting it off at 60 s would
/// make a tablet retry a photo it can never finish sending.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(15 * 60);

async fn time_limit(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let limit = if req.method() == axum::http::Method::PUT
        && req.uri().path().starts_with("/api/v1/blobs/")
    {
        UPLOAD_TIMEOUT
    } else {
        REQUEST_TIMEOUT
    };
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => AppError::Timeout.into_response(),
    }
}

/// Serves `app(state)` on `listener` until `shutdown` completes, then lets
/// requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "listening on http://{addr}");
    // Store work blocks (the PostgreSQL client cannot run on an async
    // worker at all), so it goes to the blocking pool like a handler's.
    let setup_code = {
        let state = state.clone();
        tokio::task::spawn_blocking(move || state.new_setup_code())
            .await
            .map_err(std::io::Error::other)?
    };
    match setup_code {
        Ok(Some(code)) => tracing::warn!(
            setup_code = %code,
            "there are no accounts yet: open the app and choose First-time setup with the code {code} \
             (it works once, and only until this server restarts), or create the first admin with: \
             outpost-server user add NAME --role admin {}",
            state.database().as_argument()
        ),
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, "could not make a setup code"),
    }
    // Said once at start, as the database reports it, so an operator (and
    // the crash tests) can see what "acknowledged" rests on.
    let durability = {
        let state = state.clone();
        tokio::task::spawn_blocking(move || state.commit_durability())
            .await
            .map_err(std::io::Error::other)?
    };
    match durability {
        Ok(setting) => tracing::info!(%setting, "commits are durable: {setting}"),
        Err(e) => tracing::error!(error = %e, "could not read the commit durability setting"),
    }
    // The peer address feeds the sign-in limiter.
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests {
    use axum::{
        body::Body,
        http::{Request, StatusCode},
    };
    use tower::ServiceExt;

    use super::*;

    /// Handlers must not depend on a real socket (no peer address here).
    #[tokio::test]
    async fn the_router_answers_without_a_socket() {
        let dir = tempfile::tempdir().expect("data dir");
        let state = AppState::open(dir.path(), None).expect("open");
        let health = app(state.clone())
            .oneshot(
                Request::get("/healthz")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("answer");
        assert_eq!(health.status(), StatusCode::OK);
        let login = Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(
                r#"{"username":"nobody","password":"whatever1","device_id":"d1"}"#,
            ))
            .expect("request");
        let answer = app(state).oneshot(login).await.expect("answer");
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    }
}
