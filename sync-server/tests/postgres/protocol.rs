//! The sync protocol's behaviour, as the SQLite tests in `tests/api` check it,
//! against the PostgreSQL store: round trips, paging, duplicates, stale
//! changes, history, accounts, and two servers sharing one database.

use std::collections::HashSet;

use outpost_model::protocol::{Role, UserPatch};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{PgServer, TestDb, admin_url, change, hlc, now_ms, push_body, record_id};

const DEVICE: &str = "tablet-1";

#[test]
fn pushed_changes_come_back_to_another_device_on_postgres() {
    let Some(admin) = admin_url() else { return };
    let db = TestDb::create(&admin);
    let server = PgServer::start(&db);
    let token = server.token(DEVICE);
    let t = now_ms();
    let id = record_id(1);
    let pushed = vec![
        change(&id, "title", json!("Forklift hit rack"), &hlc(t, 0, DEVICE)),
        change(&id, "impact", json!(2), &hlc(t, 1, DEVICE)),
    ];
    let (status, body) = server.sync(&token, &push_body(DEVICE, pushed.clone()));
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["accepted"].as_u64(), body["ignored"].as_u64()),
        (Some(2), Some(0))
    );

    let other = server.token("tablet-2");
    let pulled = server.pull(&other, "tablet-2", &Value::Null, 1000);
    assert_eq!(pulled["changes"], Value::Array(pushed));
    assert_eq!(pulled["more"], false);
    let cursor = pulled["cursor"].clone();
    assert!(cursor.is_string());
    let again = server.pull(&other, "tablet-2", &cursor, 1000);
    assert_eq!(again["changes"], json!([]));
    assert_eq!(again["cursor"], cursor);
}

#[test]
fn paging_with_a_small_limit_reaches_every_change_exactly_once_on_postgres() {
    let Some(admin) = admin_url() else { return };
    let db = TestDb::create(&admin);
    let server = PgServer::start(&db);
    let token = server.token(DEVICE);
    let t = now_ms();
    let pushed: Vec<Value> = (0..23)
        .map(|n| {
            change(
                &record_id(n),
                "title",
                json!(format!("incident {n}")),
                &hlc(t, n, DEVICE),
            )
        })
        .collect();
    let (status, _) = server.sync(&token, &push_body(DEVICE, pushed));
    assert_eq!(status, StatusCode::OK);

    let mut cursor = Value::Null;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = server.pull(&token, DEVICE, &cursor, 5);
        let changes = page["changes"].as_array().expect("changes");
        assert!(changes.len() <= 5);
        seen.extend(
            changes
                .iter()
                .map(|c| c["id"].as_str().expect("id").to_owned()),
        );
        cursor = page["cursor"].clone();
        pages += 1;
        if page["more"] == false {
            break;
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 5);
    let distinct: HashSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), 23, "a change came twice");
    let expected: Vec<String> = (0..23).map(record_id).collect();
    assert_eq!(seen, expected, "oldest first, in the order pushed");
}

#[test]
fn pushing_the_same_batch_twice_ignores_it_the_second_time_on_postgres() {
    let Some(admin) = admin_url() else { return };
    let db = TestDb::create(&admin);
    let server = PgServer::start(&db);
    let token = server.token(DEVICE);
    let t = now_ms();
    let batch = push_body(
        DEVICE,
        vec![
            change(&record_id(1), "title", json!("Spill"), &hlc(t, 0, DEVICE)),
            change(&record_id(1), "status", json!("new"), &hlc(t, 1, DEVICE)),
            change(
                &record_id(2),
                "title",
                json!("Fire alarm"),
                &hlc(t, 2, DEVICE),
            ),
        ],
    );
    let (_, first) = server.sync(&token, &batch);
    assert_eq!(
        (first["accepted"].as_u64(), first["ignored"].as_u64()),
        (Some(3), Some(0))
    );
    let (status, second) = server.sync(&token, &batch);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (second["accepted"].as_u64(), second["ignored"].as_u64()),
        (Some(0), Some(3))
    );
    let (_, history) = server.get(
        &token,
        &format!("/api/v1/records/incidents/{}/history", record_id(1)),
    );
    assert_eq!(
        history["changes"].as_array().map(Vec::len),
        Some(2),
        "duplicates are not logged"
    );
}

#[test]
fn stale_change_is_logged_but_not_applied_on_postgres() {
    let Some(admin) = admin_url() else { return };
    let db = TestDb::create(&admin);
    let server = PgServer::start(&db);
    let token = server.token(DEVICE);
    let t = now_ms();
    let id = record_id(7);
    let newer = change(&id, "status", json!("in_progress"), &hlc(t, 5, DEVICE));
    let older = change(
        &id,
        "status",
        json!("resolved"),
        &hlc(t - 60_000, 0, DEVICE),
    );
    let (_, first) = server.sync(&token, &push_body(DEVICE, vec![newer.clone()]));
    assert_eq!(first["accepted"], 1);
    let (_, second) = server.sync(&token, &push_body(DEVICE, vec![older]));
    assert_eq!(
        (second["accepted"].as_u64(), second["ignored"].as_u64()),
        (Some(0), Some(1))
    );

    let pulled = server.pull(&token, DEVICE, &Value::Null, 100);
    assert_eq!(pulled["changes"], json!([newer]));
    let (_, history) = server.get(&token, &format!("/api/v1/records/incidents/{id}/history"));
    let entries = history["changes"].as_array().expect("changes");
    let summary: Vec<(&Value, &Value)> = entries
        .iter()
        .map(|e| (&e["value"], &e["current"]))
        .collect();
    assert_eq!(
        summary,
        [
            (&json!("resolved"), &json!(false)),
            (&json!("in_progress"), &json!(true))
        ]
    );
}

#[test]
fn history_is_in_clock_order_byte_by_byte_whatever_the_database_collation() {
    let Some(admin) = admin_url() else { return };
    // A database whose own collation sorts like a dictionary (ICU, en-US):
    // "tablet-a" before "tablet-B". Clock stamps compare byte by byte, where
    // "tablet-B" comes first.
    let db = TestDb::create_with(
        &admin,
        "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'",
    );
    let server = PgServer::start(&db);
    let t = now_ms() - 10_000;
    let id = record_id(42);
    // Same wall time and counter: the node decides.
    for device in ["tablet-a", "tablet-B"] {
        let token = server.token(device);
        let pushed = vec![change(&id, "title", json!(device), &hlc(t, 0, device))];
        let (status, body) = server.sync(&token, &push_body(device, pushed));
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let token = server.token(DEVICE);
    let (status, body) = server.get(&token, &format!("/api/v1/records/incidents/{id}/history"));
    assert_eq!(status, StatusCode::OK);
    let order: Vec<(&str, bool)> = body["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|e| (e["device"].as_str().expect("device"), e["current"] == true))
        .collect();
    assert_eq!(order, [("tablet-B", false), ("tablet-a", true)]);
}

#[test]
fn a_second_server_on_the_same_database_shares_sessions_and_data() {
    let Some(admin) = admin_url() else { return };
    let db = TestDb::create(&admin);
    let first = PgServer::start(&db);
    // Starting again runs the migrations again: nothing to do, nothing lost.
    let second = PgServer::start(&db);
    let token = first.token(DEVICE);
    let t = now_ms();
    let pushed = vec![change(
        &record_id(5),
        "title",
        json!("Ladder"),
        &hlc(t, 0, DEVICE),
    )];
    let (status, _) = first.sync(&token, &push_body(DEVICE, pushed.clone()));
    assert_eq!(status, StatusCode::OK);
    // The token issued by the first server works on the second: no state
    // lives in a server.
    let pulled = second.pull(&token, DEVICE, &Value::Null, 100);
    assert_eq!(pulled["changes"], Value::Array(pushed));
    let (_, users) = second.get(&token, "/api/v1/users");
    assert_eq!(users["users"].as_array().map(Vec::len), Some(1));
}

#[test]
fn account_rules_hold_on_postgres() {
    let Some(admin) = admin_url() else { return };
    let db = TestDb::create(&admin);
    let server = PgServer::start(&db);
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

#[test]
fn backup_of_a_postgres_database_is_refused_and_names_pg_dump() {
    let Some(admin) = admin_url() else { return };
    let db = TestDb::create(&admin);
    let server = PgServer::start(&db);
    let dir = tempfile::tempdir().expect("temporary directory");
    let err = server
        .state
        .backup_to(&dir.path().join("copy.db"))
        .expect_err("backup is SQLite-only");
    assert!(err.to_string().contains("pg_dump"), "{err}");
}
