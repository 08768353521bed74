//! The sync client over several pages and with refusals: an interrupted first
//! pull resumes from the last stored cursor, and changes the server refuses
//! for good leave the outbox but are kept, with the reason, as failed.

use std::cell::RefCell;

use outpost_client::api::ApiError;
use outpost_client::clock::DeviceClock;
use outpost_client::storage::memory::MemoryStore;
use outpost_client::storage::{FailedChange, LocalStore, load_meta, meta};
use outpost_client::sync::{MAX_ROUNDS, SyncContext, SyncReport, sync_once};
use outpost_model::Clock;
use outpost_model::protocol::{ChangeProblem, PullFormat, PulledRecord, ServerField};
use outpost_model::time::parse_rfc3339_ms;
use serde_json::json;

use outpost_client::testing::*;

const SERVER_TIME: &str = "2026-11-26T21:38:04.123Z";

async fn sync(
    store: &MemoryStore,
    server: &FakeServer,
    rounds: &RefCell<Vec<usize>>,
) -> Result<SyncReport, outpost_client::sync::SyncError> {
    let now = parse_rfc3339_ms(SERVER_TIME).unwrap();
    let clock = RefCell::new(DeviceClock::new(Clock::new("dev-a").unwrap(), 0));
    sync_once(&SyncContext {
        store,
        transport: server,
        clock: &clock,
        device_id: "dev-a",
        token: "t",
        tablet_now: &move || now,
        on_round: &|r: &SyncReport| rounds.borrow_mut().push(r.pulled),
    })
    .await
}

/// The cursor of every request the server saw, in order.
fn cursors_sent(server: &FakeServer) -> Vec<Option<String>> {
    let requests = server.requests.borrow();
    requests.iter().map(|r| r.cursor.clone()).collect()
}

fn page(n: u64, cursor: &str, more: bool) -> outpost_model::protocol::SyncResponse {
    let id = format!("0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c{n:02}");
    response(
        SERVER_TIME,
        vec![change(
            &id,
            "title",
            json!(format!("incident {n}")),
            n,
            "dev-b",
        )],
        cursor,
        more,
    )
}

#[tokio::test]
async fn an_interrupted_first_pull_resumes_from_the_last_page_and_reports_progress() {
    let store = MemoryStore::new();
    let server = FakeServer::default();
    let rounds = RefCell::new(Vec::new());
    server.answer(Ok(page(1, "c1", true)));
    server.answer(Ok(page(2, "c2", true)));
    server.answer(Err(ApiError::Offline));
    assert!(sync(&store, &server, &rounds).await.is_err());
    assert_eq!(*rounds.borrow(), vec![1, 2], "progress after every page");
    assert_eq!(store.records("incidents").await.unwrap().len(), 2);
    assert_eq!(
        load_meta::<String>(&store, meta::CURSOR)
            .await
            .unwrap()
            .as_deref(),
        Some("c2")
    );

    server.answer(Ok(page(3, "c3", false)));
    sync(&store, &server, &rounds).await.unwrap();
    let cursors = cursors_sent(&server);
    assert_eq!(cursors[0], None);
    assert_eq!(
        cursors.last().unwrap().as_deref(),
        Some("c2"),
        "no starting over"
    );
    assert_eq!(store.records("incidents").await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_long_pull_asks_for_the_next_page_while_storing_this_one() {
    let store = MemoryStore::new();
    let server = FakeServer::default();
    for n in 1..=3 {
        server.answer(Ok(page(n, &format!("c{n}"), n < 3)));
    }
    let now = parse_rfc3339_ms(SERVER_TIME).unwrap();
    let clock = RefCell::new(DeviceClock::new(Clock::new("dev-a").unwrap(), 0));
    let requests_at_round = RefCell::new(Vec::new());
    let report = sync_once(&SyncContext {
        store: &store,
        transport: &server,
        clock: &clock,
        device_id: "dev-a",
        token: "t",
        tablet_now: &move || now,
        on_round: &|_: &SyncReport| requests_at_round.borrow_mut().push(server.calls.get()),
    })
    .await
    .unwrap();
    assert_eq!(
        *requests_at_round.borrow(),
        vec![2, 3, 3],
        "each next page was asked for before the page before it was done"
    );
    let cursors = cursors_sent(&server);
    assert_eq!(cursors, vec![None, Some("c1".into()), Some("c2".into())]);
    assert_eq!((report.pulled, report.unfinished), (3, false));
    assert_eq!(store.records("incidents").await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_pull_longer_than_the_round_limit_says_it_is_unfinished() {
    let store = MemoryStore::new();
    let server = FakeServer::default();
    let pages = MAX_ROUNDS as u64 + 1;
    for n in 1..=pages {
        server.answer(Ok(page(n, &format!("c{n}"), n < pages)));
    }
    let rounds = RefCell::new(Vec::new());
    let first = sync(&store, &server, &rounds).await.unwrap();
    assert_eq!((first.pulled, first.unfinished), (MAX_ROUNDS, true));
    assert_eq!(
        load_meta::<String>(&store, meta::CURSOR).await.unwrap(),
        Some(format!("c{MAX_ROUNDS}")),
        "the page asked for ahead of the limit was not stored"
    );
    // The scheduler starts the next sync at once; it asks for that page again.
    server
        .answers
        .borrow_mut()
        .push_front(Ok(page(pages, &format!("c{pages}"), false)));
    let rest = sync(&store, &server, &rounds).await.unwrap();
    assert_eq!((rest.pulled, rest.unfinished), (1, false));
    assert_eq!(
        store.records("incidents").await.unwrap().len(),
        pages as usize
    );
}

#[tokio::test]
async fn the_tablet_asks_for_records_and_stores_every_field_of_them() {
    let store = MemoryStore::new();
    let server = FakeServer::default();
    let mut answer = response(SERVER_TIME, vec![], "c1", false);
    let grouped = [
        change(INCIDENT, "title", json!("Pump 3 leaking"), 5, "dev-b"),
        change(INCIDENT, "impact", json!(2), 6, "dev-b"),
    ];
    answer.records = vec![PulledRecord {
        collection: "incidents".into(),
        id: INCIDENT.into(),
        fields: grouped
            .iter()
            .map(|c| (c.field.clone(), (c.value.clone(), c.hlc.clone())))
            .collect(),
    }];
    server.answer(Ok(answer));
    let report = sync(&store, &server, &RefCell::new(Vec::new()))
        .await
        .unwrap();
    assert_eq!(
        server.requests.borrow()[0].format,
        Some(PullFormat::Records)
    );
    assert_eq!(report.pulled, 2);
    let record = store.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(record.str("title"), Some("Pump 3 leaking"));
    assert_eq!(record.int("impact"), Some(2));
}

#[tokio::test]
async fn refused_changes_leave_the_outbox_and_are_kept_with_the_reason() {
    let store = MemoryStore::new();
    let clock = Clock::new("dev-a").unwrap();
    let mine = [
        change(INCIDENT, "title", json!("allowed"), 1_000, "dev-a"),
        change(INCIDENT, "urgency", json!(1), 1_000, "dev-a"),
    ];
    store.save_local(&mine, &clock).await.unwrap();
    let server = FakeServer::default();
    let mut answer = response(SERVER_TIME, vec![], "c1", false);
    answer.refused = vec![ChangeProblem {
        index: 1,
        collection: "incidents".into(),
        id: INCIDENT.into(),
        field: "urgency".into(),
        code: "forbidden".into(),
        message: "a reporter can only change incidents they reported; ask a manager".into(),
        // The server had no urgency: the refused one must not stay.
        server: Some(ServerField { field: None }),
    }];
    server.answer(Ok(answer));
    let report = sync(&store, &server, &RefCell::new(Vec::new()))
        .await
        .unwrap();
    assert_eq!((report.sent, report.refused), (1, 1));
    // Nothing was pulled, but the refused field's record changed here.
    assert!(report.collections.contains("incidents"), "{report:?}");
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    let failed = load_meta::<Vec<FailedChange>>(&store, meta::FAILED)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].change, mine[1]);
    assert!(failed[0].reason.contains("ask a manager"));
    let record = store.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(record.str("title"), Some("allowed"));
    assert_eq!(record.int("urgency"), None, "the refused value is gone");
}

#[test]
fn a_pull_in_progress_reads_as_downloading_so_many_of_so_many() {
    use outpost_client::words::download_progress;
    assert_eq!(
        download_progress(3_200, Some(8_800)),
        "Downloading 3,200 of 12,000 changes"
    );
    assert_eq!(download_progress(40, None), "Downloaded 40 changes so far");
}
