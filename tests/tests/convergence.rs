//! Simulated tablets edit the same incidents while going on and off line, with
//! clocks up to a day wrong, against a real server. Each tablet is the shipped
//! client crate over its memory store. After every schedule, each tablet holds
//! exactly the server's state, every edit ever made is either current or kept
//! in the server's history, and no tablet's clock stays ahead of the server's
//! (so none wins every later conflict).
//!
//! One server and one set of tablets live through many schedules, as real ones
//! do; each schedule edits fresh records, sets new clock errors, network
//! troubles (answers lost after the server acted, so requests are resent) and
//! page sizes, and ends with everyone back online. Seeds make any failure
//! reproducible.

use std::collections::BTreeSet;

use outpost_client::api::ApiError;
use outpost_client::sync::SyncError;
use outpost_model::{
    Change, MAX_CLOCK_AHEAD_MS,
    protocol::{HistoryResponse, LoginResponse, Role},
};
use outpost_tests::{Tablet, TestServer};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use serde_json::{Value, json};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const TABLETS: usize = 3;
const RECORDS_PER_SCHEDULE: u64 = 3;
/// The tablet signed in as a reporter (the others are managers).
const REPORTER_TABLET: &str = "tablet-2";
/// The observer's page size: small, so that its pulls take several pages.
const OBSERVER_PAGE: u32 = 4;

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

/// What the schedules exercised, so the test can insist that every path ran.
#[derive(Debug, Default)]
struct Exercised {
    /// Unsent changes pulled back after a `clock_ahead` refusal.
    restamped: usize,
    /// Answers lost after the server had acted on the request.
    lost_answers: usize,
    /// Syncs that pulled more than one page with nothing to push, where the
    /// client asks for the next page while storing this one.
    pipelined_pulls: usize,
    /// The reporter's edits of incidents someone else created, which the
    /// server refused and the tablet then put back to the server's value.
    refused: usize,
}

fn run_schedule(
    seed: u64,
    server: &TestServer,
    tablets: &mut [Tablet],
    observer: &mut Tablet,
    auditor: &Auditor,
    seen: &mut Exercised,
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
    for tablet in tablets.iter_mut() {
        tablet.skew_ms = random_skew(&mut rng);
        let network = &tablet.transport.network;
        network.offline.set(rng.random_bool(0.5));
        network
            .page_limit
            .set(rng.random_bool(0.25).then(|| rng.random_range(3..=6)));
    }

    let mut made: Vec<Change> = Vec::new();
    for _ in 0..rng.random_range(5..25) {
        let d = rng.random_range(0..tablets.len());
        let network = &tablets[d].transport.network;
        match rng.random_range(0..12) {
            0 => network.offline.set(!network.offline.get()),
            1 => {
                network.lose_next_answer.set(true);
                seen.lost_answers += usize::from(!network.offline.get());
            }
            2..=3 => {
                let limit = network.page_limit.get();
                match tablets[d].sync() {
                    Ok(report) => {
                        let pages = limit.map_or(0, |l| report.pulled.div_ceil(l as usize));
                        seen.pipelined_pulls += usize::from(report.sent == 0 && pages > 1);
                    }
                    Err(SyncError::Api(ApiError::Offline)) => {}
                    Err(e) => panic!("seed {seed}: sync refused: {e:?}"),
                }
            }
            _ => {
                let id = records.choose(&mut rng).expect("records");
                let (field, value) = random_edit(&mut rng);
                made.push(tablets[d].edit("incidents", id, field, value));
            }
        }
    }

    // Everyone comes back; two rounds so the first tablet sees the last one's edits.
    for _ in 0..2 {
        for tablet in tablets.iter_mut() {
            tablet.transport.network.offline.set(false);
            // An answer still set to be lost is lost now; the tablet sees
            // no network and sends the same changes again.
            let losing = tablet.transport.network.lose_next_answer.get();
            match tablet.sync_to_the_end() {
                Err(SyncError::Api(ApiError::Offline)) if losing => tablet.sync_to_the_end(),
                done => done,
            }
            .unwrap_or_else(|e| panic!("seed {seed}: {e:?}"));
            let ahead = tablet
                .last_hlc()
                .map_or(0, |h| h.wall_ms.saturating_sub(now_ms()));
            assert!(
                ahead <= MAX_CLOCK_AHEAD_MS,
                "seed {seed}: {} still stamps {ahead} ms in the future after syncing",
                tablet.device_id
            );
        }
    }

    // The observer's server gives pages of two changes: it pulls each
    // schedule's edits page after page with nothing to push.
    let pulled: usize = observer
        .sync_to_the_end()
        .unwrap_or_else(|e| panic!("seed {seed}: {e:?}"))
        .iter()
        .map(|r| r.pulled)
        .sum();
    seen.pipelined_pulls += usize::from(pulled > OBSERVER_PAGE as usize);
    let servers_state = observer.records("incidents");
    let mut refused: Vec<Change> = Vec::new();
    for tablet in tablets.iter() {
        assert_eq!(tablet.outbox_len(), 0, "seed {seed}: unsent changes remain");
        let failed = tablet.take_failed();
        if tablet.device_id != REPORTER_TABLET {
            assert!(
                failed.is_empty(),
                "seed {seed}: a manager's changes were refused: {failed:?}"
            );
        }
        for f in failed {
            assert!(
                f.reason.contains("only change incidents they reported"),
                "seed {seed}: refused for another reason: {f:?}"
            );
            refused.push(f.change);
        }
        assert!(
            tablet.records("incidents") == servers_state,
            "seed {seed}: {} differs from the server",
            tablet.device_id
        );
    }

    // Nothing lost: every edit the server accepted has its value in its
    // record's history. Stamps may have been moved back by a clock
    // correction; device, counter, field and value identify the edit.
    let same = |a: &Change, b: &Change| {
        a.field == b.field
            && a.value == b.value
            && a.hlc.node == b.hlc.node
            && a.hlc.counter == b.hlc.counter
    };
    seen.refused += refused.len();
    let touched: BTreeSet<&str> = made.iter().map(|c| c.id.as_str()).collect();
    for id in touched {
        let kept = auditor.history(server, id);
        for change in made
            .iter()
            .filter(|c| c.id == id && !refused.iter().any(|r| same(r, c)))
        {
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
    server.add_user("ben", Role::Manager, "password-ben");
    // The reporter's edits of incidents a manager created first are refused;
    // the tablet must then hold the server's values again, like everyone.
    server.add_user("cy", Role::Reporter, "password-cy");
    let base = server.url("");
    let mut tablets: Vec<Tablet> = (0..TABLETS)
        .map(|i| {
            let (user, password) = match i {
                0 => ("ana", "password-ana"),
                1 => ("ben", "password-ben"),
                _ => ("cy", "password-cy"),
            };
            let tablet = Tablet::sign_in(&base, &format!("tablet-{i}"), user, password);
            // Some tablets are answered in the older, one-object-per-field
            // shape: both must converge to the same state.
            tablet.transport.network.plain_changes.set(i % 2 == 1);
            tablet
        })
        .collect();
    // The observer is a tablet with a correct clock that only reads: it
    // holds the server's state after each pull.
    let mut observer = Tablet::sign_in(&base, "observer", "ana", "password-ana");
    observer
        .transport
        .network
        .page_limit
        .set(Some(OBSERVER_PAGE));
    let auditor = Auditor::new(&server);

    let mut seen = Exercised::default();
    for seed in 0..schedule_count() {
        run_schedule(
            seed,
            &server,
            &mut tablets,
            &mut observer,
            &auditor,
            &mut seen,
        );
    }
    seen.restamped = tablets.iter().map(|t| t.restamped).sum();
    // The schedules must actually exercise each path they are here for.
    assert!(seen.restamped > 0, "no schedule hit a clock_ahead refusal");
    assert!(seen.lost_answers > 0, "no schedule lost an answer");
    assert!(seen.refused > 0, "no schedule had a change refused");
    assert!(
        seen.pipelined_pulls > 0,
        "no schedule pulled page after page"
    );
}
