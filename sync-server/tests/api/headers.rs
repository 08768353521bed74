//! Security headers, request ids and compression on every kind of answer.

use reqwest::{
    StatusCode,
    blocking::Response,
    header::{ACCEPT_ENCODING, CONTENT_ENCODING},
};

use crate::support::{DEVICE, TestServer};

const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

fn assert_security_headers(response: &Response, what: &str) {
    assert_eq!(
        header(response, "content-security-policy"),
        Some(CSP),
        "{what}"
    );
    assert_eq!(
        header(response, "x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        header(response, "referrer-policy"),
        Some("no-referrer"),
        "{what}"
    );
    assert_eq!(header(response, "x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(
        header(response, "cross-origin-opener-policy"),
        Some("same-origin"),
        "{what}"
    );
}

#[test]
fn every_answer_carries_the_security_headers() {
    let server = TestServer::start_serving(&[("index.html", b"<!doctype html>")]);
    for path in [
        "/",
        "/incidents/x",
        "/healthz",
        "/api/v1/nothing",
        "/missing.js",
    ] {
        let response = server.client.get(server.url(path)).send().expect("request");
        assert_security_headers(&response, path);
    }
    let (status, _) = server.get("not-a-token", "/api/v1/users");
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let refused = server
        .client
        .get(server.url("/api/v1/users"))
        .send()
        .expect("request");
    assert_security_headers(&refused, "401");
}

#[test]
fn the_service_worker_is_never_cached() {
    let server = TestServer::start_serving(&[
        ("index.html", b"<!doctype html>"),
        ("sw.js", b"self.addEventListener('fetch', () => {});"),
    ]);
    let response = server
        .client
        .get(server.url("/sw.js"))
        .send()
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control"), Some("no-cache"));
}

#[test]
fn a_request_id_is_made_up_or_echoed() {
    let server = TestServer::start();
    let made = server
        .client
        .get(server.url("/healthz"))
        .send()
        .expect("request");
    let id = header(&made, "x-request-id").expect("a request id");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let echoed = server
        .client
        .get(server.url("/healthz"))
        .header("x-request-id", "trace-me-42")
        .send()
        .expect("request");
    assert_eq!(header(&echoed, "x-request-id"), Some("trace-me-42"));
}

#[test]
fn api_answers_are_compressed_when_the_client_accepts_it() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    for encoding in ["gzip", "br"] {
        let response = server
            .client
            .get(server.url("/api/v1/users"))
            .bearer_auth(&token)
            .header(ACCEPT_ENCODING, encoding)
            .send()
            .expect("request");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, CONTENT_ENCODING.as_str()), Some(encoding));
    }
    let plain = server
        .client
        .get(server.url("/api/v1/users"))
        .bearer_auth(&token)
        .send()
        .expect("request");
    assert_eq!(header(&plain, CONTENT_ENCODING.as_str()), None);
}
