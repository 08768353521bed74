//! The schema: which collections exist, which fields they have, and which
//! values each field accepts. Declared once here; the app builds its forms from
//! it and the server validates every pushed change against it.
//!
//! Evolution is additive: fields and collections may be added, never renamed or
//! retyped (DESIGN §3).

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
}

pub const KINDS: &[&str] = &["incident", "service_request"];

pub const STATUSES: &[&str] = &[
    "new",
    "acknowledged",
    "in_progress",
    "on_hold",
    "resolved",
    "closed",
    "cancelled",
];

pub const CATEGORIES: &[&str] = &[
    "injury",
    "near_miss",
    "property_damage",
    "environmental",
    "security",
    "equipment_failure",
    "it_outage",
    "service_request",
    "other",
];

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
        other => other,
    }
}

const fn text(name: &'static str, max: usize) -> Field {
    Field {
        name,
        kind: FieldKind::Text {
            max,
            required: false,
        },
    }
}

const fn field(name: &'static str, kind: FieldKind) -> Field {
    Field { name, kind }
}

const LEVEL: FieldKind = FieldKind::Int { min: 1, max: 3 };

pub const INCIDENTS: Collection = Collection {
    name: "incidents",
    fields: &[
        field("kind", FieldKind::Code(KINDS)),
        field(
            "title",
            FieldKind::Text {
                max: 200,
                required: true,
            },
        ),
        text("description", 10_000),
        field("category", FieldKind::Code(CATEGORIES)),
        field("site", FieldKind::Ref),
        field("occurred_at", FieldKind::Time),
        field("reported_by", FieldKind::Ref),
        field("impact", LEVEL),
        field("urgency", LEVEL),
        field("status", FieldKind::Code(STATUSES)),
        field("deleted", FieldKind::Bool),
    ],
};

pub const SITES: Collection = Collection {
    name: "sites",
    fields: &[
        field(
            "name",
            FieldKind::Text {
                max: 120,
                required: true,
            },
        ),
        text("region", 120),
        text("notes", 2_000),
        field("deleted", FieldKind::Bool),
    ],
};

pub const COLLECTIONS: &[Collection] = &[INCIDENTS, SITES];

pub fn collection(name: &str) -> Option<&'static Collection> {
    COLLECTIONS.iter().find(|c| c.name == name)
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

/// Checks a value for one field; the app uses this for its forms too.
pub fn validate_value(field: &Field, value: &Value) -> Result<(), ValidationError> {
    let name = field.name.to_owned();
    match field.kind {
        FieldKind::Text { max, required } => {
            let s = value.as_str().ok_or_else(|| ValidationError::BadValue {
                field: name.clone(),
                expected: "text",
            })?;
            if required && s.trim().is_empty() {
                return Err(ValidationError::Empty { field: name });
            }
            if s.chars().count() > max {
                return Err(ValidationError::TooLong { field: name, max });
            }
        }
        FieldKind::Code(choices) => {
            if !value.as_str().is_some_and(|s| choices.contains(&s)) {
                return Err(ValidationError::NotAChoice {
                    field: name,
                    choices: format!("one of {}", choices.join(", ")),
                });
            }
        }
        FieldKind::Int { min, max } => match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => {}
            Some(_) => {
                return Err(ValidationError::OutOfRange {
                    field: name,
                    min,
                    max,
                });
            }
            None => {
                return Err(ValidationError::BadValue {
                    field: name,
                    expected: "a whole number",
                });
            }
        },
        FieldKind::Bool => {
            if !value.is_boolean() {
                return Err(ValidationError::BadValue {
                    field: name,
                    expected: "true or false",
                });
            }
        }
        FieldKind::Ref => {
            let ok = value.is_null()
                || value
                    .as_str()
                    .is_some_and(|s| s.len() <= MAX_NAME_LEN && uuid::Uuid::parse_str(s).is_ok());
            if !ok {
                return Err(ValidationError::BadValue {
                    field: name,
                    expected: "the id of a record, or null",
                });
            }
        }
        FieldKind::Time => {
            let ok = value.is_null()
                || value
                    .as_str()
                    .is_some_and(|s| crate::time::parse_rfc3339_ms(s).is_some());
            if !ok {
                return Err(ValidationError::BadValue {
                    field: name,
                    expected: "an RFC 3339 time such as 2026-11-26T21:38:04.123Z, or null",
                });
            }
        }
    }
    Ok(())
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

    fn change(field: &str, value: Value) -> Change {
        Change {
            collection: "incidents".into(),
            id: ID.into(),
            field: field.into(),
            value,
            hlc: Hlc::new(1, 0, "n").unwrap(),
        }
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
    }
}
