//! Conflicts made visible (DESIGN §4 "nothing lost"): when a pulled change
//! replaces a value this tablet wrote, the pair is kept until the person
//! keeps theirs again or dismisses it.

use std::collections::BTreeMap;

use outpost_model::{Applied, Change, Hlc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{StoredRecord, record_key};

/// One field whose local value lost to a newer one from elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub collection: String,
    pub id: String,
    pub field: String,
    /// The value this tablet wrote, and its stamp.
    pub mine: Value,
    pub mine_hlc: Hlc,
    /// The value that replaced it, and its stamp (its node is the device it
    /// came from; the wall time is when it was written, by corrected clock).
    pub theirs: Value,
    pub theirs_hlc: Hlc,
}

impl Conflict {
    /// The key in the `conflicts` store: one open conflict per field.
    pub fn key(&self) -> String {
        conflict_key(&self.collection, &self.id, &self.field)
    }
}

pub fn conflict_key(collection: &str, id: &str, field: &str) -> String {
    format!("{}/{field}", record_key(collection, id))
}

/// Applies pulled changes to records fetched beforehand, shared by both
/// stores so they merge identically. Returns how many fields changed and the
/// conflicts: fields whose value was written on `device` (its stamp's node)
/// and is now replaced by a different value written on another device.
pub(crate) fn merge_pulled(
    records: &mut BTreeMap<String, StoredRecord>,
    pulled: &[Change],
    device: &str,
) -> (usize, Vec<Conflict>) {
    let mut updated = 0;
    let mut conflicts = Vec::new();
    // A record's changes usually come one after another: its key is made
    // once for them all.
    let mut key = String::new();
    let mut last: Option<&Change> = None;
    for change in pulled {
        if !last.is_some_and(|l| l.id == change.id && l.collection == change.collection) {
            key = record_key(&change.collection, &change.id);
            last = Some(change);
            if !records.contains_key(&key) {
                records.insert(
                    key.clone(),
                    StoredRecord::new(&change.collection, &change.id),
                );
            }
        }
        let Some(record) = records.get_mut(&key) else {
            continue;
        };
        if let Applied::Updated { previous } = record.apply(change) {
            updated += 1;
            let Some(previous) = previous else { continue };
            if previous.hlc.node == device
                && change.hlc.node != device
                && previous.value != change.value
            {
                conflicts.push(Conflict {
                    collection: change.collection.clone(),
                    id: change.id.clone(),
                    field: change.field.clone(),
                    mine: previous.value,
                    mine_hlc: previous.hlc,
                    theirs: change.value.clone(),
                    theirs_hlc: change.hlc.clone(),
                });
            }
        }
    }
    (updated, conflicts)
}
