//! Photos on the quick-log form: taken before the incident is saved, shown
//! as small previews with *Remove*, and saved with the incident in the same
//! local transaction (nothing is stored until *Save*).

use leptos::prelude::*;

use crate::browser::photo::{object_url, revoke, size_in_words};
use crate::components::add_photo::{AddPhoto, Prepared};

#[component]
pub fn QuickPhotos(photos: RwSignal<Vec<Prepared>>) -> impl IntoView {
    let message = RwSignal::new(None::<(bool, String)>);
    let add = Callback::new(move |photo: Prepared| {
        let name = photo.1.clone();
        photos.update(|list| {
            // The same photo twice is one photo.
            if list.iter().all(|(b, _)| b.sha256 != photo.0.sha256) {
                list.push(photo);
            }
        });
        message.set(Some((
            true,
            format!("Photo {name} added; it is saved with the incident."),
        )));
    });
    view! {
        <fieldset class="field quick-photos">
            <legend>"Photos"</legend>
            <ul class="photo-grid">
                <For each=move || photos.get() key=|(b, _)| b.sha256.clone() let:photo>
                    <QuickPreview photo=photo photos=photos />
                </For>
            </ul>
            <AddPhoto input_id="quick-photo-input" on_photo=add message=message />
            {move || message.get().map(|(ok, text)| {
                let class = if ok { "saved" } else { "form-error" };
                view! { <p class=class role=if ok { "status" } else { "alert" }>{text}</p> }
            })}
        </fieldset>
    }
}

#[component]
fn QuickPreview(photo: Prepared, photos: RwSignal<Vec<Prepared>>) -> impl IntoView {
    let (blob, name) = photo;
    let url = object_url(&blob).ok();
    if let Some(u) = url.clone() {
        on_cleanup(move || revoke(&u));
    }
    let sha256 = blob.sha256.clone();
    let remove = move |_| photos.update(|list| list.retain(|(b, _)| b.sha256 != sha256));
    let size = size_in_words(blob.bytes.len() as f64);
    view! {
        <li class="photo-item">
            {url.map(|u| view! { <img class="photo-preview" src=u alt=format!("Photo {name}") /> })}
            <span class="list-detail">{format!("{name}, {size}")}</span>
            <button type="button" class="button button-quiet" on:click=remove aria-label=format!("Remove photo {name}")>
                "Remove"
            </button>
        </li>
    }
}
