//! Helpers shared by the browser tests: unique database names, changes, and a
//! scripted stand-in for the sync server.

#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use outpost_app::api::{ApiError, SyncTransport};
use outpost_app::storage::LocalStore;
use outpost_app::storage::memory::MemoryStore;
use outpost_model::protocol::{SyncRequest, SyncResponse};
use outpost_model::{Change, Clock, Hlc};
use serde_json::Value;

/// A database name no other test uses, so tests never see each other's data.
pub fn unique_db(test: &str) -> String {
    format!("outpost-test-{test}-{}", uuid::Uuid::new_v4())
}

pub const INCIDENT: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";

pub fn change(id: &str, field: &str, value: Value, wall_ms: u64, node: &str) -> Change {
    Change {
        collection: "incidents".into(),
        id: id.into(),
        field: field.into(),
        value,
        hlc: Hlc::new(wall_ms, 0, node).unwrap(),
    }
}

/// Answers each sync with the next scripted result and keeps every request.
#[derive(Default)]
pub struct FakeServer {
    pub answers: RefCell<VecDeque<Result<SyncResponse, ApiError>>>,
    pub requests: RefCell<Vec<SyncRequest>>,
    /// A local edit made while the first request is "in flight".
    pub edit_during: RefCell<Option<(Rc<MemoryStore>, Vec<Change>)>>,
    pub calls: Cell<usize>,
}

impl FakeServer {
    pub fn answer(&self, result: Result<SyncResponse, ApiError>) {
        self.answers.borrow_mut().push_back(result);
    }
}

impl SyncTransport for FakeServer {
    async fn sync(&self, _token: &str, request: &SyncRequest) -> Result<SyncResponse, ApiError> {
        self.calls.set(self.calls.get() + 1);
        self.requests.borrow_mut().push(request.clone());
        let edit = self.edit_during.borrow_mut().take();
        if let Some((store, changes)) = edit {
            let clock = Clock::new("dev-a").unwrap();
            store.save_local(&changes, &clock).await.unwrap();
        }
        self.answers
            .borrow_mut()
            .pop_front()
            .unwrap_or(Err(ApiError::Offline))
    }
}

pub fn response(server_time: &str, changes: Vec<Change>, cursor: &str, more: bool) -> SyncResponse {
    SyncResponse {
        server_time: server_time.into(),
        accepted: 0,
        ignored: 0,
        changes,
        cursor: Some(cursor.into()),
        more,
        refused: Vec::new(),
        remaining: None,
        records: Vec::new(),
    }
}

/// Writes `record` into `db`'s `records` store as a JS object, the way app
/// versions before records-as-text stored it.
pub async fn put_record_as_object(
    db: &indexed_db_futures::database::Database,
    record: &outpost_app::storage::StoredRecord,
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
