//! The app's shared services (store, API, device clock) and its reactive
//! state, provided once as context and read by every page.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;

use leptos::prelude::*;
use outpost_model::protocol::{Role, User};
use outpost_model::schema::COLLECTIONS;

use crate::api::Api;
use crate::browser::tablet_now_ms;
use crate::idb::IdbStore;
use outpost_client::clock::DeviceClock;
use outpost_client::edits::{Write, save_local};
use outpost_client::storage::cache::Cached;
use outpost_client::storage::{
    LocalStore, Session, StoreError, device_id, load_clock, load_meta, meta, save_meta,
};
use outpost_client::sync::SyncReport;

/// The name of the app's IndexedDB database.
pub const DB_NAME: &str = "outpost";

/// Things that live as long as the page and are not reactive.
#[derive(Debug)]
pub struct Services {
    /// IndexedDB, with whole collections cached in memory once read.
    pub store: Cached<IdbStore>,
    pub api: Api,
    pub device_id: String,
    pub clock: RefCell<DeviceClock>,
    pub runner: Runner,
}

/// The scheduler's bookkeeping (`scheduler.rs` drives it): whether a sync
/// runs, whether another should follow, failures in a row, the next timer.
#[derive(Debug, Default)]
pub struct Runner {
    pub(crate) running: Cell<bool>,
    pub(crate) again: Cell<bool>,
    pub(crate) failures: Cell<u32>,
    /// The next try; dropping it cancels it.
    pub(crate) timer: RefCell<Option<gloo_timers::callback::Timeout>>,
}

/// What the status area shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncStatus {
    /// `navigator.onLine`, kept current by the online/offline events.
    pub browser_online: bool,
    /// Whether the last request got an answer from the server.
    pub server_reachable: bool,
    /// Changes in the outbox.
    pub waiting: u32,
    /// Photos whose bytes the server does not have yet (refused ones excluded).
    pub photos_waiting: usize,
    /// Tablet time of the last successful sync, Unix ms.
    pub last_synced_ms: Option<u64>,
    pub syncing: bool,
    /// The last failure that needs a person to know, as a sentence.
    pub problem: Option<String>,
    /// What the last successful sync did.
    pub last_report: Option<SyncReport>,
    /// While a sync runs: changes pulled so far.
    pub pulled_so_far: Option<usize>,
    /// While a sync runs: changes the server said are still to come.
    pub pull_remaining: Option<u64>,
    /// After a failure: when the next automatic try is, tablet time (Unix ms).
    pub next_try_ms: Option<u64>,
}

impl SyncStatus {
    pub fn online(&self) -> bool {
        self.browser_online && self.server_reachable
    }
}

/// What the tablet keeps besides records, tracked like a collection: the
/// unsent changes (and the failed ones), the open conflicts, and the photo
/// upload queue.
pub const LOCAL_KINDS: [&str; 3] = ["outbox", "conflicts", "uploads"];

/// One trigger per collection (and per [`LOCAL_KINDS`] entry), so a view
/// re-reads only when what it reads changed, not on every write anywhere.
#[derive(Debug, Clone, Copy)]
pub struct Changes(StoredValue<Vec<(&'static str, Trigger)>>);

impl Changes {
    fn new() -> Self {
        let names = COLLECTIONS.iter().map(|c| c.name).chain(LOCAL_KINDS);
        Self(StoredValue::new(
            names.map(|name| (name, Trigger::new())).collect(),
        ))
    }

    /// Runs `f` on the trigger of `name`, or on every trigger when the name
    /// is unknown: re-reading too often is better than showing stale data.
    fn each(&self, name: &str, f: impl Fn(&Trigger)) {
        self.0
            .with_value(|all| match all.iter().find(|(n, _)| *n == name) {
                Some((_, trigger)) => f(trigger),
                None => all.iter().for_each(|(_, trigger)| f(trigger)),
            });
    }

    fn all(&self, f: impl Fn(&Trigger)) {
        self.0.with_value(|all| all.iter().for_each(|(_, t)| f(t)));
    }
}

/// Copyable handle to everything; `expect_context::<Ctx>()` in components.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    services: StoredValue<Rc<Services>, LocalStorage>,
    /// The session whose token syncs; `None` when signed out or ended.
    pub session: RwSignal<Option<Session>>,
    /// Who works on this tablet; kept when the session ends so work goes on.
    pub user: RwSignal<Option<User>>,
    /// Which stored collections changed, so views re-read what they read.
    changes: Changes,
    pub status: RwSignal<SyncStatus>,
    /// A new version of the app is downloaded and waits for *Reload*.
    pub update_ready: RwSignal<bool>,
    /// A local edit was saved into the outbox.
    pub outbox_changed: Trigger,
}

/// What `boot` reads before the first screen is drawn.
#[derive(Debug)]
pub struct Booted {
    services: Rc<Services>,
    session: Option<Session>,
    user: Option<User>,
    status: SyncStatus,
}

/// Opens the tablet's storage and reads the device's identity and state.
pub async fn boot(on_blocked: impl FnOnce() + 'static) -> Result<Rc<Booted>, StoreError> {
    let store = Cached::new(IdbStore::open_or_wait(DB_NAME, on_blocked).await?);
    let device_id = device_id(&store).await?;
    let clock = load_clock(&store, &device_id).await?;
    let offset = load_meta::<i64>(&store, meta::OFFSET_MS)
        .await?
        .unwrap_or(0);
    let session = load_meta::<Session>(&store, meta::SESSION).await?;
    let user = load_meta::<User>(&store, meta::USER)
        .await?
        .or_else(|| session.as_ref().map(|s| s.user.clone()));
    let status = SyncStatus {
        browser_online: navigator_online(),
        server_reachable: true,
        waiting: store.outbox_len().await?,
        photos_waiting: outpost_client::photos::still_to_send(&store.uploads().await?),
        last_synced_ms: load_meta::<u64>(&store, meta::LAST_SYNCED).await?,
        ..SyncStatus::default()
    };
    Ok(Rc::new(Booted {
        services: Rc::new(Services {
            store,
            api: Api::default(),
            device_id,
            clock: RefCell::new(DeviceClock::new(clock, offset)),
            runner: Runner::default(),
        }),
        session,
        user,
        status,
    }))
}

pub fn navigator_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

impl Ctx {
    /// Provides the context from what `boot` read.
    pub fn provide(booted: &Booted) -> Self {
        let ctx = Self {
            services: StoredValue::new_local(booted.services.clone()),
            session: RwSignal::new(booted.session.clone()),
            user: RwSignal::new(booted.user.clone()),
            changes: Changes::new(),
            status: RwSignal::new(booted.status.clone()),
            update_ready: RwSignal::new(false),
            outbox_changed: Trigger::new(),
        };
        provide_context(ctx);
        ctx
    }

    /// Whether the person on this tablet administers accounts.
    pub fn is_admin(&self) -> bool {
        self.user
            .with(|u| u.as_ref().is_some_and(|u| u.role == Role::Admin))
    }

    pub fn services(&self) -> Rc<Services> {
        self.services.get_value()
    }

    /// Makes the running reader (a resource, memo or view) re-run when
    /// `collection`, or one of [`LOCAL_KINDS`], changes.
    pub fn track(&self, collection: &str) {
        self.changes.each(collection, Trigger::track);
    }

    /// Tells the views that read `collections` that they changed.
    pub fn records_changed<'a>(&self, collections: impl IntoIterator<Item = &'a str>) {
        for name in collections {
            self.changes.each(name, Trigger::notify);
        }
    }

    /// Another tab wrote to the shared store, and did not say what: every
    /// view re-reads.
    pub fn everything_changed(&self) {
        self.changes.all(Trigger::notify);
    }

    /// `collections` changed in this tab: redraw here and tell the other tabs.
    pub fn changed_here<'a>(&self, collections: impl IntoIterator<Item = &'a str>) {
        self.records_changed(collections);
        crate::browser::tabs::announce();
    }

    /// The session ended (401) but the person is still known: work goes on
    /// offline and the status area asks them to sign in again.
    pub fn session_ended(&self) -> bool {
        self.session.with(Option::is_none) && self.user.with(Option::is_some)
    }

    /// Stamps and saves a local edit (records + outbox, one transaction), then
    /// asks for a sync shortly after.
    pub async fn save(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        self.save_with_blobs(writes, &[]).await
    }

    /// As [`Ctx::save`], with photo bytes stored and queued for upload in the
    /// same transaction.
    pub async fn save_with_blobs(
        &self,
        writes: Vec<Write>,
        blobs: &[outpost_client::storage::StoredBlob],
    ) -> Result<(), StoreError> {
        let services = self.services();
        let mut touched: BTreeSet<&str> = writes.iter().map(|w| w.collection).collect();
        // A local edit lands in the outbox, and closes any conflict on the
        // fields it writes (in the same transaction).
        touched.extend(["outbox", "conflicts"]);
        if !blobs.is_empty() {
            touched.insert("uploads");
        }
        save_local(
            &services.store,
            &services.clock,
            writes,
            blobs,
            tablet_now_ms(),
        )
        .await?;
        self.changed_here(touched);
        self.refresh_waiting().await;
        // The scheduler listens, and syncs shortly after.
        self.outbox_changed.notify();
        Ok(())
    }

    /// Re-counts the outbox and the photo uploads for the status area.
    pub async fn refresh_waiting(&self) {
        let store = &self.services().store;
        let counts = async {
            let photos = outpost_client::photos::still_to_send(&store.uploads().await?);
            Ok::<_, StoreError>((store.outbox_len().await?, photos))
        };
        match counts.await {
            Ok((n, photos)) => self.status.update(|s| {
                s.waiting = n;
                s.photos_waiting = photos;
            }),
            Err(e) => self
                .status
                .update(|s| s.problem = Some(storage_problem(&e))),
        }
    }

    /// Keeps a new session (after sign-in) on the tablet and starts sending.
    pub async fn signed_in(&self, session: Session) -> Result<(), StoreError> {
        let store = &self.services().store;
        save_meta(store, meta::SESSION, Some(&session)).await?;
        save_meta(store, meta::USER, Some(&session.user)).await?;
        self.user.set(Some(session.user.clone()));
        self.session.set(Some(session));
        // The scheduler sees the new session and syncs at once.
        self.status.update(|s| s.problem = None);
        // Ask the browser to keep the data, so a full disk does not wipe
        // unsent work; Settings shows the answer.
        leptos::task::spawn_local(async {
            crate::browser::storage::persist().await;
        });
        Ok(())
    }

    /// Forgets the session. `keep_user` keeps working offline possible (the
    /// server ended the session); signing out forgets the person too.
    pub async fn end_session(&self, keep_user: bool) -> Result<(), StoreError> {
        let store = &self.services().store;
        save_meta::<Session>(store, meta::SESSION, None).await?;
        if !keep_user {
            save_meta::<User>(store, meta::USER, None).await?;
            self.user.set(None);
        }
        self.session.set(None);
        Ok(())
    }
}

/// A storage failure as a sentence a person can act on.
pub fn storage_problem(e: &StoreError) -> String {
    if *e == StoreError::Full {
        return "This tablet's storage for Outpost is full, so this was not saved. Everything saved before can still be read. Free some space on the tablet (old photos, other apps), then save again; Settings shows how much room there is.".to_owned();
    }
    format!(
        "Could not use this tablet's storage: {e}. Reload the page; if it keeps happening, free some space on the tablet."
    )
}
