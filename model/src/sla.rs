//! Service levels: where an incident stands against its response,
//! requestor-update and resolution targets at a given time, computed only from
//! its timeline events and a clock passed in, so every tablet shows the same
//! countdown with no network.
//!
//! Default targets by priority, in calendar time (24 × 7; business calendars
//! can come later):
//!
//! | priority | first response | requestor update, at least every | resolution |
//! |----------|----------------|----------------------------------|------------|
//! | P1       | 15 min         | 1 h                              | 4 h        |
//! | P2       | 1 h            | 4 h                              | 1 day      |
//! | P3       | 4 h            | 84 h (twice a week)              | 3 days     |
//! | P4       | 1 day          | 84 h (twice a week)              | 7 days     |
//! | P5       | 3 days         | 84 h (twice a week)              | 30 days    |
//!
//! The rules:
//! - **First response** is met by the first status change out of New (to
//!   Acknowledged, or straight to In progress). It is measured from creation.
//!   An incident cancelled before any response has no response target.
//! - **Requestor updates** are due while the incident is open, every
//!   interval above, counted from the latest *requestor update* event (or from
//!   creation before the first). Internal notes do not count. On hold does not
//!   pause it: a requestor waiting on a held incident still deserves news.
//!   Resolved, closed and cancelled incidents owe no updates.
//! - **Resolution** counts the time the incident spends in New, Acknowledged
//!   and In progress. On hold pauses it, and so does the time between Resolve
//!   and Reopen: a reopened incident carries on from the time it had used.
//!   It is met when the incident is Resolved or Closed at the time asked.
//! - **Priority changes**: a target is always the target of the priority in
//!   force at the moment it is judged (now for a running clock, the moment it
//!   was met for a met one), measured from creation. Escalating a P3 to P1
//!   two hours in therefore breaches a 15-minute response at once: the
//!   requestor has waited those two hours. The priority before the first
//!   priority event is that event's `from`; after the last, the incident's
//!   current impact and urgency.
//! - The state is the state at `now_ms`: events stamped later are ignored, so
//!   the same function answers "where were we at the end of the month".

use crate::{
    Event, EventKind, Priority,
    status::Status,
    time::{DAY_MS, HOUR_MS, MINUTE_MS, human_duration},
};

/// How long each target allows, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    pub response_ms: u64,
    pub update_ms: u64,
    pub resolution_ms: u64,
}

/// Twice a week.
const TWICE_A_WEEK_MS: u64 = 84 * HOUR_MS;

/// The default targets for a priority (the table above).
pub fn targets(priority: Priority) -> Targets {
    let (response_ms, update_ms, resolution_ms) = match priority {
        Priority::P1 => (15 * MINUTE_MS, HOUR_MS, 4 * HOUR_MS),
        Priority::P2 => (HOUR_MS, 4 * HOUR_MS, DAY_MS),
        Priority::P3 => (4 * HOUR_MS, TWICE_A_WEEK_MS, 3 * DAY_MS),
        Priority::P4 => (DAY_MS, TWICE_A_WEEK_MS, 7 * DAY_MS),
        Priority::P5 => (3 * DAY_MS, TWICE_A_WEEK_MS, 30 * DAY_MS),
    };
    Targets {
        response_ms,
        update_ms,
        resolution_ms,
    }
}

/// Where one target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaState {
    /// Done within the target.
    Met { at_ms: u64 },
    /// Done, but `late_by_ms` after the target.
    MetLate { at_ms: u64, late_by_ms: u64 },
    /// Running, with time left.
    Pending { due_at_ms: u64, remaining_ms: u64 },
    /// Stopped (on hold, or resolved and reopened later) with time left.
    Paused { remaining_ms: u64 },
    /// Not done and past the target by `by_ms` (frozen while on hold).
    Breached { by_ms: u64 },
    /// No target applies (cancelled, or updates once resolved).
    NotApplicable,
}

impl SlaState {
    /// Words for a chip: "met", "met 2 h late", "due in 2 h 5 min",
    /// "paused with 3 h left", "breached by 1 day 3 h", "not applicable".
    pub fn text(&self) -> String {
        match *self {
            Self::Met { .. } => "met".to_owned(),
            Self::MetLate { late_by_ms, .. } => format!("met {} late", human_duration(late_by_ms)),
            Self::Pending { remaining_ms, .. } => {
                format!("due in {}", human_duration(remaining_ms))
            }
            Self::Paused { remaining_ms } => {
                format!("paused with {} left", human_duration(remaining_ms))
            }
            Self::Breached { by_ms } => format!("breached by {}", human_duration(by_ms)),
            Self::NotApplicable => "not applicable".to_owned(),
        }
    }

    /// The target was missed, whether or not it has been done since.
    pub fn is_breached(&self) -> bool {
        matches!(self, Self::Breached { .. } | Self::MetLate { .. })
    }
}

/// What the SLA maths needs to know about one incident.
#[derive(Debug, Clone, Copy)]
pub struct SlaInput<'a> {
    /// When the incident was logged; see [`created_at`].
    pub created_ms: u64,
    /// The incident's current priority, from its impact and urgency fields.
    pub priority: Priority,
    /// The incident's timeline, in any order.
    pub events: &'a [Event],
}

/// The three targets of one incident at one time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaReport {
    /// The priority in force at the time asked.
    pub priority: Priority,
    pub response: SlaState,
    pub update: SlaState,
    pub resolution: SlaState,
}

impl SlaReport {
    /// Whether any target was missed: the list's *SLA breached* filter.
    pub fn any_breached(&self) -> bool {
        [self.response, self.update, self.resolution]
            .iter()
            .any(SlaState::is_breached)
    }
}

/// When the incident was logged: its `created` event, or failing that (an
/// event not yet synced) its earliest event.
pub fn created_at(events: &[Event]) -> Option<u64> {
    events
        .iter()
        .filter(|e| e.kind == EventKind::Created)
        .map(|e| e.at_ms)
        .min()
        .or_else(|| events.iter().map(|e| e.at_ms).min())
}

/// Where the incident stands against each target at `now_ms`.
pub fn evaluate(input: &SlaInput<'_>, now_ms: u64) -> SlaReport {
    let created = input.created_ms;
    let mut known: Vec<&Event> = input.events.iter().filter(|e| e.at_ms <= now_ms).collect();
    known.sort_by_key(|e| e.at_ms);
    // Status changes in time order; one stamped before creation (a skewed
    // clock) counts as happening at creation.
    let statuses: Vec<(u64, Status)> = known
        .iter()
        .filter_map(|e| Some((e.at_ms.max(created), e.status_change()?.1)))
        .collect();
    let in_force = |t: u64| priority_at(input, t);
    SlaReport {
        priority: in_force(now_ms),
        response: response(created, &statuses, now_ms, &in_force),
        update: update(input, &known, &statuses, now_ms),
        resolution: resolution(created, &statuses, now_ms, &in_force),
    }
}

/// The priority in force at `t` (see the module rules).
fn priority_at(input: &SlaInput<'_>, t: u64) -> Priority {
    let mut changes: Vec<(u64, Priority, Priority)> = input
        .events
        .iter()
        .filter_map(|e| e.priority_change().map(|(from, to)| (e.at_ms, from, to)))
        .collect();
    changes.sort_by_key(|c| c.0);
    match changes.iter().rposition(|c| c.0 <= t) {
        None => changes.first().map_or(input.priority, |c| c.1),
        Some(i) if i + 1 == changes.len() => input.priority,
        Some(i) => changes[i].2,
    }
}

fn status_at(statuses: &[(u64, Status)]) -> Status {
    statuses.last().map_or(Status::New, |s| s.1)
}

/// Pending or breached against a deadline.
fn running(deadline: u64, now: u64) -> SlaState {
    match deadline.checked_sub(now) {
        Some(remaining_ms) => SlaState::Pending {
            due_at_ms: deadline,
            remaining_ms,
        },
        None => SlaState::Breached {
            by_ms: now - deadline,
        },
    }
}

/// Met or met late, given the time used and the time allowed.
fn done(at_ms: u64, used: u64, allowed: u64) -> SlaState {
    match used.checked_sub(allowed) {
        Some(late_by_ms) if late_by_ms > 0 => SlaState::MetLate { at_ms, late_by_ms },
        _ => SlaState::Met { at_ms },
    }
}

fn response(
    created: u64,
    statuses: &[(u64, Status)],
    now: u64,
    priority_at: &dyn Fn(u64) -> Priority,
) -> SlaState {
    match statuses.iter().find(|s| s.1 != Status::New) {
        Some(&(_, Status::Cancelled)) => SlaState::NotApplicable,
        Some(&(at, _)) => done(at, at - created, targets(priority_at(at)).response_ms),
        None => running(created + targets(priority_at(now)).response_ms, now),
    }
}

fn update(
    input: &SlaInput<'_>,
    known: &[&Event],
    statuses: &[(u64, Status)],
    now: u64,
) -> SlaState {
    if !status_at(statuses).is_open() {
        return SlaState::NotApplicable;
    }
    let last = known
        .iter()
        .filter(|e| e.kind == EventKind::RequestorUpdate)
        .map(|e| e.at_ms)
        .fold(input.created_ms, u64::max);
    running(last + targets(priority_at(input, now)).update_ms, now)
}

fn resolution(
    created: u64,
    statuses: &[(u64, Status)],
    now: u64,
    priority_at: &dyn Fn(u64) -> Priority,
) -> SlaState {
    // Add up the time spent in statuses that count.
    let counts = |s: Status| matches!(s, Status::New | Status::Acknowledged | Status::InProgress);
    let (mut used, mut since, mut status) = (0, created, Status::New);
    for &(at, to) in statuses {
        if counts(status) {
            used += at - since;
        }
        (since, status) = (at, to);
    }
    if counts(status) {
        // Saturating: a tablet may ask about a time before the incident's own
        // creation stamp when clocks disagree.
        used += now.saturating_sub(since);
    }
    let allowed = targets(priority_at(now)).resolution_ms;
    match (status, allowed.checked_sub(used)) {
        (Status::Cancelled, _) => SlaState::NotApplicable,
        (Status::Resolved | Status::Closed, _) => {
            // Closed is only reached from Resolved; the latest *Resolve* is
            // when the work was done.
            let at = statuses
                .iter()
                .rev()
                .find(|s| s.1 == Status::Resolved)
                .map_or(since, |s| s.0);
            done(at, used, targets(priority_at(at)).resolution_ms)
        }
        (_, None) => SlaState::Breached {
            by_ms: used - allowed,
        },
        (Status::OnHold, Some(remaining_ms)) => SlaState::Paused { remaining_ms },
        (_, Some(remaining)) => running(now.max(created) + remaining, now),
    }
}

#[cfg(test)]
#[path = "sla_tests.rs"]
mod tests;
