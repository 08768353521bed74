//! The blob half of the PostgreSQL store: attachment bytes named by their
//! SHA-256, as in `sqlite_blobs.rs`.

use postgres::GenericClient;

use super::{Blob, StoreResult, account_rules::to_i64};

/// Inserts the blob unless its hash is already stored; `true` when it was
/// new. A lone statement commits on its own, durably, before this returns;
/// two servers storing the same blob at once both succeed, one of them with
/// `false`.
pub fn put(
    conn: &mut impl GenericClient,
    blob: &Blob,
    uploaded_by: &str,
    received_at: &str,
) -> StoreResult<bool> {
    let size = to_i64(u64::try_from(blob.bytes.len()).unwrap_or(u64::MAX));
    let inserted = conn.execute(
        "INSERT INTO blobs (sha256, mime, size, bytes, uploaded_by, received_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (sha256) DO NOTHING",
        &[
            &blob.sha256,
            &blob.mime,
            &size,
            &blob.bytes,
            &uploaded_by,
            &received_at,
        ],
    )?;
    Ok(inserted == 1)
}

pub fn get(conn: &mut impl GenericClient, sha256: &str) -> StoreResult<Option<Blob>> {
    let row = conn.query_opt(
        "SELECT mime, bytes FROM blobs WHERE sha256 = $1",
        &[&sha256],
    )?;
    row.map(|row| {
        Ok(Blob {
            sha256: sha256.to_owned(),
            mime: row.try_get(0)?,
            bytes: row.try_get(1)?,
        })
    })
    .transpose()
}
