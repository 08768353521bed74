//! Attachment blobs on the PostgreSQL store, as `tests/api/blobs.rs` checks
//! them on SQLite: a round trip with its headers, the idempotent re-upload,
//! and a blob one server stored served by another on the same database.

use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{PgServer, TestDb, admin_url};

const DEVICE: &str = "tablet-1";

fn put(server: &PgServer, token: &str, hash: &str, bytes: &[u8]) -> (StatusCode, Value) {
    let response = server
        .client
        .put(server.url(&format!("/api/v1/blobs/{hash}")))
        .bearer_auth(token)
        .header(header::CONTENT_TYPE, "image/webp")
        .body(bytes.to_vec())
        .send()
        .expect("upload");
    let status = response.status();
    (status, response.json().expect("JSON answer"))
}

#[test]
fn a_blob_round_trips_and_is_shared_by_servers_on_postgres() {
    let Some(admin) = admin_url() else { return };
    let db = TestDb::create(&admin);
    let server = PgServer::start(&db);
    let token = server.token(DEVICE);
    // Every byte value, so bytea's encoding is exercised end to end.
    let bytes: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let hash = hex::encode(Sha256::digest(&bytes));

    let (status, body) = put(&server, &token, &hash, &bytes);
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body, json!({ "sha256": hash, "size": 300_000 }));
    let (status, body) = put(&server, &token, &hash, &bytes);
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut wrong = bytes.clone();
    wrong[0] ^= 1;
    let (status, body) = put(&server, &token, &hash, &wrong);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "hash_mismatch");

    let other = PgServer::start(&db);
    let token = other.token("tablet-2");
    let response = other
        .client
        .get(other.url(&format!("/api/v1/blobs/{hash}")))
        .bearer_auth(&token)
        .send()
        .expect("download");
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(text("content-type").as_deref(), Some("image/webp"));
    assert_eq!(text("content-length").as_deref(), Some("300000"));
    assert_eq!(text("etag"), Some(format!("\"{hash}\"")));
    assert_eq!(
        text("cache-control").as_deref(),
        Some("private, max-age=31536000, immutable")
    );
    assert_eq!(response.bytes().expect("bytes").as_ref(), bytes.as_slice());

    let (status, body) = other.get(&token, &format!("/api/v1/blobs/{}", "0".repeat(64)));
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}
