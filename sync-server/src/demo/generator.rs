//! The demo generator: its state, and the sites and incidents it makes.

use std::collections::BTreeMap;

use outpost_model::events::{self};
use outpost_model::lifecycle::Status;
use outpost_model::protocol::{Role, User};
use outpost_model::time::{DAY_MS, HOUR_MS, format_rfc3339_ms};
use outpost_model::{Change, Clock, Priority};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use super::catalogue::*;
use super::{DEMO_NODE, DemoOptions, DemoSummary};

pub(super) struct Generator<'a> {
    pub(super) options: &'a DemoOptions,
    pub(super) rng: StdRng,
    pub(super) clock: Clock,
    pub(super) reporters: Vec<String>,
    pub(super) responders: Vec<String>,
    pub(super) site_ids: Vec<String>,
    /// `(category, site)` → incident ids, for the problems.
    pub(super) groups: BTreeMap<(String, String), Vec<(String, u64)>>,
    /// Recordable cases by year, to number them in date order.
    pub(super) cases: Vec<(u64, String)>,
    pub(super) changes: Vec<Change>,
    pub(super) summary: DemoSummary,
}

impl<'a> Generator<'a> {
    pub(super) fn new(options: &'a DemoOptions, people: &[User]) -> Self {
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
    pub(super) fn write(
        &mut self,
        collection: &str,
        id: &str,
        field: &str,
        value: Value,
        at_ms: u64,
    ) {
        self.changes.push(Change {
            collection: collection.to_owned(),
            id: id.to_owned(),
            field: field.to_owned(),
            value,
            hlc: self.clock.now(at_ms),
        });
    }

    pub(super) fn new_id(&mut self, at_ms: u64) -> String {
        uuid(&mut self.rng, at_ms)
    }

    pub(super) fn sites(&mut self) {
        let at = self.options.now_ms.saturating_sub(400 * DAY_MS);
        for (name, region) in SITES {
            let id = self.new_id(at);
            self.write("sites", &id, "name", name.into(), at);
            self.write("sites", &id, "region", region.into(), at);
            self.site_ids.push(id);
        }
        self.summary.sites = SITES.len();
    }

    pub(super) fn incidents(&mut self) {
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

    pub(super) fn incident(&mut self, created: u64) {
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
}

/// An index into `weights`, each chosen in proportion to its weight.
pub(super) fn weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
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
pub(super) fn uuid(rng: &mut StdRng, at_ms: u64) -> String {
    let random: [u8; 10] = rng.random();
    uuid::Builder::from_unix_timestamp_millis(at_ms, &random)
        .into_uuid()
        .to_string()
}
