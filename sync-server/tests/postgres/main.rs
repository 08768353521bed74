//! The PostgreSQL store through real servers: the protocol's behaviour, blobs, and
//! the pull cursor under concurrent writers on two servers sharing one
//! database. Each test makes its own database and drops it; how the tests
//! find PostgreSQL (and what they do without it) is in `support.rs`.

mod blobs;
mod concurrency;
mod protocol;
mod support;
