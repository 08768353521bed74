//! The incident page's workflow sections, composed: status and assignment
//! with the SLA chips above the form; timeline, actions, review, location,
//! details and problem below it. Each section is its own component.

use leptos::prelude::*;

use crate::components::action_items::ActionItems;
use crate::components::assignee::Assignee;
use crate::components::lifecycle::Lifecycle;
use crate::components::location::Location;
use crate::components::photos::Photos;
use crate::components::problem_link::ProblemLink;
use crate::components::record_details::RecordDetails;
use crate::components::review::Review;
use crate::components::sla_chips::SlaChips;
use crate::components::timeline::Timeline;
use crate::incident_data::{IncidentData, use_incident_data};
use crate::now::{use_now, wall_now};
use crate::state::Ctx;
use outpost_client::workflow::{can_edit, sla_report};

/// Whether the signed-in person may change this incident.
fn editable(ctx: Ctx, data: Signal<Option<IncidentData>>) -> Signal<bool> {
    Signal::derive(move || {
        let user = ctx.user.get();
        data.with(|d| match (user, d) {
            (Some(u), Some(d)) => can_edit(&u, &d.incident),
            _ => false,
        })
    })
}

/// SLA chips, lifecycle buttons and assignee: what a manager acts on first.
#[component]
pub fn IncidentTriage(#[prop(into)] id: Signal<String>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let data = use_incident_data(ctx, id);
    let now = use_now(ctx);
    // Re-read the clock whenever the timeline changes too, so an event saved
    // between two ticks counts at once.
    let report = Signal::derive(move || {
        now.track();
        data.with(|d| {
            d.as_ref()
                .and_then(|d| sla_report(&d.incident, &d.events(), wall_now(ctx)))
        })
    });
    view! {
        <div class="sla-chips" aria-label="Service levels">
            <SlaChips report=report />
        </div>
        <div class="triage">
            <Lifecycle data=data />
            <Assignee data=data />
        </div>
    }
}

/// Everything after the main form.
#[component]
pub fn IncidentSections(#[prop(into)] id: Signal<String>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let data = use_incident_data(ctx, id);
    let can = editable(ctx, data);
    view! {
        <Timeline data=data />
        <ActionItems id=id editable=can />
        <Photos id=id />
        <Review data=data editable=can />
        <Location data=data editable=can />
        <RecordDetails data=data editable=can />
        <ProblemLink data=data editable=can />
    }
}
