//! The collections of the data model (docs/protocol.md) and their codes: incidents, the insert-only
//! events timeline, remediation actions, attachments, problems and sites.

use super::{Collection, Field, FieldKind};

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

/// Post-incident review progress; a P1 or P2 incident closes only at `complete`.
pub const REVIEW_STATUSES: &[&str] = &["not_started", "in_progress", "complete"];

/// What a timeline entry records. `note` is internal, `requestor_update` is what
/// the requestor was told (the update-cadence SLA counts these).
pub const EVENT_KINDS: &[&str] = &[
    "created",
    "status",
    "assigned",
    "priority",
    "note",
    "requestor_update",
    "attachment",
    "review",
];

/// How a recordable case ended, the four classification columns of an
/// OSHA 300-style log; the most serious outcome is the one recorded.
pub const OUTCOMES: &[&str] = &["death", "days_away", "restricted", "other_recordable"];

/// The injury or illness columns of an OSHA 300-style log.
pub const INJURY_TYPES: &[&str] = &[
    "injury",
    "skin_disorder",
    "respiratory_condition",
    "poisoning",
    "hearing_loss",
    "other_illness",
];

/// Days away or restricted are counted up to 180, as OSHA's log caps them.
pub const MAX_CASE_DAYS: i64 = 180;

pub const ACTION_STATUSES: &[&str] = &["open", "in_progress", "done", "cancelled"];

pub const PROBLEM_STATUSES: &[&str] = &["open", "known_error", "resolved", "closed"];

/// Collections whose records are written once and never edited.
pub const INSERT_ONLY: &[&str] = &["events"];

/// Longest free text of an incident, event or problem.
pub const LONG_TEXT: usize = 10_000;
/// Largest `data` of an event, as compact JSON.
pub const EVENT_DATA_MAX_BYTES: usize = 4_096;

const fn text(name: &'static str, max: usize) -> Field {
    Field {
        name,
        kind: FieldKind::Text {
            max,
            required: false,
        },
    }
}

const fn required(name: &'static str, max: usize) -> Field {
    Field {
        name,
        kind: FieldKind::Text {
            max,
            required: true,
        },
    }
}

const fn field(name: &'static str, kind: FieldKind) -> Field {
    Field { name, kind }
}

const LEVEL: FieldKind = FieldKind::Int { min: 1, max: 3 };
const CASE_DAYS: FieldKind = FieldKind::Int {
    min: 0,
    max: MAX_CASE_DAYS,
};

pub const INCIDENTS: Collection = Collection {
    name: "incidents",
    fields: &[
        field("kind", FieldKind::Code(KINDS)),
        required("title", 200),
        text("description", LONG_TEXT),
        field("category", FieldKind::Code(CATEGORIES)),
        field("site", FieldKind::Ref),
        field("occurred_at", FieldKind::Time),
        field("reported_by", FieldKind::Ref),
        field("impact", LEVEL),
        field("urgency", LEVEL),
        field("status", FieldKind::Code(STATUSES)),
        field("deleted", FieldKind::Bool),
        // Why the incident is in its status (on hold, cancelled, reopened);
        // the empty string when there is no reason.
        text("status_reason", 2_000),
        field("assignee", FieldKind::Ref),
        field("problem_id", FieldKind::Ref),
        field(
            "tags",
            FieldKind::Tags {
                max_items: 20,
                max_len: 40,
            },
        ),
        text("resolution", LONG_TEXT),
        text("root_cause", LONG_TEXT),
        text("contributing_factors", LONG_TEXT),
        text("lessons_learned", LONG_TEXT),
        field("review_status", FieldKind::Code(REVIEW_STATUSES)),
        field("recordable", FieldKind::Bool),
        field("location", FieldKind::Location),
        // The regulator log of a recordable case (issue 6). The person's name
        // is shown only to managers; see `regulator`.
        text("case_number", 40),
        text("person_name", 200),
        text("job_title", 120),
        field("outcome", FieldKind::Code(OUTCOMES)),
        field("days_away", CASE_DAYS),
        field("days_restricted", CASE_DAYS),
        field("injury_type", FieldKind::Code(INJURY_TYPES)),
    ],
};

/// The incident timeline. Insert-only: an event is one record whose fields are
/// all written together once.
pub const EVENTS: Collection = Collection {
    name: "events",
    fields: &[
        field("incident_id", FieldKind::Ref),
        field("kind", FieldKind::Code(EVENT_KINDS)),
        text("body", LONG_TEXT),
        field(
            "data",
            FieldKind::Json {
                max_bytes: EVENT_DATA_MAX_BYTES,
            },
        ),
        field("author", FieldKind::Ref),
        field("at", FieldKind::Time),
    ],
};

/// Remediation items of an incident.
pub const ACTIONS: Collection = Collection {
    name: "actions",
    fields: &[
        field("incident_id", FieldKind::Ref),
        required("title", 200),
        field("owner", FieldKind::Ref),
        field("due", FieldKind::Time),
        field("status", FieldKind::Code(ACTION_STATUSES)),
        field("done_at", FieldKind::Time),
        field("deleted", FieldKind::Bool),
    ],
};

/// Photos and files of an incident; the bytes travel as content-addressed blobs.
pub const ATTACHMENTS: Collection = Collection {
    name: "attachments",
    fields: &[
        field("incident_id", FieldKind::Ref),
        field("sha256", FieldKind::Sha256),
        text("name", 255),
        text("mime", 127),
        field(
            "size",
            FieldKind::Int {
                min: 0,
                max: 20 * 1024 * 1024,
            },
        ),
        field("deleted", FieldKind::Bool),
    ],
};

/// Problem records grouping recurring incidents (incidents point here through
/// their `problem_id`).
pub const PROBLEMS: Collection = Collection {
    name: "problems",
    fields: &[
        required("title", 200),
        text("description", LONG_TEXT),
        field("status", FieldKind::Code(PROBLEM_STATUSES)),
        text("root_cause", LONG_TEXT),
        text("workaround", LONG_TEXT),
        field("deleted", FieldKind::Bool),
    ],
};

pub const SITES: Collection = Collection {
    name: "sites",
    fields: &[
        required("name", 120),
        text("region", 120),
        text("notes", 2_000),
        field("deleted", FieldKind::Bool),
    ],
};

/// Hours worked at one site in one month, entered by a manager; the incident
/// rate (recordables × 200,000 ÷ hours) needs them. Two tablets may enter the
/// same site and month as two records: readers take the latest entry
/// (`kpi::hours_worked`).
pub const SITE_HOURS: Collection = Collection {
    name: "site_hours",
    fields: &[
        field("site", FieldKind::Ref),
        field(
            "year",
            FieldKind::Int {
                min: 2000,
                max: 2100,
            },
        ),
        field("month", FieldKind::Int { min: 1, max: 12 }),
        field(
            "hours",
            FieldKind::Int {
                min: 0,
                max: 100_000_000,
            },
        ),
        field("deleted", FieldKind::Bool),
    ],
};

pub const COLLECTIONS: &[Collection] = &[
    INCIDENTS,
    SITES,
    EVENTS,
    ACTIONS,
    ATTACHMENTS,
    PROBLEMS,
    SITE_HOURS,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_unique_within_each_collection() {
        for c in COLLECTIONS {
            for (i, f) in c.fields.iter().enumerate() {
                assert!(
                    c.fields[..i].iter().all(|g| g.name != f.name),
                    "{}.{} twice",
                    c.name,
                    f.name
                );
            }
        }
    }

    #[test]
    fn the_first_incident_fields_keep_their_kinds() {
        // Schema evolution is additive: these shipped first and must never be
        // retyped, or stored records of older tablets would stop validating.
        let text = |max, required| FieldKind::Text { max, required };
        let expected = [
            ("kind", FieldKind::Code(KINDS)),
            ("title", text(200, true)),
            ("description", text(10_000, false)),
            ("category", FieldKind::Code(CATEGORIES)),
            ("site", FieldKind::Ref),
            ("occurred_at", FieldKind::Time),
            ("reported_by", FieldKind::Ref),
            ("impact", FieldKind::Int { min: 1, max: 3 }),
            ("urgency", FieldKind::Int { min: 1, max: 3 }),
            ("status", FieldKind::Code(STATUSES)),
            ("deleted", FieldKind::Bool),
        ];
        for (name, kind) in expected {
            assert_eq!(INCIDENTS.field(name).map(|f| f.kind), Some(kind), "{name}");
        }
    }
}
