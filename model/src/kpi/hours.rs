//! Hours worked per site and month, read from `site_hours` records. Two
//! tablets may enter the same site and month as two records; the entry with
//! the newest `hours` stamp wins, as a single field would under the merge.

use std::collections::BTreeMap;

use crate::{Hlc, Record};

use super::HoursWorked;

/// The hours in force for each `(site, year, month)`, skipping deleted and
/// incomplete entries.
pub fn hours_worked<'a>(records: impl IntoIterator<Item = &'a Record>) -> HoursWorked {
    let mut latest: BTreeMap<(String, i32, u32), (&Hlc, f64)> = BTreeMap::new();
    for record in records {
        if record.is_deleted() {
            continue;
        }
        let (Some(site), Some(year), Some(month), Some(hours)) = (
            record.str("site"),
            record.int("year").and_then(|y| i32::try_from(y).ok()),
            record.int("month").and_then(|m| u32::try_from(m).ok()),
            record.fields.get("hours"),
        ) else {
            continue;
        };
        let Some(value) = hours.value.as_f64() else {
            continue;
        };
        let key = (site.to_owned(), year, month);
        match latest.get(&key) {
            Some((stamp, _)) if *stamp >= &hours.hlc => {}
            _ => {
                latest.insert(key, (&hours.hlc, value));
            }
        }
    }
    latest
        .into_iter()
        .map(|(key, (_, hours))| (key, hours))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(site: &str, month: i64, hours: i64, wall: u64) -> Record {
        let mut r = Record::default();
        let stamp = Hlc::new(wall, 0, "tablet").expect("stamp");
        for (field, value) in [
            ("site", json!(site)),
            ("year", json!(2026)),
            ("month", json!(month)),
            ("hours", json!(hours)),
        ] {
            r.apply(field, &value, &stamp);
        }
        r
    }

    #[test]
    fn the_newest_entry_for_a_site_and_month_wins() {
        let older = entry("north", 11, 38_000, 10);
        let newer = entry("north", 11, 40_000, 20);
        let other_month = entry("north", 10, 41_000, 5);
        let hours = hours_worked([&newer, &older, &other_month]);
        assert_eq!(hours.get(&("north".to_owned(), 2026, 11)), Some(&40_000.0));
        assert_eq!(hours.get(&("north".to_owned(), 2026, 10)), Some(&41_000.0));
        assert_eq!(hours.len(), 2);
    }

    #[test]
    fn deleted_and_incomplete_entries_count_for_nothing() {
        let mut deleted = entry("north", 11, 40_000, 10);
        deleted.apply(
            "deleted",
            &json!(true),
            &Hlc::new(11, 0, "t").expect("stamp"),
        );
        let mut incomplete = Record::default();
        incomplete.apply("hours", &json!(5), &Hlc::new(1, 0, "t").expect("stamp"));
        assert!(hours_worked([&deleted, &incomplete]).is_empty());
    }
}
