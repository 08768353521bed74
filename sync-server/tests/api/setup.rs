//! First-time setup: the one-time code creates the first admin, once.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{DEVICE, TestServer, code};

fn setup_body(code: &str, username: &str) -> Value {
    json!({"code": code, "username": username, "password": "first admin password", "device_id": DEVICE})
}

#[test]
fn setup_is_needed_only_while_there_are_no_accounts() {
    let empty = TestServer::start_empty();
    let (status, body) = empty.call(Method::GET, "/api/v1/setup", None, None);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"needed": true}));
    let set_up = TestServer::start();
    let (_, body) = set_up.call(Method::GET, "/api/v1/setup", None, None);
    assert_eq!(body, json!({"needed": false}));
}

#[test]
fn the_setup_code_creates_the_first_admin_and_signs_them_in_once() {
    let server = TestServer::start_empty();
    let setup_code = server
        .state
        .new_setup_code()
        .expect("store")
        .expect("a code while there are no accounts");
    // Typed in lower case and without dashes, it still works.
    let typed = setup_code.replace('-', "").to_lowercase();
    let (status, body) = server.call(
        Method::POST,
        "/api/v1/setup",
        None,
        Some(&setup_body(&typed, "root")),
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["user"]["role"], "admin");
    let token = body["token"].as_str().expect("token");
    let (status, _) = server.get(token, "/api/v1/users");
    assert_eq!(status, StatusCode::OK);

    let (status, again) = server.call(
        Method::POST,
        "/api/v1/setup",
        None,
        Some(&setup_body(&setup_code, "intruder")),
    );
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(code(&again), "already_set_up");
    assert_eq!(server.state.new_setup_code().expect("store"), None);
}

#[test]
fn a_wrong_setup_code_is_403_and_guessing_is_held_back() {
    let server = TestServer::start_empty();
    server.state.new_setup_code().expect("store");
    for _ in 0..10 {
        let (status, body) = server.call(
            Method::POST,
            "/api/v1/setup",
            None,
            Some(&setup_body("AAAA-BBBB-CCCC", "root")),
        );
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(code(&body), "bad_setup_code");
    }
    let (status, body) = server.call(
        Method::POST,
        "/api/v1/setup",
        None,
        Some(&setup_body("AAAA-BBBB-CCCC", "root")),
    );
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(code(&body), "slow_down");
}

#[test]
fn a_new_setup_code_replaces_the_last_one() {
    let server = TestServer::start_empty();
    let old = server.state.new_setup_code().expect("store").expect("code");
    let new = server.state.new_setup_code().expect("store").expect("code");
    let (status, _) = server.call(
        Method::POST,
        "/api/v1/setup",
        None,
        Some(&setup_body(&old, "root")),
    );
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.call(
        Method::POST,
        "/api/v1/setup",
        None,
        Some(&setup_body(&new, "root")),
    );
    assert_eq!(status, StatusCode::CREATED);
}

#[test]
fn setup_with_a_short_password_is_422_and_keeps_the_code() {
    let server = TestServer::start_empty();
    let setup_code = server.state.new_setup_code().expect("store").expect("code");
    let mut body = setup_body(&setup_code, "root");
    body["password"] = json!("short");
    let (status, answer) = server.call(Method::POST, "/api/v1/setup", None, Some(&body));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&answer), "bad_password");
    let (status, _) = server.call(
        Method::POST,
        "/api/v1/setup",
        None,
        Some(&setup_body(&setup_code, "root")),
    );
    assert_eq!(status, StatusCode::CREATED);
}
