//! Helpers shared by the browser tests: unique database names, and records
//! written the way older app versions wrote them.

#![allow(dead_code)]

// Not every test file uses the client's stand-ins.
#[allow(unused_imports)]
pub use outpost_client::testing::*;

/// A database name no other test uses, so tests never see each other's data.
pub fn unique_db(test: &str) -> String {
    format!("outpost-test-{test}-{}", uuid::Uuid::new_v4())
}

/// Writes `record` into `db`'s `records` store as a JS object, the way app
/// versions before records-as-text stored it.
pub async fn put_record_as_object(
    db: &indexed_db_futures::database::Database,
    record: &outpost_client::storage::StoredRecord,
) {
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;
    let object = js_sys::JSON::parse(&serde_json::to_string(record).unwrap()).unwrap();
    let tx = db
        .transaction(["records"])
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    tx.object_store("records")
        .unwrap()
        .put(object)
        .with_key(record.key())
        .without_key_type()
        .primitive()
        .unwrap();
    tx.commit().await.unwrap();
}
