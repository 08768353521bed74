//! *Download unsent changes* and *Import changes*: the file round-trips, a
//! valid file becomes writes to stamp anew, and a file with one invalid
//! change or of another kind is refused whole, in words.

use outpost_client::storage::{FailedChange, OutboxEntry};
use outpost_client::transfer::{ChangesFile, ImportError, import};
use serde_json::json;

use outpost_client::testing::*;

fn file(changes: Vec<outpost_model::Change>, refused: Vec<FailedChange>) -> String {
    let outbox = changes
        .into_iter()
        .enumerate()
        .map(|(i, change)| OutboxEntry {
            seq: i as u64 + 1,
            change,
        })
        .collect();
    let f = ChangesFile::new("dev-a", "2026-11-26T21:38:04.123Z".into(), outbox, refused);
    serde_json::to_string(&f).unwrap()
}

#[test]
fn a_downloaded_file_imports_as_the_same_values_in_order() {
    let text = file(
        vec![
            change(INCIDENT, "title", json!("Pump 3 leaking"), 1_000, "dev-a"),
            change(INCIDENT, "impact", json!(1), 1_001, "dev-a"),
        ],
        vec![FailedChange {
            change: change(INCIDENT, "urgency", json!(2), 1_002, "dev-a"),
            reason: "ask a manager".into(),
            server: None,
        }],
    );
    let writes = import(&text).unwrap();
    let got: Vec<(&str, serde_json::Value)> =
        writes.iter().map(|w| (w.field, w.value.clone())).collect();
    assert_eq!(
        got,
        vec![
            ("title", json!("Pump 3 leaking")),
            ("impact", json!(1)),
            ("urgency", json!(2))
        ]
    );
    assert!(
        writes
            .iter()
            .all(|w| w.collection == "incidents" && w.id == INCIDENT)
    );
}

#[test]
fn one_invalid_change_refuses_the_whole_file_naming_it() {
    let text = file(
        vec![
            change(INCIDENT, "title", json!("fine"), 1_000, "dev-a"),
            change(INCIDENT, "impact", json!(9), 1_001, "dev-a"),
        ],
        vec![],
    );
    match import(&text) {
        Err(ImportError::Invalid(problems)) => {
            assert_eq!(problems.len(), 1);
            assert!(
                problems[0].starts_with("Change 2 (incidents impact)"),
                "{problems:?}"
            );
        }
        other => panic!("expected the file to be refused, got {other:?}"),
    }
}

#[test]
fn other_json_is_not_taken_for_changes() {
    let err = import(r#"{"hello": "world"}"#).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("This is not a file of Outpost changes")
    );
    let err =
        import(&file(vec![], vec![]).replace("outpost-changes", "something-else")).unwrap_err();
    assert!(matches!(err, ImportError::NotOurs(_)));
}
