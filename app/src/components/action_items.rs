//! The incident's remediation actions: title, owner, due date and status,
//! overdue ones marked in words as well as colour, and *Add action*.

use leptos::prelude::*;
use leptos_router::components::A;
use outpost_model::actions::{is_overdue, status_writes};
use outpost_model::schema::{self, ACTION_STATUSES, label};
use outpost_model::time::parse_rfc3339_ms;

use crate::directory::{name_of, use_directory};
use crate::now::{day, from_date_input, use_now, wall_now};
use crate::saving::Saving;
use crate::state::{Ctx, storage_problem};
use outpost_client::edits::Write;
use outpost_client::record_forms::new_action_writes;
use outpost_client::storage::{LocalStore, StoredRecord};
use outpost_client::workflow::new_id;

/// The writes of a new status for action `id` (with `done_at` as the
/// model says).
pub fn set_status_writes(ctx: Ctx, id: &str, status: &str) -> Vec<Write> {
    status_writes(status, wall_now(ctx))
        .into_iter()
        .map(|(f, v)| Write::new(&schema::ACTIONS, id, f, v))
        .collect()
}

/// One action as a list item; used here and on *My actions*.
#[component]
pub fn ActionItem(
    action: StoredRecord,
    now: Signal<u64>,
    problem: RwSignal<Option<String>>,
    /// Adds a link to the action's incident (on *My actions*).
    #[prop(optional)]
    link: bool,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let users = use_directory();
    let record = action.record();
    let overdue = Signal::derive(move || is_overdue(&record, now.get()));
    let owner = action.str("owner").map(str::to_owned);
    let owner_name = move || match &owner {
        Some(id) => users.with(|u| name_of(u, ctx.user.get().as_ref(), id)),
        None => "nobody".to_owned(),
    };
    let due = action.str("due").and_then(parse_rfc3339_ms).map(day);
    let status = action.str("status").unwrap_or("open").to_owned();
    let select_id = format!("action-status-{}", action.id);
    let saving = Saving::new(ctx, move |result| {
        problem.set(result.err().map(|e| storage_problem(&e)));
    });
    let id = action.id.clone();
    let title = action.str("title").unwrap_or("(no title)").to_owned();
    let href = format!(
        "/incidents/{}",
        action.str("incident_id").unwrap_or_default()
    );
    view! {
        <li class=move || if overdue.get() { "action-item action-overdue" } else { "action-item" }>
            <p class="action-title">
                {move || overdue.get().then(|| view! { <span class="entry-tag tag-danger">"Overdue"</span> })}
                {if link {
                    view! { <A href=href attr:class="record-link">{title}</A> }.into_any()
                } else {
                    view! { <strong>{title}</strong> }.into_any()
                }}
            </p>
            <p class="list-detail">
                "Owner: "{owner_name}
                {due.map(|d| format!(" · due {d}"))}
            </p>
            <div class="field field-inline">
                <label for=select_id.clone()>"Action status"</label>
                <select id=select_id disabled=move || saving.busy() aria-busy=move || saving.busy().to_string()
                    on:change=move |ev| { saving.save(set_status_writes(ctx, &id, &event_target_value(&ev))); }>
                    {ACTION_STATUSES.iter().map(|s| {
                        let selected = *s == status;
                        view! { <option value=*s prop:selected=selected>{label(s)}</option> }
                    }).collect_view()}
                </select>
            </div>
        </li>
    }
}

#[component]
pub fn ActionItems(
    #[prop(into)] id: Signal<String>,
    #[prop(into)] editable: Signal<bool>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let now = use_now(ctx);
    let list = LocalResource::new(move || {
        ctx.track("actions");
        let id = id.get();
        let services = ctx.services();
        async move {
            let all = services.store.records("actions").await.unwrap_or_default();
            all.into_iter()
                .filter(|a| !a.is_deleted() && a.str("incident_id") == Some(id.as_str()))
                .collect::<Vec<_>>()
        }
    });
    let title = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let saving = Saving::new(ctx, move |result| match result {
        Ok(()) => {
            title.set(String::new());
            due.set(String::new());
            problem.set(None);
        }
        Err(e) => problem.set(Some(storage_problem(&e))),
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.busy_now() {
            return;
        }
        let Some(user) = ctx.user.get_untracked() else {
            return;
        };
        if title.with_untracked(|t| t.trim().is_empty()) {
            problem.set(Some("Give the action a title.".into()));
            return;
        }
        let due_ms = from_date_input(&due.get_untracked());
        let writes = new_action_writes(
            &new_id(),
            &id.get_untracked(),
            &title.get_untracked(),
            Some(&user.id),
            due_ms,
        );
        saving.save(writes);
    };
    view! {
        <section class="section" aria-labelledby="actions-heading">
            <h2 id="actions-heading">"Actions"</h2>
            <ul class="plain-list">
                <For each=move || list.get().unwrap_or_default()
                    key=|a| (a.id.clone(), a.record().latest_hlc().map(|h| h.to_string()))
                    let:action>
                    <ActionItem action=action now=now problem=problem />
                </For>
            </ul>
            <Show when=move || editable.get()>
                <form class="inline-form" on:submit=add novalidate=true>
                    <div class="field-pair">
                        <div class="field">
                            <label for="action-title">"What needs doing"</label>
                            <input id="action-title" type="text" prop:value=move || title.get()
                                on:input=move |ev| title.set(event_target_value(&ev)) />
                        </div>
                        <div class="field">
                            <label for="action-due">"Due date"</label>
                            <input id="action-due" type="date" prop:value=move || due.get()
                                on:input=move |ev| due.set(event_target_value(&ev)) />
                        </div>
                    </div>
                    <div class="button-row">
                        <button type="submit" class="button" disabled=move || saving.busy() aria-busy=move || saving.busy().to_string()>"Add action"</button>
                    </div>
                </form>
            </Show>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
        </section>
    }
}
