//! `/login`: sign in with username and password; the session is kept on the
//! tablet so that a reload stays signed in. While the server has no accounts
//! yet, the page offers *First-time setup* instead.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use outpost_model::protocol::{LoginRequest, LoginResponse};

use crate::state::{Ctx, storage_problem};
use outpost_client::api::ApiError;
use outpost_client::storage::Session;
use outpost_client::words::sentence;

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

/// Keeps a session the server just granted (sign-in or first-time setup) on
/// the tablet and starts syncing: the one way a person becomes signed in.
pub async fn keep_session(ctx: Ctx, answer: LoginResponse) -> Result<(), String> {
    let session = Session {
        token: answer.token,
        user: answer.user,
        expires_at: answer.expires_at,
    };
    ctx.signed_in(session)
        .await
        .map_err(|e| storage_problem(&e))
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
                Ok(r) => match keep_session(ctx, r).await {
                    Ok(()) => navigate("/", Default::default()),
                    Err(p) => problem.set(Some(p)),
                },
                Err(e) => problem.set(Some(sign_in_problem(&e))),
            }
        });
    };

    view! {
        <section class="page page-narrow">
            <h1>"Sign in"</h1>
            <SetupOffer />
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

/// Offers *First-time setup* while the server has no accounts yet; says
/// nothing offline or when the server cannot tell.
#[component]
fn SetupOffer() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // A memo, so that each sync's status update does not ask again.
    let online = Memo::new(move |_| ctx.status.with(|s| s.browser_online));
    let needed = LocalResource::new(move || {
        let (online, services) = (online.get(), ctx.services());
        async move { online && matches!(services.api.setup_status().await, Ok(s) if s.needed) }
    });
    view! {
        <Show when=move || needed.get().unwrap_or(false)>
            <div class="setup-offer">
                <p>
                    "This server has no accounts yet. Create the first admin with the setup code the server printed when it started."
                </p>
                <A href="/setup" attr:class="button button-primary">"First-time setup"</A>
            </div>
        </Show>
    }
}
