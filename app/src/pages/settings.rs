//! `/settings`: whether the browser keeps Outpost's data for good, how much
//! room it has, and moving unsent changes between tablets as a file
//! (*Download unsent changes*, *Import changes*).

use leptos::prelude::*;
use leptos::task::spawn_local;
use outpost_model::time::format_rfc3339_ms;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use crate::browser::files::{download, read_chosen};
use crate::browser::storage::{estimate, persist, persisted, size_in_words};
use crate::browser::tablet_now_ms;
use crate::state::{Ctx, storage_problem};
use outpost_client::storage::{FailedChange, LocalStore, StoreError, load_meta, meta};
use outpost_client::transfer::{ChangesFile, import};
use outpost_client::words::changes;

/// What the Storage section says.
#[derive(Debug, Clone, PartialEq)]
struct StorageState {
    persistent: Option<bool>,
    room: Option<(f64, f64)>,
}

fn persistence_words(p: Option<bool>) -> &'static str {
    match p {
        Some(true) => {
            "Storage is persistent: the browser keeps Outpost's data even when the tablet runs low on space."
        }
        Some(false) => {
            "Storage is not persistent: if the tablet runs very low on space, the browser may clear Outpost's data, including changes not yet sent. Sync often, or install Outpost on the home screen, which usually makes it persistent."
        }
        None => "This browser does not say whether it keeps Outpost's data for good.",
    }
}

fn room_words(room: Option<(f64, f64)>) -> String {
    match room {
        Some((used, quota)) => format!(
            "Outpost uses {} of the {} this browser allows it.",
            size_in_words(used),
            size_in_words(quota)
        ),
        None => "This browser does not say how much room Outpost has.".to_owned(),
    }
}

async fn save_unsent(ctx: Ctx) -> Result<String, String> {
    let services = ctx.services();
    let store = &services.store;
    let read = async {
        let outbox = store.outbox(u32::MAX).await?;
        let refused = load_meta::<Vec<FailedChange>>(store, meta::FAILED).await?;
        Ok::<_, StoreError>((outbox, refused.unwrap_or_default()))
    };
    let (outbox, refused) = read.await.map_err(|e| storage_problem(&e))?;
    let now = services.clock.borrow().wall_ms(tablet_now_ms());
    let count = outbox.len() + refused.len();
    let file = ChangesFile::new(&services.device_id, format_rfc3339_ms(now), outbox, refused);
    let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    let stamp: String = format_rfc3339_ms(now)
        .chars()
        .filter(char::is_ascii_digit)
        .take(12)
        .collect();
    download(
        &format!("outpost-unsent-{stamp}.json"),
        "application/json",
        &text,
    )?;
    Ok(format!("Saved {} to a file.", changes(count)))
}

async fn import_chosen(ctx: Ctx, input: HtmlInputElement) -> Result<String, String> {
    let Some(text) = read_chosen(&input).await? else {
        return Err("Choose a file first.".to_owned());
    };
    let writes = import(&text).map_err(|e| e.to_string())?;
    let count = writes.len();
    if count == 0 {
        return Ok("The file holds no changes.".to_owned());
    }
    ctx.save(writes).await.map_err(|e| storage_problem(&e))?;
    input.set_value("");
    Ok(format!(
        "Imported {}. They were stamped with this tablet's clock, as edits made now, and are sent with the next sync.",
        changes(count)
    ))
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let storage = LocalResource::new(move || {
        // Every local save writes to the outbox, and so uses room.
        ctx.track("outbox");
        async move {
            StorageState {
                persistent: persisted().await,
                room: estimate().await,
            }
        }
    });
    let message = RwSignal::new(None::<(bool, String)>);
    let report = move |result: Result<String, String>| {
        message.set(Some(match result {
            Ok(text) => (true, text),
            Err(text) => (false, text),
        }));
    };
    let ask = move |_| {
        spawn_local(async move {
            let answer = persist().await;
            storage.refetch();
            report(match answer {
                Some(true) => Ok("The browser will keep Outpost's data.".to_owned()),
                _ => Err("The browser said no for now; it often agrees once Outpost is installed or used more.".to_owned()),
            });
        });
    };
    let save = move |_| spawn_local(async move { report(save_unsent(ctx).await) });
    let chosen = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        spawn_local(async move { report(import_chosen(ctx, input).await) });
    };
    let state = move || storage.get();
    view! {
        <section class="page">
            <h1>"Settings"</h1>
            <h2>"Storage on this tablet"</h2>
            {move || match state() {
                None => view! { <p class="loading">"Asking the browser…"</p> }.into_any(),
                Some(s) => view! {
                    <p>{persistence_words(s.persistent)}</p>
                    <p>{room_words(s.room)}</p>
                    {(s.persistent == Some(false)).then(|| view! {
                        <button type="button" class="button" on:click=ask>"Keep data on this tablet"</button>
                    })}
                }.into_any(),
            }}
            <h2>"Unsent changes"</h2>
            <p>
                "Save the changes not yet sent (and any the server refused) to a file, for example before handing the tablet over. Import changes on any signed-in tablet sends them from there."
            </p>
            <div class="actions-inline">
                <button type="button" class="button button-primary" on:click=save>"Download unsent changes"</button>
                <label class="button file-button" for="import-file">"Import changes"</label>
                <input id="import-file" class="visually-hidden" type="file" accept=".json,application/json" on:change=chosen />
            </div>
            <p class="empty">
                "Imported changes are checked first; a file with any invalid change is refused whole. They are stamped with this tablet's clock, so they count as edits made now."
            </p>
            {move || message.get().map(|(ok, text)| {
                let class = if ok { "saved" } else { "form-error" };
                view! { <p class=class role=if ok { "status" } else { "alert" }>{text}</p> }
            })}
        </section>
    }
}
