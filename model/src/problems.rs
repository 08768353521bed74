//! Problem suggestions: recurring incidents that nobody has linked to a
//! problem yet. Three or more incidents of the same category at the same site
//! within 30 days are probably one underlying cause (issue 3, item 7).
//!
//! Only incidents that could still be grouped take part: not deleted, not
//! cancelled, not service requests, not linked to a problem already, and
//! with both a category and a site.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{Record, time::DAY_MS};

/// How many incidents make a pattern.
pub const MIN_INCIDENTS: usize = 3;
/// How close together they must be, first to last.
pub const WINDOW_MS: u64 = 30 * DAY_MS;

/// What the suggestion needs to know of one incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentFacts {
    pub id: String,
    pub category: String,
    pub site: String,
    /// When it happened: `occurred_at`, or when it was logged.
    pub at_ms: u64,
}

impl IncidentFacts {
    /// Reads an incident record, or `None` when it cannot take part (see the
    /// module notes). `at_ms` falls back to the time in the record's UUIDv7 id
    /// when `occurred_at` is not set.
    pub fn from_record(id: &str, record: &Record) -> Option<Self> {
        let blocked = record.is_deleted()
            || record.str("status") == Some("cancelled")
            || record.str("kind") == Some("service_request")
            || record.get("problem_id").is_some_and(|p| !p.is_null());
        if blocked {
            return None;
        }
        let at_ms = record
            .str("occurred_at")
            .and_then(crate::time::parse_rfc3339_ms)
            .or_else(|| uuid_v7_ms(id))?;
        let text = |f: &str| record.str(f).filter(|s| !s.is_empty()).map(str::to_owned);
        Some(Self {
            id: id.to_owned(),
            category: text("category")?,
            site: text("site")?,
            at_ms,
        })
    }
}

/// The Unix time in milliseconds of a UUIDv7 (its first 48 bits).
pub fn uuid_v7_ms(id: &str) -> Option<u64> {
    let uuid = uuid::Uuid::parse_str(id).ok()?;
    if uuid.get_version_num() != 7 {
        return None;
    }
    let b = uuid.as_bytes();
    Some(b[..6].iter().fold(0, |ms, &byte| ms << 8 | u64::from(byte)))
}

/// A group of incidents that look like one problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemSuggestion {
    pub category: String,
    pub site: String,
    /// Oldest first.
    pub incident_ids: Vec<String>,
    pub first_ms: u64,
    pub last_ms: u64,
}

impl ProblemSuggestion {
    /// A starting title for the problem a person may create from it, e.g.
    /// "3 near miss incidents at North yard".
    pub fn title(&self, site_name: &str) -> String {
        let category = crate::schema::label(&self.category).to_lowercase();
        format!(
            "{} {category} incidents at {site_name}",
            self.incident_ids.len()
        )
    }

    /// The `problem_id` write that links each incident to a new problem.
    pub fn links(&self, problem_id: &str) -> Vec<(String, &'static str, Value)> {
        self.incident_ids
            .iter()
            .map(|id| (id.clone(), "problem_id", Value::from(problem_id)))
            .collect()
    }
}

/// Groups of at least [`MIN_INCIDENTS`] incidents sharing category and site
/// whose first and last are at most [`WINDOW_MS`] apart, most recent group
/// first. Within one category and site the groups do not overlap: the earliest
/// run is taken whole, then the search goes on after it.
pub fn suggest(incidents: &[IncidentFacts]) -> Vec<ProblemSuggestion> {
    let mut by_place: BTreeMap<(&str, &str), Vec<&IncidentFacts>> = BTreeMap::new();
    for incident in incidents {
        by_place
            .entry((&incident.category, &incident.site))
            .or_default()
            .push(incident);
    }
    let mut groups = Vec::new();
    for ((category, site), mut list) in by_place {
        list.sort_by(|a, b| (a.at_ms, &a.id).cmp(&(b.at_ms, &b.id)));
        let mut start = 0;
        while start < list.len() {
            let first = list[start].at_ms;
            let end = start
                + list[start..]
                    .iter()
                    .take_while(|i| i.at_ms - first <= WINDOW_MS)
                    .count();
            if end - start < MIN_INCIDENTS {
                start += 1;
                continue;
            }
            let run = &list[start..end];
            groups.push(ProblemSuggestion {
                category: category.to_owned(),
                site: site.to_owned(),
                incident_ids: run.iter().map(|i| i.id.clone()).collect(),
                first_ms: first,
                last_ms: run[run.len() - 1].at_ms,
            });
            start = end;
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.last_ms));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Hlc;
    use serde_json::json;

    const NORTH: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c0a";
    const SOUTH: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c0b";

    fn facts(id: &str, category: &str, site: &str, day: u64) -> IncidentFacts {
        IncidentFacts {
            id: id.into(),
            category: category.into(),
            site: site.into(),
            at_ms: day * DAY_MS,
        }
    }

    fn ids(group: &ProblemSuggestion) -> Vec<&str> {
        group.incident_ids.iter().map(String::as_str).collect()
    }

    #[test]
    fn three_alike_within_30_days_make_a_suggestion() {
        let incidents = [
            facts("a", "near_miss", NORTH, 1),
            facts("b", "near_miss", NORTH, 11),
            facts("c", "near_miss", NORTH, 31),
        ];
        let groups = suggest(&incidents);
        assert_eq!(groups.len(), 1);
        assert_eq!(ids(&groups[0]), ["a", "b", "c"]);
        assert_eq!(
            (groups[0].first_ms, groups[0].last_ms),
            (DAY_MS, 31 * DAY_MS)
        );
    }

    #[test]
    fn two_alike_or_a_spread_over_more_than_30_days_do_not() {
        assert!(
            suggest(&[
                facts("a", "injury", NORTH, 1),
                facts("b", "injury", NORTH, 2)
            ])
            .is_empty()
        );
        let spread = [
            facts("a", "injury", NORTH, 1),
            facts("b", "injury", NORTH, 20),
            facts("c", "injury", NORTH, 32), // 31 days after the first
        ];
        assert!(suggest(&spread).is_empty());
    }

    #[test]
    fn category_and_site_must_both_match() {
        let incidents = [
            facts("a", "injury", NORTH, 1),
            facts("b", "injury", SOUTH, 2),
            facts("c", "near_miss", NORTH, 3),
            facts("d", "injury", NORTH, 4),
        ];
        assert!(suggest(&incidents).is_empty());
    }

    #[test]
    fn a_later_run_is_found_after_an_early_straggler() {
        // Day 0 and 20 alone are too few; 20, 40 and 45 span 25 days.
        let incidents = [
            facts("w", "security", SOUTH, 0),
            facts("x", "security", SOUTH, 20),
            facts("y", "security", SOUTH, 40),
            facts("z", "security", SOUTH, 45),
        ];
        let groups = suggest(&incidents);
        assert_eq!(groups.len(), 1);
        assert_eq!(ids(&groups[0]), ["x", "y", "z"]);
    }

    #[test]
    fn groups_do_not_overlap_and_the_newest_comes_first() {
        let mut incidents: Vec<_> = (0..6)
            .map(|i| facts(&format!("n{i}"), "it_outage", NORTH, i * 5))
            .collect();
        incidents.extend((0..3).map(|i| facts(&format!("s{i}"), "injury", SOUTH, 100 + i)));
        let groups = suggest(&incidents);
        // Days 0–25 at North are one run of six; South's run is newer.
        assert_eq!(groups.len(), 2);
        assert_eq!(ids(&groups[0]), ["s0", "s1", "s2"]);
        assert_eq!(ids(&groups[1]), ["n0", "n1", "n2", "n3", "n4", "n5"]);
    }

    fn record(fields: &[(&str, Value)]) -> Record {
        let mut r = Record::default();
        let hlc = Hlc::new(1, 0, "t").unwrap();
        for (f, v) in fields {
            r.apply(f, v, &hlc);
        }
        r
    }

    #[test]
    fn only_open_unlinked_incidents_with_a_place_take_part() {
        let base = [
            ("category", json!("near_miss")),
            ("site", json!(NORTH)),
            ("occurred_at", json!("2026-11-02T08:00:00.000Z")),
        ];
        let with = |extra: (&str, Value)| {
            let mut fields = base.to_vec();
            fields.push(extra);
            record(&fields)
        };
        let id = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";
        let read = IncidentFacts::from_record(id, &record(&base)).unwrap();
        assert_eq!(read.at_ms, 1_793_606_400_000); // 2026-11-02T08:00:00Z
        for blocker in [
            ("deleted", json!(true)),
            ("status", json!("cancelled")),
            ("kind", json!("service_request")),
            ("problem_id", json!(SOUTH)),
        ] {
            assert_eq!(
                IncidentFacts::from_record(id, &with(blocker.clone())),
                None,
                "{blocker:?}"
            );
        }
        assert!(IncidentFacts::from_record(id, &with(("problem_id", json!(null)))).is_some());
        assert_eq!(IncidentFacts::from_record(id, &record(&base[..1])), None);
    }

    #[test]
    fn without_occurred_at_the_time_comes_from_the_uuid_v7_id() {
        // 0x0193f3a26c1e ms is 2024-12-23T13:08:48.286Z.
        assert_eq!(
            uuid_v7_ms("0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01"),
            Some(0x0193_f3a2_6c1e)
        );
        assert_eq!(uuid_v7_ms("0193f3a2-6c1e-4cc0-8a55-2f6e2b1d9c01"), None); // version 4
        let r = record(&[("category", json!("injury")), ("site", json!(NORTH))]);
        let read = IncidentFacts::from_record("0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01", &r).unwrap();
        assert_eq!(read.at_ms, 0x0193_f3a2_6c1e);
    }

    #[test]
    fn a_suggestion_offers_a_title_and_the_links() {
        let group = suggest(&[
            facts("a", "near_miss", NORTH, 1),
            facts("b", "near_miss", NORTH, 2),
            facts("c", "near_miss", NORTH, 3),
        ])
        .remove(0);
        assert_eq!(
            group.title("North yard"),
            "3 near miss incidents at North yard"
        );
        let links = group.links(SOUTH);
        assert_eq!(links.len(), 3);
        assert_eq!(links[0], ("a".to_owned(), "problem_id", json!(SOUTH)));
    }
}
