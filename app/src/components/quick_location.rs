//! *Use my location* on the quick log: the fix is taken while the form is
//! open and saved with the incident in the same save. Typing a position by
//! hand is on the incident page, where there is room for it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::browser::geolocation::current_position;
use crate::components::location::fix_location;
use outpost_client::record_forms::{fix_of, in_words};

#[component]
pub fn QuickLocation(location: RwSignal<Option<Value>>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let locate = move |_| {
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let answer = current_position().await;
            busy.set(false);
            match answer {
                Ok(fix) => location.set(Some(fix_location(fix))),
                Err(why) => problem.set(Some(format!(
                    "{why} You can type the position on the incident page after saving."
                ))),
            }
        });
    };
    let shown = move || {
        location.with(|l| {
            l.as_ref()
                .and_then(fix_of)
                .map(|(lat, lon, acc)| in_words(lat, lon, acc))
        })
    };
    view! {
        <fieldset class="field quick-location">
            <legend>"Location"</legend>
            <p class="status-line">
                {move || if busy.get() {
                    "Looking for a position fix…".to_owned()
                } else {
                    shown().unwrap_or_else(|| "No location yet.".to_owned())
                }}
            </p>
            <div class="button-row">
                <button type="button" class="button" disabled=move || busy.get() on:click=locate>
                    "Use my location"
                </button>
                <Show when=move || location.with(Option::is_some)>
                    <button type="button" class="button button-quiet" on:click=move |_| location.set(None)>
                        "Remove location"
                    </button>
                </Show>
            </div>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
        </fieldset>
    }
}
