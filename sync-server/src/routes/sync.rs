//! `POST /api/v1/sync`: push a batch of changes, then pull what changed after
//! the device's cursor (DESIGN §5).
//!
//! An *invalid* change (unreadable, against the schema, stamped by another
//! device) refuses the whole batch with 422, so a device can keep its outbox
//! as it is and show why. A valid change the user may not make (see `roles`)
//! is refused alone and named in `refused`; the rest of the batch is stored.

use axum::{Json, extract::State};
use outpost_model::{
    Change, MAX_CLOCK_AHEAD_MS,
    protocol::{
        ChangeProblem, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_PUSH_CHANGES, SyncRequest,
        SyncResponse,
    },
    schema,
    time::format_rfc3339_ms,
};
use serde_json::Value;

use crate::{
    AppState,
    auth::Auth,
    clock::now_ms,
    error::AppError,
    json::ApiJson,
    roles,
    store::{Lookup, Origin, PushOutcome, RecordFacts},
};

/// Pushes changes, then pulls what changed after the cursor.
#[utoipa::path(
    post,
    path = "/api/v1/sync",
    tag = "sync",
    security(("bearer" = [])),
    request_body = outpost_model::protocol::SyncRequest,
    responses(
        (status = 200, description = "Stored (except `refused`) and pulled", body = SyncResponse),
        (status = 400, description = "`malformed`, `bad_cursor`, `bad_limit`", body = outpost_model::protocol::ErrorResponse),
        (status = 401, description = "`unauthorized`", body = outpost_model::protocol::ErrorResponse),
        (status = 403, description = "`wrong_device`", body = outpost_model::protocol::ErrorResponse),
        (status = 409, description = "`clock_ahead`, with `server_time`", body = outpost_model::protocol::ErrorResponse),
        (status = 413, description = "`too_large`, `too_many_changes`", body = outpost_model::protocol::ErrorResponse),
        (status = 415, description = "`unsupported_media_type`", body = outpost_model::protocol::ErrorResponse),
        (status = 422, description = "`invalid_changes`, with `details`", body = outpost_model::protocol::ErrorResponse),
    )
)]
pub async fn sync(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<SyncResponse>, AppError> {
    let (req, raw_changes) = split_request(body)?;
    if req.device_id != auth.device_id {
        return Err(AppError::Forbidden {
            code: "wrong_device",
            message: "this session was signed in on another device; sign in again on this one"
                .to_owned(),
        });
    }
    state.metrics().device_seen(&auth.device_id, now_ms());
    let after = parse_cursor(req.cursor.as_deref())?;
    let limit = req.limit.unwrap_or(DEFAULT_PULL_LIMIT);
    let changes = check_changes(&raw_changes, &req.device_id)?;

    let now = now_ms();
    if let Some(latest) = changes.iter().map(|c| c.hlc.wall_ms).max()
        && latest > now.saturating_add(MAX_CLOCK_AHEAD_MS)
    {
        return Err(AppError::ClockAhead {
            ahead_ms: latest - now,
            server_time: format_rfc3339_ms(now),
        });
    }

    let user = auth.user.clone();
    let origin = Origin {
        user_id: auth.user.id,
        device_id: req.device_id,
        received_at: format_rfc3339_ms(now),
    };
    // Push and pull in one trip to the blocking pool. The push commits before
    // the pull reads, so the answer includes this device's own winners.
    let (outcome, refused, mut pulled, remaining) = state
        .run(move |store| {
            let permit = move |change: &Change, facts: &RecordFacts, lookup: &Lookup| {
                roles::may_write(&user, change, facts, lookup)
            };
            let outcome = if changes.is_empty() {
                PushOutcome::default()
            } else {
                store.push(&changes, &origin, &permit)?
            };
            let refused = outcome
                .refused
                .iter()
                .filter_map(|(index, why)| {
                    let c = changes.get(*index)?;
                    Some(ChangeProblem {
                        index: *index,
                        collection: c.collection.clone(),
                        id: c.id.clone(),
                        field: c.field.clone(),
                        code: roles::FORBIDDEN.to_owned(),
                        message: why.clone(),
                    })
                })
                .collect::<Vec<_>>();
            // One extra row tells whether there is more to pull; only then
            // is it worth counting what is left.
            let pulled = store.pull(after.unwrap_or(0), limit + 1)?;
            let remaining = match pulled.get(limit as usize - 1) {
                Some(last) if pulled.len() > limit as usize => Some(store.count_after(last.seq)?),
                _ => None,
            };
            Ok((outcome, refused, pulled, remaining))
        })
        .await?;
    state
        .metrics()
        .changes(outcome.accepted, outcome.ignored, refused.len() as u64);
    let more = pulled.len() > limit as usize;
    pulled.truncate(limit as usize);
    let cursor = pulled
        .last()
        .map(|p| p.seq)
        .or(after)
        .map(|seq| seq.to_string());
    tracing::debug!(
        accepted = outcome.accepted,
        ignored = outcome.ignored,
        refused = refused.len(),
        pulled = pulled.len(),
        more,
        "synced"
    );
    Ok(Json(SyncResponse {
        server_time: format_rfc3339_ms(now_ms()),
        accepted: outcome.accepted,
        ignored: outcome.ignored,
        changes: pulled.into_iter().map(|p| p.change).collect(),
        cursor,
        more,
        refused,
        remaining,
    }))
}

/// Reads the envelope with the shared [`SyncRequest`] type but keeps the
/// changes as raw JSON, so one unreadable change is reported by its index in
/// `details` instead of failing the whole body with a bare parse error.
fn split_request(body: Value) -> Result<(SyncRequest, Vec<Value>), AppError> {
    let Value::Object(mut fields) = body else {
        return Err(AppError::bad_request(
            "malformed",
            "the request body must be a JSON object",
        ));
    };
    let raw_changes = match fields.remove("changes") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err(AppError::bad_request(
                "malformed",
                "changes must be a list of changes",
            ));
        }
    };
    if raw_changes.len() > MAX_PUSH_CHANGES {
        return Err(AppError::TooLarge {
            code: "too_many_changes",
            message: format!(
                "a sync may push at most {MAX_PUSH_CHANGES} changes and this one has {}; send them in smaller batches",
                raw_changes.len()
            ),
        });
    }
    if !matches!(
        fields.get("cursor"),
        None | Some(Value::Null | Value::String(_))
    ) {
        return Err(bad_cursor());
    }
    let limit = fields.get("limit").unwrap_or(&Value::Null);
    let limit_ok = match limit {
        Value::Null => true,
        Value::Number(n) => n
            .as_u64()
            .is_some_and(|n| (1..=u64::from(MAX_PULL_LIMIT)).contains(&n)),
        _ => false,
    };
    if !limit_ok {
        return Err(AppError::bad_request(
            "bad_limit",
            format!(
                "limit must be a whole number from 1 to {MAX_PULL_LIMIT}, or left out for {DEFAULT_PULL_LIMIT}"
            ),
        ));
    }
    let req: SyncRequest = serde_json::from_value(Value::Object(fields)).map_err(|e| {
        AppError::bad_request(
            "malformed",
            format!("the sync request is JSON but not a sync request: {e}"),
        )
    })?;
    Ok((req, raw_changes))
}

fn bad_cursor() -> AppError {
    AppError::bad_request(
        "bad_cursor",
        "cursor must be null or the cursor string the server returned last time",
    )
}

/// The log position after which to pull; `None` means from the start.
fn parse_cursor(cursor: Option<&str>) -> Result<Option<u64>, AppError> {
    cursor
        .map(|c| {
            if c.is_empty() || !c.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad_cursor());
            }
            c.parse().map_err(|_| bad_cursor())
        })
        .transpose()
}

/// Reads and checks every change; refuses the batch naming each bad one.
fn check_changes(raw: &[Value], device_id: &str) -> Result<Vec<Change>, AppError> {
    let mut changes = Vec::with_capacity(raw.len());
    let mut problems = Vec::new();
    for (index, value) in raw.iter().enumerate() {
        let problem = |code: &str, message: String| {
            let text = |key: &str| {
                let s = value.get(key).and_then(Value::as_str).unwrap_or("");
                s.chars().take(100).collect::<String>()
            };
            ChangeProblem {
                index,
                collection: text("collection"),
                id: text("id"),
                field: text("field"),
                code: code.to_owned(),
                message,
            }
        };
        let change: Change = match serde_json::from_value(value.clone()) {
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
