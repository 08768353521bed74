//! A real sync server on 127.0.0.1:0 with its own temporary data directory,
//! stopped when dropped.

use std::net::SocketAddr;

use outpost_model::protocol::Role;
use outpost_sync_server::{AppState, serve};
use tempfile::TempDir;
use tokio::sync::oneshot;

pub struct TestServer {
    pub addr: SocketAddr,
    pub state: AppState,
    runtime: tokio::runtime::Runtime,
    stop: Option<oneshot::Sender<()>>,
    _data: TempDir,
}

impl TestServer {
    /// Starts a server and waits until it answers `/healthz`.
    pub fn start() -> Self {
        let data = tempfile::tempdir().expect("temporary data directory");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let state = AppState::open(data.path(), None).expect("open the store");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("bound address");
        let (stop, stopped) = oneshot::channel::<()>();
        let served = state.clone();
        runtime.spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            serve(listener, served, shutdown)
                .await
                .expect("server runs");
        });
        let server = Self {
            addr,
            state,
            runtime,
            stop: Some(stop),
            _data: data,
        };
        server.wait_until_healthy();
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn add_user(&self, name: &str, role: Role, password: &str) {
        self.state
            .create_user(name, role, password)
            .expect("create a user");
    }

    fn wait_until_healthy(&self) {
        let client = reqwest::blocking::Client::new();
        for _ in 0..500 {
            if client
                .get(self.url("/healthz"))
                .send()
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("the server did not answer /healthz");
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // Give in-flight requests a moment to finish before the runtime goes.
        let _ = &self.runtime;
    }
}
