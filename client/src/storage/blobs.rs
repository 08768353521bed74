//! Photo bytes on the tablet (attachments are content-addressed
//! blobs that travel apart from the records). `blobs` holds the bytes by
//! SHA-256; `uploads` lists the ones this tablet still has to send, small
//! entries kept apart so that counting and listing them never reads a photo.

use serde::{Deserialize, Serialize};

/// The bytes of one attachment, keyed by their SHA-256 (64 lowercase hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub sha256: String,
    /// `image/jpeg` for photos taken here; what the server said for others.
    pub mime: String,
    pub bytes: Vec<u8>,
}

impl StoredBlob {
    /// The upload entry that sends these bytes.
    pub fn upload(&self) -> Upload {
        Upload {
            sha256: self.sha256.clone(),
            mime: self.mime.clone(),
            size: self.bytes.len() as u64,
            refused: None,
        }
    }
}

/// A blob this tablet still has to send, or one the server refused for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    pub sha256: String,
    pub mime: String,
    pub size: u64,
    /// The server's sentence when it refused the bytes (too large, not an
    /// image, wrong hash); such an upload is not tried again.
    #[serde(default)]
    pub refused: Option<String>,
}
