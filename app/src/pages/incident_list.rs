//! `/`: every incident on this tablet, searched, filtered and sorted by what
//! the URL query says, updated live by sync. Only the rows on screen (plus a
//! buffer) are drawn, so ten thousand incidents scroll smoothly.

use std::sync::Arc;

use leptos::ev;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use wasm_bindgen::JsCast;

use crate::components::list_filters::ListFilters;
use crate::components::priority_badge::PriorityBadge;
use crate::components::sla_chips::SlaChips;
use crate::components::unavailable::{Unavailable, sentences};
use crate::directory::use_directory;
use crate::now::{use_now, wall_now};
use crate::state::Ctx;
use outpost_client::list_query::{
    ListQuery, Row, rows, same_rows, select, window as visible_range,
};
use outpost_client::workflow::{events_by_incident, sla_report};

/// Height of one row in CSS pixels, as `.incident-row` sets it (with its gap).
pub const ROW_HEIGHT: f64 = 184.0;
/// Rows drawn above and below the visible ones.
pub const BUFFER: usize = 8;

#[component]
pub fn IncidentListPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // The incidents first, so the list shows as soon as they are read; the
    // events (several per incident) follow for the SLA chips and filter.
    let records = LocalResource::new(move || {
        ctx.track("incidents");
        ctx.track("sites");
        let services = ctx.services();
        async move {
            let incidents = services.store.shared("incidents").await?;
            let sites = services.store.shared("sites").await?;
            Ok::<_, Unavailable>((incidents, sites))
        }
    });
    let events = LocalResource::new(move || {
        ctx.track("events");
        let wanted = records.with(|r| matches!(r, Some(Ok(_))));
        let services = ctx.services();
        async move {
            if !wanted {
                return Ok(None);
            }
            let events = services.store.shared("events").await?;
            Ok::<_, Unavailable>(Some(events_by_incident(&events)))
        }
    });
    let data = Memo::new(move |_| {
        let (incidents, sites) = match records.get()? {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        let events = match events.get() {
            Some(Err(e)) => return Some(Err(e)),
            Some(Ok(e)) => e,
            None => None,
        };
        let site_options: Vec<(String, String)> = sites
            .iter()
            .filter(|s| !s.is_deleted())
            .filter_map(|s| Some((s.id.clone(), s.str("name")?.to_owned())))
            .collect();
        Some(Ok((rows(&incidents, &sites, events), site_options)))
    });
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        query_map.with(|m| ListQuery::from_pairs(m.latest_values().map(|(k, v)| (k.as_ref(), v))))
    });
    let navigate = use_navigate();
    let set_query = Callback::new(move |q: ListQuery| {
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate(&format!("/{}", q.to_query()), options);
    });
    let now = use_now(ctx);
    let users = use_directory();
    let people = Signal::derive(move || {
        users.with(|u| {
            u.iter()
                .map(|u| (u.id.clone(), u.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let sites = Signal::derive(move || {
        data.get()
            .and_then(Result::ok)
            .map(|d| d.1)
            .unwrap_or_default()
    });
    let me = move || {
        ctx.user
            .with(|u| u.as_ref().map(|u| u.id.clone()).unwrap_or_default())
    };
    let all = Memo::new_with_compare(
        move |_| {
            data.get()
                .and_then(Result::ok)
                .map(|d| d.0)
                .unwrap_or_default()
        },
        |a, b| !same_rows(a, b),
    );
    // The clock is read again whenever the rows change, not only on a tick.
    let shown = Memo::new_with_compare(
        move |_| {
            now.track();
            all.with(|rows| select(rows, &query.get(), &me(), wall_now(ctx)))
        },
        |a, b| !same_rows(a, b),
    );
    // The incidents are read inside the `<Transition>` (so it waits for them
    // the first time and keeps the list on screen while a sync re-reads),
    // and a storage failure of either read shows as a sentence.
    let failed = move || {
        records.with(|_| ());
        data.get().map(|r| r.map(|_| ()))
    };

    // Windowing: where the list is relative to the viewport.
    let list_ref = NodeRef::<leptos::html::Ul>::new();
    let viewport = RwSignal::new((0.0_f64, 1024.0_f64));
    let measure = move || {
        let Some(list) = list_ref.get_untracked() else {
            return;
        };
        let element: &web_sys::HtmlElement = list.unchecked_ref();
        let page = window();
        let scrolled = page.scroll_y().unwrap_or(0.0);
        let height = page
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(1024.0);
        viewport.set((scrolled - f64::from(element.offset_top()), height));
    };
    let scroll = window_event_listener(ev::scroll, move |_| measure());
    let resize = window_event_listener(ev::resize, move |_| measure());
    on_cleanup(move || {
        scroll.remove();
        resize.remove();
    });
    Effect::new(move |_| {
        shown.track();
        measure();
    });
    let range = Memo::new(move |_| {
        let (offset, height) = viewport.get();
        visible_range(offset, height, ROW_HEIGHT, shown.with(Vec::len), BUFFER)
    });
    let visible = move || {
        let r = range.get();
        shown.with(|rows| rows[r.clone()].to_vec())
    };
    let pad_top = move || format!("{}px", range.get().start as f64 * ROW_HEIGHT);
    let pad_bottom = move || {
        format!(
            "{}px",
            (shown.with(Vec::len) - range.get().end) as f64 * ROW_HEIGHT
        )
    };

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Incidents"</h1>
                <A href="/incidents/new" attr:class="button button-primary">"New incident"</A>
            </div>
            <ListFilters query=query set=set_query sites=sites people=people />
            <Transition fallback=|| view! { <p class="loading">"Reading the incidents…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <p class="form-error" role="alert">{move || sentences(&errors)}</p> }>
                    {failed}
                    <p class="list-count" role="status">
                        {move || {
                            let (n, total) = (shown.with(Vec::len), all.with(Vec::len));
                            if n == total { format!("{total} incidents") } else { format!("{n} of {total} incidents") }
                        }}
                    </p>
                    <Show when=move || data.get().is_some() && all.with(Vec::is_empty)>
                        <p class="empty">"No incidents on this tablet yet. Tap New incident to log one."</p>
                    </Show>
                    // Padding set through the CSS object model, which the CSP allows;
                    // no style attribute is written into the markup.
                    <ul class="incident-list" node_ref=list_ref style:padding-top=pad_top style:padding-bottom=pad_bottom>
                        <For each=visible key=|row| row.key() let:row>
                            <ListRow row=row now=now />
                        </For>
                    </ul>
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn ListRow(row: Arc<Row>, now: Signal<u64>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let href = format!("/incidents/{}", row.id);
    let priority = row.priority;
    let title = row.title.clone();
    let report = {
        let (record, events) = (row.record.clone(), row.events.clone());
        Signal::derive(move || {
            now.track();
            let events = events.as_ref()?;
            sla_report(&record, events, wall_now(ctx))
        })
    };
    view! {
        <li class="incident-row">
            <A href=href attr:class="incident-title">{title}</A>
            <div class="incident-meta">
                <PriorityBadge priority=Signal::derive(move || priority) />
                <span class="meta-item"><span class="meta-label">"Status "</span>{row.status.clone()}</span>
                <span class="meta-item"><span class="meta-label">"Category "</span>{row.category.clone()}</span>
                {(!row.site.is_empty()).then(|| view! {
                    <span class="meta-item"><span class="meta-label">"Site "</span>{row.site.clone()}</span>
                })}
            </div>
            <div class="row-chips">
                <SlaChips report=report />
            </div>
        </li>
    }
}
