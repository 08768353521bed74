//! Simulated tablets edit the same incidents while going on and off line, with
//! wrong clocks, against a real server. Whatever the schedule, every tablet ends
//! with exactly the server's state, and every edit ever made is either current
//! or kept in the server's history.

use std::collections::BTreeSet;

use outpost_model::{
    Change, Replica,
    protocol::{HistoryResponse, Role},
};
use outpost_tests::{Device, SyncError, TestServer};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use serde_json::{Value, json};

const RECORDS: &[&str] = &[
    "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01",
    "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c02",
    "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c03",
];

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
        _ => (
            "status",
            json!(
                *["new", "acknowledged", "in_progress", "resolved"]
                    .choose(rng)
                    .unwrap()
            ),
        ),
    }
}

/// The server's current state, as a brand-new tablet would pull it.
fn server_state(server: &TestServer, seed: u64) -> Replica {
    let mut fresh = Device::sign_in(
        &server.url(""),
        &format!("observer-{seed}"),
        "ana",
        "password-ana",
        0,
    );
    fresh.sync().expect("a fresh tablet pulls everything");
    fresh.replica
}

fn history(server: &TestServer, token_holder: &str, id: &str) -> HistoryResponse {
    let http = reqwest::blocking::Client::new();
    let login: outpost_model::protocol::LoginResponse = http
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({"username": "ana", "password": "password-ana", "device_id": token_holder}))
        .send()
        .and_then(|r| r.json())
        .expect("sign in");
    http.get(server.url(&format!("/api/v1/records/incidents/{id}/history")))
        .bearer_auth(login.token)
        .send()
        .and_then(|r| r.json())
        .expect("history")
}

/// Runs one random schedule; returns how many clock corrections it needed.
fn run_schedule(seed: u64) -> u32 {
    let mut rng = StdRng::seed_from_u64(seed);
    let server = TestServer::start();
    server.add_user("ana", Role::Manager, "password-ana");
    server.add_user("ben", Role::Reporter, "password-ben");

    let mut devices: Vec<Device> = (0..3)
        .map(|i| {
            // Clocks from five minutes behind to five minutes ahead: enough to
            // hit the server's `clock_ahead` refusal and recover from it.
            let skew = rng.random_range(-300_000..=300_000);
            let user = if i % 2 == 0 {
                ("ana", "password-ana")
            } else {
                ("ben", "password-ben")
            };
            Device::sign_in(
                &server.url(""),
                &format!("dev-{seed}-{i}"),
                user.0,
                user.1,
                skew,
            )
        })
        .collect();

    let mut made: Vec<Change> = Vec::new();
    for _ in 0..rng.random_range(10..40) {
        let d = rng.random_range(0..devices.len());
        match rng.random_range(0..10) {
            0 => devices[d].online = !devices[d].online,
            1..=2 => match devices[d].sync() {
                Ok(()) | Err(SyncError::Offline) => {}
                Err(e) => panic!("seed {seed}: sync refused: {e:?}"),
            },
            _ => {
                let id = *RECORDS.choose(&mut rng).unwrap();
                let (field, value) = random_edit(&mut rng);
                made.push(devices[d].edit("incidents", id, field, value));
            }
        }
    }

    // Everyone comes back; two rounds so the first tablet sees the last one's edits.
    for _ in 0..2 {
        for device in &mut devices {
            device.online = true;
            device
                .sync()
                .unwrap_or_else(|e| panic!("seed {seed}: {e:?}"));
        }
    }

    let truth = server_state(&server, seed);
    for device in &devices {
        assert!(
            device.outbox.is_empty(),
            "seed {seed}: unsent changes remain"
        );
        assert_eq!(
            device.replica, truth,
            "seed {seed}: {} differs from the server",
            device.device_id
        );
    }

    // Nothing lost: every edit's value is in its record's history (stamps may
    // have been moved back by the clock correction, values are not).
    let touched: BTreeSet<&str> = made.iter().map(|c| c.id.as_str()).collect();
    for id in touched {
        let kept = history(&server, &format!("auditor-{seed}"), id);
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
    devices.iter().map(|d| d.clock_corrections).sum()
}

#[test]
fn tablets_converge_to_the_servers_state_under_random_schedules() {
    let corrections: u32 = (0..40).map(run_schedule).sum();
    // The schedules must actually exercise the `clock_ahead` path.
    assert!(corrections > 0, "no schedule hit a clock_ahead refusal");
}
