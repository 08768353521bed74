//! Who works on the incident: *Assign to me* and a picker over the user
//! directory; each change appends an `assigned` event in the same save.

use leptos::prelude::*;

use crate::directory::{name_of, use_directory};
use crate::incident_data::IncidentData;
use crate::now::wall_now;
use crate::saving::Saving;
use crate::state::{Ctx, storage_problem};
use outpost_client::workflow::{assign_writes, can_edit, new_id};

#[component]
pub fn Assignee(#[prop(into)] data: Signal<Option<IncidentData>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let users = use_directory();
    let problem = RwSignal::new(None::<String>);
    let current = move || {
        data.with(|d| {
            d.as_ref()
                .and_then(|d| d.incident.str("assignee").map(str::to_owned))
                .filter(|s| !s.is_empty())
        })
    };
    let current_name = move || match current() {
        Some(id) => users.with(|u| name_of(u, ctx.user.get().as_ref(), &id)),
        None => "Nobody yet".to_owned(),
    };
    let editable = move || {
        let user = ctx.user.get();
        data.with(|d| match (user, d) {
            (Some(u), Some(d)) => can_edit(&u, &d.incident),
            _ => false,
        })
    };
    let saving = Saving::new(ctx, move |result| {
        problem.set(result.err().map(|e| storage_problem(&e)));
    });
    let assign = move |to: Option<String>| {
        if saving.busy_now() {
            return;
        }
        let (Some(d), Some(user)) = (data.get_untracked(), ctx.user.get_untracked()) else {
            return;
        };
        let writes = assign_writes(
            &d.incident,
            to.as_deref(),
            &user.id,
            wall_now(ctx),
            &new_id(),
        );
        if writes.is_empty() {
            return;
        }
        saving.save(writes);
    };
    let mine = move || {
        let me = ctx.user.get().map(|u| u.id);
        me.is_some() && me == current()
    };
    let options = move || {
        let mut list: Vec<(String, String)> = users.with(|us| {
            us.iter()
                .filter(|u| !u.disabled)
                .map(|u| (u.id.clone(), u.name.clone()))
                .collect()
        });
        if let Some(me) = ctx.user.get()
            && list.iter().all(|(id, _)| *id != me.id)
        {
            list.push((me.id, me.name));
        }
        list.sort_by_key(|(_, n)| n.to_lowercase());
        list
    };
    view! {
        <section class="section" aria-labelledby="assignee-heading">
            <h2 id="assignee-heading">"Assignee"</h2>
            <p class="status-line"><strong>{current_name}</strong></p>
            <Show when=editable>
                <div class="button-row">
                    <Show when=move || !mine()>
                        <button type="button" class="button" disabled=move || saving.busy() aria-busy=move || saving.busy().to_string() on:click=move |_| {
                            assign(ctx.user.get_untracked().map(|u| u.id));
                        }>"Assign to me"</button>
                    </Show>
                    <div class="field field-inline">
                        <label for="assignee">"Assign to"</label>
                        <select id="assignee" disabled=move || saving.busy() aria-busy=move || saving.busy().to_string() on:change=move |ev| {
                            let v = event_target_value(&ev);
                            assign((!v.is_empty()).then_some(v));
                        }>
                            <option value="" prop:selected=move || current().is_none()>"Nobody"</option>
                            {move || options().into_iter().map(|(id, name)| {
                                let selected = current() == Some(id.clone());
                                view! { <option value=id prop:selected=selected>{name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                </div>
            </Show>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
        </section>
    }
}
