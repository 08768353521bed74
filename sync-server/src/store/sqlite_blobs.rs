//! The blob half of the SQLite store: attachment bytes named by their SHA-256.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Blob, StoreResult, account_rules::to_i64};

/// Inserts the blob unless its hash is already stored; `true` when it was
/// new. One statement outside any other transaction is its own transaction,
/// and with `synchronous = FULL` it is on disk when this returns.
pub fn put(
    conn: &Connection,
    blob: &Blob,
    uploaded_by: &str,
    received_at: &str,
) -> StoreResult<bool> {
    let size = to_i64(u64::try_from(blob.bytes.len()).unwrap_or(u64::MAX));
    let inserted = conn.execute(
        "INSERT INTO blobs (sha256, mime, size, bytes, uploaded_by, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (sha256) DO NOTHING",
        params![
            blob.sha256,
            blob.mime,
            size,
            blob.bytes,
            uploaded_by,
            received_at
        ],
    )?;
    Ok(inserted == 1)
}

pub fn get(conn: &Connection, sha256: &str) -> StoreResult<Option<Blob>> {
    let found = conn
        .query_row(
            "SELECT mime, bytes FROM blobs WHERE sha256 = ?1",
            params![sha256],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)),
        )
        .optional()?;
    Ok(found.map(|(mime, bytes)| Blob {
        sha256: sha256.to_owned(),
        mime,
        bytes,
    }))
}
