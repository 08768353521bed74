//! The sync client against a scripted server: what is sent, what is kept,
//! how pulled changes and the server's clock are taken in.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use outpost_client::api::ApiError;
use outpost_client::clock::{DeviceClock, corrected, measure_offset};
use outpost_client::storage::memory::MemoryStore;
use outpost_client::storage::{LocalStore, load_meta, meta};
use outpost_client::sync::{SHIFT_MARGIN_MS, SyncContext, SyncError, sync_once};
use outpost_model::time::parse_rfc3339_ms;
use outpost_model::{Change, Clock};
use serde_json::json;

use outpost_client::testing::*;

const SERVER_TIME: &str = "2026-11-26T21:38:04.123Z";
const HOUR: u64 = 3_600_000;

fn server_ms() -> u64 {
    parse_rfc3339_ms(SERVER_TIME).unwrap()
}

struct Device {
    store: Rc<MemoryStore>,
    clock: RefCell<DeviceClock>,
    tablet_now: Rc<Cell<u64>>,
}

impl Device {
    fn new(tablet_now: u64) -> Self {
        Self {
            store: Rc::new(MemoryStore::new()),
            clock: RefCell::new(DeviceClock::new(Clock::new("dev-a").unwrap(), 0)),
            tablet_now: Rc::new(Cell::new(tablet_now)),
        }
    }

    /// A local edit stamped by the device clock, as the app makes it.
    async fn edit(&self, field: &str, value: serde_json::Value) {
        let mut c = change(INCIDENT, field, value, 1, "dev-a");
        let snapshot = {
            let mut clock = self.clock.borrow_mut();
            c.hlc = clock.stamp(self.tablet_now.get());
            clock.clock.clone()
        };
        self.store.save_local(&[c], &snapshot).await.unwrap();
    }

    async fn sync(
        &self,
        server: &FakeServer,
    ) -> Result<outpost_client::sync::SyncReport, SyncError> {
        let now = self.tablet_now.clone();
        let tablet_now = move || now.get();
        sync_once(&SyncContext {
            store: self.store.as_ref(),
            transport: server,
            clock: &self.clock,
            device_id: "dev-a",
            token: "t",
            tablet_now: &tablet_now,
            on_round: &|_| {},
        })
        .await
    }
}

#[tokio::test]
async fn sync_sends_the_outbox_applies_pulled_changes_and_stores_the_cursor() {
    let device = Device::new(server_ms());
    device.edit("title", json!("mine")).await;
    let server = FakeServer::default();
    let remote = change(
        INCIDENT,
        "status",
        json!("acknowledged"),
        server_ms() - 10,
        "dev-b",
    );
    server.answer(Ok(response(SERVER_TIME, vec![remote], "c1", false)));

    let report = device.sync(&server).await.unwrap();

    assert_eq!((report.sent, report.pulled, report.updated), (1, 1, 1));
    let sent = server.requests.borrow()[0].clone();
    assert_eq!(sent.cursor, None);
    assert_eq!(sent.changes.len(), 1);
    assert_eq!(sent.changes[0].value, json!("mine"));
    assert_eq!(device.store.outbox_len().await.unwrap(), 0);
    let r = device
        .store
        .record("incidents", INCIDENT)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (r.str("title"), r.str("status")),
        (Some("mine"), Some("acknowledged"))
    );
    let cursor = load_meta::<String>(device.store.as_ref(), meta::CURSOR)
        .await
        .unwrap();
    assert_eq!(cursor.as_deref(), Some("c1"));
}

#[tokio::test]
async fn sync_keeps_pulling_while_the_server_says_more() {
    let device = Device::new(server_ms());
    let server = FakeServer::default();
    server.answer(Ok(response(
        SERVER_TIME,
        vec![change(INCIDENT, "title", json!("a"), 10, "dev-b")],
        "c1",
        true,
    )));
    server.answer(Ok(response(
        SERVER_TIME,
        vec![change(INCIDENT, "title", json!("b"), 20, "dev-b")],
        "c2",
        false,
    )));
    let report = device.sync(&server).await.unwrap();
    assert_eq!(report.pulled, 2);
    assert_eq!(server.requests.borrow()[1].cursor.as_deref(), Some("c1"));
    let r = device
        .store
        .record("incidents", INCIDENT)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.str("title"), Some("b"));
}

#[tokio::test]
async fn the_report_names_only_the_collections_that_were_pulled() {
    let device = Device::new(server_ms());
    device.edit("title", json!("mine")).await;
    let server = FakeServer::default();
    let event = Change {
        collection: "events".into(),
        ..change("ev-1", "kind", json!("note"), 11, "dev-b")
    };
    server.answer(Ok(response(
        SERVER_TIME,
        vec![change(INCIDENT, "title", json!("a"), 10, "dev-b"), event],
        "c1",
        true,
    )));
    server.answer(Ok(response(
        SERVER_TIME,
        vec![change(INCIDENT, "status", json!("new"), 20, "dev-b")],
        "c2",
        false,
    )));

    let report = device.sync(&server).await.unwrap();

    let names: Vec<&str> = report.collections.iter().map(String::as_str).collect();
    assert_eq!(names, ["events", "incidents"]);
    server.answer(Ok(response(SERVER_TIME, Vec::new(), "c2", false)));
    let quiet = device.sync(&server).await.unwrap();
    assert!(quiet.collections.is_empty(), "{:?}", quiet.collections);
}

#[tokio::test]
async fn an_edit_made_during_a_sync_stays_in_the_outbox_until_sent() {
    let device = Device::new(server_ms());
    device.edit("title", json!("before")).await;
    let server = FakeServer::default();
    *server.edit_during.borrow_mut() = Some((
        device.store.clone(),
        vec![change(
            INCIDENT,
            "title",
            json!("during"),
            server_ms() + 5,
            "dev-a",
        )],
    ));
    server.answer(Ok(response(SERVER_TIME, vec![], "c1", false)));
    server.answer(Ok(response(SERVER_TIME, vec![], "c2", false)));

    device.sync(&server).await.unwrap();

    let requests = server.requests.borrow();
    assert_eq!(
        requests.len(),
        2,
        "the edit made meanwhile is sent in a second round"
    );
    assert_eq!(requests[0].changes[0].value, json!("before"));
    assert_eq!(requests[1].changes.len(), 1);
    assert_eq!(requests[1].changes[0].value, json!("during"));
}

#[tokio::test]
async fn a_failed_sync_keeps_every_change() {
    let device = Device::new(server_ms());
    device.edit("title", json!("x")).await;
    let server = FakeServer::default();
    server.answer(Err(ApiError::Unauthorized("sign in again".into())));
    let err = device.sync(&server).await.unwrap_err();
    assert_eq!(
        err,
        SyncError::Api(ApiError::Unauthorized("sign in again".into()))
    );
    assert_eq!(device.store.outbox_len().await.unwrap(), 1);
    // And with no network at all.
    let err = device.sync(&FakeServer::default()).await.unwrap_err();
    assert_eq!(err, SyncError::Api(ApiError::Offline));
    assert_eq!(device.store.outbox_len().await.unwrap(), 1);
}

#[tokio::test]
async fn the_server_offset_corrects_later_stamps() {
    // The tablet's clock is 2 hours slow.
    let device = Device::new(server_ms() - 2 * HOUR);
    let server = FakeServer::default();
    server.answer(Ok(response(SERVER_TIME, vec![], "c1", false)));
    device.sync(&server).await.unwrap();

    let offset = device.clock.borrow().offset_ms;
    assert_eq!(offset, 2 * HOUR as i64);
    let stored = load_meta::<i64>(device.store.as_ref(), meta::OFFSET_MS)
        .await
        .unwrap();
    assert_eq!(stored, Some(offset));
    let stamp = device.clock.borrow_mut().stamp(device.tablet_now.get());
    assert_eq!(stamp.wall_ms, server_ms());
}

#[test]
fn offset_is_measured_at_the_middle_of_the_request() {
    assert_eq!(measure_offset(10_500, 1_000, 2_000), 9_000);
    assert_eq!(measure_offset(1_000, 1_500, 1_500), -500);
    assert_eq!(corrected(1_000, -1_500), 0);
    assert_eq!(corrected(1_000, 500), 1_500);
}

#[tokio::test]
async fn clock_ahead_pulls_unsent_changes_back_in_order_and_retries_once() {
    // The tablet's clock is 3 hours fast; three edits are made offline.
    let device = Device::new(server_ms() + 3 * HOUR);
    device.edit("title", json!("one")).await;
    device.edit("title", json!("two")).await;
    device.edit("description", json!("three")).await;
    let before: Vec<_> = device
        .store
        .outbox(10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.change.hlc)
        .collect();

    let server = FakeServer::default();
    server.answer(Err(ApiError::ClockAhead {
        message: "this tablet's clock is 3 hours ahead".into(),
        server_time_ms: Some(server_ms()),
    }));
    server.answer(Ok(response(SERVER_TIME, vec![], "c1", false)));
    let report = device.sync(&server).await.unwrap();

    assert_eq!(report.restamped, 3);
    assert_eq!(server.calls.get(), 2);
    let retried: Vec<_> = server.requests.borrow()[1]
        .changes
        .iter()
        .map(|c| c.hlc.clone())
        .collect();
    assert_eq!(retried.len(), 3);
    // Order kept, nothing ahead of the server, counters and node untouched.
    assert!(retried.windows(2).all(|w| w[0] < w[1]));
    assert!(retried.iter().all(|h| h.wall_ms <= server_ms()));
    for (old, new) in before.iter().zip(&retried) {
        assert_eq!(old.wall_ms - new.wall_ms, 3 * HOUR + SHIFT_MARGIN_MS);
        assert_eq!((old.counter, &old.node), (new.counter, &new.node));
    }
    // The local record follows, and new stamps are no longer in the future.
    let r = device
        .store
        .record("incidents", INCIDENT)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.fields["title"].hlc, retried[1]);
    let next = device.clock.borrow_mut().stamp(device.tablet_now.get());
    assert!(next.wall_ms <= server_ms() + 1_000 && next > retried[2]);
}

#[tokio::test]
async fn clock_ahead_twice_gives_up_and_keeps_the_changes() {
    let device = Device::new(server_ms() + HOUR);
    device.edit("title", json!("one")).await;
    let server = FakeServer::default();
    for _ in 0..2 {
        server.answer(Err(ApiError::ClockAhead {
            message: "ahead".into(),
            server_time_ms: Some(server_ms()),
        }));
    }
    let err = device.sync(&server).await.unwrap_err();
    assert!(matches!(err, SyncError::Api(ApiError::ClockAhead { .. })));
    assert_eq!(server.calls.get(), 2);
    assert_eq!(device.store.outbox_len().await.unwrap(), 1);
}
