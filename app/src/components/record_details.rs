//! The rest of the incident record: kind (incident or service request),
//! when it happened, who reported it (by name), tags, and the *recordable*
//! flag for safety categories. Saved with *Save details*.

use leptos::prelude::*;
use outpost_model::schema::{self, KINDS, label};
use outpost_model::time::{format_rfc3339_ms, parse_rfc3339_ms};
use serde_json::Value;

use crate::directory::{name_of, use_directory};
use crate::incident_data::IncidentData;
use crate::now::{from_local_input, to_local_input};
use crate::saving::Saving;
use crate::state::{Ctx, storage_problem};
use outpost_client::edits::Write;
use outpost_client::record_forms::parse_tags;
use outpost_client::storage::StoredRecord;

/// Categories whose incidents may be recordable for the regulator.
pub const SAFETY_CATEGORIES: [&str; 4] =
    ["injury", "near_miss", "property_damage", "environmental"];

/// The details as the form shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    pub kind: String,
    pub occurred_at: String,
    pub tags: String,
    pub recordable: bool,
}

impl Details {
    pub fn from_record(r: &StoredRecord) -> Self {
        Self {
            kind: r.str("kind").unwrap_or("incident").to_owned(),
            occurred_at: r
                .str("occurred_at")
                .and_then(parse_rfc3339_ms)
                .map(to_local_input)
                .unwrap_or_default(),
            tags: r
                .fields
                .get("tags")
                .and_then(|f| f.value.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            recordable: r
                .fields
                .get("recordable")
                .and_then(|f| f.value.as_bool())
                .unwrap_or(false),
        }
    }

    /// The writes for what changed, or why the form cannot be saved.
    pub fn writes(&self, before: &Self, id: &str) -> Result<Vec<Write>, String> {
        let w = |f, v: Value| Write::new(&schema::INCIDENTS, id, f, v);
        let mut out = Vec::new();
        if self.kind != before.kind {
            out.push(w("kind", self.kind.as_str().into()));
        }
        if self.occurred_at != before.occurred_at {
            let value = match self.occurred_at.trim() {
                "" => Value::Null,
                t => format_rfc3339_ms(
                    from_local_input(t).ok_or("Give the date and time it happened.")?,
                )
                .into(),
            };
            out.push(w("occurred_at", value));
        }
        if parse_tags(&self.tags) != parse_tags(&before.tags) {
            let tags = parse_tags(&self.tags);
            if tags.len() > 20 || tags.iter().any(|t| t.chars().count() > 40) {
                return Err("Use at most 20 tags of at most 40 characters each.".into());
            }
            out.push(w(
                "tags",
                if tags.is_empty() {
                    Value::Null
                } else {
                    tags.into()
                },
            ));
        }
        if self.recordable != before.recordable {
            out.push(w("recordable", self.recordable.into()));
        }
        Ok(out)
    }
}

#[component]
pub fn RecordDetails(
    #[prop(into)] data: Signal<Option<IncidentData>>,
    #[prop(into)] editable: Signal<bool>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let users = use_directory();
    let stored =
        Memo::new(move |_| data.with(|d| d.as_ref().map(|d| Details::from_record(&d.incident))));
    let edited = RwSignal::new(None::<Details>);
    let message = RwSignal::new(None::<(bool, String)>);
    let shown = move || edited.get().or_else(|| stored.get()).unwrap_or_default();
    let edit = move |f: &dyn Fn(&mut Details)| {
        let mut d = shown();
        f(&mut d);
        edited.set(Some(d));
        message.set(None);
    };
    let safety = move || {
        data.with(|d| {
            d.as_ref()
                .and_then(|d| d.incident.str("category"))
                .is_some_and(|c| SAFETY_CATEGORIES.contains(&c))
        })
    };
    let reporter = move || {
        let id = data.with(|d| {
            d.as_ref()
                .and_then(|d| d.incident.str("reported_by").map(str::to_owned))
        });
        match id {
            Some(id) => users.with(|u| name_of(u, ctx.user.get().as_ref(), &id)),
            None => "not recorded".to_owned(),
        }
    };
    let saving = Saving::new(ctx, move |result| match result {
        Ok(()) => {
            edited.set(None);
            message.set(Some((true, "Details saved on this tablet".into())));
        }
        Err(e) => message.set(Some((false, storage_problem(&e)))),
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.busy_now() {
            return;
        }
        let (Some(before), Some(d)) = (stored.get_untracked(), data.get_untracked()) else {
            return;
        };
        let after = edited.get_untracked().unwrap_or_else(|| before.clone());
        match after.writes(&before, &d.incident.id) {
            Err(why) => message.set(Some((false, why))),
            Ok(w) if w.is_empty() => message.set(Some((true, "Nothing changed.".into()))),
            Ok(writes) => {
                saving.save(writes);
            }
        }
    };
    view! {
        <section class="section" aria-labelledby="details-heading">
            <h2 id="details-heading">"Details"</h2>
            <p class="status-line">"Reported by "<strong>{reporter}</strong></p>
            <form class="form" on:submit=save novalidate=true>
                <fieldset class="plain-fieldset" disabled=move || !editable.get()>
                    <div class="field-pair">
                        <div class="field">
                            <label for="kind">"Kind"</label>
                            <select id="kind" on:change=move |ev| { let v = event_target_value(&ev); edit(&|d| d.kind = v.clone()) }>
                                {KINDS.iter().map(|k| view! {
                                    <option value=*k prop:selected=move || shown().kind == *k>{label(k)}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="occurred-at">"Occurred at"</label>
                            <input id="occurred-at" type="datetime-local" prop:value=move || shown().occurred_at
                                on:input=move |ev| { let v = event_target_value(&ev); edit(&|d| d.occurred_at = v.clone()) } />
                        </div>
                    </div>
                    <div class="field">
                        <label for="tags">"Tags, separated by commas"</label>
                        <input id="tags" type="text" autocomplete="off" prop:value=move || shown().tags
                            on:input=move |ev| { let v = event_target_value(&ev); edit(&|d| d.tags = v.clone()) } />
                    </div>
                    <Show when=move || safety() || shown().recordable>
                        <div class="field field-check">
                            <input id="recordable" type="checkbox" prop:checked=move || shown().recordable
                                on:change=move |ev| { let v = event_target_checked(&ev); edit(&|d| d.recordable = v) } />
                            <label for="recordable">"Recordable (goes on the regulator log)"</label>
                        </div>
                    </Show>
                    <div class="button-row">
                        <button type="submit" class="button" disabled=move || saving.busy() aria-busy=move || saving.busy().to_string()>"Save details"</button>
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
