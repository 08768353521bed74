//! The incident's status and the lifecycle buttons the model offers from it
//! (*Acknowledge*, *Start work*, *Put on hold*, *Resolve*, *Close*, *Reopen*,
//! *Cancel incident*). A reason or resolution is asked for in a small form
//! when the action needs or offers one (*Reopen* and *Close* take an optional
//! reason, asked only once the model allows the action); a refusal is shown
//! in words.

use leptos::prelude::*;
use outpost_model::lifecycle::{self, available_actions};

use crate::incident_data::IncidentData;
use crate::now::wall_now;
use crate::saving::Saving;
use crate::state::{Ctx, storage_problem};
use outpost_client::edits::Write;
use outpost_client::workflow::{
    Typed, allowed_as_is, can_edit, new_id, status_of, transition_writes,
};

/// "Cannot close: a P2 incident cannot …." — the model's words as a sentence.
pub fn refusal_sentence(action: lifecycle::Action, why: &str) -> String {
    format!(
        "Cannot {}: {why}.",
        action.label().to_lowercase().trim_end_matches(" incident")
    )
}

/// Plans `action`: its status writes and its event, saved together.
fn take(
    ctx: Ctx,
    data: &IncidentData,
    action: lifecycle::Action,
    typed: &Typed,
) -> Result<Vec<Write>, String> {
    let user = ctx.user.get_untracked().ok_or("Sign in first.")?;
    transition_writes(
        &data.incident,
        action,
        typed,
        &user.id,
        wall_now(ctx),
        &new_id(),
    )
    .map_err(|e| refusal_sentence(action, &e.to_string()))
}

#[component]
pub fn Lifecycle(#[prop(into)] data: Signal<Option<IncidentData>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let asking = RwSignal::new(None::<lifecycle::Action>);
    let text = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let status = move || data.with(|d| d.as_ref().map(|d| status_of(&d.incident)));
    let reason = move || {
        data.with(|d| {
            d.as_ref()
                .and_then(|d| d.incident.str("status_reason").map(str::to_owned))
                .filter(|r| !r.trim().is_empty())
        })
    };
    let editable = move || {
        let user = ctx.user.get();
        data.with(|d| match (user, d) {
            (Some(u), Some(d)) => can_edit(&u, &d.incident),
            _ => false,
        })
    };
    // A second tap while a transition is being written would take it twice
    // (two timeline events), so the buttons wait for the save.
    let saving = Saving::new(ctx, move |result| {
        if let Err(e) = result {
            ctx.status.update(|s| s.problem = Some(storage_problem(&e)));
        }
    });
    let run = move |action: lifecycle::Action, typed: Typed| {
        let Some(d) = data.get_untracked().filter(|_| !saving.busy_now()) else {
            return;
        };
        match take(ctx, &d, action, &typed) {
            Ok(writes) => {
                saving.save(writes);
                asking.set(None);
                text.set(String::new());
                problem.set(None);
            }
            Err(e) => problem.set(Some(e)),
        }
    };
    let press = move |action: lifecycle::Action| {
        problem.set(None);
        let asks = action.needs_reason() || action.needs_resolution();
        // An optional reason is only worth typing if the action is allowed:
        // a refused *Close* says why at once, before any form.
        let offers = action.takes_optional_reason()
            && data.with_untracked(|d| {
                d.as_ref()
                    .is_some_and(|d| allowed_as_is(&d.incident, action))
            });
        if asks || offers {
            text.set(String::new());
            asking.set(Some(action));
        } else {
            run(action, Typed::default());
        }
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(action) = asking.get_untracked() else {
            return;
        };
        let typed = if action.needs_resolution() {
            Typed {
                resolution: text.get_untracked(),
                ..Typed::default()
            }
        } else {
            Typed {
                reason: text.get_untracked(),
                ..Typed::default()
            }
        };
        run(action, typed);
    };
    let buttons = move || {
        let actions = status().map(available_actions).unwrap_or_default();
        actions
            .into_iter()
            .map(|a| {
                let class = if a == lifecycle::Action::Cancel { "button button-danger" } else { "button" };
                view! { <button type="button" class=class disabled=move || saving.busy() aria-busy=move || saving.busy().to_string() on:click=move |_| press(a)>{a.label()}</button> }
            })
            .collect_view()
    };
    let ask_label = move || match asking.get() {
        Some(a) if a.needs_resolution() => "Resolution: what was done",
        Some(lifecycle::Action::Cancel) => "Reason for cancelling",
        Some(lifecycle::Action::Reopen) => "Reason for reopening (optional)",
        Some(lifecycle::Action::Close) => "Closing note (optional)",
        _ => "Reason for putting on hold",
    };
    view! {
        <section class="section" aria-labelledby="status-heading">
            <h2 id="status-heading">"Status"</h2>
            <p class="status-line">
                <strong>{move || status().map(|s| s.label()).unwrap_or_default()}</strong>
                {move || reason().map(|r| format!(" — {r}"))}
            </p>
            <Show
                when=editable
                fallback=|| view! { <p class="list-detail">"Only a manager or the person who reported it can change this incident."</p> }
            >
                <Show when=move || asking.with(Option::is_none)>
                    <div class="button-row">{buttons}</div>
                </Show>
                {move || asking.get().map(|a| view! {
                    <form class="inline-form" on:submit=confirm novalidate=true>
                        <div class="field">
                            <label for="transition-text">{ask_label}</label>
                            <textarea id="transition-text" rows="3"
                                prop:value=move || text.get()
                                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                        </div>
                        <div class="button-row">
                            <button type="submit" class="button button-primary" disabled=move || saving.busy() aria-busy=move || saving.busy().to_string()>{a.label()}</button>
                            <button type="button" class="button button-quiet" on:click=move |_| { asking.set(None); problem.set(None); }>
                                "Back"
                            </button>
                        </div>
                    </form>
                })}
            </Show>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
        </section>
    }
}
