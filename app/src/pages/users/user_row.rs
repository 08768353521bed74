//! One account on the *Users* page: its role and state, and the admin's
//! controls: change the role (*Save*), *Disable* / *Enable*, *Reset password*.

use leptos::prelude::*;
use leptos::task::spawn_local;
use outpost_model::protocol::{Role, User, UserPatch};

use crate::state::Ctx;
use outpost_client::accounts::{
    Change, ROLES, account_problem, change_done, password_problem, role_label,
};

#[component]
pub fn UserRow(
    /// The account as first listed; its id and name do not change.
    user: User,
    /// The account as the server last listed it.
    current: Signal<Option<User>>,
    /// The person on this tablet, who is not offered *Disable*.
    mine: bool,
    on_changed: Callback<()>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (id, name) = (user.id.clone(), user.name.clone());
    let role_now = move || current.with(|u| u.as_ref().map_or(user.role, |u| u.role));
    let disabled_now = move || current.with(|u| u.as_ref().is_some_and(|u| u.disabled));
    let role = RwSignal::new(user.role);
    let password = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);

    let apply = {
        let (id, name) = (id.clone(), name.clone());
        move |change: Change| {
            let patch = match &change {
                Change::Role(r) => UserPatch {
                    role: Some(*r),
                    ..UserPatch::default()
                },
                Change::Disabled(d) => UserPatch {
                    disabled: Some(*d),
                    ..UserPatch::default()
                },
                Change::Password => {
                    let new = password.get_untracked();
                    if let Some(p) = password_problem(&new, None) {
                        outcome.set(Some(Err(p)));
                        return;
                    }
                    UserPatch {
                        password: Some(new),
                        ..UserPatch::default()
                    }
                }
            };
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
            let (id, name) = (id.clone(), name.clone());
            let role_before = role_now();
            spawn_local(async move {
                let answer = ctx.services().api.update_user(&token, &id, &patch).await;
                busy.set(false);
                outcome.set(Some(match answer {
                    Ok(_) => {
                        password.set(String::new());
                        Ok(change_done(&name, &change))
                    }
                    Err(e) => {
                        // The picker shows the role the account still has.
                        role.set(role_before);
                        Err(account_problem(&e))
                    }
                }));
                // After a refusal too: the list shows what the server holds.
                on_changed.run(());
            });
        }
    };
    let (save_role, toggle, reset) = (apply.clone(), apply.clone(), apply);
    let (role_id, password_id) = (format!("role-{id}"), format!("password-{id}"));

    view! {
        <li class="account" class:account-disabled=disabled_now>
            <div class="account-head">
                <span class="account-name">{name.clone()}</span>
                <span class="chip chip-role">{move || role_label(role_now())}</span>
                <Show when=disabled_now>
                    <span class="chip chip-disabled">"Disabled"</span>
                </Show>
                {mine.then(|| view! { <span class="account-you">"This is you"</span> })}
            </div>
            <div class="button-row">
                <div class="field field-inline">
                    <label for=role_id.clone()>"Role"<span class="visually-hidden">{format!(" of {name}")}</span></label>
                    <select id=role_id
                        prop:value=move || role.get().as_str()
                        on:change=move |ev| {
                            if let Some(r) = Role::parse(&event_target_value(&ev)) {
                                role.set(r);
                            }
                        }>
                        {ROLES.map(|r| view! { <option value=r.as_str() selected=r == user.role>{role_label(r)}</option> })}
                    </select>
                </div>
                <button type="button" class="button" disabled=move || busy.get()
                    on:click=move |_| save_role(Change::Role(role.get_untracked()))>
                    "Save"<span class="visually-hidden">{format!(" role of {name}")}</span>
                </button>
                {(!mine).then(|| view! {
                    <button type="button" class="button button-danger" disabled=move || busy.get()
                        on:click=move |_| toggle(Change::Disabled(!disabled_now()))>
                        {move || if disabled_now() { "Enable" } else { "Disable" }}
                        <span class="visually-hidden">{format!(" {name}")}</span>
                    </button>
                })}
            </div>
            <div class="button-row">
                <div class="field field-inline">
                    <label for=password_id.clone()>{format!("New password for {name}")}</label>
                    <input id=password_id type="password" autocomplete="new-password"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                </div>
                <button type="button" class="button" disabled=move || busy.get()
                    on:click=move |_| reset(Change::Password)>
                    "Reset password"<span class="visually-hidden">{format!(" for {name}")}</span>
                </button>
            </div>
            {move || outcome.get().map(|o| match o {
                Ok(done) => view! { <p class="saved" role="status">{done}</p> }.into_any(),
                Err(why) => view! { <p class="form-error" role="alert">{why}</p> }.into_any(),
            })}
        </li>
    }
}
