//! `PUT` / `GET /api/v1/blobs/{sha256}`: attachment bytes named by their
//! SHA-256. The contract the app's uploader is written against: statuses,
//! error codes, headers, limits, and that a stored blob outlives a crash and
//! travels in a backup.

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::Duration,
};

use outpost_model::protocol::MAX_BLOB_BYTES;
use reqwest::{StatusCode, blocking::Client, header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{DEVICE, TestServer, code};

/// Bytes that look like the start of a PNG, made different by `n`.
pub(crate) fn photo(n: u32, len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(n.to_le_bytes());
    bytes.resize(len.max(bytes.len()), 0x5a);
    bytes
}

pub(crate) fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `PUT /api/v1/blobs/{hash}` with `content_type` (if any) and `token` (if
/// any); the status and the JSON answer.
pub(crate) fn put(
    client: &Client,
    base: &str,
    token: Option<&str>,
    hash: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let mut request = client.put(format!("{base}/api/v1/blobs/{hash}")).body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    let response = request.send().expect("upload");
    let status = response.status();
    (status, response.json().expect("the answer is JSON"))
}

/// Uploads `bytes` under their own hash, as a tablet does.
fn upload(
    server: &TestServer,
    token: &str,
    content_type: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    let hash = sha256(bytes);
    put(
        &server.client,
        &server.base,
        Some(token),
        &hash,
        Some(content_type),
        bytes.to_vec(),
    )
}

fn download(server: &TestServer, token: &str, hash: &str) -> reqwest::blocking::Response {
    server
        .client
        .get(server.url(&format!("/api/v1/blobs/{hash}")))
        .bearer_auth(token)
        .send()
        .expect("download")
}

fn header_of<'a>(response: &'a reqwest::blocking::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

#[test]
fn an_uploaded_photo_downloads_with_its_type_length_etag_and_cache_rules() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let bytes = photo(1, 3000);
    let hash = sha256(&bytes);
    let (status, body) = upload(&server, &token, "image/png", &bytes);
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body, json!({ "sha256": hash, "size": 3000 }));

    let response = download(&server, &token, &hash);
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header_of(&response, "content-type"), "image/png");
    assert_eq!(header_of(&response, "content-length"), "3000");
    assert_eq!(header_of(&response, "etag"), format!("\"{hash}\""));
    assert_eq!(
        header_of(&response, "cache-control"),
        "private, max-age=31536000, immutable"
    );
    assert_eq!(header_of(&response, "x-content-type-options"), "nosniff");
    assert_eq!(response.bytes().expect("bytes").as_ref(), bytes.as_slice());
}

#[test]
fn uploading_the_same_blob_again_answers_200_and_keeps_the_first() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let bytes = photo(2, 500);
    let hash = sha256(&bytes);
    let first = upload(&server, &token, "image/jpeg", &bytes);
    assert_eq!(first.0, StatusCode::CREATED);
    // A retrying tablet, perhaps with parameters on the type this time.
    let again = upload(&server, &token, "Image/WebP; q=1", &bytes);
    assert_eq!(again.0, StatusCode::OK, "{}", again.1);
    assert_eq!(again.1, json!({ "sha256": hash, "size": 500 }));
    let response = download(&server, &token, &hash);
    assert_eq!(header_of(&response, "content-type"), "image/jpeg");
    assert_eq!(response.bytes().expect("bytes").as_ref(), bytes.as_slice());
}

#[test]
fn a_body_that_does_not_match_its_hash_is_422_names_both_and_is_not_stored() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let claimed = sha256(&photo(3, 100));
    let sent = photo(4, 100);
    let (status, body) = put(
        &server.client,
        &server.base,
        Some(&token),
        &claimed,
        Some("image/png"),
        sent.clone(),
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&body), "hash_mismatch");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(
        message.contains(&claimed) && message.contains(&sha256(&sent)),
        "{message}"
    );
    assert_eq!(
        download(&server, &token, &claimed).status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        download(&server, &token, &sha256(&sent)).status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn an_address_that_is_not_a_lowercase_sha256_is_400_bad_hash() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let bytes = photo(5, 100);
    let hash = sha256(&bytes);
    for bad in [
        hash.to_uppercase(),
        hash[..63].to_owned(),
        format!("{hash}0"),
        format!("{}g", &hash[..63]),
        "..%2F..%2Fetc%2Fpasswd".to_owned(),
        "%FF".to_owned(),
    ] {
        let (status, body) = put(
            &server.client,
            &server.base,
            Some(&token),
            &bad,
            Some("image/png"),
            bytes.clone(),
        );
        assert_eq!(status, StatusCode::BAD_REQUEST, "PUT {bad}: {body}");
        assert_eq!(code(&body), "bad_hash", "PUT {bad}");
        let (status, body) = server.get(&token, &format!("/api/v1/blobs/{bad}"));
        assert_eq!(status, StatusCode::BAD_REQUEST, "GET {bad}: {body}");
        assert_eq!(code(&body), "bad_hash", "GET {bad}");
    }
}

#[test]
fn anything_but_a_jpeg_png_or_webp_is_415_with_the_accepted_types() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let bytes = photo(6, 100);
    let hash = sha256(&bytes);
    for content_type in [
        Some("text/html"),
        Some("application/json"),
        Some("image/svg+xml"),
        None,
    ] {
        let (status, body) = put(
            &server.client,
            &server.base,
            Some(&token),
            &hash,
            content_type,
            bytes.clone(),
        );
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert_eq!(code(&body), "unsupported_media_type");
        let message = body["error"]["message"].as_str().expect("message");
        for accepted in ["image/jpeg", "image/png", "image/webp"] {
            assert!(message.contains(accepted), "{message}");
        }
    }
    assert_eq!(
        download(&server, &token, &hash).status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn an_empty_upload_is_400() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let (status, body) = put(
        &server.client,
        &server.base,
        Some(&token),
        &sha256(b""),
        Some("image/png"),
        Vec::new(),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&body), "empty_body");
}

#[test]
fn a_20_mib_photo_is_stored_though_json_bodies_stop_at_8_mib() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let bytes = photo(7, MAX_BLOB_BYTES);
    let hash = sha256(&bytes);
    let (status, body) = upload(&server, &token, "image/jpeg", &bytes);
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["size"], MAX_BLOB_BYTES);
    let response = download(&server, &token, &hash);
    assert_eq!(
        header_of(&response, "content-length"),
        MAX_BLOB_BYTES.to_string()
    );
    assert_eq!(sha256(&response.bytes().expect("bytes")), hash);
}

#[test]
fn one_byte_over_20_mib_is_413_too_large() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let bytes = photo(8, MAX_BLOB_BYTES + 1);
    let hash = sha256(&bytes);
    // Sent without a length, so the server must count as it reads.
    let chunked = reqwest::blocking::Body::new(std::io::Cursor::new(bytes));
    let response = server
        .client
        .put(server.url(&format!("/api/v1/blobs/{hash}")))
        .bearer_auth(&token)
        .header(header::CONTENT_TYPE, "image/jpeg")
        .body(chunked)
        .send()
        .expect("upload");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().expect("JSON");
    assert_eq!(code(&body), "too_large");
    assert_eq!(
        download(&server, &token, &hash).status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn a_declared_oversize_upload_is_refused_before_its_body_is_sent() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let addr = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect");
    // A safety net so a wrong server fails the test instead of hanging it.
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    let head = format!(
        "PUT /api/v1/blobs/{} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: image/png\r\nContent-Length: {}\r\n\r\n",
        sha256(b"x"),
        10 * MAX_BLOB_BYTES
    );
    stream
        .write_all(head.as_bytes())
        .expect("send the head only");
    let mut answer = [0u8; 4096];
    let n = stream
        .read(&mut answer)
        .expect("an answer without the body");
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("too_large"), "{answer}");
}

#[test]
fn an_unknown_blob_is_404_not_found() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let (status, body) = server.get(&token, &format!("/api/v1/blobs/{}", sha256(b"never sent")));
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code(&body), "not_found");
}

#[test]
fn without_a_token_both_directions_are_401() {
    let server = TestServer::start();
    let bytes = photo(9, 100);
    let hash = sha256(&bytes);
    let (status, body) = put(
        &server.client,
        &server.base,
        None,
        &hash,
        Some("image/png"),
        bytes.clone(),
    );
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&body), "unauthorized");
    let (status, body) = put(
        &server.client,
        &server.base,
        Some("not-a-token"),
        &hash,
        Some("image/png"),
        bytes,
    );
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&body), "unauthorized");
    let (status, body) = server.call(
        reqwest::Method::GET,
        &format!("/api/v1/blobs/{hash}"),
        None,
        None,
    );
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&body), "unauthorized");
}

#[test]
fn any_signed_in_user_may_upload_and_download() {
    let server = TestServer::start();
    let (token, _) = server.user_token("rita", outpost_model::protocol::Role::Reporter, "tablet-r");
    let bytes = photo(10, 100);
    let hash = sha256(&bytes);
    let (status, _) = upload(&server, &token, "image/webp", &bytes);
    assert_eq!(status, StatusCode::CREATED);
    let admin = server.token(DEVICE);
    let response = download(&server, &admin, &hash);
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header_of(&response, "content-type"), "image/webp");
}

#[test]
fn head_answers_the_headers_without_the_bytes() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let bytes = photo(11, 2048);
    let hash = sha256(&bytes);
    upload(&server, &token, "image/png", &bytes);
    let response = server
        .client
        .head(server.url(&format!("/api/v1/blobs/{hash}")))
        .bearer_auth(&token)
        .send()
        .expect("HEAD");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header_of(&response, "content-type"), "image/png");
    assert_eq!(header_of(&response, "content-length"), "2048");
    assert_eq!(header_of(&response, "etag"), format!("\"{hash}\""));
    assert!(response.bytes().expect("body").is_empty());
    let missing = server
        .client
        .head(server.url(&format!("/api/v1/blobs/{}", sha256(b"none"))))
        .bearer_auth(&token)
        .send()
        .expect("HEAD");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[test]
fn stored_blobs_are_counted_in_metrics() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let bytes = photo(12, 100);
    assert_eq!(
        upload(&server, &token, "image/png", &bytes).0,
        StatusCode::CREATED
    );
    assert_eq!(
        upload(&server, &token, "image/png", &bytes).0,
        StatusCode::OK
    );
    let text = server
        .client
        .get(server.url("/metrics"))
        .send()
        .expect("metrics")
        .text()
        .expect("text");
    assert!(
        text.contains("outpost_blobs_stored_total{outcome=\"new\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("outpost_blobs_stored_total{outcome=\"existing\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("route=\"/api/v1/blobs/{sha256}\",method=\"PUT\",status=\"201\"} 1"),
        "{text}"
    );
}
