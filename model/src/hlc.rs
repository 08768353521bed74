//! Hybrid logical clock: physical time where clocks agree, a counter where they
//! do not, and the device id to break ties.
//!
//! The text form `{wall_ms:015}-{counter:05}-{node}` sorts exactly like the
//! clock itself, so stores (SQLite, IndexedDB) can compare stamps as strings.

use std::{cmp::Ordering, fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Largest wall time the 15-digit text form can hold (year 33658).
pub const MAX_WALL_MS: u64 = 999_999_999_999_999;
/// Largest counter the 5-digit text form can hold.
pub const MAX_COUNTER: u32 = 99_999;
/// Longest node (device) id accepted.
pub const MAX_NODE_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HlcError {
    #[error("clock stamp {0:?} is not of the form WALLMS-COUNTER-NODE")]
    Malformed(String),
    #[error("clock stamp node id must be 1 to 64 letters, digits, '-' or '_'")]
    BadNode,
}

/// One stamp: `(wall_ms, counter, node)`, ordered in that order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
    pub node: String,
}

impl Hlc {
    pub fn new(wall_ms: u64, counter: u32, node: impl Into<String>) -> Result<Self, HlcError> {
        let node = node.into();
        if wall_ms > MAX_WALL_MS || counter > MAX_COUNTER {
            return Err(HlcError::Malformed(format!("{wall_ms}-{counter}-{node}")));
        }
        if !valid_node(&node) {
            return Err(HlcError::BadNode);
        }
        Ok(Self {
            wall_ms,
            counter,
            node,
        })
    }

    /// The same event moved `by_ms` earlier in wall time (saturating at zero),
    /// keeping counter and node. Used to pull back changes that a fast clock
    /// stamped in the future; shifting a whole batch by one offset keeps its order.
    pub fn shifted_back(&self, by_ms: u64) -> Self {
        Self {
            wall_ms: self.wall_ms.saturating_sub(by_ms),
            ..self.clone()
        }
    }
}

/// Node ids are device ids (UUIDs in practice). The alphabet is restricted so
/// that the text form stays unambiguous and safe to show.
pub fn valid_node(node: &str) -> bool {
    !node.is_empty()
        && node.len() <= MAX_NODE_LEN
        && node
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Ord for Hlc {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.wall_ms, self.counter, &self.node).cmp(&(other.wall_ms, other.counter, &other.node))
    }
}

impl PartialOrd for Hlc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Hlc {
    /// `{wall_ms:015}-{counter:05}-{node}`, written digit by digit: every
    /// pulled or stored field carries a stamp, and `write!`'s padding showed
    /// in profiles of a first sync.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut head = [b'-'; 22];
        let fits = zero_padded(&mut head[..15], self.wall_ms)
            && zero_padded(&mut head[16..21], u64::from(self.counter));
        match std::str::from_utf8(&head) {
            Ok(head) if fits => {
                f.write_str(head)?;
                f.write_str(&self.node)
            }
            _ => write!(f, "{:015}-{:05}-{}", self.wall_ms, self.counter, self.node),
        }
    }
}

/// Writes `n` into `out` as decimal digits, zero-padded on the left; false if
/// it has more digits than `out` has room for.
fn zero_padded(out: &mut [u8], mut n: u64) -> bool {
    for digit in out.iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        n /= 10;
    }
    n == 0
}

impl FromStr for Hlc {
    type Err = HlcError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || HlcError::Malformed(s.chars().take(100).collect());
        let mut parts = s.splitn(3, '-');
        let (wall, counter, node) = match (parts.next(), parts.next(), parts.next()) {
            (Some(w), Some(c), Some(n)) => (w, c, n),
            _ => return Err(malformed()),
        };
        // Fixed widths keep text order equal to clock order; reject anything else.
        if wall.len() != 15
            || counter.len() != 5
            || !wall.bytes().all(|b| b.is_ascii_digit())
            || !counter.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(malformed());
        }
        let wall_ms = wall.parse().map_err(|_| malformed())?;
        let counter = counter.parse().map_err(|_| malformed())?;
        Hlc::new(wall_ms, counter, node)
    }
}

impl Serialize for Hlc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The clock of one node. Wall time is always passed in by the caller (corrected
/// by the server offset on tablets), never read here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    node: String,
    wall_ms: u64,
    counter: u32,
}

impl Clock {
    pub fn new(node: impl Into<String>) -> Result<Self, HlcError> {
        let node = node.into();
        if !valid_node(&node) {
            return Err(HlcError::BadNode);
        }
        Ok(Self {
            node,
            wall_ms: 0,
            counter: 0,
        })
    }

    pub fn node(&self) -> &str {
        &self.node
    }

    /// The last stamp issued or observed, if any.
    pub fn last(&self) -> Option<Hlc> {
        (self.wall_ms > 0 || self.counter > 0).then(|| Hlc {
            wall_ms: self.wall_ms,
            counter: self.counter,
            node: self.node.clone(),
        })
    }

    /// A new stamp, strictly greater than every stamp issued or observed so far.
    pub fn now(&mut self, physical_ms: u64) -> Hlc {
        let physical_ms = physical_ms.min(MAX_WALL_MS);
        if physical_ms > self.wall_ms {
            self.wall_ms = physical_ms;
            self.counter = 0;
        } else {
            self.tick();
        }
        Hlc {
            wall_ms: self.wall_ms,
            counter: self.counter,
            node: self.node.clone(),
        }
    }

    /// Takes a received stamp into account so later local stamps sort after it.
    pub fn observe(&mut self, remote: &Hlc, physical_ms: u64) {
        let physical_ms = physical_ms.min(MAX_WALL_MS);
        let max_wall = self.wall_ms.max(remote.wall_ms).max(physical_ms);
        let counter = if max_wall == self.wall_ms && max_wall == remote.wall_ms {
            self.counter.max(remote.counter)
        } else if max_wall == self.wall_ms {
            self.counter
        } else if max_wall == remote.wall_ms {
            remote.counter
        } else {
            0
        };
        self.wall_ms = max_wall;
        self.counter = counter;
        // The next `now` will move past this point; nothing else to do here.
    }

    /// Moves the clock's memory back by `by_ms` (never below zero). Used once a
    /// tablet learns its wall clock ran ahead, so its next stamps are not
    /// needlessly far in the future.
    pub fn rewind(&mut self, by_ms: u64) {
        self.wall_ms = self.wall_ms.saturating_sub(by_ms);
    }

    fn tick(&mut self) {
        if self.counter >= MAX_COUNTER {
            // The counter is out of digits: borrow a millisecond. The order of
            // stamps is kept; only the wall part runs a hair ahead.
            self.wall_ms += 1;
            self.counter = 0;
        } else {
            self.counter += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_form_round_trips() {
        let h = Hlc::new(1_764_192_000_123, 7, "dev-1").unwrap();
        assert_eq!(h.to_string(), "001764192000123-00007-dev-1");
        assert_eq!("001764192000123-00007-dev-1".parse::<Hlc>().unwrap(), h);
    }

    #[test]
    fn malformed_stamps_are_refused() {
        for bad in [
            "",
            "1-2-a",
            "001764192000123-7-a",
            "001764192000123-00007-",
            "00176419200012x-00007-a",
            "001764192000123-00007-a b",
        ] {
            assert!(bad.parse::<Hlc>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn now_is_monotonic_when_the_wall_clock_goes_back() {
        let mut c = Clock::new("a").unwrap();
        let t1 = c.now(1000);
        let t2 = c.now(500);
        let t3 = c.now(500);
        assert!(t1 < t2 && t2 < t3);
        assert_eq!(t3.wall_ms, 1000);
    }

    #[test]
    fn observe_moves_past_remote_stamps() {
        let mut c = Clock::new("a").unwrap();
        let remote = Hlc::new(5000, 3, "b").unwrap();
        c.observe(&remote, 1000);
        let next = c.now(1000);
        assert!(next > remote);
        assert_eq!((next.wall_ms, next.counter), (5000, 4));
    }

    #[test]
    fn counter_overflow_borrows_a_millisecond() {
        let mut c = Clock::new("a").unwrap();
        c.observe(&Hlc::new(10, MAX_COUNTER, "b").unwrap(), 0);
        let next = c.now(0);
        assert_eq!((next.wall_ms, next.counter), (11, 0));
    }

    fn hlc_strategy() -> impl Strategy<Value = Hlc> {
        (0..=MAX_WALL_MS, 0..=MAX_COUNTER, "[a-zA-Z0-9_-]{1,12}")
            .prop_map(|(w, c, n)| Hlc::new(w, c, n).unwrap())
    }

    proptest! {
        #[test]
        fn the_text_is_the_padded_format_for_any_clock(
            wall in prop_oneof![0u64..1_000_000_000_000_000, any::<u64>()],
            counter in prop_oneof![0u32..100_000, any::<u32>()],
        ) {
            let hlc = Hlc { wall_ms: wall, counter, node: "tablet-7".into() };
            prop_assert_eq!(hlc.to_string(), format!("{wall:015}-{counter:05}-tablet-7"));
        }

        #[test]
        fn text_order_equals_clock_order(a in hlc_strategy(), b in hlc_strategy()) {
            prop_assert_eq!(a.cmp(&b), a.to_string().cmp(&b.to_string()));
        }

        #[test]
        fn stamps_only_increase(walls in proptest::collection::vec(0u64..10_000, 1..50),
                                remotes in proptest::collection::vec(hlc_strategy(), 0..10)) {
            let mut c = Clock::new("me").unwrap();
            let mut last: Option<Hlc> = None;
            for (i, w) in walls.iter().enumerate() {
                if let Some(r) = remotes.get(i) {
                    c.observe(r, *w);
                    let next = c.now(*w);
                    prop_assert!(next > *r);
                    last = Some(next);
                    continue;
                }
                let next = c.now(*w);
                if let Some(prev) = &last {
                    prop_assert!(next > *prev);
                }
                last = Some(next);
            }
        }
    }
}
