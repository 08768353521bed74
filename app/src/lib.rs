//! Outpost's browser app: a Leptos single-page app that keeps every record in
//! IndexedDB and syncs with the server whenever the network is there.

pub mod api;
pub mod clock;
pub mod storage;
pub mod sync;

/// Mounts the app into `document.body`.
pub fn mount() {}
