//! *Hours worked* for one site in one month, entered by a manager on the
//! monthly report; the incident rate (recordables × 200,000 ÷ hours) needs it.
//! Each entry is a new `site_hours` record: the newest for a site and month
//! counts (`outpost_model::kpi::hours_worked`), so two tablets never clash.

use leptos::prelude::*;

use crate::saving::Saving;
use crate::state::{Ctx, storage_problem};
use outpost_client::record_forms::hours_writes;
use outpost_client::workflow::can_manage;

/// The form; shown to managers and admins only.
#[component]
pub fn HoursForm(
    /// Site ids and names.
    sites: Vec<(String, String)>,
    year: i32,
    month: u32,
    /// The month's name, for the heading ("November 2026").
    label: String,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let may = move || ctx.user.with(|u| u.as_ref().is_some_and(can_manage));
    let site = RwSignal::new(String::new());
    let hours = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let saving = Saving::new(ctx, move |result| match result {
        Ok(()) => {
            hours.set(String::new());
            message.set(Some((true, "Hours saved on this tablet.".to_owned())));
        }
        Err(e) => message.set(Some((false, storage_problem(&e)))),
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.busy_now() {
            return;
        }
        let id = uuid::Uuid::now_v7().to_string();
        let writes = match hours_writes(
            &id,
            &site.get_untracked(),
            year,
            month,
            &hours.get_untracked(),
        ) {
            Ok(w) => w,
            Err(why) => return message.set(Some((false, why))),
        };
        saving.save(writes);
    };
    view! {
        <Show when=may>
            <form class="form hours-form no-print" on:submit=save>
                <h2>{format!("Hours worked in {label}")}</h2>
                <p class="empty">"The incident rate needs the hours worked at each site."</p>
                <div class="field-pair">
                    <div class="field">
                        <label for="hours-site">"Site worked at"</label>
                        <select id="hours-site" on:change=move |ev| site.set(event_target_value(&ev))>
                            <option value="">"Choose a site"</option>
                            {sites.clone().into_iter().map(|(id, name)| {
                                view! { <option value=id>{name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="hours-worked">"Hours worked"</label>
                        <input
                            id="hours-worked"
                            inputmode="numeric"
                            prop:value=move || hours.get()
                            on:input=move |ev| hours.set(event_target_value(&ev))
                        />
                    </div>
                </div>
                <div class="actions">
                    <button type="submit" class="button button-primary" disabled=move || saving.busy() aria-busy=move || saving.busy().to_string()>"Save hours"</button>
                    {move || message.get().map(|(ok, text)| {
                        let class = if ok { "saved" } else { "form-error" };
                        view! { <p class=class role=if ok { "status" } else { "alert" }>{text}</p> }
                    })}
                </div>
            </form>
        </Show>
    }
}
