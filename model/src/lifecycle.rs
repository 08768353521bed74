//! The status lifecycle of an incident: which actions a person may take from
//! each status, what each one writes, and why an impossible one is refused.
//!
//! | button            | from                       | to           | needs                    |
//! |-------------------|----------------------------|--------------|--------------------------|
//! | *Acknowledge*     | New                        | Acknowledged |                          |
//! | *Start work*      | New, Acknowledged, On hold | In progress  |                          |
//! | *Put on hold*     | Acknowledged, In progress  | On hold      | a reason                 |
//! | *Resolve*         | Acknowledged, In progress  | Resolved     | a resolution             |
//! | *Close*           | Resolved                   | Closed       | P1/P2: a complete review |
//! | *Reopen*          | Resolved, Closed           | In progress  |                          |
//! | *Cancel incident* | any open status            | Cancelled    | a reason                 |
//!
//! Decisions, in words:
//! - *Start work* is allowed straight from New: starting work answers the
//!   requestor as much as acknowledging does (the response SLA counts it).
//! - Resuming from On hold is *Start work*; the app's words have no separate *Resume*
//!   button, so there is no separate action.
//! - *Put on hold* and *Cancel incident* need a reason, *Resolve* needs a
//!   resolution; *Reopen* and *Close* take an optional reason.
//! - *Close* of a P1 or P2 incident needs a complete post-incident review.
//! - Cancelled is final: a cancelled incident that comes back is a new incident.
//! - Every transition writes `status` and `status_reason` (the empty string
//!   when no reason was given, so a stale on-hold reason never lingers), and
//!   appends a `status` event `{from, to, reason}`. Reopening keeps the old
//!   `resolution` for reference; the next *Resolve* replaces it, and every
//!   resolution stays on the timeline.

use serde_json::Value;

use crate::{
    Priority,
    events::{self, NewEvent},
};

pub use crate::status::Status;

/// Longest reason accepted, as `incidents.status_reason` allows.
pub const MAX_REASON_LEN: usize = 2_000;
/// Longest resolution accepted, as `incidents.resolution` allows.
pub const MAX_RESOLUTION_LEN: usize = crate::schema::LONG_TEXT;

/// What a person can do to an incident's status, one button each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Acknowledge,
    StartWork,
    PutOnHold,
    Resolve,
    Close,
    Reopen,
    Cancel,
}

impl Action {
    pub const ALL: [Self; 7] = [
        Self::Acknowledge,
        Self::StartWork,
        Self::PutOnHold,
        Self::Resolve,
        Self::Close,
        Self::Reopen,
        Self::Cancel,
    ];

    /// The words on the button.
    pub fn label(self) -> &'static str {
        match self {
            Self::Acknowledge => "Acknowledge",
            Self::StartWork => "Start work",
            Self::PutOnHold => "Put on hold",
            Self::Resolve => "Resolve",
            Self::Close => "Close",
            Self::Reopen => "Reopen",
            Self::Cancel => "Cancel incident",
        }
    }

    /// Whether the action asks for a reason before it can be taken.
    pub fn needs_reason(self) -> bool {
        matches!(self, Self::PutOnHold | Self::Cancel)
    }

    /// Whether the action offers a reason that may be left empty.
    pub fn takes_optional_reason(self) -> bool {
        matches!(self, Self::Reopen | Self::Close)
    }

    /// Whether the action asks for a resolution before it can be taken.
    pub fn needs_resolution(self) -> bool {
        self == Self::Resolve
    }

    /// The status this action leads to from `from`, if it is allowed at all.
    fn target(self, from: Status) -> Option<Status> {
        use Status::*;
        let to = match self {
            Self::Acknowledge => Acknowledged,
            Self::StartWork | Self::Reopen => InProgress,
            Self::PutOnHold => OnHold,
            Self::Resolve => Resolved,
            Self::Close => Closed,
            Self::Cancel => Cancelled,
        };
        let allowed = match self {
            Self::Acknowledge => from == New,
            Self::StartWork => matches!(from, New | Acknowledged | OnHold),
            Self::PutOnHold => matches!(from, Acknowledged | InProgress),
            Self::Resolve => matches!(from, Acknowledged | InProgress),
            Self::Close => from == Resolved,
            Self::Reopen => matches!(from, Resolved | Closed),
            Self::Cancel => from.is_open(),
        };
        allowed.then_some(to)
    }
}

/// The actions to offer for an incident in `status`, in button order. *Close*
/// is offered even when the review is not complete, so that pressing it says why.
pub fn available_actions(status: Status) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| a.target(status).is_some())
        .collect()
}

/// What the person typed and what the incident is like, for the checks.
/// Blank text counts as not given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransitionContext<'a> {
    /// The incident's priority, from its impact and urgency; `None` if unknown.
    pub priority: Option<Priority>,
    /// Whether `review_status` is `complete`.
    pub review_complete: bool,
    pub reason: &'a str,
    pub resolution: &'a str,
}

/// The writes a transition makes: incident fields, and one event to append.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub from: Status,
    pub to: Status,
    /// Field writes on the incident record, in order.
    pub writes: Vec<(&'static str, Value)>,
    /// The `status` event for the timeline.
    pub event: NewEvent,
}

/// Why a transition was refused, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{0}")]
    Impossible(&'static str),
    #[error("a reason is needed to {0}")]
    ReasonRequired(&'static str),
    #[error("a resolution is needed to resolve an incident: say what was done")]
    ResolutionRequired,
    #[error("a {0} incident cannot be closed until its post-incident review is complete")]
    ReviewIncomplete(Priority),
    #[error("the {what} must be at most {max} characters")]
    TooLong { what: &'static str, max: usize },
}

impl TransitionError {
    /// Stable snake_case for programs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Impossible(_) => "impossible_transition",
            Self::ReasonRequired(_) => "reason_required",
            Self::ResolutionRequired => "resolution_required",
            Self::ReviewIncomplete(_) => "review_incomplete",
            Self::TooLong { .. } => "too_long",
        }
    }
}

/// Plans `action` on an incident in `current`, or says why it cannot be taken.
pub fn transition(
    current: Status,
    action: Action,
    ctx: &TransitionContext<'_>,
) -> Result<Planned, TransitionError> {
    let to = action
        .target(current)
        .ok_or(TransitionError::Impossible(refusal(current, action)))?;
    let reason = ctx.reason.trim();
    let resolution = ctx.resolution.trim();
    if reason.chars().count() > MAX_REASON_LEN {
        return Err(TransitionError::TooLong {
            what: "reason",
            max: MAX_REASON_LEN,
        });
    }
    match action {
        Action::PutOnHold if reason.is_empty() => {
            return Err(TransitionError::ReasonRequired("put an incident on hold"));
        }
        Action::Cancel if reason.is_empty() => {
            return Err(TransitionError::ReasonRequired("cancel an incident"));
        }
        Action::Resolve if resolution.is_empty() => {
            return Err(TransitionError::ResolutionRequired);
        }
        Action::Resolve if resolution.chars().count() > MAX_RESOLUTION_LEN => {
            return Err(TransitionError::TooLong {
                what: "resolution",
                max: MAX_RESOLUTION_LEN,
            });
        }
        Action::Close => match ctx.priority {
            Some(p @ (Priority::P1 | Priority::P2)) if !ctx.review_complete => {
                return Err(TransitionError::ReviewIncomplete(p));
            }
            _ => {}
        },
        _ => {}
    }
    let mut writes = vec![
        ("status", Value::from(to.code())),
        ("status_reason", Value::from(reason)),
    ];
    let body = if action == Action::Resolve {
        writes.push(("resolution", Value::from(resolution)));
        resolution
    } else {
        reason
    };
    let event = events::status_changed(current, to, Some(reason).filter(|r| !r.is_empty()), body);
    Ok(Planned {
        from: current,
        to,
        writes,
        event,
    })
}

/// Why `action` is impossible from `from`, in words.
fn refusal(from: Status, action: Action) -> &'static str {
    use Action::*;
    use Status::*;
    match (from, action) {
        (Cancelled, _) => {
            "a cancelled incident is final; log a new incident if the trouble is back"
        }
        (Closed, Close) => "the incident is already closed",
        (Closed, Acknowledge) => "a closed incident must be reopened before it can be acknowledged",
        (Closed, StartWork) => "a closed incident must be reopened before work can start",
        (Closed, PutOnHold) => "a closed incident must be reopened before it can be put on hold",
        (Closed, Resolve) => "a closed incident must be reopened before it can be resolved again",
        (Closed, Cancel) => "a closed incident cannot be cancelled; it is already finished",
        (Resolved, Resolve) => "the incident is already resolved",
        (Resolved, Acknowledge) => {
            "a resolved incident must be reopened before it can be acknowledged"
        }
        (Resolved, StartWork) => "a resolved incident must be reopened before work can start again",
        (Resolved, PutOnHold) => {
            "a resolved incident must be reopened before it can be put on hold"
        }
        (Resolved, Cancel) => {
            "a resolved incident cannot be cancelled; reopen it if it is not fixed"
        }
        (_, Reopen) => "only a resolved or closed incident can be reopened",
        (_, Close) => "only a resolved incident can be closed; resolve it first",
        (New, PutOnHold) => "a new incident must be acknowledged before it can be put on hold",
        (New, Resolve) => "a new incident must be acknowledged before it can be resolved",
        (OnHold, PutOnHold) => "the incident is already on hold",
        (OnHold, Resolve) => {
            "an incident on hold must have work started again before it can be resolved"
        }
        (InProgress, StartWork) => "work has already started on this incident",
        (Acknowledged, Acknowledge) => "the incident is already acknowledged",
        (_, Acknowledge) => "the incident was acknowledged when work started",
        // Every other pair is allowed; `transition` never asks for these words.
        _ => "that status change is not possible",
    }
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
