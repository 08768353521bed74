//! `outpost-server demo-data`: a year of valid records that a tablet pulls
//! like any other changes.

use std::collections::BTreeMap;
use std::process::Command;

use outpost_model::{Change, schema};
use outpost_sync_server::demo::{self, DemoOptions};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    durability::{BIN, user_add},
    support::{DEVICE, TestServer, now_ms},
};

#[test]
fn demo_data_validates_and_a_tablet_pulls_every_record() {
    let server = TestServer::start();
    let options = DemoOptions {
        incidents: 200,
        seed: 42,
        now_ms: now_ms(),
    };
    let people = server.state.users().expect("users");
    let (changes, summary) = demo::generate(&options, &people);
    assert_eq!(summary.incidents, 200);
    assert!(summary.events > 600, "realistic timelines: {summary:?}");
    assert!(summary.actions > 0 && summary.problems > 0, "{summary:?}");
    for change in &changes {
        assert!(
            schema::validate(change).is_ok(),
            "invalid demo change {change:?}"
        );
        assert!(
            change.hlc.wall_ms <= options.now_ms,
            "stamped in the future: {change:?}"
        );
    }
    let mut progress = Vec::new();
    let outcome = demo::write(&server.state, &changes, |done, total| {
        progress.push((done, total))
    })
    .expect("write the demo data");
    assert_eq!(outcome.accepted as usize, changes.len());
    assert_eq!(progress.last(), Some(&(changes.len(), changes.len())));

    // What each field should hold: the last write of it.
    let mut want: BTreeMap<(String, String, String), Value> = BTreeMap::new();
    for Change {
        collection,
        id,
        field,
        value,
        ..
    } in changes
    {
        want.insert((collection, id, field), value);
    }
    let token = server.token(DEVICE);
    let mut got = BTreeMap::new();
    let mut cursor = Value::Null;
    loop {
        let body = json!({ "device_id": DEVICE, "cursor": cursor, "changes": [], "limit": 5000 });
        let (status, answer) = server.sync(&token, &body);
        assert_eq!(status, StatusCode::OK, "{answer}");
        for c in answer["changes"].as_array().expect("changes") {
            let key = |k: &str| c[k].as_str().expect("text").to_owned();
            got.insert(
                (key("collection"), key("id"), key("field")),
                c["value"].clone(),
            );
        }
        cursor = answer["cursor"].clone();
        if answer["more"] != json!(true) {
            break;
        }
    }
    assert_eq!(got.len(), want.len());
    assert!(got == want, "the pulled values differ from the demo data");
    let incidents = got
        .keys()
        .filter(|k| k.0 == "incidents" && k.2 == "title")
        .count();
    assert_eq!(incidents, 200);
}

#[test]
fn demo_data_command_reports_progress() {
    let data = tempfile::tempdir().expect("data directory");
    assert!(
        user_add(data.path(), "ben", "a long password")
            .status
            .success()
    );
    let output = Command::new(BIN)
        .args(["demo-data", "--incidents", "30", "--seed", "5", "--data"])
        .arg(data.path())
        .output()
        .expect("run demo-data");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("made 30 incidents"), "{stderr}");
    assert!(stderr.contains("written "), "{stderr}");
    assert!(stdout.contains("demo data written"), "{stdout}");
}
