//! The schema: which collections exist, which fields they have, and which
//! values each field accepts. Declared once here; the app builds its forms from
//! it and the server validates every pushed change against it.
//!
//! Evolution is additive: fields and collections may be added, never renamed or
//! retyped (docs/protocol.md). The collections themselves are in `collections.rs`, the
//! per-kind value checks in `value.rs`.

mod collections;
mod value;

pub use collections::*;
pub use value::validate_value;

use serde_json::Value;

use crate::Change;

/// Longest collection, record id or field name accepted on the wire.
pub const MAX_NAME_LEN: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A string of at most `max` characters; `required` refuses the empty string.
    Text {
        max: usize,
        required: bool,
    },
    /// One of the listed snake_case codes.
    Code(&'static [&'static str]),
    /// An integer in `min..=max`.
    Int {
        min: i64,
        max: i64,
    },
    Bool,
    /// The id of another record (a UUID), or null when unset.
    Ref,
    /// An RFC 3339 UTC time, or null when unset.
    Time,
    /// A list of at most `max_items` distinct, non-blank strings of at most
    /// `max_len` characters each (`["pump", "night shift"]`), or null when unset.
    Tags {
        max_items: usize,
        max_len: usize,
    },
    /// A place on Earth, `{"lat", "lon", "accuracy_m"}`, or null when unset.
    /// Latitude is -90 to 90, longitude -180 to 180 (degrees, WGS 84);
    /// `accuracy_m` is metres ≥ 0, or absent / null for a position typed in by
    /// hand. No other keys are accepted.
    Location,
    /// A JSON object whose compact text is at most `max_bytes` bytes, or null.
    Json {
        max_bytes: usize,
    },
    /// A SHA-256 digest as 64 lowercase hexadecimal digits (attachments are
    /// content-addressed by it).
    Sha256,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collection {
    pub name: &'static str,
    pub fields: &'static [Field],
}

impl Collection {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Whether records of this collection are written once and never edited
    /// (the `events` timeline). A store should refuse a change to a field of
    /// such a record that already holds a different value, so the history of
    /// an incident can never be merged away.
    pub fn is_insert_only(&self) -> bool {
        INSERT_ONLY.contains(&self.name)
    }
}

pub fn collection(name: &str) -> Option<&'static Collection> {
    COLLECTIONS.iter().find(|c| c.name == name)
}

/// Words a person reads for a code, one vocabulary everywhere.
pub fn label(code: &str) -> &str {
    match code {
        "incident" => "Incident",
        "service_request" => "Service request",
        "new" => "New",
        "acknowledged" => "Acknowledged",
        "in_progress" => "In progress",
        "on_hold" => "On hold",
        "resolved" => "Resolved",
        "closed" => "Closed",
        "cancelled" => "Cancelled",
        "injury" => "Injury",
        "near_miss" => "Near miss",
        "property_damage" => "Property damage",
        "environmental" => "Environmental",
        "security" => "Security",
        "equipment_failure" => "Equipment failure",
        "it_outage" => "IT / service outage",
        "other" => "Other",
        // Review statuses.
        "not_started" => "Not started",
        "complete" => "Complete",
        // Event kinds.
        "created" => "Created",
        "status" => "Status change",
        "assigned" => "Assignment",
        "priority" => "Priority change",
        "note" => "Internal note",
        "requestor_update" => "Requestor update",
        "attachment" => "Attachment",
        "review" => "Review",
        // Action and problem statuses.
        "open" => "Open",
        "done" => "Done",
        "known_error" => "Known error",
        // Regulator log outcomes and injury or illness types.
        "death" => "Death",
        "days_away" => "Days away from work",
        "restricted" => "Job transfer or restriction",
        "other_recordable" => "Other recordable case",
        "skin_disorder" => "Skin disorder",
        "respiratory_condition" => "Respiratory condition",
        "poisoning" => "Poisoning",
        "hearing_loss" => "Hearing loss",
        "other_illness" => "All other illnesses",
        other => other,
    }
}

/// Why one change was refused. `code` is stable snake_case for programs;
/// the `Display` text is for a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("there is no collection called {0:?}")]
    UnknownCollection(String),
    #[error("{collection} has no field called {field:?}")]
    UnknownField { collection: String, field: String },
    #[error("record id {0:?} is not a UUID")]
    BadId(String),
    #[error("{field} must be {expected}")]
    BadValue {
        field: String,
        expected: &'static str,
    },
    #[error("{field} must be {choices}")]
    NotAChoice { field: String, choices: String },
    #[error("{field} must be at most {max} characters")]
    TooLong { field: String, max: usize },
    #[error("{field} must not be empty")]
    Empty { field: String },
    #[error("{field} must be between {min} and {max}")]
    OutOfRange { field: String, min: i64, max: i64 },
    #[error("{field} must have at most {max} items")]
    TooMany { field: String, max: usize },
    #[error("{field} must be at most {max} bytes of JSON")]
    TooLarge { field: String, max: usize },
    #[error("{collection} records cannot be changed once written")]
    InsertOnly { collection: String },
}

impl ValidationError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownCollection(_) => "unknown_collection",
            Self::UnknownField { .. } => "unknown_field",
            Self::BadId(_) => "bad_id",
            Self::BadValue { .. } | Self::NotAChoice { .. } => "bad_value",
            Self::TooLong { .. } => "too_long",
            Self::Empty { .. } => "empty",
            Self::OutOfRange { .. } => "out_of_range",
            Self::TooMany { .. } => "too_many",
            Self::TooLarge { .. } => "too_large",
            Self::InsertOnly { .. } => "insert_only",
        }
    }
}

/// Checks one change against the schema.
pub fn validate(change: &Change) -> Result<(), ValidationError> {
    let collection = collection(&change.collection)
        .ok_or_else(|| ValidationError::UnknownCollection(truncate(&change.collection)))?;
    if uuid::Uuid::parse_str(&change.id).is_err() || change.id.len() != 36 {
        return Err(ValidationError::BadId(truncate(&change.id)));
    }
    let field = collection
        .field(&change.field)
        .ok_or_else(|| ValidationError::UnknownField {
            collection: collection.name.to_owned(),
            field: truncate(&change.field),
        })?;
    validate_value(field, &change.value)
}

/// For an insert-only collection (`events`), whether `change` may land on a
/// field whose stored value is `current`: only when the field is unset or
/// already holds the same value (the same write sent again), so a timeline
/// entry can never be rewritten. Other collections always pass. A store calls
/// this with the current value, after [`validate`].
pub fn check_insert_only(change: &Change, current: Option<&Value>) -> Result<(), ValidationError> {
    let insert_only = collection(&change.collection).is_some_and(Collection::is_insert_only);
    match current {
        Some(value) if insert_only && *value != change.value => Err(ValidationError::InsertOnly {
            collection: truncate(&change.collection),
        }),
        _ => Ok(()),
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(MAX_NAME_LEN).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Hlc;
    use serde_json::json;

    const ID: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";

    fn change_in(collection: &str, field: &str, value: Value) -> Change {
        Change {
            collection: collection.into(),
            id: ID.into(),
            field: field.into(),
            value,
            hlc: Hlc::new(1, 0, "n").unwrap(),
        }
    }

    fn change(field: &str, value: Value) -> Change {
        change_in("incidents", field, value)
    }

    #[test]
    fn good_values_pass() {
        for (f, v) in [
            ("title", json!("Pump 3 leaking")),
            ("category", json!("near_miss")),
            ("impact", json!(1)),
            ("urgency", json!(3)),
            ("status", json!("in_progress")),
            ("deleted", json!(true)),
            ("site", json!(ID)),
            ("site", json!(null)),
            ("occurred_at", json!("2026-11-26T21:38:04.123Z")),
            ("status_reason", json!("")),
            ("assignee", json!(ID)),
            ("problem_id", json!(null)),
            ("tags", json!(["pump", "night shift"])),
            ("review_status", json!("complete")),
            ("recordable", json!(false)),
            (
                "location",
                json!({"lat": -33.9, "lon": 18.4, "accuracy_m": 12.5}),
            ),
        ] {
            assert_eq!(validate(&change(f, v.clone())), Ok(()), "{f} = {v}");
        }
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        let cases = [
            (change("impact", json!(4)), "out_of_range"),
            (change("impact", json!("high")), "bad_value"),
            (change("category", json!("fire")), "bad_value"),
            (change("title", json!("  ")), "empty"),
            (change("title", json!("x".repeat(201))), "too_long"),
            (change("deleted", json!("yes")), "bad_value"),
            (change("colour", json!("red")), "unknown_field"),
            (change("occurred_at", json!("yesterday")), "bad_value"),
            (change("review_status", json!("done")), "bad_value"),
            (change("recordable", json!(1)), "bad_value"),
            (
                change("location", json!({"lat": 91, "lon": 0})),
                "bad_value",
            ),
        ];
        for (c, code) in cases {
            let err = validate(&c).unwrap_err();
            assert_eq!(err.code(), code, "{} = {}: {err}", c.field, c.value);
        }
        let mut c = change("title", json!("t"));
        c.id = "42".into();
        assert_eq!(validate(&c).unwrap_err().code(), "bad_id");
        c.collection = "secrets".into();
        assert_eq!(validate(&c).unwrap_err().code(), "unknown_collection");
    }

    #[test]
    fn messages_read_as_sentences() {
        let err = validate(&change("impact", json!(9))).unwrap_err();
        assert_eq!(err.to_string(), "impact must be between 1 and 3");
        let err = validate(&change_in("events", "kind", json!("gossip"))).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("kind must be one of created, status"),
            "{err}"
        );
    }

    #[test]
    fn the_new_collections_accept_their_fields() {
        let sha = "ab".repeat(32);
        for (c, f, v) in [
            ("events", "incident_id", json!(ID)),
            ("events", "kind", json!("requestor_update")),
            ("events", "body", json!("We are on our way.")),
            (
                "events",
                "data",
                json!({"from": "new", "to": "acknowledged", "reason": null}),
            ),
            ("events", "author", json!(ID)),
            ("events", "at", json!("2026-11-26T21:38:04.123Z")),
            ("actions", "title", json!("Replace the seal")),
            ("actions", "status", json!("in_progress")),
            ("actions", "due", json!("2026-12-01T09:00:00.000Z")),
            ("attachments", "sha256", json!(sha)),
            ("attachments", "size", json!(734_003)),
            ("attachments", "mime", json!("image/jpeg")),
            ("problems", "status", json!("known_error")),
            ("problems", "workaround", json!("Use pump 2.")),
        ] {
            assert_eq!(
                validate(&change_in(c, f, v.clone())),
                Ok(()),
                "{c}.{f} = {v}"
            );
        }
    }

    #[test]
    fn only_events_are_insert_only() {
        let insert_only: Vec<_> = COLLECTIONS
            .iter()
            .filter(|c| c.is_insert_only())
            .map(|c| c.name)
            .collect();
        assert_eq!(insert_only, ["events"]);
    }

    #[test]
    fn an_event_field_is_written_once() {
        let body = change_in("events", "body", json!("Crew on site."));
        assert_eq!(check_insert_only(&body, None), Ok(()));
        assert_eq!(
            check_insert_only(&body, Some(&json!("Crew on site."))),
            Ok(())
        );
        let err = check_insert_only(&body, Some(&json!("Nobody came."))).unwrap_err();
        assert_eq!(err.code(), "insert_only");
        assert_eq!(
            err.to_string(),
            "events records cannot be changed once written"
        );
        let title = change("title", json!("New title"));
        assert_eq!(check_insert_only(&title, Some(&json!("Old title"))), Ok(()));
    }

    #[test]
    fn every_code_in_the_schema_has_words() {
        for c in COLLECTIONS {
            for f in c.fields {
                if let FieldKind::Code(codes) = f.kind {
                    for code in codes {
                        assert_ne!(label(code), *code, "{}.{} code {code}", c.name, f.name);
                    }
                }
            }
        }
    }
}
