//! Simulated tablets edit the same incidents while going on and off line, with
//! clocks up to a day wrong, against a real server. After every schedule, each
//! tablet holds exactly the server's state, every edit ever made is either
//! current or kept in the server's history, and no tablet's clock stays ahead
//! of the server's (so none wins every later conflict).
//!
//! One server and one set of tablets live through many schedules, as real ones
//! do; each schedule edits fresh records, sets new clock errors, and ends with
//! everyone back online. Seeds make any failure reproducible.

use std::collections::BTreeSet;

use outpost_model::{
    Change, MAX_CLOCK_AHEAD_MS,
    protocol::{HistoryResponse, LoginResponse, Role},
};
use outpost_tests::{Device, SyncError, TestServer};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use serde_json::{Value, json};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const TABLETS: usize = 3;
const RECORDS_PER_SCHEDULE: u64 = 3;

/// How many schedules one run tries; `OUTPOST_SCHEDULES` overrides it for a
/// longer hunt.
fn schedule_count() -> u64 {
    std::env::var("OUTPOST_SCHEDULES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000)
}

fn random_edit(rng: &mut StdRng) -> (&'static str, Value) {
    match rng.random_range(0..5) {
        0 => (
            "title",
            json!(format!("Title {}", rng.random_range(0..100))),
        ),
        1 => (
            "description",
            json!(format!("Seen at {}", rng.random_range(0..100))),
        ),
        2 => ("impact", json!(rng.random_range(1..=3))),
        3 => ("urgency", json!(rng.random_range(1..=3))),
        _ => {
            let statuses = ["new", "acknowledged", "in_progress", "resolved"];
            (
                "status",
                json!(statuses[rng.random_range(0..statuses.len())]),
            )
        }
    }
}

/// A clock error for one schedule: mostly small, sometimes a whole day either way.
fn random_skew(rng: &mut StdRng) -> i64 {
    match rng.random_range(0..4) {
        0 => 0,
        1 => rng.random_range(-120_000..=120_000),
        2 => DAY_MS,
        _ => rng.random_range(-DAY_MS..=DAY_MS),
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

struct Auditor {
    http: reqwest::blocking::Client,
    token: String,
}

impl Auditor {
    fn new(server: &TestServer) -> Self {
        let http = reqwest::blocking::Client::new();
        let login: LoginResponse = http
            .post(server.url("/api/v1/auth/login"))
            .json(&json!({"username": "ana", "password": "password-ana", "device_id": "auditor"}))
            .send()
            .and_then(|r| r.json())
            .expect("sign in");
        Self {
            http,
            token: login.token,
        }
    }

    fn history(&self, server: &TestServer, id: &str) -> HistoryResponse {
        self.http
            .get(server.url(&format!("/api/v1/records/incidents/{id}/history")))
            .bearer_auth(&self.token)
            .send()
            .and_then(|r| r.json())
            .expect("history")
    }
}

fn run_schedule(
    seed: u64,
    server: &TestServer,
    devices: &mut [Device],
    observer: &mut Device,
    auditor: &Auditor,
) {
    let mut rng = StdRng::seed_from_u64(seed);
    let records: Vec<String> = (0..RECORDS_PER_SCHEDULE)
        .map(|k| {
            format!(
                "0193f3a2-6c1e-7cc0-8a55-{:012x}",
                seed * RECORDS_PER_SCHEDULE + k
            )
        })
        .collect();
    for device in devices.iter_mut() {
        device.skew_ms = random_skew(&mut rng);
        device.online = rng.random_bool(0.5);
    }

    let mut made: Vec<Change> = Vec::new();
    for _ in 0..rng.random_range(5..25) {
        let d = rng.random_range(0..devices.len());
        match rng.random_range(0..10) {
            0 => devices[d].online = !devices[d].online,
            1..=2 => match devices[d].sync() {
                Ok(()) | Err(SyncError::Offline) => {}
                Err(e) => panic!("seed {seed}: sync refused: {e:?}"),
            },
            _ => {
                let id = records.choose(&mut rng).expect("records");
                let (field, value) = random_edit(&mut rng);
                made.push(devices[d].edit("incidents", id, field, value));
            }
        }
    }

    // Everyone comes back; two rounds so the first tablet sees the last one's edits.
    for _ in 0..2 {
        for device in devices.iter_mut() {
            device.online = true;
            device
                .sync()
                .unwrap_or_else(|e| panic!("seed {seed}: {e:?}"));
            let ahead = device
                .last_hlc()
                .map_or(0, |h| h.wall_ms.saturating_sub(now_ms()));
            assert!(
                ahead <= MAX_CLOCK_AHEAD_MS,
                "seed {seed}: {} still stamps {ahead} ms in the future after syncing",
                device.device_id
            );
        }
    }

    observer
        .sync()
        .unwrap_or_else(|e| panic!("seed {seed}: {e:?}"));
    for device in devices.iter() {
        assert!(
            device.outbox.is_empty(),
            "seed {seed}: unsent changes remain"
        );
        assert!(
            device.replica == observer.replica,
            "seed {seed}: {} differs from the server",
            device.device_id
        );
    }

    // Nothing lost: every edit's value is in its record's history. Stamps may
    // have been moved back by a clock correction; device, counter and value
    // identify the edit.
    let touched: BTreeSet<&str> = made.iter().map(|c| c.id.as_str()).collect();
    for id in touched {
        let kept = auditor.history(server, id);
        for change in made.iter().filter(|c| c.id == id) {
            assert!(
                kept.changes.iter().any(|h| h.field == change.field
                    && h.value == change.value
                    && h.hlc.node == change.hlc.node
                    && h.hlc.counter == change.hlc.counter),
                "seed {seed}: the edit {change:?} is missing from the history"
            );
        }
    }
}

#[test]
fn tablets_with_lying_clocks_converge_to_the_servers_state_and_lose_nothing() {
    let server = TestServer::start();
    server.add_user("ana", Role::Manager, "password-ana");
    // Both may edit every incident: this test is about merging, and the
    // server's role rules (tested in sync-server) would refuse a reporter's
    // edits of someone else's incident.
    server.add_user("ben", Role::Manager, "password-ben");
    let base = server.url("");
    let mut devices: Vec<Device> = (0..TABLETS)
        .map(|i| {
            let (user, password) = if i % 2 == 0 {
                ("ana", "password-ana")
            } else {
                ("ben", "password-ben")
            };
            Device::sign_in(&base, &format!("tablet-{i}"), user, password, 0)
        })
        .collect();
    // The observer is a tablet with a correct clock that only reads: it
    // holds the server's state after each pull.
    let mut observer = Device::sign_in(&base, "observer", "ana", "password-ana", 0);
    let auditor = Auditor::new(&server);

    for seed in 0..schedule_count() {
        run_schedule(seed, &server, &mut devices, &mut observer, &auditor);
    }
    let corrections: u32 = devices.iter().map(|d| d.clock_corrections).sum();
    // The schedules must actually exercise the `clock_ahead` path.
    assert!(corrections > 0, "no schedule hit a clock_ahead refusal");
}
