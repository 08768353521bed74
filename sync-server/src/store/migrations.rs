//! The SQLite schema as numbered migrations. A migration is never edited once
//! shipped; changes are new entries at the end, applied in order at start-up.

use rusqlite::{Connection, params};

/// Each entry takes the schema from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: the tables of ARCHITECTURE.md.
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
    // 3: attachment bytes, named by their SHA-256. A blob is
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
    // 5: the current value of a field is its log entry with the greatest
    // stamp (the merge keeps the greatest, and the log is unique on the
    // stamp), so the log marks that entry instead of copying it into a
    // table of its own. `fields` kept a second copy of every current value
    // under a second index keyed by record (random ids): each pushed change
    // cost two more B-tree inserts, half of a bulk push's WAL pages. It is
    // now a view of the marked entries, read as before. The pull reads the
    // marked entries in log order from a partial index that holds what it
    // sends (so it never visits the wider log rows, which would make it
    // slower than reading `fields` was); counting what is left to pull
    // reads a narrow one. Both only grow at their end during a push.
    r#"
    ALTER TABLE changes ADD COLUMN current INTEGER NOT NULL DEFAULT 0;
    UPDATE changes SET current = 1 WHERE seq IN (SELECT seq FROM fields);
    DROP TABLE fields;
    CREATE INDEX changes_current ON changes(seq) WHERE current = 1;
    CREATE INDEX changes_current_pull
        ON changes(seq, collection, record_id, field, hlc, value) WHERE current = 1;
    CREATE VIEW fields AS
        SELECT collection, record_id, field, value, hlc, seq
        FROM changes WHERE current = 1;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_5_marks_the_entries_fields_held_and_keeps_fields_readable() {
        let mut conn = Connection::open_in_memory().expect("open");
        // A database at version 4: a field set twice (the older entry lost)
        // and a stale entry logged after the current one.
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)",
        )
        .expect("table");
        for (index, sql) in MIGRATIONS[..4].iter().enumerate() {
            conn.execute_batch(sql).expect("migration");
            conn.execute(
                "INSERT INTO schema_migrations (version) VALUES (?1)",
                params![i64::try_from(index).expect("small") + 1],
            )
            .expect("version");
        }
        conn.execute_batch(
            "INSERT INTO changes (seq, collection, record_id, field, value, hlc, user_id, device_id, received_at) VALUES
               (1, 'incidents', 'r1', 'title', '\"a\"', 'h1', 'u', 'd', 't'),
               (2, 'incidents', 'r1', 'title', '\"b\"', 'h3', 'u', 'd', 't'),
               (3, 'incidents', 'r1', 'title', '\"c\"', 'h2', 'u', 'd', 't'),
               (4, 'incidents', 'r1', 'status', '\"new\"', 'h1', 'u', 'd', 't');
             INSERT INTO fields (collection, record_id, field, value, hlc, seq) VALUES
               ('incidents', 'r1', 'title', '\"b\"', 'h3', 2),
               ('incidents', 'r1', 'status', '\"new\"', 'h1', 4);",
        )
        .expect("data");
        run(&mut conn).expect("migrate");
        let current: Vec<(i64, bool)> = conn
            .prepare("SELECT seq, current = 1 FROM changes ORDER BY seq")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(current, [(1, false), (2, true), (3, false), (4, true)]);
        let fields: Vec<(String, String, i64)> = conn
            .prepare("SELECT field, value, seq FROM fields ORDER BY seq")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            fields,
            [
                ("title".to_owned(), "\"b\"".to_owned(), 2),
                ("status".to_owned(), "\"new\"".to_owned(), 4)
            ]
        );
        // Running it again changes nothing.
        run(&mut conn).expect("again");
        let version: i64 = conn
            .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
                r.get(0)
            })
            .expect("version");
        assert_eq!(version, i64::try_from(MIGRATIONS.len()).expect("small"));
    }
}
