//! Priority from impact × urgency, the ITIL matrix. Derived, never stored.

use std::fmt;

use serde::{Deserialize, Serialize};

/// P1 (most urgent) to P5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Priority {
    P1,
    P2,
    P3,
    P4,
    P5,
}

impl Priority {
    /// Impact and urgency are 1 (high), 2 (medium) or 3 (low):
    ///
    /// | impact \ urgency | 1  | 2  | 3  |
    /// |------------------|----|----|----|
    /// | 1                | P1 | P2 | P3 |
    /// | 2                | P2 | P3 | P4 |
    /// | 3                | P3 | P4 | P5 |
    ///
    /// `None` when either is outside 1–3.
    pub fn from_impact_urgency(impact: i64, urgency: i64) -> Option<Self> {
        if !(1..=3).contains(&impact) || !(1..=3).contains(&urgency) {
            return None;
        }
        Some(match impact + urgency - 1 {
            1 => Self::P1,
            2 => Self::P2,
            3 => Self::P3,
            4 => Self::P4,
            _ => Self::P5,
        })
    }

    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// Words for a screen reader and a tooltip-free screen.
    pub fn description(self) -> &'static str {
        match self {
            Self::P1 => "P1 critical",
            Self::P2 => "P2 high",
            Self::P3 => "P3 medium",
            Self::P4 => "P4 low",
            Self::P5 => "P5 planning",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{}", self.number())
    }
}

/// An incident's impact and urgency, each 1 (high) to 3 (low): what a
/// priority-change event records as its `from` and `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Levels {
    pub impact: i64,
    pub urgency: i64,
}

impl Levels {
    pub fn priority(self) -> Option<Priority> {
        Priority::from_impact_urgency(self.impact, self.urgency)
    }
}

/// Words for impact and urgency levels.
pub fn level_label(level: i64) -> &'static str {
    match level {
        1 => "High",
        2 => "Medium",
        3 => "Low",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::Priority::{self, *};

    #[test]
    fn itil_matrix() {
        let expected = [[P1, P2, P3], [P2, P3, P4], [P3, P4, P5]];
        for impact in 1..=3 {
            for urgency in 1..=3 {
                assert_eq!(
                    Priority::from_impact_urgency(impact, urgency),
                    Some(expected[impact as usize - 1][urgency as usize - 1]),
                );
            }
        }
    }

    #[test]
    fn out_of_range_levels_have_no_priority() {
        assert_eq!(Priority::from_impact_urgency(0, 1), None);
        assert_eq!(Priority::from_impact_urgency(2, 4), None);
    }

    #[test]
    fn renders_as_p_number() {
        assert_eq!(P2.to_string(), "P2");
    }
}
