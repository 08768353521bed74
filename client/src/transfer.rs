//! *Download unsent changes* and *Import changes*: the outbox (and what the
//! server refused) as a JSON file, and such a file checked and queued again
//! on any signed-in tablet.
//!
//! The server accepts a change only if its stamp names the device sending it,
//! so imported changes are given new stamps from this tablet's clock (same
//! values, same order): they count as edits made now, here.

use outpost_model::Change;
use outpost_model::schema::{self, ValidationError};
use serde::{Deserialize, Serialize};

use crate::edits::Write;
use crate::storage::{FailedChange, OutboxEntry};

/// What the file says it is, so any other JSON is refused in words.
pub const FORMAT: &str = "outpost-changes";
pub const VERSION: u32 = 1;

/// The downloaded file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesFile {
    pub format: String,
    pub version: u32,
    /// The device the changes were made on.
    pub device_id: String,
    /// RFC 3339, by the tablet's corrected clock.
    pub exported_at: String,
    /// Unsent changes, oldest first.
    pub changes: Vec<Change>,
    /// Changes the server refused, with its reasons.
    #[serde(default)]
    pub refused: Vec<FailedChange>,
}

impl ChangesFile {
    pub fn new(
        device_id: &str,
        exported_at: String,
        outbox: Vec<OutboxEntry>,
        refused: Vec<FailedChange>,
    ) -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            device_id: device_id.to_owned(),
            exported_at,
            changes: outbox.into_iter().map(|e| e.change).collect(),
            refused,
        }
    }

    /// Everything in the file that can be sent again: unsent changes first,
    /// then the refused ones.
    pub fn all_changes(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .chain(self.refused.iter().map(|f| &f.change))
    }
}

/// Why a file cannot be imported, as sentences.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    NotOurs(String),
    Invalid(Vec<String>),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotOurs(why) => write!(f, "This is not a file of Outpost changes ({why})."),
            Self::Invalid(problems) => write!(
                f,
                "Nothing was imported: {} of the changes are not valid. {}",
                problems.len(),
                problems
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        }
    }
}

fn problem(index: usize, change: &Change, error: &ValidationError) -> String {
    format!(
        "Change {} ({} {}): {error}.",
        index + 1,
        change.collection,
        change.field
    )
}

/// Reads a downloaded file and turns each change into a write to stamp
/// anew; all or nothing, like a push to the server.
pub fn import(text: &str) -> Result<Vec<Write>, ImportError> {
    let file: ChangesFile =
        serde_json::from_str(text).map_err(|e| ImportError::NotOurs(e.to_string()))?;
    if file.format != FORMAT || file.version != VERSION {
        return Err(ImportError::NotOurs(format!(
            "it says {:?} version {}",
            file.format, file.version
        )));
    }
    let mut writes = Vec::new();
    let mut problems = Vec::new();
    for (i, change) in file.all_changes().enumerate() {
        if let Err(e) = schema::validate(change) {
            problems.push(problem(i, change, &e));
            continue;
        }
        // Validation passed, so the collection and field are in the schema.
        let known = schema::collection(&change.collection)
            .and_then(|c| c.field(&change.field).map(|f| (c.name, f.name)));
        match known {
            Some((collection, field)) => writes.push(Write {
                collection,
                id: change.id.clone(),
                field,
                value: change.value.clone(),
            }),
            None => problems.push(format!(
                "Change {} ({} {}): this version of Outpost does not know that field.",
                i + 1,
                change.collection,
                change.field
            )),
        }
    }
    if problems.is_empty() {
        Ok(writes)
    } else {
        Err(ImportError::Invalid(problems))
    }
}
