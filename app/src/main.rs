//! Entry point of the browser bundle: mounts the app and nothing else.

// Talc instead of Rust's default wasm allocator (dlmalloc), whose `malloc`
// was the top wasm function in profiles of a first sync and of opening the
// app with a year of data.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    outpost_app::mount();
}
