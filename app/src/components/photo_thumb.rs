//! One photo's thumbnail: the bytes from this tablet, or fetched from the
//! server when shown (and kept); while they cannot be had, words instead of
//! a broken image. The object URL lives as long as the thumbnail.

use leptos::prelude::*;

use crate::browser::photo::{object_url, revoke, sha256_hex};
use crate::state::Ctx;
use outpost_client::api::{ApiError, BlobTransport};
use outpost_client::photos::Photo;
use outpost_client::storage::{LocalStore, StoredBlob};

/// What the thumbnail can show.
#[derive(Debug, Clone, PartialEq)]
enum Shown {
    Url(String),
    Missing(String),
}

/// The bytes of `sha256`: from this tablet, else from the server (kept once
/// their hash checks out).
async fn bytes_of(ctx: Ctx, sha256: &str, online: bool) -> Result<StoredBlob, String> {
    let services = ctx.services();
    match services.store.blob(sha256).await {
        Ok(Some(blob)) => return Ok(blob),
        Ok(None) => {}
        Err(e) => return Err(format!("Photo could not be read on this tablet: {e}.")),
    }
    let not_yet = "Photo not downloaded yet".to_owned();
    let Some(session) = ctx.session.get_untracked().filter(|_| online) else {
        return Err(not_yet);
    };
    match services.api.get_blob(&session.token, sha256).await {
        Ok(Some(blob)) => {
            if sha256_hex(&blob.bytes).await.ok().as_deref() != Some(sha256) {
                return Err(
                    "Photo could not be downloaded: the bytes were damaged on the way.".into(),
                );
            }
            // Shown even if it cannot be kept; it is fetched again next time.
            let _ = services.store.keep_blob(&blob).await;
            Ok(blob)
        }
        Ok(None) => Err("Photo not uploaded yet by the tablet that took it".into()),
        Err(ApiError::Offline) => Err(not_yet),
        Err(e) => Err(format!("Photo could not be downloaded: {e}")),
    }
}

#[component]
pub fn PhotoThumb(photo: Photo, on_open: Callback<(String, String)>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let urls = StoredValue::new_local(Vec::<String>::new());
    on_cleanup(move || {
        if let Some(list) = urls.try_get_value() {
            list.iter().for_each(|u| revoke(u));
        }
    });
    let sha256 = photo.sha256.clone();
    // A memo, so that a sync's progress updates to the status do not re-run;
    // a finished sync counts, as the first request after coming online may
    // still fail.
    let online = Memo::new(move |_| ctx.status.with(|s| (s.online(), s.last_synced_ms)));
    let loaded = LocalResource::new(move || {
        // Once shown, the bytes are kept in the object URL and nothing is
        // tracked, so nothing fetches them again.
        let have = urls.try_get_value().and_then(|u| u.last().cloned());
        if have.is_none() {
            // Until then, tried again when the network comes back, after
            // each sync, and when a sync brings photo records.
            online.track();
            ctx.track("attachments");
        }
        let online = online.get_untracked().0;
        let sha256 = sha256.clone();
        async move {
            if let Some(url) = have {
                return Shown::Url(url);
            }
            let blob = match bytes_of(ctx, &sha256, online).await {
                Ok(blob) => blob,
                Err(why) => return Shown::Missing(why),
            };
            match object_url(&blob) {
                Ok(url) => {
                    if urls.try_update_value(|u| u.push(url.clone())).is_none() {
                        // The thumbnail is gone already.
                        revoke(&url);
                    }
                    Shown::Url(url)
                }
                Err(_) => Shown::Missing("This browser could not show the photo".into()),
            }
        }
    });
    // Re-reads after a sync give the same URL; only a change redraws.
    let shown = Memo::new(move |_| loaded.get());
    let alt = photo.alt(crate::now::day_time);
    view! {
        <li class="photo-item">
            {move || match shown.get() {
                None => view! { <p class="photo-missing">"Opening photo…"</p> }.into_any(),
                Some(Shown::Missing(why)) => view! {
                    <p class="photo-missing">{why}<span class="visually-hidden">{format!(": {}", alt)}</span></p>
                }.into_any(),
                Some(Shown::Url(url)) => {
                    let (alt, open_url) = (alt.clone(), url.clone());
                    let label = format!("Open {alt}");
                    let shown_alt = alt.clone();
                    view! {
                        <button
                            type="button"
                            class="photo-thumb"
                            aria-label=label
                            on:click=move |_| on_open.run((open_url.clone(), shown_alt.clone()))
                        >
                            <img src=url alt=alt decoding="async" />
                        </button>
                    }.into_any()
                }
            }}
        </li>
    }
}
