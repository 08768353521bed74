//! The push rules, written once for every store: which changes of a batch
//! are resends, which the pusher may not make, which win and become current.
//! Each store gives the SQL for the steps through [`PushTx`]
//! (`sqlite_push.rs`, `postgres_push.rs`) and opens, locks and commits the
//! transaction around [`apply`].
//!
//! A change costs as few statements as the rules allow, which is what keeps
//! a push fast (SQLite takes about 100,000 changes a second):
//! - A change to a record the store already had reads the field's current
//!   entry and appends to the log (and marks it current when it wins).
//! - The duplicate check is only asked when the stamp says the change could
//!   be a resend: every logged change was put to the merge, so a field's
//!   current stamp is the greatest ever logged for it, and a change stamped
//!   later cannot be in the log yet.
//! - A record new in this push (the usual case for a tablet's unsent work)
//!   has nothing stored, so the first change of each of its fields skips the
//!   read of the current entry.
//! - A record's facts for the role rules are read once per push.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet, hash_map::Entry},
};

use outpost_model::{Change, FieldState, Hlc};

use super::{Origin, Permit, PushOutcome, RecordFacts, StoreError, StoreResult};

/// A field's current entry as stored: its value's JSON text, its stamp's
/// text and the log sequence number that set it.
#[derive(Debug, Clone)]
pub(super) struct Current {
    pub value: String,
    pub hlc: String,
    pub seq: i64,
}

/// The steps of a push inside one store's open transaction.
pub(super) trait PushTx {
    /// Whether the record exists, who sent its first change and who
    /// reported it, as stored now.
    fn record_facts(&mut self, collection: &str, id: &str) -> StoreResult<RecordFacts>;
    /// The current entry of the change's field, if it has one.
    fn current(&mut self, change: &Change) -> StoreResult<Option<Current>>;
    /// Whether the change (same field and stamp `hlc`) is in the log already.
    fn is_logged(&mut self, change: &Change, hlc: &str) -> StoreResult<bool>;
    /// Appends the change to the log, marked current when `wins` (a store
    /// that keeps current values apart may ignore the mark); the new entry's
    /// sequence number, or `None` when it was in the log already.
    fn append(
        &mut self,
        change: &Change,
        value: &str,
        hlc: &str,
        origin: &Origin,
        wins: bool,
    ) -> StoreResult<Option<i64>>;
    /// Makes the appended entry `seq` the field's current value in place of
    /// `replaced`, the entry that was current (if any).
    fn set_current(
        &mut self,
        change: &Change,
        value: &str,
        hlc: &str,
        seq: i64,
        replaced: Option<&Current>,
    ) -> StoreResult<()>;
}

/// Logs every change of the batch and applies the winners, inside the
/// caller's transaction; the caller commits when this returns `Ok`.
pub(super) fn apply<T: PushTx>(
    tx: &mut T,
    changes: &[Change],
    origin: &Origin,
    permit: &Permit,
) -> StoreResult<PushOutcome> {
    // `permit` may look up other records while it decides, through a shared
    // borrow; the transaction is borrowed mutably only for each step.
    let tx = RefCell::new(tx);
    let mut outcome = PushOutcome::default();
    // Facts as they were before this push: every change of a record created
    // in this batch counts as part of its creation.
    let mut facts: HashMap<(&str, &str), RecordFacts> = HashMap::new();
    // Fields of records new before this push that a change of this push has
    // named already: only these can have a stored value to read.
    let mut named: HashSet<(&str, &str, &str)> = HashSet::new();
    for (index, change) in changes.iter().enumerate() {
        let hlc = change.hlc.to_string();
        let record = (change.collection.as_str(), change.id.as_str());
        let before = match facts.entry(record) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => slot.insert(tx.borrow_mut().record_facts(record.0, record.1)?),
        };
        // A record with no change before this push had no field stored, so
        // the first change of each of its fields finds none.
        let stored = if !before.exists && named.insert((record.0, record.1, change.field.as_str()))
        {
            None
        } else {
            tx.borrow_mut().current(change)?
        };
        // Stamps compare as text (their text form sorts like the clock).
        let maybe_resent = stored
            .as_ref()
            .is_some_and(|s| s.hlc.as_str() >= hlc.as_str());
        if maybe_resent && tx.borrow_mut().is_logged(change, &hlc)? {
            outcome.ignored += 1;
            continue;
        }
        let lookup = |collection: &str, id: &str| tx.borrow_mut().record_facts(collection, id).ok();
        if let Err(why) = permit(change, before, &lookup) {
            outcome.refused.push((index, why));
            continue;
        }
        // The merge rule lives in `model`; the server asks it rather than
        // restating it in SQL.
        let wins = match &stored {
            None => true,
            Some(s) => FieldState {
                value: parse_value(&s.value)?,
                hlc: parse_hlc(&s.hlc)?,
            }
            .loses_to(&change.value, &change.hlc),
        };
        let value = change.value.to_string();
        let mut writing = tx.borrow_mut();
        let logged = writing.append(change, &value, &hlc, origin, wins)?;
        // Already in the log (a resend): the stored entry stays current.
        let (Some(seq), true) = (logged, wins) else {
            outcome.ignored += 1;
            continue;
        };
        writing.set_current(change, &value, &hlc, seq, stored.as_ref())?;
        outcome.accepted += 1;
    }
    Ok(outcome)
}

/// A stamp as stored (written by a push, so valid unless the data is damaged).
pub(super) fn parse_hlc(s: &str) -> StoreResult<Hlc> {
    s.parse()
        .map_err(|e| StoreError::Corrupt(format!("clock stamp {s:?}: {e}")))
}

/// A value's JSON text as stored.
pub(super) fn parse_value(s: &str) -> StoreResult<serde_json::Value> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("stored value: {e}")))
}
