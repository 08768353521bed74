//! An incident's status and its codes, on their own so that both the
//! timeline (`events`) and the lifecycle (`lifecycle`) can name it while
//! `lifecycle` builds on `events` and never the other way round.

/// An incident's status; codes are `schema::STATUSES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    New,
    Acknowledged,
    InProgress,
    OnHold,
    Resolved,
    Closed,
    Cancelled,
}

impl Status {
    pub const ALL: [Self; 7] = [
        Self::New,
        Self::Acknowledged,
        Self::InProgress,
        Self::OnHold,
        Self::Resolved,
        Self::Closed,
        Self::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Acknowledged => "acknowledged",
            Self::InProgress => "in_progress",
            Self::OnHold => "on_hold",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        crate::schema::label(self.code())
    }

    /// Still needs work: New, Acknowledged, In progress or On hold.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::New | Self::Acknowledged | Self::InProgress | Self::OnHold
        )
    }
}
