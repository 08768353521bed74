//! The span a report covers: a calendar month, a quarter or any custom
//! `[start, end)` in milliseconds, UTC. Months and quarters are UTC calendar
//! months, so every tablet cuts the same month at the same instant whatever
//! its time zone.

use chrono::{Datelike, NaiveDate};

/// What kind of span a [`Period`] is, so [`Period::previous`] knows what
/// "the one before" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Custom,
}

/// A half-open span of time, `start_ms <= t < end_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub start_ms: u64,
    pub end_ms: u64,
    pub kind: PeriodKind,
}

/// Milliseconds at 00:00 UTC on the first of `month`, or `None` when the
/// date does not exist or is before 1970.
pub(crate) fn month_start_ms(year: i32, month: u32) -> Option<u64> {
    let date = NaiveDate::from_ymd_opt(year, month, 1)?;
    let ms = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis();
    u64::try_from(ms).ok()
}

/// The month after `(year, month)`.
pub(crate) fn next_month(year: i32, month: u32) -> (i32, u32) {
    if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    }
}

/// The month before `(year, month)`.
pub(crate) fn previous_month(year: i32, month: u32) -> (i32, u32) {
    if month == 1 {
        (year - 1, 12)
    } else {
        (year, month - 1)
    }
}

/// The UTC `(year, month)` that contains `ms`.
pub(crate) fn year_month_of(ms: u64) -> (i32, u32) {
    let t = chrono::DateTime::from_timestamp_millis(i64::try_from(ms).unwrap_or(i64::MAX))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
    (t.year(), t.month())
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Period {
    /// The calendar month `month` (1–12) of `year`; `None` for a month that
    /// does not exist or lies before 1970.
    pub fn month(year: i32, month: u32) -> Option<Self> {
        let (ny, nm) = next_month(year, month);
        Some(Self {
            start_ms: month_start_ms(year, month)?,
            end_ms: month_start_ms(ny, nm)?,
            kind: PeriodKind::Month { year, month },
        })
    }

    /// Quarter `quarter` (1–4) of `year`: Q1 is January to March.
    pub fn quarter(year: i32, quarter: u32) -> Option<Self> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        let first = (quarter - 1) * 3 + 1;
        let (ny, nm) = if quarter == 4 {
            (year + 1, 1)
        } else {
            (year, first + 3)
        };
        Some(Self {
            start_ms: month_start_ms(year, first)?,
            end_ms: month_start_ms(ny, nm)?,
            kind: PeriodKind::Quarter { year, quarter },
        })
    }

    /// Any span `[start_ms, end_ms)`; `None` when it is empty.
    pub fn custom(start_ms: u64, end_ms: u64) -> Option<Self> {
        (start_ms < end_ms).then_some(Self {
            start_ms,
            end_ms,
            kind: PeriodKind::Custom,
        })
    }

    /// The calendar month that contains `ms` (the dashboard's "this month").
    pub fn month_of(ms: u64) -> Option<Self> {
        let (year, month) = year_month_of(ms);
        Self::month(year, month)
    }

    /// The period a report puts beside this one: the month, the quarter, or
    /// for a custom span the span of the same length just before it. `None`
    /// only when that would start before 1970.
    pub fn previous(&self) -> Option<Self> {
        match self.kind {
            PeriodKind::Month { year, month } => {
                let (y, m) = previous_month(year, month);
                Self::month(y, m)
            }
            PeriodKind::Quarter { year, quarter: 1 } => Self::quarter(year - 1, 4),
            PeriodKind::Quarter { year, quarter } => Self::quarter(year, quarter - 1),
            PeriodKind::Custom => {
                let len = self.end_ms - self.start_ms;
                Self::custom(self.start_ms.checked_sub(len)?, self.start_ms)
            }
        }
    }

    pub fn contains(&self, ms: u64) -> bool {
        (self.start_ms..self.end_ms).contains(&ms)
    }

    /// The `(year, month)` of the last month the period touches: where its
    /// 12-month trend ends.
    pub fn last_month(&self) -> (i32, u32) {
        year_month_of(self.end_ms - 1)
    }

    /// Words for a heading: "November 2026", "Q4 2026",
    /// "2026-11-03 to 2026-11-09" (the last day included).
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Month { year, month } => {
                format!("{} {year}", MONTHS[(month - 1) as usize])
            }
            PeriodKind::Quarter { year, quarter } => format!("Q{quarter} {year}"),
            PeriodKind::Custom => {
                let day = |ms: u64| crate::time::format_rfc3339_ms(ms)[..10].to_owned();
                format!("{} to {}", day(self.start_ms), day(self.end_ms - 1))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_rfc3339_ms;

    fn ms(s: &str) -> u64 {
        parse_rfc3339_ms(s).unwrap()
    }

    #[test]
    fn a_month_runs_from_its_first_midnight_to_the_next() {
        let nov = Period::month(2026, 11).unwrap();
        assert_eq!(nov.start_ms, ms("2026-11-01T00:00:00Z"));
        assert_eq!(nov.end_ms, ms("2026-12-01T00:00:00Z"));
        let dec = Period::month(2026, 12).unwrap();
        assert_eq!(dec.end_ms, ms("2027-01-01T00:00:00Z"));
        assert_eq!(Period::month(2026, 13), None);
        assert_eq!(Period::month(1969, 12), None);
    }

    #[test]
    fn previous_steps_back_across_year_ends() {
        let jan = Period::month(2027, 1).unwrap();
        assert_eq!(jan.previous(), Period::month(2026, 12));
        let q1 = Period::quarter(2027, 1).unwrap();
        assert_eq!(q1.previous(), Period::quarter(2026, 4));
        assert_eq!(
            Period::quarter(2026, 3).unwrap().previous(),
            Period::quarter(2026, 2)
        );
        let week = Period::custom(ms("2026-11-08T00:00:00Z"), ms("2026-11-15T00:00:00Z"));
        assert_eq!(
            week.unwrap().previous(),
            Period::custom(ms("2026-11-01T00:00:00Z"), ms("2026-11-08T00:00:00Z"))
        );
    }

    #[test]
    fn quarters_cover_three_months() {
        let q4 = Period::quarter(2026, 4).unwrap();
        assert_eq!(q4.start_ms, ms("2026-10-01T00:00:00Z"));
        assert_eq!(q4.end_ms, ms("2027-01-01T00:00:00Z"));
        assert_eq!(q4.last_month(), (2026, 12));
        assert_eq!(Period::quarter(2026, 5), None);
    }

    #[test]
    fn periods_are_half_open_and_labelled_in_words() {
        let nov = Period::month_of(ms("2026-11-26T21:38:04.123Z")).unwrap();
        assert!(nov.contains(nov.start_ms) && !nov.contains(nov.end_ms));
        assert_eq!(nov.label(), "November 2026");
        assert_eq!(Period::quarter(2026, 4).unwrap().label(), "Q4 2026");
        let week = Period::custom(ms("2026-11-03T00:00:00Z"), ms("2026-11-10T00:00:00Z"));
        assert_eq!(week.unwrap().label(), "2026-11-03 to 2026-11-09");
        assert_eq!(Period::custom(5, 5), None);
    }
}
