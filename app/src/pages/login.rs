//! `/login`: sign in with username and password; the session is kept on the
//! tablet so that a reload stays signed in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use outpost_model::protocol::LoginRequest;

use crate::api::ApiError;
use crate::scheduler::sentence;
use crate::state::{Ctx, storage_problem};
use crate::storage::Session;

/// What went wrong with a sign-in, in words.
pub fn sign_in_problem(e: &ApiError) -> String {
    match e {
        ApiError::Offline => "You're offline: sign-in needs the network the first time.".into(),
        ApiError::Unauthorized(_) => {
            "That username and password do not match. Check them and try again.".into()
        }
        other => format!("Could not sign in: {}", sentence(&other.to_string())),
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (name, pass) = (username.get_untracked(), password.get_untracked());
        if name.trim().is_empty() || pass.is_empty() {
            problem.set(Some("Enter your username and password.".into()));
            return;
        }
        busy.set(true);
        problem.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let services = ctx.services();
            let request = LoginRequest {
                username: name.trim().to_owned(),
                password: pass,
                device_id: services.device_id.clone(),
            };
            let answer = services.api.login(&request).await;
            busy.set(false);
            match answer {
                Ok(r) => {
                    let session = Session {
                        token: r.token,
                        user: r.user,
                        expires_at: r.expires_at,
                    };
                    match ctx.signed_in(session).await {
                        Ok(()) => navigate("/", Default::default()),
                        Err(e) => problem.set(Some(storage_problem(&e))),
                    }
                }
                Err(e) => problem.set(Some(sign_in_problem(&e))),
            }
        });
    };

    view! {
        <section class="page page-narrow">
            <h1>"Sign in"</h1>
            <Show when=move || ctx.session_ended()>
                <p class="notice">
                    "Your session ended. Sign in again; changes saved on this tablet are sent after that."
                </p>
            </Show>
            <form class="form" on:submit=submit>
                <div class="field">
                    <label for="username">"Username"</label>
                    <input
                        id="username"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        type="password"
                        autocomplete="current-password"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </div>
                {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                <button type="submit" class="button button-primary" disabled=move || busy.get()>
                    "Sign in"
                </button>
            </form>
        </section>
    }
}
