//! The read cache in front of IndexedDB: after any mix of local edits, pulled
//! changes (newer and older than what is held) and restamps, what it answers
//! is exactly what IndexedDB holds; it reads a collection once; and another
//! tab's writes are seen after `forget`.

use std::rc::Rc;

use outpost_app::idb::IdbStore;
use outpost_client::storage::cache::Cached;
use outpost_client::storage::{LocalStore, SyncDone};
use outpost_model::Clock;
use serde_json::json;
use wasm_bindgen_test::*;

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

const OTHER: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c02";

async fn pull(store: &impl LocalStore, pulled: &[outpost_model::Change], clock: &Clock) {
    store
        .finish_sync(SyncDone {
            acknowledged: &[],
            pulled: pulled.to_vec(),
            clock,
            cursor: Some("c"),
            offset_ms: 0,
            synced_at_ms: 1,
            failed: &[],
        })
        .await
        .unwrap();
}

/// What IndexedDB itself holds for the incidents, read past the cache.
async fn stored(cached: &Cached<IdbStore>) -> Vec<outpost_client::storage::StoredRecord> {
    cached.inner().records("incidents").await.unwrap()
}

#[wasm_bindgen_test]
async fn the_cache_answers_what_indexeddb_holds_after_edits_and_pulls() {
    let cached = Cached::new(IdbStore::open(&unique_db("cache")).await.unwrap());
    let clock = Clock::new("dev-a").unwrap();
    cached
        .save_local(
            &[change(INCIDENT, "title", json!("Pump leak"), 10, "dev-a")],
            &clock,
        )
        .await
        .unwrap();
    // Read once: from here on the collection is served from memory.
    let first = cached.shared("incidents").await.unwrap();
    assert_eq!(first.len(), 1);
    assert!(
        Rc::ptr_eq(&first, &cached.shared("incidents").await.unwrap()),
        "no re-read, no copy"
    );

    cached
        .save_local(&[change(INCIDENT, "impact", json!(2), 20, "dev-a")], &clock)
        .await
        .unwrap();
    pull(
        &cached,
        &[
            // Newer than the local title: wins.
            change(INCIDENT, "title", json!("Pump 3 leak"), 30, "dev-b"),
            // Older than the local impact: loses, as in IndexedDB.
            change(INCIDENT, "impact", json!(3), 5, "dev-b"),
            // A record this tablet has never seen.
            change(OTHER, "title", json!("Gate forced"), 40, "dev-b"),
        ],
        &clock,
    )
    .await;

    let now = cached.shared("incidents").await.unwrap();
    assert!(
        !Rc::ptr_eq(&first, &now),
        "a change gives readers a new snapshot"
    );
    assert_eq!(now.to_vec(), stored(&cached).await);
    let record = cached.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(record.str("title"), Some("Pump 3 leak"));
    assert_eq!(record.int("impact"), Some(2));
    assert_eq!(cached.records("incidents").await.unwrap().len(), 2);
}

#[wasm_bindgen_test]
async fn another_tabs_writes_are_seen_after_forget() {
    let name = unique_db("cache-tabs");
    let cached = Cached::new(IdbStore::open(&name).await.unwrap());
    let clock = Clock::new("dev-a").unwrap();
    assert!(cached.shared("incidents").await.unwrap().is_empty());

    // The other tab: its own connection to the same database.
    let other_tab = IdbStore::open(&name).await.unwrap();
    other_tab
        .save_local(
            &[change(
                INCIDENT,
                "title",
                json!("From the other tab"),
                10,
                "dev-a",
            )],
            &clock,
        )
        .await
        .unwrap();
    assert!(
        cached.shared("incidents").await.unwrap().is_empty(),
        "until told, the cache keeps what it read"
    );
    cached.forget();
    let seen = cached.shared("incidents").await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].str("title"), Some("From the other tab"));
}

#[wasm_bindgen_test]
async fn collections_not_yet_read_are_left_to_indexeddb() {
    let cached = Cached::new(IdbStore::open(&unique_db("cache-lazy")).await.unwrap());
    let clock = Clock::new("dev-a").unwrap();
    let mut site = change(INCIDENT, "name", json!("North yard"), 10, "dev-a");
    site.collection = "sites".into();
    cached.save_local(&[site], &clock).await.unwrap();
    let sites = cached.shared("sites").await.unwrap();
    assert_eq!(sites.len(), 1);
    assert_eq!(sites[0].str("name"), Some("North yard"));
    assert!(cached.shared("incidents").await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn a_collection_read_and_unchanged_answers_records_from_what_was_read() {
    let cached = Cached::new(IdbStore::open(&unique_db("cache-read")).await.unwrap());
    let clock = Clock::new("dev-a").unwrap();
    let edits = [
        change(OTHER, "title", json!("Gate forced"), 10, "dev-a"),
        change(INCIDENT, "title", json!("Pump leak"), 11, "dev-a"),
    ];
    cached.save_local(&edits, &clock).await.unwrap();
    let read = cached.shared("incidents").await.unwrap();
    assert!(read.windows(2).all(|w| w[0].id < w[1].id), "in id order");
    // Written past the cache: the cache still answers with what it read.
    let behind = [change(
        INCIDENT,
        "title",
        json!("changed elsewhere"),
        20,
        "dev-a",
    )];
    cached.inner().save_local(&behind, &clock).await.unwrap();
    let one = cached.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(one.str("title"), Some("Pump leak"));
    assert!(
        cached
            .record("incidents", "no-such-id")
            .await
            .unwrap()
            .is_none()
    );
    // A change through the cache leaves the copy readers hold as it was.
    let mine = [change(OTHER, "title", json!("Gate mended"), 30, "dev-a")];
    cached.save_local(&mine, &clock).await.unwrap();
    let other = read.iter().find(|r| r.id == OTHER).unwrap();
    assert_eq!(other.str("title"), Some("Gate forced"));
    let now = cached.record("incidents", OTHER).await.unwrap().unwrap();
    assert_eq!(now.str("title"), Some("Gate mended"));
}
