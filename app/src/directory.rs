//! The user directory behind names and the assignee picker: fetched from
//! `GET /api/v1/users` when signed in and online, kept in IndexedDB `meta` so
//! names still show with no network.

use leptos::prelude::*;
use leptos::task::spawn_local;
use outpost_model::protocol::User;

use crate::state::Ctx;
use outpost_client::storage::{load_meta, save_meta};

/// The `meta` key of the cached directory.
pub const META_KEY: &str = "users";

/// The directory as a context signal.
#[derive(Debug, Clone, Copy)]
pub struct Directory(pub RwSignal<Vec<User>>);

/// Provides the directory: the cached copy at once, then a fresh one from
/// the server whenever a session starts.
pub fn provide(ctx: Ctx) {
    let users = RwSignal::new(Vec::<User>::new());
    provide_context(Directory(users));
    spawn_local(async move {
        if let Ok(Some(cached)) = load_meta::<Vec<User>>(&ctx.services().store, META_KEY).await {
            users.set(cached);
        }
    });
    Effect::new(move |_| {
        let Some(token) = ctx.session.with(|s| s.as_ref().map(|s| s.token.clone())) else {
            return;
        };
        spawn_local(async move {
            // Offline or refused: the cached copy stays in use.
            let Ok(answer) = ctx.services().api.users(&token).await else {
                return;
            };
            // Best effort: the copy is only a cache.
            let _ = save_meta(&ctx.services().store, META_KEY, Some(&answer.users)).await;
            users.set(answer.users);
        });
    });
}

/// The directory provided by [`provide`], or an empty one.
pub fn use_directory() -> RwSignal<Vec<User>> {
    use_context::<Directory>()
        .map(|d| d.0)
        .unwrap_or_else(|| RwSignal::new(Vec::new()))
}

/// A person's name by user id; `me` covers the signed-in person before the
/// directory arrives, and an unknown id reads as "someone else".
pub fn name_of(users: &[User], me: Option<&User>, id: &str) -> String {
    users
        .iter()
        .chain(me)
        .find(|u| u.id == id)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| "someone else".to_owned())
}
