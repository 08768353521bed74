//! When to sync: on start, when the browser comes online, every 30 s while
//! online, about a second after a local edit, and on *Sync now*; one sync at a
//! time, with exponential back-off (with jitter, capped at 5 minutes) after
//! failures.

use std::time::Duration;

use gloo_timers::callback::{Interval, Timeout};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::tablet_now_ms;
use crate::browser::tabs;
use crate::state::{Ctx, Runner, navigator_online, storage_problem};
use outpost_client::api::ApiError;
use outpost_client::photos::UploadReport;
use outpost_client::schedule::{EDIT_DEBOUNCE, INTERVAL, backoff_ms, refusals_in_words};
use outpost_client::sync::{SyncContext, SyncError, SyncReport, sync_once};
use outpost_client::words::sentence;

/// Starts the automatic syncs, and listens for other tabs' changes; call once.
pub fn start(ctx: Ctx) {
    tabs::listen(move || {
        // Their writes did not pass through this tab's cache.
        ctx.services().store.forget();
        ctx.everything_changed();
        leptos::task::spawn_local(async move { ctx.refresh_waiting().await });
    });
    let online = window_event_listener(leptos::ev::online, move |_| {
        ctx.status.update(|s| {
            s.browser_online = true;
            s.server_reachable = true;
        });
        sync_now(ctx);
    });
    let offline = window_event_listener(leptos::ev::offline, move |_| {
        ctx.status.update(|s| s.browser_online = false);
    });
    // The listeners stay for the life of the page.
    std::mem::forget((online, offline));
    // A local save: sync soon. A new session (sign-in): sync now.
    Effect::watch(
        move || ctx.outbox_changed.track(),
        move |_, _, _| after_edit(ctx),
        false,
    );
    Effect::watch(
        move || ctx.session.with(|s| s.as_ref().map(|s| s.token.clone())),
        move |token, _, _| {
            if token.is_some() {
                sync_now(ctx);
            }
        },
        false,
    );
    // The steady tick runs for the life of the page.
    Interval::new(millis(INTERVAL), move || {
        let runner = &ctx.services().runner;
        let in_backoff = runner.failures.get() > 0;
        if navigator_online() && !in_backoff {
            run(ctx);
        }
    })
    .forget();
    run(ctx);
}

/// *Sync now*: forgets the back-off and syncs straight away.
pub fn sync_now(ctx: Ctx) {
    let services = ctx.services();
    services.runner.failures.set(0);
    cancel_timer(&services.runner);
    ctx.status.update(|s| s.next_try_ms = None);
    run(ctx);
}

/// A local edit was saved: sync soon, letting quick successive edits gather.
pub fn after_edit(ctx: Ctx) {
    let services = ctx.services();
    if services.runner.failures.get() == 0 {
        schedule(ctx, EDIT_DEBOUNCE);
    }
}

/// Dropping a pending timeout cancels it.
fn cancel_timer(runner: &Runner) {
    runner.timer.borrow_mut().take();
}

fn schedule(ctx: Ctx, delay: Duration) {
    let timeout = Timeout::new(millis(delay), move || run(ctx));
    *ctx.services().runner.timer.borrow_mut() = Some(timeout);
}

/// A delay as the browser's timers take it, in whole milliseconds.
fn millis(delay: Duration) -> u32 {
    u32::try_from(delay.as_millis()).unwrap_or(u32::MAX)
}

/// Runs a sync unless one is running; then that one goes round once more.
fn run(ctx: Ctx) {
    let services = ctx.services();
    if services.runner.running.replace(true) {
        services.runner.again.set(true);
        return;
    }
    spawn_local(async move {
        let synced = tabs::with_sync_lock(async move {
            loop {
                one_sync(ctx).await;
                if !ctx.services().runner.again.replace(false) {
                    break;
                }
            }
        })
        .await;
        if !synced {
            // Another tab holds the lock and syncs the shared store; it
            // announces what changed. Only the count here needs refreshing.
            ctx.services().runner.again.set(false);
            ctx.refresh_waiting().await;
        }
        ctx.services().runner.running.set(false);
    });
}

/// What a sync may have changed on the tablet: the collections it pulled
/// into, the outbox when changes left it or moved, conflicts when pulled
/// changes replaced local values, the upload queue when photos went.
fn changed_by<'a>(report: &'a SyncReport, uploaded: &UploadReport) -> Vec<&'a str> {
    let mut changed: Vec<&str> = report.collections.iter().map(String::as_str).collect();
    if report.sent > 0 || report.refused > 0 || report.restamped > 0 {
        changed.push("outbox");
    }
    if report.updated > 0 {
        changed.push("conflicts");
    }
    if uploaded.sent > 0 || uploaded.refused > 0 {
        changed.push("uploads");
    }
    changed
}

async fn one_sync(ctx: Ctx) {
    let Some(session) = ctx.session.get_untracked() else {
        ctx.refresh_waiting().await;
        return;
    };
    let services = ctx.services();
    ctx.status.update(|s| s.syncing = true);
    let result = sync_once(&SyncContext {
        store: &services.store,
        transport: &services.api,
        clock: &services.clock,
        device_id: &services.device_id,
        token: &session.token,
        tablet_now: &tablet_now_ms,
        on_round: &|so_far: &SyncReport| {
            ctx.status.update(|s| {
                s.pulled_so_far = Some(so_far.pulled);
                s.pull_remaining = so_far.remaining;
            });
        },
    })
    .await;
    // Photo bytes follow the records that name them, in the same back-off.
    let result = match result {
        Ok(report) => {
            outpost_client::photos::upload_pending(&services.store, &services.api, &session.token)
                .await
                .map(|uploaded| (report, uploaded))
                .map_err(SyncError::from)
        }
        Err(e) => Err(e),
    };
    ctx.status.update(|s| {
        s.syncing = false;
        s.pulled_so_far = None;
        s.pull_remaining = None;
    });
    let runner = &services.runner;
    match result {
        Ok((report, uploaded)) => {
            runner.failures.set(0);
            // Stopped at the round limit (a first pull of a large site):
            // carry on now rather than at the next tick.
            if report.unfinished {
                runner.again.set(true);
            }
            ctx.status.update(|s| {
                s.server_reachable = true;
                s.browser_online = true;
                s.problem = refusals_in_words(report.refused, uploaded.refused);
                s.last_synced_ms = Some(tablet_now_ms());
                s.next_try_ms = None;
                s.last_report = Some(report.clone());
            });
            let changed = changed_by(&report, &uploaded);
            // A quiet sync (nothing pulled, sent or uploaded) redraws nothing
            // and does not make the other tabs drop their caches.
            if !changed.is_empty() {
                ctx.changed_here(changed);
            }
        }
        Err(SyncError::Api(ApiError::Unauthorized(_))) => {
            // Keep the outbox and the person; only the token is gone.
            if let Err(e) = ctx.end_session(true).await {
                ctx.status.update(|s| s.problem = Some(storage_problem(&e)));
            }
            ctx.status.update(|s| s.server_reachable = true);
        }
        Err(e) => {
            let failures = runner.failures.get() + 1;
            runner.failures.set(failures);
            ctx.status.update(|s| match &e {
                // No network: the status says Offline; nothing else to say.
                SyncError::Api(ApiError::Offline) => s.server_reachable = false,
                SyncError::Api(api) => {
                    s.server_reachable = true;
                    s.problem = Some(format!(
                        "Saved on this tablet. Not sent yet: {}",
                        sentence(&api.to_string())
                    ));
                }
                SyncError::Store(store) => s.problem = Some(storage_problem(store)),
            });
            let delay = backoff_ms(failures, js_sys::Math::random());
            ctx.status
                .update(|s| s.next_try_ms = Some(tablet_now_ms() + delay));
            schedule(ctx, Duration::from_millis(delay));
        }
    }
    ctx.refresh_waiting().await;
}
