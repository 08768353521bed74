//! *Add photo*: opens the camera on a tablet (a file picker elsewhere), and
//! hands the shrunk, hashed JPEG to the page, which decides when to save it.
//! A file that is too large or not an image gets a sentence and nothing else.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::HtmlInputElement;

use crate::browser::photo::{jpeg_name, prepare};
use outpost_client::storage::StoredBlob;

/// A photo ready to save: its bytes and the name to store it under.
pub type Prepared = (StoredBlob, String);

#[component]
pub fn AddPhoto(
    /// The file input's id (unique on the page).
    input_id: &'static str,
    /// Receives each photo once it is fully processed.
    on_photo: Callback<Prepared>,
    /// Where progress and refusals are told: `(ok, sentence)`.
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let chosen = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // Cleared at once, so choosing the same file again fires again.
        input.set_value("");
        busy.set(true);
        message.set(Some((true, "Preparing the photo…".into())));
        spawn_local(async move {
            let result = prepare(&file).await;
            busy.set(false);
            match result {
                Ok(blob) => {
                    message.set(None);
                    on_photo.run((blob, jpeg_name(&file.name())));
                }
                Err(why) => message.set(Some((false, why))),
            }
        });
    };
    view! {
        <div class="photo-add">
            <label class="button file-button" for=input_id>
                {move || if busy.get() { "Preparing photo…" } else { "Add photo" }}
            </label>
            <input
                id=input_id
                class="visually-hidden"
                type="file"
                accept="image/*"
                capture="environment"
                disabled=move || busy.get()
                on:change=chosen
            />
        </div>
    }
}
