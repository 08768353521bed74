//! Sync protocol v1: the JSON bodies of docs/protocol.md, shared by the server and the
//! app so that the two cannot disagree. Adding fields is allowed; renaming or
//! removing them is not.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Change, FieldState};

pub const API_PREFIX: &str = "/api/v1";
/// Most changes one push may carry.
pub const MAX_PUSH_CHANGES: usize = 5_000;
/// Largest request body, in bytes.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// Most changes one pull page returns; also the default `limit`.
pub const MAX_PULL_LIMIT: u32 = 20_000;
pub const DEFAULT_PULL_LIMIT: u32 = 1_000;
/// Largest attachment blob, in bytes.
pub const MAX_BLOB_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Reporter,
    Manager,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reporter => "reporter",
            Self::Manager => "manager",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "reporter" => Some(Self::Reporter),
            "manager" => Some(Self::Manager),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// A disabled account cannot sign in; its name stays in the directory so
    /// records it touched still show who did it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    pub device_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub token: String,
    pub user: User,
    /// RFC 3339.
    pub expires_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncRequest {
    pub device_id: String,
    /// `None` on a device's first sync: pull everything.
    pub cursor: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<WireChange>))]
    pub changes: Vec<Change>,
    /// At most this many changes in the response; defaults to
    /// [`DEFAULT_PULL_LIMIT`], capped at [`MAX_PULL_LIMIT`].
    #[serde(default)]
    pub limit: Option<u32>,
    /// How the answer carries the pulled changes; left out, as `changes`.
    /// Servers from before this member ignore it and answer with `changes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<PullFormat>,
}

/// The shape of the pulled changes in a sync answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PullFormat {
    /// One object per field in `changes` (the original shape).
    Changes,
    /// Grouped by record in `records`: each record's collection and id once,
    /// then its fields. About half the text to send and to parse.
    Records,
}

/// The pulled fields of one record, in an answer asked for as `records`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PulledRecord {
    pub collection: String,
    pub id: String,
    /// Field name to `[value, hlc]`.
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, Vec<serde_json::Value>>))]
    pub fields: BTreeMap<String, (serde_json::Value, crate::Hlc)>,
}

impl PulledRecord {
    /// The record's fields as changes.
    pub fn into_changes(self) -> impl Iterator<Item = Change> {
        let Self {
            collection,
            id,
            fields,
        } = self;
        fields.into_iter().map(move |(field, (value, hlc))| Change {
            collection: collection.clone(),
            id: id.clone(),
            field,
            value,
            hlc,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncResponse {
    /// The server's clock, RFC 3339; devices correct their own clock with it.
    pub server_time: String,
    /// Pushed changes that became current values.
    pub accepted: u64,
    /// Pushed changes already known or older than the current value (still logged).
    pub ignored: u64,
    /// Current values of fields that changed after `cursor`, oldest first.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<WireChange>))]
    pub changes: Vec<Change>,
    /// Pass back on the next sync.
    pub cursor: Option<String>,
    /// More changes are waiting: sync again straight away.
    pub more: bool,
    /// Pushed changes this user may not make (code `forbidden`), named like
    /// the `details` of a 422. They were not stored; the rest of the batch was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<ChangeProblem>,
    /// With `more`: how many changes are still waiting after this page, so a
    /// tablet can say *Downloading 3,200 of 12,000 changes*. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    /// With `format: "records"`: the same changes as `changes` would hold,
    /// grouped by record in the order each record first appears; `changes`
    /// is then empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<PulledRecord>,
}

impl SyncResponse {
    /// The pulled changes, whichever shape they came in.
    pub fn take_pulled(&mut self) -> Vec<Change> {
        let mut changes = std::mem::take(&mut self.changes);
        for record in std::mem::take(&mut self.records) {
            changes.extend(record.into_changes());
        }
        changes
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub field: String,
    pub value: serde_json::Value,
    /// The clock stamp, `{wall_ms:015}-{counter:05}-{device_id}`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub hlc: crate::Hlc,
    /// User id of who sent it.
    pub user: String,
    /// Device id it came from.
    pub device: String,
    /// RFC 3339, the server's clock.
    pub received_at: String,
    /// Whether this change is the field's current value.
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryResponse {
    pub changes: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsersResponse {
    pub users: Vec<User>,
}

/// `GET /api/v1/setup`: whether the first admin still has to be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetupStatus {
    pub needed: bool,
}

/// `POST /api/v1/setup`: the one-time code the server printed at its first
/// start, and the first admin's account; answered like a sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    pub code: String,
    pub username: String,
    pub password: String,
    pub device_id: String,
}

/// `POST /api/v1/users` (admins only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub name: String,
    pub role: Role,
    pub password: String,
}

/// `PATCH /api/v1/users/{id}` (admins only): only the fields present change.
/// Disabling an account or setting its password signs it out everywhere.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// The `Content-Type`s an attachment blob may be uploaded with: photos.
pub const BLOB_CONTENT_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp"];

/// Whether `s` names a blob: a SHA-256 as 64 lowercase hex digits, the form
/// `PUT /api/v1/blobs/{sha256}` takes.
pub fn is_blob_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The answer to `PUT /api/v1/blobs/{sha256}`: the blob is stored (201 when
/// new, 200 when it already was).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlobStored {
    /// The blob's SHA-256, 64 lowercase hex digits.
    pub sha256: String,
    /// Its length in bytes.
    pub size: u64,
}

/// `{"error": {...}}`, the shape of every error answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Stable snake_case, for programs.
    pub code: String,
    /// A sentence for a person.
    pub message: String,
    /// For 422: one entry per refused change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ChangeProblem>,
    /// For `clock_ahead`: the server's clock, so the device can correct its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time: Option<String>,
}

/// Why one change in a batch was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeProblem {
    /// Position of the change in the pushed batch.
    pub index: usize,
    pub collection: String,
    pub id: String,
    pub field: String,
    pub code: String,
    pub message: String,
    /// What the server holds for this field now, so that the tablet can put
    /// it back in place of the refused write. Servers from before this
    /// member leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerField>,
}

/// A field as the server holds it: `field` is `None` when the server has no
/// value for it (the refused write would have been its first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerField {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub field: Option<FieldState>,
}

/// How a [`Change`] looks on the wire, for the OpenAPI document only: `Change`
/// and its clock live outside this file. The server's tests check that a real
/// `Change` serialises to exactly these fields.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct WireChange {
    /// `incidents`, `sites`, … (see the schema).
    pub collection: String,
    /// The record's UUID.
    pub id: String,
    pub field: String,
    pub value: serde_json::Value,
    /// The clock stamp, `{wall_ms:015}-{counter:05}-{device_id}`.
    pub hlc: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_grouped_by_record_holds_the_same_changes() {
        let text = r#"{"server_time":"2026-11-27T06:00:00.000Z","accepted":0,"ignored":0,
            "changes":[],"cursor":"9","more":false,"records":[
            {"collection":"incidents","id":"a","fields":{
                "title":["Pump 3","001795729084123-00000-t1"],
                "impact":[2,"001795729084123-00001-t1"]}},
            {"collection":"events","id":"b","fields":{"kind":["note","001795729084124-00000-t2"]}}]}"#;
        let mut answer: SyncResponse = serde_json::from_str(text).expect("an answer");
        let pulled = answer.take_pulled();
        let seen: Vec<(String, String, String, serde_json::Value, String)> = pulled
            .into_iter()
            .map(|c| (c.collection, c.id, c.field, c.value, c.hlc.to_string()))
            .collect();
        let hlc = |s: &str| s.to_owned();
        assert_eq!(
            seen,
            vec![
                (
                    "incidents".into(),
                    "a".into(),
                    "impact".into(),
                    2.into(),
                    hlc("001795729084123-00001-t1")
                ),
                (
                    "incidents".into(),
                    "a".into(),
                    "title".into(),
                    "Pump 3".into(),
                    hlc("001795729084123-00000-t1")
                ),
                (
                    "events".into(),
                    "b".into(),
                    "kind".into(),
                    "note".into(),
                    hlc("001795729084124-00000-t2")
                ),
            ]
        );
        assert!(
            answer.records.is_empty() && answer.changes.is_empty(),
            "taken"
        );
    }

    #[test]
    fn the_pull_format_is_optional_and_named_in_lowercase() {
        let ask = |format| SyncRequest {
            device_id: "t1".into(),
            cursor: None,
            changes: Vec::new(),
            limit: None,
            format,
        };
        let plain = serde_json::to_value(ask(None)).expect("json");
        assert!(plain.get("format").is_none(), "left out unless asked for");
        let grouped = serde_json::to_value(ask(Some(PullFormat::Records))).expect("json");
        assert_eq!(grouped["format"], "records");
        assert!(
            serde_json::from_str::<SyncRequest>(
                r#"{"device_id":"t1","cursor":null,"format":"xml"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn a_blob_hash_is_64_lowercase_hex_digits() {
        assert!(is_blob_hash(&"0123456789abcdef".repeat(4)));
        assert!(!is_blob_hash(&"0123456789ABCDEF".repeat(4)));
        assert!(!is_blob_hash(&"a".repeat(63)));
        assert!(!is_blob_hash(&"a".repeat(65)));
        assert!(!is_blob_hash(&"g".repeat(64)));
        assert!(!is_blob_hash(""));
    }
}
