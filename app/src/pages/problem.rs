//! `/problems/{id}`: one problem, its status, and the incidents linked to it,
//! each with *Unlink*.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use outpost_model::schema::{self, PROBLEM_STATUSES, label};

use crate::components::unavailable::{Unavailable, sentences};
use crate::saving::Saving;
use crate::state::{Ctx, storage_problem};
use outpost_client::edits::Write;
use outpost_client::record_forms::link_write;
use outpost_client::storage::{LocalStore, StoredRecord};
use outpost_client::workflow::can_manage;

#[component]
pub fn ProblemPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let data = LocalResource::new(move || {
        ctx.track("problems");
        ctx.track("incidents");
        let id = id.get();
        let services = ctx.services();
        async move {
            let problem = services.store.record("problems", &id).await?;
            let linked: Vec<StoredRecord> = services
                .store
                .records("incidents")
                .await?
                .into_iter()
                .filter(|i| !i.is_deleted() && i.str("problem_id") == Some(id.as_str()))
                .collect();
            Ok::<_, Unavailable>((problem, linked))
        }
    });
    let message = RwSignal::new(None::<String>);
    let saving = Saving::new(ctx, move |result| {
        message.set(result.err().map(|e| storage_problem(&e)));
    });
    // A Transition, so a save's re-read keeps the problem on screen.
    view! {
        <section class="page">
            <Transition fallback=|| view! { <p class="loading">"Opening the problem…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <p class="form-error" role="alert">{move || sentences(&errors)}</p> }>
                    {move || Suspend::new(async move {
                        data.await.map(|(problem, linked)| match problem {
                            None => view! {
                                <h1>"Problem not found"</h1>
                                <p class="empty">"This problem is not on this tablet yet. It may arrive with the next sync."</p>
                            }.into_any(),
                            Some(p) => view! { <Details problem=p linked=linked saving=saving /> }.into_any(),
                        })
                    })}
                </ErrorBoundary>
            </Transition>
            {move || message.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            <A href="/problems" attr:class="button">"All problems"</A>
        </section>
    }
}

/// The problem's title, description, status and linked incidents.
#[component]
fn Details(problem: StoredRecord, linked: Vec<StoredRecord>, saving: Saving) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let manager = move || ctx.user.get().is_some_and(|u| can_manage(&u));
    let save = move |writes: Vec<Write>| {
        saving.save(writes);
    };
    let p = problem;
    let status = p.str("status").unwrap_or("open").to_owned();
    let pid = p.id.clone();
    view! {
        <h1>{p.str("title").unwrap_or("(no title)").to_owned()}</h1>
        <p>{p.str("description").unwrap_or_default().to_owned()}</p>
        <div class="field field-inline">
            <label for="problem-status">"Problem status"</label>
            <select id="problem-status" disabled=move || !manager() || saving.busy()
                aria-busy=move || saving.busy().to_string() on:change=move |ev| {
                save(vec![Write::new(&schema::PROBLEMS, &pid, "status", event_target_value(&ev))]);
            }>
                {PROBLEM_STATUSES.iter().map(|s| {
                    let selected = *s == status;
                    view! { <option value=*s prop:selected=selected>{label(s)}</option> }
                }).collect_view()}
            </select>
        </div>
        <h2>"Linked incidents"</h2>
        {linked.is_empty().then(|| view! { <p class="empty">"No incidents are linked yet. Link one from its page."</p> })}
        <ul class="plain-list">
            {linked.into_iter().map(|i| {
                let href = format!("/incidents/{}", i.id);
                let iid = i.id.clone();
                view! {
                    <li class="row-with-button">
                        <A href=href attr:class="record-link">{i.str("title").unwrap_or("(no title)").to_owned()}</A>
                        <Show when=manager>
                            <button type="button" class="button button-quiet" disabled=move || saving.busy() aria-busy=move || saving.busy().to_string() on:click={
                                let iid = iid.clone();
                                move |_| save(vec![link_write(&iid, None)])
                            }>"Unlink"</button>
                        </Show>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
