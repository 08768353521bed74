//! The SQLite store: one file in WAL mode with `synchronous = FULL`, so a
//! committed push is on disk before the server answers.
//!
//! One connection writes and one reads. SQLite runs one write transaction at a
//! time, so log sequence numbers become visible in commit order and a pull
//! cursor can never skip a change that commits late. (PostgreSQL needs more
//! care here, as its sequences are handed out before commit: `postgres.rs`.)

use std::{
    path::Path,
    sync::{Mutex, MutexGuard},
    time::Duration,
};

use outpost_model::{
    Change,
    protocol::{HistoryEntry, User},
};
use rusqlite::{Connection, config::DbConfig, params};

use super::{
    Blob, Origin, Permit, Pulled, PushOutcome, Session, Store, StoreError, StoreResult, StoredUser,
    UserUpdate,
    account_rules::{to_i64, to_u64},
    migrations,
    push::{parse_hlc, parse_value},
    sqlite_accounts as accounts, sqlite_blobs,
    sqlite_checkpoint::Checkpointer,
};

pub struct SqliteStore {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    /// The last answer of `count_after`; see [`count_after`].
    count_memo: Mutex<Option<CountMemo>>,
    _checkpointer: Checkpointer,
}

/// How many fields were set after log position `after`, as of the database
/// version `version`.
#[derive(Debug, Clone, Copy)]
struct CountMemo {
    after: u64,
    count: u64,
    version: i64,
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
        let checkpointer = Checkpointer::start(&mut writer, connect(path)?)?;
        Ok(Self {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            count_memo: Mutex::new(None),
            _checkpointer: checkpointer,
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
    // Speed without touching durability: a page cache that holds the hot
    // indexes of a large log (the default 2 MiB makes every push reread
    // them), and sorts in memory.
    conn.pragma_update(None, "cache_size", CACHE_KIB)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // A WAL that grew during a bulk push shrinks back once it restarts.
    conn.pragma_update(None, "journal_size_limit", WAL_KEEP_BYTES)?;
    // Plan each statement once: otherwise SQLite (built with STAT4) plans
    // some again whenever a new value is bound, which for the role facts
    // read on every pushed record cost more than running them.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(conn)
}

/// Page cache per connection, in KiB (SQLite reads a negative size so).
const CACHE_KIB: i64 = -65_536;
/// What the WAL file is cut back to when it starts over.
const WAL_KEEP_BYTES: i64 = 64 * 1024 * 1024;

/// Counts the fields set after `after`. A long pull asks this for every
/// page, each time a page further on, and counting to the end of the log
/// each time would read the whole index again and again. So when nothing
/// was committed since the last count (SQLite's `data_version`, read in the
/// same snapshot, says so) and the last count started no later, only the
/// fields in between are counted and taken off it.
fn count_after(conn: &Connection, memo: &mut Option<CountMemo>, after: u64) -> StoreResult<u64> {
    let tx = conn.unchecked_transaction()?;
    let version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
    let count = match *memo {
        Some(m) if m.version == version && m.after <= after => {
            let between: i64 = tx
                .prepare_cached(
                    "SELECT COUNT(*) FROM changes INDEXED BY changes_current
                     WHERE current = 1 AND seq > ?1 AND seq <= ?2",
                )?
                .query_row(params![to_i64(m.after), to_i64(after)], |r| r.get(0))?;
            m.count.saturating_sub(to_u64(between))
        }
        _ => {
            let all: i64 = tx
                .prepare_cached(
                    "SELECT COUNT(*) FROM changes INDEXED BY changes_current
                     WHERE current = 1 AND seq > ?1",
                )?
                .query_row(params![to_i64(after)], |r| r.get(0))?;
            to_u64(all)
        }
    };
    tx.commit()?;
    *memo = Some(CountMemo {
        after,
        count,
        version,
    });
    Ok(count)
}

impl Store for SqliteStore {
    fn user_count(&self) -> StoreResult<u64> {
        accounts::user_count(&self.reader())
    }

    fn add_user(&self, user: &User, password_hash: &str, created_at: &str) -> StoreResult<()> {
        accounts::add_user(&self.writer(), user, password_hash, created_at)
    }

    fn user_by_name(&self, name: &str) -> StoreResult<Option<StoredUser>> {
        accounts::user_by_name(&self.reader(), name)
    }

    fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
        accounts::user_by_id(&self.reader(), id)
    }

    fn users(&self) -> StoreResult<Vec<User>> {
        accounts::users(&self.reader())
    }

    fn update_user(&self, id: &str, update: &UserUpdate) -> StoreResult<Option<User>> {
        accounts::update_user(&mut self.writer(), id, update)
    }

    fn set_setup_code(&self, code_hash: &str) -> StoreResult<()> {
        accounts::set_setup_code(&self.writer(), code_hash)
    }

    fn setup_code_matches(&self, code_hash: &str) -> StoreResult<bool> {
        accounts::setup_code_matches(&self.reader(), code_hash)
    }

    fn finish_setup(
        &self,
        code_hash: &str,
        admin: &User,
        password_hash: &str,
        created_at: &str,
    ) -> StoreResult<()> {
        accounts::finish_setup(
            &mut self.writer(),
            code_hash,
            admin,
            password_hash,
            created_at,
        )
    }

    fn add_token(
        &self,
        token_hash: &str,
        user_id: &str,
        device_id: &str,
        expires_at_ms: u64,
    ) -> StoreResult<()> {
        accounts::add_token(
            &mut self.writer(),
            token_hash,
            user_id,
            device_id,
            expires_at_ms,
        )
    }

    fn session(
        &self,
        token_hash: &str,
        now_ms: u64,
        extend_to_ms: u64,
    ) -> StoreResult<Option<Session>> {
        let found = accounts::session(&self.reader(), token_hash, now_ms, extend_to_ms)?;
        let Some((session, slide)) = found else {
            return Ok(None);
        };
        if slide {
            self.writer().execute(
                "UPDATE tokens SET expires_at_ms = ?2 WHERE token_hash = ?1",
                params![token_hash, to_i64(session.expires_at_ms)],
            )?;
        }
        Ok(Some(session))
    }

    fn remove_token(&self, token_hash: &str) -> StoreResult<()> {
        self.writer().execute(
            "DELETE FROM tokens WHERE token_hash = ?1",
            params![token_hash],
        )?;
        Ok(())
    }

    fn push(
        &self,
        changes: &[Change],
        origin: &Origin,
        permit: &Permit,
    ) -> StoreResult<PushOutcome> {
        super::sqlite_push::push(&mut self.writer(), changes, origin, permit)
    }

    fn pull(&self, after: u64, limit: u32) -> StoreResult<Vec<Pulled>> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT collection, record_id, field, value, hlc, seq
             FROM changes INDEXED BY changes_current_pull
             WHERE current = 1 AND seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![to_i64(after), i64::from(limit)], |r| {
            Ok(Pulled {
                collection: r.get(0)?,
                id: r.get(1)?,
                field: r.get(2)?,
                value: r.get(3)?,
                hlc: r.get(4)?,
                seq: to_u64(r.get(5)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn count_after(&self, after: u64) -> StoreResult<u64> {
        let conn = self.reader();
        let mut memo = self.count_memo.lock().unwrap_or_else(|e| e.into_inner());
        count_after(&conn, &mut memo, after)
    }

    fn current_field(
        &self,
        collection: &str,
        id: &str,
        field: &str,
    ) -> StoreResult<Option<outpost_model::FieldState>> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT value, hlc FROM fields
             WHERE collection = ?1 AND record_id = ?2 AND field = ?3",
        )?;
        let mut rows = stmt.query(params![collection, id, field])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        let (value, hlc): (String, String) = (row.get(0)?, row.get(1)?);
        Ok(Some(outpost_model::FieldState {
            value: parse_value(&value)?,
            hlc: parse_hlc(&hlc)?,
        }))
    }

    fn history(&self, collection: &str, id: &str) -> StoreResult<Vec<HistoryEntry>> {
        let conn = self.reader();
        // A log entry is current when it is the one that set the field.
        let mut stmt = conn.prepare_cached(
            "SELECT field, value, hlc, user_id, device_id, received_at, current = 1
             FROM changes
             WHERE collection = ?1 AND record_id = ?2
             ORDER BY hlc, seq",
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

    fn put_blob(&self, blob: &Blob, uploaded_by: &str, received_at: &str) -> StoreResult<bool> {
        sqlite_blobs::put(&self.writer(), blob, uploaded_by, received_at)
    }

    fn blob(&self, sha256: &str) -> StoreResult<Option<Blob>> {
        sqlite_blobs::get(&self.reader(), sha256)
    }

    fn size_bytes(&self) -> StoreResult<u64> {
        let conn = self.reader();
        let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        Ok(to_u64(pages.saturating_mul(size)))
    }

    fn backup_to(&self, to: &Path) -> StoreResult<()> {
        super::sqlite_backup::backup(&self.reader(), to)
    }

    fn commit_durability(&self) -> StoreResult<String> {
        let level: i64 = self
            .writer()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))?;
        // SQLite answers with the level's number.
        let name = match level {
            0 => "off",
            1 => "normal",
            2 => "full",
            3 => "extra",
            _ => "unknown",
        };
        Ok(format!("synchronous={name}"))
    }
}
