//! A simulated tablet: the shipped client (`outpost-client`) over its memory
//! store and a native HTTP transport, with a wall clock that may be wrong by
//! hours. Nothing here decides anything the client decides: edits go through
//! `edits::save_local` and syncs through `sync::sync_once`, as in the app.

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

use outpost_client::clock::DeviceClock;
use outpost_client::edits::{Write, save_local};
use outpost_client::storage::memory::MemoryStore;
use outpost_client::storage::{FailedChange, LocalStore, StoredRecord, load_meta, meta, save_meta};
use outpost_client::sync::{SyncContext, SyncError, SyncReport, sync_once};
use outpost_model::protocol::{LoginRequest, LoginResponse};
use outpost_model::{Change, Clock, Hlc};
use serde_json::Value;

use crate::http::HttpTransport;

/// The true time, Unix ms.
pub fn true_now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

pub struct Tablet {
    pub device_id: String,
    pub store: MemoryStore,
    pub transport: HttpTransport,
    /// How wrong this tablet's wall clock is, in milliseconds (+ = ahead).
    pub skew_ms: i64,
    /// Changes the client pulled back after a `clock_ahead` refusal, summed
    /// over every sync.
    pub restamped: usize,
    clock: RefCell<DeviceClock>,
    token: String,
    runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for Tablet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tablet")
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

impl Tablet {
    /// Signs in as `user` on the server at `base` and gives a tablet with an
    /// empty store.
    pub fn sign_in(base: &str, device_id: &str, user: &str, password: &str) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime for the tablet");
        let login: LoginResponse = runtime
            .block_on(async {
                reqwest::Client::new()
                    .post(format!("{base}/api/v1/auth/login"))
                    .json(&LoginRequest {
                        username: user.into(),
                        password: password.into(),
                        device_id: device_id.into(),
                    })
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await
            })
            .expect("sign in");
        let clock = Clock::new(device_id).expect("the device id is a valid node");
        Self {
            device_id: device_id.into(),
            store: MemoryStore::new(),
            transport: HttpTransport::new(base),
            skew_ms: 0,
            restamped: 0,
            clock: RefCell::new(DeviceClock::new(clock, 0)),
            token: login.token,
            runtime,
        }
    }

    /// The tablet's own (possibly wrong) wall clock.
    fn tablet_now(&self) -> u64 {
        true_now_ms().saturating_add_signed(self.skew_ms)
    }

    /// A local edit of one field, saved as the app saves a form.
    pub fn edit(
        &self,
        collection: &'static str,
        id: &str,
        field: &'static str,
        value: Value,
    ) -> Change {
        let write = Write {
            collection,
            id: id.to_owned(),
            field,
            value,
        };
        let mut changes = self
            .runtime
            .block_on(save_local(
                &self.store,
                &self.clock,
                vec![write],
                &[],
                self.tablet_now(),
            ))
            .expect("a local edit is saved");
        changes.pop().expect("one write, one change")
    }

    /// One sync, as the app's scheduler runs it.
    pub fn sync(&mut self) -> Result<SyncReport, SyncError> {
        let skew = self.skew_ms;
        let now = move || true_now_ms().saturating_add_signed(skew);
        let report = self.runtime.block_on(sync_once(&SyncContext {
            store: &self.store,
            transport: &self.transport,
            clock: &self.clock,
            device_id: &self.device_id,
            token: &self.token,
            tablet_now: &now,
            on_round: &|_| {},
        }))?;
        self.restamped += report.restamped;
        Ok(report)
    }

    /// Syncs until the client says nothing is left on either side; gives
    /// what each sync did.
    pub fn sync_to_the_end(&mut self) -> Result<Vec<SyncReport>, SyncError> {
        let mut reports = vec![self.sync()?];
        while reports.last().is_some_and(|r| r.unfinished) {
            reports.push(self.sync()?);
        }
        Ok(reports)
    }

    /// Every record of `collection` as this tablet holds it.
    pub fn records(&self, collection: &str) -> Vec<StoredRecord> {
        self.runtime
            .block_on(self.store.records(collection))
            .expect("the memory store reads")
    }

    pub fn outbox_len(&self) -> u32 {
        self.runtime
            .block_on(self.store.outbox_len())
            .expect("the memory store reads")
    }

    /// Changes the server refused for good, with its reasons, as the sync
    /// centre shows them; taking them clears the list, as a person who has
    /// read them would.
    pub fn take_failed(&self) -> Vec<FailedChange> {
        self.runtime.block_on(async {
            let failed = load_meta::<Vec<FailedChange>>(&self.store, meta::FAILED)
                .await
                .expect("the memory store reads")
                .unwrap_or_default();
            save_meta::<Vec<FailedChange>>(&self.store, meta::FAILED, None)
                .await
                .expect("the memory store writes");
            failed
        })
    }

    /// The newest stamp this tablet has issued or seen.
    pub fn last_hlc(&self) -> Option<Hlc> {
        self.clock.borrow().clock.last()
    }
}
