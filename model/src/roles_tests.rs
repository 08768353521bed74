//! The role rules, case by case, without a store.

use crate::Hlc;
use serde_json::{Value, json};

use super::*;

const INCIDENT: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c99";

fn user(role: Role) -> User {
    User {
        id: "u-me".into(),
        name: "me".into(),
        role,
        disabled: false,
    }
}

fn change(collection: &str, field: &str, value: Value) -> Change {
    Change {
        collection: collection.into(),
        id: "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01".into(),
        field: field.into(),
        value,
        hlc: Hlc::new(1, 0, "d").expect("stamp"),
    }
}

fn facts(created_by: Option<&str>, reported_by: Option<&str>) -> RecordFacts {
    RecordFacts {
        exists: created_by.is_some(),
        created_by: created_by.map(str::to_owned),
        reported_by: reported_by.map(str::to_owned),
    }
}

/// A store where the incident [`INCIDENT`] was reported by `owner`.
fn incident_of(owner: &'static str) -> impl Fn(&str, &str) -> Option<RecordFacts> {
    move |_, id| {
        Some(if id == INCIDENT {
            facts(Some(owner), Some(owner))
        } else {
            facts(None, None)
        })
    }
}

fn check(role: Role, c: &Change, f: &RecordFacts) -> Result<(), String> {
    may_write(&user(role), c, f, &incident_of("u-other"))
}

#[test]
fn managers_and_admins_may_change_anything() {
    let theirs = facts(Some("u-other"), Some("u-other"));
    for role in [Role::Manager, Role::Admin] {
        for c in ["incidents", "sites", "events", "problems"] {
            assert_eq!(
                check(role, &change(c, "title", json!("x")), &theirs),
                Ok(())
            );
        }
    }
}

#[test]
fn a_reporter_creates_incidents_and_changes_only_their_own() {
    let title = change("incidents", "title", json!("Leak"));
    let r = Role::Reporter;
    assert!(check(r, &title, &facts(None, None)).is_ok());
    assert!(check(r, &title, &facts(Some("u-other"), Some("u-me"))).is_ok());
    assert!(check(r, &title, &facts(Some("u-me"), None)).is_ok());
    assert!(check(r, &title, &facts(Some("u-me"), Some("u-other"))).is_err());
    assert!(check(r, &title, &facts(Some("u-other"), None)).is_err());
}

#[test]
fn a_reporter_can_only_name_themselves_as_reporter() {
    let new = facts(None, None);
    let r = Role::Reporter;
    assert!(check(r, &change("incidents", "reported_by", json!("u-me")), &new).is_ok());
    assert!(check(r, &change("incidents", "reported_by", json!("u-x")), &new).is_err());
    assert!(check(r, &change("incidents", "reported_by", json!(null)), &new).is_err());
}

#[test]
fn a_reporter_adds_sites_but_changes_only_the_ones_they_added() {
    let name = change("sites", "name", json!("North yard"));
    let r = Role::Reporter;
    assert!(check(r, &name, &facts(None, None)).is_ok());
    assert!(check(r, &name, &facts(Some("u-me"), None)).is_ok());
    assert!(check(r, &name, &facts(Some("u-other"), None)).is_err());
}

#[test]
fn a_reporter_adds_timeline_entries_to_their_own_incidents_only_as_themselves() {
    let me = user(Role::Reporter);
    let new = facts(None, None);
    let on = |incident: &str| change("events", "incident_id", json!(incident));
    assert!(may_write(&me, &on(INCIDENT), &new, &incident_of("u-me")).is_ok());
    assert!(may_write(&me, &on(INCIDENT), &new, &incident_of("u-other")).is_err());
    // An incident not on the server yet is being created by this push.
    let unknown = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c77";
    assert!(may_write(&me, &on(unknown), &new, &incident_of("u-other")).is_ok());
    let author = |who: &str| change("events", "author", json!(who));
    assert!(may_write(&me, &author("u-me"), &new, &incident_of("u-me")).is_ok());
    assert!(may_write(&me, &author("u-x"), &new, &incident_of("u-me")).is_err());
    let written = facts(Some("u-me"), None);
    assert!(
        may_write(
            &me,
            &change("events", "body", json!("x")),
            &written,
            &incident_of("u-me")
        )
        .is_err()
    );
}

#[test]
fn a_reporter_changes_only_the_actions_and_attachments_they_added() {
    let me = user(Role::Reporter);
    for collection in ["actions", "attachments"] {
        let c = change(collection, "status", json!("done"));
        assert!(may_write(&me, &c, &facts(Some("u-me"), None), &incident_of("u-me")).is_ok());
        assert!(may_write(&me, &c, &facts(Some("u-x"), None), &incident_of("u-me")).is_err());
    }
}

#[test]
fn problems_are_for_managers() {
    let c = change("problems", "title", json!("x"));
    assert!(check(Role::Reporter, &c, &facts(None, None)).is_err());
}

#[test]
fn a_reporter_may_edit_only_incidents_they_reported_or_new_ones() {
    let me = user(Role::Reporter);
    assert!(may_edit_incident(&me, &facts(None, None)), "a new incident");
    assert!(may_edit_incident(
        &me,
        &facts(Some("u-other"), Some("u-me"))
    ));
    assert!(!may_edit_incident(
        &me,
        &facts(Some("u-me"), Some("u-other"))
    ));
    assert!(may_edit_incident(&me, &facts(Some("u-me"), None)));
}

#[test]
fn only_managers_and_admins_manage() {
    assert!(!may_manage(Role::Reporter));
    assert!(may_manage(Role::Manager));
    assert!(may_manage(Role::Admin));
}

#[test]
fn reported_by_me_falls_back_to_the_first_writer_only_without_a_reporter() {
    assert!(reported_by_me(&facts(Some("u-x"), Some("u-me")), "u-me"));
    assert!(!reported_by_me(&facts(Some("u-me"), Some("u-x")), "u-me"));
    assert!(reported_by_me(&facts(Some("u-me"), None), "u-me"));
    assert!(!reported_by_me(&facts(Some("u-x"), None), "u-me"));
}

#[test]
fn a_tablet_that_cannot_know_the_first_writer_refuses_an_incident_without_reporter() {
    // The tablet builds facts from its local record: it exists, but who sent
    // its first change is unknown, so the reporter is not offered the edit.
    let local = RecordFacts {
        exists: true,
        created_by: None,
        reported_by: None,
    };
    assert!(!may_edit_incident(&user(Role::Reporter), &local));
    assert!(may_edit_incident(&user(Role::Manager), &local));
    let title = change("incidents", "title", json!("Leak"));
    assert!(check(Role::Reporter, &title, &local).is_err());
    assert!(check(Role::Manager, &title, &local).is_ok());
}
