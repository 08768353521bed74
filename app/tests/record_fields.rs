//! The incident's details form as writes: only what changed is written, in
//! values the schema accepts, and a time that is not a time is refused. (It
//! reads and writes local time through the browser, so it runs there; the
//! other forms' writes are tested natively in `client/tests/record_forms.rs`.)

use outpost_app::components::record_details::Details;
use outpost_client::testing::assert_valid_writes;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const INCIDENT: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";

#[wasm_bindgen_test]
fn details_write_only_what_changed_and_refuse_a_bad_time() {
    let before = Details {
        kind: "incident".into(),
        ..Details::default()
    };
    let after = Details {
        kind: "service_request".into(),
        tags: "pump, valve".into(),
        recordable: true,
        ..before.clone()
    };
    let writes = after.writes(&before, INCIDENT).unwrap();
    let fields: Vec<_> = writes.iter().map(|w| w.field).collect();
    assert_eq!(fields, ["kind", "tags", "recordable"]);
    assert_valid_writes(writes);
    let bad = Details {
        occurred_at: "yesterday".into(),
        ..before.clone()
    };
    assert!(bad.writes(&before, INCIDENT).is_err());
}
