//! Push and pull: round trips, paging, duplicates, stale changes, refusals.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{
    DEVICE, StoreKind, TestServer, change, code, hlc, now_ms, on_both_stores, push_body, record_id,
};

fn pull(server: &TestServer, token: &str, device: &str, cursor: &Value, limit: u32) -> Value {
    let (status, body) = server.sync(
        token,
        &json!({ "device_id": device, "cursor": cursor, "changes": [], "limit": limit }),
    );
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

on_both_stores! {
    fn pushed_changes_come_back_to_another_device(server: &TestServer) {
        let token = server.token(DEVICE);
        let t = now_ms();
        let id = record_id(1);
        let pushed = vec![
            change(&id, "title", json!("Forklift hit rack"), &hlc(t, 0, DEVICE)),
            change(&id, "impact", json!(2), &hlc(t, 1, DEVICE)),
        ];
        let (status, body) = server.sync(&token, &push_body(pushed.clone()));
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            (body["accepted"].as_u64(), body["ignored"].as_u64()),
            (Some(2), Some(0))
        );
        assert!(
            body["server_time"]
                .as_str()
                .is_some_and(|s| s.ends_with('Z'))
        );

        let other = server.token("tablet-2");
        let pulled = pull(server, &other, "tablet-2", &Value::Null, 1000);
        assert_eq!(pulled["changes"], Value::Array(pushed));
        assert_eq!(pulled["more"], false);
        let cursor = pulled["cursor"].clone();
        assert!(cursor.is_string());

        // Nothing new after the cursor: the same cursor comes back.
        let again = pull(server, &other, "tablet-2", &cursor, 1000);
        assert_eq!(again["changes"], json!([]));
        assert_eq!(again["cursor"], cursor);
    }
}

on_both_stores! {
    fn first_sync_of_an_empty_server_has_a_null_cursor(server: &TestServer) {
        let token = server.token(DEVICE);
        let body = pull(server, &token, DEVICE, &Value::Null, 10);
        assert_eq!(body["changes"], json!([]));
        assert_eq!(body["cursor"], Value::Null);
        assert_eq!(body["more"], false);
    }
}

on_both_stores! {
    fn paging_with_a_small_limit_reaches_every_change_exactly_once(server: &TestServer) {
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
        let (status, _) = server.sync(&token, &push_body(pushed));
        assert_eq!(status, StatusCode::OK);

        let mut cursor = Value::Null;
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let page = pull(server, &token, DEVICE, &cursor, 5);
            let changes = page["changes"].as_array().expect("changes");
            assert!(changes.len() <= 5);
            // While more wait, the server says how many, so a tablet can show
            // "Downloading 5 of 23"; on the last page it says nothing.
            let left_after = 23 - seen.len() - changes.len();
            if page["more"] == true {
                assert_eq!(page["remaining"], json!(left_after), "page {pages}");
            } else {
                assert!(page.get("remaining").is_none(), "{page}");
            }
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
        assert_eq!(seen.len(), 23);
        let distinct: HashSet<&String> = seen.iter().collect();
        assert_eq!(distinct.len(), 23, "a change came twice");
        // Oldest first: the order they were pushed in.
        let expected: Vec<String> = (0..23).map(record_id).collect();
        assert_eq!(seen, expected);
    }
}

on_both_stores! {
    fn pushing_the_same_batch_twice_ignores_it_the_second_time(server: &TestServer) {
        let token = server.token(DEVICE);
        let t = now_ms();
        let batch = push_body(vec![
            change(&record_id(1), "title", json!("Spill"), &hlc(t, 0, DEVICE)),
            change(&record_id(1), "status", json!("new"), &hlc(t, 1, DEVICE)),
            change(
                &record_id(2),
                "title",
                json!("Fire alarm"),
                &hlc(t, 2, DEVICE),
            ),
        ]);
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
}

on_both_stores! {
    fn stale_change_is_logged_but_not_applied(server: &TestServer) {
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
        let (_, first) = server.sync(&token, &push_body(vec![newer.clone()]));
        assert_eq!(first["accepted"], 1);
        let (_, second) = server.sync(&token, &push_body(vec![older]));
        assert_eq!(
            (second["accepted"].as_u64(), second["ignored"].as_u64()),
            (Some(0), Some(1))
        );

        let pulled = pull(server, &token, DEVICE, &Value::Null, 100);
        assert_eq!(pulled["changes"], json!([newer]));

        let (_, history) = server.get(&token, &format!("/api/v1/records/incidents/{id}/history"));
        let entries = history["changes"].as_array().expect("changes");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0]["value"], "resolved");
        assert_eq!(entries[0]["current"], false);
        assert_eq!(entries[1]["value"], "in_progress");
        assert_eq!(entries[1]["current"], true);
    }
}

on_both_stores! {
    fn one_field_of_a_new_record_written_twice_in_one_batch_keeps_the_newer(server: &TestServer) {
        // The store skips reading the fields of a record new in this push, but
        // only for the first change to each field: the second one is merged
        // against the first, in either order, and both are logged.
        let token = server.token(DEVICE);
        let t = now_ms();
        for (n, newer_first) in [(11, true), (12, false)] {
            let id = record_id(n);
            let newer = change(&id, "status", json!("in_progress"), &hlc(t, 5, DEVICE));
            let older = change(&id, "status", json!("new"), &hlc(t, 1, DEVICE));
            let batch = if newer_first {
                vec![newer.clone(), older]
            } else {
                vec![older, newer.clone()]
            };
            let (status, body) = server.sync(&token, &push_body(batch));
            assert_eq!(status, StatusCode::OK, "{body}");
            let expected = if newer_first { (1, 1) } else { (2, 0) };
            assert_eq!(
                (body["accepted"].as_u64(), body["ignored"].as_u64()),
                (Some(expected.0), Some(expected.1))
            );
            let (_, history) = server.get(&token, &format!("/api/v1/records/incidents/{id}/history"));
            let entries = history["changes"].as_array().expect("changes");
            assert_eq!(entries.len(), 2, "both are logged");
            assert_eq!(entries[1]["value"], "in_progress");
            assert_eq!(entries[1]["current"], true);
            assert_eq!(entries[0]["current"], false);
        }
        let pulled = pull(server, &token, DEVICE, &Value::Null, 100);
        let values: Vec<&Value> = pulled["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .map(|c| &c["value"])
            .collect();
        assert_eq!(values, [&json!("in_progress"), &json!("in_progress")]);
    }
}

on_both_stores! {
    fn a_reused_stamp_is_a_duplicate_and_the_first_value_stays(server: &TestServer) {
        let token = server.token(DEVICE);
        let id = record_id(3);
        let stamp = hlc(now_ms(), 0, DEVICE);
        // The log is unique on (record, field, stamp): a device never issues a
        // stamp twice, so a second write with the same one is a re-send.
        let (_, body) = server.sync(
            &token,
            &push_body(vec![
                change(&id, "title", json!("b"), &stamp),
                change(&id, "title", json!("a"), &stamp),
            ]),
        );
        assert_eq!(
            (body["accepted"].as_u64(), body["ignored"].as_u64()),
            (Some(1), Some(1))
        );
        assert_eq!(body["changes"][0]["value"], "b");
    }
}

#[test]
fn invalid_change_refuses_the_whole_batch_naming_its_index() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let t = now_ms();
    let batch = push_body(vec![
        change(&record_id(1), "title", json!("Fine"), &hlc(t, 0, DEVICE)),
        change(&record_id(1), "impact", json!(9), &hlc(t, 1, DEVICE)),
        json!({ "collection": "incidents", "id": record_id(1), "field": "title" }),
        json!({ "collection": "spaceships", "id": record_id(1), "field": "x", "value": 1, "hlc": hlc(t, 2, DEVICE) }),
        change(
            &record_id(1),
            "title",
            json!("Other"),
            &hlc(t, 3, "someone-else"),
        ),
    ]);
    let (status, body) = server.sync(&token, &batch);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&body), "invalid_changes");
    let details = body["error"]["details"].as_array().expect("details");
    let found: Vec<(u64, &str)> = details
        .iter()
        .map(|d| {
            (
                d["index"].as_u64().expect("index"),
                d["code"].as_str().expect("code"),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (1, "out_of_range"),
            (2, "malformed_change"),
            (3, "unknown_collection"),
            (4, "wrong_node")
        ]
    );
    assert_eq!(details[0]["field"], "impact");
    assert!(
        details
            .iter()
            .all(|d| d["message"].as_str().is_some_and(|m| !m.is_empty()))
    );

    let pulled = pull(&server, &token, DEVICE, &Value::Null, 100);
    assert_eq!(pulled["changes"], json!([]), "nothing was stored");
}

#[test]
fn clock_ahead_is_409_with_server_time_and_how_far_in_words() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let ahead = (2 * 3600 + 14 * 60 + 30) * 1000;
    let t = now_ms() + ahead;
    let (status, body) = server.sync(
        &token,
        &push_body(vec![change(
            &record_id(1),
            "title",
            json!("Future"),
            &hlc(t, 0, DEVICE),
        )]),
    );
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(code(&body), "clock_ahead");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(message.contains("2 h 14 min ahead"), "{message}");
    let server_time = body["error"]["server_time"].as_str().expect("server_time");
    assert!(outpost_model::time::parse_rfc3339_ms(server_time).is_some());
    let pulled = pull(&server, &token, DEVICE, &Value::Null, 100);
    assert_eq!(pulled["changes"], json!([]));
}

#[test]
fn a_clock_a_little_ahead_is_accepted() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let t = now_ms() + 30_000;
    let (status, body) = server.sync(
        &token,
        &push_body(vec![change(
            &record_id(1),
            "title",
            json!("Soon"),
            &hlc(t, 0, DEVICE),
        )]),
    );
    assert_eq!(status, StatusCode::OK, "{body}");
}

on_both_stores! {
    fn remaining_counts_changes_pushed_between_pages(server: &TestServer) {
        let token = server.token(DEVICE);
        let t = now_ms();
        let push = |from: u32, to: u32| {
            let batch = (from..to)
                .map(|n| change(&record_id(n), "title", json!("x"), &hlc(t, n, DEVICE)))
                .collect();
            assert_eq!(server.sync(&token, &push_body(batch)).0, StatusCode::OK);
        };
        push(0, 23);
        let first = pull(server, &token, DEVICE, &Value::Null, 5);
        assert_eq!(first["remaining"], json!(18));
        let second = pull(server, &token, DEVICE, &first["cursor"], 5);
        assert_eq!(second["remaining"], json!(13));
        // Another device starting over is counted from its own place.
        let other = pull(server, &token, DEVICE, &Value::Null, 3);
        assert_eq!(other["remaining"], json!(20));
        // Four new records land between two pages: they are still to come.
        push(23, 27);
        let third = pull(server, &token, DEVICE, &second["cursor"], 5);
        assert_eq!(third["remaining"], json!(12));
        let fourth = pull(server, &token, DEVICE, &third["cursor"], 5);
        assert_eq!(fourth["remaining"], json!(7));
    }
}

#[test]
fn cursor_that_is_not_a_number_is_400_bad_cursor() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    for cursor in [json!("abc"), json!("-1"), json!(""), json!(12), json!({})] {
        let (status, body) = server.sync(
            &token,
            &json!({ "device_id": DEVICE, "cursor": cursor, "changes": [] }),
        );
        assert_eq!(status, StatusCode::BAD_REQUEST, "cursor {cursor}");
        assert_eq!(code(&body), "bad_cursor");
    }
}

#[test]
fn limit_outside_1_to_20000_is_refused_with_a_clear_message() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    for limit in [json!(0), json!(20_001), json!(-3), json!("ten")] {
        let (status, body) = server.sync(
            &token,
            &json!({ "device_id": DEVICE, "cursor": null, "limit": limit }),
        );
        assert_eq!(status, StatusCode::BAD_REQUEST, "limit {limit}");
        assert_eq!(code(&body), "bad_limit");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("20000"))
        );
    }
}

#[test]
fn more_than_5000_changes_in_one_push_is_413_too_many_changes() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let t = now_ms();
    let one = change(&record_id(1), "title", json!("x"), &hlc(t, 0, DEVICE));
    let (status, body) = server.sync(&token, &push_body(vec![one; 5001]));
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code(&body), "too_many_changes");
}

on_both_stores! {
    /// A push is acknowledged after its commit, so the commit must wait for
    /// the disk: the setting behind that, as the store's own connection
    /// (inside a push's transaction, on PostgreSQL) reports it.
    fn pushes_commit_with_the_durable_setting(server: &TestServer) {
        let setting = server.state.commit_durability().expect("read the setting");
        let expected = match server.store {
            StoreKind::Sqlite => "synchronous=full",
            StoreKind::Postgres => "synchronous_commit=on",
        };
        assert_eq!(setting, expected);
    }
}
