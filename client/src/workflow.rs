//! The incident manager's workflow as writes: a lifecycle transition, an
//! assignment or a priority change together with the insert-only `events`
//! record that explains it, so one `ctx.save` (one IndexedDB transaction)
//! keeps the field and its history together. The model decides; this only
//! turns its plans into [`Write`]s.

use outpost_model::lifecycle::{self, Status, TransitionContext, TransitionError};
use outpost_model::protocol::User;
use outpost_model::roles::{self, RecordFacts};
use outpost_model::schema;
use outpost_model::sla::{self, SlaInput, SlaReport};
use outpost_model::{Event, Levels, NewEvent, Priority, events};
use serde_json::Value;

use crate::edits::Write;
use crate::storage::StoredRecord;

/// A new record id (UUIDv7, so ids sort by creation time).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The writes of one new `events` record about `incident_id`.
pub fn event_writes(
    event: &NewEvent,
    incident_id: &str,
    author: &str,
    at_ms: u64,
    event_id: &str,
) -> Vec<Write> {
    event
        .fields(incident_id, author, at_ms)
        .into_iter()
        .map(|(field, value)| Write::new(&schema::EVENTS, event_id, field, value))
        .collect()
}

/// The incident's status; an incident without one is New.
pub fn status_of(incident: &StoredRecord) -> Status {
    incident
        .str("status")
        .and_then(Status::from_code)
        .unwrap_or(Status::New)
}

/// The incident's impact and urgency, when both are set.
pub fn levels_of(incident: &StoredRecord) -> Option<Levels> {
    Some(Levels {
        impact: incident.int("impact")?,
        urgency: incident.int("urgency")?,
    })
}

pub fn priority_of(incident: &StoredRecord) -> Option<Priority> {
    levels_of(incident).and_then(Levels::priority)
}

/// Whether `user` may change this incident, by the rule the server
/// enforces (`outpost_model::roles`). The tablet cannot know who sent an
/// incident's first change, so an incident with no `reported_by` is for
/// managers only here; the server may accept its first writer too.
pub fn can_edit(user: &User, incident: &StoredRecord) -> bool {
    let facts = RecordFacts {
        exists: true,
        created_by: None,
        reported_by: incident.str("reported_by").map(str::to_owned),
    };
    roles::may_edit_incident(user, &facts)
}

/// Who may manage problems: managers and admins only.
pub fn can_manage(user: &User) -> bool {
    roles::may_manage(user.role)
}

/// What the person typed for a transition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Typed {
    pub reason: String,
    pub resolution: String,
}

/// What the model needs to judge a transition of `incident`.
fn context<'a>(incident: &StoredRecord, typed: &'a Typed) -> TransitionContext<'a> {
    TransitionContext {
        priority: priority_of(incident),
        review_complete: incident.str("review_status") == Some("complete"),
        reason: &typed.reason,
        resolution: &typed.resolution,
    }
}

/// Whether `action` may be taken now with nothing typed (used to ask for an
/// optional reason only when the action would go through).
pub fn allowed_as_is(incident: &StoredRecord, action: lifecycle::Action) -> bool {
    lifecycle::transition(
        status_of(incident),
        action,
        &context(incident, &Typed::default()),
    )
    .is_ok()
}

/// The status writes of `action` and its `status` event, for one save; or
/// why the model refused it.
pub fn transition_writes(
    incident: &StoredRecord,
    action: lifecycle::Action,
    typed: &Typed,
    author: &str,
    at_ms: u64,
    event_id: &str,
) -> Result<Vec<Write>, TransitionError> {
    let planned = lifecycle::transition(status_of(incident), action, &context(incident, typed))?;
    let mut writes: Vec<Write> = planned
        .writes
        .into_iter()
        .map(|(field, value)| Write::new(&schema::INCIDENTS, &incident.id, field, value))
        .collect();
    writes.extend(event_writes(
        &planned.event,
        &incident.id,
        author,
        at_ms,
        event_id,
    ));
    Ok(writes)
}

/// Sets the assignee (`None`: nobody) and appends an `assigned` event;
/// nothing when the assignee does not change.
pub fn assign_writes(
    incident: &StoredRecord,
    to: Option<&str>,
    author: &str,
    at_ms: u64,
    event_id: &str,
) -> Vec<Write> {
    let from = incident.str("assignee").filter(|s| !s.is_empty());
    if from == to {
        return Vec::new();
    }
    let mut writes = vec![Write::new(
        &schema::INCIDENTS,
        &incident.id,
        "assignee",
        to.map_or(Value::Null, Value::from),
    )];
    writes.extend(event_writes(
        &events::assigned(from, to),
        &incident.id,
        author,
        at_ms,
        event_id,
    ));
    writes
}

/// The `priority` event when impact or urgency changed, to save with them.
pub fn priority_event_writes(
    before: Option<Levels>,
    after: Option<Levels>,
    incident_id: &str,
    author: &str,
    at_ms: u64,
    event_id: &str,
) -> Vec<Write> {
    match (before, after) {
        (Some(from), Some(to)) if from != to => event_writes(
            &events::priority_changed(from, to),
            incident_id,
            author,
            at_ms,
            event_id,
        ),
        _ => Vec::new(),
    }
}

/// One timeline entry with its record id.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub id: String,
    pub event: Event,
}

/// The readable events of one incident, newest first (ties by id).
pub fn timeline(all_events: &[StoredRecord], incident_id: &str) -> Vec<TimelineEntry> {
    let mut entries: Vec<TimelineEntry> = all_events
        .iter()
        .filter(|e| e.str("incident_id") == Some(incident_id))
        .filter_map(|e| {
            Some(TimelineEntry {
                id: e.id.clone(),
                event: Event::from_record(&e.record())?,
            })
        })
        .collect();
    entries.sort_by(|a, b| (b.event.at_ms, &b.id).cmp(&(a.event.at_ms, &a.id)));
    entries
}

/// Events grouped by incident id, for the list's SLA maths.
pub fn events_by_incident(
    all_events: &[StoredRecord],
) -> std::collections::HashMap<String, Vec<Event>> {
    let mut map: std::collections::HashMap<String, Vec<Event>> = Default::default();
    for record in all_events {
        let Some(incident) = record.str("incident_id") else {
            continue;
        };
        if let Some(event) = Event::from_record(&record.record()) {
            map.entry(incident.to_owned()).or_default().push(event);
        }
    }
    map
}

/// Where the incident stands against its SLAs at `now_ms`; `None` without a
/// priority. Creation is the `created` event, else the time in the id.
pub fn sla_report(incident: &StoredRecord, events: &[Event], now_ms: u64) -> Option<SlaReport> {
    let priority = priority_of(incident)?;
    let created_ms =
        sla::created_at(events).or_else(|| outpost_model::problems::uuid_v7_ms(&incident.id))?;
    Some(sla::evaluate(
        &SlaInput {
            created_ms,
            priority,
            events,
        },
        now_ms,
    ))
}
