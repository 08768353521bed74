//! The demo generator, continued: each incident's lifecycle as the app
//! would have written it, with its timeline, review and actions.

use outpost_model::Priority;
use outpost_model::events::{self, NewEvent};
use outpost_model::lifecycle::{Action, Status, TransitionContext, transition};
use outpost_model::time::{DAY_MS, HOUR_MS, MINUTE_MS, format_rfc3339_ms};
use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::Value;

use super::generator::*;

impl Generator<'_> {
    /// Walks the incident through its statuses, stopping at `now`.
    pub(super) fn lifecycle(
        &mut self,
        id: &str,
        created: u64,
        priority: Option<Priority>,
        now: u64,
    ) {
        let who = self
            .responders
            .choose(&mut self.rng)
            .cloned()
            .unwrap_or_default();
        let scale = match priority {
            Some(Priority::P1) => 1,
            Some(Priority::P2) => 3,
            Some(Priority::P3) => 8,
            _ => 20,
        };
        let mut at = created;
        let mut status = Status::New;
        let mut steps: Vec<(Action, u64)> = Vec::new();
        if self.rng.random_bool(0.03) {
            steps.push((
                Action::Cancel,
                self.rng.random_range(10 * MINUTE_MS..6 * HOUR_MS),
            ));
        } else {
            let respond = self
                .rng
                .random_range(5 * MINUTE_MS..(scale * HOUR_MS) / 2 + 10 * MINUTE_MS);
            steps.push((Action::Acknowledge, respond));
            steps.push((
                Action::StartWork,
                self.rng.random_range(5 * MINUTE_MS..2 * HOUR_MS),
            ));
            if self.rng.random_bool(0.15) {
                steps.push((Action::PutOnHold, self.rng.random_range(HOUR_MS..DAY_MS)));
                steps.push((
                    Action::StartWork,
                    self.rng.random_range(HOUR_MS..3 * DAY_MS),
                ));
            }
            let resolve = self.rng.random_range(HOUR_MS..scale * 10 * HOUR_MS);
            steps.push((Action::Resolve, resolve));
            if self.rng.random_bool(0.07) {
                steps.push((Action::Reopen, self.rng.random_range(HOUR_MS..2 * DAY_MS)));
                steps.push((
                    Action::Resolve,
                    self.rng.random_range(HOUR_MS..scale * 4 * HOUR_MS),
                ));
            }
            steps.push((Action::Close, self.rng.random_range(DAY_MS..7 * DAY_MS)));
        }
        self.write(
            "incidents",
            id,
            "assignee",
            who.clone().into(),
            created + MINUTE_MS,
        );
        self.event(
            id,
            &who,
            events::assigned(None, Some(&who)),
            created + MINUTE_MS,
        );
        let serious = matches!(priority, Some(Priority::P1 | Priority::P2));
        for (action, after) in steps {
            at += after;
            if at >= now {
                return;
            }
            // Requestor updates twice a week while work goes on.
            if status.is_open() && action != Action::Acknowledge {
                let mut next = at.saturating_sub(after) + 3 * DAY_MS;
                while next < at {
                    self.event(
                        id,
                        &who,
                        events::requestor_update("Work continues; next update within three days."),
                        next,
                    );
                    next += 3 * DAY_MS;
                }
            }
            if action == Action::Close && serious {
                self.review(id, at - HOUR_MS);
            }
            if action == Action::Resolve
                && matches!(priority, Some(Priority::P1 | Priority::P2 | Priority::P3))
            {
                self.actions(id, at, now);
            }
            let context = TransitionContext {
                priority,
                review_complete: serious,
                reason: match action {
                    Action::PutOnHold => "Waiting for parts from the supplier",
                    Action::Cancel => "Logged twice by mistake",
                    Action::Reopen => "The fault came back",
                    _ => "",
                },
                resolution: "Fixed on site and checked with the reporter.",
            };
            let Ok(planned) = transition(status, action, &context) else {
                return;
            };
            for (field, value) in planned.writes {
                self.write("incidents", id, field, value, at);
            }
            self.event(id, &who, planned.event, at);
            status = planned.to;
        }
    }

    pub(super) fn event(&mut self, incident: &str, author: &str, event: NewEvent, at: u64) {
        let id = self.new_id(at);
        for (field, value) in event.fields(incident, author, at) {
            self.write("events", &id, field, value, at);
        }
        self.summary.events += 1;
    }

    /// Root cause and lessons, written before a P1 or P2 is closed.
    pub(super) fn review(&mut self, id: &str, at: u64) {
        let fields: [(&str, Value); 4] = [
            (
                "root_cause",
                "Maintenance interval too long for the load on this equipment.".into(),
            ),
            (
                "contributing_factors",
                "Night shift short-staffed; checklist not followed.".into(),
            ),
            (
                "lessons_learned",
                "Shorten the inspection interval and brief every shift.".into(),
            ),
            ("review_status", "complete".into()),
        ];
        for (field, value) in fields {
            self.write("incidents", id, field, value, at);
        }
    }

    /// One or two remediation actions, some done, some late.
    pub(super) fn actions(&mut self, incident: &str, resolved: u64, now: u64) {
        if !self.rng.random_bool(0.45) {
            return;
        }
        let titles = [
            "Brief all shifts on the procedure",
            "Replace worn part",
            "Update the risk assessment",
            "Add a guard rail",
        ];
        for _ in 0..self.rng.random_range(1..=2) {
            let id = self.new_id(resolved);
            let owner = self
                .responders
                .choose(&mut self.rng)
                .cloned()
                .unwrap_or_default();
            let due = resolved + self.rng.random_range(3..30) * DAY_MS;
            let title = *titles.choose(&mut self.rng).unwrap_or(&titles[0]);
            self.write("actions", &id, "incident_id", incident.into(), resolved);
            self.write("actions", &id, "title", title.into(), resolved);
            self.write("actions", &id, "owner", owner.into(), resolved);
            self.write(
                "actions",
                &id,
                "due",
                format_rfc3339_ms(due).into(),
                resolved,
            );
            let done_at = resolved + self.rng.random_range(1..40) * DAY_MS;
            // Most get done; a few linger, but only the recent ones: a year of
            // forgotten actions would make every month look overdue.
            let lingers = resolved + 45 * DAY_MS > now && self.rng.random_bool(0.3);
            if done_at < now && !lingers {
                for (field, value) in outpost_model::actions::status_writes("done", done_at) {
                    self.write("actions", &id, field, value, done_at);
                }
            } else {
                self.write("actions", &id, "status", "open".into(), resolved);
            }
            self.summary.actions += 1;
        }
    }
}
