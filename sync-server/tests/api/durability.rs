//! The real binary: accounts from the command line, and an acknowledged change
//! that survives `kill -9`.

use std::{
    io::{BufRead, BufReader, Write},
    path::Path,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use reqwest::{StatusCode, blocking::Client};
use serde_json::{Value, json};

use crate::support::{
    DEVICE, PASSWORD, USER, change, has_database, hlc, now_ms, record_id, wait_until_healthy,
};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_outpost-server");

/// `outpost-server user add …` with `password` on standard input.
pub(crate) fn user_add(data: &Path, name: &str, password: &str) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(["user", "add", name, "--role", "admin", "--data"])
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run outpost-server user add");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("write the password");
    child.wait_with_output().expect("user add finishes")
}

/// A running `outpost-server serve`, killed with SIGKILL when dropped.
pub(crate) struct Running {
    pub(crate) child: Child,
    pub(crate) base: String,
    /// Log lines after the one with the address, as they come.
    pub(crate) log: mpsc::Receiver<String>,
}

impl Running {
    pub(crate) fn start(data: &Path) -> Self {
        Self::start_with(data, &[], "info")
    }

    /// Like [`Running::start`], with more arguments for `serve` and the
    /// `RUST_LOG` filter to run it with.
    pub(crate) fn start_with(data: &Path, extra: &[&str], log_filter: &str) -> Self {
        let mut child = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(extra)
            .env("RUST_LOG", log_filter)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start outpost-server serve");
        let stderr = child.stderr.take().expect("stderr");
        let (found, address) = mpsc::channel();
        let (lines, log) = mpsc::channel();
        // Reads the log for the bound address, then keeps draining it so the
        // server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    // Text or JSON log: the address ends where its characters do.
                    let addr: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
                        .collect();
                    let _ = found.send(addr);
                } else {
                    let _ = lines.send(line);
                }
            }
        });
        let addr = address
            .recv_timeout(Duration::from_secs(60))
            .expect("the server logs the address it listens on");
        let base = format!("http://{addr}");
        wait_until_healthy(&Client::new(), &base);
        Self { child, base, log }
    }

    /// Waits for a log line containing `text` and returns it.
    pub(crate) fn wait_for_log(&self, text: &str) -> String {
        loop {
            let line = self
                .log
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("the server never logged {text:?}"));
            if line.contains(text) {
                return line;
            }
        }
    }

    pub(crate) fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn user_add_refuses_short_passwords_and_duplicate_names() {
    let data = tempfile::tempdir().expect("data dir");
    let short = user_add(data.path(), "bob", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 8 characters"));
    let empty = user_add(data.path(), "bob", "");
    assert!(!empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("no password"));

    assert!(user_add(data.path(), "bob", "long enough").status.success());
    assert!(has_database(data.path()));
    let again = user_add(data.path(), "bob", "long enough");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn acknowledged_change_survives_kill_9() {
    let data = tempfile::tempdir().expect("data dir");
    let added = user_add(data.path(), USER, PASSWORD);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let client = Client::new();

    let server = Running::start(data.path());
    // What the acknowledgement below rests on, as the server's connection
    // reports it at start.
    server.wait_for_log("commits are durable: synchronous=full");
    let login: Value = client
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({ "username": USER, "password": PASSWORD, "device_id": DEVICE }))
        .send()
        .expect("login")
        .json()
        .expect("login body");
    let token = login["token"].as_str().expect("token").to_owned();
    let pushed = change(
        &record_id(9),
        "title",
        json!("Survives a crash"),
        &hlc(now_ms(), 0, DEVICE),
    );
    let response = client
        .post(format!("{}/api/v1/sync", server.base))
        .bearer_auth(&token)
        .json(&json!({ "device_id": DEVICE, "cursor": null, "changes": [pushed] }))
        .send()
        .expect("push");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().expect("push answer");
    assert_eq!(body["accepted"], 1);
    server.kill_9();

    // Same data directory; the session survives too.
    let server = Running::start(data.path());
    let response = client
        .post(format!("{}/api/v1/sync", server.base))
        .bearer_auth(&token)
        .json(&json!({ "device_id": DEVICE, "cursor": null }))
        .send()
        .expect("pull");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().expect("pull answer");
    assert_eq!(body["changes"], json!([pushed]));
}
