//! `/incidents/{id}`: one incident, editable. Saves only the fields that
//! changed; fields the person has not touched follow what sync brings in.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::components::conflict_notice::ConflictNotices;
use crate::components::history::History;
use crate::components::incident_fields::IncidentFields;
use crate::components::incident_workflow::{IncidentSections, IncidentTriage};
use crate::components::priority_badge::PriorityBadge;
use crate::components::unavailable::{Unavailable, sentences};
use crate::pages::new_incident::site_names;
use crate::saving::Saving;
use crate::state::{Ctx, storage_problem};
use outpost_client::edits::{FormField, IncidentForm, SiteChoice, changed_writes};
use outpost_client::storage::{LocalStore, StoredRecord};

/// What the page reads from the tablet.
#[derive(Debug, Clone, PartialEq)]
struct Loaded {
    form: Option<IncidentForm>,
    sites: Vec<StoredRecord>,
}

/// The form's impact and urgency as levels, when both are numbers.
fn form_levels(form: &IncidentForm) -> Option<outpost_model::Levels> {
    Some(outpost_model::Levels {
        impact: form.impact.parse().ok()?,
        urgency: form.urgency.parse().ok()?,
    })
}

#[component]
pub fn IncidentPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let data = LocalResource::new(move || {
        ctx.track("incidents");
        ctx.track("sites");
        let id = id.get();
        let services = ctx.services();
        async move {
            let record = services.store.record("incidents", &id).await?;
            let sites = services.store.records("sites").await?;
            let form = record
                .filter(|r| !r.is_deleted())
                .map(|r| IncidentForm::from_record(&r, &sites));
            Ok::<_, Unavailable>(Loaded { form, sites })
        }
    });
    // Only what the page shows: changes elsewhere do not redraw it.
    let stored = Memo::new(move |_| data.get().map(|r| r.map(|l| l.form)));
    // The person's edits, by field; a field without one shows the stored value.
    let edits = RwSignal::new(Vec::<(FormField, String)>::new());
    let errors = RwSignal::new(Vec::<(FormField, String)>::new());
    let message = RwSignal::new(None::<(bool, String)>);

    let shown = Signal::derive(move || {
        let mut form = stored
            .get()
            .and_then(Result::ok)
            .flatten()
            .unwrap_or_default();
        edits.with(|es| es.iter().for_each(|(f, v)| f.set(&mut form, v.clone())));
        form
    });
    let set = Callback::new(move |(f, v): (FormField, String)| {
        edits.update(|es| {
            es.retain(|(g, _)| *g != f);
            es.push((f, v));
        });
        errors.update(|es| es.retain(|(g, _)| *g != f));
        message.set(None);
    });
    let names = Signal::derive(move || {
        data.get()
            .and_then(Result::ok)
            .map(|l| site_names(&l.sites))
            .unwrap_or_default()
    });

    // One save at a time: a second tap while the first is being written
    // would compare against the old record and append a second priority event.
    let saving = Saving::new(ctx, move |result| match result {
        Ok(()) => {
            edits.set(Vec::new());
            message.set(Some((true, "Saved on this tablet".into())));
        }
        Err(e) => message.set(Some((
            false,
            format!("{} Your edits are still in the form.", storage_problem(&e)),
        ))),
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.busy_now() {
            return;
        }
        let Some(Ok(Some(before))) = stored.get_untracked() else {
            return;
        };
        let after = shown.get_untracked();
        let found = after.problems();
        if !found.is_empty() {
            errors.set(found);
            message.set(Some((false, "Check the fields marked below.".into())));
            return;
        }
        let sites = data
            .get_untracked()
            .and_then(Result::ok)
            .map(|l| l.sites)
            .unwrap_or_default();
        let site = SiteChoice::resolve(&sites, &after.site, || uuid::Uuid::now_v7().to_string());
        let mut writes = changed_writes(&before, &after, &id.get_untracked(), &site);
        // An impact or urgency change appends a priority event in the same save.
        if let Some(user) = ctx.user.get_untracked() {
            writes.extend(outpost_client::workflow::priority_event_writes(
                form_levels(&before),
                form_levels(&after),
                &id.get_untracked(),
                &user.id,
                crate::now::wall_now(ctx),
                &outpost_client::workflow::new_id(),
            ));
        }
        if writes.is_empty() {
            edits.set(Vec::new());
            message.set(Some((true, "Nothing changed.".into())));
            return;
        }
        saving.save(writes);
    };

    let priority = Signal::derive(move || shown.with(IncidentForm::priority));
    view! {
        <section class="page">
            // Read inside the `<Transition>`: a save's or a sync's re-read keeps
            // the form on screen, and a storage failure shows as a sentence.
            <Transition fallback=|| view! { <p class="loading">"Opening the incident…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <p class="form-error" role="alert">{move || sentences(&errors)}</p> }>
                    {move || data.with(|d| d.as_ref().map(|r| match r {
                        Err(e) => Err(e.clone()),
                        Ok(l) => Ok(l.form.is_none().then(|| view! {
                            <h1>"Incident not found"</h1>
                            <p class="empty">
                                "This incident is not on this tablet yet. It may arrive with the next sync."
                            </p>
                            <A href="/" attr:class="button">"Back to incidents"</A>
                        })),
                    }))}
                    <Show when=move || matches!(stored.get(), Some(Ok(Some(_))))>
                        <div class="page-head">
                            <h1 class="incident-heading">{move || shown.with(|f| f.title.clone())}</h1>
                            <PriorityBadge priority=priority />
                        </div>
                        <ConflictNotices id=id />
                        <IncidentTriage id=id />
                        <form class="form" on:submit=save novalidate=true>
                            <IncidentFields form=shown set=set errors=errors site_names=names />
                            <div class="actions">
                                <button type="submit" class="button button-primary"
                                    disabled=move || saving.busy() aria-busy=move || saving.busy().to_string()>"Save"</button>
                                {move || message.get().map(|(ok, text)| {
                                    let class = if ok { "saved" } else { "form-error" };
                                    view! { <p class=class role=if ok { "status" } else { "alert" }>{text}</p> }
                                })}
                            </div>
                        </form>
                        <IncidentSections id=id />
                        <History id=id />
                    </Show>
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
