//! One push to the SQLite store: the steps of `push.rs` in SQL, inside one
//! immediate transaction, committed (and so on disk, `synchronous = FULL`)
//! before it returns.
//!
//! The log is the state: a field's current value is its log entry marked
//! `current` (the one with the greatest stamp), so a change is one row
//! appended, and unmarking the entry it replaces when it wins over one.
//! Every statement is prepared once per connection (`prepare_cached`) and
//! held for the whole push.

use outpost_model::Change;
use rusqlite::{CachedStatement, Connection, OptionalExtension, TransactionBehavior, params};

use super::{
    Origin, Permit, PushOutcome, RecordFacts, StoreResult,
    push::{self, Current, PushTx},
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
    let outcome = {
        let mut steps = Steps::prepare(&tx)?;
        push::apply(&mut steps, changes, origin, permit)?
    };
    tx.commit()?;
    Ok(outcome)
}

/// The push's statements, prepared on its transaction.
struct Steps<'c> {
    conn: &'c Connection,
    current: CachedStatement<'c>,
    known: CachedStatement<'c>,
    log: CachedStatement<'c>,
    replaced: CachedStatement<'c>,
}

impl<'c> Steps<'c> {
    fn prepare(conn: &'c Connection) -> StoreResult<Self> {
        Ok(Self {
            conn,
            current: conn.prepare_cached(
                // The current entry has the field's greatest stamp: walking
                // the log's index from the greatest finds it first, however
                // many entries the field has.
                "SELECT value, hlc, seq FROM changes
                 WHERE collection = ?1 AND record_id = ?2 AND field = ?3 AND current = 1
                 ORDER BY hlc DESC LIMIT 1",
            )?,
            known: conn.prepare_cached(
                "SELECT 1 FROM changes
                 WHERE collection = ?1 AND record_id = ?2 AND field = ?3 AND hlc = ?4",
            )?,
            log: conn.prepare_cached(
                "INSERT INTO changes
                   (collection, record_id, field, value, hlc, user_id, device_id, received_at,
                    current)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT DO NOTHING",
            )?,
            replaced: conn.prepare_cached("UPDATE changes SET current = 0 WHERE seq = ?1")?,
        })
    }
}

impl PushTx for Steps<'_> {
    fn record_facts(&mut self, collection: &str, id: &str) -> StoreResult<RecordFacts> {
        record_facts(self.conn, collection, id)
    }

    fn current(&mut self, change: &Change) -> StoreResult<Option<Current>> {
        Ok(self
            .current
            .query_row(params![change.collection, change.id, change.field], |r| {
                Ok(Current {
                    value: r.get(0)?,
                    hlc: r.get(1)?,
                    seq: r.get(2)?,
                })
            })
            .optional()?)
    }

    fn is_logged(&mut self, change: &Change, hlc: &str) -> StoreResult<bool> {
        Ok(self
            .known
            .query_row(
                params![change.collection, change.id, change.field, hlc],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    fn append(
        &mut self,
        change: &Change,
        value: &str,
        hlc: &str,
        origin: &Origin,
        wins: bool,
    ) -> StoreResult<Option<i64>> {
        let logged = self.log.execute(params![
            change.collection,
            change.id,
            change.field,
            value,
            hlc,
            origin.user_id,
            origin.device_id,
            origin.received_at,
            wins,
        ])?;
        // `seq` is the table's rowid, so the new entry's number is the last
        // row inserted on this connection.
        Ok((logged > 0).then(|| self.conn.last_insert_rowid()))
    }

    fn set_current(
        &mut self,
        _change: &Change,
        _value: &str,
        _hlc: &str,
        _seq: i64,
        replaced: Option<&Current>,
    ) -> StoreResult<()> {
        // The new entry was appended already marked current; only the one
        // it replaces needs its mark taken off.
        if let Some(old) = replaced {
            self.replaced.execute(params![old.seq])?;
        }
        Ok(())
    }
}
