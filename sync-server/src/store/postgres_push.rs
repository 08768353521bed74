//! One push to the PostgreSQL store: every change logged and the winners
//! applied in one transaction that holds the push lock from its first
//! statement to its commit. Why the lock: the header of `postgres.rs`.

use std::{cell::RefCell, collections::HashMap};

use outpost_model::{Change, FieldState, Hlc};
use postgres::{Client, Transaction};

use super::{
    Origin, Permit, PushOutcome, RecordFacts, StoreError, StoreResult, postgres::PUSH_LOCK,
};

/// Logs every change and applies the winners in one transaction, holding the
/// push lock throughout (see the header of `postgres.rs`).
pub(super) fn push(
    conn: &mut Client,
    changes: &[Change],
    origin: &Origin,
    permit: &Permit,
) -> StoreResult<PushOutcome> {
    let mut tx = conn.transaction()?;
    // First, before any sequence number is taken: the cursor rule.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK])?;
    // Acknowledged means durable, whatever the database's default.
    tx.batch_execute("SET LOCAL synchronous_commit = on")?;
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
        "SELECT value, hlc FROM fields
         WHERE collection = $1 AND record_id = $2 AND field = $3",
    )?;
    let set = tx.prepare(
        "INSERT INTO fields (collection, record_id, field, value, hlc, seq)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (collection, record_id, field) DO UPDATE
         SET value = excluded.value, hlc = excluded.hlc, seq = excluded.seq",
    )?;
    // `permit` may look up other records while it decides, through a shared
    // borrow; the transaction is borrowed mutably only for each statement.
    let tx = RefCell::new(tx);
    let mut outcome = PushOutcome::default();
    // Facts as they were before this push: every change of a record created
    // in this batch counts as part of its creation.
    let mut facts: HashMap<(&str, &str), RecordFacts> = HashMap::new();
    for (index, change) in changes.iter().enumerate() {
        let value = change.value.to_string();
        let hlc = change.hlc.to_string();
        let key = [&change.collection, &change.id, &change.field];
        // A change already in the log is a re-sent duplicate.
        if tx
            .borrow_mut()
            .query_opt(&known, &[key[0], key[1], key[2], &hlc])?
            .is_some()
        {
            outcome.ignored += 1;
            continue;
        }
        let record = (change.collection.as_str(), change.id.as_str());
        let record_facts_now = match facts.get(&record) {
            Some(known) => known.clone(),
            None => {
                let found = record_facts(&mut tx.borrow_mut(), record.0, record.1)?;
                facts.insert(record, found.clone());
                found
            }
        };
        let lookup =
            |collection: &str, id: &str| record_facts(&mut tx.borrow_mut(), collection, id).ok();
        if let Err(why) = permit(change, &record_facts_now, &lookup) {
            outcome.refused.push((index, why));
            continue;
        }
        let mut tx = tx.borrow_mut();
        let logged = tx.query_opt(
            &log,
            &[
                key[0],
                key[1],
                key[2],
                &value,
                &hlc,
                &origin.user_id,
                &origin.device_id,
                &origin.received_at,
            ],
        )?;
        let Some(logged) = logged else {
            outcome.ignored += 1;
            continue;
        };
        let seq: i64 = logged.try_get(0)?;
        let stored = tx.query_opt(&current, &[key[0], key[1], key[2]])?;
        // The merge rule lives in `model`; the server asks it rather than
        // restating it in SQL.
        let wins = match stored {
            None => true,
            Some(row) => FieldState {
                value: parse_value(row.try_get(0)?)?,
                hlc: parse_hlc(row.try_get(1)?)?,
            }
            .loses_to(&change.value, &change.hlc),
        };
        if wins {
            tx.execute(&set, &[key[0], key[1], key[2], &value, &hlc, &seq])?;
            outcome.accepted += 1;
        } else {
            outcome.ignored += 1;
        }
    }
    tx.into_inner().commit()?;
    Ok(outcome)
}

pub(super) fn parse_hlc(s: &str) -> StoreResult<Hlc> {
    s.parse()
        .map_err(|e| StoreError::Corrupt(format!("clock stamp {s:?}: {e}")))
}

pub(super) fn parse_value(s: &str) -> StoreResult<serde_json::Value> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("stored value: {e}")))
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
