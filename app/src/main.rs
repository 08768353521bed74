//! Entry point of the browser bundle: mounts the app and nothing else.
fn main() {
    outpost_app::mount();
}
