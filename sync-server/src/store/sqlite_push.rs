//! One push to the SQLite store: every change logged and the winners applied
//! in one immediate transaction, committed (and so on disk, `synchronous =
//! FULL`) before it returns.
//!
//! The log is the state: a field's current value is its log entry marked
//! `current` (the one with the greatest stamp), so a change is one row
//! appended, and unmarking the entry it replaces when it wins over one.
//!
//! Every statement is prepared once per connection (`prepare_cached`). A
//! change to a record the store already had costs two of them in the common
//! case: read the field's current entry, append to the log (and a third,
//! unmarking the old entry, when it wins); the duplicate check is only asked
//! when the stamp says the change could be a resend (see below). A change
//! to a record new in this push (the usual case for a tablet's unsent work)
//! costs one: nothing can be stored for the first change of each of its
//! fields, so that read is skipped.

use std::collections::{HashMap, HashSet, hash_map::Entry};

use outpost_model::{Change, FieldState};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{
    Origin, Permit, PushOutcome, RecordFacts, StoreResult,
    sqlite::{parse_hlc, parse_value},
    sqlite_facts::record_facts,
};

/// Logs every change and applies the winners in one durable transaction.
pub(super) fn push(
    conn: &mut Connection,
    changes: &[Change],
    origin: &Origin,
    permit: &Permit,
) -> StoreResult<PushOutcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut outcome = PushOutcome::default();
    {
        let mut current = tx.prepare_cached(
            // The current entry has the field's greatest stamp: walking the
            // log's index from the greatest finds it first, however many
            // entries the field has.
            "SELECT value, hlc, seq FROM changes
             WHERE collection = ?1 AND record_id = ?2 AND field = ?3 AND current = 1
             ORDER BY hlc DESC LIMIT 1",
        )?;
        // A change already in the log (same record, field and stamp) is a
        // re-sent duplicate: nothing to log, nothing to apply.
        let mut known = tx.prepare_cached(
            "SELECT 1 FROM changes
             WHERE collection = ?1 AND record_id = ?2 AND field = ?3 AND hlc = ?4",
        )?;
        let mut log = tx.prepare_cached(
            "INSERT INTO changes
               (collection, record_id, field, value, hlc, user_id, device_id, received_at,
                current)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT DO NOTHING",
        )?;
        let mut replaced = tx.prepare_cached("UPDATE changes SET current = 0 WHERE seq = ?1")?;
        // Facts as they were before this push: every change of a record
        // created in this batch counts as part of its creation.
        let mut facts: HashMap<(&str, &str), RecordFacts> = HashMap::new();
        // Fields of records new before this push that a change of this push
        // has named already: only these can have a stored value to read.
        let mut named: HashSet<(&str, &str, &str)> = HashSet::new();
        for (index, change) in changes.iter().enumerate() {
            let hlc = change.hlc.to_string();
            let record = (change.collection.as_str(), change.id.as_str());
            let before = match facts.entry(record) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(slot) => slot.insert(record_facts(&tx, record.0, record.1)?),
            };
            // A record with no change before this push had no field stored,
            // so the first change of each of its fields finds none.
            let stored =
                if !before.exists && named.insert((record.0, record.1, change.field.as_str())) {
                    None
                } else {
                    current
                        .query_row(params![change.collection, change.id, change.field], |r| {
                            Ok((
                                r.get::<_, String>(0)?,
                                r.get::<_, String>(1)?,
                                r.get::<_, i64>(2)?,
                            ))
                        })
                        .optional()?
                };
            // Every logged change was put to the merge, so a field's current
            // stamp is the greatest ever logged for it, and a change stamped
            // later cannot be in the log yet. Stamps compare as text.
            let maybe_resent = stored
                .as_ref()
                .is_some_and(|(_, h, _)| h.as_str() >= hlc.as_str());
            if maybe_resent
                && known
                    .query_row(
                        params![change.collection, change.id, change.field, hlc],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some()
            {
                outcome.ignored += 1;
                continue;
            }
            let lookup = |collection: &str, id: &str| record_facts(&tx, collection, id).ok();
            if let Err(why) = permit(change, before, &lookup) {
                outcome.refused.push((index, why));
                continue;
            }
            // The merge rule lives in `model`; the server asks it rather
            // than restating it in SQL.
            let wins = match &stored {
                None => true,
                Some((v, h, _)) => FieldState {
                    value: parse_value(v)?,
                    hlc: parse_hlc(h)?,
                }
                .loses_to(&change.value, &change.hlc),
            };
            let logged = log.execute(params![
                change.collection,
                change.id,
                change.field,
                change.value.to_string(),
                hlc,
                origin.user_id,
                origin.device_id,
                origin.received_at,
                wins,
            ])?;
            // Already in the log (a resend): the stored entry stays current.
            if logged == 0 || !wins {
                outcome.ignored += 1;
                continue;
            }
            if let Some((_, _, seq)) = stored {
                replaced.execute(params![seq])?;
            }
            outcome.accepted += 1;
        }
    }
    tx.commit()?;
    Ok(outcome)
}
