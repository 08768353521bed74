//! Browser services outside the page's own data: the service worker that
//! keeps the app on the tablet, and (later) storage persistence and tabs.

pub mod geolocation;
pub mod service_worker;
