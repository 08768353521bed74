//! Outpost's tablet client with no I/O of its own: the local store contract
//! and its in-memory store, the sync loop, the device clock's correction,
//! conflicts, edits and their validation, the workflow's writes, the list
//! query, transfer of unsent changes, and the words they are shown in.
//!
//! The app gives it IndexedDB and `fetch` through the [`storage::LocalStore`]
//! and [`api::SyncTransport`] traits; the cross-crate tests give it a memory
//! store and a native HTTP client. Both therefore run this one copy.

pub mod accounts;
pub mod api;
pub mod clock;
pub mod edits;
pub mod list_query;
pub mod photos;
pub mod record_forms;
pub mod schedule;
pub mod storage;
pub mod sync;
#[cfg(feature = "testing")]
pub mod testing;
pub mod transfer;
pub mod words;
pub mod workflow;
