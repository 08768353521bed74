//! The IndexedDB side of photo bytes: object stores `blobs` (key sha256 →
//! `{sha256, mime, size, bytes: Uint8Array}`) and `uploads` (key sha256 →
//! [`Upload`] as JSON). Bytes are stored as a typed array, not JSON text,
//! so a 300 KB photo stays 300 KB.

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use super::{IdbStore, from_js, idb_error, to_js};
use outpost_client::storage::{StoreError, StoredBlob, Upload};

pub(super) const BLOBS: &str = "blobs";
pub(super) const UPLOADS: &str = "uploads";

fn js_err(e: JsValue) -> StoreError {
    StoreError::Failed(format!("{e:?}"))
}

fn blob_to_js(blob: &StoredBlob) -> Result<JsValue, StoreError> {
    let object = Object::new();
    let set = |key: &str, value: &JsValue| Reflect::set(&object, &JsValue::from_str(key), value);
    set("sha256", &JsValue::from_str(&blob.sha256)).map_err(js_err)?;
    set("mime", &JsValue::from_str(&blob.mime)).map_err(js_err)?;
    set("size", &JsValue::from_f64(blob.bytes.len() as f64)).map_err(js_err)?;
    set("bytes", &Uint8Array::from(blob.bytes.as_slice())).map_err(js_err)?;
    Ok(object.into())
}

fn blob_from_js(js: &JsValue) -> Result<StoredBlob, StoreError> {
    let get = |key: &str| Reflect::get(js, &JsValue::from_str(key)).map_err(js_err);
    let text = |key: &str| {
        get(key)?
            .as_string()
            .ok_or_else(|| StoreError::Corrupt(format!("photo without {key}")))
    };
    let bytes: Uint8Array = get("bytes")?
        .dyn_into()
        .map_err(|_| StoreError::Corrupt("photo without its bytes".into()))?;
    Ok(StoredBlob {
        sha256: text("sha256")?,
        mime: text("mime")?,
        bytes: bytes.to_vec(),
    })
}

/// Stores `blobs` and queues their uploads inside `tx` (which must cover
/// both stores), so they commit or fail with the records written beside them.
pub(super) fn put_blobs(
    tx: &Transaction<'_>,
    blobs: &[StoredBlob],
    queue: bool,
) -> Result<(), StoreError> {
    // A save without photos opens no photo stores; asking for one would fail.
    if blobs.is_empty() {
        return Ok(());
    }
    let store = tx.object_store(BLOBS).map_err(idb_error)?;
    for blob in blobs {
        store
            .put(blob_to_js(blob)?)
            .with_key(blob.sha256.clone())
            .without_key_type()
            .primitive()
            .map_err(idb_error)?;
    }
    if queue {
        let uploads = tx.object_store(UPLOADS).map_err(idb_error)?;
        for blob in blobs {
            uploads
                .put(to_js(&blob.upload())?)
                .with_key(blob.sha256.clone())
                .without_key_type()
                .primitive()
                .map_err(idb_error)?;
        }
    }
    Ok(())
}

impl IdbStore {
    pub(super) async fn read_blob(&self, sha256: &str) -> Result<Option<StoredBlob>, StoreError> {
        let tx = self.tx(&[BLOBS], false)?;
        let js: Option<JsValue> = tx
            .object_store(BLOBS)
            .map_err(idb_error)?
            .get(sha256.to_owned())
            .primitive()
            .map_err(idb_error)?
            .await
            .map_err(idb_error)?;
        js.as_ref().map(blob_from_js).transpose()
    }

    pub(super) async fn write_blob(&self, blob: &StoredBlob) -> Result<(), StoreError> {
        let tx = self.tx(&[BLOBS], true)?;
        put_blobs(&tx, std::slice::from_ref(blob), false)?;
        tx.commit().await.map_err(idb_error)?;
        Ok(())
    }

    pub(super) async fn read_uploads(&self) -> Result<Vec<Upload>, StoreError> {
        self.read_store(UPLOADS).await
    }

    pub(super) async fn finish_upload(
        &self,
        sha256: &str,
        refused: Option<&str>,
    ) -> Result<(), StoreError> {
        let tx = self.tx(&[UPLOADS], true)?;
        let store = tx.object_store(UPLOADS).map_err(idb_error)?;
        match refused {
            None => {
                store
                    .delete(sha256.to_owned())
                    .primitive()
                    .map_err(idb_error)?;
            }
            Some(reason) => {
                let js: Option<JsValue> = store
                    .get(sha256.to_owned())
                    .primitive()
                    .map_err(idb_error)?
                    .await
                    .map_err(idb_error)?;
                if let Some(js) = js {
                    let mut upload: Upload = from_js(js)?;
                    upload.refused = Some(reason.to_owned());
                    store
                        .put(to_js(&upload)?)
                        .with_key(sha256.to_owned())
                        .without_key_type()
                        .primitive()
                        .map_err(idb_error)?;
                }
            }
        }
        tx.commit().await.map_err(idb_error)?;
        Ok(())
    }
}
