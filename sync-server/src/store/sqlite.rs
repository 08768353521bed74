//! The SQLite store: one file in WAL mode with `synchronous = FULL`, so a
//! committed push is on disk before the server answers.
//!
//! One connection writes and one reads. SQLite runs one write transaction at a
//! time, so log sequence numbers become visible in commit order and a pull
//! cursor can never skip a change that commits late. (PostgreSQL will need
//! more care here: its sequences are handed out before commit.)

use std::{
    path::Path,
    sync::{Mutex, MutexGuard},
    time::Duration,
};

use outpost_model::{
    Change, FieldState, Hlc,
    protocol::{HistoryEntry, User},
};
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use super::{
    Origin, Pulled, PushOutcome, Session, Store, StoreError, StoreResult, StoredUser, migrations,
    role_from_db,
};

/// The session expiry moves forward at most once a day, so signed-in reads do
/// not each turn into a write.
const SLIDE_STEP_MS: u64 = 24 * 60 * 60 * 1000;

pub struct SqliteStore {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Backend(Box::new(e))
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up
    /// to date.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let mut writer = connect(path)?;
        migrations::run(&mut writer)?;
        let reader = connect(path)?;
        Ok(Self {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
        })
    }

    // A panic while a lock was held leaves the connection usable: an open
    // transaction rolls back when it is dropped. So a poisoned lock is taken
    // over rather than failing every later request.
    fn writer(&self) -> MutexGuard<'_, Connection> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn reader(&self) -> MutexGuard<'_, Connection> {
        self.reader.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn connect(path: &Path) -> StoreResult<Connection> {
    let conn = Connection::open(path)?;
    // Another process (`outpost-server user add`) may write at the same time.
    conn.busy_timeout(Duration::from_secs(10))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Corrupt(format!(
            "could not switch the database to WAL mode (it is in {mode} mode)"
        )));
    }
    // FULL: a commit waits for the WAL to reach the disk, which is the promise
    // behind acknowledging a push.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn parse_hlc(s: &str) -> StoreResult<Hlc> {
    s.parse()
        .map_err(|e| StoreError::Corrupt(format!("clock stamp {s:?}: {e}")))
}

fn parse_value(s: &str) -> StoreResult<serde_json::Value> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("stored value: {e}")))
}

fn user_from_row(id: String, name: String, role: &str) -> StoreResult<User> {
    Ok(User {
        id,
        name,
        role: role_from_db(role)?,
    })
}

impl Store for SqliteStore {
    fn user_count(&self) -> StoreResult<u64> {
        let n: i64 = self
            .reader()
            .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?;
        Ok(to_u64(n))
    }

    fn add_user(&self, user: &User, password_hash: &str, created_at: &str) -> StoreResult<()> {
        let result = self.writer().execute(
            "INSERT INTO users (id, name, role, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                user.id,
                user.name,
                user.role.as_str(),
                password_hash,
                created_at
            ],
        );
        match result {
            Ok(_) => Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                Err(StoreError::DuplicateUser(user.name.clone()))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn user_by_name(&self, name: &str) -> StoreResult<Option<StoredUser>> {
        let row = self
            .reader()
            .query_row(
                "SELECT id, name, role, password_hash FROM users WHERE name = ?1",
                params![name],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(id, name, role, password_hash)| {
            Ok(StoredUser {
                user: user_from_row(id, name, &role)?,
                password_hash,
            })
        })
        .transpose()
    }

    fn users(&self) -> StoreResult<Vec<User>> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached("SELECT id, name, role FROM users ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        rows.map(|row| {
            let (id, name, role) = row?;
            user_from_row(id, name, &role)
        })
        .collect()
    }

    fn add_token(
        &self,
        token_hash: &str,
        user_id: &str,
        device_id: &str,
        expires_at_ms: u64,
    ) -> StoreResult<()> {
        let conn = self.writer();
        // Expired tokens are useless; clearing them here keeps the table small
        // without a background job.
        conn.execute(
            "DELETE FROM tokens WHERE expires_at_ms < ?1",
            params![to_i64(expires_at_ms.saturating_sub(60 * SLIDE_STEP_MS))],
        )?;
        conn.execute(
            "INSERT INTO tokens (token_hash, user_id, device_id, expires_at_ms)
             VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, user_id, device_id, to_i64(expires_at_ms)],
        )?;
        Ok(())
    }

    fn session(
        &self,
        token_hash: &str,
        now_ms: u64,
        extend_to_ms: u64,
    ) -> StoreResult<Option<Session>> {
        let row = self
            .reader()
            .query_row(
                "SELECT u.id, u.name, u.role, t.device_id, t.expires_at_ms
                 FROM tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token_hash = ?1",
                params![token_hash],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, name, role, device_id, expires_at)) = row else {
            return Ok(None);
        };
        let mut expires_at_ms = to_u64(expires_at);
        if expires_at_ms <= now_ms {
            return Ok(None);
        }
        if expires_at_ms.saturating_add(SLIDE_STEP_MS) < extend_to_ms {
            self.writer().execute(
                "UPDATE tokens SET expires_at_ms = ?2 WHERE token_hash = ?1",
                params![token_hash, to_i64(extend_to_ms)],
            )?;
            expires_at_ms = extend_to_ms;
        }
        Ok(Some(Session {
            user: user_from_row(id, name, &role)?,
            device_id,
            expires_at_ms,
        }))
    }

    fn remove_token(&self, token_hash: &str) -> StoreResult<()> {
        self.writer().execute(
            "DELETE FROM tokens WHERE token_hash = ?1",
            params![token_hash],
        )?;
        Ok(())
    }

    fn push(&self, changes: &[Change], origin: &Origin) -> StoreResult<PushOutcome> {
        let mut conn = self.writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcome = PushOutcome::default();
        {
            // A change already in the log (same record, field and stamp) is a
            // re-sent duplicate: nothing to log, nothing to apply.
            let mut log = tx.prepare_cached(
                "INSERT INTO changes
                   (collection, record_id, field, value, hlc, user_id, device_id, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT DO NOTHING",
            )?;
            let mut current = tx.prepare_cached(
                "SELECT value, hlc FROM fields
                 WHERE collection = ?1 AND record_id = ?2 AND field = ?3",
            )?;
            let mut set = tx.prepare_cached(
                "INSERT INTO fields (collection, record_id, field, value, hlc, seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (collection, record_id, field) DO UPDATE
                 SET value = excluded.value, hlc = excluded.hlc, seq = excluded.seq",
            )?;
            for change in changes {
                let value = change.value.to_string();
                let hlc = change.hlc.to_string();
                let logged = log.execute(params![
                    change.collection,
                    change.id,
                    change.field,
                    value,
                    hlc,
                    origin.user_id,
                    origin.device_id,
                    origin.received_at,
                ])?;
                if logged == 0 {
                    outcome.ignored += 1;
                    continue;
                }
                let seq = tx.last_insert_rowid();
                let stored = current
                    .query_row(params![change.collection, change.id, change.field], |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                    })
                    .optional()?;
                // The merge rule lives in `model`; the server asks it rather
                // than restating it in SQL.
                let wins = match stored {
                    None => true,
                    Some((v, h)) => FieldState {
                        value: parse_value(&v)?,
                        hlc: parse_hlc(&h)?,
                    }
                    .loses_to(&change.value, &change.hlc),
                };
                if wins {
                    set.execute(params![
                        change.collection,
                        change.id,
                        change.field,
                        value,
                        hlc,
                        seq
                    ])?;
                    outcome.accepted += 1;
                } else {
                    outcome.ignored += 1;
                }
            }
        }
        tx.commit()?;
        Ok(outcome)
    }

    fn pull(&self, after: u64, limit: u32) -> StoreResult<Vec<Pulled>> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT collection, record_id, field, value, hlc, seq FROM fields
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![to_i64(after), i64::from(limit)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (collection, id, field, value, hlc, seq) = row?;
            Ok(Pulled {
                seq: to_u64(seq),
                change: Change {
                    collection,
                    id,
                    field,
                    value: parse_value(&value)?,
                    hlc: parse_hlc(&hlc)?,
                },
            })
        })
        .collect()
    }

    fn history(&self, collection: &str, id: &str) -> StoreResult<Vec<HistoryEntry>> {
        let conn = self.reader();
        // A log entry is current when it is the one that set the field.
        let mut stmt = conn.prepare_cached(
            "SELECT c.field, c.value, c.hlc, c.user_id, c.device_id, c.received_at,
                    f.seq IS NOT NULL
             FROM changes c
             LEFT JOIN fields f
               ON f.collection = c.collection AND f.record_id = c.record_id
              AND f.field = c.field AND f.seq = c.seq
             WHERE c.collection = ?1 AND c.record_id = ?2
             ORDER BY c.hlc, c.seq",
        )?;
        let rows = stmt.query_map(params![collection, id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })?;
        rows.map(|row| {
            let (field, value, hlc, user, device, received_at, current) = row?;
            Ok(HistoryEntry {
                field,
                value: parse_value(&value)?,
                hlc: parse_hlc(&hlc)?,
                user,
                device,
                received_at,
                current,
            })
        })
        .collect()
    }
}
