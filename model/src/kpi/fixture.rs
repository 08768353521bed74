//! The hand-worked data set behind the KPI tests: eleven incidents across
//! October and November 2026 at two sites, their timelines, five actions
//! and the hours worked. Each incident's story is told beside it so the
//! expected numbers in `tests.rs` can be checked with a pencil.

use serde_json::{Value, json};

use super::{ActionItem, HoursWorked, Incident, KpiInput, Period};
use crate::{Event, EventKind, Hlc, Levels, Record, status::Status, time::parse_rfc3339_ms};

pub const NORTH: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c0a";
pub const SOUTH: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c0b";

/// `"11-02 08:15"` is 2026-11-02T08:15:00Z.
pub fn t(s: &str) -> u64 {
    let rfc3339 = format!("2026-{}:00Z", s.replace(' ', "T"));
    parse_rfc3339_ms(&rfc3339).unwrap_or_else(|| panic!("bad time {s}"))
}

/// A UUIDv7 whose time is `at`, so ids carry a creation time as real ones do.
pub fn v7(at: &str, n: u64) -> String {
    let hex = format!("{:012x}", t(at));
    format!("{}-{}-7000-8000-{n:012x}", &hex[..8], &hex[8..])
}

pub fn record(fields: &[(&str, Value)]) -> Record {
    let mut r = Record::default();
    let hlc = Hlc::new(1, 0, "fixture").unwrap();
    for (f, v) in fields {
        r.apply(f, v, &hlc);
    }
    r
}

fn event(kind: EventKind, at: &str, data: Value) -> Event {
    Event {
        kind,
        at_ms: t(at),
        body: String::new(),
        data,
        author: None,
    }
}

pub fn created(at: &str) -> Event {
    event(EventKind::Created, at, json!({}))
}

pub fn status(at: &str, from: Status, to: Status) -> Event {
    event(
        EventKind::Status,
        at,
        json!({"from": from.code(), "to": to.code(), "reason": null}),
    )
}

pub fn update(at: &str) -> Event {
    event(EventKind::RequestorUpdate, at, json!({}))
}

fn reprioritised(at: &str, from: (i64, i64), to: (i64, i64)) -> Event {
    let levels = |(impact, urgency)| Levels { impact, urgency };
    event(
        EventKind::Priority,
        at,
        json!({"from": levels(from), "to": levels(to)}),
    )
}

/// An incident of `category` at `site` with the given impact and urgency.
pub fn incident(
    name: &str,
    (impact, urgency): (i64, i64),
    category: &str,
    site: &str,
    extra: &[(&str, Value)],
    events: Vec<Event>,
) -> Incident {
    let mut fields = vec![
        ("kind", json!("incident")),
        ("title", json!(name)),
        ("category", json!(category)),
        ("site", json!(site)),
        ("impact", json!(impact)),
        ("urgency", json!(urgency)),
    ];
    // Later values replace earlier ones of the same field.
    fields.retain(|(f, _)| extra.iter().all(|(g, _)| g != f));
    fields.extend(extra.iter().cloned());
    Incident::from_record(name, &record(&fields), events).expect("a live incident")
}

pub fn incidents() -> Vec<Incident> {
    use Status::*;
    let recordable = |at: &str| {
        vec![
            ("recordable", json!(true)),
            (
                "occurred_at",
                json!(format!("2026-{}:00Z", at.replace(' ', "T"))),
            ),
        ]
    };
    vec![
        // A, P1: answered in 30 min (target 15), resolved in 6 h (target 4),
        // no requestor update at all (hourly): every target missed.
        incident(
            "A",
            (1, 1),
            "equipment_failure",
            NORTH,
            &[],
            vec![
                created("11-03 08:00"),
                status("11-03 08:30", New, Acknowledged),
                status("11-03 09:00", Acknowledged, InProgress),
                status("11-03 14:00", InProgress, Resolved),
                status("11-05 10:00", Resolved, Closed),
            ],
        ),
        // B, P3: on hold for exactly 48 h (11-03 10:00 to 11-05 10:00).
        // Elapsed 78 h, working time 26 h + 4 h = 30 h.
        incident(
            "B",
            (2, 2),
            "equipment_failure",
            NORTH,
            &[],
            vec![
                created("11-02 08:00"),
                status("11-02 09:00", New, Acknowledged),
                status("11-02 10:00", Acknowledged, InProgress),
                status("11-03 10:00", InProgress, OnHold),
                status("11-05 10:00", OnHold, InProgress),
                status("11-05 14:00", InProgress, Resolved),
            ],
        ),
        // C, P2: resolved after 6 h, reopened the next morning with an update
        // to the requestor, resolved again 3 h later: working time 9 h.
        incident(
            "C",
            (1, 2),
            "it_outage",
            SOUTH,
            &[],
            vec![
                created("11-10 09:00"),
                status("11-10 09:30", New, Acknowledged),
                status("11-10 10:00", Acknowledged, InProgress),
                update("11-10 12:00"),
                status("11-10 15:00", InProgress, Resolved),
                status("11-11 09:00", Resolved, InProgress),
                update("11-11 09:00"),
                status("11-11 12:00", InProgress, Resolved),
            ],
        ),
        // D, P4: cancelled an hour after it was logged, before any response.
        incident(
            "D",
            (2, 3),
            "near_miss",
            SOUTH,
            &[],
            vec![
                created("11-12 10:00"),
                status("11-12 11:00", New, Cancelled),
            ],
        ),
        // E, P3: logged in October and still in progress at the end of
        // November. Its resolution breached on 10-28 08:00 (72 h of work);
        // the last update was 10-31 08:00, so the next was due 11-03 20:00.
        incident(
            "E",
            (2, 2),
            "equipment_failure",
            NORTH,
            &[],
            vec![
                created("10-25 08:00"),
                status("10-25 10:00", New, Acknowledged),
                status("10-26 08:00", Acknowledged, InProgress),
                update("10-28 08:00"),
                update("10-31 08:00"),
            ],
        ),
        // G, P2, recordable injury that occurred at 07:30: everything in time.
        incident(
            "G",
            (1, 2),
            "injury",
            NORTH,
            &recordable("11-14 07:30"),
            vec![
                created("11-14 08:00"),
                status("11-14 08:45", New, Acknowledged),
                status("11-14 09:00", Acknowledged, InProgress),
                update("11-14 11:00"),
                status("11-14 14:30", InProgress, Resolved),
            ],
        ),
        // H, P3, recordable injury: answered after 19 h (target 4), resolution
        // breached 11-23 14:00, updates every 72 h kept the 84 h cadence.
        incident(
            "H",
            (2, 2),
            "injury",
            SOUTH,
            &recordable("11-20 13:00"),
            vec![
                created("11-20 14:00"),
                status("11-21 09:00", New, Acknowledged),
                status("11-21 09:30", Acknowledged, InProgress),
                update("11-23 14:00"),
                update("11-26 14:00"),
                update("11-29 14:00"),
            ],
        ),
        // I, P4, recordable injury in October, closed in October.
        incident(
            "I",
            (3, 2),
            "injury",
            NORTH,
            &recordable("10-05 10:00"),
            vec![
                created("10-05 10:30"),
                status("10-05 11:00", New, Acknowledged),
                status("10-05 11:00", Acknowledged, InProgress),
                status("10-06 10:30", InProgress, Resolved),
                status("10-07 09:00", Resolved, Closed),
            ],
        ),
        // J, P5: logged on 11-29, nobody has answered yet (due 12-02 12:00).
        incident(
            "J",
            (3, 3),
            "other",
            NORTH,
            &[],
            vec![created("11-29 12:00")],
        ),
        // K, P4 service request: on hold since 11-26 10:00 after 25 h of
        // work; no update since it was logged, due 11-28 21:00 (84 h).
        incident(
            "K",
            (2, 3),
            "service_request",
            SOUTH,
            &[("kind", json!("service_request"))],
            vec![
                created("11-25 09:00"),
                status("11-25 10:00", New, Acknowledged),
                status("11-25 10:00", Acknowledged, InProgress),
                status("11-26 10:00", InProgress, OnHold),
            ],
        ),
        // L: logged as P3, escalated to P2 at 09:00; answered in 20 min,
        // resolved in 3 h 20 min.
        incident(
            "L",
            (1, 2),
            "it_outage",
            SOUTH,
            &[],
            vec![
                created("11-27 08:00"),
                status("11-27 08:20", New, Acknowledged),
                status("11-27 08:20", Acknowledged, InProgress),
                reprioritised("11-27 09:00", (2, 2), (1, 2)),
                update("11-27 10:00"),
                status("11-27 11:20", InProgress, Resolved),
            ],
        ),
    ]
}

pub fn action(incident: &str, added: &str, n: u64, fields: &[(&str, Value)]) -> ActionItem {
    let mut all = vec![("incident_id", json!(incident)), ("title", json!("Fix it"))];
    all.extend(fields.iter().cloned());
    ActionItem::from_record(&v7(added, n), &record(&all)).expect("a live action")
}

pub fn actions() -> Vec<ActionItem> {
    vec![
        // Done before it was due: never outstanding at a month end.
        action(
            "A",
            "11-05 12:00",
            1,
            &[
                ("due", json!("2026-11-10T00:00:00Z")),
                ("status", json!("done")),
                ("done_at", json!("2026-11-08T00:00:00Z")),
            ],
        ),
        // Open and due 11-20: overdue at the end of November.
        action(
            "A",
            "11-05 12:00",
            2,
            &[("due", json!("2026-11-20T00:00:00Z"))],
        ),
        // Open, due in December: open, not overdue.
        action(
            "H",
            "11-22 12:00",
            3,
            &[
                ("due", json!("2026-12-05T00:00:00Z")),
                ("status", json!("in_progress")),
            ],
        ),
        // Added in October, due 11-15, done only on 12-03: outstanding at the
        // end of October and of November, overdue at the end of November.
        action(
            "E",
            "10-28 12:00",
            4,
            &[
                ("due", json!("2026-11-15T00:00:00Z")),
                ("status", json!("done")),
                ("done_at", json!("2026-12-03T00:00:00Z")),
            ],
        ),
        // Cancelled: never counted.
        action(
            "B",
            "11-05 12:00",
            5,
            &[
                ("due", json!("2026-11-06T00:00:00Z")),
                ("status", json!("cancelled")),
            ],
        ),
    ]
}

pub fn hours() -> HoursWorked {
    [
        ((NORTH, 10), 20_000.0),
        ((SOUTH, 10), 20_000.0),
        ((NORTH, 11), 25_000.0),
        ((SOUTH, 11), 15_000.0),
    ]
    .into_iter()
    .map(|((site, month), h)| ((site.to_owned(), 2026, month), h))
    .collect()
}

/// Long after November, so nothing is cut short by `now`.
pub fn later() -> u64 {
    t("12-15 00:00")
}

pub fn november() -> Period {
    Period::month(2026, 11).unwrap()
}

/// Owns the fixture so tests can borrow a [`KpiInput`] from it.
pub struct Data {
    pub incidents: Vec<Incident>,
    pub actions: Vec<ActionItem>,
    pub hours: HoursWorked,
}

impl Data {
    pub fn new() -> Self {
        Self {
            incidents: incidents(),
            actions: actions(),
            hours: hours(),
        }
    }

    pub fn input(&self) -> KpiInput<'_> {
        KpiInput {
            incidents: &self.incidents,
            actions: &self.actions,
            hours: &self.hours,
        }
    }
}
