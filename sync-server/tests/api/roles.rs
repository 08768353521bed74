//! Roles enforced by the server: what a reporter may not do is refused and
//! named, and the rest of the batch is stored.

use outpost_model::protocol::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{
    DEVICE, TestServer, change, hlc, now_ms, on_both_stores, push_body, record_id,
};

fn push(server: &TestServer, token: &str, device: &str, changes: Vec<Value>) -> Value {
    let (status, body) = server.sync(
        token,
        &json!({"device_id": device, "cursor": null, "changes": changes}),
    );
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn site(id: &str, field: &str, value: Value, stamp: &str) -> Value {
    json!({"collection": "sites", "id": id, "field": field, "value": value, "hlc": stamp})
}

on_both_stores! {
    fn a_reporter_creates_an_incident_and_edits_it_later(server: &TestServer) {
        let (ben, ben_id) = server.user_token("ben", Role::Reporter, "t-ben");
        let id = record_id(1);
        let t = now_ms();
        let body = push(
            server,
            &ben,
            "t-ben",
            vec![
                change(
                    &id,
                    "title",
                    json!("Forklift near miss"),
                    &hlc(t, 0, "t-ben"),
                ),
                change(&id, "reported_by", json!(ben_id), &hlc(t, 1, "t-ben")),
            ],
        );
        assert_eq!(body["accepted"], 2);
        assert!(body.get("refused").is_none(), "{body}");
        let body = push(
            server,
            &ben,
            "t-ben",
            vec![change(&id, "impact", json!(2), &hlc(t, 2, "t-ben"))],
        );
        assert_eq!(body["accepted"], 1);
    }
}

on_both_stores! {
    fn a_reporter_cannot_edit_someone_elses_incident_but_the_rest_of_the_batch_is_stored(server: &TestServer) {
        let admin = server.token(DEVICE);
        let (ben, ben_id) = server.user_token("ben", Role::Reporter, "t-ben");
        let (theirs, mine) = (record_id(1), record_id(2));
        let t = now_ms();
        let alice = server.state.find_user("alice").expect("alice");
        push(
            server,
            &admin,
            DEVICE,
            vec![
                change(&theirs, "title", json!("Spill"), &hlc(t, 0, DEVICE)),
                change(&theirs, "reported_by", json!(alice.id), &hlc(t, 1, DEVICE)),
            ],
        );
        let body = push(
            server,
            &ben,
            "t-ben",
            vec![
                change(&mine, "title", json!("Mine"), &hlc(t, 0, "t-ben")),
                change(&theirs, "title", json!("Hijacked"), &hlc(t, 1, "t-ben")),
                change(&mine, "reported_by", json!(ben_id), &hlc(t, 2, "t-ben")),
            ],
        );
        assert_eq!(body["accepted"], 2, "{body}");
        let refused = body["refused"].as_array().expect("refused list");
        assert_eq!(refused.len(), 1, "{body}");
        assert_eq!(refused[0]["index"], 1);
        assert_eq!(refused[0]["id"], theirs.as_str());
        assert_eq!(refused[0]["field"], "title");
        assert_eq!(refused[0]["code"], "forbidden");
        assert!(
            refused[0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("reported"))
        );
        // The refusal says what the server holds, for the tablet to put back.
        assert_eq!(refused[0]["server"]["field"]["value"], "Spill", "{body}");
        assert_eq!(
            refused[0]["server"]["field"]["hlc"],
            json!(hlc(t, 0, DEVICE)),
            "{body}"
        );
        // The refused change is nowhere: not current, not in the history.
        let (_, history) = server.get(
            &admin,
            &format!("/api/v1/records/incidents/{theirs}/history"),
        );
        assert!(!history.to_string().contains("Hijacked"), "{history}");
    }
}

on_both_stores! {
    fn a_refused_field_the_server_has_no_value_for_comes_back_as_none(server: &TestServer) {
        let admin = server.token(DEVICE);
        let (ben, _) = server.user_token("ben", Role::Reporter, "t-ben");
        let theirs = record_id(4);
        let t = now_ms();
        push(
            server,
            &admin,
            DEVICE,
            vec![change(&theirs, "title", json!("Spill"), &hlc(t, 0, DEVICE))],
        );
        let body = push(
            server,
            &ben,
            "t-ben",
            vec![change(&theirs, "urgency", json!(1), &hlc(t, 1, "t-ben"))],
        );
        let refused = body["refused"].as_array().expect("refused list");
        assert_eq!(refused.len(), 1, "{body}");
        assert_eq!(refused[0]["server"], json!({"field": null}), "{body}");
    }
}

on_both_stores! {
    fn a_reporter_cannot_name_someone_else_as_reporter(server: &TestServer) {
        let (ben, _) = server.user_token("ben", Role::Reporter, "t-ben");
        let alice = server.state.find_user("alice").expect("alice");
        let body = push(
            server,
            &ben,
            "t-ben",
            vec![change(
                &record_id(3),
                "reported_by",
                json!(alice.id),
                &hlc(now_ms(), 0, "t-ben"),
            )],
        );
        assert_eq!(body["accepted"], 0);
        assert_eq!(body["refused"][0]["code"], "forbidden");
    }
}

on_both_stores! {
    fn managers_edit_any_incident_and_site(server: &TestServer) {
        let (ben, ben_id) = server.user_token("ben", Role::Reporter, "t-ben");
        let (maria, _) = server.user_token("maria", Role::Manager, "t-m");
        let (incident, place) = (record_id(1), record_id(2));
        let t = now_ms();
        push(
            server,
            &ben,
            "t-ben",
            vec![
                change(&incident, "reported_by", json!(ben_id), &hlc(t, 0, "t-ben")),
                site(&place, "name", json!("North yard"), &hlc(t, 1, "t-ben")),
            ],
        );
        let body = push(
            server,
            &maria,
            "t-m",
            vec![
                change(
                    &incident,
                    "status",
                    json!("acknowledged"),
                    &hlc(t, 5, "t-m"),
                ),
                site(&place, "name", json!("North Yard"), &hlc(t, 6, "t-m")),
            ],
        );
        assert_eq!(body["accepted"], 2, "{body}");
    }
}

on_both_stores! {
    fn a_reporter_adds_a_site_but_cannot_rename_someone_elses(server: &TestServer) {
        let admin = server.token(DEVICE);
        let (ben, _) = server.user_token("ben", Role::Reporter, "t-ben");
        let (theirs, mine) = (record_id(1), record_id(2));
        let t = now_ms();
        push(
            server,
            &admin,
            DEVICE,
            vec![site(&theirs, "name", json!("Depot"), &hlc(t, 0, DEVICE))],
        );
        let body = push(
            server,
            &ben,
            "t-ben",
            vec![
                site(&mine, "name", json!("New pier"), &hlc(t, 1, "t-ben")),
                site(&theirs, "name", json!("Renamed"), &hlc(t, 2, "t-ben")),
            ],
        );
        assert_eq!(body["accepted"], 1, "{body}");
        assert_eq!(body["refused"][0]["index"], 1);
        let body = push(
            server,
            &ben,
            "t-ben",
            vec![site(&mine, "region", json!("East"), &hlc(t, 3, "t-ben"))],
        );
        assert_eq!(
            body["accepted"], 1,
            "a reporter finishes the site they added: {body}"
        );
    }
}

on_both_stores! {
    fn a_resent_batch_is_ignored_not_refused_after_its_record_exists(server: &TestServer) {
        let (ben, _) = server.user_token("ben", Role::Reporter, "t-ben");
        let place = record_id(4);
        let batch = vec![site(
            &place,
            "name",
            json!("Quarry"),
            &hlc(now_ms(), 0, "t-ben"),
        )];
        push(server, &ben, "t-ben", batch.clone());
        let again = push(server, &ben, "t-ben", batch);
        assert_eq!(again["ignored"], 1, "{again}");
        assert!(again.get("refused").is_none(), "{again}");
    }
}

#[test]
fn an_invalid_change_still_refuses_the_whole_batch_with_422() {
    let server = TestServer::start();
    let (ben, _) = server.user_token("ben", Role::Reporter, "t-ben");
    let t = now_ms();
    let (status, body) = server.sync(
        &ben,
        &json!({"device_id": "t-ben", "cursor": null, "changes": [
            change(&record_id(1), "title", json!("ok"), &hlc(t, 0, "t-ben")),
            change(&record_id(1), "impact", json!(9), &hlc(t, 1, "t-ben")),
        ]}),
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["index"], 1);
    let _ = push_body;
}
