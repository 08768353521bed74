//! The incident page's smaller forms as writes: typed-in positions, tags,
//! record details, the review, new actions and new problems all produce
//! values the schema accepts, and refuse nonsense in words.

use outpost_app::components::action_items::new_action_writes;
use outpost_app::components::location::{in_words, typed_location};
use outpost_app::components::record_details::{Details, parse_tags};
use outpost_app::components::review::review_writes;
use outpost_app::pages::problems::new_problem_writes;
use outpost_client::edits::{Write, stamp};
use outpost_client::storage::StoredRecord;
use outpost_model::{Clock, schema};
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const INCIDENT: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";
const OTHER: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c02";

fn all_valid(writes: Vec<Write>) {
    let mut clock = Clock::new("dev-a").unwrap();
    for change in stamp(writes, || clock.now(1_000)) {
        assert_eq!(
            schema::validate(&change),
            Ok(()),
            "{} {}",
            change.collection,
            change.field
        );
    }
}

#[wasm_bindgen_test]
fn a_typed_position_is_checked_and_shown_in_words() {
    assert_eq!(
        typed_location("54.5", "-1.25"),
        Ok(json!({"lat": 54.5, "lon": -1.25}))
    );
    assert!(
        typed_location("91", "0")
            .unwrap_err()
            .contains("between -90 and 90")
    );
    assert!(typed_location("north", "0").unwrap_err().contains("number"));
    assert_eq!(
        in_words(54.5, -1.25, Some(12.4)),
        "54.50000° N, 1.25000° W, within about 12 m"
    );
    assert_eq!(
        in_words(-33.9, 18.4, None),
        "33.90000° S, 18.40000° E, typed in by hand"
    );
    let value = typed_location("54.5", "-1.25").unwrap();
    all_valid(vec![Write::new(
        &schema::INCIDENTS,
        INCIDENT,
        "location",
        value,
    )]);
}

#[wasm_bindgen_test]
fn tags_are_trimmed_and_distinct_and_details_write_only_what_changed() {
    assert_eq!(
        parse_tags(" pump, night shift,,Pump "),
        ["pump", "night shift"]
    );
    let before = Details {
        kind: "incident".into(),
        ..Details::default()
    };
    let after = Details {
        kind: "service_request".into(),
        tags: "pump, valve".into(),
        recordable: true,
        ..before.clone()
    };
    let writes = after.writes(&before, INCIDENT).unwrap();
    let fields: Vec<_> = writes.iter().map(|w| w.field).collect();
    assert_eq!(fields, ["kind", "tags", "recordable"]);
    all_valid(writes);
    let bad = Details {
        occurred_at: "yesterday".into(),
        ..before.clone()
    };
    assert!(bad.writes(&before, INCIDENT).is_err());
}

#[wasm_bindgen_test]
fn the_review_writes_only_changed_fields() {
    let incident = StoredRecord::new("incidents", INCIDENT);
    let writes = review_writes(
        &incident,
        &[
            ("root_cause", "Worn seal".into()),
            ("lessons_learned", String::new()),
            ("review_status", "complete".into()),
        ],
    );
    let fields: Vec<_> = writes.iter().map(|w| w.field).collect();
    assert_eq!(fields, ["root_cause", "review_status"]);
    all_valid(writes);
}

#[wasm_bindgen_test]
fn new_actions_and_problems_are_valid_records() {
    all_valid(new_action_writes(
        OTHER,
        INCIDENT,
        " Replace the seal ",
        Some(INCIDENT),
        Some(1_795_729_084_123),
    ));
    all_valid(new_action_writes(OTHER, INCIDENT, "Check", None, None));
    let writes = new_problem_writes(OTHER, "Gate forced", "", &[INCIDENT.to_owned()]);
    assert!(
        writes
            .iter()
            .any(|w| w.collection == "incidents" && w.field == "problem_id")
    );
    all_valid(writes);
}
