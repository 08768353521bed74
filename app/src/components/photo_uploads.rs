//! The sync centre's *Photos* part: how many photos still wait to upload and,
//! for each one the server refused for good, which photo and why.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::unavailable::{Unavailable, sentences};
use crate::state::Ctx;
use outpost_client::photos::{still_to_send, waiting_in_words};
use outpost_client::storage::{LocalStore, StoredRecord, Upload};

/// One refused photo: its name, its incident's title and link, the reason.
#[derive(Debug, Clone, PartialEq)]
struct Refused {
    sha256: String,
    name: String,
    incident: Option<(String, String)>,
    reason: String,
}

fn refused(
    uploads: &[Upload],
    attachments: &[StoredRecord],
    incidents: &[StoredRecord],
) -> Vec<Refused> {
    uploads
        .iter()
        .filter_map(|u| {
            let reason = u.refused.clone()?;
            let attachment = attachments
                .iter()
                .find(|a| a.str("sha256") == Some(&u.sha256));
            let incident = attachment
                .and_then(|a| a.str("incident_id"))
                .and_then(|id| incidents.iter().find(|i| i.id == id))
                .map(|i| {
                    let title = i.str("title").unwrap_or("Incident without a title");
                    (title.to_owned(), format!("/incidents/{}", i.id))
                });
            Some(Refused {
                sha256: u.sha256.clone(),
                name: attachment
                    .and_then(|a| a.str("name"))
                    .unwrap_or("A photo")
                    .to_owned(),
                incident,
                reason: outpost_client::words::sentence(&reason),
            })
        })
        .collect()
}

#[component]
pub fn PhotoUploads() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let data = LocalResource::new(move || {
        ctx.track("uploads");
        ctx.track("attachments");
        ctx.track("incidents");
        ctx.status.with(|s| (s.photos_waiting, s.syncing));
        let services = ctx.services();
        async move {
            let store = &services.store;
            let uploads = store.uploads().await?;
            let attachments = store.records("attachments").await?;
            let incidents = store.records("incidents").await?;
            Ok::<_, Unavailable>((
                still_to_send(&uploads),
                refused(&uploads, &attachments, &incidents),
            ))
        }
    });
    // Read inside the `<Transition>`: the count and the keyed list stay on
    // screen while a sync's progress re-reads them.
    let shown = move || data.get().and_then(Result::ok).unwrap_or_default();
    let failed = move || data.get().map(|r| r.map(|_| ()));
    view! {
        <h2>"Photos"</h2>
        <Transition fallback=|| view! { <p class="loading">"Counting the photos…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <p class="form-error" role="alert">{move || sentences(&errors)}</p> }>
                {failed}
                <p class="empty">
                    {move || match shown().0 {
                        0 => "No photos waiting: every photo taken here has reached the server.".to_owned(),
                        n => format!("{}; they are sent after the next sync.", waiting_in_words(n)),
                    }}
                </p>
                <Show when=move || !shown().1.is_empty()>
                    <p>"The server refused these photos; they stay on this tablet and are not sent again:"</p>
                    <ul class="plain-list">
                        <For each=move || shown().1 key=|r| r.sha256.clone() let:r>
                            <li>
                                {match r.incident {
                                    Some((title, href)) => view! { <A href=href attr:class="record-link">{title}</A> }.into_any(),
                                    None => view! { <strong>"A photo"</strong> }.into_any(),
                                }}
                                <span class="list-detail">{format!("{}: {}", r.name, r.reason)}</span>
                            </li>
                        </For>
                    </ul>
                </Show>
            </ErrorBoundary>
        </Transition>
    }
}
