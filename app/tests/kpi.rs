//! The KPI pages' pure parts in the browser: the period and filters in the
//! URL, the chart scale, the KPI table in words and the CSV exports, on a
//! small data set whose numbers are counted by hand.

use outpost_app::components::chart::{month_abbrev, nice_max, scale};
use outpost_app::export::{actions_csv, incidents_csv, kpi_csv, outstanding_actions};
use outpost_app::kpi::{KpiData, kpi_rows, parse_period, parse_query, period_param, query_string};
use outpost_app::pages::regulator::{log_year, visibility};
use outpost_app::pages::report::report_month;
use outpost_client::storage::StoredRecord;
use outpost_model::kpi::{Filter, Period};
use outpost_model::protocol::Role;
use outpost_model::regulator::Visibility;
use outpost_model::time::parse_rfc3339_ms;
use outpost_model::{Change, Hlc, Priority};
use serde_json::{Value, json};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn ms(s: &str) -> u64 {
    parse_rfc3339_ms(s).unwrap()
}

fn record(collection: &str, id: &str, fields: &[(&str, Value)]) -> StoredRecord {
    let mut r = StoredRecord::new(collection, id);
    for (i, (field, value)) in fields.iter().enumerate() {
        r.apply(&Change {
            collection: collection.into(),
            id: id.into(),
            field: (*field).into(),
            value: value.clone(),
            hlc: Hlc::new(1_000 + i as u64, 0, "dev-a").unwrap(),
        });
    }
    r
}

fn event(id: &str, incident: &str, kind: &str, data: Value, at: &str) -> StoredRecord {
    record(
        "events",
        id,
        &[
            ("incident_id", json!(incident)),
            ("kind", json!(kind)),
            ("data", data),
            ("at", json!(at)),
        ],
    )
}

const A: &str = "019a0000-0000-7000-8000-00000000000a";
const B: &str = "019a0000-0000-7000-8000-00000000000b";
const SITE: &str = "019a0000-0000-7000-8000-0000000000f1";

/// October 2026: A (P1, `=cmd` title) logged on the 5th, acknowledged an
/// hour later, resolved a day after logging; B (P3) logged on the 10th and
/// still new. An action of A is open and was due on the 20th.
fn october() -> KpiData {
    let incidents = [
        record(
            "incidents",
            A,
            &[
                ("title", json!("=cmd, \"quoted\"")),
                ("category", json!("injury")),
                ("site", json!(SITE)),
                ("impact", json!(1)),
                ("urgency", json!(1)),
                ("status", json!("resolved")),
                ("root_cause", json!("Worn guard")),
            ],
        ),
        record(
            "incidents",
            B,
            &[
                ("title", json!("Pump tripped")),
                ("category", json!("equipment_failure")),
                ("impact", json!(2)),
                ("urgency", json!(3)),
                ("status", json!("new")),
            ],
        ),
    ];
    let events = [
        event("e1", A, "created", json!({}), "2026-10-05T08:00:00.000Z"),
        event(
            "e2",
            A,
            "status",
            json!({"from": "new", "to": "acknowledged", "reason": null}),
            "2026-10-05T09:00:00.000Z",
        ),
        event(
            "e3",
            A,
            "status",
            json!({"from": "acknowledged", "to": "resolved", "reason": null}),
            "2026-10-06T08:00:00.000Z",
        ),
        event("e4", B, "created", json!({}), "2026-10-10T12:00:00.000Z"),
    ];
    let actions = [record(
        "actions",
        "019a0000-0000-7000-8000-0000000000c1",
        &[
            ("incident_id", json!(A)),
            ("title", json!("Fit a new guard")),
            ("due", json!("2026-10-20T00:00:00.000Z")),
            ("status", json!("open")),
        ],
    )];
    let sites = vec![record("sites", SITE, &[("name", json!("North yard"))])];
    KpiData::from_records(&incidents, &events, &actions, sites, Vec::new(), &[])
}

const NOW: &str = "2026-11-26T21:38:04.123Z";

#[wasm_bindgen_test]
fn periods_read_and_write_the_same_url_text() {
    assert_eq!(parse_period("2026-11"), Period::month(2026, 11));
    assert_eq!(parse_period("2026-Q4"), Period::quarter(2026, 4));
    assert_eq!(parse_period("2026-13"), None);
    assert_eq!(parse_period("soon"), None);
    for text in ["2026-01", "2026-Q1", "2025-12"] {
        assert_eq!(period_param(&parse_period(text).unwrap()), text);
    }
}

#[wasm_bindgen_test]
fn the_url_query_round_trips_and_ignores_unknown_codes() {
    let now = ms(NOW);
    let url = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| pairs.iter().find(|p| p.0 == k).map(|p| p.1.to_owned())
    };
    let (period, filter) = parse_query(url(&[]), now);
    assert_eq!(period, Period::month(2026, 11).unwrap());
    assert_eq!(filter, Filter::default());

    let (period, filter) = parse_query(
        url(&[
            ("period", "2026-Q3"),
            ("site", SITE),
            ("category", "not_a_category"),
            ("priority", "P2"),
            ("kind", "service_request"),
        ]),
        now,
    );
    assert_eq!(period, Period::quarter(2026, 3).unwrap());
    assert_eq!(filter.site.as_deref(), Some(SITE));
    assert_eq!(filter.category, None);
    assert_eq!(filter.priority, Some(Priority::P2));
    assert_eq!(filter.kind.as_deref(), Some("service_request"));
    assert_eq!(
        query_string(&period, &filter),
        format!("?period=2026-Q3&site={SITE}&priority=P2&kind=service_request")
    );
}

#[wasm_bindgen_test]
fn chart_scales_end_on_round_numbers() {
    assert_eq!(nice_max(0), 1);
    assert_eq!(nice_max(1), 1);
    assert_eq!(nice_max(3), 5);
    assert_eq!(nice_max(7), 10);
    assert_eq!(nice_max(11), 20);
    assert_eq!(nice_max(120), 200);
    assert_eq!(scale(5, 10, 200.0), 100.0);
    assert_eq!(scale(12, 10, 200.0), 200.0);
    assert_eq!(scale(3, 0, 200.0), 0.0);
    assert_eq!(month_abbrev(11), "Nov");
}

#[wasm_bindgen_test]
fn the_kpi_table_shows_hand_counted_numbers_beside_the_previous_month() {
    let data = october();
    let now = ms(NOW);
    let oct = Period::month(2026, 10).unwrap();
    let this = data.report(oct, &Filter::default(), now);
    let before = data.report(oct.previous().unwrap(), &Filter::default(), now);
    let rows = kpi_rows(&this, Some(&before));
    let row = |m: &str| rows.iter().find(|r| r.measure == m).unwrap().clone();
    assert_eq!(
        (row("Opened").this, row("Opened").previous),
        ("2".into(), "0".into())
    );
    assert_eq!(row("Resolved").this, "1");
    assert_eq!(row("Backlog at period end").this, "1");
    assert_eq!(row("Backlog aged 8–30 days").this, "1");
    assert_eq!(
        row("Mean time to acknowledge (MTTA)").this,
        "1 h (median 1 h)"
    );
    assert_eq!(
        row("Mean time to resolve (MTTR)").this,
        "1 day (median 1 day)"
    );
    assert_eq!(row("Open actions").this, "1");
    assert_eq!(row("Overdue actions").this, "1");
    assert_eq!(
        row("Incident rate (per 200,000 h)").this,
        "No hours entered"
    );

    let csv = kpi_csv(&rows, "October 2026", "September 2026", false);
    assert!(csv.starts_with("Measure,October 2026,September 2026\r\nOpened,2,0\r\n"));
}

#[wasm_bindgen_test]
fn the_incident_csv_lists_the_filtered_incidents_quoted_and_defused() {
    let data = october();
    let now = ms(NOW);
    let oct = Period::month(2026, 10).unwrap();
    let csv = incidents_csv(&data, &oct, &Filter::default(), now, true);
    assert!(csv.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        lines.len(),
        4,
        "header, two incidents and the final line end: {csv}"
    );
    assert!(lines[0].starts_with("Id,Logged,Title,"));
    assert_eq!(
        lines[1],
        format!(
            "{A},2026-10-05,\"'=cmd, \"\"quoted\"\"\",Incident,Injury,North yard,P1,Resolved,No,Worn guard,"
        )
    );
    let p1_only = Filter {
        priority: Some(Priority::P1),
        ..Filter::default()
    };
    let csv = incidents_csv(&data, &oct, &p1_only, now, false);
    assert_eq!(csv.lines().count(), 2);

    let actions = outstanding_actions(&data, &Filter::default(), now);
    assert_eq!(actions.len(), 1);
    assert!(actions[0].overdue);
    let csv = actions_csv(&actions, false);
    assert!(
        csv.contains(",Fit a new guard,,2026-10-20,Open,Yes\r\n"),
        "{csv}"
    );
}

#[wasm_bindgen_test]
fn names_on_the_regulator_log_are_for_managers_and_admins() {
    assert_eq!(visibility(Some(Role::Manager)), Visibility::Manager);
    assert_eq!(visibility(Some(Role::Admin)), Visibility::Manager);
    assert_eq!(visibility(Some(Role::Reporter)), Visibility::Other);
    assert_eq!(visibility(None), Visibility::Other);
    let now = ms(NOW);
    assert_eq!(log_year(Some("2025"), now), 2025);
    assert_eq!(log_year(Some("3000"), now), 2026);
    assert_eq!(log_year(None, now), 2026);
}

#[wasm_bindgen_test]
fn the_report_defaults_to_last_month() {
    let now = ms(NOW);
    assert_eq!(report_month(None, now), Period::month(2026, 10));
    assert_eq!(report_month(Some("2026-03"), now), Period::month(2026, 3));
    assert_eq!(report_month(Some("2026-Q3"), now), Period::month(2026, 10));
}
