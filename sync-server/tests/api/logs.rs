//! `--log-format json`: one JSON object per line, each request's lines
//! carrying its request id.

use reqwest::blocking::Client;
use serde_json::Value;

use crate::durability::Running;

#[test]
fn json_logs_are_one_object_per_line_with_the_request_id() {
    let data = tempfile::tempdir().expect("data dir");
    let server = Running::start_with(data.path(), &["--log-format", "json"], "info");
    let response = Client::new()
        .get(format!("{}/healthz", server.base))
        .header("x-request-id", "find-me-7")
        .send()
        .expect("request");
    assert!(response.status().is_success());
    let line = server.wait_for_log("find-me-7");
    let entry: Value = serde_json::from_str(&line).expect("a JSON log line");
    assert_eq!(entry["span"]["request_id"], "find-me-7", "{entry}");
    assert_eq!(entry["span"]["path"], "/healthz", "{entry}");
    assert!(entry["level"].is_string(), "{entry}");
}
