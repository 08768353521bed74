//! Bad input gets the documented JSON error, never a plain-text answer or a 500.

use reqwest::{StatusCode, blocking::Response, header::CONTENT_TYPE};
use serde_json::Value;

use crate::support::{DEVICE, TestServer, code};

/// The JSON error of a response, checking that it is one.
fn error_of(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "content type {content_type:?}"
    );
    let body: Value = response.json().expect("JSON error body");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    (status, body)
}

#[test]
fn malformed_json_returns_400_not_500() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let response = server
        .client
        .post(server.url("/api/v1/sync"))
        .bearer_auth(&token)
        .header(CONTENT_TYPE, "application/json")
        .body("{\"device_id\": ")
        .send()
        .expect("request");
    let (status, body) = error_of(response);
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&body), "malformed");
}

#[test]
fn a_missing_field_is_400_naming_the_field() {
    let server = TestServer::start();
    let response = server
        .client
        .post(server.url("/api/v1/auth/login"))
        .header(CONTENT_TYPE, "application/json")
        .body(r#"{"username": "alice", "password": "x"}"#)
        .send()
        .expect("request");
    let (status, body) = error_of(response);
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("device_id")),
        "{body}"
    );
}

#[test]
fn a_body_that_is_not_json_is_415_json() {
    let server = TestServer::start();
    let response = server
        .client
        .post(server.url("/api/v1/auth/login"))
        .header(CONTENT_TYPE, "text/plain")
        .body("username=alice")
        .send()
        .expect("request");
    let (status, body) = error_of(response);
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(code(&body), "unsupported_media_type");
}

#[test]
fn too_large_body_returns_413_json() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let big = format!(
        "{{\"device_id\": \"{DEVICE}\", \"pad\": \"{}\"}}",
        "x".repeat(9 * 1024 * 1024)
    );
    let response = server
        .client
        .post(server.url("/api/v1/sync"))
        .bearer_auth(&token)
        .header(CONTENT_TYPE, "application/json")
        .body(big)
        .send()
        .expect("request");
    let (status, body) = error_of(response);
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code(&body), "too_large");
}

#[test]
fn unknown_api_path_returns_404_json() {
    let server = TestServer::start();
    for path in ["/api/v1/nothing-here", "/api/v2/sync", "/api"] {
        let response = server.client.get(server.url(path)).send().expect("request");
        let (status, body) = error_of(response);
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(code(&body), "not_found");
    }
}

#[test]
fn wrong_method_on_an_api_path_returns_405_json() {
    let server = TestServer::start();
    let response = server
        .client
        .get(server.url("/api/v1/sync"))
        .send()
        .expect("request");
    let allow = response.headers().get("allow").cloned();
    let (status, body) = error_of(response);
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(code(&body), "method_not_allowed");
    assert_eq!(allow.as_ref().and_then(|v| v.to_str().ok()), Some("POST"));
}

#[test]
fn healthz_answers_ok() {
    let server = TestServer::start();
    let response = server
        .client
        .get(server.url("/healthz"))
        .send()
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().expect("JSON");
    assert_eq!(body["status"], "ok");
}
