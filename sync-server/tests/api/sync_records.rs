//! Pulling with `format: "records"`: the same changes, in the same pages,
//! grouped by record; a format the server does not know is refused.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{DEVICE, TestServer, change, code, hlc, now_ms, push_body, record_id};

/// Every change of a whole pull, page by page, as (id, field, value, hlc),
/// whichever shape the pages came in; and each page's cursor.
fn pull_all(server: &TestServer, token: &str, format: Value) -> (Vec<Value>, Vec<Value>) {
    let (mut changes, mut cursors) = (Vec::new(), Vec::new());
    let mut cursor = Value::Null;
    loop {
        let (status, body) = server.sync(
            token,
            &json!({ "device_id": "tablet-2", "cursor": cursor, "limit": 4, "format": format }),
        );
        assert_eq!(status, StatusCode::OK, "{body}");
        for c in body["changes"].as_array().expect("changes") {
            changes.push(json!([c["id"], c["field"], c["value"], c["hlc"]]));
        }
        for r in body["records"].as_array().unwrap_or(&Vec::new()) {
            assert_eq!(r["collection"], "incidents");
            for (field, pair) in r["fields"].as_object().expect("fields") {
                changes.push(json!([r["id"], field, pair[0], pair[1]]));
            }
        }
        cursor = body["cursor"].clone();
        cursors.push(cursor.clone());
        if body["more"] != true {
            return (changes, cursors);
        }
    }
}

fn sorted(mut v: Vec<Value>) -> Vec<Value> {
    v.sort_by_key(|c| c.to_string());
    v
}

#[test]
fn records_hold_the_same_changes_in_the_same_pages_as_changes() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let t = now_ms();
    let mut pushed = Vec::new();
    for n in 0..3 {
        let id = record_id(n);
        pushed.push(change(
            &id,
            "title",
            json!(format!("incident {n}")),
            &hlc(t, 3 * n, DEVICE),
        ));
        pushed.push(change(
            &id,
            "impact",
            json!(n + 1),
            &hlc(t, 3 * n + 1, DEVICE),
        ));
        pushed.push(change(
            &id,
            "description",
            json!("a \"quoted\" line"),
            &hlc(t, 3 * n + 2, DEVICE),
        ));
    }
    let (status, body) = server.sync(&token, &push_body(pushed));
    assert_eq!(status, StatusCode::OK, "{body}");

    let other = server.token("tablet-2");
    let (plain, plain_cursors) = pull_all(&server, &other, Value::Null);
    let (grouped, grouped_cursors) = pull_all(&server, &other, json!("records"));
    assert_eq!(plain.len(), 9);
    assert_eq!(sorted(grouped), sorted(plain));
    assert_eq!(
        grouped_cursors, plain_cursors,
        "pages end at the same changes"
    );
    assert_eq!(grouped_cursors.len(), 3, "9 changes in pages of 4");

    // A record whose fields straddle two pages is in both, once each.
    let (_, first) = server.sync(
        &other,
        &json!({ "device_id": "tablet-2", "cursor": null, "limit": 4, "format": "records" }),
    );
    assert_eq!(first["changes"], json!([]));
    let records = first["records"].as_array().expect("records");
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["id"], record_id(0));
    assert_eq!(records[0]["fields"].as_object().map(|f| f.len()), Some(3));
    assert_eq!(records[1]["fields"].as_object().map(|f| f.len()), Some(1));
}

#[test]
fn an_unknown_format_is_400_bad_format_and_stores_nothing() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let one = change(
        &record_id(1),
        "title",
        json!("x"),
        &hlc(now_ms(), 0, DEVICE),
    );
    for format in [json!("xml"), json!(2), json!({"records": true})] {
        let mut body = push_body(vec![one.clone()]);
        body["format"] = format.clone();
        let (status, answer) = server.sync(&token, &body);
        assert_eq!(status, StatusCode::BAD_REQUEST, "format {format}");
        assert_eq!(code(&answer), "bad_format");
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("records"))
        );
    }
    let (status, body) = server.sync(
        &token,
        &json!({ "device_id": DEVICE, "cursor": null, "format": "records" }),
    );
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("records").is_none(), "nothing was stored: {body}");
    assert_eq!(body["changes"], json!([]));
}
