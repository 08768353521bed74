//! What the KPI maths reads of each incident and action, taken from the
//! records once, and the questions it asks of an incident's timeline
//! ("what was its status at t", "when was it resolved").

use std::collections::BTreeMap;

use crate::{
    Event, Priority, Record,
    problems::uuid_v7_ms,
    sla::{self, SlaInput, SlaReport},
    status::Status,
    time::parse_rfc3339_ms,
};

/// One incident as the KPI maths sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: String,
    /// `incident` or `service_request`; an incident without a kind is an
    /// `incident`, as the quick-log form defaults to it.
    pub kind: String,
    pub category: Option<String>,
    pub site: Option<String>,
    /// The current priority from impact × urgency; `None` when either is unset.
    pub priority: Option<Priority>,
    pub recordable: bool,
    /// When it was logged: the `created` event, else the earliest event, else
    /// the time in its UUIDv7 id.
    pub created_ms: u64,
    /// When it happened (`occurred_at`), else when it was logged.
    pub occurred_ms: u64,
    /// The timeline, oldest first.
    pub events: Vec<Event>,
}

impl Incident {
    /// Reads an incident record and its events; `None` for a deleted record
    /// or one with no known creation time.
    pub fn from_record(id: &str, record: &Record, mut events: Vec<Event>) -> Option<Self> {
        if record.is_deleted() {
            return None;
        }
        events.sort_by_key(|e| e.at_ms);
        let created_ms = sla::created_at(&events).or_else(|| uuid_v7_ms(id))?;
        let text = |f: &str| record.str(f).filter(|s| !s.is_empty()).map(str::to_owned);
        let priority = match (record.int("impact"), record.int("urgency")) {
            (Some(i), Some(u)) => Priority::from_impact_urgency(i, u),
            _ => None,
        };
        Some(Self {
            id: id.to_owned(),
            kind: text("kind").unwrap_or_else(|| "incident".to_owned()),
            category: text("category"),
            site: text("site"),
            priority,
            recordable: record.get("recordable").and_then(|v| v.as_bool()) == Some(true),
            created_ms,
            occurred_ms: record
                .str("occurred_at")
                .and_then(parse_rfc3339_ms)
                .unwrap_or(created_ms),
            events,
        })
    }

    /// Status changes `(at, to)` before `cut`, oldest first. A change stamped
    /// before creation (a skewed clock) counts as happening at creation, as
    /// the SLA maths does.
    pub(crate) fn statuses_before(&self, cut: u64) -> impl Iterator<Item = (u64, Status)> + '_ {
        self.events
            .iter()
            .filter(move |e| e.at_ms < cut)
            .filter_map(|e| Some((e.at_ms.max(self.created_ms), e.status_change()?.1)))
    }

    /// Whether the incident existed and was open (New, Acknowledged, In
    /// progress, On hold) just before `cut`.
    pub(crate) fn open_before(&self, cut: u64) -> bool {
        self.created_ms < cut
            && self
                .statuses_before(cut)
                .last()
                .is_none_or(|(_, s)| s.is_open())
    }

    /// Times of the status changes to `to` within `[start, cut)`.
    pub(crate) fn changes_to(&self, to: Status, start: u64, cut: u64) -> Vec<u64> {
        self.statuses_before(cut)
            .filter(|&(at, s)| s == to && at >= start)
            .map(|(at, _)| at)
            .collect()
    }

    /// The first status change out of New before `cut`, unless it was a
    /// cancellation: the "first response" of the SLA.
    pub(crate) fn first_response_before(&self, cut: u64) -> Option<u64> {
        match self.statuses_before(cut).find(|&(_, s)| s != Status::New)? {
            (_, Status::Cancelled) => None,
            (at, _) => Some(at),
        }
    }

    /// Working time from creation to `until`: the time spent in New,
    /// Acknowledged and In progress. On hold and the span between Resolve and
    /// Reopen do not count, exactly as for the resolution SLA.
    pub(crate) fn working_time_until(&self, until: u64) -> u64 {
        let counts =
            |s: Status| matches!(s, Status::New | Status::Acknowledged | Status::InProgress);
        let (mut used, mut since, mut status) = (0, self.created_ms, Status::New);
        for (at, to) in self.statuses_before(until) {
            if counts(status) {
                used += at - since;
            }
            (since, status) = (at, to);
        }
        if counts(status) {
            used += until.saturating_sub(since);
        }
        used
    }

    /// Whether it was reopened (Resolved or Closed → In progress) before `cut`.
    pub(crate) fn reopened_before(&self, cut: u64) -> bool {
        self.events.iter().any(|e| {
            e.at_ms < cut
                && matches!(
                    e.status_change(),
                    Some((Status::Resolved | Status::Closed, Status::InProgress))
                )
        })
    }

    /// The SLA state at the instant `at` (events stamped at or before it).
    /// The priority falls back to P3 when impact or urgency is missing,
    /// the middle of the matrix, so a half-filled record still has targets.
    pub(crate) fn sla_at(&self, at: u64) -> SlaReport {
        let input = SlaInput {
            created_ms: self.created_ms,
            priority: self.priority.unwrap_or(Priority::P3),
            events: &self.events,
        };
        sla::evaluate(&input, at)
    }
}

/// Reads incident records and the `events` records of the same replica,
/// pairing each event with its incident through `incident_id`. Deleted
/// incidents, and events that are half-synced or belong to no listed
/// incident, are left out.
pub fn gather<'a>(
    incidents: impl IntoIterator<Item = (&'a str, &'a Record)>,
    events: impl IntoIterator<Item = &'a Record>,
) -> Vec<Incident> {
    let mut timelines: BTreeMap<&str, Vec<Event>> = BTreeMap::new();
    for record in events {
        if let (Some(incident), Some(event)) =
            (record.str("incident_id"), Event::from_record(record))
        {
            timelines.entry(incident).or_default().push(event);
        }
    }
    incidents
        .into_iter()
        .filter_map(|(id, record)| {
            Incident::from_record(id, record, timelines.remove(id).unwrap_or_default())
        })
        .collect()
}

/// One remediation action as the KPI maths sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub id: String,
    pub incident_id: Option<String>,
    /// When it was added: the time in its UUIDv7 id, if it is one.
    pub created_ms: Option<u64>,
    pub due_ms: Option<u64>,
    /// A code of `schema::ACTION_STATUSES`; `open` when unset.
    pub status: String,
    pub done_ms: Option<u64>,
}

impl ActionItem {
    /// Reads an `actions` record; `None` when it is deleted.
    pub fn from_record(id: &str, record: &Record) -> Option<Self> {
        if record.is_deleted() {
            return None;
        }
        let time = |f: &str| record.str(f).and_then(parse_rfc3339_ms);
        Some(Self {
            id: id.to_owned(),
            incident_id: record.str("incident_id").map(str::to_owned),
            created_ms: uuid_v7_ms(id),
            due_ms: time("due"),
            status: record.str("status").unwrap_or("open").to_owned(),
            done_ms: time("done_at"),
        })
    }

    /// Whether it still needed doing just before `cut`. Actions keep only
    /// their current status, so the past is rebuilt from `done_at`: a done
    /// action was outstanding until it was done. A cancelled action has no
    /// date, so it never counts as outstanding.
    pub(crate) fn outstanding_before(&self, cut: u64) -> bool {
        let existed = self.created_ms.is_none_or(|c| c < cut);
        let unfinished = match self.status.as_str() {
            "open" | "in_progress" => true,
            "done" => self.done_ms.is_some_and(|d| d >= cut),
            _ => false,
        };
        existed && unfinished
    }

    /// Outstanding just before `cut` and due before it.
    pub(crate) fn overdue_before(&self, cut: u64) -> bool {
        self.outstanding_before(cut) && self.due_ms.is_some_and(|d| d < cut)
    }
}
