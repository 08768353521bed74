//! `POST /api/v1/sync`: push a batch of changes, then pull what changed after
//! the device's cursor (docs/protocol.md).
//!
//! An *invalid* change (unreadable, against the schema, stamped by another
//! device) refuses the whole batch with 422, so a device can keep its outbox
//! as it is and show why. A valid change the user may not make (see `outpost_model::roles`)
//! is refused alone and named in `refused`; the rest of the batch is stored.

use axum::{extract::State, response::Response};
use outpost_model::{
    Change, MAX_CLOCK_AHEAD_MS,
    protocol::{ChangeProblem, DEFAULT_PULL_LIMIT, ServerField},
    roles,
    time::format_rfc3339_ms,
};

use super::{
    sync_answer::Answer,
    sync_wire::{self, bad_cursor, check_changes},
};
use crate::{
    AppState,
    auth::Auth,
    clock::now_ms,
    error::AppError,
    json::ApiJsonBytes,
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
        (status = 200, description = "Stored (except `refused`) and pulled", body = outpost_model::protocol::SyncResponse),
        (status = 400, description = "`malformed`, `bad_cursor`, `bad_limit`, `bad_format`", body = outpost_model::protocol::ErrorResponse),
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
    ApiJsonBytes(body): ApiJsonBytes,
) -> Result<Response, AppError> {
    let req = sync_wire::read_request(&body)?;
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
    let changes = check_changes(&req.changes, &req.device_id)?;

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
            // Each refusal carries the field as the server holds it, so the
            // tablet can put that back instead of keeping a write nobody
            // else will ever see. Refusals are rare; one read each is cheap.
            // Every signed-in user may read every record today; once reads
            // are scoped, a field of a record this user may not see must
            // not be sent here.
            let mut refused = Vec::with_capacity(outcome.refused.len());
            for (index, why) in &outcome.refused {
                let Some(c) = changes.get(*index) else {
                    continue;
                };
                let field = store.current_field(&c.collection, &c.id, &c.field)?;
                refused.push(ChangeProblem {
                    index: *index,
                    collection: c.collection.clone(),
                    id: c.id.clone(),
                    field: c.field.clone(),
                    code: roles::FORBIDDEN.to_owned(),
                    message: why.clone(),
                    server: Some(ServerField { field }),
                });
            }
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
    Answer {
        server_time: format_rfc3339_ms(now_ms()),
        accepted: outcome.accepted,
        ignored: outcome.ignored,
        format: req.format,
        changes: &pulled,
        cursor,
        more,
        refused,
        remaining,
    }
    .into_response()
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
