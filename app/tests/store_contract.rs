//! The IndexedDB store, and the read cache over it, keep the local store
//! contract that the memory store keeps natively
//! (`client/src/testing/contract.rs`).

use wasm_bindgen_test::wasm_bindgen_test_configure;

mod common;

wasm_bindgen_test_configure!(run_in_browser);

mod indexeddb {
    use outpost_app::idb::IdbStore;

    use super::common::unique_db;

    outpost_client::store_contract_tests!(wasm, async {
        IdbStore::open(&unique_db("contract")).await.unwrap()
    });
}

mod cached_indexeddb {
    use outpost_app::idb::IdbStore;
    use outpost_client::storage::cache::Cached;

    use super::common::unique_db;

    outpost_client::store_contract_tests!(wasm, async {
        Cached::new(IdbStore::open(&unique_db("contract-cached")).await.unwrap())
    });
}
