//! HTTP tests of the sync server: a real server on a random loopback port with
//! a temporary database, driven over the network as a tablet would. The
//! protocol cases that depend on the store run on SQLite and on PostgreSQL
//! (`on_both_stores!` in `support.rs`).

mod accounts;
mod auth;
mod blobs;
mod blobs_durability;
mod cli;
mod demo;
mod durability;
mod error_paths;
mod errors;
mod fuzz;
mod headers;
mod history;
mod logs;
mod metrics;
mod openapi;
#[path = "../common/postgres_db.rs"]
mod postgres_db;
mod roles;
mod setup;
mod static_files;
mod support;
mod sync;
mod sync_records;
mod timeout;
