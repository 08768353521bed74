//! `outpost-server demo-data`: a realistic, seeded year of incidents with
//! their timelines, actions and problems across several sites, written
//! through the store as ordinary changes so tablets pull them like any other.
//!
//! Every status change is planned by `model::lifecycle::transition` and
//! recorded with the `model::events` builders, so the timelines are ones the
//! app itself could have written; every change passes `schema::validate`.
//! The same seed and `now` give the same data.

use std::collections::BTreeMap;

use outpost_model::events::{self, NewEvent};
use outpost_model::lifecycle::{Action, Status, TransitionContext, transition};
use outpost_model::protocol::{Role, User};
use outpost_model::time::{DAY_MS, HOUR_MS, MINUTE_MS, format_rfc3339_ms};
use outpost_model::{Change, Clock, Priority, schema};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use crate::store::{Origin, PushOutcome};
use crate::{AppState, Error};

/// The HLC node and device the demo's changes are stamped with.
pub const DEMO_NODE: &str = "demo-data";

/// What to make.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub incidents: usize,
    pub seed: u64,
    /// The end of the year the data covers, Unix ms.
    pub now_ms: u64,
}

/// How many records of each kind were made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub sites: usize,
    pub incidents: usize,
    pub events: usize,
    pub actions: usize,
    pub problems: usize,
    pub changes: usize,
}

const SITES: [(&str, &str); 5] = [
    ("North yard", "North"),
    ("Harbour depot", "Coast"),
    ("Ridge mine", "Highlands"),
    ("Central workshop", "Central"),
    ("Riverside plant", "Central"),
];

/// `(category, weight, titles)`.
const CATEGORIES: [(&str, u32, &[&str]); 8] = [
    (
        "injury",
        10,
        &[
            "Hand cut while changing blade",
            "Slip on wet stairs",
            "Strained back lifting pallet",
            "Eye irritation from dust",
        ],
    ),
    (
        "near_miss",
        16,
        &[
            "Forklift reversed without spotter",
            "Load shifted on crane",
            "Unsecured ladder found",
            "Dropped tool from scaffold",
        ],
    ),
    (
        "property_damage",
        9,
        &[
            "Truck clipped gate post",
            "Water leak damaged ceiling",
            "Forklift hit racking",
        ],
    ),
    (
        "environmental",
        6,
        &[
            "Diesel spill at refuelling bay",
            "Dust above site limit",
            "Oil sheen in drain",
        ],
    ),
    (
        "security",
        6,
        &[
            "Fence cut on east boundary",
            "Badge used after hours",
            "Tools missing from store",
        ],
    ),
    (
        "equipment_failure",
        18,
        &[
            "Conveyor belt stopped",
            "Pump tripped on overload",
            "Generator failed to start",
            "Compressor overheating",
        ],
    ),
    (
        "it_outage",
        14,
        &[
            "Site network down",
            "Handheld scanners offline",
            "Email not syncing",
            "Printer queue stuck",
        ],
    ),
    (
        "other",
        6,
        &[
            "Visitor unwell on site",
            "Noise complaint from neighbour",
            "Power flicker in office",
        ],
    ),
];

const SERVICE_REQUESTS: [&str; 4] = [
    "New starter needs site access",
    "Replace broken safety signage",
    "Request extra PPE stock",
    "Set up tablet for new supervisor",
];

/// Makes the changes of a demo year. `people` are the accounts records
/// point to (reporters, assignees, action owners); with none, stand-in ids.
pub fn generate(options: &DemoOptions, people: &[User]) -> (Vec<Change>, DemoSummary) {
    let mut g = Generator::new(options, people);
    g.sites();
    g.incidents();
    g.problems();
    g.summary.changes = g.changes.len();
    (g.changes, g.summary)
}

/// Writes `changes` through the store in batches, calling `progress(done,
/// total)` after each, as if a tablet called `demo-data` had pushed them.
pub fn write(
    state: &AppState,
    changes: &[Change],
    mut progress: impl FnMut(usize, usize),
) -> Result<PushOutcome, Error> {
    let origin = Origin {
        user_id: DEMO_NODE.to_owned(),
        device_id: DEMO_NODE.to_owned(),
        received_at: format_rfc3339_ms(crate::clock::now_ms()),
    };
    let mut total = PushOutcome::default();
    let mut done = 0;
    for batch in changes.chunks(5_000) {
        let outcome = state.store().push(batch, &origin, &|_, _, _| Ok(()))?;
        total.accepted += outcome.accepted;
        total.ignored += outcome.ignored;
        done += batch.len();
        progress(done, changes.len());
    }
    Ok(total)
}

struct Generator<'a> {
    options: &'a DemoOptions,
    rng: StdRng,
    clock: Clock,
    reporters: Vec<String>,
    responders: Vec<String>,
    site_ids: Vec<String>,
    /// `(category, site)` → incident ids, for the problems.
    groups: BTreeMap<(String, String), Vec<(String, u64)>>,
    /// Recordable cases by year, to number them in date order.
    cases: Vec<(u64, String)>,
    changes: Vec<Change>,
    summary: DemoSummary,
}

impl<'a> Generator<'a> {
    fn new(options: &'a DemoOptions, people: &[User]) -> Self {
        let mut rng = StdRng::seed_from_u64(options.seed);
        let ids = |f: &dyn Fn(&User) -> bool| -> Vec<String> {
            people
                .iter()
                .filter(|u| f(u))
                .map(|u| u.id.clone())
                .collect()
        };
        let mut reporters = ids(&|_| true);
        let mut responders = ids(&|u| matches!(u.role, Role::Manager | Role::Admin));
        if reporters.is_empty() {
            reporters = (0..4).map(|_| uuid(&mut rng, options.now_ms)).collect();
        }
        if responders.is_empty() {
            responders = reporters.clone();
        }
        Self {
            options,
            rng,
            clock: Clock::new(DEMO_NODE).expect("the demo node is a valid HLC node"),
            reporters,
            responders,
            site_ids: Vec::new(),
            groups: BTreeMap::new(),
            cases: Vec::new(),
            changes: Vec::new(),
            summary: DemoSummary::default(),
        }
    }

    /// One field write, stamped at `at_ms` (or just after the last stamp).
    fn write(&mut self, collection: &str, id: &str, field: &str, value: Value, at_ms: u64) {
        self.changes.push(Change {
            collection: collection.to_owned(),
            id: id.to_owned(),
            field: field.to_owned(),
            value,
            hlc: self.clock.now(at_ms),
        });
    }

    fn new_id(&mut self, at_ms: u64) -> String {
        uuid(&mut self.rng, at_ms)
    }

    fn sites(&mut self) {
        let at = self.options.now_ms.saturating_sub(400 * DAY_MS);
        for (name, region) in SITES {
            let id = self.new_id(at);
            self.write("sites", &id, "name", name.into(), at);
            self.write("sites", &id, "region", region.into(), at);
            self.site_ids.push(id);
        }
        self.summary.sites = SITES.len();
    }

    fn incidents(&mut self) {
        let now = self.options.now_ms;
        let year = 365 * DAY_MS;
        // Logged across the year, a little busier in recent months, in order.
        let mut times: Vec<u64> = (0..self.options.incidents)
            .map(|_| {
                let r: f64 = self.rng.random::<f64>().powf(0.85);
                now.saturating_sub(HOUR_MS) - ((1.0 - r) * year as f64) as u64
            })
            .collect();
        times.sort_unstable();
        for created in times {
            self.incident(created);
        }
        self.number_cases();
    }

    fn incident(&mut self, created: u64) {
        let now = self.options.now_ms;
        let id = self.new_id(created);
        let service_request = self.rng.random_bool(0.12);
        let (category, title) = if service_request {
            (
                "service_request",
                *SERVICE_REQUESTS.choose(&mut self.rng).unwrap_or(&"Request"),
            )
        } else {
            let weights = CATEGORIES.map(|c| c.1);
            let (code, _, titles) = CATEGORIES[weighted(&mut self.rng, &weights)];
            (code, *titles.choose(&mut self.rng).unwrap_or(&"Incident"))
        };
        // Busier sites get more: the first sites weigh most.
        let site = self.site_ids[weighted(&mut self.rng, &[5, 4, 3, 2, 2])].clone();
        let level = |rng: &mut StdRng| match rng.random_range(0..10) {
            0 => 1,
            1..=4 => 2,
            _ => 3,
        };
        let (impact, urgency) = (level(&mut self.rng), level(&mut self.rng));
        let priority = Priority::from_impact_urgency(impact, urgency);
        let reporter = self
            .reporters
            .choose(&mut self.rng)
            .cloned()
            .unwrap_or_default();
        let occurred = created.saturating_sub(self.rng.random_range(0..2 * HOUR_MS));
        let kind = if service_request {
            "service_request"
        } else {
            "incident"
        };
        let fields: [(&str, Value); 10] = [
            ("kind", kind.into()),
            ("title", title.into()),
            (
                "description",
                "Reported by the crew on site; the timeline has the details (demo data).".into(),
            ),
            ("category", category.into()),
            ("site", site.clone().into()),
            ("occurred_at", format_rfc3339_ms(occurred).into()),
            ("reported_by", reporter.clone().into()),
            ("impact", impact.into()),
            ("urgency", urgency.into()),
            ("status", Status::New.code().into()),
        ];
        for (field, value) in fields {
            self.write("incidents", &id, field, value, created);
        }
        self.event(&id, &reporter, events::created(), created);
        self.summary.incidents += 1;
        self.groups
            .entry((category.to_owned(), site))
            .or_default()
            .push((id.clone(), created));
        if category == "injury" && self.rng.random_bool(0.6) {
            self.recordable(&id, occurred);
        }
        self.lifecycle(&id, created, priority, now);
    }

    /// Walks the incident through its statuses, stopping at `now`.
    fn lifecycle(&mut self, id: &str, created: u64, priority: Option<Priority>, now: u64) {
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

    fn event(&mut self, incident: &str, author: &str, event: NewEvent, at: u64) {
        let id = self.new_id(at);
        for (field, value) in event.fields(incident, author, at) {
            self.write("events", &id, field, value, at);
        }
        self.summary.events += 1;
    }

    /// Root cause and lessons, written before a P1 or P2 is closed.
    fn review(&mut self, id: &str, at: u64) {
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
    fn actions(&mut self, incident: &str, resolved: u64, now: u64) {
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

    fn recordable(&mut self, id: &str, occurred: u64) {
        let jobs = [
            "Machine operator",
            "Forklift driver",
            "Electrician",
            "Labourer",
            "Fitter",
        ];
        let names = [
            "Sam Okafor",
            "Lena Brandt",
            "Ravi Patel",
            "Mia Kowalski",
            "Tom Reyes",
            "Zoë Martin",
        ];
        let outcome = match self.rng.random_range(0..10) {
            0..=1 => "days_away",
            2..=4 => "restricted",
            _ => "other_recordable",
        };
        let days = |rng: &mut StdRng, yes: bool| if yes { rng.random_range(1..20) } else { 0 };
        let away = days(&mut self.rng, outcome == "days_away");
        let restricted = days(&mut self.rng, outcome == "restricted");
        let fields: [(&str, Value); 7] = [
            ("recordable", true.into()),
            (
                "person_name",
                (*names.choose(&mut self.rng).unwrap_or(&names[0])).into(),
            ),
            (
                "job_title",
                (*jobs.choose(&mut self.rng).unwrap_or(&jobs[0])).into(),
            ),
            ("outcome", outcome.into()),
            ("days_away", away.into()),
            ("days_restricted", restricted.into()),
            ("injury_type", "injury".into()),
        ];
        for (field, value) in fields {
            self.write("incidents", id, field, value, occurred + HOUR_MS);
        }
        self.cases.push((occurred, id.to_owned()));
    }

    /// `2026-001`, … in date order within each year.
    fn number_cases(&mut self) {
        let mut cases = std::mem::take(&mut self.cases);
        cases.sort();
        let mut per_year: BTreeMap<String, u32> = BTreeMap::new();
        for (occurred, id) in cases {
            let year = format_rfc3339_ms(occurred)[..4].to_owned();
            let n = per_year.entry(year.clone()).or_default();
            *n += 1;
            let number = format!("{year}-{n:03}");
            self.write(
                "incidents",
                &id,
                "case_number",
                number.into(),
                occurred + HOUR_MS,
            );
        }
    }

    /// A problem for each busy category and site pair, linking its incidents.
    fn problems(&mut self) {
        let groups = std::mem::take(&mut self.groups);
        let mut busy: Vec<_> = groups
            .into_iter()
            .filter(|((c, _), list)| c != "service_request" && list.len() >= 6)
            .collect();
        busy.sort_by_key(|(_, list)| std::cmp::Reverse(list.len()));
        let wanted = (self.options.incidents / 40).max(1);
        for ((category, _), list) in busy.into_iter().take(wanted) {
            let at = list[list.len() / 2].1;
            let id = self.new_id(at);
            let status = *["open", "known_error", "resolved"]
                .choose(&mut self.rng)
                .unwrap_or(&"open");
            let title = format!(
                "Recurring {} at one site",
                schema::label(&category).to_lowercase()
            );
            self.write("problems", &id, "title", title.into(), at);
            self.write("problems", &id, "status", status.into(), at);
            self.write(
                "problems",
                &id,
                "description",
                "Raised from the demo data set: the same trouble keeps coming back.".into(),
                at,
            );
            for (incident, created) in list
                .iter()
                .filter(|_| self.rng.random_bool(0.5))
                .cloned()
                .collect::<Vec<_>>()
            {
                self.write(
                    "incidents",
                    &incident,
                    "problem_id",
                    id.clone().into(),
                    at.max(created),
                );
            }
            self.summary.problems += 1;
        }
    }
}

/// An index into `weights`, each chosen in proportion to its weight.
fn weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let mut pick = rng.random_range(0..weights.iter().sum::<u32>().max(1));
    for (i, &w) in weights.iter().enumerate() {
        if pick < w {
            return i;
        }
        pick -= w;
    }
    0
}

/// A UUIDv7 for `at_ms` with seeded random bits.
fn uuid(rng: &mut StdRng, at_ms: u64) -> String {
    let random: [u8; 10] = rng.random();
    uuid::Builder::from_unix_timestamp_millis(at_ms, &random)
        .into_uuid()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_makes_the_same_data_and_every_change_validates() {
        let options = DemoOptions {
            incidents: 60,
            seed: 7,
            now_ms: 1_795_000_000_000,
        };
        let (a, summary) = generate(&options, &[]);
        let (b, _) = generate(&options, &[]);
        assert_eq!(a, b);
        assert_eq!(summary.incidents, 60);
        assert_eq!(summary.changes, a.len());
        for change in &a {
            assert!(schema::validate(change).is_ok(), "{change:?}");
        }
    }
}
