//! `GET /metrics`: Prometheus text an operator can scrape.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{DEVICE, TestServer, change, hlc, now_ms, record_id};

fn metrics(server: &TestServer) -> String {
    let response = server
        .client
        .get(server.url("/metrics"))
        .send()
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    response.text().expect("text")
}

/// The value of the first sample line starting with `series`.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
}

#[test]
fn metrics_count_requests_by_route_template_changes_devices_and_database_size() {
    let server = TestServer::start();
    let token = server.token(DEVICE);
    let id = record_id(1);
    let t = now_ms();
    let batch = json!({"device_id": DEVICE, "cursor": null, "changes": [
        change(&id, "title", json!("Leak"), &hlc(t, 0, DEVICE)),
    ]});
    assert_eq!(server.sync(&token, &batch).0, StatusCode::OK);
    assert_eq!(server.sync(&token, &batch).0, StatusCode::OK);
    let (status, _) = server.get(&token, &format!("/api/v1/records/incidents/{id}/history"));
    assert_eq!(status, StatusCode::OK);

    let text = metrics(&server);
    assert_eq!(
        sample(
            &text,
            r#"outpost_http_requests_total{route="/api/v1/sync",method="POST",status="200"}"#
        ),
        2.0
    );
    // The template, not the path with the record id in it.
    assert!(
        text.contains(r#"route="/api/v1/records/{collection}/{id}/history""#),
        "{text}"
    );
    assert!(!text.contains(&id), "{text}");
    assert_eq!(
        sample(
            &text,
            r#"outpost_http_request_duration_seconds_count{route="/api/v1/sync"}"#
        ),
        2.0
    );
    assert_eq!(
        sample(&text, r#"outpost_changes_total{outcome="accepted"}"#),
        1.0
    );
    assert_eq!(
        sample(&text, r#"outpost_changes_total{outcome="ignored"}"#),
        1.0
    );
    assert_eq!(
        sample(&text, r#"outpost_changes_total{outcome="refused"}"#),
        0.0
    );
    assert_eq!(sample(&text, "outpost_connected_devices"), 1.0);
    assert!(sample(&text, "outpost_database_size_bytes") > 0.0);
}
