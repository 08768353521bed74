//! Who may change what (DESIGN §5, issue 5): the server enforces roles, not
//! only the app, because a tablet can send anything.
//!
//! - Managers and admins may change every record.
//! - Reporters may create incidents and change the incidents they reported
//!   (the record's current `reported_by`; a record with none counts as
//!   reported by whoever sent its first change). `reported_by` itself can
//!   only ever be set to themselves.
//! - Reporters may create a site (the quick form adds one when a new site
//!   name is typed) and change the sites they created, not anyone else's.
//! - Any other collection is closed to reporters until it has rules of its own.
//!
//! "Create" means the record had no change on the server before this push, so
//! every change of a new record in one batch is part of its creation.

use crate::store::RecordFacts;
use outpost_model::{
    Change,
    protocol::{Role, User},
};

/// The `code` of a change refused by these rules.
pub const FORBIDDEN: &str = "forbidden";

/// Whether `user` may make `change` to a record with these `facts`.
pub fn may_write(user: &User, change: &Change, facts: &RecordFacts) -> Result<(), String> {
    if matches!(user.role, Role::Manager | Role::Admin) {
        return Ok(());
    }
    let mine = |who: &Option<String>| who.as_deref() == Some(user.id.as_str());
    match change.collection.as_str() {
        "incidents" => {
            if change.field == "reported_by" && change.value.as_str() != Some(user.id.as_str()) {
                return Err("a reporter can only give themselves as the reporter".to_owned());
            }
            let reported_by_me = match &facts.reported_by {
                Some(_) => mine(&facts.reported_by),
                None => mine(&facts.created_by),
            };
            if facts.exists && !reported_by_me {
                return Err(
                    "a reporter can only change incidents they reported; ask a manager".to_owned(),
                );
            }
            Ok(())
        }
        "sites" => {
            if facts.exists && !mine(&facts.created_by) {
                return Err(
                    "a reporter can add sites but only change the ones they added; ask a manager"
                        .to_owned(),
                );
            }
            Ok(())
        }
        other => Err(format!("a reporter cannot change records in {other}")),
    }
}

#[cfg(test)]
mod tests {
    use outpost_model::Hlc;
    use serde_json::{Value, json};

    use super::*;

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

    #[test]
    fn managers_and_admins_may_change_anything() {
        let theirs = facts(Some("u-other"), Some("u-other"));
        for role in [Role::Manager, Role::Admin] {
            for c in ["incidents", "sites"] {
                assert_eq!(
                    may_write(&user(role), &change(c, "title", json!("x")), &theirs),
                    Ok(())
                );
            }
        }
    }

    #[test]
    fn a_reporter_creates_incidents_and_changes_only_their_own() {
        let me = user(Role::Reporter);
        let title = change("incidents", "title", json!("Leak"));
        assert!(may_write(&me, &title, &facts(None, None)).is_ok());
        assert!(may_write(&me, &title, &facts(Some("u-other"), Some("u-me"))).is_ok());
        assert!(may_write(&me, &title, &facts(Some("u-me"), None)).is_ok());
        assert!(may_write(&me, &title, &facts(Some("u-me"), Some("u-other"))).is_err());
        assert!(may_write(&me, &title, &facts(Some("u-other"), None)).is_err());
    }

    #[test]
    fn a_reporter_can_only_name_themselves_as_reporter() {
        let me = user(Role::Reporter);
        let new = facts(None, None);
        assert!(
            may_write(
                &me,
                &change("incidents", "reported_by", json!("u-me")),
                &new
            )
            .is_ok()
        );
        assert!(may_write(&me, &change("incidents", "reported_by", json!("u-x")), &new).is_err());
        assert!(may_write(&me, &change("incidents", "reported_by", json!(null)), &new).is_err());
    }

    #[test]
    fn a_reporter_adds_sites_but_changes_only_the_ones_they_added() {
        let me = user(Role::Reporter);
        let name = change("sites", "name", json!("North yard"));
        assert!(may_write(&me, &name, &facts(None, None)).is_ok());
        assert!(may_write(&me, &name, &facts(Some("u-me"), None)).is_ok());
        assert!(may_write(&me, &name, &facts(Some("u-other"), None)).is_err());
    }

    #[test]
    fn collections_without_rules_are_closed_to_reporters() {
        let me = user(Role::Reporter);
        let c = change("problems", "title", json!("x"));
        assert!(may_write(&me, &c, &facts(None, None)).is_err());
    }
}
