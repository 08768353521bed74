//! The post-incident review: root cause, contributing factors, lessons
//! learned and review status, saved together with *Save review*. A P1 or P2
//! incident closes only once the review is complete (the model checks).

use leptos::prelude::*;
use outpost_model::schema::{REVIEW_STATUSES, label};

use crate::incident_data::IncidentData;
use crate::saving::Saving;
use crate::state::{Ctx, storage_problem};
use outpost_client::record_forms::{REVIEW_FIELDS, review_writes};

#[component]
pub fn Review(
    #[prop(into)] data: Signal<Option<IncidentData>>,
    #[prop(into)] editable: Signal<bool>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let edits = RwSignal::new(Vec::<(&'static str, String)>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let value = move |field: &'static str| {
        move || {
            edits
                .with(|es| es.iter().find(|(f, _)| *f == field).map(|(_, v)| v.clone()))
                .or_else(|| {
                    data.with(|d| {
                        d.as_ref()
                            .and_then(|d| d.incident.str(field).map(str::to_owned))
                    })
                })
                .unwrap_or_default()
        }
    };
    let set = move |field: &'static str, v: String| {
        edits.update(|es| {
            es.retain(|(f, _)| *f != field);
            es.push((field, v));
        });
        message.set(None);
    };
    let saving = Saving::new(ctx, move |result| match result {
        Ok(()) => {
            edits.set(Vec::new());
            message.set(Some((true, "Review saved on this tablet".into())));
        }
        Err(e) => message.set(Some((false, storage_problem(&e)))),
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.busy_now() {
            return;
        }
        let Some(d) = data.get_untracked() else {
            return;
        };
        let writes = review_writes(&d.incident, &edits.get_untracked());
        if writes.is_empty() {
            message.set(Some((true, "Nothing changed.".into())));
            return;
        }
        saving.save(writes);
    };
    let status = value("review_status");
    view! {
        <section class="section" aria-labelledby="review-heading">
            <h2 id="review-heading">"Post-incident review"</h2>
            <form class="form" on:submit=save novalidate=true>
                <fieldset class="plain-fieldset" disabled=move || !editable.get()>
                    {REVIEW_FIELDS.into_iter().map(|(field, text)| {
                        let id = format!("review-{field}");
                        let v = value(field);
                        view! {
                            <div class="field">
                                <label for=id.clone()>{text}</label>
                                <textarea id=id rows="3" prop:value=v
                                    on:input=move |ev| set(field, event_target_value(&ev))></textarea>
                            </div>
                        }
                    }).collect_view()}
                    <div class="field">
                        <label for="review-status">"Review status"</label>
                        <select id="review-status" on:change=move |ev| set("review_status", event_target_value(&ev))>
                            {REVIEW_STATUSES.iter().map(|s| {
                                let selected = move || {
                                    let now = status();
                                    now == *s || (now.is_empty() && *s == "not_started")
                                };
                                view! { <option value=*s prop:selected=selected>{label(s)}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="button-row">
                        <button type="submit" class="button" disabled=move || saving.busy() aria-busy=move || saving.busy().to_string()>"Save review"</button>
                    </div>
                </fieldset>
                {move || message.get().map(|(ok, text)| {
                    let class = if ok { "saved" } else { "form-error" };
                    view! { <p class=class role=if ok { "status" } else { "alert" }>{text}</p> }
                })}
            </form>
        </section>
    }
}
