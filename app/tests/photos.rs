//! Photos in a real browser: the bytes are stored with their attachment
//! record in one transaction (IndexedDB and the in-memory twin), survive
//! reopening and the upgrade from the database before photos, and leave the
//! upload queue only when the server has them or refused them for good.

use std::cell::RefCell;
use std::collections::VecDeque;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use outpost_app::idb::IdbStore;
use outpost_client::api::{ApiError, BlobTransport};
use outpost_client::edits::stamp;
use outpost_client::photos::{UploadError, attachment_writes, photos_of, upload_pending};
use outpost_client::storage::memory::MemoryStore;
use outpost_client::storage::{LocalStore, StoredBlob, StoredRecord};
use outpost_model::{Change, Clock, schema};
use serde_json::json;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

const ATTACHMENT: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c0a";
const EVENT: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c0b";
const SAM: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c0c";

fn blob(byte: u8) -> StoredBlob {
    StoredBlob {
        sha256: format!("{byte:02x}").repeat(32),
        mime: "image/jpeg".into(),
        bytes: vec![byte; 1000 + usize::from(byte)],
    }
}

/// The stamped changes of attaching `blob` to the test incident.
fn attach(blob: &StoredBlob, clock: &mut Clock) -> Vec<Change> {
    let writes = attachment_writes(INCIDENT, ATTACHMENT, blob, "pump.jpg", SAM, 1_000, EVENT);
    stamp(writes, || clock.now(1_000))
}

async fn stores_the_photo_with_its_record_and_queues_the_upload(store: &impl LocalStore) {
    let mut clock = Clock::new("dev-a").unwrap();
    let photo = blob(7);
    let changes = attach(&photo, &mut clock);
    store
        .save_local_with_blobs(&changes, &clock, std::slice::from_ref(&photo))
        .await
        .unwrap();

    assert_eq!(
        store.blob(&photo.sha256).await.unwrap(),
        Some(photo.clone())
    );
    assert_eq!(store.uploads().await.unwrap(), vec![photo.upload()]);
    let record = store
        .record("attachments", ATTACHMENT)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.str("sha256"), Some(photo.sha256.as_str()));
    assert_eq!(record.int("size"), Some(1007));
    let event = store.record("events", EVENT).await.unwrap().unwrap();
    assert_eq!(event.str("kind"), Some("attachment"));
    assert_eq!(store.outbox_len().await.unwrap(), changes.len() as u32);

    // Uploaded: off the queue, bytes still here to show.
    store.upload_done(&photo.sha256, None).await.unwrap();
    assert_eq!(store.uploads().await.unwrap(), vec![]);
    assert!(store.blob(&photo.sha256).await.unwrap().is_some());
}

#[wasm_bindgen_test]
async fn memory_store_keeps_photo_bytes_and_their_upload() {
    stores_the_photo_with_its_record_and_queues_the_upload(&MemoryStore::new()).await;
}

#[wasm_bindgen_test]
async fn indexed_db_keeps_photo_bytes_and_their_upload() {
    stores_the_photo_with_its_record_and_queues_the_upload(
        &IdbStore::open(&unique_db("photo")).await.unwrap(),
    )
    .await;
}

#[wasm_bindgen_test]
async fn a_save_without_photos_leaves_the_photo_stores_alone() {
    let store = IdbStore::open(&unique_db("no-photo")).await.unwrap();
    let clock = Clock::new("dev-a").unwrap();
    let edit = change(INCIDENT, "title", json!("Pump 3 leaking"), 5, "dev-a");
    store.save_local(&[edit], &clock).await.unwrap();
    assert_eq!(store.outbox_len().await.unwrap(), 1);
    assert_eq!(store.uploads().await.unwrap(), vec![]);
}

#[wasm_bindgen_test]
async fn photos_and_pending_uploads_survive_reopening() {
    let name = unique_db("photo-reopen");
    let store = IdbStore::open(&name).await.unwrap();
    let mut clock = Clock::new("dev-a").unwrap();
    let (first, second) = (blob(1), blob(2));
    let changes = attach(&first, &mut clock);
    store
        .save_local_with_blobs(&changes, &clock, &[first.clone(), second.clone()])
        .await
        .unwrap();
    store
        .upload_done(&first.sha256, Some("too large"))
        .await
        .unwrap();
    let fetched = blob(3);
    store.keep_blob(&fetched).await.unwrap();
    store.close();

    let store = IdbStore::open(&name).await.unwrap();
    assert_eq!(
        store.blob(&second.sha256).await.unwrap(),
        Some(second.clone())
    );
    assert_eq!(store.blob(&fetched.sha256).await.unwrap(), Some(fetched));
    let uploads = store.uploads().await.unwrap();
    assert_eq!(uploads.len(), 2, "a fetched photo is not uploaded again");
    assert_eq!(uploads[0].refused.as_deref(), Some("too large"));
    assert_eq!(uploads[1], second.upload());
}

#[wasm_bindgen_test]
async fn upgrading_from_the_database_before_photos_keeps_every_record() {
    let name = unique_db("upgrade");
    // Version 2 as it was: records, outbox, meta, conflicts.
    let old = Database::open(name.as_str())
        .with_version(2u8)
        .with_on_upgrade_needed(|_, db| {
            db.create_object_store("records").build()?;
            db.create_object_store("outbox")
                .with_auto_increment(true)
                .build()?;
            db.create_object_store("meta").build()?;
            db.create_object_store("conflicts").build()?;
            Ok(())
        })
        .await
        .unwrap();
    let mut record = StoredRecord::new("incidents", INCIDENT);
    record.apply(&change(
        INCIDENT,
        "title",
        json!("Pump 3 leaking"),
        5,
        "dev-a",
    ));
    put_record_as_object(&old, &record).await;
    old.close();

    let store = IdbStore::open(&name).await.unwrap();
    let kept = store.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(kept.str("title"), Some("Pump 3 leaking"));
    let photo = blob(9);
    store.keep_blob(&photo).await.unwrap();
    assert_eq!(store.blob(&photo.sha256).await.unwrap(), Some(photo));
}

/// Answers each upload with the next scripted result and keeps what was sent.
#[derive(Default)]
struct FakeBlobServer {
    answers: RefCell<VecDeque<Result<(), ApiError>>>,
    sent: RefCell<Vec<String>>,
}

impl BlobTransport for FakeBlobServer {
    async fn put_blob(&self, _token: &str, blob: &StoredBlob) -> Result<(), ApiError> {
        self.sent.borrow_mut().push(blob.sha256.clone());
        self.answers
            .borrow_mut()
            .pop_front()
            .unwrap_or(Err(ApiError::Offline))
    }

    async fn get_blob(&self, _token: &str, _sha256: &str) -> Result<Option<StoredBlob>, ApiError> {
        Ok(None)
    }
}

fn refused(status: u16, code: &str) -> ApiError {
    ApiError::Refused {
        status,
        code: code.into(),
        message: format!("refused: {code}"),
    }
}

#[wasm_bindgen_test]
async fn uploads_leave_the_queue_when_sent_or_refused_for_good_and_stay_when_offline() {
    let store = MemoryStore::new();
    let clock = Clock::new("dev-a").unwrap();
    let (a, b, c) = (blob(1), blob(2), blob(3));
    store
        .save_local_with_blobs(&[], &clock, &[a.clone(), b.clone(), c.clone()])
        .await
        .unwrap();
    let server = FakeBlobServer::default();
    server
        .answers
        .borrow_mut()
        .extend([Ok(()), Err(refused(413, "too_large"))]);

    // The third meets no network: the pass stops and keeps it.
    let result = upload_pending(&store, &server, "token").await;
    assert_eq!(result, Err(UploadError::Api(ApiError::Offline)));
    let uploads = store.uploads().await.unwrap();
    assert_eq!(uploads.len(), 2);
    assert_eq!(uploads[0].refused.as_deref(), Some("refused: too_large"));
    assert_eq!(uploads[1], c.upload());

    // Next pass: only the one still waiting goes, once.
    server.answers.borrow_mut().push_back(Ok(()));
    let report = upload_pending(&store, &server, "token").await.unwrap();
    assert_eq!((report.sent, report.refused), (1, 0));
    assert_eq!(
        *server.sent.borrow(),
        vec![a.sha256, b.sha256.clone(), c.sha256.clone(), c.sha256]
    );
    let left = store.uploads().await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].sha256, b.sha256);
}

#[wasm_bindgen_test]
fn attachment_writes_pass_the_schema_and_read_back_as_a_photo() {
    let photo = blob(4);
    let mut clock = Clock::new("dev-a").unwrap();
    let changes = attach(&photo, &mut clock);
    for change in &changes {
        assert_eq!(
            schema::validate(change),
            Ok(()),
            "{}.{}",
            change.collection,
            change.field
        );
    }
    let mut record = StoredRecord::new("attachments", ATTACHMENT);
    changes
        .iter()
        .filter(|c| c.collection == "attachments")
        .for_each(|c| {
            record.apply(c);
        });
    let photos = photos_of(std::slice::from_ref(&record), INCIDENT);
    assert_eq!(photos.len(), 1);
    assert_eq!(photos[0].sha256, photo.sha256);
    assert!(
        photos[0]
            .alt(outpost_app::now::day_time)
            .contains("pump.jpg")
    );
    assert!(photos_of(&[record], "another incident").is_empty());
}

#[wasm_bindgen_test]
fn photos_are_fitted_to_1600_px_and_named_jpg() {
    use outpost_app::browser::photo::{fit, jpeg_name};
    assert_eq!(fit(4000, 3000, 1600), (1600, 1200));
    assert_eq!(fit(3000, 4000, 1600), (1200, 1600));
    assert_eq!(fit(1200, 800, 1600), (1200, 800));
    assert_eq!(fit(10_000, 3, 1600), (1600, 1));
    assert_eq!(jpeg_name("IMG_0042.HEIC"), "IMG_0042.jpg");
    assert_eq!(jpeg_name("image"), "image.jpg");
    assert_eq!(jpeg_name(" "), "photo.jpg");
}

/// A `File` holding a PNG of `width` × `height` drawn on a canvas.
async fn png_file(width: u32, height: u32) -> web_sys::File {
    use wasm_bindgen::JsCast;
    let canvas = web_sys::OffscreenCanvas::new(width, height).unwrap();
    let context: web_sys::OffscreenCanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    context.set_fill_style_str("#0b3d91");
    context.fill_rect(0.0, 0.0, f64::from(width) / 2.0, f64::from(height));
    let options = web_sys::ImageEncodeOptions::new();
    options.set_type("image/png");
    let png: web_sys::Blob = wasm_bindgen_futures::JsFuture::from(
        canvas.convert_to_blob_with_options(&options).unwrap(),
    )
    .await
    .unwrap()
    .dyn_into()
    .unwrap();
    web_sys::File::new_with_blob_sequence(&js_sys::Array::of1(&png), "big.png").unwrap()
}

#[wasm_bindgen_test]
async fn a_large_picture_is_shrunk_to_a_1600_px_jpeg_named_by_its_hash() {
    use outpost_app::browser::photo::{prepare, sha256_hex};
    use wasm_bindgen::JsCast;
    let prepared = prepare(&png_file(3200, 2400).await).await.unwrap();
    assert_eq!(prepared.mime, "image/jpeg");
    assert_eq!(
        &prepared.bytes[..3],
        &[0xff, 0xd8, 0xff],
        "JPEG magic number"
    );
    assert_eq!(prepared.sha256, sha256_hex(&prepared.bytes).await.unwrap());
    assert_eq!(prepared.sha256.len(), 64);
    let window = web_sys::window().unwrap();
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(prepared.bytes.as_slice()));
    let jpeg = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    let bitmap: web_sys::ImageBitmap =
        wasm_bindgen_futures::JsFuture::from(window.create_image_bitmap_with_blob(&jpeg).unwrap())
            .await
            .unwrap()
            .dyn_into()
            .unwrap();
    assert_eq!((bitmap.width(), bitmap.height()), (1600, 1200));
}

#[wasm_bindgen_test]
async fn a_file_that_is_not_a_picture_is_refused_in_words() {
    use outpost_app::browser::photo::prepare;
    let parts = js_sys::Array::of1(&JsValue::from_str("not a photo"));
    let file = web_sys::File::new_with_str_sequence(&parts, "notes.txt").unwrap();
    let why = prepare(&file).await.unwrap_err();
    assert!(why.contains("“notes.txt” is not a photo"), "{why}");
    assert!(why.contains("Nothing was saved"), "{why}");
}
