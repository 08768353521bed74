//! Edge cases of the KPI maths: an empty month, a month not over yet,
//! incidents that span months, reopening across a month end, reading
//! straight from records, and hours for a part of a month.

use serde_json::json;

use super::fixture::*;
use super::*;
use crate::status::Status::*;
use crate::time::{DAY_MS, HOUR_MS, MINUTE_MS, format_rfc3339_ms};

#[test]
fn an_empty_month_counts_zero_and_leaves_means_undefined() {
    let data = Data::new();
    let september = Period::month(2026, 9).unwrap();
    let r = report(&data.input(), september, &Filter::default(), later());
    assert_eq!((r.opened, r.resolved, r.closed, r.cancelled), (0, 0, 0, 0));
    assert_eq!(r.backlog, Backlog::default());
    assert_eq!(r.mtta, DurationStats::default());
    assert_eq!((r.mttr.mean_ms, r.mttr.median_ms), (None, None));
    assert_eq!(r.sla, SlaCompliance::default());
    assert_eq!(r.sla.response.rate, None);
    assert_eq!(r.reopen_rate.rate, None);
    assert_eq!(r.actions, ActionCounts::default());
    // No hours were entered for September: no rate rather than a division by zero.
    assert_eq!(
        (r.recordables, r.hours_worked, r.incident_rate),
        (0, 0.0, None)
    );
    assert_eq!(r.by_priority.len(), 5);
    assert!(r.by_category.is_empty() && r.by_site.is_empty());

    let nothing = HoursWorked::new();
    let empty = KpiInput {
        incidents: &[],
        actions: &[],
        hours: &nothing,
    };
    let r = report(&empty, november(), &Filter::default(), later());
    assert_eq!((r.opened, r.backlog.open, r.mttr.count), (0, 0, 0));
    assert_eq!(r.trend.len(), 12);
}

#[test]
fn an_incident_open_across_months_is_opened_once_and_in_both_backlogs() {
    let data = Data::new();
    let e: Vec<Incident> = data
        .incidents
        .iter()
        .filter(|i| i.id == "E")
        .cloned()
        .collect();
    let input = KpiInput {
        incidents: &e,
        ..data.input()
    };
    let oct = report(
        &input,
        Period::month(2026, 10).unwrap(),
        &Filter::default(),
        later(),
    );
    let nov = report(&input, november(), &Filter::default(), later());
    assert_eq!((oct.opened, oct.backlog.open), (1, 1));
    assert_eq!((nov.opened, nov.backlog.open), (0, 1));
    // Aged 6 d 16 h on 11-01, 36 d 16 h on 12-01.
    assert_eq!((oct.backlog.days_3_7, nov.backlog.over_30_days), (1, 1));
    // Its resolution breached in October counts there and not again.
    assert_eq!(oct.sla.resolution, Share::new(0, 1));
    assert_eq!(nov.sla.resolution, Share::new(0, 0));
}

#[test]
fn a_month_not_over_yet_stands_at_now() {
    // On 11-03 08:10 the P1 incident A is 10 minutes old and unanswered:
    // not yet breached, so its response is not decided.
    let now = t("11-03 08:10");
    let r = report(&Data::new().input(), november(), &Filter::default(), now);
    assert_eq!(r.as_of_ms, now);
    // Opened by then: B (11-02 08:00) and A.
    assert_eq!(r.opened, 2);
    // Open: A, B and E; nothing has yet been answered late.
    assert_eq!(r.backlog.open, 3);
    assert_eq!(r.sla.response, Share::new(1, 1)); // B, answered 11-02 09:00
    // E's update, due 11-03 20:00, is not yet late; A's, due 09:00, neither.
    assert_eq!(r.sla.update, Share::new(3, 3));
    // The trend's last month stops at now too.
    assert_eq!(r.trend[11].opened, 2);
}

#[test]
fn resolved_in_october_and_again_in_november_counts_in_both_months() {
    // P3 logged 10-30 08:00, resolved 10-30 12:00 (4 h), reopened 11-02
    // 08:00, resolved 11-02 10:00: 2 h more, so 6 h to the last resolve.
    let x = incident(
        "X",
        (2, 2),
        "other",
        NORTH,
        &[],
        vec![
            created("10-30 08:00"),
            status("10-30 08:00", New, InProgress),
            status("10-30 12:00", InProgress, Resolved),
            status("11-02 08:00", Resolved, InProgress),
            status("11-02 10:00", InProgress, Resolved),
        ],
    );
    let data = Data::new();
    let input = KpiInput {
        incidents: std::slice::from_ref(&x),
        ..data.input()
    };
    let oct = report(
        &input,
        Period::month(2026, 10).unwrap(),
        &Filter::default(),
        later(),
    );
    assert_eq!(
        (oct.resolved, oct.mttr.mean_ms),
        (1, Some((4 * HOUR_MS) as f64))
    );
    assert_eq!(oct.reopen_rate, Share::new(0, 1)); // not yet reopened on 11-01
    let nov = report(&input, november(), &Filter::default(), later());
    assert_eq!(
        (nov.resolved, nov.mttr.mean_ms),
        (1, Some((6 * HOUR_MS) as f64))
    );
    assert_eq!(nov.reopen_rate, Share::new(1, 1));
    // The resolution target was decided (met) in October, not again.
    assert_eq!(
        (oct.sla.resolution, nov.sla.resolution),
        (Share::new(1, 1), Share::new(0, 0))
    );
}

#[test]
fn on_hold_pauses_mttr_but_not_elapsed_time() {
    // P4 logged 11-02 00:00, on hold 11-02 02:00 to 11-09 02:00 (a week),
    // resolved 11-09 03:00: 3 h of work in 7 days 3 h.
    let y = incident(
        "Y",
        (2, 3),
        "other",
        SOUTH,
        &[],
        vec![
            created("11-02 00:00"),
            status("11-02 01:00", New, Acknowledged),
            status("11-02 02:00", Acknowledged, OnHold),
            status("11-09 02:00", OnHold, InProgress),
            status("11-09 03:00", InProgress, Resolved),
        ],
    );
    let data = Data::new();
    let input = KpiInput {
        incidents: std::slice::from_ref(&y),
        ..data.input()
    };
    let r = report(&input, november(), &Filter::default(), later());
    assert_eq!(r.mttr.mean_ms, Some((3 * HOUR_MS) as f64));
    assert_eq!(r.mtta.mean_ms, Some(HOUR_MS as f64));
    // Resolution met: 3 h of 7 days.
    assert_eq!(r.sla.resolution, Share::new(1, 1));
}

#[test]
fn gather_reads_incidents_and_events_from_records() {
    let event = |incident: &str, kind: &str, at: &str, data: serde_json::Value| {
        record(&[
            ("incident_id", json!(incident)),
            ("kind", json!(kind)),
            ("at", json!(format_rfc3339_ms(t(at)))),
            ("data", data),
        ])
    };
    let id = v7("11-04 08:00", 9);
    let incident = record(&[
        ("category", json!("security")),
        ("site", json!(NORTH)),
        ("impact", json!(3)),
        ("urgency", json!(3)),
    ]);
    let gone = record(&[("deleted", json!(true))]);
    let events = [
        event(&id, "created", "11-04 08:00", json!({})),
        event(
            &id,
            "status",
            "11-04 09:00",
            json!({"from": "new", "to": "acknowledged"}),
        ),
        event("someone-else", "created", "11-04 08:00", json!({})),
        record(&[("incident_id", json!(id))]), // half-synced
    ];
    let all = gather([(id.as_str(), &incident), ("gone", &gone)], &events);
    assert_eq!(all.len(), 1);
    let x = &all[0];
    assert_eq!(
        (x.kind.as_str(), x.priority),
        ("incident", Some(Priority::P5))
    );
    assert_eq!((x.created_ms, x.events.len()), (t("11-04 08:00"), 2));
    let nothing = HoursWorked::new();
    let input = KpiInput {
        incidents: &all,
        actions: &[],
        hours: &nothing,
    };
    let r = report(&input, november(), &Filter::default(), later());
    assert_eq!(r.mtta.mean_ms, Some((60 * MINUTE_MS) as f64));
}

#[test]
fn hours_count_in_proportion_to_the_part_of_the_month_inside() {
    // 11-01 to 11-16 is 15 of November's 30 days: half of its 40,000 hours.
    let half = Period::custom(t("11-01 00:00"), t("11-16 00:00")).unwrap();
    let r = report(&Data::new().input(), half, &Filter::default(), later());
    assert_eq!(r.hours_worked, 20_000.0);
    // G occurred 11-14: 1 × 200,000 ÷ 20,000.
    assert_eq!((r.recordables, r.incident_rate), (1, Some(10.0)));
    assert_eq!(half.end_ms - half.start_ms, 15 * DAY_MS);
}
