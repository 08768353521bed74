//! The bar at the top of every page: where you are, whether changes have
//! reached the server, *Sync now*, and who is signed in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use wasm_bindgen::JsValue;

use crate::scheduler;
use crate::state::{Ctx, storage_problem};

/// `HH:MM` in the tablet's local time.
pub fn hh_mm(unix_ms: u64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(unix_ms as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

#[component]
pub fn StatusBar() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let status = ctx.status;
    let online = move || {
        if status.with(|s| s.online()) {
            "Online"
        } else {
            "Offline"
        }
    };
    let waiting = move || match status.with(|s| s.waiting) {
        0 => "All changes sent".to_owned(),
        1 => "1 change waiting".to_owned(),
        n => format!("{n} changes waiting"),
    };
    let last = move || match status.with(|s| s.last_synced_ms) {
        Some(ms) => format!("Last synced {}", hh_mm(ms)),
        None => "Never synced".to_owned(),
    };
    // A long first pull says how far it is; a short sync just says it runs.
    let syncing = move || {
        status.with(|s| {
            s.syncing
                .then(|| match (s.pulled_so_far, s.pull_remaining) {
                    (Some(n), Some(left)) if n > 0 => {
                        format!(
                            "{}…",
                            outpost_client::words::download_progress(n, Some(left))
                        )
                    }
                    _ => "Syncing…".to_owned(),
                })
        })
    };
    let problem = move || status.with(|s| s.problem.clone());
    // On the sign-in page itself the form is the way back in.
    let pathname = use_location().pathname;
    let offer_sign_in = move || ctx.session_ended() && pathname.with(|p| p != "/login");
    let navigate = use_navigate();
    let sign_in_again = move |_| navigate("/login", Default::default());
    let navigate = use_navigate();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            if let Some(session) = ctx.session.get_untracked() {
                // Best effort: the token expires on its own if this fails.
                let _ = ctx.services().api.logout(&session.token).await;
            }
            match ctx.end_session(false).await {
                Ok(()) => navigate("/login", Default::default()),
                Err(e) => ctx.status.update(|s| s.problem = Some(storage_problem(&e))),
            }
        });
    };
    view! {
        <header class="top-bar">
            <nav class="top-nav" aria-label="Main">
                <span class="brand">"Outpost"</span>
                <A href="/">"Incidents"</A>
                <A href="/actions">"My actions"</A>
                <A href="/problems">"Problems"</A>
                <A href="/dashboard">"Dashboard"</A>
                <A href="/report">"Monthly report"</A>
                <A href="/regulator">"Regulator log"</A>
                <A href="/sync">"Sync"</A>
                <Show when=move || ctx.is_admin()>
                    <A href="/users">"Users"</A>
                </Show>
                <A href="/settings">"Settings"</A>
            </nav>
            <div class="sync">
                <div role="status" class="sync-status">
                    <span class=move || {
                        if status.with(|s| s.online()) { "pill pill-online" } else { "pill pill-offline" }
                    }>{online}</span>
                    <span class="sync-count">{waiting}</span>
                    {move || match status.with(|s| s.photos_waiting) {
                        0 => None,
                        n => Some(view! { <span class="sync-count">{outpost_client::photos::waiting_in_words(n)}</span> }),
                    }}
                    <span class="sync-last">{last}</span>
                    <span class="sync-busy">{syncing}</span>
                    <Show when=move || ctx.session_ended()>
                        <span class="sync-problem">"Your session ended — Sign in again to send your changes."</span>
                    </Show>
                    {move || problem().map(|p| view! { <span class="sync-problem">{p}</span> })}
                </div>
                <button type="button" class="button" on:click=move |_| scheduler::sync_now(ctx)>
                    "Sync now"
                </button>
                <Show when=offer_sign_in>
                    <button type="button" class="button button-primary" on:click=sign_in_again.clone()>
                        "Sign in again"
                    </button>
                </Show>
            </div>
            <Show when=move || ctx.user.with(Option::is_some)>
                <div class="who">
                    <span class="who-name">
                        {move || ctx.user.with(|u| u.as_ref().map(|u| u.name.clone()))}
                    </span>
                    <button type="button" class="button button-quiet" on:click=sign_out.clone()>
                        "Sign out"
                    </button>
                </div>
            </Show>
        </header>
    }
}
