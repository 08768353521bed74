//! Where the incident happened: *Use my location* asks the browser for a fix
//! (latitude, longitude, accuracy); when that is refused or there is no fix,
//! the position can be typed in. Shown in words and in numbers.

use leptos::prelude::*;
use leptos::task::spawn_local;
use outpost_model::schema;
use serde_json::{Value, json};

use crate::browser::geolocation::{Fix, current_position};
use crate::incident_data::IncidentData;
use crate::saving::Saving;
use crate::state::{Ctx, storage_problem};
use outpost_client::edits::Write;
use outpost_client::record_forms::{fix_of, in_words, typed_location};

pub fn fix_location(fix: Fix) -> Value {
    json!({"lat": fix.lat, "lon": fix.lon, "accuracy_m": fix.accuracy_m.max(0.0)})
}

#[component]
pub fn Location(
    #[prop(into)] data: Signal<Option<IncidentData>>,
    #[prop(into)] editable: Signal<bool>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lat = RwSignal::new(String::new());
    let lon = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let stored = move || {
        data.with(|d| {
            d.as_ref().and_then(|d| {
                d.incident
                    .fields
                    .get("location")
                    .and_then(|f| fix_of(&f.value))
            })
        })
    };
    let saving = Saving::new(ctx, move |result| match result {
        Ok(()) => message.set(Some((true, "Location saved on this tablet".into()))),
        Err(e) => message.set(Some((false, storage_problem(&e)))),
    });
    let save = move |value: Value| {
        let Some(d) = data.get_untracked() else {
            return;
        };
        let writes = vec![Write::new(
            &schema::INCIDENTS,
            &d.incident.id,
            "location",
            value,
        )];
        saving.save(writes);
    };
    let locate = move |_| {
        busy.set(true);
        message.set(Some((true, "Looking for a position fix…".into())));
        spawn_local(async move {
            let answer = current_position().await;
            busy.set(false);
            match answer {
                Ok(fix) => {
                    lat.set(format!("{:.5}", fix.lat));
                    lon.set(format!("{:.5}", fix.lon));
                    save(fix_location(fix));
                }
                Err(why) => message.set(Some((false, format!("{why} Type the position below.")))),
            }
        });
    };
    let typed = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match typed_location(&lat.get_untracked(), &lon.get_untracked()) {
            Ok(v) => save(v),
            Err(why) => message.set(Some((false, why))),
        }
    };
    view! {
        <section class="section" aria-labelledby="location-heading">
            <h2 id="location-heading">"Location"</h2>
            <p class="status-line">
                {move || match stored() {
                    Some((la, lo, acc)) => in_words(la, lo, acc),
                    None => "No location yet.".to_owned(),
                }}
            </p>
            {move || stored().map(|(la, lo, acc)| view! {
                <p class="list-detail">
                    {format!("Latitude {la}, longitude {lo}")}
                    {acc.map(|m| format!(", accuracy {m:.0} m"))}
                </p>
            })}
            <Show when=move || editable.get()>
                <div class="button-row">
                    <button type="button" class="button" disabled=move || busy.get() on:click=locate>"Use my location"</button>
                </div>
                <form class="inline-form" on:submit=typed novalidate=true>
                    <div class="field-pair">
                        <div class="field">
                            <label for="latitude">"Latitude"</label>
                            <input id="latitude" type="text" inputmode="decimal" prop:value=move || lat.get()
                                on:input=move |ev| lat.set(event_target_value(&ev)) />
                        </div>
                        <div class="field">
                            <label for="longitude">"Longitude"</label>
                            <input id="longitude" type="text" inputmode="decimal" prop:value=move || lon.get()
                                on:input=move |ev| lon.set(event_target_value(&ev)) />
                        </div>
                    </div>
                    <div class="button-row">
                        <button type="submit" class="button" disabled=move || saving.busy() aria-busy=move || saving.busy().to_string()>"Save location"</button>
                    </div>
                </form>
            </Show>
            {move || message.get().map(|(ok, text)| {
                let class = if ok { "saved" } else { "form-error" };
                view! { <p class=class role=if ok { "status" } else { "alert" }>{text}</p> }
            })}
        </section>
    }
}
