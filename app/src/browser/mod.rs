//! Browser services outside the page's own data: the service worker that
//! keeps the app on the tablet, persistent storage, files in and out, photos
//! from the camera, coordination between tabs, and the tablet's clock.

pub mod files;
pub mod geolocation;
pub mod photo;
pub mod service_worker;
pub mod storage;
pub mod tabs;

/// The tablet's own idea of now, in Unix milliseconds (not corrected).
pub fn tablet_now_ms() -> u64 {
    // `Date.now()` is a whole number of milliseconds since 1970.
    js_sys::Date::now().max(0.0) as u64
}
