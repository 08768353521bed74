//! The regulator log: which cases it holds, in what order, who sees names,
//! and the CSV it exports; plus the schema fields it reads.

use serde_json::{Value, json};

use super::*;
use crate::{Change, Hlc};

const NORTH: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c0a";
const ID: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";

fn record(fields: &[(&str, Value)]) -> Record {
    let mut r = Record::default();
    let hlc = Hlc::new(1, 0, "t").unwrap();
    for (f, v) in fields {
        r.apply(f, v, &hlc);
    }
    r
}

/// A recordable case at North on `date` (`MM-DD` of 2026 unless a year is given).
fn case(number: &str, date: &str, extra: &[(&str, Value)]) -> Record {
    let date = if date.len() == 5 {
        format!("2026-{date}")
    } else {
        date.to_owned()
    };
    let mut fields = vec![
        ("recordable", json!(true)),
        ("title", json!("Cut hand")),
        ("site", json!(NORTH)),
        ("case_number", json!(number)),
        ("occurred_at", json!(format!("{date}T10:00:00.000Z"))),
    ];
    // Later values replace earlier ones of the same field.
    fields.retain(|(f, _)| extra.iter().all(|(g, _)| g != f));
    fields.extend(extra.iter().cloned());
    record(&fields)
}

fn sites() -> SiteNames {
    [(NORTH.to_owned(), "North yard".to_owned())].into()
}

fn full() -> Record {
    case(
        "2026-003",
        "11-14",
        &[
            ("person_name", json!("Zoë Adams")),
            ("job_title", json!("Pump technician")),
            ("description", json!("Left hand, sharp flange edge")),
            ("outcome", json!("days_away")),
            ("days_away", json!(4)),
            ("days_restricted", json!(2)),
            ("injury_type", json!("injury")),
        ],
    )
}

#[test]
fn a_recordable_incident_becomes_a_row_with_every_column() {
    let row = LogRow::from_record(ID, &full(), &sites(), Visibility::Manager).unwrap();
    assert_eq!(
        row.csv_cells(),
        [
            "2026-003",
            "Zoë Adams",
            "Pump technician",
            "2026-11-14",
            "North yard",
            "Cut hand: Left hand, sharp flange edge",
            "Days away from work",
            "4",
            "2",
            "Injury",
        ]
    );
    assert_eq!(row.outcome, Some(Outcome::DaysAway));
}

#[test]
fn only_managers_see_the_name() {
    let other = LogRow::from_record(ID, &full(), &sites(), Visibility::Other).unwrap();
    assert_eq!(other.name, PRIVACY_CASE);
    assert!(!other.csv_cells().iter().any(|c| c.contains("Zoë")));
    let unnamed = case("2026-004", "11-15", &[]);
    let row = LogRow::from_record(ID, &unnamed, &sites(), Visibility::Other).unwrap();
    assert_eq!(row.name, "");
}

#[test]
fn an_unclassified_case_says_so_and_counts_no_days() {
    let row = LogRow::from_record(
        ID,
        &case("", "11-15", &[]),
        &SiteNames::new(),
        Visibility::Manager,
    )
    .unwrap();
    let cells = row.csv_cells();
    assert_eq!((cells[4].as_str(), cells[5].as_str()), ("", "Cut hand"));
    assert_eq!(&cells[6..], ["Not classified", "0", "0", ""]);
}

#[test]
fn the_yearly_log_holds_recordable_cases_of_that_year_in_case_order() {
    let records = [
        ("b", case("2026-002", "03-01", &[])),
        ("a", case("2026-001", "05-01", &[])),
        ("late", case("", "02-01", &[])),
        ("later", case("", "01-15", &[])),
        ("last-year", case("2025-009", "2025-12-31", &[])),
        ("next-year", case("2027-001", "2027-01-01", &[])),
        (
            "no",
            case("2026-005", "04-01", &[("recordable", json!(false))]),
        ),
        (
            "cancelled",
            case("2026-006", "04-01", &[("status", json!("cancelled"))]),
        ),
        (
            "deleted",
            case("2026-007", "04-01", &[("deleted", json!(true))]),
        ),
    ];
    let log = yearly_log(
        records.iter().map(|(id, r)| (*id, r)),
        &sites(),
        2026,
        Visibility::Manager,
    );
    let ids: Vec<&str> = log.iter().map(|r| r.incident_id.as_str()).collect();
    // Numbered cases first by number; unnumbered ones after, by date.
    assert_eq!(ids, ["a", "b", "later", "late"]);
}

#[test]
fn the_log_exports_as_csv_with_its_header() {
    let row = LogRow::from_record(ID, &full(), &sites(), Visibility::Other).unwrap();
    let text = crate::csv::write(
        [LogRow::csv_header().map(str::to_owned), row.csv_cells()],
        false,
    );
    assert_eq!(
        text,
        "Case number,Employee's name,Job title,Date of injury or onset of illness,\
         Where the event occurred,Description,Classification,Days away from work,\
         Days on job transfer or restriction,Injury or illness type\r\n\
         2026-003,Privacy case,Pump technician,2026-11-14,North yard,\
         \"Cut hand: Left hand, sharp flange edge\",Days away from work,4,2,Injury\r\n"
    );
}

#[test]
fn the_schema_accepts_the_log_fields_and_refuses_bad_ones() {
    let change = |field: &str, value: Value| Change {
        collection: "incidents".into(),
        id: ID.into(),
        field: field.into(),
        value,
        hlc: Hlc::new(1, 0, "t").unwrap(),
    };
    for (f, v) in [
        ("case_number", json!("2026-003")),
        ("person_name", json!("Zoë Adams")),
        ("job_title", json!("Pump technician")),
        ("outcome", json!("restricted")),
        ("days_away", json!(180)),
        ("days_restricted", json!(0)),
        ("injury_type", json!("hearing_loss")),
    ] {
        assert_eq!(schema::validate(&change(f, v.clone())), Ok(()), "{f} = {v}");
    }
    let err = schema::validate(&change("days_away", json!(181))).unwrap_err();
    assert_eq!(err.to_string(), "days_away must be between 0 and 180");
    let err = schema::validate(&change("outcome", json!("hurt"))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "outcome must be one of death, days_away, restricted, other_recordable"
    );
    let codes: Vec<_> = Outcome::ALL.iter().map(|o| o.code()).collect();
    assert_eq!(codes, schema::OUTCOMES);
}
