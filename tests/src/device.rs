//! A simulated tablet: the same model (replica, clock, merge) the app uses, an
//! outbox of unsent changes, a possibly wrong wall clock, and the client side of
//! sync protocol v1, including the `clock_ahead` correction of DESIGN §4.

use std::time::{SystemTime, UNIX_EPOCH};

use outpost_model::{
    Change, Clock, Hlc, Replica,
    protocol::{ErrorResponse, LoginRequest, LoginResponse, PullFormat, SyncRequest, SyncResponse},
    time::parse_rfc3339_ms,
};
use serde_json::Value;

#[derive(Debug)]
pub enum SyncError {
    Offline,
    Refused { status: u16, body: String },
}

pub struct Device {
    pub device_id: String,
    pub replica: Replica,
    pub outbox: Vec<Change>,
    /// How wrong this tablet's wall clock is, in milliseconds (+ = ahead).
    pub skew_ms: i64,
    /// What the tablet believes it must add to its wall clock to match the
    /// server's, learnt from each sync.
    pub offset_ms: i64,
    pub online: bool,
    /// How many times the server refused this tablet's clock (`clock_ahead`).
    pub clock_corrections: u32,
    clock: Clock,
    cursor: Option<String>,
    token: String,
    base: String,
    http: reqwest::blocking::Client,
}

fn true_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Device {
    /// Signs in as `user` and returns a tablet with an empty store.
    pub fn sign_in(base: &str, device_id: &str, user: &str, password: &str, skew_ms: i64) -> Self {
        let http = reqwest::blocking::Client::new();
        let login: LoginResponse = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&LoginRequest {
                username: user.into(),
                password: password.into(),
                device_id: device_id.into(),
            })
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.json())
            .expect("sign in");
        Self {
            device_id: device_id.into(),
            replica: Replica::new(),
            outbox: Vec::new(),
            skew_ms,
            offset_ms: 0,
            online: true,
            clock_corrections: 0,
            clock: Clock::new(device_id).expect("device id is a valid node"),
            cursor: None,
            token: login.token,
            base: base.into(),
            http,
        }
    }

    /// The tablet's own (possibly wrong) wall clock.
    fn wall_ms(&self) -> i64 {
        true_now_ms() + self.skew_ms
    }

    /// The wall clock corrected by what the server said last.
    fn corrected_ms(&self) -> u64 {
        (self.wall_ms() + self.offset_ms).max(0) as u64
    }

    /// A local edit: applied to the replica and queued in the outbox.
    pub fn edit(&mut self, collection: &str, id: &str, field: &str, value: Value) -> Change {
        let hlc = self.clock.now(self.corrected_ms());
        let change = Change {
            collection: collection.into(),
            id: id.into(),
            field: field.into(),
            value,
            hlc,
        };
        self.replica.apply(&change);
        self.outbox.push(change.clone());
        change
    }

    /// Pushes the outbox and pulls until the server has nothing more.
    pub fn sync(&mut self) -> Result<(), SyncError> {
        if !self.online {
            return Err(SyncError::Offline);
        }
        let mut corrected_once = false;
        loop {
            let sent = self.outbox.len().min(1000);
            let request = SyncRequest {
                device_id: self.device_id.clone(),
                cursor: self.cursor.clone(),
                changes: self.outbox[..sent].to_vec(),
                limit: Some(250),
                // Half the tablets pull records, half plain changes: both
                // shapes must converge to the same state.
                format: Some(
                    if self.device_id.bytes().map(u32::from).sum::<u32>() % 2 == 0 {
                        PullFormat::Records
                    } else {
                        PullFormat::Changes
                    },
                ),
            };
            let started = self.wall_ms();
            let response = self
                .http
                .post(format!("{}/api/v1/sync", self.base))
                .bearer_auth(&self.token)
                .json(&request)
                .send()
                .map_err(|_| SyncError::Offline)?;
            let midpoint = (started + self.wall_ms()) / 2;
            let status = response.status().as_u16();
            let body = response.text().map_err(|_| SyncError::Offline)?;
            if status == 409 && !corrected_once {
                let error: ErrorResponse =
                    serde_json::from_str(&body).map_err(|_| SyncError::Refused {
                        status,
                        body: body.clone(),
                    })?;
                if error.error.code == "clock_ahead" {
                    let server_ms = error
                        .error
                        .server_time
                        .as_deref()
                        .and_then(parse_rfc3339_ms)
                        .ok_or(SyncError::Refused { status, body })?;
                    self.correct_clock(server_ms as i64, midpoint);
                    corrected_once = true;
                    continue;
                }
            }
            if status != 200 {
                return Err(SyncError::Refused { status, body });
            }
            let mut response: SyncResponse =
                serde_json::from_str(&body).map_err(|_| SyncError::Refused { status, body })?;
            if !response.refused.is_empty() {
                return Err(SyncError::Refused {
                    status,
                    body: format!("{:?}", response.refused),
                });
            }
            if let Some(server_ms) = parse_rfc3339_ms(&response.server_time) {
                self.offset_ms = server_ms as i64 - midpoint;
            }
            self.outbox.drain(..sent);
            let now = self.corrected_ms();
            for change in &response.take_pulled() {
                self.clock.observe(&change.hlc, now);
                self.replica.apply(change);
            }
            self.cursor = response.cursor;
            if !response.more && self.outbox.is_empty() {
                return Ok(());
            }
        }
    }

    /// The server said this tablet's stamps are from the future: learn the
    /// offset, then move every unsent change back by how far the newest one is
    /// ahead, so their order is kept and nothing is lost.
    fn correct_clock(&mut self, server_ms: i64, local_ms: i64) {
        self.offset_ms = server_ms - local_ms;
        self.clock_corrections += 1;
        let Some(newest) = self.outbox.iter().map(|c| c.hlc.wall_ms).max() else {
            return;
        };
        let ahead = (newest as i64 - server_ms).max(0) as u64;
        self.clock.rewind(ahead);
        for change in &mut self.outbox {
            let shifted = change.hlc.shifted_back(ahead);
            // The local replica must carry the stamp the server will hold, or a
            // later write from elsewhere would lose here and win there.
            if let Some(record) = self
                .replica
                .records
                .get_mut(&(change.collection.clone(), change.id.clone()))
                && let Some(state) = record.fields.get_mut(&change.field)
                && state.hlc == change.hlc
            {
                state.hlc = shifted.clone();
            }
            change.hlc = shifted;
        }
    }

    /// The newest stamp this tablet has issued or seen.
    pub fn last_hlc(&self) -> Option<Hlc> {
        self.clock.last()
    }
}
