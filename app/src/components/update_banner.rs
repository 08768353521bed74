//! *A new version is ready* with *Reload*: shown when a new version of the app
//! has been downloaded; nothing changes until the person taps the button.

use leptos::prelude::*;

use crate::browser::service_worker::apply_update;
use crate::state::Ctx;

#[component]
pub fn UpdateBanner() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <Show when=move || ctx.update_ready.get()>
            <div class="update-banner">
                <p>
                    <strong>"A new version is ready."</strong>
                    " Save what you are typing, then reload to use it."
                </p>
                <button type="button" class="button button-primary" on:click=|_| apply_update()>
                    "Reload"
                </button>
            </div>
        </Show>
    }
}
