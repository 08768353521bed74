//! HTTP tests of the sync server: a real server on a random loopback port with
//! a temporary database, driven over the network as a tablet would.

mod auth;
mod durability;
mod errors;
mod headers;
mod history;
mod static_files;
mod support;
mod sync;
