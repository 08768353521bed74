//! Reading a sync request, the JSON of `POST /api/v1/sync`
//! (docs/protocol.md), without building `Value` trees; `sync_answer` writes
//! the answer.
//!
//! The request is read in one pass into borrowed slices of the body: each
//! pushed change is parsed from its own text, so an unreadable one is still
//! named by its index.

use outpost_model::{
    Change,
    protocol::{ChangeProblem, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_PUSH_CHANGES, PullFormat},
    schema,
};
use serde::Deserialize;
use serde_json::{Value, value::RawValue};

use crate::error::AppError;

/// The request's members, each still JSON text; `null` reads as absent.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    device_id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    cursor: Option<&'a RawValue>,
    #[serde(borrow, default)]
    changes: Option<&'a RawValue>,
    #[serde(borrow, default)]
    limit: Option<&'a RawValue>,
    #[serde(borrow, default)]
    format: Option<&'a RawValue>,
}

/// A sync request whose changes are not read yet.
pub struct SyncBody<'a> {
    pub device_id: String,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
    pub format: PullFormat,
    pub changes: Vec<&'a RawValue>,
}

/// Reads the envelope, checking what a bad request is refused for in the
/// order it always has been: the body, the number of changes, the cursor,
/// the limit, then the rest.
pub fn read_request(body: &[u8]) -> Result<SyncBody<'_>, AppError> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| {
        let message = if e.is_data() {
            format!("the request body must be a JSON object: {e}")
        } else {
            format!("the request body is not valid JSON: {e}")
        };
        AppError::bad_request("malformed", message)
    })?;
    // A struct also reads from a JSON array, member by position.
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err(AppError::bad_request(
            "malformed",
            "the request body must be a JSON object",
        ));
    }
    let changes: Vec<&RawValue> = match envelope.changes {
        None => Vec::new(),
        Some(raw) => serde_json::from_str(raw.get())
            .map_err(|_| AppError::bad_request("malformed", "changes must be a list of changes"))?,
    };
    if changes.len() > MAX_PUSH_CHANGES {
        return Err(AppError::TooLarge {
            code: "too_many_changes",
            message: format!(
                "a sync may push at most {MAX_PUSH_CHANGES} changes and this one has {}; send them in smaller batches",
                changes.len()
            ),
        });
    }
    let cursor = envelope
        .cursor
        .map(|raw| serde_json::from_str::<String>(raw.get()).map_err(|_| bad_cursor()))
        .transpose()?;
    let limit = envelope
        .limit
        .map(|raw| {
            serde_json::from_str::<u32>(raw.get())
                .ok()
                .filter(|n| (1..=MAX_PULL_LIMIT).contains(n))
                .ok_or_else(|| {
                    AppError::bad_request(
                        "bad_limit",
                        format!(
                            "limit must be a whole number from 1 to {MAX_PULL_LIMIT}, or left out for {DEFAULT_PULL_LIMIT}"
                        ),
                    )
                })
        })
        .transpose()?;
    let format = envelope
        .format
        .map(|raw| {
            serde_json::from_str::<Option<PullFormat>>(raw.get()).map_err(|_| {
                AppError::bad_request(
                    "bad_format",
                    "format must be \"changes\" or \"records\", or left out for \"changes\"",
                )
            })
        })
        .transpose()?
        .flatten()
        .unwrap_or(PullFormat::Changes);
    let device_id = match envelope.device_id {
        None => Err("missing field `device_id`".to_owned()),
        Some(raw) => serde_json::from_str::<String>(raw.get()).map_err(|e| e.to_string()),
    }
    .map_err(|e| {
        AppError::bad_request(
            "malformed",
            format!("the sync request is JSON but not a sync request: {e}"),
        )
    })?;
    Ok(SyncBody {
        device_id,
        cursor,
        limit,
        format,
        changes,
    })
}

pub fn bad_cursor() -> AppError {
    AppError::bad_request(
        "bad_cursor",
        "cursor must be null or the cursor string the server returned last time",
    )
}

/// Reads and checks every change; refuses the batch naming each bad one.
pub fn check_changes(raw: &[&RawValue], device_id: &str) -> Result<Vec<Change>, AppError> {
    let mut changes = Vec::with_capacity(raw.len());
    let mut problems = Vec::new();
    for (index, text) in raw.iter().enumerate() {
        // Only a refused change is read a second time, for its names.
        let problem = |code: &str, message: String| {
            let value: Value = serde_json::from_str(text.get()).unwrap_or(Value::Null);
            let name = |key: &str| {
                let s = value.get(key).and_then(Value::as_str).unwrap_or("");
                s.chars().take(100).collect::<String>()
            };
            ChangeProblem {
                index,
                collection: name("collection"),
                id: name("id"),
                field: name("field"),
                code: code.to_owned(),
                message,
                // The whole batch is refused as invalid; nothing to put back.
                server: None,
            }
        };
        let change: Change = match serde_json::from_str(text.get()) {
            Ok(c) => c,
            Err(e) => {
                problems.push(problem(
                    "malformed_change",
                    format!("this change cannot be read: {e}"),
                ));
                continue;
            }
        };
        if let Err(e) = schema::validate(&change) {
            problems.push(problem(e.code(), e.to_string()));
            continue;
        }
        if change.hlc.node != device_id {
            problems.push(problem(
                "wrong_node",
                format!(
                    "this change is stamped by device {:?}, not by the device sending it",
                    change.hlc.node
                ),
            ));
            continue;
        }
        changes.push(change);
    }
    if problems.is_empty() {
        return Ok(changes);
    }
    Err(AppError::Invalid {
        code: "invalid_changes",
        message: format!(
            "{} of the {} changes were refused, so nothing was stored; see details",
            problems.len(),
            raw.len()
        ),
        details: problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_reads_like_the_shared_type() {
        let body =
            br#"{"device_id":"t1","cursor":"42","limit":5,"changes":[{"a":1},2],"extra":{}}"#;
        let r = read_request(body).map_err(|_| "refused").expect("read");
        assert_eq!(r.device_id, "t1");
        assert_eq!(r.cursor.as_deref(), Some("42"));
        assert_eq!(r.limit, Some(5));
        assert_eq!(r.changes.len(), 2);
        let none = read_request(br#"{"device_id":"t1","cursor":null,"changes":null}"#)
            .map_err(|_| "refused")
            .expect("read");
        assert!(none.cursor.is_none() && none.changes.is_empty() && none.limit.is_none());
        assert!(
            read_request(br#"["t1", "42"]"#).is_err(),
            "an array is not a request"
        );
    }
}
