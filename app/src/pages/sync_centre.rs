//! `/sync`: the sync centre. What is waiting to be sent (per record), what
//! the server refused and why, conflicts to look at, how the last sync went,
//! and when the next automatic try is.

use std::collections::BTreeMap;
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::browser::tablet_now_ms;
use crate::components::conflict_notice::conflict_sentence;
use crate::components::photo_uploads::PhotoUploads;
use crate::components::status_bar::hh_mm;
use crate::components::unavailable::{Unavailable, sentences};
use crate::scheduler;
use crate::state::Ctx;
use outpost_client::storage::{
    FailedChange, LocalStore, OutboxEntry, StoredRecord, load_meta, meta,
};
use outpost_client::words::{
    changes, download_progress, field_label, shortened, value_in_words, wait,
};

/// One record with changes waiting, as a line of the list.
#[derive(Debug, Clone, PartialEq)]
struct Waiting {
    key: String,
    title: String,
    href: Option<String>,
    fields: String,
    count: usize,
}

/// One line that links to a record: its title, its link, and a sentence.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    key: String,
    title: String,
    href: Option<String>,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Overview {
    waiting: Vec<Waiting>,
    failed: Vec<Line>,
    conflicts: Vec<Line>,
}

/// The title a person knows a record by, and where it is shown.
fn named(
    collection: &str,
    id: &str,
    incidents: &[StoredRecord],
    sites: &[StoredRecord],
) -> (String, Option<String>) {
    let find = |list: &[StoredRecord], field: &str| {
        list.iter()
            .find(|r| r.id == id)
            .and_then(|r| r.str(field))
            .map(str::to_owned)
    };
    match collection {
        "incidents" => (
            find(incidents, "title").unwrap_or_else(|| "Incident without a title".into()),
            Some(format!("/incidents/{id}")),
        ),
        "sites" => (
            format!("Site {}", find(sites, "name").unwrap_or_default()),
            None,
        ),
        other => (format!("A record in {}", other.replace('_', " ")), None),
    }
}

fn overview(
    outbox: Vec<OutboxEntry>,
    failed: Vec<FailedChange>,
    conflicts: Vec<outpost_client::storage::Conflict>,
    incidents: &[StoredRecord],
    sites: &[StoredRecord],
) -> Overview {
    let mut groups: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for e in outbox {
        groups
            .entry((e.change.collection, e.change.id))
            .or_default()
            .push(field_label(&e.change.field));
    }
    let waiting = groups
        .into_iter()
        .map(|((collection, id), mut fields)| {
            let count = fields.len();
            fields.dedup();
            fields.sort();
            fields.dedup();
            let (title, href) = named(&collection, &id, incidents, sites);
            Waiting {
                key: format!("{collection}/{id}"),
                title,
                href,
                fields: fields.join(", "),
                count,
            }
        })
        .collect();
    let failed = failed
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let c = &f.change;
            let (title, href) = named(&c.collection, &c.id, incidents, sites);
            let value = shortened(&value_in_words(&c.field, &c.value, sites), 80);
            Line {
                key: format!("{i}/{}", c.hlc),
                title,
                href,
                text: format!(
                    "{}: \u{201c}{value}\u{201d} was not accepted: {}",
                    field_label(&c.field),
                    outpost_client::words::sentence(&f.reason)
                ),
            }
        })
        .collect();
    let conflicts = conflicts
        .into_iter()
        .map(|c| {
            let (title, href) = named(&c.collection, &c.id, incidents, sites);
            Line {
                key: c.key(),
                title,
                href,
                text: conflict_sentence(&c, sites),
            }
        })
        .collect();
    Overview {
        waiting,
        failed,
        conflicts,
    }
}

fn title_link(title: String, href: Option<String>) -> impl IntoView {
    match href {
        Some(href) => view! { <A href=href attr:class="record-link">{title}</A> }.into_any(),
        None => view! { <strong>{title}</strong> }.into_any(),
    }
}

#[component]
pub fn SyncCentrePage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let status = ctx.status;
    let data = LocalResource::new(move || {
        ctx.track("outbox");
        ctx.track("conflicts");
        ctx.track("incidents");
        ctx.track("sites");
        status.with(|s| (s.waiting, s.syncing));
        let services = ctx.services();
        async move {
            let store = &services.store;
            let outbox = store.outbox(u32::MAX).await?;
            let failed = load_meta::<Vec<FailedChange>>(store, meta::FAILED).await?;
            let conflicts = store.conflicts().await?;
            let incidents = store.records("incidents").await?;
            let sites = store.records("sites").await?;
            Ok::<_, Unavailable>(overview(
                outbox,
                failed.unwrap_or_default(),
                conflicts,
                &incidents,
                &sites,
            ))
        }
    });
    let now = RwSignal::new(tablet_now_ms());
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(tablet_now_ms()), Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }
    // Read inside the `<Transition>`: the keyed lists stay on screen while a
    // sync's progress re-reads them; a storage failure shows as a sentence.
    let shown = move || data.get().and_then(Result::ok).unwrap_or_default();
    let failed = move || data.get().map(|r| r.map(|_| ()));

    let state = move || {
        status.with(|s| {
            if s.syncing {
                match s.pulled_so_far {
                    Some(n) if n > 0 => {
                        format!("Syncing… {}.", download_progress(n, s.pull_remaining))
                    }
                    _ => "Syncing…".to_owned(),
                }
            } else if !s.online() {
                "Offline: changes are kept on this tablet and sent when the network is back."
                    .to_owned()
            } else {
                "Online.".to_owned()
            }
        })
    };
    let last = move || {
        status.with(|s| match (s.last_synced_ms, &s.last_report) {
            (Some(at), Some(r)) if r.sent == 0 && r.pulled == 0 => {
                format!("Last synced at {}: nothing new either way.", hh_mm(at))
            }
            (Some(at), Some(r)) => format!(
                "Last synced at {}: sent {}, received {}.",
                hh_mm(at),
                changes(r.sent),
                changes(r.pulled)
            ),
            (Some(at), None) => format!("Last synced at {}.", hh_mm(at)),
            _ => "Not synced yet on this tablet.".to_owned(),
        })
    };
    let next = move || {
        status
            .with(|s| s.next_try_ms)
            .map(|at| format!("Next try in {}.", wait(at.saturating_sub(now.get()))))
    };
    let waiting_total = move || status.with(|s| s.waiting as usize);

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Sync"</h1>
                <button type="button" class="button button-primary" on:click=move |_| scheduler::sync_now(ctx)>
                    "Sync now"
                </button>
            </div>
            <div class="sync-summary">
                <p>{state}</p>
                <p>{last}</p>
                {move || status.with(|s| s.problem.clone()).map(|p| view! { <p class="form-error">{p}</p> })}
                {move || next().map(|n| view! { <p>{n}</p> })}
            </div>
            <Transition fallback=|| view! { <p class="loading">"Reading what is waiting…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <p class="form-error" role="alert">{move || sentences(&errors)}</p> }>
                    {failed}
                    <h2>"Waiting to be sent"</h2>
                    <Show
                        when=move || !shown().waiting.is_empty()
                        fallback=|| view! { <p class="empty">"Nothing is waiting: every change made here has reached the server."</p> }
                    >
                        <p>{move || format!("{} waiting, for these records:", changes(waiting_total()))}</p>
                        <ul class="plain-list">
                            <For each=move || shown().waiting key=|w| (w.key.clone(), w.count) let:w>
                                <li>
                                    {title_link(w.title, w.href)}
                                    <span class="list-detail">
                                        {format!("{}: {}", changes(w.count), w.fields)}
                                    </span>
                                </li>
                            </For>
                        </ul>
                    </Show>

                    <PhotoUploads />

                    <h2>"Conflicts"</h2>
                    <Show
                        when=move || !shown().conflicts.is_empty()
                        fallback=|| view! { <p class="empty">"No open conflicts."</p> }
                    >
                        <ul class="plain-list">
                            <For each=move || shown().conflicts key=|c| (c.key.clone(), c.text.clone()) let:c>
                                <li>{title_link(c.title, c.href)}<span class="list-detail">{c.text}</span></li>
                            </For>
                        </ul>
                    </Show>

                    <h2>"Refused by the server"</h2>
                    <Show
                        when=move || !shown().failed.is_empty()
                        fallback=|| view! { <p class="empty">"Nothing was refused."</p> }
                    >
                        <p>
                            {move || format!(
                                "{} could not be stored on the server and will not be sent again. They are still on this tablet; ask a manager, or download them from Settings.",
                                changes(shown().failed.len())
                            )}
                        </p>
                        <ul class="plain-list">
                            <For each=move || shown().failed key=|f| f.key.clone() let:f>
                                <li>{title_link(f.title, f.href)}<span class="list-detail">{f.text}</span></li>
                            </For>
                        </ul>
                    </Show>
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
