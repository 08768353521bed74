//! A consistent copy of the live SQLite database, for `outpost-server backup`.

use std::path::Path;

use rusqlite::{Connection, params};

use super::{StoreError, StoreResult};

/// `VACUUM INTO` reads one snapshot, so the copy is consistent while pushes go
/// on. It is written under a temporary name, flushed to disk (SQLite does not
/// sync it) and only then renamed, so `to` is either the whole copy or absent.
pub fn backup(conn: &Connection, to: &Path) -> StoreResult<()> {
    let io = |e: std::io::Error| StoreError::Backend(Box::new(e));
    let mut partial = to.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    if partial.exists() {
        std::fs::remove_file(&partial).map_err(io)?;
    }
    let target = partial
        .to_str()
        .ok_or_else(|| StoreError::Corrupt("the backup path is not valid UTF-8".to_owned()))?;
    conn.execute("VACUUM INTO ?1", params![target])?;
    std::fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    std::fs::rename(&partial, to).map_err(io)?;
    Ok(())
}

/// How far a restore moves the log's sequence forward. Tablets hold cursors
/// (log positions) up to where the lost database had got, which may be past
/// the end of the backup; new changes must be numbered beyond any of them or
/// those tablets would never pull them.
pub const RESTORE_SEQUENCE_GAP: i64 = 1_000_000_000_000;

/// Puts the backup `from` in place as the database file `db`: copied under a
/// temporary name, checked, its log sequence moved past every cursor a tablet
/// may hold, flushed, and only then renamed.
pub fn restore(from: &Path, db: &Path) -> StoreResult<()> {
    let io = |e: std::io::Error| StoreError::Backend(Box::new(e));
    let mut partial = db.as_os_str().to_owned();
    partial.push(".restoring");
    let partial = std::path::PathBuf::from(partial);
    std::fs::copy(from, &partial).map_err(io)?;
    {
        let conn = Connection::open(&partial)?;
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::Corrupt(format!(
                "the backup fails its integrity check: {check}"
            )));
        }
        let moved = conn.execute(
            "UPDATE sqlite_sequence SET seq = seq + ?1 WHERE name = 'changes'",
            params![RESTORE_SEQUENCE_GAP],
        )?;
        if moved == 0 {
            conn.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('changes', ?1)",
                params![RESTORE_SEQUENCE_GAP],
            )?;
        }
    }
    std::fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    std::fs::rename(&partial, db).map_err(io)?;
    Ok(())
}
