//! The real binary: account commands, first-start setup code, backup and
//! restore of a live database, and a clean stop on SIGTERM.

use std::{
    io::{Read, Write},
    net::TcpStream,
    path::Path,
    process::{Command, Output, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use reqwest::{StatusCode, blocking::Client};
use serde_json::{Value, json};

use crate::{
    durability::{BIN, Running, user_add},
    support::{DEVICE, PASSWORD, USER, change, hlc, now_ms, record_id},
};

/// `outpost-server backup --data DATA --to FILE`, as run by an operator.
pub(crate) fn backup(data: &Path, to: &Path) -> Output {
    Command::new(BIN)
        .args(["backup", "--data"])
        .arg(data)
        .arg("--to")
        .arg(to)
        .output()
        .expect("run backup")
}

/// `outpost-server restore --from FILE --data DATA`.
pub(crate) fn restore(from: &Path, data: &Path) -> Output {
    Command::new(BIN)
        .args(["restore", "--from"])
        .arg(from)
        .arg("--data")
        .arg(data)
        .output()
        .expect("run restore")
}

/// `outpost-server ARGS… --data DIR`, with `stdin` piped in.
fn run(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .arg("--data")
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run outpost-server");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("finishes")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn sign_in(client: &Client, base: &str, user: &str, password: &str) -> reqwest::blocking::Response {
    client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": user, "password": password, "device_id": DEVICE }))
        .send()
        .expect("login")
}

#[test]
fn user_commands_list_disable_enable_set_role_and_reset_passwords() {
    let data = tempfile::tempdir().expect("data dir");
    assert!(user_add(data.path(), USER, PASSWORD).status.success());
    let added = run(
        data.path(),
        &["user", "add", "sam", "--role", "reporter"],
        "sams password\n",
    );
    assert!(stdout(&added).contains("created reporter sam"));

    let listed = stdout(&run(data.path(), &["user", "list"], ""));
    assert!(
        listed.contains("admin alice") && listed.contains("reporter sam"),
        "{listed}"
    );

    assert!(stdout(&run(data.path(), &["user", "disable", "sam"], "")).contains("disabled"));
    assert!(stdout(&run(data.path(), &["user", "list"], "")).contains("reporter sam (id"));
    let enabled = stdout(&run(data.path(), &["user", "enable", "SAM"], ""));
    assert!(!enabled.contains("disabled"), "{enabled}");
    let promoted = stdout(&run(
        data.path(),
        &["user", "set-role", "sam", "manager"],
        "",
    ));
    assert!(promoted.starts_with("manager sam"), "{promoted}");
    stdout(&run(
        data.path(),
        &["user", "reset-password", "sam"],
        "a new password\n",
    ));

    let server = Running::start(data.path());
    let client = Client::new();
    assert_eq!(
        sign_in(&client, &server.base, "sam", "sams password").status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&client, &server.base, "sam", "a new password").status(),
        StatusCode::OK
    );
}

#[test]
fn user_commands_refuse_unknown_users_and_the_last_admin() {
    let data = tempfile::tempdir().expect("data dir");
    assert!(user_add(data.path(), USER, PASSWORD).status.success());
    let unknown = run(data.path(), &["user", "disable", "nobody"], "");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no user"));
    let last = run(data.path(), &["user", "set-role", "alice", "reporter"], "");
    assert!(!last.status.success());
    assert!(String::from_utf8_lossy(&last.stderr).contains("no active admin"));
}

#[test]
fn a_first_start_prints_a_setup_code_that_creates_the_first_admin() {
    let data = tempfile::tempdir().expect("data dir");
    let server = Running::start(data.path());
    let line = server.wait_for_log("setup_code=");
    let code = line
        .split("setup_code=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the code")
        .to_owned();
    let client = Client::new();
    let response = client
        .post(format!("{}/api/v1/setup", server.base))
        .json(&json!({"code": code, "username": "root", "password": "root password", "device_id": DEVICE}))
        .send()
        .expect("setup");
    assert_eq!(response.status(), StatusCode::CREATED);
    let listed = stdout(&run(data.path(), &["user", "list"], ""));
    assert!(listed.contains("admin root"), "{listed}");
}

/// Pushes one change per request until told to stop; the changes the server
/// acknowledged, in order.
fn push_until(
    base: String,
    token: String,
    stop: Arc<AtomicBool>,
    done: std::sync::mpsc::Sender<Value>,
) {
    let client = Client::new();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let pushed = change(
            &record_id(n),
            "title",
            json!(format!("Entry {n}")),
            &hlc(now_ms(), 0, DEVICE),
        );
        let response = client
            .post(format!("{base}/api/v1/sync"))
            .bearer_auth(&token)
            .json(&json!({"device_id": DEVICE, "cursor": null, "changes": [pushed], "limit": 1}))
            .send()
            .expect("push");
        assert_eq!(response.status(), StatusCode::OK);
        let _ = done.send(pushed);
        n += 1;
    }
}

#[test]
fn a_backup_taken_while_writing_restores_into_a_working_server() {
    let data = tempfile::tempdir().expect("data dir");
    assert!(user_add(data.path(), USER, PASSWORD).status.success());
    let server = Running::start(data.path());
    let client = Client::new();
    let login: Value = sign_in(&client, &server.base, USER, PASSWORD)
        .json()
        .expect("login");
    let token = login["token"].as_str().expect("token").to_owned();

    let (done, acknowledged) = std::sync::mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (base, stop) = (server.base.clone(), Arc::clone(&stop));
        std::thread::spawn(move || push_until(base, token, stop, done))
    };
    // Some writes are acknowledged before the backup starts; more go on during it.
    let mut before = Vec::new();
    while before.len() < 20 {
        before.push(acknowledged.recv().expect("a push"));
    }
    let backups = tempfile::tempdir().expect("backup dir");
    let file = backups.path().join("outpost-backup.db");
    let output = backup(data.path(), &file);
    stop.store(true, Ordering::Relaxed);
    writer.join().expect("writer");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // A second backup to the same file is refused rather than overwriting it.
    let again = backup(data.path(), &file);
    assert!(!again.status.success());

    // The original goes on after the backup; a tablet's cursor gets ahead of it.
    let late = change(
        &record_id(999_999),
        "title",
        json!("After the backup"),
        &hlc(now_ms(), 0, DEVICE),
    );
    let cursor = pull_all(
        &client,
        &server.base,
        &token_of(&server.base, &client),
        &json!(null),
        std::slice::from_ref(&late),
    )
    .1;
    drop(server);

    // Restore as docs/operations.md says, into a fresh data directory.
    let restored = tempfile::tempdir().expect("restore dir");
    let target = restored.path().join("data");
    let output = restore(&file, &target);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let server = Running::start(&target);
    let token = token_of(&server.base, &client);
    let (changes, _) = pull_all(&client, &server.base, &token, &json!(null), &[]);
    for pushed in &before {
        assert!(
            changes.contains(pushed),
            "{pushed} is missing from the restored copy"
        );
    }
    assert!(!changes.contains(&late), "the backup predates this change");
    // A change made after the restore reaches the tablet whose cursor is
    // past the end of the backup.
    let fresh = change(
        &record_id(888_888),
        "title",
        json!("After the restore"),
        &hlc(now_ms(), 1, DEVICE),
    );
    pull_all(
        &client,
        &server.base,
        &token,
        &json!(null),
        std::slice::from_ref(&fresh),
    );
    let (seen, _) = pull_all(&client, &server.base, &token, &cursor, &[]);
    assert!(
        seen.contains(&fresh),
        "a tablet ahead of the backup misses {fresh}"
    );
}

fn token_of(base: &str, client: &Client) -> String {
    let login: Value = sign_in(client, base, USER, PASSWORD).json().expect("login");
    login["token"].as_str().expect("token").to_owned()
}

/// Pushes `changes`, then pulls from `cursor` until there is no more; every
/// change pulled and the last cursor.
fn pull_all(
    client: &Client,
    base: &str,
    token: &str,
    cursor: &Value,
    changes: &[Value],
) -> (Vec<Value>, Value) {
    let mut cursor = cursor.clone();
    let mut pulled = Vec::new();
    let mut push = changes.to_vec();
    loop {
        let answer: Value = client
            .post(format!("{base}/api/v1/sync"))
            .bearer_auth(token)
            .json(&json!({"device_id": DEVICE, "cursor": cursor, "changes": push, "limit": 5000}))
            .send()
            .expect("sync")
            .json()
            .expect("sync answer");
        push.clear();
        pulled.extend(answer["changes"].as_array().cloned().unwrap_or_default());
        cursor = answer["cursor"].clone();
        if answer["more"] != json!(true) {
            return (pulled, cursor);
        }
    }
}

#[test]
fn sigterm_lets_a_request_in_flight_finish_then_exits_cleanly() {
    let data = tempfile::tempdir().expect("data dir");
    assert!(user_add(data.path(), USER, PASSWORD).status.success());
    // At debug level the server logs when it starts on a request, which is
    // how this test knows the request is in flight before it sends SIGTERM.
    let mut server = Running::start_with(data.path(), &[], "info,tower_http=debug");
    let addr = server.base.trim_start_matches("http://").to_owned();
    let body = json!({"username": USER, "password": PASSWORD, "device_id": DEVICE}).to_string();
    let (head, tail) = body.split_at(10);
    // Headers and half the body: the request is in flight.
    let mut stream = TcpStream::connect(&addr).expect("connect");
    write!(
        stream,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{head}",
        body.len()
    )
    .expect("send the first half");
    stream.flush().expect("flush");
    server.wait_for_log("path=/api/v1/auth/login}: tower_http::trace::on_request");
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill")
            .success()
    );
    server.wait_for_log("shutting down");
    stream.write_all(tail.as_bytes()).expect("send the rest");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read the answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let status = server.child.wait().expect("the server exits");
    assert!(status.success(), "{status}");
}
