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
