//! Test harness shared by the cross-crate tests: a real sync server on a
//! loopback port with a temporary database, and simulated tablets that speak
//! sync protocol v1 with the same `model` code the app uses.

mod device;
mod server;

pub use device::{Device, SyncError};
pub use server::TestServer;
