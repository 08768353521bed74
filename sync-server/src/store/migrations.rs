//! The SQLite schema as numbered migrations. A migration is never edited once
//! shipped; changes are new entries at the end, applied in order at start-up.

use rusqlite::{Connection, params};

/// Each entry takes the schema from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: the tables of DESIGN §6.
    r#"
    CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role          TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at    TEXT NOT NULL
    );

    -- Only hashes: a copy of the database does not let anyone sign in.
    CREATE TABLE tokens (
        token_hash    TEXT PRIMARY KEY,
        user_id       TEXT NOT NULL REFERENCES users(id),
        device_id     TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL
    );
    CREATE INDEX tokens_user ON tokens(user_id);

    -- The audit log: every change ever received, append-only.
    CREATE TABLE changes (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        collection  TEXT NOT NULL,
        record_id   TEXT NOT NULL,
        field       TEXT NOT NULL,
        value       TEXT NOT NULL,
        hlc         TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        device_id   TEXT NOT NULL,
        received_at TEXT NOT NULL,
        UNIQUE (collection, record_id, field, hlc)
    );

    -- The current state; `seq` is the log entry that set the value, and the
    -- pull cursor reads it.
    CREATE TABLE fields (
        collection TEXT NOT NULL,
        record_id  TEXT NOT NULL,
        field      TEXT NOT NULL,
        value      TEXT NOT NULL,
        hlc        TEXT NOT NULL,
        seq        INTEGER NOT NULL,
        PRIMARY KEY (collection, record_id, field)
    );
    CREATE INDEX fields_seq ON fields(seq);
    "#,
    // 2: accounts can be disabled; the one-time setup code (its hash only).
    r#"
    ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

    CREATE TABLE setup_code (
        only      INTEGER PRIMARY KEY CHECK (only = 1),
        code_hash TEXT NOT NULL
    );

    -- Finding who created a record reads its first log entry.
    CREATE INDEX changes_record ON changes(collection, record_id, seq);
    "#,
    // 3: attachment bytes, named by their SHA-256 (DESIGN §6). A blob is
    // never changed once stored: the same name always means the same bytes.
    r#"
    CREATE TABLE blobs (
        sha256      TEXT PRIMARY KEY,
        mime        TEXT NOT NULL,
        size        INTEGER NOT NULL,
        bytes       BLOB NOT NULL,
        uploaded_by TEXT NOT NULL REFERENCES users(id),
        received_at TEXT NOT NULL
    );
    "#,
    // 4: the log's unique index (collection, record_id, field, hlc) already
    // finds a record's entries, and with them its first one, MIN(seq). A
    // second index on the record cost every pushed change another B-tree
    // insert at a random place (record ids are random), which is a page
    // written to the WAL per record: a third of a bulk push's writes.
    r#"
    DROP INDEX changes_record;
    "#,
];

/// Brings the schema up to date inside one transaction, so a crash half-way
/// leaves the previous version intact.
pub fn run(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )",
    )?;
    let current: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |row| row.get(0),
    )?;
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(index).unwrap_or(i64::MAX) + 1;
        if version <= current {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES (?1)",
            params![version],
        )?;
    }
    tx.commit()
}
