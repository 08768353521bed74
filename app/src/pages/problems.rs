//! `/problems`: problem records with how many incidents each groups, the
//! model's suggestions (three or more alike incidents within 30 days) with
//! *Create problem*, and a form to create one by hand.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use outpost_model::problems::{IncidentFacts, ProblemSuggestion, suggest};
use outpost_model::schema::label;

use crate::components::unavailable::{Unavailable, sentences};
use crate::state::{Ctx, storage_problem};
use outpost_client::edits::{Write, site_name};
use outpost_client::record_forms::new_problem_writes;
use outpost_client::storage::{LocalStore, StoredRecord};
use outpost_client::workflow::{can_manage, new_id};

#[derive(Debug, Clone, PartialEq)]
struct Loaded {
    problems: Vec<(StoredRecord, usize)>,
    suggestions: Vec<(ProblemSuggestion, String)>,
}

async fn load(ctx: Ctx) -> Result<Loaded, Unavailable> {
    let store = &ctx.services().store;
    let incidents = store.records("incidents").await?;
    let sites = store.records("sites").await?;
    let mut problems: Vec<(StoredRecord, usize)> = store
        .records("problems")
        .await?
        .into_iter()
        .filter(|p| !p.is_deleted())
        .map(|p| {
            let n = incidents
                .iter()
                .filter(|i| !i.is_deleted() && i.str("problem_id") == Some(p.id.as_str()))
                .count();
            (p, n)
        })
        .collect();
    problems.sort_by(|a, b| b.0.id.cmp(&a.0.id));
    let facts: Vec<IncidentFacts> = incidents
        .iter()
        .filter_map(|i| IncidentFacts::from_record(&i.id, &i.record()))
        .collect();
    let suggestions = suggest(&facts)
        .into_iter()
        .map(|s| {
            let title = s.title(&site_name(&sites, &s.site));
            (s, title)
        })
        .collect();
    Ok(Loaded {
        problems,
        suggestions,
    })
}

#[component]
pub fn ProblemsPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let navigate = use_navigate();
    let data = LocalResource::new(move || {
        ctx.track("incidents");
        ctx.track("sites");
        ctx.track("problems");
        load(ctx)
    });
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let manager = move || ctx.user.get().is_some_and(|u| can_manage(&u));
    // One problem per tap: a second tap while the first is written would
    // create a second problem.
    let navigate = StoredValue::new_local(navigate);
    let saving = Action::new_local(move |(id, writes): &(String, Vec<Write>)| {
        let (id, writes) = (id.clone(), writes.clone());
        async move {
            match ctx.save(writes).await {
                Ok(()) => {
                    navigate.with_value(|go| go(&format!("/problems/{id}"), Default::default()))
                }
                Err(e) => problem.set(Some(storage_problem(&e))),
            }
        }
    });
    let pending = saving.pending();
    let create = move |title: String, description: String, incidents: Vec<String>| {
        if pending.get_untracked() {
            return;
        }
        if title.trim().is_empty() {
            problem.set(Some("Give the problem a title.".into()));
            return;
        }
        let id = new_id();
        let writes = new_problem_writes(&id, &title, &description, &incidents);
        saving.dispatch_local((id, writes));
    };
    let create_typed = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create(
            title.get_untracked(),
            description.get_untracked(),
            Vec::new(),
        );
    };
    // Read inside the `<Transition>`: the lists stay on screen while they are
    // re-read after a save or a sync; a storage failure shows as a sentence.
    let loaded = move || data.get().and_then(Result::ok);
    let failed = move || data.get().map(|r| r.map(|_| ()));
    view! {
        <section class="page">
            <h1>"Problems"</h1>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            <Transition fallback=|| view! { <p class="loading">"Reading the problems…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <p class="form-error" role="alert">{move || sentences(&errors)}</p> }>
                    {failed}
                    <Show when=move || loaded().is_some_and(|l| !l.suggestions.is_empty())>
                        <h2>"Suggested problems"</h2>
                        <ul class="plain-list">
                            {
                                move || loaded().map(|l| l.suggestions).unwrap_or_default().into_iter().map(|(s, t)| {
                                    let ids = s.incident_ids.clone();
                                    let name = t.clone();
                                    let what = format!(
                                        "{} incidents of {} at the same site within 30 days, none linked to a problem.",
                                        s.incident_ids.len(),
                                        label(&s.category).to_lowercase()
                                    );
                                    view! {
                                        <li class="suggestion">
                                            <strong>{t}</strong>
                                            <span class="list-detail">{what}</span>
                                            <Show when=manager>
                                                <div class="button-row">
                                                    <button type="button" class="button" disabled=move || pending.get() aria-busy=move || pending.get().to_string() on:click={
                                                        let (ids, name) = (ids.clone(), name.clone());
                                                        move |_| create(name.clone(), String::new(), ids.clone())
                                                    }>"Create problem"</button>
                                                </div>
                                            </Show>
                                        </li>
                                    }
                                }).collect_view()
                            }
                        </ul>
                    </Show>
                    <h2>"All problems"</h2>
                    <Show when=move || loaded().is_some_and(|l| l.problems.is_empty())>
                        <p class="empty">"No problems yet."</p>
                    </Show>
                    <ul class="plain-list">
                        {move || loaded().map(|l| l.problems).unwrap_or_default().into_iter().map(|(p, n)| {
                            let href = format!("/problems/{}", p.id);
                            let status = label(p.str("status").unwrap_or("open")).to_owned();
                            view! {
                                <li>
                                    <A href=href attr:class="record-link">{p.str("title").unwrap_or("(no title)").to_owned()}</A>
                                    <span class="list-detail">{format!("{status} · {n} incident{}", if n == 1 { "" } else { "s" })}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </ErrorBoundary>
            </Transition>
            <Show when=manager>
                <h2>"New problem"</h2>
                <form class="form" on:submit=create_typed novalidate=true>
                    <div class="field">
                        <label for="problem-title">"Problem title"</label>
                        <input id="problem-title" type="text" prop:value=move || title.get()
                            on:input=move |ev| title.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="problem-description">"Problem description"</label>
                        <textarea id="problem-description" rows="3" prop:value=move || description.get()
                            on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                    </div>
                    <div class="button-row">
                        <button type="submit" class="button button-primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>"Create problem"</button>
                    </div>
                </form>
            </Show>
        </section>
    }
}
