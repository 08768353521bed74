//! How values sit in IndexedDB: records as their JSON text, everything else
//! as the JS value of its wire JSON; and the reads and writes of records and
//! meta entries that the store's transactions share.

use std::collections::BTreeMap;

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use outpost_model::Clock;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use wasm_bindgen::JsValue;

use super::{META, RECORDS, idb_error};
use outpost_client::storage::{StoreError, StoredRecord};

pub(super) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, StoreError> {
    let text = serde_json::to_string(value).map_err(|e| StoreError::Failed(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|e| StoreError::Failed(format!("{e:?}")))
}

/// A record as stored: its JSON text.
pub(super) fn record_to_js(record: &StoredRecord) -> Result<JsValue, StoreError> {
    let text = serde_json::to_string(record).map_err(|e| StoreError::Failed(e.to_string()))?;
    Ok(JsValue::from_str(&text))
}

/// A stored record: JSON text, or (written by an older version) an object.
pub(super) fn record_from_js(value: JsValue) -> Result<StoredRecord, StoreError> {
    match value.as_string() {
        Some(text) => serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string())),
        None => from_js(value),
    }
}

pub(super) fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, StoreError> {
    let text: String = js_sys::JSON::stringify(&value)
        .map_err(|e| StoreError::Corrupt(format!("{e:?}")))?
        .into();
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Reads the records under `keys` inside `tx`, so that merging and writing
/// back happen in the same transaction.
pub(super) async fn read_records(
    tx: &Transaction<'_>,
    keys: impl IntoIterator<Item = String>,
) -> Result<BTreeMap<String, StoredRecord>, StoreError> {
    let store = tx.object_store(RECORDS).map_err(idb_error)?;
    // Every request goes out before the first is awaited.
    let mut pending = Vec::new();
    for key in keys {
        let req = store
            .get::<JsValue, _, _>(key.clone())
            .primitive()
            .map_err(idb_error)?;
        pending.push((key, req));
    }
    let mut records = BTreeMap::new();
    for (key, req) in pending {
        if let Some(js) = req.await.map_err(idb_error)? {
            records.insert(key, record_from_js(js)?);
        }
    }
    Ok(records)
}

pub(super) fn write_records(
    tx: &Transaction<'_>,
    records: &BTreeMap<String, StoredRecord>,
) -> Result<(), StoreError> {
    let store = tx.object_store(RECORDS).map_err(idb_error)?;
    for (key, record) in records {
        if record.fields.is_empty() {
            // Only a refusal empties a record: one the server never had.
            store.delete(key.clone()).primitive().map_err(idb_error)?;
            continue;
        }
        store
            .put(record_to_js(record)?)
            .with_key(key.clone())
            .without_key_type()
            .primitive()
            .map_err(idb_error)?;
    }
    Ok(())
}

pub(super) fn put_meta(tx: &Transaction<'_>, key: &str, value: &Value) -> Result<(), StoreError> {
    tx.object_store(META)
        .map_err(idb_error)?
        .put(to_js(value)?)
        .with_key(key.to_owned())
        .without_key_type()
        .primitive()
        .map_err(idb_error)?;
    Ok(())
}

pub(super) fn clock_json(clock: &Clock) -> Result<Value, StoreError> {
    to_value(clock)
}

pub(super) fn to_value<T: Serialize>(value: &T) -> Result<Value, StoreError> {
    serde_json::to_value(value).map_err(|e| StoreError::Failed(e.to_string()))
}
