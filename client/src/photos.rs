//! Photos on incidents: the writes that attach one (an
//! `attachments` record and an `attachment` event, saved with the bytes in one
//! transaction), reading an incident's photos back, and the upload queue that
//! sends the bytes after each sync until the server has them.

use outpost_model::schema;
use outpost_model::{EventKind, NewEvent};
use serde_json::json;

use crate::api::{ApiError, BlobTransport};
use crate::edits::Write;
use crate::storage::{LocalStore, StoreError, StoredBlob, StoredRecord, Upload};
use crate::workflow::event_writes;

/// One photo of an incident, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// The `attachments` record's id.
    pub id: String,
    pub sha256: String,
    pub name: String,
    /// When it was added (from the UUIDv7 id), Unix ms.
    pub added_ms: Option<u64>,
}

impl Photo {
    /// The image's text alternative: its name and when it was added, with
    /// `day_time` writing the time as the tablet's people read it.
    pub fn alt(&self, day_time: impl Fn(u64) -> String) -> String {
        match self.added_ms {
            Some(ms) => format!("Photo {}, added {}", self.name, day_time(ms)),
            None => format!("Photo {}", self.name),
        }
    }
}

/// The writes attaching `blob` as `name` to an incident: the `attachments`
/// record and the `attachment` event on the timeline.
pub fn attachment_writes(
    incident_id: &str,
    attachment_id: &str,
    blob: &StoredBlob,
    name: &str,
    author: &str,
    at_ms: u64,
    event_id: &str,
) -> Vec<Write> {
    let a = |field, value: serde_json::Value| {
        Write::new(&schema::ATTACHMENTS, attachment_id, field, value)
    };
    let mut writes = vec![
        a("incident_id", json!(incident_id)),
        a("sha256", json!(blob.sha256)),
        a("name", json!(name)),
        a("mime", json!(blob.mime)),
        a("size", json!(blob.bytes.len())),
    ];
    let event = NewEvent {
        kind: EventKind::Attachment,
        body: name.to_owned(),
        data: json!({"attachment_id": attachment_id, "sha256": blob.sha256}),
    };
    writes.extend(event_writes(&event, incident_id, author, at_ms, event_id));
    writes
}

/// The photos of one incident, oldest first; deleted ones and records still
/// half-synced (no hash yet) are left out.
pub fn photos_of(attachments: &[StoredRecord], incident_id: &str) -> Vec<Photo> {
    let mut photos: Vec<Photo> = attachments
        .iter()
        .filter(|a| !a.is_deleted() && a.str("incident_id") == Some(incident_id))
        .filter(|a| a.str("mime").is_none_or(|m| m.starts_with("image/")))
        .filter_map(|a| {
            Some(Photo {
                id: a.id.clone(),
                sha256: a.str("sha256")?.to_owned(),
                name: a.str("name").unwrap_or("photo").to_owned(),
                added_ms: outpost_model::problems::uuid_v7_ms(&a.id),
            })
        })
        .collect();
    photos.sort_by(|a, b| a.id.cmp(&b.id));
    photos
}

/// "1 photo waiting to upload", "3 photos waiting to upload".
pub fn waiting_in_words(n: usize) -> String {
    match n {
        1 => "1 photo waiting to upload".to_owned(),
        n => format!("{n} photos waiting to upload"),
    }
}

/// Uploads still to try (the refused ones are not tried again).
pub fn still_to_send(uploads: &[Upload]) -> usize {
    uploads.iter().filter(|u| u.refused.is_none()).count()
}

/// What one pass of the upload queue did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadReport {
    pub sent: usize,
    pub refused: usize,
}

/// Why an upload pass stopped early: the network or the server, to retry with
/// the sync back-off, or the tablet's storage.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<UploadError> for crate::sync::SyncError {
    fn from(e: UploadError) -> Self {
        match e {
            UploadError::Api(e) => Self::Api(e),
            UploadError::Store(e) => Self::Store(e),
        }
    }
}

/// Whether the server refused these bytes for good: a wrong hash (400), too
/// large (413), not an image type it takes (415). Sending them again would
/// get the same answer.
pub fn refused_for_good(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Refused {
            status: 400 | 413 | 415,
            ..
        }
    )
}

/// Sends every blob still waiting, in hash order; marks each one the
/// server has as done and each one it refused for good as refused (with
/// its sentence). Stops at the first failure worth retrying, keeping the
/// rest for the next pass.
pub async fn upload_pending<S: LocalStore, T: BlobTransport>(
    store: &S,
    transport: &T,
    token: &str,
) -> Result<UploadReport, UploadError> {
    let mut report = UploadReport::default();
    for upload in store.uploads().await? {
        if upload.refused.is_some() {
            continue;
        }
        let Some(blob) = store.blob(&upload.sha256).await? else {
            let why = "the photo's bytes are no longer on this tablet";
            store.upload_done(&upload.sha256, Some(why)).await?;
            report.refused += 1;
            continue;
        };
        match transport.put_blob(token, &blob).await {
            Ok(()) => {
                store.upload_done(&upload.sha256, None).await?;
                report.sent += 1;
            }
            Err(e) if refused_for_good(&e) => {
                store
                    .upload_done(&upload.sha256, Some(&e.to_string()))
                    .await?;
                report.refused += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(report)
}
