//! The incident page's smaller forms as writes: typed-in positions, tags,
//! the review, new actions, new problems and hours worked all produce values
//! the schema accepts, and refuse nonsense in words.

use outpost_client::edits::Write;
use outpost_client::record_forms::{
    hours_writes, in_words, new_action_writes, new_problem_writes, parse_tags, review_writes,
    typed_location,
};
use outpost_client::storage::StoredRecord;
use outpost_client::testing::assert_valid_writes;
use outpost_model::{Change, Hlc, schema};
use serde_json::json;

const INCIDENT: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";
const OTHER: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c02";

#[test]
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
    assert_valid_writes(vec![Write::new(
        &schema::INCIDENTS,
        INCIDENT,
        "location",
        value,
    )]);
}

#[test]
fn tags_are_trimmed_and_distinct() {
    assert_eq!(
        parse_tags(" pump, night shift,,Pump "),
        ["pump", "night shift"]
    );
}

#[test]
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
    assert_valid_writes(writes);
}

#[test]
fn new_actions_and_problems_are_valid_records() {
    assert_valid_writes(new_action_writes(
        OTHER,
        INCIDENT,
        " Replace the seal ",
        Some(INCIDENT),
        Some(1_795_729_084_123),
    ));
    assert_valid_writes(new_action_writes(OTHER, INCIDENT, "Check", None, None));
    let writes = new_problem_writes(OTHER, "Gate forced", "", &[INCIDENT.to_owned()]);
    assert!(
        writes
            .iter()
            .any(|w| w.collection == "incidents" && w.field == "problem_id")
    );
    assert_valid_writes(writes);
}

#[test]
fn hours_worked_entries_write_a_site_hours_record_and_refuse_non_numbers() {
    let id = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c77";
    let site = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c78";
    let writes = hours_writes(id, site, 2026, 11, "40,000").expect("hours");
    let fields: Vec<(&str, serde_json::Value)> =
        writes.iter().map(|w| (w.field, w.value.clone())).collect();
    assert!(fields.contains(&("hours", serde_json::json!(40_000))));
    for w in &writes {
        let change = Change {
            collection: w.collection.to_owned(),
            id: w.id.clone(),
            field: w.field.to_owned(),
            value: w.value.clone(),
            hlc: Hlc::new(1, 0, "tablet").expect("stamp"),
        };
        assert_eq!(schema::validate(&change), Ok(()), "{}", w.field);
    }
    assert!(hours_writes(id, site, 2026, 11, "lots").is_err());
    assert!(hours_writes(id, "", 2026, 11, "10").is_err());
}
