//! The incident's *Photos* section: thumbnails (oldest first), *Add photo*
//! for those who may change the incident, and a full-screen view with
//! *Close*. A photo is saved with its record, its timeline entry and its
//! bytes in one local transaction, then uploaded after the next sync.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::add_photo::{AddPhoto, Prepared};
use crate::components::photo_thumb::PhotoThumb;
use crate::components::unavailable::{Unavailable, sentences};
use crate::now::wall_now;
use crate::state::{Ctx, storage_problem};
use outpost_client::photos::{attachment_writes, photos_of};
use outpost_client::storage::LocalStore;
use outpost_client::workflow::{can_edit, new_id};

#[component]
pub fn Photos(#[prop(into)] id: Signal<String>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let message = RwSignal::new(None::<(bool, String)>);
    let open = RwSignal::new(None::<(String, String)>);
    let data = LocalResource::new(move || {
        ctx.track("incidents");
        ctx.track("attachments");
        let id = id.get();
        let services = ctx.services();
        async move {
            let incident = services.store.record("incidents", &id).await?;
            let attachments = services.store.records("attachments").await?;
            Ok::<_, Unavailable>((incident, photos_of(&attachments, &id)))
        }
    });
    let photos = move || {
        data.get()
            .and_then(Result::ok)
            .map(|(_, p)| p)
            .unwrap_or_default()
    };
    // Read inside the `<Transition>`: the thumbnails stay while a save or a
    // sync re-reads them, and a storage failure shows as a sentence.
    let failed = move || data.get().map(|r| r.map(|_| ()));
    let editable = move || {
        let user = ctx.user.get();
        data.with(|d| match (user, d) {
            (Some(u), Some(Ok((Some(incident), _)))) => can_edit(&u, incident),
            _ => false,
        })
    };
    let add = Callback::new(move |(blob, name): Prepared| {
        let Some(user) = ctx.user.get_untracked() else {
            message.set(Some((
                false,
                "Sign in first: a photo needs an author.".into(),
            )));
            return;
        };
        let writes = attachment_writes(
            &id.get_untracked(),
            &new_id(),
            &blob,
            &name,
            &user.id,
            wall_now(ctx),
            &new_id(),
        );
        spawn_local(async move {
            match ctx.save_with_blobs(writes, &[blob]).await {
                Ok(()) => message.set(Some((true, format!("Photo {name} saved on this tablet")))),
                Err(e) => message.set(Some((false, storage_problem(&e)))),
            }
        });
    });
    let on_open = Callback::new(move |shown: (String, String)| open.set(Some(shown)));
    view! {
        <section class="section" aria-labelledby="photos-heading">
            <h2 id="photos-heading">"Photos"</h2>
            <Transition fallback=|| view! { <p class="loading">"Reading the photos…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <p class="form-error" role="alert">{move || sentences(&errors)}</p> }>
                    {failed}
                    <Show
                        when=move || !photos().is_empty()
                        fallback=|| view! { <p class="empty">"No photos yet."</p> }
                    >
                        <ul class="photo-grid">
                            <For each=photos key=|p| p.id.clone() let:photo>
                                <PhotoThumb photo=photo on_open=on_open />
                            </For>
                        </ul>
                    </Show>
                </ErrorBoundary>
            </Transition>
            <Show when=editable>
                <AddPhoto input_id="photo-input" on_photo=add message=message />
            </Show>
            {move || message.get().map(|(ok, text)| {
                let class = if ok { "saved" } else { "form-error" };
                view! { <p class=class role=if ok { "status" } else { "alert" }>{text}</p> }
            })}
            {move || open.get().map(|(url, alt)| view! { <PhotoViewer url=url alt=alt open=open /> })}
        </section>
    }
}

/// The photo over the whole screen; *Close* (or Escape) goes back.
#[component]
fn PhotoViewer(
    url: String,
    alt: String,
    open: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let close = NodeRef::<leptos::html::Button>::new();
    // Focus moves into the view so that a keyboard or switch user lands on Close.
    Effect::new(move || {
        if let Some(button) = close.get() {
            let _ = button.focus();
        }
    });
    let escape = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            open.set(None);
        }
    };
    let label = alt.clone();
    view! {
        <div class="photo-viewer" role="dialog" aria-modal="true" aria-label=label on:keydown=escape>
            <img src=url alt=alt />
            <button type="button" class="button button-primary" node_ref=close on:click=move |_| open.set(None)>
                "Close"
            </button>
        </div>
    }
}
