//! *Add user*: a username, a role and a first password for a new account.

use leptos::prelude::*;
use leptos::task::spawn_local;
use outpost_model::protocol::{NewUserRequest, Role};

use crate::state::Ctx;
use outpost_client::accounts::{
    PASSWORD_HINT, ROLES, account_problem, new_user_problem, role_label, role_summary, with_article,
};

#[component]
pub fn AddUser(on_added: Callback<()>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Reporter);
    let password = RwSignal::new(String::new());
    // `Ok` says what was done, `Err` why not.
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let request = NewUserRequest {
            name: name.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
            password: password.get_untracked(),
        };
        if let Some(p) = new_user_problem(&request.name, &request.password) {
            outcome.set(Some(Err(p)));
            return;
        }
        let Some(token) = ctx
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
        else {
            outcome.set(Some(Err(
                "Your session ended. Sign in again to manage accounts.".into(),
            )));
            return;
        };
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let answer = ctx.services().api.add_user(&token, &request).await;
            busy.set(false);
            match answer {
                Ok(user) => {
                    outcome.set(Some(Ok(format!(
                        "Added {} as {}. They can sign in now with the password you chose.",
                        user.name,
                        with_article(user.role)
                    ))));
                    name.set(String::new());
                    password.set(String::new());
                    on_added.run(());
                }
                Err(e) => outcome.set(Some(Err(account_problem(&e)))),
            }
        });
    };

    view! {
        <section class="section" aria-labelledby="add-user-heading">
            <h2 id="add-user-heading">"Add user"</h2>
            <form class="form" on:submit=submit>
                <div class="field">
                    <label for="new-user-name">"Username"</label>
                    <input id="new-user-name" type="text" autocomplete="off" autocapitalize="none" spellcheck="false"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="new-user-role">"Role"</label>
                    <select id="new-user-role" aria-describedby="new-user-role-hint"
                        prop:value=move || role.get().as_str()
                        on:change=move |ev| {
                            if let Some(r) = Role::parse(&event_target_value(&ev)) {
                                role.set(r);
                            }
                        }>
                        {ROLES.map(|r| view! { <option value=r.as_str() selected=r == Role::Reporter>{role_label(r)}</option> })}
                    </select>
                    <p class="field-hint" id="new-user-role-hint">
                        {move || format!("{}: {}.", role_label(role.get()), role_summary(role.get()))}
                    </p>
                </div>
                <div class="field">
                    <label for="new-user-password">"Password"</label>
                    <input id="new-user-password" type="password" autocomplete="new-password" aria-describedby="new-user-password-hint"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                    <p class="field-hint" id="new-user-password-hint">{PASSWORD_HINT}</p>
                </div>
                {move || outcome.get().map(|o| match o {
                    Ok(done) => view! { <p class="saved" role="status">{done}</p> }.into_any(),
                    Err(why) => view! { <p class="form-error" role="alert">{why}</p> }.into_any(),
                })}
                <div>
                    <button type="submit" class="button button-primary" disabled=move || busy.get()>"Add user"</button>
                </div>
            </form>
        </section>
    }
}
