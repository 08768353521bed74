//! The incident form's controls, shared by the new-incident and incident
//! pages: the quick-log fields first, big enough for one thumb.

use leptos::prelude::*;
use outpost_model::priority::level_label;
use outpost_model::schema::{CATEGORIES, STATUSES, label};

use crate::components::field::{SelectField, TextField};
use crate::components::priority_badge::PriorityBadge;
use outpost_client::edits::{FormField, IncidentForm};

/// The id of the datalist of known site names.
pub const SITE_LIST: &str = "site-names";

fn levels() -> Vec<(String, String)> {
    (1..=3)
        .map(|n| (n.to_string(), format!("{n} {}", level_label(n))))
        .collect()
}

fn codes(codes: &[&str], placeholder: Option<&str>) -> Vec<(String, String)> {
    placeholder
        .map(|p| (String::new(), p.to_owned()))
        .into_iter()
        .chain(codes.iter().map(|c| ((*c).to_owned(), label(c).to_owned())))
        .collect()
}

/// The fields of an incident. `form` is what the controls show; `set` is
/// called with each edit; `errors` holds the problems by field.
#[component]
pub fn IncidentFields(
    #[prop(into)] form: Signal<IncidentForm>,
    set: Callback<(FormField, String)>,
    #[prop(into)] errors: Signal<Vec<(FormField, String)>>,
    #[prop(into)] site_names: Signal<Vec<String>>,
    #[prop(optional)] with_status: bool,
) -> impl IntoView {
    let value = move |f: FormField| Signal::derive(move || form.with(|x| f.get(x).to_owned()));
    let error = move |f: FormField| {
        Signal::derive(move || {
            errors.with(|es| es.iter().find(|(g, _)| *g == f).map(|(_, m)| m.clone()))
        })
    };
    let on = move |f: FormField| Callback::new(move |v: String| set.run((f, v)));
    let priority = Signal::derive(move || form.with(IncidentForm::priority));
    let category_placeholder = Some("Choose a category");
    view! {
        <TextField
            label="Title"
            id="title"
            required=true
            value=value(FormField::Title)
            on_input=on(FormField::Title)
            error=error(FormField::Title)
        />
        <SelectField
            label="Category"
            id="category"
            options=codes(CATEGORIES, category_placeholder)
            value=value(FormField::Category)
            on_change=on(FormField::Category)
            error=error(FormField::Category)
        />
        <TextField
            label="Site"
            id="site"
            list=SITE_LIST
            value=value(FormField::Site)
            on_input=on(FormField::Site)
            error=error(FormField::Site)
        />
        <datalist id=SITE_LIST>
            <For each=move || site_names.get() key=|n| n.clone() let:name>
                <option value=name></option>
            </For>
        </datalist>
        <div class="field-pair">
            <SelectField
                label="Impact"
                id="impact"
                options=levels()
                value=value(FormField::Impact)
                on_change=on(FormField::Impact)
                error=error(FormField::Impact)
            />
            <SelectField
                label="Urgency"
                id="urgency"
                options=levels()
                value=value(FormField::Urgency)
                on_change=on(FormField::Urgency)
                error=error(FormField::Urgency)
            />
        </div>
        <p class="derived-priority">
            <span>
                {move || match priority.get() {
                    Some(p) => format!("Priority: {}", p.description()),
                    None => "Priority: not set".to_owned(),
                }}
            </span>
            <PriorityBadge priority=priority />
        </p>
        {with_status
            .then(|| {
                view! {
                    <SelectField
                        label="Status"
                        id="status"
                        options=codes(STATUSES, None)
                        value=value(FormField::Status)
                        on_change=on(FormField::Status)
                        error=error(FormField::Status)
                    />
                }
            })}
        <TextField
            label="Description"
            id="description"
            multiline=true
            value=value(FormField::Description)
            on_input=on(FormField::Description)
            error=error(FormField::Description)
        />
    }
}
