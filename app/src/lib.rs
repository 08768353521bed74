//! Outpost's browser app: a Leptos single-page app that keeps every record in
//! IndexedDB and syncs with the server whenever the network is there. The
//! tablet's logic is `outpost_client`; this crate gives it IndexedDB,
//! `fetch` and the browser, and draws the pages.

pub mod api;
pub mod app;
pub mod browser;
pub mod components;
pub mod directory;
pub mod export;
pub mod idb;
pub mod incident_data;
pub mod kpi;
pub mod now;
pub mod pages;
pub mod saving;
pub mod scheduler;
pub mod state;

/// Mounts the app into `document.body`.
pub fn mount() {
    leptos::mount::mount_to_body(app::App);
}
