//! What the role rules need to know about a record, read from the SQLite
//! store inside the push transaction.

use rusqlite::{Connection, OptionalExtension, params};

use super::{RecordFacts, StoreResult};

/// Whether a record exists, who sent its first change and who reported it.
pub fn record_facts(conn: &Connection, collection: &str, id: &str) -> StoreResult<RecordFacts> {
    // Asked once per record of every push: prepared once per connection.
    // Whether the record has any log entry is one look in the log's index;
    // only a record that exists has a creator and a reporter to read.
    let exists = conn
        .prepare_cached("SELECT 1 FROM changes WHERE collection = ?1 AND record_id = ?2 LIMIT 1")?
        .query_row(params![collection, id], |_| Ok(()))
        .optional()?
        .is_some();
    if !exists {
        return Ok(RecordFacts::default());
    }
    let created_by: Option<String> = conn
        .prepare_cached(
            "SELECT user_id FROM changes WHERE seq =
               (SELECT MIN(seq) FROM changes WHERE collection = ?1 AND record_id = ?2)",
        )?
        .query_row(params![collection, id], |r| r.get(0))
        .optional()?;
    let reported_by: Option<String> = conn
        .prepare_cached(
            "SELECT value FROM changes
             WHERE collection = ?1 AND record_id = ?2 AND field = 'reported_by'
               AND current = 1
             ORDER BY hlc DESC LIMIT 1",
        )?
        .query_row(params![collection, id], |r| r.get::<_, String>(0))
        .optional()?
        .and_then(|v| serde_json::from_str::<serde_json::Value>(&v).ok())
        .and_then(|v| v.as_str().map(str::to_owned));
    Ok(RecordFacts {
        exists: created_by.is_some(),
        created_by,
        reported_by,
    })
}
