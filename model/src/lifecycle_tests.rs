//! Tests of the status lifecycle: every allowed transition, every refusal.

use serde_json::{Value, json};

use super::Action::*;
use super::Status::*;
use super::*;
use crate::events::EventKind;

fn ctx() -> TransitionContext<'static> {
    TransitionContext::default()
}

fn with_reason(reason: &'static str) -> TransitionContext<'static> {
    TransitionContext { reason, ..ctx() }
}

fn write<'a>(planned: &'a Planned, field: &str) -> Option<&'a Value> {
    planned
        .writes
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, v)| v)
}

#[test]
fn statuses_match_the_schema_codes() {
    let codes: Vec<_> = Status::ALL.iter().map(|s| s.code()).collect();
    assert_eq!(codes, crate::schema::STATUSES);
    assert_eq!(Status::from_code("on_hold"), Some(OnHold));
    assert_eq!(Status::from_code("paused"), None);
    assert_eq!(InProgress.label(), "In progress");
}

#[test]
fn buttons_use_the_shared_vocabulary() {
    let labels: Vec<_> = Action::ALL.iter().map(|a| a.label()).collect();
    assert_eq!(
        labels,
        [
            "Acknowledge",
            "Start work",
            "Put on hold",
            "Resolve",
            "Close",
            "Reopen",
            "Cancel incident"
        ]
    );
}

#[test]
fn each_status_offers_its_actions() {
    assert_eq!(available_actions(New), [Acknowledge, StartWork, Cancel]);
    assert_eq!(
        available_actions(Acknowledged),
        [StartWork, PutOnHold, Resolve, Cancel]
    );
    assert_eq!(available_actions(InProgress), [PutOnHold, Resolve, Cancel]);
    assert_eq!(available_actions(OnHold), [StartWork, Cancel]);
    assert_eq!(available_actions(Resolved), [Close, Reopen]);
    assert_eq!(available_actions(Closed), [Reopen]);
    assert_eq!(available_actions(Cancelled), []);
}

#[test]
fn every_allowed_transition_lands_where_the_table_says() {
    let resolve = TransitionContext {
        resolution: "replaced the seal",
        ..ctx()
    };
    let cases = [
        (New, Acknowledge, ctx(), Acknowledged),
        (New, StartWork, ctx(), InProgress),
        (Acknowledged, StartWork, ctx(), InProgress),
        (OnHold, StartWork, ctx(), InProgress),
        (Acknowledged, PutOnHold, with_reason("parts"), OnHold),
        (InProgress, PutOnHold, with_reason("parts"), OnHold),
        (Acknowledged, Resolve, resolve, Resolved),
        (InProgress, Resolve, resolve, Resolved),
        (Resolved, Close, ctx(), Closed),
        (Resolved, Reopen, ctx(), InProgress),
        (Closed, Reopen, ctx(), InProgress),
        (New, Cancel, with_reason("duplicate"), Cancelled),
        (Acknowledged, Cancel, with_reason("duplicate"), Cancelled),
        (InProgress, Cancel, with_reason("duplicate"), Cancelled),
        (OnHold, Cancel, with_reason("duplicate"), Cancelled),
    ];
    for (from, action, c, to) in cases {
        let planned = transition(from, action, &c).unwrap();
        assert_eq!(
            (planned.from, planned.to),
            (from, to),
            "{from:?} {action:?}"
        );
        assert_eq!(write(&planned, "status"), Some(&json!(to.code())));
        assert_eq!(planned.event.kind, EventKind::Status);
        assert_eq!(planned.event.data["from"], from.code());
        assert_eq!(planned.event.data["to"], to.code());
    }
}

#[test]
fn every_other_pair_is_refused_in_words() {
    let mut refused = 0;
    for from in Status::ALL {
        for action in Action::ALL {
            if available_actions(from).contains(&action) {
                continue;
            }
            let full = TransitionContext {
                reason: "r",
                resolution: "r",
                review_complete: true,
                priority: Some(Priority::P3),
            };
            let err = transition(from, action, &full).unwrap_err();
            assert_eq!(err.code(), "impossible_transition", "{from:?} {action:?}");
            let words = err.to_string();
            assert_ne!(
                words, "that status change is not possible",
                "{from:?} {action:?}"
            );
            assert!(words.starts_with(char::is_lowercase) && !words.ends_with('.'));
            refused += 1;
        }
    }
    // 7 statuses × 7 actions, minus the 15 allowed pairs.
    assert_eq!(refused, 34);
}

#[test]
fn refusals_say_what_to_do() {
    let words = |from, action| transition(from, action, &ctx()).unwrap_err().to_string();
    assert_eq!(
        words(Closed, StartWork),
        "a closed incident must be reopened before work can start"
    );
    assert_eq!(
        words(InProgress, Close),
        "only a resolved incident can be closed; resolve it first"
    );
    assert_eq!(
        words(New, PutOnHold),
        "a new incident must be acknowledged before it can be put on hold"
    );
    assert_eq!(
        words(OnHold, Resolve),
        "an incident on hold must have work started again before it can be resolved"
    );
    assert_eq!(
        words(Acknowledged, Reopen),
        "only a resolved or closed incident can be reopened"
    );
    assert_eq!(
        words(Cancelled, Reopen),
        "a cancelled incident is final; log a new incident if the trouble is back"
    );
}

#[test]
fn putting_on_hold_needs_a_reason_and_records_it() {
    let err = transition(InProgress, PutOnHold, &with_reason("   ")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a reason is needed to put an incident on hold"
    );
    let planned = transition(InProgress, PutOnHold, &with_reason(" waiting for parts ")).unwrap();
    assert_eq!(
        planned.writes,
        [
            ("status", json!("on_hold")),
            ("status_reason", json!("waiting for parts")),
        ]
    );
    assert_eq!(
        planned.event.data,
        json!({"from": "in_progress", "to": "on_hold", "reason": "waiting for parts"})
    );
    assert_eq!(planned.event.body, "waiting for parts");
}

#[test]
fn cancelling_needs_a_reason() {
    let err = transition(New, Cancel, &ctx()).unwrap_err();
    assert_eq!(err.code(), "reason_required");
    assert_eq!(err.to_string(), "a reason is needed to cancel an incident");
}

#[test]
fn starting_work_again_clears_the_hold_reason() {
    let planned = transition(OnHold, StartWork, &ctx()).unwrap();
    assert_eq!(write(&planned, "status_reason"), Some(&json!("")));
    assert_eq!(planned.event.data["reason"], Value::Null);
}

#[test]
fn resolving_needs_a_resolution_and_writes_it() {
    let err = transition(InProgress, Resolve, &ctx()).unwrap_err();
    assert_eq!(err.code(), "resolution_required");
    let c = TransitionContext {
        resolution: "Replaced the pump seal.",
        ..ctx()
    };
    let planned = transition(InProgress, Resolve, &c).unwrap();
    assert_eq!(
        write(&planned, "resolution"),
        Some(&json!("Replaced the pump seal."))
    );
    assert_eq!(planned.event.body, "Replaced the pump seal.");
}

#[test]
fn an_overlong_reason_or_resolution_is_refused() {
    let long = "x".repeat(MAX_REASON_LEN + 1);
    let c = TransitionContext {
        reason: &long,
        ..ctx()
    };
    let err = transition(InProgress, PutOnHold, &c).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the reason must be at most 2000 characters"
    );
    let long = "x".repeat(MAX_RESOLUTION_LEN + 1);
    let c = TransitionContext {
        resolution: &long,
        ..ctx()
    };
    assert_eq!(
        transition(InProgress, Resolve, &c).unwrap_err().code(),
        "too_long"
    );
}

#[test]
fn p1_and_p2_close_only_after_a_complete_review() {
    for p in [Priority::P1, Priority::P2] {
        let c = TransitionContext {
            priority: Some(p),
            ..ctx()
        };
        let err = transition(Resolved, Close, &c).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("a {p} incident cannot be closed until its post-incident review is complete")
        );
        let reviewed = TransitionContext {
            review_complete: true,
            ..c
        };
        assert_eq!(transition(Resolved, Close, &reviewed).unwrap().to, Closed);
    }
}

#[test]
fn p3_to_p5_and_unknown_priorities_close_without_a_review() {
    for priority in [
        Some(Priority::P3),
        Some(Priority::P4),
        Some(Priority::P5),
        None,
    ] {
        let c = TransitionContext { priority, ..ctx() };
        assert_eq!(transition(Resolved, Close, &c).unwrap().to, Closed);
    }
}

#[test]
fn reopening_keeps_the_old_resolution_and_records_the_reason() {
    let planned = transition(Closed, Reopen, &with_reason("leaking again")).unwrap();
    assert_eq!(write(&planned, "resolution"), None);
    assert_eq!(
        write(&planned, "status_reason"),
        Some(&json!("leaking again"))
    );
    assert_eq!(
        planned.event.data,
        json!({"from": "closed", "to": "in_progress", "reason": "leaking again"})
    );
}

#[test]
fn only_reopen_and_close_offer_an_optional_reason() {
    let offered: Vec<_> = Action::ALL
        .into_iter()
        .filter(|a| a.takes_optional_reason())
        .collect();
    assert_eq!(offered, [Close, Reopen]);
    for a in offered {
        assert!(!a.needs_reason() && !a.needs_resolution(), "{a:?}");
    }
}

#[test]
fn closing_records_an_optional_note_and_works_without_one() {
    let planned = transition(Resolved, Close, &with_reason("requestor confirmed")).unwrap();
    assert_eq!(
        write(&planned, "status_reason"),
        Some(&json!("requestor confirmed"))
    );
    assert_eq!(planned.event.data["reason"], json!("requestor confirmed"));
    let planned = transition(Resolved, Close, &ctx()).unwrap();
    assert_eq!(write(&planned, "status_reason"), Some(&json!("")));
    assert_eq!(planned.event.data["reason"], Value::Null);
}
