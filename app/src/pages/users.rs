//! `/users`: admins list the accounts and add, disable, re-enable, reset and
//! re-role them. Accounts live on the server only, so the page needs the
//! network; the fresh list also refreshes the tablet's name directory.

mod add_user;
mod user_row;

use leptos::prelude::*;
use outpost_model::protocol::User;

use crate::components::unavailable::{Unavailable, sentences};
use crate::directory::{META_KEY, use_directory};
use crate::state::Ctx;
use add_user::AddUser;
use outpost_client::accounts::{NEEDS_NETWORK, account_problem};
use outpost_client::storage::save_meta;
use user_row::UserRow;

/// Whether the person on this tablet is an admin (the role they signed in
/// with; the server checks again on every request).

#[component]
pub fn UsersPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let token = Memo::new(move |_| ctx.session.with(|s| s.as_ref().map(|s| s.token.clone())));
    let online = Memo::new(move |_| ctx.status.with(|s| s.online()));
    let directory = use_directory();
    let reload = RwSignal::new(0_u32);
    let list = LocalResource::new(move || {
        reload.track();
        let (token, online, services) = (token.get(), online.get(), ctx.services());
        async move {
            let Some(token) = token else {
                return Err(Unavailable(
                    "Your session ended. Sign in again to manage accounts.".to_owned(),
                ));
            };
            if !online {
                return Err(Unavailable(NEEDS_NETWORK.to_owned()));
            }
            let users = services
                .api
                .users(&token)
                .await
                .map_err(|e| Unavailable(account_problem(&e)))?
                .users;
            // Best effort: the directory copy is only a cache for names.
            let _ = save_meta(&services.store, META_KEY, Some(&users)).await;
            directory.set(users.clone());
            Ok(users)
        }
    });
    let changed = Callback::new(move |()| reload.update(|n| *n += 1));
    // Read inside the `<Transition>`: the keyed rows stay on screen while the
    // list is fetched again after a change.
    let users = move || list.get().and_then(Result::ok).unwrap_or_default();
    let failed = move || list.get().map(|r| r.map(|_| ()));
    let me = move || ctx.user.with(|u| u.as_ref().map(|u| u.id.clone()));

    view! {
        <section class="page users-page">
            <div class="page-head"><h1>"Users"</h1></div>
            <Show
                when=move || ctx.is_admin()
                fallback=|| view! { <p class="notice">"Only an admin can manage accounts. Ask an admin to add, disable or change an account."</p> }
            >
                <Show
                    when=move || online.get()
                    fallback=|| view! { <p class="notice" role="status">{NEEDS_NETWORK}" Connect this tablet to the server's network and the accounts show here."</p> }
                >
                    <AddUser on_added=changed />
                    <section class="section" aria-labelledby="accounts-heading">
                        <h2 id="accounts-heading">"Accounts"</h2>
                        <Transition fallback=|| view! { <p class="loading">"Reading the accounts…"</p> }>
                            <ErrorBoundary fallback=|errors| view! { <p class="form-error" role="alert">{move || sentences(&errors)}</p> }>
                                {failed}
                                <ul class="plain-list account-list">
                                    <For each=users key=|u: &User| u.id.clone() let:user>
                                        {
                                            let id = user.id.clone();
                                            let current = Signal::derive(move || {
                                                users().into_iter().find(|u| u.id == id)
                                            });
                                            let mine = me() == Some(user.id.clone());
                                            view! { <UserRow user=user current=current mine=mine on_changed=changed /> }
                                        }
                                    </For>
                                </ul>
                            </ErrorBoundary>
                        </Transition>
                    </section>
                </Show>
            </Show>
        </section>
    }
}
