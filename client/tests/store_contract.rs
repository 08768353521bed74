//! The memory store keeps the local store contract (the IndexedDB store runs
//! the same cases in Chromium, `app/tests/store_contract.rs`).

use outpost_client::storage::memory::MemoryStore;

outpost_client::store_contract_tests!(native, async { MemoryStore::new() });
