//! Test harness shared by the cross-crate tests: a real sync server on a
//! loopback port with a temporary database, and simulated tablets that are
//! the shipped client crate over its memory store and a native transport.

mod http;
mod server;
mod tablet;

pub use http::{HttpTransport, Network};
pub use server::TestServer;
pub use tablet::{Tablet, true_now_ms};
