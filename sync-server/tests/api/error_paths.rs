//! Every error path of every endpoint answers with its status and the JSON
//! error shape: no token, an expired or revoked token, another user's device,
//! a body too large, not JSON, malformed JSON.

use outpost_model::protocol::Role;
use reqwest::{Method, StatusCode, blocking::Response, header::CONTENT_TYPE};
use serde_json::{Value, json};

use crate::support::{DEVICE, TestServer, code, push_body};

/// Every endpoint that needs a token, with a body it would accept.
fn protected() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::POST, "/api/v1/auth/logout", None),
        (Method::POST, "/api/v1/sync", Some(push_body(vec![]))),
        (Method::GET, "/api/v1/users", None),
        (
            Method::POST,
            "/api/v1/users",
            Some(json!({"name": "zed", "role": "reporter", "password": "long enough"})),
        ),
        (
            Method::PATCH,
            "/api/v1/users/00000000-0000-7000-8000-000000000001",
            Some(json!({"disabled": false})),
        ),
        (
            Method::GET,
            "/api/v1/records/incidents/00000000-0000-7000-8000-000000000001/history",
            None,
        ),
    ]
}

/// Every endpoint that reads a JSON body.
fn with_bodies() -> [(Method, &'static str); 5] {
    [
        (Method::POST, "/api/v1/auth/login"),
        (Method::POST, "/api/v1/setup"),
        (Method::POST, "/api/v1/sync"),
        (Method::POST, "/api/v1/users"),
        (
            Method::PATCH,
            "/api/v1/users/00000000-0000-7000-8000-000000000001",
        ),
    ]
}

/// The status and code of an answer, checking it is the JSON error shape.
fn error(response: Response) -> (StatusCode, String) {
    let status = response.status();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{status}: {content_type}"
    );
    let body: Value = response.json().expect("a JSON body");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    (status, code(&body).to_owned())
}

fn send(
    server: &TestServer,
    method: &Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Response {
    let mut request = server.client.request(method.clone(), server.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().expect("request")
}

fn assert_all_unauthorized(server: &TestServer, token: Option<&str>, what: &str) {
    for (method, path, body) in protected() {
        let (status, code) = error(send(server, &method, path, token, body.as_ref()));
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {method} {path}");
        assert_eq!(code, "unauthorized", "{what}: {method} {path}");
    }
}

#[test]
fn every_protected_endpoint_is_401_without_a_token_or_with_a_bad_one() {
    let server = TestServer::start();
    assert_all_unauthorized(&server, None, "no token");
    assert_all_unauthorized(&server, Some(&"f".repeat(64)), "unknown token");
    assert_all_unauthorized(&server, Some(&"x".repeat(5000)), "oversized token");
    let response = server
        .client
        .get(server.url("/api/v1/users"))
        .header("authorization", "Basic YWxpY2U6cGFzc3dvcmQ=")
        .send()
        .expect("request");
    assert_eq!(error(response).0, StatusCode::UNAUTHORIZED);
}

#[test]
fn every_protected_endpoint_is_401_with_an_expired_token() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    server.state.advance_clock(31 * 86_400_000);
    assert_all_unauthorized(&server, Some(&token), "expired token");
}

#[test]
fn every_protected_endpoint_is_401_with_a_revoked_token() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let (status, _) = server.call(Method::POST, "/api/v1/auth/logout", Some(&token), None);
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_all_unauthorized(&server, Some(&token), "revoked token");
}

#[test]
fn every_protected_endpoint_is_401_for_a_disabled_account() {
    let server = TestServer::start();
    let (token, id) = server.user_token("sam", Role::Manager, "t-sam");
    let patch = outpost_model::protocol::UserPatch {
        disabled: Some(true),
        ..Default::default()
    };
    server.state.update_user(&id, patch).expect("disable");
    assert_all_unauthorized(&server, Some(&token), "disabled account");
}

#[test]
fn another_users_device_cannot_be_used_to_sync() {
    let server = TestServer::start();
    server.token(DEVICE);
    let (sam, _) = server.user_token("sam", Role::Manager, "t-sam");
    // Sam's token names Sam's device; naming alice's device is refused.
    let (status, code) = error(send(
        &server,
        &Method::POST,
        "/api/v1/sync",
        Some(&sam),
        Some(&push_body(vec![])),
    ));
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "wrong_device")
    );
    // And a change stamped by alice's device is refused even on Sam's own.
    let stamped = crate::support::change(
        &crate::support::record_id(1),
        "title",
        json!("as alice"),
        &crate::support::hlc(crate::support::now_ms(), 0, DEVICE),
    );
    let (status, body) = server.sync(
        &sam,
        &json!({"device_id": "t-sam", "cursor": null, "changes": [stamped]}),
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["code"], "wrong_node");
}

#[test]
fn every_body_endpoint_answers_400_and_415_in_json() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    for (method, path) in with_bodies() {
        let request = |content_type: &str, body: String| {
            server
                .client
                .request(method.clone(), server.url(path))
                .bearer_auth(&token)
                .header(CONTENT_TYPE, content_type)
                .body(body)
                .send()
                .expect("request")
        };
        let cases = [
            (
                request("application/json", "{\"oops\"".into()),
                StatusCode::BAD_REQUEST,
                "malformed",
            ),
            (
                request("application/json", "[1, 2]".into()),
                StatusCode::BAD_REQUEST,
                "malformed",
            ),
            (
                request("text/plain", "{}".into()),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
        ];
        for (response, status, expected) in cases {
            let (got, code) = error(response);
            assert_eq!((got, code.as_str()), (status, expected), "{method} {path}");
        }
    }
}

#[test]
fn unknown_fields_in_account_bodies_are_400() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let bodies = [
        (
            "/api/v1/auth/login",
            json!({"username": "a", "password": "b", "device_id": "c", "role": "admin"}),
        ),
        (
            "/api/v1/setup",
            json!({"code": "x", "username": "a", "password": "b", "device_id": "c", "role": "admin"}),
        ),
        (
            "/api/v1/users",
            json!({"name": "a", "role": "admin", "password": "long enough", "disabled": true}),
        ),
    ];
    for (path, body) in bodies {
        let (status, code) = error(send(
            &server,
            &Method::POST,
            path,
            Some(&token),
            Some(&body),
        ));
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::BAD_REQUEST, "malformed"),
            "{path}"
        );
    }
}

#[test]
fn a_too_short_password_reset_is_422() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let alice = server.state.find_user("alice").expect("alice");
    let (status, code) = error(send(
        &server,
        &Method::PATCH,
        &format!("/api/v1/users/{}", alice.id),
        Some(&token),
        Some(&json!({"password": "short"})),
    ));
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "bad_password")
    );
}

#[test]
fn history_of_a_bad_collection_or_record_is_404() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    for (path, expected) in [
        (
            "/api/v1/records/secrets/00000000-0000-7000-8000-000000000001/history",
            "unknown_collection",
        ),
        (
            "/api/v1/records/incidents/no-such-record/history",
            "not_found",
        ),
    ] {
        let (status, code) = error(send(&server, &Method::GET, path, Some(&token), None));
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::NOT_FOUND, expected),
            "{path}"
        );
    }
}

/// Through the router without a socket: over a real connection the server
/// may answer 413 and close before the client has sent 9 MiB, which makes the
/// client's view of it depend on timing.
#[test]
fn every_body_endpoint_answers_413_for_a_body_over_8_mib() {
    use axum::{body::Body, http::Request};
    use tower::ServiceExt;

    let server = TestServer::start();
    let token = server.token(DEVICE);
    let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(9 * 1024 * 1024));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for (method, path) in with_bodies() {
        let request = Request::builder()
            .method(method.as_str())
            .uri(path)
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(huge.clone()))
            .expect("request");
        let response = runtime
            .block_on(outpost_sync_server::app(server.state.clone()).oneshot(request))
            .expect("an answer");
        assert_eq!(response.status().as_u16(), 413, "{method} {path}");
        let bytes = runtime
            .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
            .expect("body");
        let body: Value = serde_json::from_slice(&bytes).expect("JSON");
        assert_eq!(code(&body), "too_large", "{method} {path}");
    }
}
