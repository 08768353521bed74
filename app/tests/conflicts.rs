//! Conflicts and schema evolution in the real IndexedDB store: a pulled value
//! that replaces one written on this tablet is recorded in the same
//! transaction as the merge, a local write of the field closes it, and
//! fields this app does not know survive local edits untouched.

use outpost_app::idb::IdbStore;
use outpost_client::edits::{Write, stamp};
use outpost_client::storage::{LocalStore, SyncDone};
use outpost_model::Clock;
use outpost_model::schema;
use serde_json::json;
use wasm_bindgen_test::*;

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

fn done<'a>(pulled: &[outpost_model::Change], clock: &'a Clock) -> SyncDone<'a> {
    SyncDone {
        acknowledged: &[],
        pulled: pulled.to_vec(),
        clock,
        cursor: Some("c1"),
        offset_ms: 0,
        synced_at_ms: 1,
        failed: &[],
    }
}

#[wasm_bindgen_test]
async fn a_newer_pulled_value_replacing_mine_is_kept_as_a_conflict() {
    let store = IdbStore::open(&unique_db("conflict")).await.unwrap();
    let clock = Clock::new("dev-a").unwrap();
    store
        .save_local(
            &[change(
                INCIDENT,
                "description",
                json!("mine"),
                1_000,
                "dev-a",
            )],
            &clock,
        )
        .await
        .unwrap();
    let pulled = [
        change(INCIDENT, "description", json!("theirs"), 2_000, "dev-b"),
        // A field never written here is no conflict.
        change(INCIDENT, "title", json!("from b"), 2_000, "dev-b"),
    ];
    let stored = store.finish_sync(done(&pulled, &clock)).await.unwrap();
    assert_eq!(stored.updated, 2);
    assert_eq!(stored.records.len(), 1, "the one record, as stored");
    assert_eq!(
        Some(&stored.records[0]),
        store.record("incidents", INCIDENT).await.unwrap().as_ref()
    );

    let conflicts = store.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let c = &conflicts[0];
    assert_eq!(
        (c.field.as_str(), &c.mine, &c.theirs),
        ("description", &json!("mine"), &json!("theirs"))
    );
    assert_eq!(c.theirs_hlc.node, "dev-b");
    let record = store.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(record.str("description"), Some("theirs"));
}

#[wasm_bindgen_test]
async fn an_older_pulled_value_or_my_own_echo_is_no_conflict() {
    let store = IdbStore::open(&unique_db("no-conflict")).await.unwrap();
    let clock = Clock::new("dev-a").unwrap();
    store
        .save_local(
            &[change(INCIDENT, "title", json!("mine"), 5_000, "dev-a")],
            &clock,
        )
        .await
        .unwrap();
    let pulled = [
        change(INCIDENT, "title", json!("older"), 1_000, "dev-b"),
        change(INCIDENT, "title", json!("mine again"), 6_000, "dev-a"),
    ];
    store.finish_sync(done(&pulled, &clock)).await.unwrap();
    assert!(store.conflicts().await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn writing_the_field_again_closes_its_conflict_and_dismiss_closes_it_too() {
    let store = IdbStore::open(&unique_db("keep-mine")).await.unwrap();
    let mut clock = Clock::new("dev-a").unwrap();
    let mine = [
        change(INCIDENT, "title", json!("my title"), 1_000, "dev-a"),
        change(INCIDENT, "description", json!("my text"), 1_000, "dev-a"),
    ];
    store.save_local(&mine, &clock).await.unwrap();
    let pulled = [
        change(INCIDENT, "title", json!("their title"), 2_000, "dev-b"),
        change(INCIDENT, "description", json!("their text"), 2_000, "dev-b"),
    ];
    store.finish_sync(done(&pulled, &clock)).await.unwrap();
    assert_eq!(store.conflicts().await.unwrap().len(), 2);

    // Keep mine: the normal save path with a new stamp.
    clock.observe(&pulled[0].hlc, 2_000);
    let writes = vec![Write::new(
        &schema::INCIDENTS,
        INCIDENT,
        "title",
        "my title",
    )];
    let again = stamp(writes, || clock.now(2_100));
    store.save_local(&again, &clock).await.unwrap();
    let open = store.conflicts().await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].field, "description");
    let record = store.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(record.str("title"), Some("my title"));

    store.dismiss_conflict(&open[0].key()).await.unwrap();
    assert!(store.conflicts().await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn a_field_this_app_does_not_know_survives_a_local_edit_and_is_not_resent() {
    let store = IdbStore::open(&unique_db("unknown-field")).await.unwrap();
    let mut clock = Clock::new("dev-a").unwrap();
    let pulled = [
        change(INCIDENT, "title", json!("Pump 3"), 1_000, "dev-b"),
        change(
            INCIDENT,
            "x_future_risk_score",
            json!({"score": 7, "model": "v2"}),
            1_000,
            "dev-b",
        ),
    ];
    store.finish_sync(done(&pulled, &clock)).await.unwrap();

    let writes = vec![Write::new(
        &schema::INCIDENTS,
        INCIDENT,
        "title",
        "Pump 3, valve",
    )];
    let edit = stamp(writes, || clock.now(2_000));
    store.save_local(&edit, &clock).await.unwrap();

    let record = store.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(record.str("title"), Some("Pump 3, valve"));
    let kept = &record.fields["x_future_risk_score"];
    assert_eq!(kept.value, json!({"score": 7, "model": "v2"}));
    assert_eq!(
        kept.hlc, pulled[1].hlc,
        "the unknown field keeps its own stamp"
    );
    let outbox = store.outbox(10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].change.field, "title");
}
