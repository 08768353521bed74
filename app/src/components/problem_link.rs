//! Which problem the incident belongs to: link it to one, or unlink it.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::incident_data::IncidentData;
use crate::saving::Saving;
use crate::state::{Ctx, storage_problem};
use outpost_client::record_forms::link_write;
use outpost_client::storage::LocalStore;

#[component]
pub fn ProblemLink(
    #[prop(into)] data: Signal<Option<IncidentData>>,
    #[prop(into)] editable: Signal<bool>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let problems = LocalResource::new(move || {
        ctx.track("problems");
        let services = ctx.services();
        async move {
            let mut list: Vec<(String, String)> = services
                .store
                .records("problems")
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|p| !p.is_deleted())
                .map(|p| {
                    (
                        p.id.clone(),
                        p.str("title").unwrap_or("(no title)").to_owned(),
                    )
                })
                .collect();
            list.sort_by_key(|(_, t)| t.to_lowercase());
            list
        }
    });
    let problem = RwSignal::new(None::<String>);
    let current = move || {
        data.with(|d| {
            d.as_ref()
                .and_then(|d| d.incident.str("problem_id").map(str::to_owned))
                .filter(|s| !s.is_empty())
        })
    };
    let title = move || {
        let id = current()?;
        let t = problems
            .get()
            .unwrap_or_default()
            .into_iter()
            .find(|(p, _)| *p == id)
            .map(|(_, t)| t);
        Some((
            id,
            t.unwrap_or_else(|| "a problem not on this tablet yet".into()),
        ))
    };
    let saving = Saving::new(ctx, move |result| {
        problem.set(result.err().map(|e| storage_problem(&e)));
    });
    let set = move |to: Option<String>| {
        let Some(d) = data.get_untracked() else {
            return;
        };
        let writes = vec![link_write(&d.incident.id, to.as_deref())];
        saving.save(writes);
    };
    view! {
        <section class="section" aria-labelledby="problem-heading">
            <h2 id="problem-heading">"Problem"</h2>
            {move || match title() {
                Some((id, t)) => view! {
                    <p class="status-line">"Part of "<A href=format!("/problems/{id}") attr:class="record-link">{t}</A></p>
                }.into_any(),
                None => view! { <p class="status-line">"Not linked to a problem."</p> }.into_any(),
            }}
            <Show when=move || editable.get()>
                <div class="button-row">
                    <div class="field field-inline">
                        <label for="problem-link">"Link to problem"</label>
                        <select id="problem-link" disabled=move || saving.busy() aria-busy=move || saving.busy().to_string() on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if !v.is_empty() { set(Some(v)) }
                        }>
                            <option value="" prop:selected=move || current().is_none()>"Choose a problem"</option>
                            {move || problems.get().unwrap_or_default().into_iter().map(|(id, t)| {
                                let selected = current() == Some(id.clone());
                                view! { <option value=id prop:selected=selected>{t}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <Show when=move || current().is_some()>
                        <button type="button" class="button button-quiet" disabled=move || saving.busy() aria-busy=move || saving.busy().to_string() on:click=move |_| set(None)>"Unlink"</button>
                    </Show>
                </div>
            </Show>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
        </section>
    }
}
