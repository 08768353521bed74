//! What only the IndexedDB store must do, beyond the store contract that
//! every store keeps (`app/tests/store_contract.rs`): survive re-opening,
//! read records older app versions wrote, and wait for an older tab.

use outpost_app::idb::IdbStore;
use outpost_client::storage::{LocalStore, device_id, load_clock};
use outpost_model::Clock;
use serde_json::json;
use wasm_bindgen_test::*;

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn local_edit_writes_record_and_outbox_and_survives_reopening() {
    let name = unique_db("reopen");
    let store = IdbStore::open(&name).await.unwrap();
    let mut clock = Clock::new("dev-a").unwrap();
    let changes = vec![
        change(
            INCIDENT,
            "title",
            json!("Pump 3 leaking"),
            clock.now(1_000).wall_ms,
            "dev-a",
        ),
        change(INCIDENT, "impact", json!(2), 1_000, "dev-a"),
        change(INCIDENT, "site", json!(null), 1_000, "dev-a"),
    ];
    store.save_local(&changes, &clock).await.unwrap();
    store.close();

    let store = IdbStore::open(&name).await.unwrap();
    let record = store.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(record.str("title"), Some("Pump 3 leaking"));
    // Whole numbers and nulls come back exactly as written.
    assert_eq!(record.int("impact"), Some(2));
    assert_eq!(record.fields["site"].value, json!(null));
    let outbox = store.outbox(100).await.unwrap();
    let sent: Vec<_> = outbox.iter().map(|e| e.change.clone()).collect();
    assert_eq!(sent, changes);
    assert!(outbox.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(store.outbox_len().await.unwrap(), 3);
    assert_eq!(load_clock(&store, "dev-a").await.unwrap(), clock);
}

#[wasm_bindgen_test]
async fn device_id_is_made_once_and_kept() {
    let name = unique_db("device");
    let store = IdbStore::open(&name).await.unwrap();
    let first = device_id(&store).await.unwrap();
    assert!(uuid::Uuid::parse_str(&first).is_ok());
    store.close();
    let store = IdbStore::open(&name).await.unwrap();
    assert_eq!(device_id(&store).await.unwrap(), first);
}

/// The raw value IndexedDB holds under a record's key.
async fn raw_record(name: &str, key: &str) -> wasm_bindgen::JsValue {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    let db = Database::open(name).await.unwrap();
    let value: Option<wasm_bindgen::JsValue> = {
        let tx = db.transaction(["records"]).build().unwrap();
        tx.object_store("records")
            .unwrap()
            .get(key.to_owned())
            .primitive()
            .unwrap()
            .await
            .unwrap()
    };
    db.close();
    value.unwrap()
}

#[wasm_bindgen_test]
async fn records_are_kept_as_json_text_and_old_object_records_still_read() {
    let name = unique_db("record-text");
    let store = IdbStore::open(&name).await.unwrap();
    let clock = Clock::new("dev-a").unwrap();
    store
        .save_local(
            &[change(
                INCIDENT,
                "title",
                json!("Pump 3 leaking"),
                5,
                "dev-a",
            )],
            &clock,
        )
        .await
        .unwrap();
    store.close();
    let key = format!("incidents/{INCIDENT}");
    assert!(
        raw_record(&name, &key).await.is_string(),
        "stored as JSON text"
    );

    // A record as an older version wrote it: a JS object.
    let mut old = outpost_client::storage::StoredRecord::new("incidents", INCIDENT);
    old.apply(&change(INCIDENT, "title", json!("Gate stuck"), 9, "dev-b"));
    old.apply(&change(INCIDENT, "impact", json!(2), 9, "dev-b"));
    let db = indexed_db_futures::database::Database::open(name.as_str())
        .await
        .unwrap();
    put_record_as_object(&db, &old).await;
    db.close();

    let store = IdbStore::open(&name).await.unwrap();
    assert_eq!(
        store.record("incidents", INCIDENT).await.unwrap(),
        Some(old.clone())
    );
    assert_eq!(store.records("incidents").await.unwrap(), vec![old]);
    store
        .save_local(
            &[change(INCIDENT, "urgency", json!(1), 20, "dev-a")],
            &clock,
        )
        .await
        .unwrap();
    let now = store.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(now.str("title"), Some("Gate stuck"));
    assert_eq!(now.int("urgency"), Some(1));
    store.close();
    assert!(
        raw_record(&name, &key).await.is_string(),
        "rewritten as text when it changed"
    );
}

#[wasm_bindgen_test]
async fn an_older_tab_blocks_the_upgrade_until_it_closes_and_the_app_is_told() {
    use std::cell::Cell;
    use std::rc::Rc;

    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    let name = unique_db("blocked");
    // Another tab, still on version 2, keeps its connection open.
    let other_tab = Database::open(name.as_str())
        .with_version(2u8)
        .with_on_upgrade_needed(|_, db| {
            for store in ["records", "meta", "conflicts"] {
                db.create_object_store(store).build()?;
            }
            db.create_object_store("outbox")
                .with_auto_increment(true)
                .build()?;
            Ok(())
        })
        .await
        .unwrap();
    let told = Rc::new(Cell::new(false));
    let seen = told.clone();
    // Told it is blocked, the person closes the other tab.
    let store = IdbStore::open_or_wait(&name, move || {
        seen.set(true);
        other_tab.close();
    })
    .await
    .unwrap();
    assert!(
        told.get(),
        "the app learns that another tab holds the upgrade"
    );
    let clock = Clock::new("dev-a").unwrap();
    store
        .save_local(
            &[change(
                INCIDENT,
                "title",
                json!("After the upgrade"),
                5,
                "dev-a",
            )],
            &clock,
        )
        .await
        .unwrap();
    assert_eq!(
        store.uploads().await.unwrap(),
        vec![],
        "the new stores exist"
    );
}
