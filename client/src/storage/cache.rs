//! A read cache in front of the tablet's store. Pages read whole collections
//! (the list, its SLA chips, the dashboard), and with a year of data that is
//! ten thousand incidents and tens of thousands of events: reading them from
//! IndexedDB on every change would take seconds. The cache reads a collection
//! once, then keeps it current by applying every change that passes through
//! it (local edits and pulled changes) with the same last-writer-wins merge
//! the store uses, so it never disagrees with what was written.
//!
//! Writes always go to the store first; the cache follows only after the
//! store's transaction committed. Another tab's writes do not pass through
//! here, so a message from another tab drops the cache ([`Cached::forget`]).

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use outpost_model::{Change, Clock};
use serde_json::Value;

use super::{
    Conflict, LocalStore, OutboxEntry, Restamp, StoreError, StoredBlob, StoredRecord, SyncDone,
    SyncStored, Upload,
};

/// One collection as read once and kept up to date. At least one of the
/// two is there: a collection read and not changed since is only its
/// snapshot, so opening a page copies nothing; the first change builds the
/// map from it.
#[derive(Debug, Default)]
struct Collection {
    by_id: Option<BTreeMap<String, StoredRecord>>,
    /// The records in id order, shared with readers until the next change.
    snapshot: Option<Rc<[StoredRecord]>>,
}

impl Collection {
    /// A collection just read, in any order.
    fn read(mut records: Vec<StoredRecord>) -> Self {
        records.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        Self {
            by_id: None,
            snapshot: Some(records.into()),
        }
    }

    fn snapshot(&mut self) -> Rc<[StoredRecord]> {
        if let Some(s) = &self.snapshot {
            return s.clone();
        }
        let s: Rc<[StoredRecord]> = match &self.by_id {
            Some(m) => m.values().cloned().collect(),
            None => Rc::from([]),
        };
        self.snapshot = Some(s.clone());
        s
    }

    /// The records to change; the snapshot readers hold stays as it was.
    fn by_id(&mut self) -> &mut BTreeMap<String, StoredRecord> {
        let snapshot = self.snapshot.take();
        self.by_id.get_or_insert_with(|| {
            snapshot
                .iter()
                .flat_map(|s| s.iter())
                .map(|r| (r.id.clone(), r.clone()))
                .collect()
        })
    }

    fn get(&self, id: &str) -> Option<&StoredRecord> {
        match (&self.by_id, &self.snapshot) {
            (Some(m), _) => m.get(id),
            (None, Some(s)) => s
                .binary_search_by(|r| r.id.as_str().cmp(id))
                .ok()
                .map(|i| &s[i]),
            (None, None) => None,
        }
    }
}

/// `store` with its collections cached in memory.
#[derive(Debug)]
pub struct Cached<S> {
    store: S,
    collections: RefCell<HashMap<String, Collection>>,
    /// Bumped by every change applied or forgotten, so that a collection read
    /// while a write went on is not kept (it may miss that write).
    generation: Cell<u64>,
}

impl<S: LocalStore> Cached<S> {
    pub fn new(store: S) -> Self {
        Self {
            store,
            collections: RefCell::default(),
            generation: Cell::new(0),
        }
    }

    /// The store underneath, for what the cache has no part in.
    pub fn inner(&self) -> &S {
        &self.store
    }

    /// Drops everything cached: another tab changed the stored records.
    pub fn forget(&self) {
        self.collections.borrow_mut().clear();
        self.bump();
    }

    /// Every record of `collection`, tombstones included, in id order; shared,
    /// so a page that reads ten thousand records copies none of them.
    pub async fn shared(&self, collection: &str) -> Result<Rc<[StoredRecord]>, StoreError> {
        if let Some(c) = self.collections.borrow_mut().get_mut(collection) {
            return Ok(c.snapshot());
        }
        let started = self.generation.get();
        let records = self.store.records(collection).await?;
        let mut collections = self.collections.borrow_mut();
        if let Some(c) = collections.get_mut(collection) {
            // Another reader filled it meanwhile; theirs is as good.
            return Ok(c.snapshot());
        }
        let mut loaded = Collection::read(records);
        let snapshot = loaded.snapshot();
        if self.generation.get() == started {
            collections.insert(collection.to_owned(), loaded);
        }
        Ok(snapshot)
    }

    fn bump(&self) {
        self.generation.set(self.generation.get() + 1);
    }

    /// Merges changes the store has just committed into the cached copies.
    fn apply(&self, changes: &[Change]) {
        self.bump();
        let mut collections = self.collections.borrow_mut();
        for change in changes {
            if let Some(c) = collections.get_mut(&change.collection) {
                c.by_id()
                    .entry(change.id.clone())
                    .or_insert_with(|| StoredRecord::new(&change.collection, &change.id))
                    .apply(change);
            }
        }
    }

    /// Puts records the store has just committed in place of the cached
    /// copies.
    fn replace(&self, records: Vec<StoredRecord>) {
        self.bump();
        let mut collections = self.collections.borrow_mut();
        for record in records {
            if let Some(c) = collections.get_mut(&record.collection) {
                if record.fields.is_empty() {
                    c.by_id().remove(&record.id);
                } else {
                    c.by_id().insert(record.id.clone(), record);
                }
            }
        }
    }

    /// Drops the cached collections `changes` touch (rare writes whose effect
    /// on records is not a plain merge).
    fn drop_touched(&self, changes: impl Iterator<Item = String>) {
        self.bump();
        let mut collections = self.collections.borrow_mut();
        for collection in changes {
            collections.remove(&collection);
        }
    }
}

impl<S: LocalStore> LocalStore for Cached<S> {
    async fn record(&self, collection: &str, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        if let Some(c) = self.collections.borrow().get(collection) {
            return Ok(c.get(id).cloned());
        }
        self.store.record(collection, id).await
    }

    async fn records(&self, collection: &str) -> Result<Vec<StoredRecord>, StoreError> {
        Ok(self.shared(collection).await?.to_vec())
    }

    async fn save_local_with_blobs(
        &self,
        changes: &[Change],
        clock: &Clock,
        blobs: &[StoredBlob],
    ) -> Result<(), StoreError> {
        self.store
            .save_local_with_blobs(changes, clock, blobs)
            .await?;
        self.apply(changes);
        Ok(())
    }

    async fn blob(&self, sha256: &str) -> Result<Option<StoredBlob>, StoreError> {
        self.store.blob(sha256).await
    }

    async fn keep_blob(&self, blob: &StoredBlob) -> Result<(), StoreError> {
        self.store.keep_blob(blob).await
    }

    async fn uploads(&self) -> Result<Vec<Upload>, StoreError> {
        self.store.uploads().await
    }

    async fn upload_done(&self, sha256: &str, refused: Option<&str>) -> Result<(), StoreError> {
        self.store.upload_done(sha256, refused).await
    }

    async fn outbox(&self, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        self.store.outbox(limit).await
    }

    async fn outbox_len(&self) -> Result<u32, StoreError> {
        self.store.outbox_len().await
    }

    async fn rewrite_outbox(&self, restamps: &[Restamp], clock: &Clock) -> Result<(), StoreError> {
        self.store.rewrite_outbox(restamps, clock).await?;
        self.drop_touched(restamps.iter().map(|r| r.entry.change.collection.clone()));
        Ok(())
    }

    /// As the store's, except that the records move into the cache: the
    /// answer's `records` is empty.
    async fn finish_sync(&self, done: SyncDone<'_>) -> Result<SyncStored, StoreError> {
        let mut stored = self.store.finish_sync(done).await?;
        // The store merged each record it touched, inside its transaction;
        // taking those is cheaper than merging every change again, and can
        // only be more right.
        self.replace(std::mem::take(&mut stored.records));
        Ok(stored)
    }

    async fn conflicts(&self) -> Result<Vec<Conflict>, StoreError> {
        self.store.conflicts().await
    }

    async fn dismiss_conflict(&self, key: &str) -> Result<(), StoreError> {
        self.store.dismiss_conflict(key).await
    }

    async fn meta(&self, key: &str) -> Result<Option<Value>, StoreError> {
        self.store.meta(key).await
    }

    async fn set_meta(&self, key: &str, value: Option<Value>) -> Result<(), StoreError> {
        self.store.set_meta(key, value).await
    }
}
