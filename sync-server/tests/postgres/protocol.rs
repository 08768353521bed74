//! The protocol where PostgreSQL differs from SQLite: two servers sharing
//! one database, clock order under a database collation, backups. The cases
//! both stores share run on both from `tests/api`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{PgServer, TestDb, admin_url, change, hlc, now_ms, push_body, record_id};

const DEVICE: &str = "tablet-1";

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
