//! Turning forms into writes: site reuse by name, only changed fields, the
//! fields a new incident gets, form problems in words, and sync back-off.

use outpost_client::edits::{
    FormField, IncidentForm, SiteChoice, Write, changed_writes, new_incident_writes,
};
use outpost_client::schedule::{BACKOFF_CAP_MS, backoff_ms};
use outpost_client::storage::StoredRecord;
use outpost_model::{Change, Hlc};
use serde_json::json;

const SITE: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c02";
const ID: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";

fn site(id: &str, name: &str, deleted: bool) -> StoredRecord {
    let mut r = StoredRecord::new("sites", id);
    for (field, value) in [("name", json!(name)), ("deleted", json!(deleted))] {
        r.apply(&Change {
            collection: "sites".into(),
            id: id.into(),
            field: field.into(),
            value,
            hlc: Hlc::new(1, 0, "n").unwrap(),
        });
    }
    r
}

fn form() -> IncidentForm {
    IncidentForm {
        title: "Pump 3 leaking".into(),
        category: "near_miss".into(),
        site: "north yard".into(),
        ..IncidentForm::blank()
    }
}

fn fields(writes: &[Write]) -> Vec<(&str, &str)> {
    writes.iter().map(|w| (w.collection, w.field)).collect()
}

#[test]
fn an_existing_site_is_reused_by_name_whatever_the_case() {
    let sites = [site(SITE, "North Yard", false)];
    let choice = SiteChoice::resolve(&sites, "  north yard ", || unreachable!());
    assert_eq!(choice, SiteChoice::Existing(SITE.into()));
    assert!(choice.writes().is_empty());
}

#[test]
fn an_unknown_or_deleted_site_name_makes_a_new_site() {
    let sites = [site(SITE, "North yard", true)];
    let choice = SiteChoice::resolve(&sites, "North yard", || "new-id".into());
    assert_eq!(
        choice,
        SiteChoice::New {
            id: "new-id".into(),
            name: "North yard".into()
        }
    );
    assert_eq!(fields(&choice.writes()), vec![("sites", "name")]);
    assert_eq!(
        SiteChoice::resolve(&sites, "  ", || unreachable!()),
        SiteChoice::None
    );
}

#[test]
fn a_new_incident_writes_every_field_with_defaults() {
    let choice = SiteChoice::Existing(SITE.into());
    let writes = new_incident_writes(
        &form(),
        ID,
        &choice,
        "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c03",
        "2026-11-26T21:38:04.123Z",
    );
    let value = |f: &str| {
        writes
            .iter()
            .find(|w| w.field == f)
            .map(|w| w.value.clone())
    };
    assert_eq!(value("kind"), Some(json!("incident")));
    assert_eq!(value("status"), Some(json!("new")));
    assert_eq!(value("impact"), Some(json!(2)));
    assert_eq!(value("urgency"), Some(json!(2)));
    assert_eq!(value("site"), Some(json!(SITE)));
    assert_eq!(
        value("reported_by"),
        Some(json!("0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c03"))
    );
    assert_eq!(
        value("description"),
        None,
        "an empty description is not written"
    );
    assert!(
        writes
            .iter()
            .all(|w| w.collection == "incidents" && w.id == ID)
    );
    // Every write is valid for the schema.
    for w in &writes {
        let change = Change {
            collection: w.collection.into(),
            id: w.id.clone(),
            field: w.field.into(),
            value: w.value.clone(),
            hlc: Hlc::new(1, 0, "n").unwrap(),
        };
        assert_eq!(
            outpost_model::schema::validate(&change),
            Ok(()),
            "{}",
            w.field
        );
    }
}

#[test]
fn only_changed_fields_are_written() {
    let before = IncidentForm {
        status: "new".into(),
        ..form()
    };
    let after = IncidentForm {
        urgency: "1".into(),
        status: "in_progress".into(),
        ..before.clone()
    };
    let writes = changed_writes(&before, &after, ID, &SiteChoice::None);
    assert_eq!(
        fields(&writes),
        vec![("incidents", "urgency"), ("incidents", "status")]
    );
    assert_eq!(writes[0].value, json!(1));
    assert!(changed_writes(&before, &before, ID, &SiteChoice::None).is_empty());
}

#[test]
fn form_problems_name_the_field_in_words() {
    let blank = IncidentForm::blank();
    let problems = blank.problems();
    assert!(problems.contains(&(FormField::Title, "Title is needed.".into())));
    assert!(problems.contains(&(
        FormField::Category,
        "Choose a category from the list.".into()
    )));
    assert!(form().problems().is_empty());
    assert_eq!(blank.priority().map(|p| p.description()), Some("P3 medium"));
}

#[test]
fn backoff_grows_and_is_capped_at_five_minutes() {
    assert_eq!(backoff_ms(1, 0.0), 1_000);
    assert_eq!(backoff_ms(1, 1.0), 2_000);
    assert!(backoff_ms(3, 0.5) > backoff_ms(2, 0.5));
    for failures in [10, 30, u32::MAX] {
        let d = backoff_ms(failures, 1.0);
        assert!((BACKOFF_CAP_MS / 2..=BACKOFF_CAP_MS).contains(&d));
    }
}
