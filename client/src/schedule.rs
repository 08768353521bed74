//! When a tablet syncs, as rules without timers: the steady interval, the
//! pause after an edit, the back-off after failures, and what a finished
//! sync has to tell the person. The app's scheduler owns the timers.

use std::time::Duration;

pub const INTERVAL: Duration = Duration::from_secs(30);
pub const EDIT_DEBOUNCE: Duration = Duration::from_secs(1);
const BACKOFF_BASE_MS: u64 = 2_000;
pub const BACKOFF_CAP_MS: u64 = 5 * 60_000;

/// The delay before retry number `failures` (1 = first retry). `random` in
/// 0..1 spreads tablets out so they do not all come back at once.
pub fn backoff_ms(failures: u32, random: f64) -> u64 {
    let exp = failures.saturating_sub(1).min(20);
    let ceiling = BACKOFF_BASE_MS.saturating_mul(1 << exp).min(BACKOFF_CAP_MS);
    // Half fixed, half random: never sooner than half the ceiling.
    let jitter = (ceiling as f64 / 2.0 * random.clamp(0.0, 1.0)) as u64;
    ceiling / 2 + jitter
}

/// What the server refused in one sync, if anything, as a sentence.
pub fn refusals_in_words(changes: usize, photos: usize) -> Option<String> {
    match (changes, photos) {
        (0, 0) => None,
        (n, 0) => Some(format!(
            "The server refused {n} of the changes sent; open Sync to see why."
        )),
        (0, 1) => Some("The server refused a photo; open Sync to see why.".to_owned()),
        (0, p) => Some(format!(
            "The server refused {p} photos; open Sync to see why."
        )),
        (n, p) => Some(format!(
            "The server refused {n} of the changes sent and {p} photos; open Sync to see why."
        )),
    }
}
