//! Per-field last-writer-wins merge.
//!
//! A [`Replica`] is the current state of every record one party knows: a map from
//! `(collection, id)` to fields, each holding its winning value and stamp. Merging
//! is a join: commutative, associative and idempotent, so any order, batching or
//! duplication of the same changes yields the same state (see the property tests).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Change, FieldState, Hlc};

/// One record: its fields, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub fields: BTreeMap<String, FieldState>,
}

/// What applying one change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The change is now the field's value; `previous` is what it replaced.
    Updated { previous: Option<FieldState> },
    /// The field already holds this change or a newer one.
    Ignored,
}

impl Record {
    /// Applies one write to one field under last-writer-wins.
    pub fn apply(&mut self, field: &str, value: &Value, hlc: &Hlc) -> Applied {
        if self
            .fields
            .get(field)
            .is_some_and(|current| !current.loses_to(value, hlc))
        {
            return Applied::Ignored;
        }
        self.apply_owned(field.to_owned(), value.clone(), hlc.clone())
    }

    /// As [`Record::apply`], taking the write by value: nothing is copied.
    pub fn apply_owned(&mut self, field: String, value: Value, hlc: Hlc) -> Applied {
        use std::collections::btree_map::Entry;
        match self.fields.entry(field) {
            Entry::Occupied(current) if !current.get().loses_to(&value, &hlc) => Applied::Ignored,
            Entry::Occupied(mut current) => Applied::Updated {
                previous: Some(std::mem::replace(
                    current.get_mut(),
                    FieldState { value, hlc },
                )),
            },
            Entry::Vacant(slot) => {
                slot.insert(FieldState { value, hlc });
                Applied::Updated { previous: None }
            }
        }
    }

    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field).map(|f| &f.value)
    }

    pub fn str(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(Value::as_str)
    }

    pub fn int(&self, field: &str) -> Option<i64> {
        self.get(field).and_then(Value::as_i64)
    }

    /// A record with `deleted = true` is a tombstone: kept, merged, never shown.
    pub fn is_deleted(&self) -> bool {
        self.get("deleted")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// Merges another copy of the same record into this one.
    pub fn merge(&mut self, other: &Record) {
        for (field, state) in &other.fields {
            self.apply(field, &state.value, &state.hlc);
        }
    }

    /// The greatest stamp among this record's fields.
    pub fn latest_hlc(&self) -> Option<&Hlc> {
        self.fields.values().map(|f| &f.hlc).max()
    }
}

/// Key of a record: `(collection, id)`.
pub type RecordKey = (String, String);

/// The state of every record one party knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replica {
    pub records: BTreeMap<RecordKey, Record>,
}

impl Replica {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn apply(&mut self, change: &Change) -> Applied {
        self.records
            .entry((change.collection.clone(), change.id.clone()))
            .or_default()
            .apply(&change.field, &change.value, &change.hlc)
    }

    pub fn apply_all<'a>(&mut self, changes: impl IntoIterator<Item = &'a Change>) {
        for change in changes {
            self.apply(change);
        }
    }

    /// The join of two replicas.
    pub fn merge(&mut self, other: &Replica) {
        for (key, record) in &other.records {
            self.records.entry(key.clone()).or_default().merge(record);
        }
    }

    pub fn get(&self, collection: &str, id: &str) -> Option<&Record> {
        self.records.get(&(collection.to_owned(), id.to_owned()))
    }

    /// Every field of every record as a change, e.g. to send a whole state.
    pub fn changes(&self) -> impl Iterator<Item = Change> + '_ {
        self.records.iter().flat_map(|((collection, id), record)| {
            record.fields.iter().map(move |(field, state)| Change {
                collection: collection.clone(),
                id: id.clone(),
                field: field.clone(),
                value: state.value.clone(),
                hlc: state.hlc.clone(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn change(id: &str, field: &str, value: Value, wall: u64, counter: u32, node: &str) -> Change {
        Change {
            collection: "incidents".into(),
            id: id.into(),
            field: field.into(),
            value,
            hlc: Hlc::new(wall, counter, node).unwrap(),
        }
    }

    #[test]
    fn greater_stamp_wins_whatever_the_arrival_order() {
        let old = change("r", "title", json!("old"), 10, 0, "a");
        let new = change("r", "title", json!("new"), 11, 0, "a");
        let mut x = Replica::new();
        x.apply(&new);
        assert_eq!(x.apply(&old), Applied::Ignored);
        assert_eq!(x.get("incidents", "r").unwrap().str("title"), Some("new"));
    }

    #[test]
    fn equal_wall_and_counter_is_decided_by_the_greater_node() {
        let a = change("r", "title", json!("from a"), 10, 3, "node-a");
        let b = change("r", "title", json!("from b"), 10, 3, "node-b");
        let mut x = Replica::new();
        x.apply(&b);
        x.apply(&a);
        assert_eq!(
            x.get("incidents", "r").unwrap().str("title"),
            Some("from b")
        );
    }

    #[test]
    fn applying_reports_what_was_replaced() {
        let mut x = Replica::new();
        let first = change("r", "status", json!("new"), 1, 0, "a");
        assert_eq!(x.apply(&first), Applied::Updated { previous: None });
        let second = change("r", "status", json!("closed"), 2, 0, "b");
        assert_eq!(
            x.apply(&second),
            Applied::Updated {
                previous: Some(first.field_state())
            }
        );
    }

    #[test]
    fn fields_of_one_record_merge_independently() {
        let mut x = Replica::new();
        x.apply(&change("r", "title", json!("t"), 5, 0, "a"));
        x.apply(&change("r", "description", json!("d"), 1, 0, "b"));
        let r = x.get("incidents", "r").unwrap();
        assert_eq!(
            (r.str("title"), r.str("description")),
            (Some("t"), Some("d"))
        );
    }

    // A small universe of ids, fields, values and clocks so that collisions
    // (same field written by several nodes, equal stamps) happen often.
    fn arb_change() -> impl Strategy<Value = Change> {
        (
            prop_oneof![Just("r1"), Just("r2"), Just("r3")],
            prop_oneof![Just("title"), Just("status"), Just("impact")],
            prop_oneof![
                Just(json!("a")),
                Just(json!("b")),
                Just(json!(1)),
                Just(json!(null)),
                Just(json!({"lat": 1.5})),
            ],
            0u64..6,
            0u32..3,
            prop_oneof![Just("n1"), Just("n2"), Just("n3")],
        )
            .prop_map(|(id, field, value, wall, counter, node)| {
                change(id, field, value, wall, counter, node)
            })
    }

    fn replica_of(changes: &[Change]) -> Replica {
        let mut r = Replica::new();
        r.apply_all(changes);
        r
    }

    proptest! {
        #[test]
        fn merge_is_commutative(a in prop::collection::vec(arb_change(), 0..20),
                                b in prop::collection::vec(arb_change(), 0..20)) {
            let (ra, rb) = (replica_of(&a), replica_of(&b));
            let mut ab = ra.clone();
            ab.merge(&rb);
            let mut ba = rb.clone();
            ba.merge(&ra);
            prop_assert_eq!(ab, ba);
        }

        #[test]
        fn merge_is_associative(a in prop::collection::vec(arb_change(), 0..15),
                                b in prop::collection::vec(arb_change(), 0..15),
                                c in prop::collection::vec(arb_change(), 0..15)) {
            let (ra, rb, rc) = (replica_of(&a), replica_of(&b), replica_of(&c));
            let mut left = ra.clone();
            left.merge(&rb);
            left.merge(&rc);
            let mut bc = rb.clone();
            bc.merge(&rc);
            let mut right = ra.clone();
            right.merge(&bc);
            prop_assert_eq!(left, right);
        }

        #[test]
        fn merge_is_idempotent(a in prop::collection::vec(arb_change(), 0..20)) {
            let ra = replica_of(&a);
            let mut twice = ra.clone();
            twice.merge(&ra);
            prop_assert_eq!(&twice, &ra);
            let mut reapplied = ra.clone();
            reapplied.apply_all(&a);
            prop_assert_eq!(reapplied, ra);
        }

        /// N replicas receive the same changes in different orders, with
        /// duplicates and in random batches; every replica ends in the same
        /// state, and that state is the one a single in-order application gives.
        #[test]
        fn replicas_converge_under_any_delivery_schedule(
            changes in prop::collection::vec(arb_change(), 1..40),
            schedules in prop::collection::vec(
                (Just(()), prop::collection::vec((any::<prop::sample::Index>(), 1usize..6), 1..80)),
                2..6),
        ) {
            let reference = replica_of(&changes);
            for (_, schedule) in schedules {
                // Every change is delivered at least once, in an order and in
                // batches chosen by the schedule, plus duplicates it picks.
                let mut deliveries: Vec<&Change> = Vec::new();
                let mut remaining: Vec<&Change> = changes.iter().collect();
                for (pick, batch) in &schedule {
                    for _ in 0..*batch {
                        if remaining.is_empty() {
                            deliveries.push(pick.get(&changes));
                        } else {
                            deliveries.push(remaining.swap_remove(pick.index(remaining.len())));
                        }
                    }
                }
                deliveries.extend(remaining);
                let mut replica = Replica::new();
                for batch in deliveries.chunks(3) {
                    let mut incoming = Replica::new();
                    incoming.apply_all(batch.iter().copied());
                    replica.merge(&incoming);
                }
                prop_assert_eq!(&replica, &reference);
            }
        }
    }
}
