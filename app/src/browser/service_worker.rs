//! Registers `/sw.js`, so the app opens with no network after one visit, and
//! notices when a new version is waiting. The new version takes over only when
//! the person taps *Reload*: code is never swapped under someone mid-edit.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

const SCRIPT: &str = "/sw.js";
/// What the page posts to a waiting worker to make it take over.
const SKIP_WAITING: &str = "skip-waiting";
/// How often a long-open app asks the server whether a new version is out.
const UPDATE_CHECK: Duration = Duration::from_secs(30 * 60);

fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // Absent on plain http other than localhost, and in some private modes.
    js_sys::Reflect::has(&navigator, &"serviceWorker".into())
        .unwrap_or(false)
        .then(|| navigator.service_worker())
}

/// Registers the worker and sets `ready` when a new version waits.
pub fn register(ready: RwSignal<bool>) {
    let Some(container) = container() else {
        return;
    };
    spawn_local(async move {
        let Ok(registration) = JsFuture::from(container.register(SCRIPT)).await else {
            return;
        };
        let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
            return;
        };
        watch(&container, &registration, ready);
        set_interval(
            move || {
                let registration = registration.clone();
                spawn_local(async move {
                    if let Ok(promise) = registration.update() {
                        // Offline, the check fails; the next one tries again.
                        let _ = JsFuture::from(promise).await;
                    }
                });
            },
            UPDATE_CHECK,
        );
    });
}

/// A worker waiting while another controls the page is a new version; the
/// very first install has no controller and is not news to anyone.
fn watch(
    container: &ServiceWorkerContainer,
    reg: &ServiceWorkerRegistration,
    ready: RwSignal<bool>,
) {
    if reg.waiting().is_some() && container.controller().is_some() {
        ready.set(true);
    }
    let (reg_for_found, container) = (reg.clone(), container.clone());
    let on_found = Closure::<dyn FnMut()>::new(move || {
        let Some(worker) = reg_for_found.installing() else {
            return;
        };
        let (watched, container) = (worker.clone(), container.clone());
        let on_state = Closure::<dyn FnMut()>::new(move || {
            if watched.state() == ServiceWorkerState::Installed && container.controller().is_some()
            {
                ready.set(true);
            }
        });
        worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
        // The worker outlives this closure's scope; so must its listener.
        on_state.forget();
    });
    reg.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
    on_found.forget();
}

/// *Reload*: lets the waiting version take over, then reloads into it.
pub fn apply_update() {
    let Some(container) = container() else {
        reload();
        return;
    };
    let on_change = Closure::<dyn FnMut()>::new(reload);
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
    spawn_local(async move {
        let waiting = JsFuture::from(container.get_registration())
            .await
            .ok()
            .and_then(|r| r.dyn_into::<ServiceWorkerRegistration>().ok())
            .and_then(|r| r.waiting());
        match waiting.map(|w| w.post_message(&SKIP_WAITING.into())) {
            Some(Ok(())) => {}
            // Nothing waiting (or it vanished): a plain reload is the update.
            _ => reload(),
        }
    });
}

pub fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}
