//! `/actions`: *My actions*, the remediation actions the signed-in person
//! owns, outstanding first and overdue ones marked, each linked to its incident.

use leptos::prelude::*;
use outpost_model::actions::is_outstanding;

use crate::components::action_items::ActionItem;
use crate::components::unavailable::{Unavailable, sentences};
use crate::now::use_now;
use crate::state::Ctx;
use outpost_client::storage::{LocalStore, StoredRecord};

/// The actions owned by `user_id`, outstanding first, then by due date.
pub fn my_actions(all: Vec<StoredRecord>, user_id: &str) -> Vec<StoredRecord> {
    let mut mine: Vec<StoredRecord> = all
        .into_iter()
        .filter(|a| !a.is_deleted() && a.str("owner") == Some(user_id))
        .collect();
    mine.sort_by_key(|a| {
        (
            !is_outstanding(&a.record()),
            a.str("due").unwrap_or("9999").to_owned(),
        )
    });
    mine
}

#[component]
pub fn MyActionsPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let now = use_now(ctx);
    let problem = RwSignal::new(None::<String>);
    // A storage failure reaches the person as a sentence, not as "no actions".
    let list = LocalResource::new(move || {
        ctx.track("actions");
        let me = ctx.user.get().map(|u| u.id).unwrap_or_default();
        let services = ctx.services();
        async move {
            let all = services.store.records("actions").await?;
            Ok::<_, Unavailable>(my_actions(all, &me))
        }
    });
    // Read inside the `<Transition>`, so the list stays on screen while it
    // is re-read after a save or a sync, and the keyed `<For>` keeps its rows.
    let rows = move || list.get().and_then(Result::ok).unwrap_or_default();
    let failed = move || list.get().map(|r| r.map(|_| ()));
    view! {
        <section class="page">
            <h1>"My actions"</h1>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            <Transition fallback=|| view! { <p class="loading">"Reading your actions…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <p class="form-error" role="alert">{move || sentences(&errors)}</p> }>
                    {failed}
                    <Show when=move || list.get().is_some() && rows().is_empty()>
                        <p class="empty">"No actions are yours. Actions are added on an incident's page."</p>
                    </Show>
                    <ul class="plain-list">
                        <For each=rows key=|a| (a.id.clone(), a.record().latest_hlc().map(|h| h.to_string())) let:action>
                            <ActionItem action=action now=now problem=problem link=true />
                        </For>
                    </ul>
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
