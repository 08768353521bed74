//! An in-memory twin of the IndexedDB store, for tests of the sync client and
//! for a browser that refuses storage (the app then still runs for the session).

use std::cell::RefCell;
use std::collections::BTreeMap;

use outpost_model::{Change, Clock};
use serde_json::Value;

use super::conflict::merge_pulled;
use super::{
    Conflict, LocalStore, OutboxEntry, Restamp, StoreError, StoredBlob, StoredRecord, SyncDone,
    SyncStored, Upload, conflict_key, meta, record_key, restamp_records, restore_refused,
};

#[derive(Debug, Default)]
struct State {
    records: BTreeMap<String, StoredRecord>,
    outbox: BTreeMap<u64, Change>,
    next_seq: u64,
    meta: BTreeMap<String, Value>,
    conflicts: BTreeMap<String, Conflict>,
    blobs: BTreeMap<String, StoredBlob>,
    uploads: BTreeMap<String, Upload>,
}

/// Keeps everything in a `RefCell`; borrows never span an `.await`.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: RefCell<State>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

fn clock_value(clock: &Clock) -> Result<Value, StoreError> {
    serde_json::to_value(clock).map_err(|e| StoreError::Failed(e.to_string()))
}

impl LocalStore for MemoryStore {
    async fn record(&self, collection: &str, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        Ok(self
            .state
            .borrow()
            .records
            .get(&record_key(collection, id))
            .cloned())
    }

    async fn records(&self, collection: &str) -> Result<Vec<StoredRecord>, StoreError> {
        Ok(self
            .state
            .borrow()
            .records
            .values()
            .filter(|r| r.collection == collection)
            .cloned()
            .collect())
    }

    async fn save_local_with_blobs(
        &self,
        changes: &[Change],
        clock: &Clock,
        blobs: &[StoredBlob],
    ) -> Result<(), StoreError> {
        let device = clock.node();
        let clock = clock_value(clock)?;
        let mut state = self.state.borrow_mut();
        for blob in blobs {
            state.blobs.insert(blob.sha256.clone(), blob.clone());
            state.uploads.insert(blob.sha256.clone(), blob.upload());
        }
        merge_pulled(&mut state.records, changes.to_vec(), device);
        for change in changes {
            let key = conflict_key(&change.collection, &change.id, &change.field);
            state.conflicts.remove(&key);
            state.next_seq += 1;
            let seq = state.next_seq;
            state.outbox.insert(seq, change.clone());
        }
        state.meta.insert(meta::CLOCK.to_owned(), clock);
        Ok(())
    }

    async fn blob(&self, sha256: &str) -> Result<Option<StoredBlob>, StoreError> {
        Ok(self.state.borrow().blobs.get(sha256).cloned())
    }

    async fn keep_blob(&self, blob: &StoredBlob) -> Result<(), StoreError> {
        let mut state = self.state.borrow_mut();
        state.blobs.insert(blob.sha256.clone(), blob.clone());
        Ok(())
    }

    async fn uploads(&self) -> Result<Vec<Upload>, StoreError> {
        Ok(self.state.borrow().uploads.values().cloned().collect())
    }

    async fn upload_done(&self, sha256: &str, refused: Option<&str>) -> Result<(), StoreError> {
        let mut state = self.state.borrow_mut();
        match refused {
            None => {
                state.uploads.remove(sha256);
            }
            Some(reason) => {
                if let Some(upload) = state.uploads.get_mut(sha256) {
                    upload.refused = Some(reason.to_owned());
                }
            }
        }
        Ok(())
    }

    async fn outbox(&self, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        Ok(self
            .state
            .borrow()
            .outbox
            .iter()
            .take(limit as usize)
            .map(|(seq, change)| OutboxEntry {
                seq: *seq,
                change: change.clone(),
            })
            .collect())
    }

    async fn outbox_len(&self) -> Result<u32, StoreError> {
        Ok(u32::try_from(self.state.borrow().outbox.len()).unwrap_or(u32::MAX))
    }

    async fn rewrite_outbox(&self, restamps: &[Restamp], clock: &Clock) -> Result<(), StoreError> {
        let clock = clock_value(clock)?;
        let mut state = self.state.borrow_mut();
        for r in restamps {
            // An entry acknowledged meanwhile stays gone.
            if let Some(change) = state.outbox.get_mut(&r.entry.seq) {
                *change = r.entry.change.clone();
            }
        }
        restamp_records(&mut state.records, restamps);
        state.meta.insert(meta::CLOCK.to_owned(), clock);
        Ok(())
    }

    async fn finish_sync(&self, done: SyncDone<'_>) -> Result<SyncStored, StoreError> {
        let clock = clock_value(done.clock)?;
        let mut state = self.state.borrow_mut();
        for seq in done.acknowledged {
            state.outbox.remove(seq);
        }
        let touched = done.keys();
        restore_refused(&mut state.records, done.failed);
        let (updated, found) = merge_pulled(&mut state.records, done.pulled, done.clock.node());

        for conflict in found {
            state.conflicts.insert(conflict.key(), conflict);
        }
        let m = &mut state.meta;
        m.insert(meta::CLOCK.to_owned(), clock);
        match done.cursor {
            Some(c) => m.insert(meta::CURSOR.to_owned(), Value::from(c)),
            None => m.remove(meta::CURSOR),
        };
        if !done.failed.is_empty() {
            let mut failed: Vec<super::FailedChange> = m
                .get(meta::FAILED)
                .map(|v| serde_json::from_value(v.clone()))
                .transpose()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?
                .unwrap_or_default();
            failed.extend_from_slice(done.failed);
            let value =
                serde_json::to_value(&failed).map_err(|e| StoreError::Failed(e.to_string()))?;
            m.insert(meta::FAILED.to_owned(), value);
        }
        m.insert(meta::OFFSET_MS.to_owned(), Value::from(done.offset_ms));
        m.insert(meta::LAST_SYNCED.to_owned(), Value::from(done.synced_at_ms));
        // Emptied records (only a refusal empties one) are given back empty,
        // so that a cache over this store drops them too, and then go.
        let records = touched
            .iter()
            .filter_map(|key| state.records.get(key).cloned())
            .collect();
        for key in &touched {
            if state.records.get(key).is_some_and(|r| r.fields.is_empty()) {
                state.records.remove(key);
            }
        }
        Ok(SyncStored { updated, records })
    }

    async fn conflicts(&self) -> Result<Vec<Conflict>, StoreError> {
        Ok(self.state.borrow().conflicts.values().cloned().collect())
    }

    async fn dismiss_conflict(&self, key: &str) -> Result<(), StoreError> {
        self.state.borrow_mut().conflicts.remove(key);
        Ok(())
    }

    async fn meta(&self, key: &str) -> Result<Option<Value>, StoreError> {
        Ok(self.state.borrow().meta.get(key).cloned())
    }

    async fn set_meta(&self, key: &str, value: Option<Value>) -> Result<(), StoreError> {
        let mut state = self.state.borrow_mut();
        match value {
            Some(v) => state.meta.insert(key.to_owned(), v),
            None => state.meta.remove(key),
        };
        Ok(())
    }
}
