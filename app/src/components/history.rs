//! The incident's *History*: every change the server ever received for it,
//! the ones that lost too, with who sent it, from which device, when, and
//! which value is current. It lives on the server, so it needs the network.

use leptos::prelude::*;
use outpost_model::Hlc;
use outpost_model::protocol::{HistoryEntry, User};
use outpost_model::time::parse_rfc3339_ms;
use wasm_bindgen::JsValue;

use crate::components::unavailable::{Unavailable, sentences};
use crate::state::{Ctx, Services};
use outpost_client::api::ApiError;
use outpost_client::storage::{LocalStore, StoredRecord, load_meta};
use outpost_client::words::sentence;
use outpost_client::words::{field_label, shortened, value_in_words};

/// The `meta` key of the cached user directory (`GET /api/v1/users`).
const USERS_KEY: &str = "users";

/// One row as shown.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    field: String,
    value: String,
    who: String,
    device: String,
    when: String,
    current: bool,
}

/// `2026-11-26 10:32` in the tablet's local time.
pub fn date_time(unix_ms: u64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(unix_ms as f64));
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

fn name(users: &[User], id: &str) -> String {
    users
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| "someone not in the directory".to_owned())
}

fn rows(entries: Vec<HistoryEntry>, users: &[User], me: &str, sites: &[StoredRecord]) -> Vec<Row> {
    let mut rows: Vec<Row> = entries
        .into_iter()
        .map(|e| Row {
            field: field_label(&e.field),
            value: match (e.field.as_str(), e.value.as_str()) {
                // People are stored by user id; show their name.
                ("reported_by" | "assignee" | "owner" | "author", Some(id)) => name(users, id),
                _ => shortened(&value_in_words(&e.field, &e.value, sites), 120),
            },
            who: name(users, &e.user),
            device: if e.device == me {
                "this tablet".to_owned()
            } else {
                format!("tablet {}", e.device.chars().take(8).collect::<String>())
            },
            when: parse_rfc3339_ms(&e.received_at)
                .map(date_time)
                .unwrap_or(e.received_at),
            current: e.current,
        })
        .collect();
    // Newest first: what happened last is what a person looks for.
    rows.reverse();
    rows
}

/// The newest stamp among the stored fields of incident `id`: it moves
/// exactly when this record changes on the tablet (a local save or a pull).
fn record_version(ctx: Ctx, id: Signal<String>) -> Memo<Option<Hlc>> {
    let record = LocalResource::new(move || {
        ctx.track("incidents");
        let id = id.get();
        let services = ctx.services();
        async move { services.store.record("incidents", &id).await.ok().flatten() }
    });
    Memo::new(move |_| {
        record.with(|r| {
            r.as_ref()
                .and_then(Option::as_ref)
                .and_then(|r| r.fields.values().map(|f| f.hlc.clone()).max())
        })
    })
}

/// The history of incident `id` from the server, in rows; needs a token.
async fn load(services: &Services, id: &str, token: Option<String>) -> Result<Vec<Row>, String> {
    let Some(token) = token else {
        return Err("History needs the network: it is kept on the server. It shows here when this tablet is online and signed in.".to_owned());
    };
    let history = services
        .api
        .history(&token, "incidents", id)
        .await
        .map_err(|e| match e {
            ApiError::Offline => {
                "History needs the network, and the server could not be reached.".to_owned()
            }
            other => format!(
                "Could not load the history: {}",
                sentence(&other.to_string())
            ),
        })?;
    let users = match services.api.users(&token).await {
        Ok(r) => r.users,
        Err(_) => load_meta::<Vec<User>>(&services.store, USERS_KEY)
            .await
            .ok()
            .flatten()
            .unwrap_or_default(),
    };
    let sites = services.store.records("sites").await.unwrap_or_default();
    Ok(rows(history.changes, &users, &services.device_id, &sites))
}

#[component]
pub fn History(#[prop(into)] id: Signal<String>) -> impl IntoView {
    // Fetched only when asked for: on a slow link the incident page should
    // not pull every change ever made on each save.
    let shown = RwSignal::new(false);
    view! {
        <section class="history" aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            <p class="list-detail">"Every change the server received for this incident, including replaced values."</p>
            <div class="button-row">
                <button type="button" class="button" aria-controls="history-body"
                    aria-expanded=move || shown.get().to_string()
                    on:click=move |_| shown.update(|s| *s = !*s)>
                    {move || if shown.get() { "Hide history" } else { "Show history" }}
                </button>
            </div>
            <div id="history-body">
                <Show when=move || shown.get()>
                    <HistoryTable id=id />
                </Show>
            </div>
        </section>
    }
}

/// The shown history: fetched when opened, and again only when this
/// incident changes here, or the network or the session comes or goes.
#[component]
fn HistoryTable(id: Signal<String>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Memos, so that a sync's progress updates to the status do not refetch.
    let online = Memo::new(move |_| ctx.status.with(|s| s.online()));
    let token = Memo::new(move |_| ctx.session.with(|s| s.as_ref().map(|s| s.token.clone())));
    let version = record_version(ctx, id);
    let data = LocalResource::new(move || {
        let (id, token, online, _) = (id.get(), token.get(), online.get(), version.get());
        let services = ctx.services();
        async move {
            load(&services, &id, token.filter(|_| online))
                .await
                .map_err(Unavailable)
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the history…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <p class="empty">{move || sentences(&errors)}</p> }>
                {move || Suspend::new(async move { data.await.map(table) })}
            </ErrorBoundary>
        </Transition>
    }
}

/// The rows as a table, or a sentence when the server has none.
fn table(list: Vec<Row>) -> AnyView {
    if list.is_empty() {
        return view! { <p class="empty">"The server has no changes for this incident yet."</p> }
            .into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="history-table">
                <thead>
                    <tr>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Value"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"Device"</th>
                        <th scope="col">"When"</th>
                        <th scope="col">"Current"</th>
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|r| view! {
                        <tr class:replaced=!r.current>
                            <td>{r.field}</td>
                            <td>{r.value}</td>
                            <td>{r.who}</td>
                            <td>{r.device}</td>
                            <td>{r.when}</td>
                            <td>{if r.current { "Current" } else { "Replaced" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
