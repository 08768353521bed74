//! One page per route.

pub mod dashboard;
pub mod incident;
pub mod incident_list;
pub mod login;
pub mod my_actions;
pub mod new_incident;
pub mod problem;
pub mod problems;
pub mod regulator;
pub mod report;
pub mod settings;
pub mod setup;
pub mod sync_centre;
pub mod users;
