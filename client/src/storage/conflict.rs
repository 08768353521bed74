//! Conflicts made visible ("nothing lost", ARCHITECTURE.md): when a pulled change
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
pub fn merge_pulled(
    records: &mut BTreeMap<String, StoredRecord>,
    pulled: Vec<Change>,
    device: &str,
) -> (usize, Vec<Conflict>) {
    let mut updated = 0;
    let mut conflicts = Vec::new();
    // A record's changes usually come one after another: its key is made
    // once for them all.
    let mut key = String::new();
    let mut last: Option<(String, String)> = None;
    for change in pulled {
        if !last
            .as_ref()
            .is_some_and(|(c, i)| *i == change.id && *c == change.collection)
        {
            key = record_key(&change.collection, &change.id);
            if !records.contains_key(&key) {
                records.insert(
                    key.clone(),
                    StoredRecord::new(&change.collection, &change.id),
                );
            }
            last = Some((change.collection.clone(), change.id.clone()));
        }
        let Some(record) = records.get_mut(&key) else {
            continue;
        };
        // Seen before the change moves in; copies are made only for a
        // conflict, which is rare.
        if let Some(mine) = record.fields.get(&change.field)
            && mine.hlc.node == device
            && change.hlc.node != device
            && mine.value != change.value
            && mine.loses_to(&change.value, &change.hlc)
        {
            conflicts.push(Conflict {
                collection: change.collection.clone(),
                id: change.id.clone(),
                field: change.field.clone(),
                mine: mine.value.clone(),
                mine_hlc: mine.hlc.clone(),
                theirs: change.value.clone(),
                theirs_hlc: change.hlc.clone(),
            });
        }
        let Change {
            field, value, hlc, ..
        } = change;
        if let Applied::Updated { .. } = record.apply_owned(field, value, hlc) {
            updated += 1;
        }
    }
    (updated, conflicts)
}
