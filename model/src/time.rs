//! Times on the wire are RFC 3339 UTC strings with milliseconds
//! (`2026-11-26T21:38:04.123Z`). These helpers convert them to and from
//! milliseconds since the Unix epoch, the unit clocks work in.

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

#[cfg(test)]
mod tests {
    use super::*;

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
