//! Small pieces the pages are built from.

pub mod conflict_notice;
pub mod field;
pub mod incident_fields;
pub mod priority_badge;
pub mod status_bar;
pub mod update_banner;
