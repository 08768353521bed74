//! Who may change what, decided here once: the server enforces it on every
//! pushed change, because a tablet can send anything, and the tablet uses
//! the same rule to offer only what will be accepted.
//!
//! - Managers and admins may change every record.
//! - Reporters may create incidents and change the incidents they reported
//!   (the record's current `reported_by`; a record with none counts as
//!   reported by whoever sent its first change). `reported_by` itself can
//!   only ever be set to themselves.
//! - Reporters may add events (notes, photos, status changes of their own
//!   incidents…), actions and attachments to incidents they reported, and
//!   change the actions and attachments they added. Events are never changed
//!   once written, and an event's `author` is always the sender.
//! - Reporters may add a site (the quick form adds one when a new site name
//!   is typed) and change the sites they added, not anyone else's.
//! - Problems, and any collection without rules here, are for managers.
//!
//! "Add" means the record had no change on the server before this push, so
//! every change of a new record in one batch is part of its creation.

use crate::Change;
use crate::protocol::{Role, User};

/// The facts of `(collection, id)`; `None` if they could not be read, which
/// the rules treat as a refusal.
pub type Lookup<'a> = dyn Fn(&str, &str) -> Option<RecordFacts> + 'a;

/// The `code` of a change refused by these rules.
pub const FORBIDDEN: &str = "forbidden";

/// Facts about one record as stored, for the role rules: whether it exists,
/// who sent its first change, and its current `reported_by`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordFacts {
    pub exists: bool,
    /// Who sent the record's first change, as the server's log knows it.
    ///
    /// A tablet cannot know this (it keeps current values, not who sent
    /// them first), so it passes `None`. The rules then treat a record
    /// without `reported_by` as not the reporter's: a tablet never offers an
    /// edit that the server, which falls back to the first writer, might
    /// refuse — the conservative answer, and the correct one on a client.
    pub created_by: Option<String>,
    pub reported_by: Option<String>,
}

/// Whether a person in `role` may change every record: managers and admins.
pub fn may_manage(role: Role) -> bool {
    matches!(role, Role::Manager | Role::Admin)
}

/// Whether `user` may make `change` to a record with these `facts`.
///
/// `lookup` gives the facts of another record (the incident an event,
/// action or attachment points at); `None` means they could not be read,
/// which refuses the change.
pub fn may_write(
    user: &User,
    change: &Change,
    facts: &RecordFacts,
    lookup: &dyn Fn(&str, &str) -> Option<RecordFacts>,
) -> Result<(), String> {
    if may_manage(user.role) {
        return Ok(());
    }
    let me = user.id.as_str();
    let is_me = |value: &serde_json::Value| value.as_str() == Some(me);
    match change.collection.as_str() {
        "incidents" => {
            if change.field == "reported_by" && !is_me(&change.value) {
                return Err("a reporter can only give themselves as the reporter".to_owned());
            }
            if !may_edit_incident(user, facts) {
                return Err(
                    "a reporter can only change incidents they reported; ask a manager".to_owned(),
                );
            }
            Ok(())
        }
        "events" => {
            if facts.exists {
                return Err("timeline entries cannot be changed once written".to_owned());
            }
            if change.field == "author" && !is_me(&change.value) {
                return Err("a timeline entry's author must be the person sending it".to_owned());
            }
            own_incident(change, lookup, me)
        }
        "actions" | "attachments" => {
            if facts.exists && facts.created_by.as_deref() != Some(me) {
                return Err(format!(
                    "a reporter can only change the {} they added; ask a manager",
                    change.collection
                ));
            }
            own_incident(change, lookup, me)
        }
        "sites" => {
            if facts.exists && facts.created_by.as_deref() != Some(me) {
                return Err(
                    "a reporter can add sites but only change the ones they added; ask a manager"
                        .to_owned(),
                );
            }
            Ok(())
        }
        other => Err(format!("only a manager can change records in {other}")),
    }
}

/// Whether `user` may change an incident with these facts: managers and
/// admins any, a reporter a new one or one they reported.
pub fn may_edit_incident(user: &User, facts: &RecordFacts) -> bool {
    may_manage(user.role) || !facts.exists || reported_by_me(facts, &user.id)
}

/// Whether the record was reported by `me`: its `reported_by`, or when it
/// has none, whoever sent its first change.
pub fn reported_by_me(facts: &RecordFacts, me: &str) -> bool {
    match &facts.reported_by {
        Some(who) => who == me,
        None => facts.created_by.as_deref() == Some(me),
    }
}

/// A change that points a record at an incident (`incident_id`) must point at
/// one the reporter reported, or one that does not exist yet (created in the
/// same push or still on its way).
fn own_incident(
    change: &Change,
    lookup: &dyn Fn(&str, &str) -> Option<RecordFacts>,
    me: &str,
) -> Result<(), String> {
    if change.field != "incident_id" {
        return Ok(());
    }
    let Some(incident) = change.value.as_str() else {
        return Err("a reporter must attach this to an incident".to_owned());
    };
    match lookup("incidents", incident) {
        Some(facts) if !facts.exists || reported_by_me(&facts, me) => Ok(()),
        Some(_) => Err(format!(
            "a reporter can only add {} to incidents they reported; ask a manager",
            change.collection
        )),
        None => Err("this change could not be checked".to_owned()),
    }
}

#[cfg(test)]
#[path = "roles_tests.rs"]
mod tests;
