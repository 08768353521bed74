//! The incident manager's workflow as writes: a transition saves the status
//! and its event together, refusals are in words, assignments and priority
//! changes leave events, and the timeline reads back newest first.

use outpost_client::edits::stamp;
use outpost_client::storage::memory::MemoryStore;
use outpost_client::storage::{LocalStore, StoredRecord};
use outpost_client::workflow::{
    Typed, assign_writes, can_edit, event_writes, priority_event_writes, sla_report, timeline,
    transition_writes,
};
use outpost_model::lifecycle::Action;
use outpost_model::protocol::{Role, User};
use outpost_model::{Change, Clock, Hlc, Levels, events, schema};
use serde_json::{Value, json};

const INCIDENT: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";
const EVENT: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c02";
const SAM: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c03";
const AT: u64 = 1_795_729_084_123;

fn incident(fields: &[(&str, Value)]) -> StoredRecord {
    let mut r = StoredRecord::new("incidents", INCIDENT);
    for (f, v) in fields {
        r.apply(&Change {
            collection: "incidents".into(),
            id: INCIDENT.into(),
            field: (*f).into(),
            value: v.clone(),
            hlc: Hlc::new(1, 0, "n").unwrap(),
        });
    }
    r
}

fn p2(status: &str) -> StoredRecord {
    incident(&[
        ("status", json!(status)),
        ("impact", json!(1)),
        ("urgency", json!(2)),
    ])
}

#[tokio::test]
async fn a_transition_saves_status_and_its_event_in_one_local_edit() {
    let writes = transition_writes(
        &p2("new"),
        Action::Acknowledge,
        &Typed::default(),
        SAM,
        AT,
        EVENT,
    )
    .unwrap();
    let mut clock = Clock::new("dev-a").unwrap();
    let changes = stamp(writes, || clock.now(AT));
    for c in &changes {
        assert_eq!(schema::validate(c), Ok(()), "{} {}", c.collection, c.field);
    }
    let store = MemoryStore::new();
    store.save_local(&changes, &clock).await.unwrap();
    let record = store.record("incidents", INCIDENT).await.unwrap().unwrap();
    assert_eq!(record.str("status"), Some("acknowledged"));
    let event = store.record("events", EVENT).await.unwrap().unwrap();
    assert_eq!(event.str("kind"), Some("status"));
    assert_eq!(event.str("incident_id"), Some(INCIDENT));
    assert_eq!(event.str("author"), Some(SAM));
    assert_eq!(event.fields["data"].value["to"], "acknowledged");
    let outbox = store.outbox(100).await.unwrap();
    assert!(outbox.iter().any(|e| e.change.collection == "incidents"));
    assert!(outbox.iter().any(|e| e.change.collection == "events"));
}

#[test]
fn closing_a_p2_without_a_complete_review_is_refused_in_words() {
    let refused = transition_writes(
        &p2("resolved"),
        Action::Close,
        &Typed::default(),
        SAM,
        AT,
        EVENT,
    );
    let why = refused.unwrap_err().to_string();
    assert!(why.contains("P2"), "{why}");
    assert!(why.contains("review"), "{why}");
    let mut reviewed = p2("resolved");
    reviewed.apply(&Change {
        collection: "incidents".into(),
        id: INCIDENT.into(),
        field: "review_status".into(),
        value: json!("complete"),
        hlc: Hlc::new(2, 0, "n").unwrap(),
    });
    assert!(transition_writes(&reviewed, Action::Close, &Typed::default(), SAM, AT, EVENT).is_ok());
}

#[test]
fn resolving_needs_a_resolution_and_writes_it() {
    let none = transition_writes(
        &p2("in_progress"),
        Action::Resolve,
        &Typed::default(),
        SAM,
        AT,
        EVENT,
    );
    assert!(none.unwrap_err().to_string().contains("resolution"));
    let typed = Typed {
        resolution: "Seal replaced".into(),
        ..Typed::default()
    };
    let writes =
        transition_writes(&p2("in_progress"), Action::Resolve, &typed, SAM, AT, EVENT).unwrap();
    assert!(
        writes
            .iter()
            .any(|w| w.field == "resolution" && w.value == json!("Seal replaced"))
    );
    assert!(writes.iter().any(|w| w.collection == "events"
        && w.field == "body"
        && w.value == json!("Seal replaced")));
}

#[test]
fn an_assignment_appends_an_event_and_the_same_assignee_writes_nothing() {
    let writes = assign_writes(&p2("new"), Some(SAM), SAM, AT, EVENT);
    assert!(
        writes
            .iter()
            .any(|w| w.field == "assignee" && w.value == json!(SAM))
    );
    assert!(
        writes
            .iter()
            .any(|w| w.field == "kind" && w.value == json!("assigned"))
    );
    let assigned = incident(&[("assignee", json!(SAM))]);
    assert!(assign_writes(&assigned, Some(SAM), SAM, AT, EVENT).is_empty());
}

#[test]
fn a_priority_event_only_when_impact_or_urgency_changed() {
    let medium = Levels {
        impact: 2,
        urgency: 2,
    };
    let high = Levels {
        impact: 1,
        urgency: 1,
    };
    let writes = priority_event_writes(Some(medium), Some(high), INCIDENT, SAM, AT, EVENT);
    assert!(
        writes
            .iter()
            .any(|w| w.field == "kind" && w.value == json!("priority"))
    );
    assert!(priority_event_writes(Some(medium), Some(medium), INCIDENT, SAM, AT, EVENT).is_empty());
}

fn stored_event(id: &str, event: &outpost_model::NewEvent, at: u64) -> StoredRecord {
    let mut r = StoredRecord::new("events", id);
    for w in event_writes(event, INCIDENT, SAM, at, id) {
        r.apply(&Change {
            collection: "events".into(),
            id: id.into(),
            field: w.field.into(),
            value: w.value,
            hlc: Hlc::new(at, 0, "n").unwrap(),
        });
    }
    r
}

#[test]
fn the_timeline_is_newest_first_and_feeds_the_sla_chips() {
    let all = [
        stored_event(
            "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c10",
            &events::created(),
            AT,
        ),
        stored_event(
            "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c11",
            &events::note("checked"),
            AT + 60_000,
        ),
        stored_event(
            "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c12",
            &events::requestor_update("on it"),
            AT + 120_000,
        ),
    ];
    let entries = timeline(&all, INCIDENT);
    let kinds: Vec<_> = entries.iter().map(|e| e.event.kind.code()).collect();
    assert_eq!(kinds, ["requestor_update", "note", "created"]);
    let events: Vec<_> = entries.into_iter().map(|e| e.event).collect();
    // A P2 not acknowledged within an hour has breached its response target.
    let late = sla_report(&p2("new"), &events, AT + 2 * 3_600_000).unwrap();
    assert!(late.response.is_breached());
    let early = sla_report(&p2("new"), &events, AT + 60_000).unwrap();
    assert!(!early.any_breached());
}

#[test]
fn a_reporter_is_offered_edits_of_their_own_incidents_only() {
    let person = |role| User {
        id: SAM.into(),
        name: "Sam".into(),
        role,
        disabled: false,
    };
    let theirs = incident(&[("reported_by", json!(SAM))]);
    let someone_elses = incident(&[("reported_by", json!("someone else"))]);
    // The server falls back to the first writer, which a tablet cannot know.
    let nobodys = incident(&[("title", json!("Pump 3"))]);
    let reporter = person(Role::Reporter);
    assert!(can_edit(&reporter, &theirs));
    assert!(!can_edit(&reporter, &someone_elses));
    assert!(!can_edit(&reporter, &nobodys));
    for role in [Role::Manager, Role::Admin] {
        assert!(can_edit(&person(role), &someone_elses));
        assert!(can_edit(&person(role), &nobodys));
    }
}
