//! `/incidents/new`: the quick log. Saves on the tablet first, fully offline.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use outpost_model::time::format_rfc3339_ms;

use crate::browser::tablet_now_ms;
use crate::components::add_photo::Prepared;
use crate::components::incident_fields::IncidentFields;
use crate::components::quick_location::QuickLocation;
use crate::components::quick_photos::QuickPhotos;
use crate::state::{Ctx, storage_problem};
use outpost_client::edits::{FormField, IncidentForm, SiteChoice, Write, new_incident_writes};
use outpost_client::storage::{LocalStore, StoreError, StoredBlob, StoredRecord};

/// Known site records, for the datalist and to reuse a site by name.
pub fn site_resource(ctx: Ctx) -> LocalResource<Result<Vec<StoredRecord>, StoreError>> {
    LocalResource::new(move || {
        ctx.track("sites");
        let services = ctx.services();
        async move { services.store.records("sites").await }
    })
}

/// Names of the sites that are not deleted, sorted, for the datalist.
pub fn site_names(sites: &[StoredRecord]) -> Vec<String> {
    let mut names: Vec<String> = sites
        .iter()
        .filter(|s| !s.is_deleted())
        .filter_map(|s| s.str("name").map(str::to_owned))
        .collect();
    names.sort_by_key(|n| n.to_lowercase());
    names.dedup_by_key(|n| n.to_lowercase());
    names
}

/// A new incident's id and writes from the form, with the timeline's first
/// event, the location and the photos taken (and their bytes): one save.
fn draft_writes(
    ctx: Ctx,
    draft: &IncidentForm,
    user: &str,
    sites: LocalResource<Result<Vec<StoredRecord>, StoreError>>,
    location: RwSignal<Option<serde_json::Value>>,
    photos: RwSignal<Vec<Prepared>>,
) -> (String, Vec<Write>, Vec<StoredBlob>) {
    let known = sites
        .get_untracked()
        .and_then(Result::ok)
        .unwrap_or_default();
    let site = SiteChoice::resolve(&known, &draft.site, || uuid::Uuid::now_v7().to_string());
    let id = uuid::Uuid::now_v7().to_string();
    let at_ms = ctx.services().clock.borrow().wall_ms(tablet_now_ms());
    let now = format_rfc3339_ms(at_ms);
    let mut writes = new_incident_writes(draft, &id, &site, user, &now);
    // The timeline starts with the incident, in the same save.
    writes.extend(outpost_client::workflow::event_writes(
        &outpost_model::events::created(),
        &id,
        user,
        at_ms,
        &outpost_client::workflow::new_id(),
    ));
    if let Some(fix) = location.get_untracked() {
        writes.push(Write::new(
            &outpost_model::schema::INCIDENTS,
            &id,
            "location",
            fix,
        ));
    }
    // Photos taken on the form go in the same save, bytes included.
    let taken = photos.get_untracked();
    for (blob, name) in &taken {
        writes.extend(outpost_client::photos::attachment_writes(
            &id,
            &outpost_client::workflow::new_id(),
            blob,
            name,
            user,
            at_ms,
            &outpost_client::workflow::new_id(),
        ));
    }
    let blobs = taken.into_iter().map(|(blob, _)| blob).collect();
    (id, writes, blobs)
}

#[component]
pub fn NewIncidentPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let navigate = use_navigate();
    let form = RwSignal::new(IncidentForm::blank());
    let errors = RwSignal::new(Vec::<(FormField, String)>::new());
    let problem = RwSignal::new(None::<String>);
    let photos = RwSignal::new(Vec::<Prepared>::new());
    let location = RwSignal::new(None::<serde_json::Value>);
    let sites = site_resource(ctx);
    let names = Signal::derive(move || {
        sites
            .get()
            .and_then(Result::ok)
            .map(|s| site_names(&s))
            .unwrap_or_default()
    });
    let set = Callback::new(move |(f, v): (FormField, String)| {
        form.update(|x| f.set(x, v));
        // A problem goes away as soon as the field is touched again.
        errors.update(|es| es.retain(|(g, _)| *g != f));
    });

    // One save at a time: a second tap while the first is written would log
    // the incident twice.
    let navigate = StoredValue::new_local(navigate);
    let saving = Action::new_local(move |(draft, user): &(IncidentForm, String)| {
        let writes = draft_writes(ctx, draft, user, sites, location, photos);
        async move {
            let (id, writes, blobs) = writes;
            match ctx.save_with_blobs(writes, &blobs).await {
                Ok(()) => {
                    navigate.with_value(|go| go(&format!("/incidents/{id}"), Default::default()))
                }
                Err(e) => problem.set(Some(storage_problem(&e))),
            }
        }
    });
    let pending = saving.pending();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let draft = form.get_untracked();
        let found = draft.problems();
        if !found.is_empty() {
            errors.set(found);
            problem.set(Some("Check the fields marked below.".into()));
            return;
        }
        let Some(user) = ctx.user.get_untracked() else {
            problem.set(Some("Sign in first: the incident needs a reporter.".into()));
            return;
        };
        saving.dispatch_local((draft, user.id));
    };

    view! {
        <section class="page">
            <h1>"New incident"</h1>
            <form class="form" on:submit=save novalidate=true>
                {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                <IncidentFields form=form set=set errors=errors site_names=names />
                <QuickLocation location=location />
                <QuickPhotos photos=photos />
                <div class="actions">
                    <button type="submit" class="button button-primary"
                        disabled=move || pending.get()
                        aria-busy=move || pending.get().to_string()>
                        "Save"
                    </button>
                </div>
            </form>
        </section>
    }
}
