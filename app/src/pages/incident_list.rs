//! `/`: every incident on this tablet, newest first, updated live by sync.

use leptos::prelude::*;
use leptos_router::components::A;
use outpost_model::Priority;
use outpost_model::schema::label;

use crate::components::priority_badge::PriorityBadge;
use crate::edits::site_name;
use crate::state::{Ctx, storage_problem};
use crate::storage::{LocalStore, StoredRecord};

/// One row of the list, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: String,
    /// Changes whenever any field does, so the keyed list redraws the row.
    pub version: String,
    pub title: String,
    pub priority: Option<Priority>,
    pub status: String,
    pub category: String,
    pub site: String,
}

/// The visible incidents, newest first (ids are UUIDv7, so by id descending).
pub fn rows(incidents: &[StoredRecord], sites: &[StoredRecord]) -> Vec<Row> {
    let mut rows: Vec<Row> = incidents
        .iter()
        .filter(|r| !r.is_deleted())
        .map(|r| Row {
            id: r.id.clone(),
            version: r
                .record()
                .latest_hlc()
                .map(ToString::to_string)
                .unwrap_or_default(),
            title: r
                .str("title")
                .filter(|t| !t.is_empty())
                .unwrap_or("(no title)")
                .to_owned(),
            priority: r
                .int("impact")
                .zip(r.int("urgency"))
                .and_then(|(i, u)| Priority::from_impact_urgency(i, u)),
            status: r
                .str("status")
                .map(|s| label(s).to_owned())
                .unwrap_or_default(),
            category: r
                .str("category")
                .map(|s| label(s).to_owned())
                .unwrap_or_default(),
            site: r
                .str("site")
                .map(|id| site_name(sites, id))
                .unwrap_or_default(),
        })
        .collect();
    rows.sort_by(|a, b| b.id.cmp(&a.id));
    rows
}

#[component]
pub fn IncidentListPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let data = LocalResource::new(move || {
        ctx.revision.track();
        let services = ctx.services();
        async move {
            let incidents = services.store.records("incidents").await?;
            let sites = services.store.records("sites").await?;
            Ok::<_, crate::storage::StoreError>(rows(&incidents, &sites))
        }
    });
    let list = move || data.get().and_then(Result::ok).unwrap_or_default();
    let problem = move || match data.get() {
        Some(Err(e)) => Some(storage_problem(&e)),
        _ => None,
    };
    let loaded = move || data.get().is_some();

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Incidents"</h1>
                <A href="/incidents/new" attr:class="button button-primary">"New incident"</A>
            </div>
            {move || problem().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            <Show when=move || loaded() && list().is_empty() && problem().is_none()>
                <p class="empty">"No incidents on this tablet yet. Tap New incident to log one."</p>
            </Show>
            <ul class="incident-list">
                <For
                    each=list
                    key=|row| (row.id.clone(), row.version.clone())
                    children=move |row| {
                        let href = format!("/incidents/{}", row.id);
                        let priority = row.priority;
                        view! {
                            <li class="incident-row">
                                <A href=href attr:class="incident-title">{row.title}</A>
                                <div class="incident-meta">
                                    <PriorityBadge priority=Signal::derive(move || priority) />
                                    <span class="meta-item">
                                        <span class="meta-label">"Status "</span>{row.status}
                                    </span>
                                    <span class="meta-item">
                                        <span class="meta-label">"Category "</span>{row.category}
                                    </span>
                                    <span class="meta-item">
                                        <span class="meta-label">"Site "</span>{row.site}
                                    </span>
                                </div>
                            </li>
                        }
                    }
                />
            </ul>
        </section>
    }
}
