//! Writing the answer of `POST /api/v1/sync` (docs/protocol.md) straight
//! into one buffer, each pulled value copied from the text the store holds:
//! one object per change, or grouped by record when the request asked for
//! `format: "records"`. The tests below check that both read back as the
//! shared [`SyncResponse`].
//!
//! [`SyncResponse`]: outpost_model::protocol::SyncResponse

use std::collections::HashMap;

use axum::{
    http::{HeaderValue, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
};
use outpost_model::protocol::{ChangeProblem, PullFormat};
use serde::{
    Serialize, Serializer,
    ser::{SerializeMap, SerializeSeq, SerializeStruct},
};
use serde_json::value::RawValue;

use crate::{error::AppError, store::Pulled};

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
    use serde_json::{Value, json};

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
}
