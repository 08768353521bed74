//! The demo generator, continued: recordable cases and the problems that
//! group recurring incidents.

use std::collections::BTreeMap;

use outpost_model::schema;
use outpost_model::time::{HOUR_MS, format_rfc3339_ms};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde_json::Value;

use super::generator::*;

impl Generator<'_> {
    pub(super) fn recordable(&mut self, id: &str, occurred: u64) {
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
    pub(super) fn number_cases(&mut self) {
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
    pub(super) fn problems(&mut self) {
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
