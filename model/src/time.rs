//! Times on the wire are RFC 3339 UTC strings with milliseconds
//! (`2026-11-26T21:38:04.123Z`). These helpers convert them to and from
//! milliseconds since the Unix epoch, the unit clocks work in, and say how long
//! a span of milliseconds is in words.

use chrono::{DateTime, SecondsFormat, Utc};

/// `2026-11-26T21:38:04.123Z` for a Unix time in milliseconds.
pub fn format_rfc3339_ms(unix_ms: u64) -> String {
    let ms = i64::try_from(unix_ms).unwrap_or(i64::MAX);
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Milliseconds since the Unix epoch, or `None` if `s` is not RFC 3339 or is
/// before 1970.
pub fn parse_rfc3339_ms(s: &str) -> Option<u64> {
    let t = DateTime::parse_from_rfc3339(s).ok()?;
    u64::try_from(t.timestamp_millis()).ok()
}

pub const MINUTE_MS: u64 = 60_000;
pub const HOUR_MS: u64 = 60 * MINUTE_MS;
pub const DAY_MS: u64 = 24 * HOUR_MS;

/// A span in words, to the two largest units and rounded down: "less than a
/// minute", "5 min", "2 h", "2 h 5 min", "1 day", "1 day 3 h", "12 days 1 h".
/// Minutes are dropped once the span is a day or more; nobody needs them then.
pub fn human_duration(ms: u64) -> String {
    let (days, hours, minutes) = (ms / DAY_MS, ms % DAY_MS / HOUR_MS, ms % HOUR_MS / MINUTE_MS);
    match (days, hours, minutes) {
        (0, 0, 0) => "less than a minute".to_owned(),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, h, _) => {
            let unit = if d == 1 { "day" } else { "days" };
            if h == 0 {
                format!("{d} {unit}")
            } else {
                format!("{d} {unit} {h} h")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_the_two_largest_units() {
        let cases = [
            (0, "less than a minute"),
            (59_999, "less than a minute"),
            (60_000, "1 min"),
            (5 * MINUTE_MS + 59_999, "5 min"),
            (HOUR_MS, "1 h"),
            (2 * HOUR_MS + 5 * MINUTE_MS, "2 h 5 min"),
            (23 * HOUR_MS + 59 * MINUTE_MS, "23 h 59 min"),
            (DAY_MS, "1 day"),
            (DAY_MS + 3 * HOUR_MS + 59 * MINUTE_MS, "1 day 3 h"),
            (12 * DAY_MS + HOUR_MS, "12 days 1 h"),
            (30 * DAY_MS, "30 days"),
        ];
        for (ms, text) in cases {
            assert_eq!(human_duration(ms), text, "{ms} ms");
        }
    }

    #[test]
    fn round_trips_with_milliseconds() {
        let s = "2026-11-26T21:38:04.123Z";
        let ms = parse_rfc3339_ms(s).unwrap();
        assert_eq!(ms, 1_795_729_084_123);
        assert_eq!(format_rfc3339_ms(ms), s);
    }

    #[test]
    fn offsets_are_normalised_to_utc() {
        assert_eq!(
            parse_rfc3339_ms("2026-11-26T22:38:04.123+01:00"),
            parse_rfc3339_ms("2026-11-26T21:38:04.123Z")
        );
    }

    #[test]
    fn rejects_non_times() {
        assert_eq!(parse_rfc3339_ms("yesterday"), None);
        assert_eq!(parse_rfc3339_ms("1969-12-31T23:59:59Z"), None);
    }
}
