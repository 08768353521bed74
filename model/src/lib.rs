//! Outpost's core: the domain shared by the app and the sync server.
//!
//! Nothing here performs I/O. Time enters as numbers passed in by the caller, so
//! the same code runs natively (server, tests) and in the browser (wasm32).

pub mod actions;
pub mod change;
pub mod csv;
pub mod events;
pub mod hlc;
pub mod kpi;
pub mod lifecycle;
pub mod merge;
pub mod priority;
pub mod problems;
pub mod protocol;
pub mod regulator;
pub mod roles;
pub mod schema;
pub mod sla;
pub mod status;
pub mod time;

pub use change::{Change, FieldState};
pub use events::{Event, EventKind, NewEvent};
pub use hlc::{Clock, Hlc, HlcError};
pub use lifecycle::{Action, Planned, Status, TransitionContext, TransitionError};
pub use merge::{Applied, Record, Replica};
pub use priority::{Levels, Priority};
pub use schema::{Collection, FieldKind, ValidationError};

/// A change stamped further ahead of the server's clock than this is refused
/// (`clock_ahead`), so a tablet with a wrong clock cannot win every conflict.
pub const MAX_CLOCK_AHEAD_MS: u64 = 60_000;
