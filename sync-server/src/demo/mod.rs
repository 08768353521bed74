//! `outpost-server demo-data`: a realistic, seeded year of incidents with
//! their timelines, actions and problems across several sites, written
//! through the store as ordinary changes so tablets pull them like any other.
//!
//! Every status change is planned by `model::lifecycle::transition` and
//! recorded with the `model::events` builders, so the timelines are ones the
//! app itself could have written; every change passes `schema::validate`.
//! The same seed and `now` give the same data.

mod cases;
mod catalogue;
mod generator;
mod lifecycle;

use outpost_model::Change;
use outpost_model::protocol::User;
use outpost_model::time::format_rfc3339_ms;

use crate::store::{Origin, PushOutcome};
use crate::{AppState, Error};

use generator::Generator;

/// The HLC node and device the demo's changes are stamped with.
pub const DEMO_NODE: &str = "demo-data";

/// What to make.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub incidents: usize,
    pub seed: u64,
    /// The end of the year the data covers, Unix ms.
    pub now_ms: u64,
}

/// How many records of each kind were made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub sites: usize,
    pub incidents: usize,
    pub events: usize,
    pub actions: usize,
    pub problems: usize,
    pub changes: usize,
}

/// Makes the changes of a demo year. `people` are the accounts records
/// point to (reporters, assignees, action owners); with none, stand-in ids.
pub fn generate(options: &DemoOptions, people: &[User]) -> (Vec<Change>, DemoSummary) {
    let mut g = Generator::new(options, people);
    g.sites();
    g.incidents();
    g.problems();
    g.summary.changes = g.changes.len();
    (g.changes, g.summary)
}

/// Writes `changes` through the store in batches, calling `progress(done,
/// total)` after each, as if a tablet called `demo-data` had pushed them.
pub fn write(
    state: &AppState,
    changes: &[Change],
    mut progress: impl FnMut(usize, usize),
) -> Result<PushOutcome, Error> {
    let origin = Origin {
        user_id: DEMO_NODE.to_owned(),
        device_id: DEMO_NODE.to_owned(),
        received_at: format_rfc3339_ms(crate::clock::now_ms()),
    };
    let mut total = PushOutcome::default();
    let mut done = 0;
    for batch in changes.chunks(5_000) {
        let outcome = state.store().push(batch, &origin, &|_, _, _| Ok(()))?;
        total.accepted += outcome.accepted;
        total.ignored += outcome.ignored;
        done += batch.len();
        progress(done, changes.len());
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_makes_the_same_data_and_every_change_validates() {
        let options = DemoOptions {
            incidents: 60,
            seed: 7,
            now_ms: 1_795_000_000_000,
        };
        let (a, summary) = generate(&options, &[]);
        let (b, _) = generate(&options, &[]);
        assert_eq!(a, b);
        assert_eq!(summary.incidents, 60);
        assert_eq!(summary.changes, a.len());
        for change in &a {
            assert!(
                outpost_model::schema::validate(change).is_ok(),
                "{change:?}"
            );
        }
    }
}
