//! Stand-ins for the tests of this crate and of the crates that implement
//! its traits: changes made by hand, a scripted sync server, and the
//! [`contract`] every local store keeps. Only built with the `testing`
//! feature, never into the app's bundle.

pub mod contract;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use outpost_model::protocol::{SyncRequest, SyncResponse};
use outpost_model::{Change, Clock, Hlc};
use serde_json::Value;

use crate::api::{ApiError, SyncTransport};
use crate::storage::LocalStore;
use crate::storage::memory::MemoryStore;

pub const INCIDENT: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";

pub fn change(id: &str, field: &str, value: Value, wall_ms: u64, node: &str) -> Change {
    Change {
        collection: "incidents".into(),
        id: id.into(),
        field: field.into(),
        value,
        hlc: Hlc::new(wall_ms, 0, node).expect("a valid node"),
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
            let clock = Clock::new("dev-a").expect("a valid node");
            store
                .save_local(&changes, &clock)
                .await
                .expect("the edit made during the request is saved");
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

/// Stamps `writes` and checks each against the schema, naming the one that
/// fails: what a form gives must be what the server accepts.
pub fn assert_valid_writes(writes: Vec<crate::edits::Write>) {
    let mut clock = Clock::new("dev-a").expect("a valid node");
    for change in crate::edits::stamp(writes, || clock.now(1_000)) {
        assert_eq!(
            outpost_model::schema::validate(&change),
            Ok(()),
            "{} {}",
            change.collection,
            change.field
        );
    }
}
