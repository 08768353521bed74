//! The PostgreSQL schema as numbered migrations: the same tables and meaning
//! as the SQLite schema (`migrations.rs`). A migration is never edited once
//! shipped; changes are new entries at the end, applied in order at start-up.

use postgres::Client;

use super::postgres::MIGRATION_LOCK;

/// Each entry takes the schema from version `index` to `index + 1`.
///
/// Keys and clock stamps are `COLLATE "C"`: the stamps' text form sorts like
/// the clock only byte by byte, and a database's default collation (often
/// `en_US.UTF-8`) would skip the dashes when comparing. Values stay JSON text,
/// not `jsonb`, so a pull returns exactly the text that was pushed, as on
/// SQLite.
const MIGRATIONS: &[&str] = &[
    // 1: the tables of ARCHITECTURE.md, as SQLite has them after its migration 2.
    r#"
    CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        role          TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        disabled      BOOLEAN NOT NULL DEFAULT FALSE
    );
    -- Names are unique regardless of letter case.
    CREATE UNIQUE INDEX users_name_nocase ON users (lower(name));

    -- Only hashes: a copy of the database does not let anyone sign in.
    CREATE TABLE tokens (
        token_hash    TEXT PRIMARY KEY,
        user_id       TEXT NOT NULL REFERENCES users(id),
        device_id     TEXT NOT NULL,
        expires_at_ms BIGINT NOT NULL
    );
    CREATE INDEX tokens_user ON tokens(user_id);
    CREATE INDEX tokens_device ON tokens(device_id);

    -- The audit log: every change ever received, append-only. `seq` is
    -- numbered in commit order only because pushes hold the push lock
    -- (see postgres.rs).
    CREATE TABLE changes (
        seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        collection  TEXT COLLATE "C" NOT NULL,
        record_id   TEXT COLLATE "C" NOT NULL,
        field       TEXT COLLATE "C" NOT NULL,
        value       TEXT NOT NULL,
        hlc         TEXT COLLATE "C" NOT NULL,
        user_id     TEXT NOT NULL,
        device_id   TEXT NOT NULL,
        received_at TEXT NOT NULL,
        UNIQUE (collection, record_id, field, hlc)
    );
    -- Finding who created a record reads its first log entry.
    CREATE INDEX changes_record ON changes(collection, record_id, seq);

    -- The current state; `seq` is the log entry that set the value, and the
    -- pull cursor reads it.
    CREATE TABLE fields (
        collection TEXT COLLATE "C" NOT NULL,
        record_id  TEXT COLLATE "C" NOT NULL,
        field      TEXT COLLATE "C" NOT NULL,
        value      TEXT NOT NULL,
        hlc        TEXT COLLATE "C" NOT NULL,
        seq        BIGINT NOT NULL,
        PRIMARY KEY (collection, record_id, field)
    );
    CREATE INDEX fields_seq ON fields(seq);

    -- The one-time setup code (its hash only); at most one row.
    CREATE TABLE setup_code (
        one       INTEGER PRIMARY KEY CHECK (one = 1),
        code_hash TEXT NOT NULL
    );
    "#,
    // 2: attachment bytes, named by their SHA-256, as SQLite's migration 3.
    // Photos are already compressed, so TOAST is told not to try again
    // (`EXTERNAL`: stored out of line, uncompressed).
    r#"
    CREATE TABLE blobs (
        sha256      TEXT COLLATE "C" PRIMARY KEY,
        mime        TEXT NOT NULL,
        size        BIGINT NOT NULL,
        bytes       BYTEA NOT NULL,
        uploaded_by TEXT NOT NULL REFERENCES users(id),
        received_at TEXT NOT NULL
    );
    ALTER TABLE blobs ALTER COLUMN bytes SET STORAGE EXTERNAL;
    "#,
];

/// Brings the schema up to date inside one transaction, so a crash half-way
/// leaves the previous version intact. Servers starting together take turns
/// through an advisory lock, so each migration runs once.
pub fn run(client: &mut Client) -> Result<(), postgres::Error> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    // "already exists, skipping" is no news at every start.
    tx.batch_execute("SET LOCAL client_min_messages = warning")?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )?;
    let current: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0);
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = i32::try_from(index).unwrap_or(i32::MAX).saturating_add(1);
        if version <= current {
            continue;
        }
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&version],
        )?;
    }
    tx.commit()
}
