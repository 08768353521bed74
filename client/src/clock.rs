//! Wall time on a tablet whose clock may be wrong by hours: tablet time plus
//! the offset to the server's clock measured at each sync, and the HLC that
//! stamps every local write with that corrected time.

use outpost_model::{Clock, Hlc};

/// Server time minus tablet time, measured by one request: the server read its
/// clock somewhere between sending and receiving, so assume the middle.
pub fn measure_offset(server_ms: u64, sent_at_ms: u64, received_at_ms: u64) -> i64 {
    let midpoint = sent_at_ms / 2 + received_at_ms / 2 + (sent_at_ms % 2 + received_at_ms % 2) / 2;
    server_ms as i64 - midpoint as i64
}

/// `tablet_ms` corrected by `offset_ms`, never below zero.
pub fn corrected(tablet_ms: u64, offset_ms: i64) -> u64 {
    tablet_ms.saturating_add_signed(offset_ms)
}

/// The HLC together with the server offset that corrects the wall time it reads.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceClock {
    pub clock: Clock,
    pub offset_ms: i64,
}

impl DeviceClock {
    pub fn new(clock: Clock, offset_ms: i64) -> Self {
        Self { clock, offset_ms }
    }

    /// Corrected wall time for the given tablet time.
    pub fn wall_ms(&self, tablet_ms: u64) -> u64 {
        corrected(tablet_ms, self.offset_ms)
    }

    /// A new stamp for a local write.
    pub fn stamp(&mut self, tablet_ms: u64) -> Hlc {
        let wall = self.wall_ms(tablet_ms);
        self.clock.now(wall)
    }

    /// Takes a pulled stamp into account.
    pub fn observe(&mut self, remote: &Hlc, tablet_ms: u64) {
        let wall = self.wall_ms(tablet_ms);
        self.clock.observe(remote, wall);
    }
}
