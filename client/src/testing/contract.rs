//! The contract every [`LocalStore`] keeps, as one set of cases: the memory
//! store runs them natively (`client/tests/store_contract.rs`), the app's
//! IndexedDB store and the read cache over it in Chromium
//! (`app/tests/store_contract.rs`). Each case takes a new, empty store and
//! panics when the store breaks the contract; [`store_contract_tests!`]
//! makes one test per case.
//!
//! [`store_contract_tests!`]: crate::store_contract_tests

use outpost_model::protocol::ServerField;
use outpost_model::{Clock, FieldState, schema};
use serde_json::json;

use super::{INCIDENT, change};
use crate::edits::{Write, stamp};
use crate::storage::{
    FailedChange, LocalStore, Restamp, StoredBlob, SyncDone, device_id, load_clock, load_meta,
    meta, save_meta,
};

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

/// Calls `$make!(case)` once for every case of the contract.
#[macro_export]
macro_rules! for_each_store_case {
    ($make:ident) => {
        $make!(a_local_edit_writes_record_outbox_and_clock_together);
        $make!(records_lists_only_the_asked_collection);
        $make!(pulled_changes_merge_per_field_and_older_ones_are_ignored);
        $make!(only_acknowledged_outbox_entries_are_removed);
        $make!(restamping_moves_outbox_entry_and_record_field_together);
        $make!(a_newer_pulled_value_replacing_mine_is_kept_as_a_conflict);
        $make!(an_older_pulled_value_or_my_own_echo_is_no_conflict);
        $make!(writing_the_field_again_closes_its_conflict_and_dismiss_closes_it_too);
        $make!(a_field_this_app_does_not_know_survives_a_local_edit_and_is_not_resent);
        $make!(refused_changes_are_kept_with_their_reasons_and_leave_the_outbox);
        $make!(a_refused_record_the_server_never_had_goes);
        $make!(photo_bytes_and_their_upload_are_saved_with_the_edit);
        $make!(an_upload_refused_for_good_stays_with_its_reason);
        $make!(meta_values_are_set_read_and_removed);
        $make!(the_device_id_is_made_once);
    };
}

/// One test per contract case. `native` runs each on a current-thread
/// tokio runtime, `wasm` as a `wasm_bindgen_test`; `$store` is an async
/// expression giving a new, empty store.
#[macro_export]
macro_rules! store_contract_tests {
    (native, $store:expr) => {
        macro_rules! native_case {
            ($case:ident) => {
                #[tokio::test]
                async fn $case() {
                    let store = $store.await;
                    $crate::testing::contract::$case(&store).await;
                }
            };
        }
        $crate::for_each_store_case!(native_case);
    };
    (wasm, $store:expr) => {
        macro_rules! wasm_case {
            ($case:ident) => {
                #[wasm_bindgen_test::wasm_bindgen_test]
                async fn $case() {
                    let store = $store.await;
                    $crate::testing::contract::$case(&store).await;
                }
            };
        }
        $crate::for_each_store_case!(wasm_case);
    };
}

pub async fn a_local_edit_writes_record_outbox_and_clock_together<S: LocalStore>(store: &S) {
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
    assert_eq!(store.outbox(2).await.unwrap().len(), 2, "the oldest two");
    assert_eq!(load_clock(store, "dev-a").await.unwrap(), clock);
    assert_eq!(store.record("incidents", "elsewhere").await.unwrap(), None);
}

pub async fn records_lists_only_the_asked_collection<S: LocalStore>(store: &S) {
    let clock = Clock::new("dev-a").unwrap();
    let mut site = change(INCIDENT, "name", json!("Depot"), 5, "dev-a");
    site.collection = "sites".into();
    store
        .save_local(
            &[site, change(INCIDENT, "title", json!("t"), 5, "dev-a")],
            &clock,
        )
        .await
        .unwrap();
    let sites = store.records("sites").await.unwrap();
    assert_eq!(sites.len(), 1);
    assert_eq!(sites[0].str("name"), Some("Depot"));
    assert_eq!(store.records("incidents").await.unwrap().len(), 1);
    assert!(store.records("events").await.unwrap().is_empty());
}

pub async fn pulled_changes_merge_per_field_and_older_ones_are_ignored<S: LocalStore>(store: &S) {
    let clock = Clock::new("dev-a").unwrap();
    store
        .save_local(
            &[
                change(INCIDENT, "title", json!("mine, newer"), 2_000, "dev-a"),
                change(INCIDENT, "status", json!("new"), 2_000, "dev-a"),
            ],
            &clock,
        )
        .await
        .unwrap();
    let pulled = [
        change(INCIDENT, "title", json!("theirs, older"), 1_000, "dev-b"),
        change(INCIDENT, "status", json!("in_progress"), 3_000, "dev-b"),
        change(INCIDENT, "description", json!("from b"), 500, "dev-b"),
    ];
    let updated = store
        .finish_sync(SyncDone {
            acknowledged: &[],
            pulled: pulled.to_vec(),
            clock: &clock,
            cursor: Some("c1"),
            offset_ms: 0,
            synced_at_ms: 9,
            failed: &[],
        })
        .await
        .unwrap();
    assert_eq!(updated.updated, 2);
    let r = store.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(r.str("title"), Some("mine, newer"));
    assert_eq!(r.str("status"), Some("in_progress"));
    assert_eq!(r.str("description"), Some("from b"));
    assert_eq!(
        load_meta::<String>(store, meta::CURSOR)
            .await
            .unwrap()
            .as_deref(),
        Some("c1")
    );
}

pub async fn only_acknowledged_outbox_entries_are_removed<S: LocalStore>(store: &S) {
    let clock = Clock::new("dev-a").unwrap();
    store
        .save_local(
            &[change(INCIDENT, "title", json!("one"), 1, "dev-a")],
            &clock,
        )
        .await
        .unwrap();
    let sent = store.outbox(10).await.unwrap();
    // An edit made while the request was in flight.
    store
        .save_local(
            &[change(INCIDENT, "title", json!("two"), 2, "dev-a")],
            &clock,
        )
        .await
        .unwrap();
    let acknowledged: Vec<u64> = sent.iter().map(|e| e.seq).collect();
    store
        .finish_sync(SyncDone {
            acknowledged: &acknowledged,
            pulled: Vec::new(),
            clock: &clock,
            cursor: None,
            offset_ms: 0,
            synced_at_ms: 1,
            failed: &[],
        })
        .await
        .unwrap();
    let left = store.outbox(10).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].change.value, json!("two"));
}

pub async fn restamping_moves_outbox_entry_and_record_field_together<S: LocalStore>(store: &S) {
    let mut clock = Clock::new("dev-a").unwrap();
    let future = change(INCIDENT, "title", json!("t"), 10_000_000, "dev-a");
    store
        .save_local(std::slice::from_ref(&future), &clock)
        .await
        .unwrap();
    let mut entry = store.outbox(1).await.unwrap().remove(0);
    entry.change.hlc = future.hlc.shifted_back(9_000_000);
    clock.rewind(9_000_000);
    store
        .rewrite_outbox(
            &[Restamp {
                entry: entry.clone(),
                old: future.hlc.clone(),
            }],
            &clock,
        )
        .await
        .unwrap();
    assert_eq!(store.outbox(1).await.unwrap(), vec![entry.clone()]);
    let r = store.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(r.fields["title"].hlc, entry.change.hlc);
}

pub async fn a_newer_pulled_value_replacing_mine_is_kept_as_a_conflict<S: LocalStore>(store: &S) {
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
    // The records given back are the touched ones as stored; the read cache
    // keeps them itself and gives back none.
    assert!(stored.records.len() <= 1, "only the one record touched");
    for record in &stored.records {
        assert_eq!(
            Some(record),
            store.record("incidents", INCIDENT).await.unwrap().as_ref()
        );
    }

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

pub async fn an_older_pulled_value_or_my_own_echo_is_no_conflict<S: LocalStore>(store: &S) {
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

pub async fn writing_the_field_again_closes_its_conflict_and_dismiss_closes_it_too<
    S: LocalStore,
>(
    store: &S,
) {
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

pub async fn a_field_this_app_does_not_know_survives_a_local_edit_and_is_not_resent<
    S: LocalStore,
>(
    store: &S,
) {
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

pub async fn refused_changes_are_kept_with_their_reasons_and_leave_the_outbox<S: LocalStore>(
    store: &S,
) {
    let clock = Clock::new("dev-a").unwrap();
    let theirs = change(INCIDENT, "title", json!("as the server has it"), 1, "dev-b");
    store
        .finish_sync(done(std::slice::from_ref(&theirs), &clock))
        .await
        .unwrap();
    let refused = change(INCIDENT, "title", json!("not mine"), 2, "dev-a");
    store
        .save_local(std::slice::from_ref(&refused), &clock)
        .await
        .unwrap();
    let sent = store.outbox(10).await.unwrap();
    let failed = [FailedChange {
        change: refused.clone(),
        reason: "a reporter can only change incidents they reported; ask a manager".into(),
        server: Some(ServerField {
            field: Some(FieldState {
                value: theirs.value.clone(),
                hlc: theirs.hlc.clone(),
            }),
        }),
    }];
    store
        .finish_sync(SyncDone {
            acknowledged: &[sent[0].seq],
            failed: &failed,
            ..done(&[], &clock)
        })
        .await
        .unwrap();
    assert_eq!(store.outbox_len().await.unwrap(), 0, "not sent again");
    let kept = load_meta::<Vec<FailedChange>>(store, meta::FAILED)
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(kept, failed.to_vec());
    let record = store.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(
        record.fields["title"],
        FieldState {
            value: theirs.value,
            hlc: theirs.hlc
        },
        "the server's value is back in place of the refused one"
    );
    assert_eq!(
        load_meta::<String>(store, meta::CURSOR)
            .await
            .unwrap()
            .as_deref(),
        Some("c1")
    );
}

pub async fn a_refused_record_the_server_never_had_goes<S: LocalStore>(store: &S) {
    let clock = Clock::new("dev-a").unwrap();
    let mut event = change(
        "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c77",
        "body",
        json!("x"),
        2,
        "dev-a",
    );
    event.collection = "events".into();
    store
        .save_local(std::slice::from_ref(&event), &clock)
        .await
        .unwrap();
    // Read once, so that a cache over the store holds the collection.
    assert_eq!(store.records("events").await.unwrap().len(), 1);
    let sent = store.outbox(10).await.unwrap();
    let failed = [FailedChange {
        change: event.clone(),
        reason: "a reporter can only add events to incidents they reported; ask a manager".into(),
        server: Some(ServerField { field: None }),
    }];
    // A newer value of another record pulled in the same round still lands.
    let pulled = change(INCIDENT, "title", json!("theirs"), 3, "dev-b");
    store
        .finish_sync(SyncDone {
            acknowledged: &[sent[0].seq],
            failed: &failed,
            ..done(std::slice::from_ref(&pulled), &clock)
        })
        .await
        .unwrap();
    assert!(store.records("events").await.unwrap().is_empty());
    assert_eq!(store.record("events", &event.id).await.unwrap(), None);
    let incident = store.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(incident.str("title"), Some("theirs"));
}

fn photo(byte: u8) -> StoredBlob {
    StoredBlob {
        sha256: format!("{byte:02x}").repeat(32),
        mime: "image/jpeg".into(),
        bytes: vec![byte; 1_000],
    }
}

pub async fn photo_bytes_and_their_upload_are_saved_with_the_edit<S: LocalStore>(store: &S) {
    let clock = Clock::new("dev-a").unwrap();
    let blob = photo(7);
    let mut record = change(INCIDENT, "sha256", json!(blob.sha256), 1, "dev-a");
    record.collection = "attachments".into();
    store
        .save_local_with_blobs(&[record], &clock, std::slice::from_ref(&blob))
        .await
        .unwrap();
    assert_eq!(store.blob(&blob.sha256).await.unwrap(), Some(blob.clone()));
    assert_eq!(store.uploads().await.unwrap(), vec![blob.upload()]);
    assert_eq!(store.records("attachments").await.unwrap().len(), 1);

    store.upload_done(&blob.sha256, None).await.unwrap();
    assert!(store.uploads().await.unwrap().is_empty());
    assert_eq!(
        store.blob(&blob.sha256).await.unwrap(),
        Some(blob),
        "the bytes stay for showing"
    );

    // Bytes fetched from the server are kept and never uploaded.
    let fetched = photo(9);
    store.keep_blob(&fetched).await.unwrap();
    assert_eq!(store.blob(&fetched.sha256).await.unwrap(), Some(fetched));
    assert!(store.uploads().await.unwrap().is_empty());
    assert_eq!(store.blob(&photo(1).sha256).await.unwrap(), None);
}

pub async fn an_upload_refused_for_good_stays_with_its_reason<S: LocalStore>(store: &S) {
    let clock = Clock::new("dev-a").unwrap();
    let blob = photo(3);
    store
        .save_local_with_blobs(&[], &clock, std::slice::from_ref(&blob))
        .await
        .unwrap();
    store
        .upload_done(&blob.sha256, Some("this file is not an image"))
        .await
        .unwrap();
    let uploads = store.uploads().await.unwrap();
    assert_eq!(uploads.len(), 1);
    assert_eq!(
        uploads[0].refused.as_deref(),
        Some("this file is not an image")
    );
}

pub async fn meta_values_are_set_read_and_removed<S: LocalStore>(store: &S) {
    assert_eq!(store.meta("cursor").await.unwrap(), None);
    save_meta(store, meta::CURSOR, Some(&"c7")).await.unwrap();
    assert_eq!(
        load_meta::<String>(store, meta::CURSOR)
            .await
            .unwrap()
            .as_deref(),
        Some("c7")
    );
    save_meta::<String>(store, meta::CURSOR, None)
        .await
        .unwrap();
    assert_eq!(
        load_meta::<String>(store, meta::CURSOR).await.unwrap(),
        None
    );
}

pub async fn the_device_id_is_made_once<S: LocalStore>(store: &S) {
    let first = device_id(store).await.unwrap();
    assert!(uuid::Uuid::parse_str(&first).is_ok());
    assert_eq!(device_id(store).await.unwrap(), first);
}
