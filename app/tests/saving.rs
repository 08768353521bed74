//! A save is an `Action`: while one is being written a second tap writes
//! nothing, and once it is done the next save goes through.

use leptos::prelude::*;
use outpost_app::saving::Saving;
use outpost_app::state::{Ctx, boot};
use outpost_client::edits::Write;
use outpost_client::storage::LocalStore;
use outpost_model::schema;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const INCIDENT: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";

/// An impact change and its priority event, as the incident page saves them.
fn impact_change() -> Vec<Write> {
    vec![
        Write::new(&schema::INCIDENTS, INCIDENT, "impact", 1),
        Write::new(&schema::EVENTS, "ev-1", "incident_id", INCIDENT),
        Write::new(&schema::EVENTS, "ev-1", "kind", "priority"),
    ]
}

/// A promise, and the function that resolves it, kept where a `Copy`
/// callback can reach it.
fn done_signal() -> (
    JsFuture,
    StoredValue<Option<js_sys::Function>, LocalStorage>,
) {
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
    (JsFuture::from(promise), StoredValue::new_local(resolve))
}

#[wasm_bindgen_test]
async fn a_second_tap_while_saving_writes_nothing() {
    // Mounting is what starts Leptos's task executor in the browser.
    leptos::mount::mount_to_body(|| ());
    let owner = Owner::new();
    owner.set();
    let booted = boot(|| {}).await.expect("the tablet's storage opens");
    let ctx = Ctx::provide(&booted);
    let store_len = || async { ctx.services().store.outbox_len().await.unwrap() };
    let before = store_len().await;
    let (finished, resolve) = done_signal();
    let outcomes = RwSignal::new(Vec::<bool>::new());
    let saving = Saving::new(ctx, move |result| {
        outcomes.update(|o| o.push(result.is_ok()));
        resolve.with_value(|f| f.as_ref().map(|f| f.call0(&JsValue::NULL)));
    });

    assert!(saving.save(impact_change()), "the first tap saves");
    assert!(saving.busy_now(), "pending while it is written");
    assert!(!saving.save(impact_change()), "the second tap is refused");
    finished.await.expect("the save finishes");

    assert_eq!(outcomes.get_untracked(), [true], "one save, and it worked");
    assert!(!saving.busy_now());
    assert_eq!(
        store_len().await,
        before + 3,
        "one save's changes in the outbox"
    );
    assert!(
        saving.save(impact_change()),
        "once done, the next tap saves"
    );
}
