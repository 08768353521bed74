//! `/setup`: *First-time setup* creates the server's first admin with the
//! one-time code the server printed when it started, then signs them in the
//! same way as `/login` does.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use outpost_model::protocol::SetupRequest;

use crate::pages::login::keep_session;
use crate::state::Ctx;
use outpost_client::accounts::{
    PASSWORD_HINT, SetupProblem, WHERE_THE_CODE_IS, setup_form_problem, setup_problem,
};

#[component]
pub fn SetupPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let navigate = use_navigate();
    let code = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<SetupProblem>);
    let busy = RwSignal::new(false);
    // Says at once when there is nothing to set up, instead of after typing.
    let needed = LocalResource::new(move || {
        let services = ctx.services();
        async move { services.api.setup_status().await.map(|s| s.needed) }
    });
    let already = move || matches!(needed.get(), Some(Ok(false)));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let request = SetupRequest {
            code: code.get_untracked(),
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            device_id: ctx.services().device_id.clone(),
        };
        if let Some(p) = setup_form_problem(
            &request.code,
            &request.username,
            &request.password,
            &confirm.get_untracked(),
        ) {
            problem.set(Some(SetupProblem {
                message: p,
                offer_sign_in: false,
            }));
            return;
        }
        busy.set(true);
        problem.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let answer = ctx.services().api.setup(&request).await;
            busy.set(false);
            let outcome = match answer {
                Ok(r) => keep_session(ctx, r).await.map_err(|message| SetupProblem {
                    message,
                    offer_sign_in: false,
                }),
                Err(e) => Err(setup_problem(&e)),
            };
            match outcome {
                Ok(()) => navigate("/", Default::default()),
                Err(p) => problem.set(Some(p)),
            }
        });
    };

    view! {
        <section class="page page-narrow">
            <h1>"First-time setup"</h1>
            <Show
                when=move || !already()
                fallback=|| view! {
                    <p class="notice">
                        "This server is already set up: sign in with your account, or ask an admin to add one for you."
                    </p>
                    <A href="/login" attr:class="button button-primary">"Sign in"</A>
                }
            >
                <p>"This server has no accounts yet. The first account is an admin, who then adds everyone else under Users."</p>
                <p class="notice" id="code-where">{WHERE_THE_CODE_IS}</p>
                {move || matches!(needed.get(), Some(Err(_))).then(|| view! {
                    <p class="notice">"The server could not be asked whether setup is needed; you can still try."</p>
                })}
                <form class="form" on:submit=submit.clone()>
                    <Field id="setup-code" label="Setup code" value=code kind="text" autocomplete="off" described="code-where" />
                    <Field id="setup-username" label="Username" value=username kind="text" autocomplete="username" described="" />
                    <Field id="setup-password" label="Password" value=password kind="password" autocomplete="new-password" described="password-hint" />
                    <p class="field-hint" id="password-hint">{PASSWORD_HINT}</p>
                    <Field id="setup-confirm" label="Confirm password" value=confirm kind="password" autocomplete="new-password" described="" />
                    {move || problem.get().map(|p| view! {
                        <p class="form-error" role="alert">{p.message}</p>
                        {p.offer_sign_in.then(|| view! {
                            <div><A href="/login" attr:class="button button-primary">"Sign in"</A></div>
                        })}
                    })}
                    <button type="submit" class="button button-primary" disabled=move || busy.get()>
                        "Create admin and sign in"
                    </button>
                </form>
            </Show>
        </section>
    }
}

/// One labelled text or password input bound to `value`.
#[component]
fn Field(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    kind: &'static str,
    autocomplete: &'static str,
    /// The id of the text that explains the field, or "".
    described: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type=kind
                autocomplete=autocomplete
                autocapitalize="none"
                spellcheck="false"
                aria-describedby=(!described.is_empty()).then_some(described)
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}
