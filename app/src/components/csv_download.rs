//! The CSV export controls: the *Include BOM for Excel* choice and a button
//! per file, each building its text when pressed.

use leptos::prelude::*;

use crate::export::download;

/// Whether to start files with a byte order mark, shared by a page's buttons.
#[component]
pub fn BomChoice(bom: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="check">
            <input
                type="checkbox"
                prop:checked=move || bom.get()
                on:change=move |ev| bom.set(event_target_checked(&ev))
            />
            "Include BOM for Excel"
        </label>
    }
}

/// A button that downloads the `(file name, text)` that `make` builds; a
/// failure is put into `problem` as a sentence.
#[component]
pub fn DownloadButton(
    label: &'static str,
    make: Callback<(), Option<(String, String)>>,
    problem: RwSignal<Option<String>>,
) -> impl IntoView {
    let press = move |_| {
        if let Some((name, text)) = make.run(()) {
            problem.set(download(&name, &text).err());
        }
    };
    view! {
        <button type="button" class="button" on:click=press>{label}</button>
    }
}
