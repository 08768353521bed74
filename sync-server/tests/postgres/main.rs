//! What only the PostgreSQL store has to show, through real servers: several
//! servers sharing one database (sessions, blobs, the pull cursor under
//! concurrent writers), byte-wise clock order under any collation. The
//! protocol cases both stores share run on both from `tests/api` (see
//! `on_both_stores!` in its `support.rs`). Each test makes its own database
//! and drops it; how the tests find PostgreSQL (and what they do without
//! it) is in `common/postgres_db.rs`.

mod blobs;
mod concurrency;
#[path = "../common/postgres_db.rs"]
mod postgres_db;
mod protocol;
mod support;
