//! IndexedDB storage: object stores `records` (key `collection/id`), `outbox`
//! (auto-increment key, one change each), `meta` (key → JSON value),
//! `conflicts` (key `collection/id/field`), and `blobs` and `uploads` for
//! photo bytes (key sha256, see [`blobs`]).
//!
//! Values go through JSON text (`serde_json` ↔ `JSON.parse`/`JSON.stringify`)
//! so that what is stored is exactly the wire JSON: nulls stay null and whole
//! numbers stay whole, whatever a JS bridge would make of them. Records, the
//! bulk of the data, are stored as that JSON text itself: reading ten
//! thousand of them then skips building JS objects only to stringify them
//! again. Records written as objects by older versions are still read, and
//! are rewritten as text the next time they change.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use outpost_model::{Change, Clock};
use serde_json::Value;
use wasm_bindgen::JsValue;

use outpost_client::storage::conflict::merge_pulled;
use outpost_client::storage::{
    Conflict, FailedChange, LocalStore, OutboxEntry, Restamp, StoreError, StoredBlob, StoredRecord,
    SyncDone, SyncStored, Upload, conflict_key, keys_of, meta, record_key, restamp_records,
    restore_refused,
};

mod blobs;
mod records;
use blobs::{BLOBS, UPLOADS, put_blobs};
use records::{
    clock_json, from_js, put_meta, read_records, record_from_js, to_js, to_value, write_records,
};

/// Version 1: records, outbox, meta; 2: conflicts; 3: blobs, uploads.
pub const VERSION: u8 = 3;
const RECORDS: &str = "records";
const OUTBOX: &str = "outbox";
const META: &str = "meta";
const CONFLICTS: &str = "conflicts";

/// The database of one tablet (the app uses one name; tests use one each).
#[derive(Debug)]
pub struct IdbStore {
    db: Database,
}

/// An IndexedDB failure as the client's [`StoreError`].
pub(crate) fn idb_error(e: indexed_db_futures::error::Error) -> StoreError {
    // IndexedDB reports a full quota as a DOMException named
    // `QuotaExceededError`, on the request or on the aborted transaction.
    let text = e.to_string();
    if text.contains("QuotaExceeded") || format!("{e:?}").contains("QuotaExceeded") {
        StoreError::Full
    } else {
        StoreError::Failed(text)
    }
}

impl IdbStore {
    /// Opens (and on first use creates) the database called `name`.
    pub async fn open(name: &str) -> Result<Self, StoreError> {
        Self::open_or_wait(name, || {}).await
    }

    /// Opens `name`; if an older version of the app still has the database
    /// open in another tab, the upgrade waits for that tab to close, and
    /// `on_blocked` runs so the person can be told to close it.
    pub async fn open_or_wait(
        name: &str,
        on_blocked: impl FnOnce() + 'static,
    ) -> Result<Self, StoreError> {
        let db = Database::open(name)
            .with_version(VERSION)
            .with_on_blocked(move |_| {
                on_blocked();
                Ok(())
            })
            .with_on_upgrade_needed(|event, db| {
                // Versions are small whole numbers stored as floats.
                if event.old_version() < 1.0 {
                    db.create_object_store(RECORDS).build()?;
                    db.create_object_store(OUTBOX)
                        .with_auto_increment(true)
                        .build()?;
                    db.create_object_store(META).build()?;
                }
                if event.old_version() < 2.0 {
                    db.create_object_store(CONFLICTS).build()?;
                }
                if event.old_version() < 3.0 {
                    db.create_object_store(BLOBS).build()?;
                    db.create_object_store(UPLOADS).build()?;
                }
                Ok(())
            })
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(Self { db })
    }

    /// Closes the connection (tests reopen to prove data survives).
    pub fn close(self) {
        self.db.close();
    }

    fn tx(&self, stores: &[&str], write: bool) -> Result<Transaction<'_>, StoreError> {
        let mode = if write {
            TransactionMode::Readwrite
        } else {
            TransactionMode::Readonly
        };
        self.db
            .transaction(stores)
            .with_mode(mode)
            .build()
            .map_err(idb_error)
    }

    /// A write that is the only copy of what a person typed (a local edit,
    /// or its restamp): done only once the browser has flushed it to disk.
    /// Chromium's default since version 121 is `relaxed`, which reports done
    /// while the data may still sit in the OS's buffers: a tablet whose
    /// battery dies a second after *Save* would lose the edit. Pulled
    /// changes keep the default; the server holds them, and a lost page is
    /// pulled again because its cursor is lost with it.
    fn tx_strict(&self, stores: &[&str]) -> Result<Transaction<'_>, StoreError> {
        let options = TransactionOptions::new().with_durability(TransactionDurability::Strict);
        self.db
            .transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .with_options(options)
            .build()
            .map_err(idb_error)
    }

    /// Every value of one small object store, read in one transaction.
    async fn read_store<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Vec<T>, StoreError> {
        let tx = self.tx(&[name], false)?;
        let all = tx
            .object_store(name)
            .map_err(idb_error)?
            .get_all::<JsValue>()
            .primitive()
            .map_err(idb_error)?
            .await
            .map_err(idb_error)?;
        all.map(|js| from_js(js.map_err(idb_error)?)).collect()
    }
}

impl LocalStore for IdbStore {
    async fn record(&self, collection: &str, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        let tx = self.tx(&[RECORDS], false)?;
        let store = tx.object_store(RECORDS).map_err(idb_error)?;
        let js: Option<JsValue> = store
            .get(record_key(collection, id))
            .primitive()
            .map_err(idb_error)?
            .await
            .map_err(idb_error)?;
        js.map(record_from_js).transpose()
    }

    async fn records(&self, collection: &str) -> Result<Vec<StoredRecord>, StoreError> {
        let tx = self.tx(&[RECORDS], false)?;
        let store = tx.object_store(RECORDS).map_err(idb_error)?;
        // '0' is the character after '/', so this range is exactly "collection/…".
        let range = format!("{collection}/")..format!("{collection}0");
        let all = store
            .get_all::<JsValue>()
            .with_query::<String, _>(range)
            .primitive()
            .map_err(idb_error)?
            .await
            .map_err(idb_error)?;
        all.map(|js| record_from_js(js.map_err(idb_error)?))
            .collect()
    }

    async fn save_local_with_blobs(
        &self,
        changes: &[Change],
        clock: &Clock,
        blobs: &[StoredBlob],
    ) -> Result<(), StoreError> {
        let tx = if blobs.is_empty() {
            self.tx_strict(&[RECORDS, OUTBOX, META, CONFLICTS])?
        } else {
            self.tx_strict(&[RECORDS, OUTBOX, META, CONFLICTS, BLOBS, UPLOADS])?
        };
        put_blobs(&tx, blobs, true)?;
        let mut records = read_records(&tx, keys_of(changes)).await?;
        merge_pulled(&mut records, changes.to_vec(), clock.node());
        write_records(&tx, &records)?;
        let outbox = tx.object_store(OUTBOX).map_err(idb_error)?;
        let conflicts = tx.object_store(CONFLICTS).map_err(idb_error)?;
        for change in changes {
            outbox.add(to_js(change)?).primitive().map_err(idb_error)?;
            conflicts
                .delete(conflict_key(&change.collection, &change.id, &change.field))
                .primitive()
                .map_err(idb_error)?;
        }
        put_meta(&tx, meta::CLOCK, &clock_json(clock)?)?;
        tx.commit().await.map_err(idb_error)?;
        Ok(())
    }

    async fn blob(&self, sha256: &str) -> Result<Option<StoredBlob>, StoreError> {
        self.read_blob(sha256).await
    }

    async fn keep_blob(&self, blob: &StoredBlob) -> Result<(), StoreError> {
        self.write_blob(blob).await
    }

    async fn uploads(&self) -> Result<Vec<Upload>, StoreError> {
        self.read_uploads().await
    }

    async fn upload_done(&self, sha256: &str, refused: Option<&str>) -> Result<(), StoreError> {
        self.finish_upload(sha256, refused).await
    }

    async fn outbox(&self, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        let tx = self.tx(&[OUTBOX], false)?;
        let store = tx.object_store(OUTBOX).map_err(idb_error)?;
        // Keys and values come back in the same (key) order within one transaction.
        let keys = store
            .get_all_keys::<f64>()
            .with_limit(limit)
            .primitive()
            .map_err(idb_error)?;
        let values = store
            .get_all::<JsValue>()
            .with_limit(limit)
            .primitive()
            .map_err(idb_error)?;
        let (keys, values) = (
            keys.await.map_err(idb_error)?,
            values.await.map_err(idb_error)?,
        );
        keys.zip(values)
            .map(|(key, value)| {
                Ok(OutboxEntry {
                    // Auto-increment keys are whole numbers well below 2^53.
                    seq: key.map_err(idb_error)? as u64,
                    change: from_js(value.map_err(idb_error)?)?,
                })
            })
            .collect()
    }

    async fn outbox_len(&self) -> Result<u32, StoreError> {
        let tx = self.tx(&[OUTBOX], false)?;
        tx.object_store(OUTBOX)
            .map_err(idb_error)?
            .count()
            .primitive()
            .map_err(idb_error)?
            .await
            .map_err(idb_error)
    }

    async fn rewrite_outbox(&self, restamps: &[Restamp], clock: &Clock) -> Result<(), StoreError> {
        let tx = self.tx_strict(&[RECORDS, OUTBOX, META])?;
        let store = tx.object_store(OUTBOX).map_err(idb_error)?;
        let mut pending = Vec::new();
        for r in restamps {
            let seq = r.entry.seq as f64;
            pending.push((
                &r.entry,
                store
                    .get::<JsValue, _, _>(seq)
                    .primitive()
                    .map_err(idb_error)?,
            ));
        }
        for (entry, req) in pending {
            // An entry acknowledged meanwhile stays gone.
            if req.await.map_err(idb_error)?.is_some() {
                store
                    .put(to_js(&entry.change)?)
                    .with_key(entry.seq as f64)
                    .without_key_type()
                    .primitive()
                    .map_err(idb_error)?;
            }
        }
        let changes: Vec<Change> = restamps.iter().map(|r| r.entry.change.clone()).collect();
        let mut records = read_records(&tx, keys_of(&changes)).await?;
        restamp_records(&mut records, restamps);
        write_records(&tx, &records)?;
        put_meta(&tx, meta::CLOCK, &clock_json(clock)?)?;
        tx.commit().await.map_err(idb_error)?;
        Ok(())
    }

    async fn finish_sync(&self, done: SyncDone<'_>) -> Result<SyncStored, StoreError> {
        let tx = self.tx(&[RECORDS, OUTBOX, META, CONFLICTS], true)?;
        let outbox = tx.object_store(OUTBOX).map_err(idb_error)?;
        for seq in done.acknowledged {
            outbox.delete(*seq as f64).primitive().map_err(idb_error)?;
        }
        let mut records = read_records(&tx, done.keys()).await?;
        restore_refused(&mut records, done.failed);
        let (updated, found) = merge_pulled(&mut records, done.pulled, done.clock.node());
        write_records(&tx, &records)?;
        let conflicts = tx.object_store(CONFLICTS).map_err(idb_error)?;
        for conflict in &found {
            conflicts
                .put(to_js(conflict)?)
                .with_key(conflict.key())
                .without_key_type()
                .primitive()
                .map_err(idb_error)?;
        }
        put_meta(&tx, meta::CLOCK, &clock_json(done.clock)?)?;
        match done.cursor {
            Some(c) => put_meta(&tx, meta::CURSOR, &Value::from(c))?,
            None => {
                tx.object_store(META)
                    .map_err(idb_error)?
                    .delete(meta::CURSOR.to_owned())
                    .primitive()
                    .map_err(idb_error)?;
            }
        }
        if !done.failed.is_empty() {
            let stored: Option<JsValue> = tx
                .object_store(META)
                .map_err(idb_error)?
                .get(meta::FAILED.to_owned())
                .primitive()
                .map_err(idb_error)?
                .await
                .map_err(idb_error)?;
            let mut failed: Vec<FailedChange> = match stored {
                Some(js) => from_js(js)?,
                None => Vec::new(),
            };
            failed.extend_from_slice(done.failed);
            put_meta(&tx, meta::FAILED, &to_value(&failed)?)?;
        }
        put_meta(&tx, meta::OFFSET_MS, &Value::from(done.offset_ms))?;
        put_meta(&tx, meta::LAST_SYNCED, &Value::from(done.synced_at_ms))?;
        tx.commit().await.map_err(idb_error)?;
        Ok(SyncStored {
            updated,
            records: records.into_values().collect(),
        })
    }

    async fn conflicts(&self) -> Result<Vec<Conflict>, StoreError> {
        self.read_store(CONFLICTS).await
    }

    async fn dismiss_conflict(&self, key: &str) -> Result<(), StoreError> {
        let tx = self.tx(&[CONFLICTS], true)?;
        tx.object_store(CONFLICTS)
            .map_err(idb_error)?
            .delete(key.to_owned())
            .primitive()
            .map_err(idb_error)?;
        tx.commit().await.map_err(idb_error)?;
        Ok(())
    }

    async fn meta(&self, key: &str) -> Result<Option<Value>, StoreError> {
        let tx = self.tx(&[META], false)?;
        let js: Option<JsValue> = tx
            .object_store(META)
            .map_err(idb_error)?
            .get(key.to_owned())
            .primitive()
            .map_err(idb_error)?
            .await
            .map_err(idb_error)?;
        js.map(from_js).transpose()
    }

    async fn set_meta(&self, key: &str, value: Option<Value>) -> Result<(), StoreError> {
        let tx = self.tx(&[META], true)?;
        match value {
            Some(v) => put_meta(&tx, key, &v)?,
            None => {
                tx.object_store(META)
                    .map_err(idb_error)?
                    .delete(key.to_owned())
                    .primitive()
                    .map_err(idb_error)?;
            }
        }
        tx.commit().await.map_err(idb_error)?;
        Ok(())
    }
}
