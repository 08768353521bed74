//! The incident's timeline, newest first: every event with its author and
//! time, internal notes and requestor updates set apart, and a box to add
//! either (*Add note*, *Send requestor update*).

use leptos::prelude::*;
use outpost_model::protocol::User;
use outpost_model::schema::label;
use outpost_model::{Event, EventKind, events};
use serde_json::Value;

use crate::directory::{name_of, use_directory};
use crate::incident_data::IncidentData;
use crate::now::{day_time, wall_now};
use crate::saving::Saving;
use crate::state::{Ctx, storage_problem};
use outpost_client::workflow::{can_edit, event_writes, new_id};

/// What an entry says, in words: "New → Acknowledged", "Assigned to Sam".
pub fn summary(event: &Event, users: &[User], me: Option<&User>) -> String {
    let name = |v: Option<&Value>| match v.and_then(Value::as_str) {
        Some(id) => name_of(users, me, id),
        None => "nobody".to_owned(),
    };
    match event.kind {
        EventKind::Created => "Incident logged".to_owned(),
        EventKind::Status => match event.status_change() {
            Some((from, to)) => format!("Status: {} → {}", from.label(), to.label()),
            None => "Status changed".to_owned(),
        },
        EventKind::Assigned => format!(
            "Assigned to {} (was {})",
            name(event.data.get("to")),
            name(event.data.get("from"))
        ),
        EventKind::Priority => match event.priority_change() {
            Some((from, to)) => format!("Priority: {} → {}", from.description(), to.description()),
            None => "Priority changed".to_owned(),
        },
        EventKind::Attachment => "Photo added".to_owned(),
        other => label(other.code()).to_owned(),
    }
}

/// The class that sets notes and requestor updates apart.
pub fn entry_class(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Note => "timeline-entry entry-note",
        EventKind::RequestorUpdate => "timeline-entry entry-update",
        _ => "timeline-entry",
    }
}

#[component]
pub fn Timeline(#[prop(into)] data: Signal<Option<IncidentData>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let users = use_directory();
    let text = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let editable = move || {
        let user = ctx.user.get();
        data.with(|d| match (user, d) {
            (Some(u), Some(d)) => can_edit(&u, &d.incident),
            _ => false,
        })
    };
    let saving = Saving::new(ctx, move |result| match result {
        Ok(()) => {
            text.set(String::new());
            problem.set(None);
        }
        Err(e) => problem.set(Some(storage_problem(&e))),
    });
    let add = move |kind: EventKind| {
        if saving.busy_now() {
            return;
        }
        let body = text.get_untracked();
        if body.trim().is_empty() {
            problem.set(Some("Write the note or update first.".into()));
            return;
        }
        let (Some(d), Some(user)) = (data.get_untracked(), ctx.user.get_untracked()) else {
            return;
        };
        let event = if kind == EventKind::Note {
            events::note(body.trim())
        } else {
            events::requestor_update(body.trim())
        };
        let writes = event_writes(&event, &d.incident.id, &user.id, wall_now(ctx), &new_id());
        saving.save(writes);
    };
    let entries = move || data.with(|d| d.as_ref().map(|d| d.timeline.clone()).unwrap_or_default());
    view! {
        <section class="section" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">"Timeline"</h2>
            <Show when=editable>
                <div class="field">
                    <label for="timeline-text">"Note or requestor update"</label>
                    <textarea id="timeline-text" rows="3"
                        prop:value=move || text.get()
                        on:input=move |ev| { text.set(event_target_value(&ev)); problem.set(None); }></textarea>
                </div>
                <div class="button-row">
                    <button type="button" class="button" disabled=move || saving.busy() aria-busy=move || saving.busy().to_string()
                        on:click=move |_| add(EventKind::Note)>"Add note"</button>
                    <button type="button" class="button button-primary" disabled=move || saving.busy() aria-busy=move || saving.busy().to_string()
                        on:click=move |_| add(EventKind::RequestorUpdate)>
                        "Send requestor update"
                    </button>
                </div>
                {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            </Show>
            <ol class="timeline">
                <For each=entries key=|e| e.id.clone() let:entry>
                    {
                        let event = entry.event;
                        let who = event.author.clone();
                        let head = {
                            let event = event.clone();
                            move || users.with(|u| summary(&event, u, ctx.user.get().as_ref()))
                        };
                        let by = move || match &who {
                            Some(id) => users.with(|u| name_of(u, ctx.user.get().as_ref(), id)),
                            None => "someone".to_owned(),
                        };
                        let body = (!event.body.is_empty()).then(|| event.body.clone());
                        view! {
                            <li class=entry_class(event.kind)>
                                <p class="entry-head">
                                    <strong>{head}</strong>
                                </p>
                                {body.map(|b| view! { <p class="entry-body">{b}</p> })}
                                <p class="entry-meta">{by}", "{day_time(event.at_ms)}</p>
                            </li>
                        }
                    }
                </For>
            </ol>
        </section>
    }
}
