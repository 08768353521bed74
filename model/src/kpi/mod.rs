//! Monthly KPIs for management, as pure functions of incidents, their
//! insert-only events and remediation actions, so the dashboard and the
//! printed report give the same numbers on every tablet with no network.
//!
//! # Definitions
//!
//! A report covers a [`Period`] `[start, end)` and stands at its **cut**: the
//! period's end, or the caller's `now` while the period is not over. Only
//! events stamped before the cut are read, so the report for October prints
//! the same numbers in November and in December (save for events that sync
//! late). Category, site, kind, `recordable` and action statuses have no
//! history; their current values are used.
//!
//! - **Filter**: site, category, kind and priority, each optional. The
//!   priority is the one in force at the cut (SLA rules: escalations count).
//!   Deleted incidents never count; cancelled ones count where they fit
//!   (opened, cancelled) and nowhere else.
//! - **Opened**: created (see [`Incident::created_ms`]) within the period.
//! - **Resolved**: at least one *Resolve* within the period, counted once
//!   however many times it was resolved. An incident resolved in October,
//!   reopened and resolved again in November counts in both months.
//! - **Closed**, **cancelled**: a change to that status within the period.
//! - **Backlog**: open (New, Acknowledged, In progress, On hold) at the cut.
//!   **Ageing** by whole days since creation, rounded down: 0–2, 3–7, 8–30
//!   and over 30 days.
//! - **MTTA**: creation → first response (the first status change out of
//!   New, as the response SLA counts it), over incidents whose first response
//!   falls in the period, so an acknowledged but unresolved incident counts.
//! - **MTTR**: working time from creation to the *last* Resolve within the
//!   period, over the resolved incidents. Working time is the resolution
//!   SLA's clock: on hold, and the span between Resolve and Reopen, do not
//!   count.
//! - **SLA compliance**, per target, `met ÷ decided`. Response and
//!   resolution are *decided* once, at the instant they are met or breached,
//!   whichever comes first; they are decided in the period when the SLA state
//!   ([`crate::sla::evaluate`]) was undecided (pending, paused, or the
//!   incident not yet logged) just before the period and decided (met, met
//!   late, breached) just before the cut. Met means met in time. So a
//!   response breached in October and given in November counts once, as
//!   missed, in October. Cancelled before a response or a resolution: not
//!   decided. **Update cadence** is judged for every incident that owed
//!   requestor updates at some instant in the period, and missed when it was
//!   overdue for one at any instant in the period; an incident left without
//!   news across a month end misses in both months.
//! - **Reopen rate**: of the resolved incidents, those reopened (Resolved or
//!   Closed → In progress) at least once before the cut.
//! - **Recurring**: category and site pairs shared by two or more incidents
//!   opened in the period, most first.
//! - **Actions**: of the filtered incidents (every action when no filter is
//!   set): outstanding at the cut, and of those, due before it. An action
//!   done after the cut was still outstanding then; a cancelled one never is.
//! - **Recordables**: incidents marked recordable that *occurred* in the
//!   period (date of injury, as the regulator log counts them), not
//!   cancelled. **Incident rate** = recordables × 200,000 ÷ hours worked,
//!   `None` when no hours are known. Hours worked are entered per site and
//!   month ([`HoursWorked`]); a month partly inside the period counts in
//!   proportion to the time inside it; the site filter applies to hours,
//!   the other filters do not. A `site_hours` collection may store them later.
//! - **Trend**: opened, resolved and backlog for each of the 12 months that
//!   end with the period's last month.
//!
//! Every ratio and mean is `None` when there is nothing to divide by.

mod facts;
mod hours;
mod period;
mod report;

use std::collections::BTreeMap;

pub use facts::{ActionItem, Incident, gather};
pub use hours::hours_worked;
pub use period::{Period, PeriodKind};
pub use report::{cut_of, report};

use crate::Priority;

/// Hours worked, by `(site id, year, month)`, entered by a manager.
pub type HoursWorked = BTreeMap<(String, i32, u32), f64>;

/// Which incidents a report covers; `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub site: Option<String>,
    pub category: Option<String>,
    pub priority: Option<Priority>,
    pub kind: Option<String>,
}

/// Everything a report reads.
#[derive(Debug, Clone, Copy)]
pub struct KpiInput<'a> {
    pub incidents: &'a [Incident],
    pub actions: &'a [ActionItem],
    pub hours: &'a HoursWorked,
}

/// The numbers of one period.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiReport {
    pub period: Period,
    /// The cut: `min(period end, now)`.
    pub as_of_ms: u64,
    pub opened: usize,
    pub resolved: usize,
    pub closed: usize,
    pub cancelled: usize,
    pub backlog: Backlog,
    pub mtta: DurationStats,
    pub mttr: DurationStats,
    pub sla: SlaCompliance,
    pub reopen_rate: Share,
    pub recurring: Vec<Recurring>,
    pub actions: ActionCounts,
    pub recordables: usize,
    pub hours_worked: f64,
    /// Recordables × 200,000 ÷ hours worked.
    pub incident_rate: Option<f64>,
    /// P1 to P5, always all five, then incidents with no priority if any.
    pub by_priority: Vec<Breakdown>,
    /// Categories and sites with anything to count, by code / id.
    pub by_category: Vec<Breakdown>,
    pub by_site: Vec<Breakdown>,
    /// Twelve months, oldest first, ending with the period's last month.
    pub trend: Vec<TrendPoint>,
}

/// Open incidents at the cut and how old they are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    pub open: usize,
    pub days_0_2: usize,
    pub days_3_7: usize,
    pub days_8_30: usize,
    pub over_30_days: usize,
}

/// Mean and median of a set of durations, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DurationStats {
    pub count: usize,
    pub mean_ms: Option<f64>,
    /// The middle value, or the mean of the two middle values.
    pub median_ms: Option<f64>,
}

/// `count` of `of`, and the share as a fraction 0–1 (`None` when `of` is 0).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Share {
    pub count: usize,
    pub of: usize,
    pub rate: Option<f64>,
}

impl Share {
    pub fn new(count: usize, of: usize) -> Self {
        let rate = (of > 0).then(|| count as f64 / of as f64);
        Self { count, of, rate }
    }
}

/// Targets met of targets decided, per SLA target.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SlaCompliance {
    pub response: Share,
    pub update: Share,
    pub resolution: Share,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurring {
    pub category: String,
    pub site: String,
    pub count: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionCounts {
    pub open: usize,
    pub overdue: usize,
}

/// The main counts for one priority, category or site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdown {
    /// `P1`…`P5` (empty for no priority), a category code, or a site id
    /// (empty for no site).
    pub key: String,
    pub opened: usize,
    pub resolved: usize,
    pub backlog: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrendPoint {
    pub year: i32,
    pub month: u32,
    pub opened: usize,
    pub resolved: usize,
    pub backlog: usize,
}

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_edges;
