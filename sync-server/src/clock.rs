//! The server's wall clock and durations in words.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch by the server's clock.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        // A server clock before 1970 is broken beyond what we can help; zero
        // makes every device look ahead, which is the safe direction.
        .unwrap_or(0)
}

/// A duration as a person would say it, to the two largest units:
/// `2 h 14 min`, `1 min 30 s`, `3 days`.
pub fn describe_duration(ms: u64) -> String {
    let secs = ms / 1000;
    if secs == 0 {
        return "less than a second".to_owned();
    }
    let parts = [
        (secs / 86_400, "day"),
        (secs / 3_600 % 24, "h"),
        (secs / 60 % 60, "min"),
        (secs % 60, "s"),
    ];
    let first = parts.iter().position(|(n, _)| *n > 0).unwrap_or(3);
    parts[first..]
        .iter()
        .take(2)
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| match (*unit, n) {
            ("day", 1) => "1 day".to_owned(),
            ("day", n) => format!("{n} days"),
            (unit, n) => format!("{n} {unit}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_words_with_two_units() {
        let cases = [
            (500, "less than a second"),
            (61_000, "1 min 1 s"),
            (90_999, "1 min 30 s"),
            ((2 * 3600 + 14 * 60 + 5) * 1000, "2 h 14 min"),
            (3_600_000, "1 h"),
            (86_400_000, "1 day"),
            ((3 * 86_400 + 300) * 1000, "3 days"),
            ((2 * 86_400 + 5 * 3600) * 1000, "2 days 5 h"),
        ];
        for (ms, words) in cases {
            assert_eq!(describe_duration(ms), words, "{ms} ms");
        }
    }
}
