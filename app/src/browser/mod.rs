//! Browser services outside the page's own data: the service worker that
//! keeps the app on the tablet, persistent storage, files in and out, photos
//! from the camera, and coordination between tabs.

pub mod files;
pub mod geolocation;
pub mod photo;
pub mod service_worker;
pub mod storage;
pub mod tabs;
