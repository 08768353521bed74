//! Outpost's browser app: a Leptos single-page app that keeps every record in
//! IndexedDB and syncs with the server whenever the network is there.

pub mod accounts;
pub mod api;
pub mod app;
pub mod browser;
pub mod clock;
pub mod components;
pub mod directory;
pub mod edits;
pub mod export;
pub mod incident_data;
pub mod kpi;
pub mod list_query;
pub mod now;
pub mod pages;
pub mod photos;
pub mod scheduler;
pub mod state;
pub mod storage;
pub mod sync;
pub mod transfer;
pub mod words;
pub mod workflow;

/// Mounts the app into `document.body`.
pub fn mount() {
    leptos::mount::mount_to_body(app::App);
}
