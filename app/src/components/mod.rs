//! Small pieces the pages are built from.

pub mod chart;
pub mod conflict_notice;
pub mod csv_download;
pub mod field;
pub mod incident_fields;
pub mod kpi_tiles;
pub mod priority_badge;
pub mod status_bar;
pub mod update_banner;
