//! The notices on an incident whose values written on this tablet were
//! replaced by newer ones from elsewhere: *Keep mine* writes the old value
//! again with a new stamp (the normal save path), *Dismiss* accepts theirs.

use leptos::prelude::*;
use outpost_model::schema;

use crate::components::status_bar::hh_mm;
use crate::state::{Ctx, storage_problem};
use outpost_client::edits::Write;
use outpost_client::storage::{Conflict, LocalStore, StoreError, StoredRecord};
use outpost_client::words::{field_label, shortened, value_in_words};

/// Longest value quoted in a notice.
const QUOTE_MAX: usize = 80;

/// *Description: your "…" was replaced by a newer "…" from another tablet at 10:32.*
/// The server names only the device a pulled change came from, so the
/// person is not named here; the history shows who.
pub fn conflict_sentence(c: &Conflict, sites: &[StoredRecord]) -> String {
    let quote = |v| shortened(&value_in_words(&c.field, v, sites), QUOTE_MAX);
    format!(
        "{}: your \u{201c}{}\u{201d} was replaced by a newer \u{201c}{}\u{201d} from another tablet at {}.",
        field_label(&c.field),
        quote(&c.mine),
        quote(&c.theirs),
        hh_mm(c.theirs_hlc.wall_ms)
    )
}

/// Writes `mine` again through the normal save path; the save closes the
/// conflict in the same transaction.
pub async fn keep_mine(ctx: Ctx, c: &Conflict) -> Result<(), String> {
    let field = schema::collection(&c.collection)
        .and_then(|coll| coll.field(&c.field).map(|f| (coll.name, f.name)));
    let Some((collection, field)) = field else {
        return Err(format!(
            "This version of Outpost cannot write the field \u{201c}{}\u{201d}; dismiss the notice or update the app.",
            c.field
        ));
    };
    let write = Write {
        collection,
        id: c.id.clone(),
        field,
        value: c.mine.clone(),
    };
    ctx.save(vec![write]).await.map_err(|e| storage_problem(&e))
}

pub async fn dismiss(ctx: Ctx, key: &str) -> Result<(), String> {
    let result = ctx.services().store.dismiss_conflict(key).await;
    ctx.changed_here(["conflicts"]);
    result.map_err(|e| storage_problem(&e))
}

/// A person's answer to one conflict.
#[derive(Debug, Clone)]
enum Answer {
    Keep(Conflict),
    Dismiss(String),
}

/// The open conflicts of one incident, each with its two buttons.
#[component]
pub fn ConflictNotices(#[prop(into)] id: Signal<String>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let data = LocalResource::new(move || {
        ctx.track("conflicts");
        ctx.track("sites");
        let id = id.get();
        let services = ctx.services();
        async move {
            let all = services.store.conflicts().await?;
            let sites = services.store.records("sites").await?;
            Ok::<_, StoreError>(
                all.into_iter()
                    .filter(|c| c.collection == "incidents" && c.id == id)
                    .map(|c| (conflict_sentence(&c, &sites), c))
                    .collect::<Vec<_>>(),
            )
        }
    });
    let problem = RwSignal::new(None::<String>);
    let answering = Action::new_local(move |answer: &Answer| {
        let answer = answer.clone();
        async move {
            problem.set(match answer {
                Answer::Keep(c) => keep_mine(ctx, &c).await.err(),
                Answer::Dismiss(key) => dismiss(ctx, &key).await.err(),
            });
        }
    });
    let pending = answering.pending();
    let open = move || data.get().and_then(Result::ok).unwrap_or_default();
    view! {
        {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
        <For
            each=open
            key=|(text, c)| (c.key(), text.clone())
            children=move |(text, c)| {
                let text_id = format!("conflict-{}", c.field);
                let (kept, dismissed) = (c.clone(), c.key());
                // Either answer once: a second tap while the first is
                // written would write *Keep mine* twice.
                let keep = move |_| {
                    if !pending.get_untracked() {
                        answering.dispatch_local(Answer::Keep(kept.clone()));
                    }
                };
                let drop = move |_| {
                    if !pending.get_untracked() {
                        answering.dispatch_local(Answer::Dismiss(dismissed.clone()));
                    }
                };
                view! {
                    <div class="conflict">
                        <p id=text_id.clone()>{text}</p>
                        <div class="conflict-actions">
                            <button type="button" class="button button-primary" aria-describedby=text_id.clone()
                                disabled=move || pending.get() aria-busy=move || pending.get().to_string() on:click=keep>
                                "Keep mine"
                            </button>
                            <button type="button" class="button" aria-describedby=text_id
                                disabled=move || pending.get() aria-busy=move || pending.get().to_string() on:click=drop>
                                "Dismiss"
                            </button>
                        </div>
                    </div>
                }
            }
        />
    }
}
