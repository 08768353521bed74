//! Several tabs on one tablet: only one syncs at a time (the Web Locks API,
//! lock `outpost-sync`), and each tells the others when stored records
//! changed (a BroadcastChannel), so they redraw without a reload. Both share
//! one IndexedDB, whose transactions keep the data itself consistent.

use std::cell::RefCell;
use std::future::Future;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::{BroadcastChannel, MessageEvent};

const LOCK: &str = "outpost-sync";
const CHANNEL: &str = "outpost";
const CHANGED: &str = "changed";

thread_local! {
    static OPEN: RefCell<Option<BroadcastChannel>> = const { RefCell::new(None) };
}

/// Runs `work` while holding the sync lock. Returns `false`, without running
/// it, when another tab holds the lock (that tab is syncing for both).
/// Without the Web Locks API, `work` simply runs.
pub async fn with_sync_lock(work: impl Future<Output = ()> + 'static) -> bool {
    let Some((locks, request)) = lock_manager() else {
        work.await;
        return true;
    };
    let got = std::rc::Rc::new(std::cell::Cell::new(false));
    let got_in = got.clone();
    let mut work = Some(work);
    let callback = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |lock: JsValue| {
        match (lock.is_null(), work.take()) {
            (false, Some(work)) => {
                got_in.set(true);
                // The lock is held until this promise settles.
                future_to_promise(async move {
                    work.await;
                    Ok(JsValue::UNDEFINED)
                })
                .into()
            }
            _ => Promise::resolve(&JsValue::NULL).into(),
        }
    });
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let answer = request.call3(
        &locks,
        &LOCK.into(),
        &options,
        callback.as_ref().unchecked_ref(),
    );
    if let Ok(promise) = answer.and_then(|p| p.dyn_into::<Promise>()) {
        let _ = JsFuture::from(promise).await;
    }
    // `callback` lives until here, past the lock's end.
    drop(callback);
    got.get()
}

fn lock_manager() -> Option<(JsValue, Function)> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = Reflect::get(&locks, &"request".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Some((locks, request))
}

/// Listens for other tabs' changes; `on_changed` runs for each.
pub fn listen(on_changed: impl Fn() + 'static) {
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        if ev.data().as_string().as_deref() == Some(CHANGED) {
            on_changed();
        }
    });
    channel.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The listener lives as long as the page.
    handler.forget();
    OPEN.with(|open| *open.borrow_mut() = Some(channel));
}

/// Tells the other tabs that stored records changed.
pub fn announce() {
    OPEN.with(|open| {
        if let Some(channel) = open.borrow().as_ref() {
            let _ = channel.post_message(&CHANGED.into());
        }
    });
}
