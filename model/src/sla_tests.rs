//! Hand-worked SLA timelines: every target for every priority, on-hold
//! pauses, reopening and priority changes. Times are written out in full so
//! each expected number can be checked with a calendar.

use serde_json::json;

use super::*;
use crate::status::Status::{self, *};
use crate::time::parse_rfc3339_ms;
use crate::{Levels, Priority::*};

/// `"11-02 08:15"` is 2026-11-02T08:15:00Z.
fn t(s: &str) -> u64 {
    let rfc3339 = format!("2026-{}:00Z", s.replace(' ', "T"));
    parse_rfc3339_ms(&rfc3339).unwrap_or_else(|| panic!("bad time {s}"))
}

fn breached(by_ms: u64) -> SlaState {
    SlaState::Breached { by_ms }
}

fn late(at: &str, late_by_ms: u64) -> SlaState {
    SlaState::MetLate {
        at_ms: t(at),
        late_by_ms,
    }
}

fn event(kind: EventKind, at: &str, data: serde_json::Value) -> Event {
    Event {
        kind,
        at_ms: t(at),
        body: String::new(),
        data,
        author: None,
    }
}

fn created(at: &str) -> Event {
    event(EventKind::Created, at, json!({}))
}

fn status(at: &str, from: Status, to: Status) -> Event {
    event(
        EventKind::Status,
        at,
        json!({"from": from.code(), "to": to.code(), "reason": null}),
    )
}

fn update(at: &str) -> Event {
    event(EventKind::RequestorUpdate, at, json!({}))
}

fn note(at: &str) -> Event {
    event(EventKind::Note, at, json!({}))
}

fn reprioritised(at: &str, from: (i64, i64), to: (i64, i64)) -> Event {
    let levels = |(impact, urgency)| Levels { impact, urgency };
    event(
        EventKind::Priority,
        at,
        json!({"from": levels(from), "to": levels(to)}),
    )
}

fn report(priority: Priority, events: &[Event], now: &str) -> SlaReport {
    let input = SlaInput {
        created_ms: created_at(events).unwrap(),
        priority,
        events,
    };
    evaluate(&input, t(now))
}

fn pending(due: &str, remaining_ms: u64) -> SlaState {
    SlaState::Pending {
        due_at_ms: t(due),
        remaining_ms,
    }
}

fn met(at: &str) -> SlaState {
    SlaState::Met { at_ms: t(at) }
}

const H: u64 = HOUR_MS;
const MIN: u64 = MINUTE_MS;
const C: &str = "11-02 08:00";

#[test]
fn first_response_for_each_priority() {
    let ack = |at| vec![created(C), status(at, New, Acknowledged)];
    let open = || vec![created(C)];
    #[rustfmt::skip]
    let cases: Vec<(Priority, Vec<Event>, &str, SlaState)> = vec![
        // P1: 15 min, due 08:15.
        (P1, ack("11-02 08:10"), "11-02 09:00", met("11-02 08:10")),
        (P1, open(), "11-02 08:05", pending("11-02 08:15", 10 * MIN)),
        (P1, open(), "11-02 08:20", breached(5 * MIN)),
        // P2: 1 h, due 09:00.
        (P2, ack("11-02 09:30"), "11-02 10:00", late("11-02 09:30", 30 * MIN)),
        (P2, open(), "11-02 08:59", pending("11-02 09:00", MIN)),
        // P3: 4 h, due 12:00; starting work straight from New is a response.
        (P3, vec![created(C), status("11-02 11:59", New, InProgress)], "11-02 13:00", met("11-02 11:59")),
        (P3, open(), "11-02 13:00", breached(H)),
        // P4: 1 day, due 11-03 08:00.
        (P4, open(), "11-02 20:00", pending("11-03 08:00", 12 * H)),
        (P4, ack("11-03 09:00"), "11-03 10:00", late("11-03 09:00", H)),
        // P5: 3 days, due 11-05 08:00.
        (P5, open(), "11-04 08:00", pending("11-05 08:00", 24 * H)),
        (P5, open(), "11-05 10:30", breached(2 * H + 30 * MIN)),
    ];
    for (priority, events, now, expected) in cases {
        assert_eq!(
            report(priority, &events, now).response,
            expected,
            "{priority} at {now}"
        );
    }
}

#[test]
fn requestor_updates_for_each_priority() {
    let ack = || vec![created(C), status("11-02 08:05", New, Acknowledged)];
    let with = |extra: Vec<Event>| [ack(), extra].concat();
    #[rustfmt::skip]
    let cases: Vec<(Priority, Vec<Event>, &str, SlaState)> = vec![
        // P1: every hour; last update 08:30, next due 09:30.
        (P1, with(vec![update("11-02 08:30")]), "11-02 08:50", pending("11-02 09:30", 40 * MIN)),
        (P1, with(vec![update("11-02 08:30")]), "11-02 09:45", breached(15 * MIN)),
        // P2: every 4 h from creation when nobody has written yet: due 12:00.
        (P2, ack(), "11-02 11:00", pending("11-02 12:00", H)),
        // P3: every 84 h from the update of 11-03 08:00, so due 11-06 20:00;
        // an internal note does not count.
        (P3, with(vec![update("11-03 08:00"), note("11-05 08:00")]), "11-05 12:00", pending("11-06 20:00", 32 * H)),
        // P4: 84 h from creation is 11-05 20:00.
        (P4, ack(), "11-05 21:00", breached(H)),
        // P5: on hold does not pause updates; still due 11-05 20:00.
        (P5, with(vec![status("11-03 08:00", Acknowledged, OnHold)]), "11-05 19:00", pending("11-05 20:00", H)),
        // A resolved incident owes no more updates.
        (P3, with(vec![status("11-02 10:00", Acknowledged, Resolved)]), "11-09 00:00", SlaState::NotApplicable),
    ];
    for (priority, events, now, expected) in cases {
        assert_eq!(
            report(priority, &events, now).update,
            expected,
            "{priority} at {now}"
        );
    }
    let text = report(P3, &with(vec![update("11-03 08:00")]), "11-05 12:00")
        .update
        .text();
    assert_eq!(text, "due in 1 day 8 h");
}

#[test]
fn resolution_for_each_priority() {
    let working = |extra: Vec<Event>| {
        [
            vec![
                created(C),
                status("11-02 09:00", New, Acknowledged),
                status("11-02 09:00", Acknowledged, InProgress),
            ],
            extra,
        ]
        .concat()
    };
    #[rustfmt::skip]
    let cases: Vec<(Priority, Vec<Event>, &str, SlaState)> = vec![
        // P1: 4 h. Resolved at 11:50, 3 h 50 min after creation.
        (P1, working(vec![status("11-02 11:50", InProgress, Resolved)]), "11-02 12:30", met("11-02 11:50")),
        (P1, working(vec![]), "11-02 12:30", breached(30 * MIN)),
        // P2: 1 day, due 11-03 08:00.
        (P2, working(vec![]), "11-02 18:00", pending("11-03 08:00", 14 * H)),
        // P3: 3 days; closed after resolving in time stays met at the resolve.
        (P3, working(vec![status("11-04 08:00", InProgress, Resolved), status("11-06 08:00", Resolved, Closed)]), "11-30 00:00", met("11-04 08:00")),
        // P4: 7 days; 11-09 08:00 is the deadline, an hour later it is breached.
        (P4, working(vec![]), "11-09 09:00", breached(H)),
        // P5: 30 days; 29 days used by 12-01 08:00, one day left.
        (P5, working(vec![]), "12-01 08:00", pending("12-02 08:00", 24 * H)),
    ];
    for (priority, events, now, expected) in cases {
        assert_eq!(
            report(priority, &events, now).resolution,
            expected,
            "{priority} at {now}"
        );
    }
}

#[test]
fn on_hold_pauses_the_resolution_clock() {
    // P2 (1 day). 4 h used before the hold (08:00–12:00), held 22 h, then
    // 4 h more (10:00–14:00): 8 h used, 16 h left, due 11-04 06:00.
    let events = [
        created(C),
        status("11-02 08:30", New, Acknowledged),
        status("11-02 09:00", Acknowledged, InProgress),
        status("11-02 12:00", InProgress, OnHold),
        status("11-03 10:00", OnHold, InProgress),
    ];
    let held = report(P2, &events, "11-03 09:00").resolution;
    assert_eq!(
        held,
        SlaState::Paused {
            remaining_ms: 20 * H
        }
    );
    assert_eq!(held.text(), "paused with 20 h left");
    let working = report(P2, &events, "11-03 14:00").resolution;
    assert_eq!(working, pending("11-04 06:00", 16 * H));
    assert_eq!(working.text(), "due in 16 h");

    // P4 (7 days): 24 h used, ten days on hold, 48 h more → 72 h used, 4 days left.
    let events = [
        created(C),
        status("11-02 09:00", New, Acknowledged),
        status("11-03 08:00", Acknowledged, OnHold),
        status("11-13 08:00", OnHold, InProgress),
    ];
    let state = report(P4, &events, "11-15 08:00").resolution;
    assert_eq!(state, pending("11-19 08:00", 96 * H));
}

#[test]
fn a_breach_stays_frozen_while_on_hold() {
    // P1 (4 h): 5 h used by the hold at 13:00, so 1 h over, however long it waits.
    let events = [
        created(C),
        status("11-02 08:05", New, InProgress),
        status("11-02 13:00", InProgress, OnHold),
    ];
    let state = report(P1, &events, "11-02 20:00").resolution;
    assert_eq!(state, breached(H));
    assert_eq!(state.text(), "breached by 1 h");
}

#[test]
fn reopening_carries_on_from_the_time_used() {
    // P3 (72 h). Resolved after 24 h; resolved time does not count; reopened
    // 11-06 00:00; by 11-07 12:00 another 36 h: 60 h used, 12 h left.
    let mut events = vec![
        created("11-02 00:00"),
        status("11-02 01:00", New, Acknowledged),
        status("11-03 00:00", Acknowledged, Resolved),
    ];
    assert_eq!(
        report(P3, &events, "11-04 00:00").resolution,
        met("11-03 00:00")
    );
    events.push(status("11-06 00:00", Resolved, InProgress));
    assert_eq!(
        report(P3, &events, "11-07 12:00").resolution,
        pending("11-08 00:00", 12 * H)
    );
    // Resolved again at 11-08 01:00: 24 h + 49 h = 73 h, an hour late.
    events.push(status("11-08 01:00", InProgress, Resolved));
    let state = report(P3, &events, "11-08 02:00").resolution;
    let late = late("11-08 01:00", H);
    assert_eq!(state, late);
    assert_eq!(state.text(), "met 1 h late");
    // The response was met long ago and stays met.
    let response = report(P3, &events, "11-08 02:00").response;
    assert_eq!(response, met("11-02 01:00"));
}

#[test]
fn an_escalation_applies_the_new_target_from_creation() {
    // Impact 2 × urgency 2 (P3) raised to 1 × 1 (P1) at 10:00, unanswered.
    let events = [created(C), reprioritised("11-02 10:00", (2, 2), (1, 1))];
    let before = report(P1, &events, "11-02 09:00");
    assert_eq!(before.priority, P3);
    assert_eq!(before.response, pending("11-02 12:00", 3 * H));
    let after = report(P1, &events, "11-02 10:00");
    assert_eq!(after.priority, P1);
    assert_eq!(
        after.response,
        SlaState::Breached {
            by_ms: H + 45 * MIN
        }
    );
    assert_eq!(after.response.text(), "breached by 1 h 45 min");
}

#[test]
fn a_target_met_before_an_escalation_stays_met() {
    let events = [
        created(C),
        status("11-02 09:30", New, InProgress),
        reprioritised("11-02 10:00", (2, 2), (1, 1)),
    ];
    let at_11 = report(P1, &events, "11-02 11:00");
    assert_eq!(at_11.response, met("11-02 09:30"));
    // Resolution now runs against P1's 4 h: 3 h used, due 12:00.
    assert_eq!(at_11.resolution, pending("11-02 12:00", H));
}

#[test]
fn a_downgrade_relaxes_the_target() {
    // P1 (1 × 1) lowered to P4 (2 × 3) at 08:30 before anyone answered.
    let events = [created(C), reprioritised("11-02 08:30", (1, 1), (2, 3))];
    assert_eq!(
        report(P4, &events, "11-02 08:20").response,
        breached(5 * MIN)
    );
    assert_eq!(
        report(P4, &events, "11-02 09:00").response,
        pending("11-03 08:00", 23 * H)
    );
}

#[test]
fn cancelled_incidents_have_no_targets() {
    let events = [created(C), status("11-02 08:10", New, Cancelled)];
    let r = report(P1, &events, "11-03 00:00");
    assert_eq!(
        (r.response, r.update, r.resolution),
        (
            SlaState::NotApplicable,
            SlaState::NotApplicable,
            SlaState::NotApplicable
        )
    );
    assert!(!r.any_breached());
    assert_eq!(r.resolution.text(), "not applicable");
}

#[test]
fn events_after_the_time_asked_are_not_seen() {
    let events = [created(C), status("11-02 10:00", New, Acknowledged)];
    let r = report(P3, &events, "11-02 09:00");
    assert_eq!(r.response, pending("11-02 12:00", 3 * H));
}

#[test]
fn asking_before_creation_shows_the_whole_target() {
    // A tablet whose clock lags asks at 07:59 about an incident logged at 08:00.
    let r = report(P2, &[created(C)], "11-02 07:59");
    assert_eq!(r.response, pending("11-02 09:00", H + MIN));
    assert_eq!(r.resolution, pending("11-03 08:00", 24 * H + MIN));
}

#[test]
fn any_missed_target_flags_the_incident() {
    let events = [created(C), status("11-02 09:30", New, Acknowledged)];
    // P2's response was met 30 min late; everything else is on time.
    let r = report(P2, &events, "11-02 10:00");
    assert!(!r.resolution.is_breached() && r.any_breached());
    assert!(!report(P3, &events, "11-02 10:00").any_breached());
}

#[test]
fn creation_time_comes_from_the_created_event() {
    let events = [status("11-02 09:00", New, Acknowledged), created(C)];
    assert_eq!(created_at(&events), Some(t(C)));
    assert_eq!(created_at(&events[..1]), Some(t("11-02 09:00")));
    assert_eq!(created_at(&[]), None);
}

#[test]
fn targets_match_the_documented_table() {
    let rows = [
        (P1, 15 * MIN, H, 4 * H),
        (P2, H, 4 * H, 24 * H),
        (P3, 4 * H, 84 * H, 72 * H),
        (P4, 24 * H, 84 * H, 168 * H),
        (P5, 72 * H, 84 * H, 720 * H),
    ];
    for (p, response_ms, update_ms, resolution_ms) in rows {
        let expected = Targets {
            response_ms,
            update_ms,
            resolution_ms,
        };
        assert_eq!(targets(p), expected, "{p}");
    }
}
