//! Small pieces the pages are built from.

pub mod action_items;
pub mod assignee;
pub mod chart;
pub mod conflict_notice;
pub mod csv_download;
pub mod field;
pub mod history;
pub mod hours_form;
pub mod incident_fields;
pub mod incident_workflow;
pub mod kpi_tiles;
pub mod lifecycle;
pub mod list_filters;
pub mod location;
pub mod priority_badge;
pub mod problem_link;
pub mod record_details;
pub mod review;
pub mod sla_chips;
pub mod status_bar;
pub mod timeline;
pub mod update_banner;
