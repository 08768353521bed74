//! The tablet's own copy of the data: records, the outbox of unsent changes and
//! device metadata, behind one trait so that IndexedDB and an in-memory twin can
//! be swapped (the sync client and the tests do not care which one they get).

pub mod blobs;
pub mod cache;
pub mod conflict;
pub mod memory;

use std::collections::BTreeMap;

use outpost_model::protocol::{ServerField, User};
use outpost_model::{Applied, Change, Clock, FieldState, Hlc, Record};

pub use blobs::{StoredBlob, Upload};
pub use conflict::{Conflict, conflict_key};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;

/// Keys of the `meta` store.
pub mod meta {
    /// The device id (a UUID), generated once; it is the HLC node.
    pub const DEVICE_ID: &str = "device_id";
    /// The hybrid logical clock's state, so stamps keep increasing after a reload.
    pub const CLOCK: &str = "clock";
    /// Server time minus tablet time, in milliseconds.
    pub const OFFSET_MS: &str = "clock_offset_ms";
    /// The pull cursor the server gave at the last sync.
    pub const CURSOR: &str = "cursor";
    /// The signed-in session (token, user, expiry).
    pub const SESSION: &str = "session";
    /// The last signed-in user; kept when the session ends so that work can go
    /// on offline until the person signs in again.
    pub const USER: &str = "user";
    /// When the last sync finished, tablet time in Unix milliseconds.
    pub const LAST_SYNCED: &str = "last_synced";
    /// Changes the server refused for good, with its reasons ([`FailedChange`]).
    pub const FAILED: &str = "failed";
}

/// Why the tablet could not read or write its own data. Messages are for a
/// person; callers prefix them ("Could not save on this tablet: …").
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    #[error(
        "this browser does not allow offline storage here; leave private browsing or allow site data"
    )]
    Unavailable(String),
    #[error("the tablet's storage refused the operation ({0})")]
    Failed(String),
    #[error("data saved on this tablet could not be read ({0})")]
    Corrupt(String),
    /// The browser's quota for this site is used up (`QuotaExceededError`).
    #[error("this tablet's storage for Outpost is full")]
    Full,
}

/// The store keys of the records `changes` touch, sorted, each once. A
/// record's changes usually come one after another, so its key is made once.
pub fn keys_of(changes: &[Change]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut last: Option<&Change> = None;
    for c in changes {
        if last.is_some_and(|l| l.id == c.id && l.collection == c.collection) {
            continue;
        }
        keys.push(record_key(&c.collection, &c.id));
        last = Some(c);
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// What storing one sync round did.
#[derive(Debug, Default)]
pub struct SyncStored {
    /// Record fields the pulled changes updated.
    pub updated: usize,
    /// Every record the pulled changes touched, merged, as now stored, for
    /// a read cache over this store to take by value; the cache keeps them
    /// and gives back none.
    pub records: Vec<StoredRecord>,
}

/// One record as stored: its fields, each with value and stamp.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRecord {
    pub collection: String,
    pub id: String,
    pub fields: BTreeMap<String, FieldState>,
}

impl StoredRecord {
    pub fn new(collection: &str, id: &str) -> Self {
        Self {
            collection: collection.to_owned(),
            id: id.to_owned(),
            fields: BTreeMap::new(),
        }
    }

    /// The key in the `records` store: `collection/id`.
    pub fn key(&self) -> String {
        record_key(&self.collection, &self.id)
    }

    /// A copy as the model's record, to read fields with its helpers.
    pub fn record(&self) -> Record {
        Record {
            fields: self.fields.clone(),
        }
    }

    /// As [`StoredRecord::apply`], taking the write by value.
    pub fn apply_owned(&mut self, field: String, value: Value, hlc: Hlc) -> Applied {
        let mut record = Record {
            fields: std::mem::take(&mut self.fields),
        };
        let applied = record.apply_owned(field, value, hlc);
        self.fields = record.fields;
        applied
    }

    /// Merges one change into this record under last-writer-wins.
    pub fn apply(&mut self, change: &Change) -> Applied {
        let mut record = Record {
            fields: std::mem::take(&mut self.fields),
        };
        let applied = record.apply(&change.field, &change.value, &change.hlc);
        self.fields = record.fields;
        applied
    }

    pub fn str(&self, field: &str) -> Option<&str> {
        self.fields.get(field).and_then(|f| f.value.as_str())
    }

    pub fn int(&self, field: &str) -> Option<i64> {
        self.fields.get(field).and_then(|f| f.value.as_i64())
    }

    pub fn is_deleted(&self) -> bool {
        self.fields
            .get("deleted")
            .and_then(|f| f.value.as_bool())
            .unwrap_or(false)
    }
}

pub fn record_key(collection: &str, id: &str) -> String {
    format!("{collection}/{id}")
}

/// A change waiting to be sent, with its position in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub seq: u64,
    pub change: Change,
}

/// A change the server refused for good (for example one this user may not
/// make). It leaves the outbox, so it is not sent again and again, but is
/// kept here with the reason, to be shown and downloaded: nothing typed is
/// dropped silently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedChange {
    pub change: Change,
    /// The server's sentence.
    pub reason: String,
    /// The field as the server holds it, sent with the refusal; the store
    /// puts it back in place of the refused write. `None` from servers that
    /// do not send it (and in what older app versions kept).
    #[serde(default)]
    pub server: Option<ServerField>,
}

/// Who is signed in on this tablet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub user: User,
    /// RFC 3339.
    pub expires_at: String,
}

/// An unsent change given a new stamp; `old` is the stamp it had, so the local
/// record's field can follow if it still holds that write.
#[derive(Debug, Clone, PartialEq)]
pub struct Restamp {
    pub entry: OutboxEntry,
    pub old: Hlc,
}

/// Everything a successful sync round trip changes, written in one transaction
/// so that a crash never leaves the outbox and the cursor disagreeing. The
/// clock's node is this device: pulled changes replacing its values are
/// conflicts.
#[derive(Debug)]
pub struct SyncDone<'a> {
    /// Outbox positions the server has acknowledged.
    pub acknowledged: &'a [u64],
    /// Changes pulled from the server, oldest first; the store merges them
    /// by value, so none is copied.
    pub pulled: Vec<Change>,
    pub clock: &'a Clock,
    pub cursor: Option<&'a str>,
    pub offset_ms: i64,
    pub synced_at_ms: u64,
    /// Acknowledged changes the server refused; added to [`meta::FAILED`].
    pub failed: &'a [FailedChange],
}

impl SyncDone<'_> {
    /// The store keys of the records this sync round touches: those the
    /// pulled changes merge into and those a refusal puts back, sorted, each
    /// once.
    pub fn keys(&self) -> Vec<String> {
        let mut keys = keys_of(&self.pulled);
        keys.extend(
            self.failed
                .iter()
                .map(|f| record_key(&f.change.collection, &f.change.id)),
        );
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

/// The tablet's storage. The app is single-threaded wasm and IndexedDB futures
/// are not `Send`, so the futures of this trait carry no `Send` bound.
#[allow(async_fn_in_trait)]
pub trait LocalStore {
    async fn record(&self, collection: &str, id: &str) -> Result<Option<StoredRecord>, StoreError>;

    /// Every record of one collection, tombstones included, in id order.
    async fn records(&self, collection: &str) -> Result<Vec<StoredRecord>, StoreError>;

    /// A local edit: merges `changes` into `records`, appends them to the
    /// outbox, closes conflicts on the fields written and stores the clock,
    /// all in one transaction.
    async fn save_local(&self, changes: &[Change], clock: &Clock) -> Result<(), StoreError> {
        self.save_local_with_blobs(changes, clock, &[]).await
    }

    /// A local edit that brings photo bytes: as [`LocalStore::save_local`],
    /// and in the same transaction stores each blob and queues its upload,
    /// so an attachment record never exists here without its bytes.
    async fn save_local_with_blobs(
        &self,
        changes: &[Change],
        clock: &Clock,
        blobs: &[StoredBlob],
    ) -> Result<(), StoreError>;

    /// The bytes with this SHA-256, if they are on this tablet.
    async fn blob(&self, sha256: &str) -> Result<Option<StoredBlob>, StoreError>;

    /// Keeps bytes fetched from the server (nothing to upload).
    async fn keep_blob(&self, blob: &StoredBlob) -> Result<(), StoreError>;

    /// Every blob still to send and every one the server refused, by hash.
    async fn uploads(&self) -> Result<Vec<Upload>, StoreError>;

    /// The server has the bytes (`refused` is `None`: the entry goes) or
    /// refused them for good (the entry stays, with the reason, untried).
    async fn upload_done(&self, sha256: &str, refused: Option<&str>) -> Result<(), StoreError>;

    /// The oldest `limit` outbox entries, in the order they were written.
    async fn outbox(&self, limit: u32) -> Result<Vec<OutboxEntry>, StoreError>;

    async fn outbox_len(&self) -> Result<u32, StoreError>;

    /// Gives outbox entries new stamps in place (same positions), moves the
    /// matching record fields to the new stamps and stores the clock, in one
    /// transaction. Used to pull back changes a fast clock stamped in the future.
    async fn rewrite_outbox(&self, restamps: &[Restamp], clock: &Clock) -> Result<(), StoreError>;

    /// Records a successful sync, and any conflicts it revealed, in one
    /// transaction; says how many record fields changed, and gives back the
    /// records the pulled changes touched as they are now stored.
    async fn finish_sync(&self, done: SyncDone<'_>) -> Result<SyncStored, StoreError>;

    /// Every open conflict, in key order.
    async fn conflicts(&self) -> Result<Vec<Conflict>, StoreError>;

    /// Closes a conflict (*Dismiss*); a local write of the field closes it too.
    async fn dismiss_conflict(&self, key: &str) -> Result<(), StoreError>;

    async fn meta(&self, key: &str) -> Result<Option<Value>, StoreError>;

    /// Sets a meta value; `None` removes it.
    async fn set_meta(&self, key: &str, value: Option<Value>) -> Result<(), StoreError>;
}

/// Reads a typed meta value.
pub async fn load_meta<T: DeserializeOwned>(
    store: &impl LocalStore,
    key: &str,
) -> Result<Option<T>, StoreError> {
    match store.meta(key).await? {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("{key}: {e}"))),
    }
}

/// Writes a typed meta value; `None` removes it.
pub async fn save_meta<T: Serialize>(
    store: &impl LocalStore,
    key: &str,
    value: Option<&T>,
) -> Result<(), StoreError> {
    let value = value
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| StoreError::Failed(format!("{key}: {e}")))?;
    store.set_meta(key, value).await
}

/// This tablet's id, generated on first use and kept for good.
pub async fn device_id(store: &impl LocalStore) -> Result<String, StoreError> {
    if let Some(id) = load_meta::<String>(store, meta::DEVICE_ID).await? {
        return Ok(id);
    }
    let id = uuid::Uuid::new_v4().to_string();
    save_meta(store, meta::DEVICE_ID, Some(&id)).await?;
    Ok(id)
}

/// The stored clock, or a fresh one for `device_id`.
pub async fn load_clock(store: &impl LocalStore, device_id: &str) -> Result<Clock, StoreError> {
    match load_meta::<Clock>(store, meta::CLOCK).await? {
        Some(clock) if clock.node() == device_id => Ok(clock),
        _ => Clock::new(device_id).map_err(|e| StoreError::Corrupt(e.to_string())),
    }
}

/// Puts back the server's field in place of each refused write that a
/// record still holds, before the round's pulled changes are merged: the
/// tablet then shows what the server, and every other tablet, holds, and no
/// refused value outlives its refusal. The refusal itself stays in
/// [`meta::FAILED`], with its reason, for the person to see. A field the
/// server has no value for is removed; a record left with no fields is one
/// the server never had, and goes.
pub fn restore_refused(records: &mut BTreeMap<String, StoredRecord>, failed: &[FailedChange]) {
    for f in failed {
        let Some(server) = &f.server else { continue };
        let change = &f.change;
        let key = record_key(&change.collection, &change.id);
        let Some(record) = records.get_mut(&key) else {
            continue;
        };
        if record.fields.get(&change.field).map(|s| &s.hlc) != Some(&change.hlc) {
            // A later write of this field replaced the refused one.
            continue;
        }
        match &server.field {
            Some(state) => {
                record.fields.insert(change.field.clone(), state.clone());
            }
            None => {
                record.fields.remove(&change.field);
            }
        }
    }
}

/// Moves record fields that still hold a restamped write to its new stamp.
pub fn restamp_records(records: &mut BTreeMap<String, StoredRecord>, restamps: &[Restamp]) {
    for r in restamps {
        let change = &r.entry.change;
        let key = record_key(&change.collection, &change.id);
        if let Some(field) = records
            .get_mut(&key)
            .and_then(|rec| rec.fields.get_mut(&change.field))
            .filter(|f| f.hlc == r.old)
        {
            field.hlc = change.hlc.clone();
        }
    }
}
