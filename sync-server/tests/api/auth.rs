//! Signing in and out, and what a missing or bad token gets.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{DEVICE, PASSWORD, TestServer, USER, code, push_body};

#[test]
fn login_with_the_right_password_returns_token_user_and_expiry() {
    let server = TestServer::start();
    let response = server.login(USER, PASSWORD, DEVICE);
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().expect("JSON");
    assert_eq!(body["token"].as_str().map(str::len), Some(64));
    assert_eq!(body["user"]["name"], USER);
    assert_eq!(body["user"]["role"], "admin");
    assert!(body["user"]["id"].as_str().is_some_and(|id| id.len() == 36));
    let expires = body["expires_at"].as_str().expect("expires_at");
    let expires_ms = outpost_model::time::parse_rfc3339_ms(expires).expect("RFC 3339");
    let days = (expires_ms - crate::support::now_ms()) / 86_400_000;
    assert!((29..=30).contains(&days), "expires in {days} days");
}

#[test]
fn user_names_are_matched_regardless_of_case() {
    let server = TestServer::start();
    assert_eq!(
        server.login("ALICE", PASSWORD, DEVICE).status(),
        StatusCode::OK
    );
}

#[test]
fn login_with_a_wrong_password_is_401_bad_credentials() {
    let server = TestServer::start();
    let response = server.login(USER, "not the password", DEVICE);
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().expect("JSON");
    assert_eq!(code(&body), "bad_credentials");
}

#[test]
fn login_for_an_unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let server = TestServer::start();
    let unknown = server.login("mallory", PASSWORD, DEVICE);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let unknown: Value = unknown.json().expect("JSON");
    let wrong: Value = server
        .login(USER, "not the password", DEVICE)
        .json()
        .expect("JSON");
    assert_eq!(unknown, wrong);
}

#[test]
fn login_with_a_bad_device_id_is_400() {
    let server = TestServer::start();
    let response = server.login(USER, PASSWORD, "no spaces allowed");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().expect("JSON");
    assert_eq!(code(&body), "bad_device_id");
}

#[test]
fn sync_without_a_token_is_401_unauthorized() {
    let server = TestServer::start();
    let response = server
        .client
        .post(server.url("/api/v1/sync"))
        .json(&push_body(vec![]))
        .send()
        .expect("request");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().expect("JSON");
    assert_eq!(code(&body), "unauthorized");
}

#[test]
fn sync_with_an_unknown_token_is_401_unauthorized() {
    let server = TestServer::start();
    let (status, body) = server.sync(&"0".repeat(64), &push_body(vec![]));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&body), "unauthorized");
}

#[test]
fn logout_ends_the_session() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let response = server
        .client
        .post(server.url("/api/v1/auth/logout"))
        .bearer_auth(&token)
        .send()
        .expect("logout");
    assert!(response.status().is_success());
    let (status, _) = server.sync(&token, &push_body(vec![]));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[test]
fn a_token_only_syncs_for_the_device_it_was_issued_to() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let (status, body) = server.sync(&token, &json!({ "device_id": "tablet-2", "cursor": null }));
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(code(&body), "wrong_device");
}

#[test]
fn users_lists_every_account_to_signed_in_users_only() {
    let server = TestServer::start();
    server
        .state
        .create_user(
            "sam",
            outpost_model::protocol::Role::Reporter,
            "another password",
        )
        .expect("second user");
    let token = server.token(DEVICE);
    let (status, body) = server.get(&token, "/api/v1/users");
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = body["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["name"].as_str())
        .collect();
    assert_eq!(names, ["alice", "sam"]);
    assert_eq!(body["users"][1]["role"], "reporter");
    let (status, _) = server.get("nonsense", "/api/v1/users");
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[test]
fn creating_accounts_refuses_short_passwords_and_duplicate_names() {
    let server = TestServer::start();
    let role = outpost_model::protocol::Role::Manager;
    let short = server.state.create_user("bob", role, "short");
    assert!(short.is_err_and(|e| e.to_string().contains("at least 8")));
    let duplicate = server
        .state
        .create_user("Alice", role, "long enough password");
    assert!(duplicate.is_err_and(|e| e.to_string().contains("already exists")));
    assert!(
        server
            .state
            .create_user("", role, "long enough password")
            .is_err()
    );
}

#[test]
fn too_many_failed_sign_ins_are_held_back_with_429_even_for_the_right_password() {
    let server = TestServer::start();
    for _ in 0..10 {
        assert_eq!(
            server.login(USER, "wrong guess", DEVICE).status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let response = server.login(USER, PASSWORD, DEVICE);
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("retry-after seconds");
    assert!((1..=900).contains(&retry_after));
    let body: Value = response.json().expect("JSON");
    assert_eq!(code(&body), "slow_down");
}
