//! The incident timeline: building an event to append (status change,
//! assignment, priority change, note, requestor update) and reading one back.
//!
//! Events are insert-only records of the `events` collection. The caller adds
//! what only it knows — the event's own id, the author and the corrected wall
//! time — through [`NewEvent::fields`], and writes all fields in the same local
//! transaction as the incident fields they explain.

use serde_json::{Value, json};

use crate::{
    Priority, Record,
    priority::Levels,
    status::Status,
    time::{format_rfc3339_ms, parse_rfc3339_ms},
};

/// What a timeline entry records; codes are `schema::EVENT_KINDS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Created,
    Status,
    Assigned,
    Priority,
    /// An internal note, never shown to the requestor.
    Note,
    /// What the requestor was told; the update-cadence SLA counts these.
    RequestorUpdate,
    Attachment,
    Review,
}

impl EventKind {
    pub const ALL: [Self; 8] = [
        Self::Created,
        Self::Status,
        Self::Assigned,
        Self::Priority,
        Self::Note,
        Self::RequestorUpdate,
        Self::Attachment,
        Self::Review,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Status => "status",
            Self::Assigned => "assigned",
            Self::Priority => "priority",
            Self::Note => "note",
            Self::RequestorUpdate => "requestor_update",
            Self::Attachment => "attachment",
            Self::Review => "review",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// "Internal note", "Requestor update", … as the timeline shows them.
    pub fn label(self) -> &'static str {
        crate::schema::label(self.code())
    }
}

/// An event about to be appended, before it has an id, author and time.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub kind: EventKind,
    /// Text a person reads: the note, the requestor update, a resolution.
    pub body: String,
    /// Machine-readable detail by kind (docs/protocol.md), a JSON object.
    pub data: Value,
}

impl NewEvent {
    fn new(kind: EventKind, body: impl Into<String>, data: Value) -> Self {
        Self {
            kind,
            body: body.into(),
            data,
        }
    }

    /// The field writes of the `events` record, all to be written at once.
    pub fn fields(
        &self,
        incident_id: &str,
        author: &str,
        at_ms: u64,
    ) -> Vec<(&'static str, Value)> {
        vec![
            ("incident_id", Value::from(incident_id)),
            ("kind", Value::from(self.kind.code())),
            ("body", Value::from(self.body.as_str())),
            ("data", self.data.clone()),
            ("author", Value::from(author)),
            ("at", Value::from(format_rfc3339_ms(at_ms))),
        ]
    }
}

/// The incident was logged.
pub fn created() -> NewEvent {
    NewEvent::new(EventKind::Created, "", json!({}))
}

/// The status changed; `data` is `{from, to, reason}` with a null reason when
/// none was given. `body` repeats the words a person should read (the reason,
/// or the resolution when resolving).
pub fn status_changed(from: Status, to: Status, reason: Option<&str>, body: &str) -> NewEvent {
    NewEvent::new(
        EventKind::Status,
        body,
        json!({"from": from.code(), "to": to.code(), "reason": reason}),
    )
}

/// The assignee changed; `data` is `{from, to}`, user ids or null when nobody.
pub fn assigned(from: Option<&str>, to: Option<&str>) -> NewEvent {
    NewEvent::new(EventKind::Assigned, "", json!({"from": from, "to": to}))
}

/// Impact or urgency changed (an escalation when the priority rises);
/// `data` is `{from: {impact, urgency}, to: {impact, urgency}}`.
pub fn priority_changed(from: Levels, to: Levels) -> NewEvent {
    NewEvent::new(EventKind::Priority, "", json!({"from": from, "to": to}))
}

/// An internal note.
pub fn note(body: &str) -> NewEvent {
    NewEvent::new(EventKind::Note, body, json!({}))
}

/// An update given to the requestor; it restarts the update-cadence clock.
pub fn requestor_update(body: &str) -> NewEvent {
    NewEvent::new(EventKind::RequestorUpdate, body, json!({}))
}

/// One timeline entry as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: EventKind,
    pub at_ms: u64,
    pub body: String,
    pub data: Value,
    pub author: Option<String>,
}

impl Event {
    /// Reads an `events` record; `None` while its kind or time has not arrived
    /// (a record can be seen half-synced) or is unknown to this version.
    pub fn from_record(record: &Record) -> Option<Self> {
        Some(Self {
            kind: EventKind::from_code(record.str("kind")?)?,
            at_ms: parse_rfc3339_ms(record.str("at")?)?,
            body: record.str("body").unwrap_or_default().to_owned(),
            data: record.get("data").cloned().unwrap_or(Value::Null),
            author: record.str("author").map(str::to_owned),
        })
    }

    /// `(from, to)` of a status event.
    pub fn status_change(&self) -> Option<(Status, Status)> {
        if self.kind != EventKind::Status {
            return None;
        }
        let code = |k: &str| self.data.get(k).and_then(Value::as_str);
        Some((
            Status::from_code(code("from")?)?,
            Status::from_code(code("to")?)?,
        ))
    }

    /// `(from, to)` priorities of a priority event.
    pub fn priority_change(&self) -> Option<(Priority, Priority)> {
        if self.kind != EventKind::Priority {
            return None;
        }
        let levels = |k: &str| -> Option<Priority> {
            serde_json::from_value::<Levels>(self.data.get(k)?.clone())
                .ok()?
                .priority()
        };
        Some((levels("from")?, levels("to")?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Change, Hlc, schema};

    const INCIDENT: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";
    const EVENT: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c02";
    const SAM: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c03";
    const AT: u64 = 1_795_729_084_123; // 2026-11-26T21:38:04.123Z

    fn stored(event: &NewEvent) -> Record {
        let mut record = Record::default();
        let hlc = Hlc::new(AT, 0, "tablet").unwrap();
        for (field, value) in event.fields(INCIDENT, SAM, AT) {
            let change = Change {
                collection: "events".into(),
                id: EVENT.into(),
                field: field.into(),
                value: value.clone(),
                hlc: hlc.clone(),
            };
            assert_eq!(schema::validate(&change), Ok(()), "{field} = {value}");
            record.apply(field, &value, &hlc);
        }
        record
    }

    #[test]
    fn kinds_match_the_schema_codes() {
        let codes: Vec<_> = EventKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes, schema::EVENT_KINDS);
        assert_eq!(EventKind::Note.label(), "Internal note");
        assert_eq!(EventKind::RequestorUpdate.label(), "Requestor update");
    }

    #[test]
    fn a_status_event_round_trips_through_a_record() {
        let new = status_changed(
            Status::InProgress,
            Status::OnHold,
            Some("waiting for parts"),
            "waiting for parts",
        );
        let event = Event::from_record(&stored(&new)).unwrap();
        assert_eq!(event.kind, EventKind::Status);
        assert_eq!(event.at_ms, AT);
        assert_eq!(event.author.as_deref(), Some(SAM));
        assert_eq!(
            event.status_change(),
            Some((Status::InProgress, Status::OnHold))
        );
        assert_eq!(event.data["reason"], "waiting for parts");
    }

    #[test]
    fn assignment_records_from_and_to() {
        let event = Event::from_record(&stored(&assigned(None, Some(SAM)))).unwrap();
        assert_eq!(event.data, json!({"from": null, "to": SAM}));
    }

    #[test]
    fn an_escalation_records_both_levels() {
        let from = Levels {
            impact: 2,
            urgency: 2,
        };
        let to = Levels {
            impact: 1,
            urgency: 1,
        };
        let new = priority_changed(from, to);
        assert_eq!(
            new.data,
            json!({"from": {"impact": 2, "urgency": 2}, "to": {"impact": 1, "urgency": 1}})
        );
        let event = Event::from_record(&stored(&new)).unwrap();
        assert_eq!(event.priority_change(), Some((Priority::P3, Priority::P1)));
    }

    #[test]
    fn notes_and_requestor_updates_carry_their_text_in_body() {
        let event = Event::from_record(&stored(&requestor_update("A crew is on site."))).unwrap();
        assert_eq!(event.kind, EventKind::RequestorUpdate);
        assert_eq!(event.body, "A crew is on site.");
        assert_eq!(note("check seal").kind, EventKind::Note);
        assert_eq!(created().kind, EventKind::Created);
    }

    #[test]
    fn a_half_synced_event_is_not_read() {
        let mut record = stored(&note("x"));
        record.fields.remove("at");
        assert_eq!(Event::from_record(&record), None);
    }
}
