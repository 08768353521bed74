//! The audit trail of one record.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{
    DEVICE, TestServer, USER, change, code, hlc, now_ms, on_both_stores, push_body, record_id,
};

on_both_stores! {
    fn history_lists_every_change_in_clock_order_marking_the_current_ones(server: &TestServer) {
        let token = server.token(DEVICE);
        let t = now_ms() - 10_000;
        let id = record_id(42);
        // Pushed out of clock order, in two batches, from two devices.
        let (status, _) = server.sync(
            &token,
            &push_body(vec![
                change(&id, "status", json!("resolved"), &hlc(t + 300, 0, DEVICE)),
                change(&id, "title", json!("Gas smell"), &hlc(t, 0, DEVICE)),
            ]),
        );
        assert_eq!(status, StatusCode::OK);
        let other = server.token("tablet-2");
        let (status, _) = server.sync(
            &other,
            &json!({ "device_id": "tablet-2", "cursor": null, "changes": [
                change(&id, "status", json!("in_progress"), &hlc(t + 100, 0, "tablet-2")),
            ]}),
        );
        assert_eq!(status, StatusCode::OK);

        let (status, body) = server.get(&token, &format!("/api/v1/records/incidents/{id}/history"));
        assert_eq!(status, StatusCode::OK);
        let entries = body["changes"].as_array().expect("changes");
        let summary: Vec<(&str, &str, bool)> = entries
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().expect("field"),
                    e["device"].as_str().expect("device"),
                    e["current"].as_bool().expect("current"),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("title", DEVICE, true),
                ("status", "tablet-2", false),
                ("status", DEVICE, true)
            ]
        );
        assert!(
            entries
                .iter()
                .all(|e| e["received_at"].as_str().is_some_and(|s| s.ends_with('Z')))
        );
        let (_, users) = server.get(&token, "/api/v1/users");
        assert_eq!(users["users"][0]["name"], USER);
        assert!(entries.iter().all(|e| e["user"] == users["users"][0]["id"]));
        assert_eq!(entries[2]["hlc"], hlc(t + 300, 0, DEVICE));
        assert_eq!(entries[2]["value"], "resolved");
    }
}

#[test]
fn history_of_an_unknown_collection_is_404() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let (status, body) = server.get(
        &token,
        &format!("/api/v1/records/spaceships/{}/history", record_id(1)),
    );
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code(&body), "unknown_collection");
}

on_both_stores! {
    fn history_of_a_record_never_seen_is_404_not_found(server: &TestServer) {
        let token = server.token(DEVICE);
        let (status, body) = server.get(
            &token,
            &format!("/api/v1/records/incidents/{}/history", record_id(1)),
        );
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(code(&body), "not_found");
    }
}

#[test]
fn history_needs_a_signed_in_user() {
    let server = TestServer::start();
    let (status, body) = server.get(
        "nope",
        &format!("/api/v1/records/incidents/{}/history", record_id(1)),
    );
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&body), "unauthorized");
}
