//! One push to the PostgreSQL store: the steps of `push.rs` in SQL, inside
//! one transaction that holds the push lock from its first statement to its
//! commit. Why the lock: the header of `postgres.rs`.
//!
//! Unlike SQLite's, this store keeps current values in a table of their own
//! (`fields`), so a winning change is appended to the log and then written
//! there with the log's sequence number.

use outpost_model::Change;
use postgres::{Client, Statement, Transaction};

use super::{
    Origin, Permit, PushOutcome, RecordFacts, StoreResult,
    postgres::PUSH_LOCK,
    push::{self, Current, PushTx},
};

/// Logs every change and applies the winners in one transaction, holding the
/// push lock throughout (see the header of `postgres.rs`).
pub(super) fn push(
    conn: &mut Client,
    changes: &[Change],
    origin: &Origin,
    permit: &Permit,
) -> StoreResult<PushOutcome> {
    let tx = begin(conn)?;
    let mut steps = Steps::prepare(tx)?;
    let outcome = push::apply(&mut steps, changes, origin, permit)?;
    steps.tx.commit()?;
    Ok(outcome)
}

/// Opens a push's transaction: it holds the push lock and commits durably.
pub(super) fn begin(conn: &mut Client) -> StoreResult<Transaction<'_>> {
    let mut tx = conn.transaction()?;
    // First, before any sequence number is taken: the cursor rule.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK])?;
    // Acknowledged means durable, whatever the database's default.
    tx.batch_execute("SET LOCAL synchronous_commit = on")?;
    Ok(tx)
}

/// `synchronous_commit` as a push's transaction has it; the transaction
/// is rolled back, having written nothing.
pub(super) fn commit_durability(conn: &mut Client) -> StoreResult<String> {
    let mut tx = begin(conn)?;
    let setting: String = tx.query_one("SHOW synchronous_commit", &[])?.try_get(0)?;
    tx.rollback()?;
    Ok(format!("synchronous_commit={setting}"))
}

/// The push's transaction and its prepared statements.
struct Steps<'c> {
    tx: Transaction<'c>,
    known: Statement,
    log: Statement,
    current: Statement,
    set: Statement,
}

impl<'c> Steps<'c> {
    fn prepare(mut tx: Transaction<'c>) -> StoreResult<Self> {
        let known = tx.prepare(
            "SELECT 1 FROM changes
             WHERE collection = $1 AND record_id = $2 AND field = $3 AND hlc = $4",
        )?;
        let log = tx.prepare(
            "INSERT INTO changes
               (collection, record_id, field, value, hlc, user_id, device_id, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT DO NOTHING
             RETURNING seq",
        )?;
        let current = tx.prepare(
            "SELECT value, hlc, seq FROM fields
             WHERE collection = $1 AND record_id = $2 AND field = $3",
        )?;
        let set = tx.prepare(
            "INSERT INTO fields (collection, record_id, field, value, hlc, seq)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (collection, record_id, field) DO UPDATE
             SET value = excluded.value, hlc = excluded.hlc, seq = excluded.seq",
        )?;
        Ok(Self {
            tx,
            known,
            log,
            current,
            set,
        })
    }
}

impl PushTx for Steps<'_> {
    fn record_facts(&mut self, collection: &str, id: &str) -> StoreResult<RecordFacts> {
        record_facts(&mut self.tx, collection, id)
    }

    fn current(&mut self, change: &Change) -> StoreResult<Option<Current>> {
        self.tx
            .query_opt(
                &self.current,
                &[&change.collection, &change.id, &change.field],
            )?
            .map(|row| {
                Ok(Current {
                    value: row.try_get(0)?,
                    hlc: row.try_get(1)?,
                    seq: row.try_get(2)?,
                })
            })
            .transpose()
    }

    fn is_logged(&mut self, change: &Change, hlc: &str) -> StoreResult<bool> {
        Ok(self
            .tx
            .query_opt(
                &self.known,
                &[&change.collection, &change.id, &change.field, &hlc],
            )?
            .is_some())
    }

    fn append(
        &mut self,
        change: &Change,
        value: &str,
        hlc: &str,
        origin: &Origin,
        _wins: bool,
    ) -> StoreResult<Option<i64>> {
        self.tx
            .query_opt(
                &self.log,
                &[
                    &change.collection,
                    &change.id,
                    &change.field,
                    &value,
                    &hlc,
                    &origin.user_id,
                    &origin.device_id,
                    &origin.received_at,
                ],
            )?
            .map(|row| Ok(row.try_get(0)?))
            .transpose()
    }

    fn set_current(
        &mut self,
        change: &Change,
        value: &str,
        hlc: &str,
        seq: i64,
        _replaced: Option<&Current>,
    ) -> StoreResult<()> {
        // One row per field: the upsert replaces whatever was current.
        self.tx.execute(
            &self.set,
            &[
                &change.collection,
                &change.id,
                &change.field,
                &value,
                &hlc,
                &seq,
            ],
        )?;
        Ok(())
    }
}

/// Whether a record exists, who sent its first change and who reported it.
fn record_facts(tx: &mut Transaction<'_>, collection: &str, id: &str) -> StoreResult<RecordFacts> {
    let created_by: Option<String> = tx
        .query_opt(
            "SELECT user_id FROM changes WHERE collection = $1 AND record_id = $2
             ORDER BY seq LIMIT 1",
            &[&collection, &id],
        )?
        .map(|row| row.try_get(0))
        .transpose()?;
    let reported_by = tx
        .query_opt(
            "SELECT value FROM fields
             WHERE collection = $1 AND record_id = $2 AND field = $3",
            &[&collection, &id, &"reported_by"],
        )?
        .map(|row| row.try_get::<_, String>(0))
        .transpose()?
        .and_then(|v| serde_json::from_str::<serde_json::Value>(&v).ok())
        .and_then(|v| v.as_str().map(str::to_owned));
    Ok(RecordFacts {
        exists: created_by.is_some(),
        created_by,
        reported_by,
    })
}
