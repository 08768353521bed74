//! A blob acknowledged by the real binary outlives `kill -9`, and
//! `outpost-server backup` / `restore` carry blobs with the rest.

use std::path::Path;

use reqwest::{StatusCode, blocking::Client};
use serde_json::{Value, json};

use crate::{
    blobs::{photo, put, sha256},
    cli::{backup, restore},
    durability::{Running, user_add},
    support::{DEVICE, PASSWORD, USER},
};

fn sign_in(client: &Client, base: &str) -> String {
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": USER, "password": PASSWORD, "device_id": DEVICE }))
        .send()
        .expect("login")
        .json()
        .expect("login body");
    login["token"].as_str().expect("token").to_owned()
}

/// A data directory with the one account, `alice`.
fn data_with_account() -> tempfile::TempDir {
    let data = tempfile::tempdir().expect("data dir");
    let added = user_add(data.path(), USER, PASSWORD);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    data
}

/// Downloads `hash` and checks it is `bytes`, stored as `image/jpeg`.
fn assert_stored(client: &Client, base: &str, token: &str, hash: &str, bytes: &[u8]) {
    let response = client
        .get(format!("{base}/api/v1/blobs/{hash}"))
        .bearer_auth(token)
        .send()
        .expect("download");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"image/jpeg"[..])
    );
    assert_eq!(response.bytes().expect("bytes").as_ref(), bytes);
}

/// Starts the binary on `data`, uploads a photo and returns it with its hash.
fn upload_to(data: &Path, client: &Client) -> (Running, String, String, Vec<u8>) {
    let server = Running::start(data);
    let token = sign_in(client, &server.base);
    let bytes = photo(42, 64 * 1024);
    let hash = sha256(&bytes);
    let (status, body) = put(
        client,
        &server.base,
        Some(&token),
        &hash,
        Some("image/jpeg"),
        bytes.clone(),
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (server, token, hash, bytes)
}

#[test]
fn an_acknowledged_blob_survives_kill_9() {
    let data = data_with_account();
    let client = Client::new();
    let (server, token, hash, bytes) = upload_to(data.path(), &client);
    // What the acknowledgement rests on, as the server's connection
    // reports it at start.
    server.wait_for_log("commits are durable: synchronous=full");
    server.kill_9();

    let server = Running::start(data.path());
    assert_stored(&client, &server.base, &token, &hash, &bytes);
    // The retrying tablet that never saw the first answer is told it is there.
    let (status, body) = put(
        &client,
        &server.base,
        Some(&token),
        &hash,
        Some("image/jpeg"),
        bytes,
    );
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[test]
fn backup_and_restore_carry_blobs() {
    let data = data_with_account();
    let client = Client::new();
    let (server, _, hash, bytes) = upload_to(data.path(), &client);

    let backups = tempfile::tempdir().expect("backup dir");
    let file = backups.path().join("outpost-backup.db");
    let output = backup(data.path(), &file);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    drop(server);

    let restored = tempfile::tempdir().expect("restore dir");
    let target = restored.path().join("data");
    let output = restore(&file, &target);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let server = Running::start(&target);
    let token = sign_in(&client, &server.base);
    assert_stored(&client, &server.base, &token, &hash, &bytes);
}
