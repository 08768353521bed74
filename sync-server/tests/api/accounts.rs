//! Account management by admins over HTTP: create, disable, re-enable,
//! reset a password, change a role; and what that does to sessions.

use outpost_model::protocol::{Role, UserPatch};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{DEVICE, PASSWORD, TestServer, code, on_both_stores, push_body};

#[test]
fn an_admin_creates_an_account_that_can_sign_in() {
    let server = TestServer::start();
    let admin = server.token(DEVICE);
    let (status, body) = server.call(
        Method::POST,
        "/api/v1/users",
        Some(&admin),
        Some(&json!({"name": "sam", "role": "reporter", "password": "sams password"})),
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["role"], "reporter");
    assert_eq!(
        server.login("sam", "sams password", "t-2").status(),
        StatusCode::OK
    );
}

#[test]
fn creating_accounts_answers_409_for_a_taken_name_and_422_for_bad_input() {
    let server = TestServer::start();
    let admin = server.token(DEVICE);
    let cases = [
        (
            json!({"name": "ALICE", "role": "manager", "password": "long enough"}),
            StatusCode::CONFLICT,
            "duplicate_user",
        ),
        (
            json!({"name": "bob", "role": "manager", "password": "short"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_password",
        ),
        (
            json!({"name": " bob", "role": "manager", "password": "long enough"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_user_name",
        ),
        (
            json!({"name": "bob", "role": "king", "password": "long enough"}),
            StatusCode::BAD_REQUEST,
            "malformed",
        ),
    ];
    for (body, status, expected) in cases {
        let (got, answer) = server.call(Method::POST, "/api/v1/users", Some(&admin), Some(&body));
        assert_eq!(got, status, "{body}: {answer}");
        assert_eq!(code(&answer), expected, "{body}");
    }
}

#[test]
fn only_admins_manage_accounts() {
    let server = TestServer::start();
    let (manager, _) = server.user_token("maria", Role::Manager, "t-m");
    let (status, body) = server.call(
        Method::POST,
        "/api/v1/users",
        Some(&manager),
        Some(&json!({"name": "eve", "role": "admin", "password": "long enough"})),
    );
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(code(&body), "forbidden");
    let alice = server.state.find_user("alice").expect("alice");
    let (status, _) = server.call(
        Method::PATCH,
        &format!("/api/v1/users/{}", alice.id),
        Some(&manager),
        Some(&json!({"disabled": true})),
    );
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = server.call(Method::POST, "/api/v1/users", None, Some(&json!({})));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&body), "unauthorized");
}

on_both_stores! {
    fn a_disabled_account_is_signed_out_and_cannot_sign_in_until_enabled(server: &TestServer) {
        let admin = server.token(DEVICE);
        let (sam, sam_id) = server.user_token("sam", Role::Reporter, "t-2");
        let path = format!("/api/v1/users/{sam_id}");
        let (status, body) = server.call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(&json!({"disabled": true})),
        );
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["disabled"], true);
        let (status, _) = server.get(&sam, "/api/v1/users");
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let refused = server.login("sam", PASSWORD, "t-2");
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        let body: serde_json::Value = refused.json().expect("JSON");
        assert_eq!(code(&body), "bad_credentials");

        let (status, body) = server.call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(&json!({"disabled": false})),
        );
        assert_eq!(status, StatusCode::OK);
        assert!(body.get("disabled").is_none(), "{body}");
        assert_eq!(
            server.login("sam", PASSWORD, "t-2").status(),
            StatusCode::OK
        );
    }
}

on_both_stores! {
    fn resetting_a_password_signs_the_account_out_and_changes_the_password(server: &TestServer) {
        let admin = server.token(DEVICE);
        let (sam, sam_id) = server.user_token("sam", Role::Reporter, "t-2");
        let (status, _) = server.call(
            Method::PATCH,
            &format!("/api/v1/users/{sam_id}"),
            Some(&admin),
            Some(&json!({"password": "a brand new one"})),
        );
        assert_eq!(status, StatusCode::OK);
        let (status, _) = server.sync(&sam, &json!({"device_id": "t-2", "cursor": null}));
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            server.login("sam", PASSWORD, "t-2").status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            server.login("sam", "a brand new one", "t-2").status(),
            StatusCode::OK
        );
    }
}

on_both_stores! {
    fn a_role_change_takes_effect_on_the_next_request(server: &TestServer) {
        let admin = server.token(DEVICE);
        let (maria, maria_id) = server.user_token("maria", Role::Manager, "t-m");
        let (status, body) = server.call(
            Method::PATCH,
            &format!("/api/v1/users/{maria_id}"),
            Some(&admin),
            Some(&json!({"role": "admin"})),
        );
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["role"], "admin");
        let (status, _) = server.call(
            Method::POST,
            "/api/v1/users",
            Some(&maria),
            Some(&json!({"name": "nico", "role": "reporter", "password": "long enough"})),
        );
        assert_eq!(status, StatusCode::CREATED);
    }
}

on_both_stores! {
    fn the_last_active_admin_cannot_be_disabled_or_demoted(server: &TestServer) {
        let admin = server.token(DEVICE);
        let alice = server.state.find_user("alice").expect("alice");
        let path = format!("/api/v1/users/{}", alice.id);
        for patch in [json!({"disabled": true}), json!({"role": "manager"})] {
            let (status, body) = server.call(Method::PATCH, &path, Some(&admin), Some(&patch));
            assert_eq!(status, StatusCode::CONFLICT, "{patch}");
            assert_eq!(code(&body), "last_admin");
        }
        // With a second admin, the first may step down.
        server.user_token("bea", Role::Admin, "t-b");
        let (status, _) = server.call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(&json!({"role": "manager"})),
        );
        assert_eq!(status, StatusCode::OK);
    }
}

#[test]
fn changing_an_unknown_account_is_404_and_a_bad_patch_is_400() {
    let server = TestServer::start();
    let admin = server.token(DEVICE);
    let (status, body) = server.call(
        Method::PATCH,
        "/api/v1/users/no-such-id",
        Some(&admin),
        Some(&json!({"disabled": true})),
    );
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code(&body), "not_found");
    let alice = server.state.find_user("alice").expect("alice");
    let (status, body) = server.call(
        Method::PATCH,
        &format!("/api/v1/users/{}", alice.id),
        Some(&admin),
        Some(&json!({"is_admin": true})),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&body), "malformed");
}

on_both_stores! {
    fn logout_revokes_the_token_and_only_that_one(server: &TestServer) {
        let first = server.token(DEVICE);
        let second = server.token("tablet-2");
        let (status, _) = server.call(Method::POST, "/api/v1/auth/logout", Some(&first), None);
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, body) = server.sync(&first, &push_body(vec![]));
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(code(&body), "unauthorized");
        let (status, _) = server.get(&second, "/api/v1/users");
        assert_eq!(status, StatusCode::OK);
        let (status, _) = server.call(Method::POST, "/api/v1/auth/logout", Some(&first), None);
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

on_both_stores! {
    fn a_token_expires_after_30_days_without_use(server: &TestServer) {
        let token = server.token(DEVICE);
        server.state.advance_clock(29 * 86_400_000);
        let (status, _) = server.get(&token, "/api/v1/users");
        assert_eq!(status, StatusCode::OK, "still valid after 29 days");
        // That use slid the expiry forward by another 30 days.
        server.state.advance_clock(29 * 86_400_000);
        let (status, _) = server.get(&token, "/api/v1/users");
        assert_eq!(status, StatusCode::OK, "use keeps a session alive");
        server.state.advance_clock(31 * 86_400_000);
        let (status, body) = server.get(&token, "/api/v1/users");
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(code(&body), "unauthorized");
    }
}

on_both_stores! {
    fn signing_in_on_a_device_ends_the_session_that_was_on_it(server: &TestServer) {
        let first = server.token(DEVICE);
        let again = server.token(DEVICE);
        assert_eq!(
            server.get(&first, "/api/v1/users").0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(server.get(&again, "/api/v1/users").0, StatusCode::OK);
        // Someone else signing in with this device's id takes it over rather
        // than writing alongside alice as her device.
        let response = server.login("sam", PASSWORD, DEVICE);
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "no sam yet");
        server.user_token("sam", Role::Manager, DEVICE);
        assert_eq!(
            server.get(&again, "/api/v1/users").0,
            StatusCode::UNAUTHORIZED
        );
        // Other devices keep their sessions.
        let other = server.token("tablet-2");
        server.user_token("nico", Role::Reporter, "tablet-3");
        assert_eq!(server.get(&other, "/api/v1/users").0, StatusCode::OK);
    }
}

on_both_stores! {
    fn account_rules_hold_in_the_store(server: &TestServer) {
        let state = &server.state;
        // Names are unique whatever their case, and found whatever their case.
        let err = state
            .create_user("ALICE", Role::Manager, "another password")
            .expect_err("a second alice");
        assert!(err.to_string().contains("already exists"), "{err}");
        let bob = state
            .create_user("Bob", Role::Manager, "bob's password")
            .expect("bob");
        assert_eq!(state.find_user("bob").expect("found").id, bob.id);
        let names: Vec<String> = state
            .users()
            .expect("users")
            .into_iter()
            .map(|u| u.name)
            .collect();
        assert_eq!(names, ["alice", "Bob"]);

        // Signing in on a device ends the session that was on it.
        let alices = server.token("shared-tablet");
        let bobs = server
            .client
            .post(server.url("/api/v1/auth/login"))
            .json(
                &json!({"username": "bob", "password": "bob's password", "device_id": "shared-tablet"}),
            )
            .send()
            .expect("login");
        assert_eq!(bobs.status(), StatusCode::OK);
        let (status, _) = server.get(&alices, "/api/v1/users");
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // The last enabled admin can be neither disabled nor demoted.
        let alice = state.find_user("alice").expect("alice");
        let disable = UserPatch {
            disabled: Some(true),
            ..UserPatch::default()
        };
        let err = state
            .update_user(&alice.id, disable.clone())
            .expect_err("last admin");
        assert!(err.to_string().contains("no active admin"), "{err}");
        let promote = UserPatch {
            role: Some(Role::Admin),
            ..UserPatch::default()
        };
        state
            .update_user(&bob.id, promote)
            .expect("bob becomes an admin");
        let alice = state
            .update_user(&alice.id, disable)
            .expect("now alice can go");
        assert!(alice.disabled);
    }
}
