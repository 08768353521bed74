//! Labelled form controls with their problem shown next to them in words.

use leptos::prelude::*;

/// A text input (or, `multiline`, a text area) with a visible label.
#[component]
pub fn TextField(
    label: &'static str,
    id: &'static str,
    #[prop(into)] value: Signal<String>,
    on_input: Callback<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] list: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described = {
        let error_id = error_id.clone();
        move || error.with(Option::is_some).then(|| error_id.clone())
    };
    let invalid = move || error.with(Option::is_some).then_some("true");
    let control = if multiline {
        view! {
            <textarea
                id=id
                rows="4"
                aria-describedby=described
                aria-invalid=invalid
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                type="text"
                id=id
                list=list
                autocomplete="off"
                required=required
                aria-describedby=described
                aria-invalid=invalid
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {control}
            <FieldError id=error_id error=error />
        </div>
    }
}

/// A select with a visible label; `options` are `(value, text)` pairs.
#[component]
pub fn SelectField(
    label: &'static str,
    id: &'static str,
    options: Vec<(String, String)>,
    #[prop(into)] value: Signal<String>,
    on_change: Callback<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described = {
        let error_id = error_id.clone();
        move || error.with(Option::is_some).then(|| error_id.clone())
    };
    let options = options
        .into_iter()
        .map(|(v, text)| {
            let selected = {
                let v = v.clone();
                move || value.with(|cur| *cur == v)
            };
            view! { <option value=v prop:selected=selected>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select
                id=id
                aria-describedby=described
                prop:value=move || value.get()
                on:change=move |ev| on_change.run(event_target_value(&ev))
            >
                {options}
            </select>
            <FieldError id=error_id error=error />
        </div>
    }
}

#[component]
fn FieldError(id: String, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || error.with(Option::is_some)>
            <p class="field-error" id=id.clone()>
                {move || error.get()}
            </p>
        </Show>
    }
}
