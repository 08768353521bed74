//! One sync (docs/protocol.md): push the outbox, pull what changed, merge, repeat
//! until nothing is waiting on either side. Timing (when to sync, back-off)
//! lives in `scheduler`; this file only talks protocol.

use std::cell::RefCell;
use std::collections::BTreeSet;

use futures_util::future::join;
use outpost_model::Change;
use outpost_model::protocol::{MAX_PULL_LIMIT, PullFormat, SyncRequest, SyncResponse};
use outpost_model::time::parse_rfc3339_ms;

use crate::api::{ApiError, SyncTransport};
use crate::clock::{DeviceClock, measure_offset};
use crate::storage::{
    FailedChange, LocalStore, OutboxEntry, Restamp, StoreError, SyncDone, load_meta, meta,
    save_meta,
};

/// Most outbox changes pushed in one request.
pub const PUSH_BATCH: u32 = 1_000;
/// Extra room, beyond the measured lead, when pulling back changes stamped in
/// the future, so that the retried push is not refused again by a hair.
pub const SHIFT_MARGIN_MS: u64 = 1_000;
/// A sync stops after this many round trips even if someone keeps editing, so
/// that it always ends; the next one carries on at once.
pub const MAX_ROUNDS: usize = 100;

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Outbox changes the server acknowledged.
    pub sent: usize,
    /// Changes pulled from the server.
    pub pulled: usize,
    /// Local record fields that the pulled changes updated.
    pub updated: usize,
    /// Unsent changes that were pulled back because the clock ran ahead.
    pub restamped: usize,
    /// Sent changes the server refused for good (kept as failed changes).
    pub refused: usize,
    /// While more pages wait: how many changes the server said are left.
    pub remaining: Option<u64>,
    /// The sync stopped at its round limit with changes still waiting on
    /// one side: the next should start now, not at the next tick.
    pub unfinished: bool,
    /// The collections the pulled changes belong to, and those of refused
    /// changes (whose records get the server's values back), so that a
    /// screen re-reads only what a sync may have changed.
    pub collections: BTreeSet<String>,
}

/// Adds the collections of `changes` to `seen`. A record's changes come
/// together, so a name is only looked up when it differs from the last one.
fn note_collections(seen: &mut BTreeSet<String>, changes: &[Change]) {
    let mut last: Option<&str> = None;
    for change in changes {
        let name = change.collection.as_str();
        if last != Some(name) {
            if !seen.contains(name) {
                seen.insert(name.to_owned());
            }
            last = Some(name);
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Everything one sync needs; `tablet_now` reads the tablet's clock (tests
/// pass a fake one); `on_round` hears the running totals after every round
/// trip, so a long first pull can show how far it has got.
pub struct SyncContext<'a, S, T> {
    pub store: &'a S,
    pub transport: &'a T,
    pub clock: &'a RefCell<DeviceClock>,
    pub device_id: &'a str,
    pub token: &'a str,
    pub tablet_now: &'a dyn Fn() -> u64,
    pub on_round: &'a dyn Fn(&SyncReport),
}

impl<S, T> std::fmt::Debug for SyncContext<'_, S, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncContext")
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// One request's outcome: what was pushed with it, the tablet's clock when
/// it left and when its answer came back, and the answer.
struct Round {
    entries: Vec<OutboxEntry>,
    sent_at: u64,
    received_at: u64,
    answer: Result<SyncResponse, ApiError>,
}

/// Sends one request and notes when it left and when its answer came.
async fn send<S, T: SyncTransport>(
    cx: &SyncContext<'_, S, T>,
    entries: Vec<OutboxEntry>,
    cursor: Option<String>,
) -> Round {
    let request = SyncRequest {
        device_id: cx.device_id.to_owned(),
        cursor,
        changes: entries.iter().map(|e| e.change.clone()).collect(),
        // The largest pages the server gives: a first sync of a year of
        // data is a hundred pages, and each costs a round trip and an
        // IndexedDB transaction.
        limit: Some(MAX_PULL_LIMIT),
        // Grouped by record: half the text to download and to parse.
        format: Some(PullFormat::Records),
    };
    let sent_at = (cx.tablet_now)();
    let answer = cx.transport.sync(cx.token, &request).await;
    Round {
        entries,
        sent_at,
        received_at: (cx.tablet_now)(),
        answer,
    }
}

/// Runs one sync to the end, or for [`MAX_ROUNDS`] round trips (then
/// `unfinished` says so and the caller starts another straight away).
///
/// While a long pull has nothing to push, the next page is asked for while
/// this one is being stored: the round trip and the IndexedDB transaction
/// overlap instead of taking turns. Edits made meanwhile go with the first
/// request after the pull.
pub async fn sync_once<S: LocalStore, T: SyncTransport>(
    cx: &SyncContext<'_, S, T>,
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    let mut restamped_once = false;
    let mut ahead: Option<Round> = None;
    for _ in 0..MAX_ROUNDS {
        let round = match ahead.take() {
            Some(round) => round,
            None => {
                let entries = cx.store.outbox(PUSH_BATCH).await?;
                let cursor = load_meta::<String>(cx.store, meta::CURSOR).await?;
                send(cx, entries, cursor).await
            }
        };
        let mut response = match round.answer {
            Ok(response) => response,
            Err(ApiError::ClockAhead {
                server_time_ms: Some(server_ms),
                ..
            }) if !restamped_once => {
                restamped_once = true;
                let offset = measure_offset(server_ms, round.sent_at, (cx.tablet_now)());
                report.restamped += pull_back_outbox(cx, offset).await?;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let pulled = response.take_pulled();
        let server_ms = parse_rfc3339_ms(&response.server_time).ok_or_else(|| {
            ApiError::BadAnswer(format!("server_time {:?}", response.server_time))
        })?;
        let offset = measure_offset(server_ms, round.sent_at, round.received_at);
        // The snapshot is taken right before the transaction that stores it
        // starts, so a local edit cannot slip in between.
        let snapshot = {
            let mut clock = cx.clock.borrow_mut();
            clock.offset_ms = offset;
            for change in &pulled {
                clock.observe(&change.hlc, round.received_at);
            }
            clock.clock.clone()
        };
        let acknowledged: Vec<u64> = round.entries.iter().map(|e| e.seq).collect();
        let failed: Vec<FailedChange> = response
            .refused
            .iter()
            .filter_map(|p| {
                round.entries.get(p.index).map(|e| FailedChange {
                    change: e.change.clone(),
                    reason: p.message.clone(),
                    server: p.server.clone(),
                })
            })
            .collect();
        // The cursor is stored with every page, in the same transaction as
        // the page's changes: an interrupted pull resumes where it stopped.
        let pulled_count = pulled.len();
        note_collections(&mut report.collections, &pulled);
        report
            .collections
            .extend(failed.iter().map(|f| f.change.collection.clone()));
        let done = SyncDone {
            acknowledged: &acknowledged,
            pulled,
            clock: &snapshot,
            cursor: response.cursor.as_deref(),
            offset_ms: offset,
            synced_at_ms: round.received_at,
            failed: &failed,
        };
        let store = cx.store.finish_sync(done);
        report.updated += if response.more && round.entries.is_empty() {
            let next = send(cx, Vec::new(), response.cursor.clone());
            let (stored, next) = join(store, next).await;
            ahead = Some(next);
            stored?.updated
        } else {
            store.await?.updated
        };
        report.sent += acknowledged.len().saturating_sub(failed.len());
        report.refused += failed.len();
        report.pulled += pulled_count;
        report.remaining = response.remaining.filter(|_| response.more);
        report.unfinished = response.more;
        (cx.on_round)(&report);
        if ahead.is_none() && !response.more {
            if cx.store.outbox_len().await? == 0 {
                return Ok(report);
            }
            report.unfinished = true;
        }
    }
    Ok(report)
}

/// After a `clock_ahead` refusal: learns the offset, then moves every unsent
/// change back by the largest lead any of them has over corrected now (plus a
/// margin). One shift for all keeps their order. The local records' stamps
/// move with them, and the clock is rewound, all in one transaction.
async fn pull_back_outbox<S: LocalStore, T>(
    cx: &SyncContext<'_, S, T>,
    offset_ms: i64,
) -> Result<usize, SyncError> {
    let entries = cx.store.outbox(u32::MAX).await?;
    let now = crate::clock::corrected((cx.tablet_now)(), offset_ms);
    let lead = entries
        .iter()
        .map(|e| e.change.hlc.wall_ms.saturating_sub(now))
        .max()
        .unwrap_or(0);
    let shift = if lead > 0 { lead + SHIFT_MARGIN_MS } else { 0 };
    let restamps: Vec<Restamp> = entries
        .into_iter()
        .filter(|_| shift > 0)
        .map(|mut entry| {
            let old = entry.change.hlc.clone();
            entry.change.hlc = old.shifted_back(shift);
            Restamp { entry, old }
        })
        .collect();
    let snapshot = {
        let mut clock = cx.clock.borrow_mut();
        clock.offset_ms = offset_ms;
        clock.clock.rewind(shift);
        clock.clock.clone()
    };
    cx.store.rewrite_outbox(&restamps, &snapshot).await?;
    save_meta(cx.store, meta::OFFSET_MS, Some(&offset_ms)).await?;
    Ok(restamps.len())
}
