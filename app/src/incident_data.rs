//! What the incident page's workflow sections read from the tablet: the
//! incident record and its timeline, re-read whenever stored records change.

use leptos::prelude::*;
use outpost_model::Event;

use crate::state::Ctx;
use outpost_client::storage::{LocalStore, StoreError, StoredRecord};
use outpost_client::workflow::{TimelineEntry, timeline};

/// One incident and its readable events, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentData {
    pub incident: StoredRecord,
    pub timeline: Vec<TimelineEntry>,
}

impl IncidentData {
    /// The events in the form the SLA maths takes.
    pub fn events(&self) -> Vec<Event> {
        self.timeline.iter().map(|t| t.event.clone()).collect()
    }
}

/// Reads the incident `id` and its events; `None` while loading, when the
/// incident is not on this tablet or deleted, or when storage fails (the page
/// itself says so).
pub fn use_incident_data(ctx: Ctx, id: Signal<String>) -> Signal<Option<IncidentData>> {
    let data = LocalResource::new(move || {
        ctx.track("incidents");
        ctx.track("events");
        let id = id.get();
        let services = ctx.services();
        async move {
            let Some(incident) = services
                .store
                .record("incidents", &id)
                .await?
                .filter(|r| !r.is_deleted())
            else {
                return Ok::<_, StoreError>(None);
            };
            let events = services.store.shared("events").await?;
            Ok(Some(IncidentData {
                timeline: timeline(&events, &id),
                incident,
            }))
        }
    });
    let memo = Memo::new(move |_| data.get().and_then(Result::ok).flatten());
    memo.into()
}
