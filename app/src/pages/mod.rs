//! One page per route.

pub mod incident;
pub mod incident_list;
pub mod login;
pub mod new_incident;
pub mod sync_centre;
