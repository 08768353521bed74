//! Reading a sync request and writing its answer, the JSON of
//! `POST /api/v1/sync` (docs/protocol.md), without building `Value` trees.
//!
//! The request is read in one pass into borrowed slices of the body: each
//! pushed change is parsed from its own text, so an unreadable one is still
//! named by its index. The answer is written straight into one buffer, each
//! pulled value copied from the text the store holds. A test below checks
//! that the answer reads back as the shared [`SyncResponse`].
//!
//! [`SyncResponse`]: outpost_model::protocol::SyncResponse

use axum::{
    http::{HeaderValue, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
};
use outpost_model::{
    Change,
    protocol::{ChangeProblem, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_PUSH_CHANGES, PullFormat},
    schema,
};
use std::collections::HashMap;

use serde::{
    Deserialize, Serialize, Serializer,
    ser::{SerializeMap, SerializeSeq, SerializeStruct},
};
use serde_json::{Value, value::RawValue};

use crate::{error::AppError, store::Pulled};

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

/// The answer, member for member the shared `SyncResponse`: the pulled
/// changes in `changes`, or grouped by record in `records` when asked for.
pub struct Answer<'a> {
    pub server_time: String,
    pub accepted: u64,
    pub ignored: u64,
    pub format: PullFormat,
    pub changes: &'a [Pulled],
    pub cursor: Option<String>,
    pub more: bool,
    pub refused: Vec<ChangeProblem>,
    pub remaining: Option<u64>,
}

impl Serialize for Answer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut answer = s.serialize_struct("SyncResponse", 9)?;
        answer.serialize_field("server_time", &self.server_time)?;
        answer.serialize_field("accepted", &self.accepted)?;
        answer.serialize_field("ignored", &self.ignored)?;
        match self.format {
            PullFormat::Changes => answer.serialize_field("changes", &Changes(self.changes))?,
            PullFormat::Records => answer.serialize_field("changes", &[(); 0])?,
        }
        answer.serialize_field("cursor", &self.cursor)?;
        answer.serialize_field("more", &self.more)?;
        if !self.refused.is_empty() {
            answer.serialize_field("refused", &self.refused)?;
        }
        if let Some(remaining) = self.remaining {
            answer.serialize_field("remaining", &remaining)?;
        }
        if self.format == PullFormat::Records && !self.changes.is_empty() {
            answer.serialize_field("records", &Records(self.changes))?;
        }
        answer.end()
    }
}

/// A pulled change as a wire change, its value and stamp copied as stored.
#[derive(Serialize)]
struct Wire<'a> {
    collection: &'a str,
    id: &'a str,
    field: &'a str,
    value: &'a RawValue,
    hlc: &'a str,
}

/// A stored value, checked, not trusted: a damaged value must not make the
/// whole answer unreadable JSON.
fn checked<E: serde::ser::Error>(p: &Pulled) -> Result<&RawValue, E> {
    serde_json::from_str(&p.value)
        .map_err(|e| E::custom(format!("stored value of {}/{}: {e}", p.id, p.field)))
}

/// The pulled changes one by one.
struct Changes<'a>(&'a [Pulled]);

impl Serialize for Changes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for p in self.0 {
            seq.serialize_element(&Wire {
                collection: &p.collection,
                id: &p.id,
                field: &p.field,
                value: checked(p)?,
                hlc: &p.hlc,
            })?;
        }
        seq.end()
    }
}

/// The pulled changes grouped by record, each record where its first
/// change was.
struct Records<'a>(&'a [Pulled]);

impl Serialize for Records<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut order: Vec<Vec<&Pulled>> = Vec::new();
        let mut at: HashMap<(&str, &str), usize> = HashMap::new();
        for p in self.0 {
            let i = *at.entry((&p.collection, &p.id)).or_insert_with(|| {
                order.push(Vec::new());
                order.len() - 1
            });
            order[i].push(p);
        }
        let mut seq = s.serialize_seq(Some(order.len()))?;
        for fields in &order {
            seq.serialize_element(&Record(fields))?;
        }
        seq.end()
    }
}

/// One record: `{collection, id, fields: {name: [value, hlc]}}`.
struct Record<'a>(&'a [&'a Pulled]);

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let first = self.0[0];
        let mut record = s.serialize_struct("PulledRecord", 3)?;
        record.serialize_field("collection", &first.collection)?;
        record.serialize_field("id", &first.id)?;
        record.serialize_field("fields", &Fields(self.0))?;
        record.end()
    }
}

struct Fields<'a>(&'a [&'a Pulled]);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for p in self.0 {
            map.serialize_entry(&p.field, &(checked::<S::Error>(p)?, &p.hlc))?;
        }
        map.end()
    }
}

impl Answer<'_> {
    /// The answer as a JSON response, written in one buffer.
    pub fn into_response(self) -> Result<Response, AppError> {
        // About 200 bytes a change, so a full page is written without
        // growing the buffer more than once or twice.
        let mut body = Vec::with_capacity(256 + self.changes.len() * 200);
        serde_json::to_writer(&mut body, &self).map_err(AppError::internal)?;
        let mut response = body.into_response();
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use outpost_model::protocol::SyncResponse;
    use serde_json::json;

    use super::*;

    fn pulled(seq: u64, field: &str, value: &str) -> Pulled {
        Pulled {
            seq,
            collection: "incidents".to_owned(),
            id: "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01".to_owned(),
            field: field.to_owned(),
            value: value.to_owned(),
            hlc: "001795729084123-00000-tablet-1".to_owned(),
        }
    }

    #[test]
    fn the_answer_reads_back_as_the_shared_sync_response() {
        let rows = [
            pulled(7, "title", r#""Pump 3 \"north\" leaking""#),
            pulled(9, "impact", "2"),
            pulled(12, "deleted", "true"),
        ];
        let answer = Answer {
            server_time: "2026-11-27T02:20:00.000Z".to_owned(),
            accepted: 3,
            ignored: 1,
            format: PullFormat::Changes,
            changes: &rows,
            cursor: Some("12".to_owned()),
            more: true,
            refused: Vec::new(),
            remaining: Some(40),
        };
        let text = serde_json::to_vec(&answer).expect("answer");
        let read: SyncResponse = serde_json::from_slice(&text).expect("a SyncResponse");
        assert_eq!(read.changes.len(), 3);
        assert_eq!(read.changes[0].value, json!("Pump 3 \"north\" leaking"));
        assert_eq!(read.changes[1].value, json!(2));
        assert_eq!(read.changes[2].hlc.to_string(), rows[2].hlc);
        assert_eq!((read.accepted, read.ignored, read.more), (3, 1, true));
        assert_eq!(read.remaining, Some(40));
        // The same members as the shared type writes, in the same order.
        let again = serde_json::to_vec(&read).expect("again");
        assert_eq!(
            serde_json::from_slice::<Value>(&again).expect("json"),
            serde_json::from_slice::<Value>(&text).expect("json")
        );
    }

    #[test]
    fn a_damaged_stored_value_fails_the_answer_instead_of_sending_bad_json() {
        let rows = [pulled(1, "title", "{not json")];
        let answer = Answer {
            server_time: String::new(),
            accepted: 0,
            ignored: 0,
            format: PullFormat::Changes,
            changes: &rows,
            cursor: None,
            more: false,
            refused: Vec::new(),
            remaining: None,
        };
        assert!(answer.into_response().is_err());
    }

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
