//! One page per route.

pub mod dashboard;
pub mod incident;
pub mod incident_list;
pub mod login;
pub mod new_incident;
pub mod regulator;
pub mod report;
pub mod setup;
pub mod sync_centre;
pub mod users;
