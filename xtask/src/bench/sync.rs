//! Server throughput over HTTP on loopback: 200,000 field changes pushed in
//! batches of 5,000 into a release server on SQLite, then pulled back from an
//! empty cursor as the app pulls: pages of 20,000 grouped by record. Each run
//! starts a fresh server on a fresh
//! data directory, so every run does the same work.

use std::{
    fs,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::{Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::{Value, json};

use super::report::Figure;
use crate::{
    cmd::{TempDir, target_dir},
    http,
    server::{self, Server},
};

pub const SECTION: &str = "2 server";
pub const CHANGES: usize = 200_000;
pub const BATCH: usize = 5_000;
/// The app's page size (`MAX_PULL_LIMIT` in `model/src/protocol.rs`).
const PULL_LIMIT: u32 = 20_000;
/// Ten fields per incident, as a tablet writes a new one.
const FIELDS_PER_INCIDENT: usize = 10;
pub const USER: &str = "bench";
pub const PASSWORD: &str = "bench-password";

/// A fresh data directory with the bench's manager account, and a server
/// on it; both go away when dropped (the server first).
pub struct Fresh {
    pub server: Server,
    _data: TempDir,
}

pub fn fresh_server(bin: &Path, dist: &Path, log: &str) -> Result<Fresh> {
    let data = TempDir::new("outpost-bench")?;
    server::add_user(bin, data.path(), USER, "manager", PASSWORD)?;
    let server = Server::start_logged(bin, data.path(), dist, Some(&log_path(log)?))?;
    Ok(Fresh {
        server,
        _data: data,
    })
}

/// `<target>/bench/logs/NAME.log`, where the bench's servers write their logs.
pub fn log_path(name: &str) -> Result<PathBuf> {
    let dir = target_dir().join("bench").join("logs");
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir.join(format!("{name}.log")))
}

pub fn login(addr: SocketAddr, device: &str) -> Result<String> {
    let r = http::post_json(
        addr,
        "/api/v1/auth/login",
        None,
        &json!({"username": USER, "password": PASSWORD, "device_id": device}),
    )?;
    if r.status != 200 {
        bail!(
            "login answered {}: {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }
    Ok(r.json()?["token"]
        .as_str()
        .context("login answer has no token")?
        .to_owned())
}

/// What the bench reads of a sync answer; the changes are counted, not kept.
#[derive(Deserialize)]
pub struct Page {
    pub accepted: u64,
    pub changes: Vec<serde::de::IgnoredAny>,
    /// Pulled as the app pulls, grouped by record (`format: "records"`).
    #[serde(default)]
    pub records: Vec<PulledRecord>,
    pub cursor: Option<String>,
    #[serde(default)]
    pub more: bool,
}

#[derive(Deserialize)]
pub struct PulledRecord {
    fields: std::collections::HashMap<String, serde::de::IgnoredAny>,
}

impl Page {
    /// How many changes the page brought, in either shape.
    pub fn pulled(&self) -> usize {
        self.changes.len() + self.records.iter().map(|r| r.fields.len()).sum::<usize>()
    }
}

pub fn sync(addr: SocketAddr, token: &str, body: &[u8]) -> Result<Page> {
    let r = http::post_raw(addr, "/api/v1/sync", Some(token), body)?;
    if r.status != 200 {
        bail!(
            "sync answered {}: {}",
            r.status,
            String::from_utf8_lossy(&r.body[..r.body.len().min(500)])
        );
    }
    serde_json::from_slice(&r.body).context("reading a sync answer")
}

/// The request bodies of one push: `CHANGES` valid incident fields from
/// `device`, already serialised, `BATCH` to a request. `limit: 1` keeps the
/// answers small; the pull is measured on its own.
pub fn push_bodies(device: &str, first_incident: usize) -> Vec<Vec<u8>> {
    let wall_ms = now_ms();
    let changes: Vec<Value> = (0..CHANGES)
        .map(|i| {
            let n = first_incident + i / FIELDS_PER_INCIDENT;
            let (field, value) = incident_field(n, i % FIELDS_PER_INCIDENT);
            json!({
                "collection": "incidents",
                "id": uuid_v7ish(wall_ms, n as u64),
                "field": field,
                "value": value,
                "hlc": format!("{wall_ms:015}-{:05}-{device}", i % 100_000),
            })
        })
        .collect();
    changes
        .chunks(BATCH)
        .map(|batch| {
            serde_json::to_vec(
                &json!({"device_id": device, "cursor": null, "changes": batch, "limit": 1}),
            )
            .expect("JSON values serialise")
        })
        .collect()
}

/// Field `k` of incident `n`: the ten a new incident gets, with values the
/// schema accepts.
fn incident_field(n: usize, k: usize) -> (&'static str, Value) {
    const CATEGORIES: [&str; 6] = [
        "injury",
        "near_miss",
        "property_damage",
        "equipment_failure",
        "it_outage",
        "security",
    ];
    const TITLES: [&str; 5] = [
        "Pump 3 leaking at the north yard",
        "Forklift clipped a racking upright",
        "Slip on wet floor by the loading bay",
        "Network switch down in the site office",
        "Gate left open overnight",
    ];
    match k {
        0 => ("kind", json!("incident")),
        1 => (
            "title",
            json!(format!("{} (#{n})", TITLES[n % TITLES.len()])),
        ),
        2 => (
            "description",
            json!("Reported by the crew on site; first aid given and the area taped off."),
        ),
        3 => ("category", json!(CATEGORIES[n % CATEGORIES.len()])),
        4 => ("site", json!(uuid_v7ish(1_764_000_000_000, (n % 7) as u64))),
        5 => (
            "occurred_at",
            json!(format!(
                "2026-{:02}-{:02}T{:02}:{:02}:00.000Z",
                1 + n % 11,
                1 + n % 28,
                n % 24,
                n % 60
            )),
        ),
        6 => (
            "reported_by",
            json!(uuid_v7ish(1_764_000_000_000, 100 + (n % 40) as u64)),
        ),
        7 => ("impact", json!(1 + n % 3)),
        8 => ("urgency", json!(1 + (n / 3) % 3)),
        _ => ("status", json!("new")),
    }
}

/// Push then pull on a fresh server, `runs` times; changes per second.
pub fn throughput(bin: &Path, dist: &Path, runs: usize) -> Result<Vec<Figure>> {
    let device = "bench-push";
    let bodies = push_bodies(device, 0);
    let mut push_rates = Vec::new();
    let mut pull_rates = Vec::new();
    for run in 1..=runs {
        let fresh = fresh_server(bin, dist, &format!("push-pull-{run}"))?;
        let addr = fresh.server.addr;
        let token = login(addr, device)?;
        let started = Instant::now();
        for body in &bodies {
            let page = sync(addr, &token, body)?;
            if page.accepted != BATCH as u64 {
                bail!("a push accepted {} of {BATCH} changes", page.accepted);
            }
        }
        let push = started.elapsed().as_secs_f64();

        let started = Instant::now();
        let pulled = pull_all(addr, &token, device)?;
        let pull = started.elapsed().as_secs_f64();
        if pulled < CHANGES {
            bail!("pulled {pulled} changes, expected at least {CHANGES}");
        }
        println!(
            "bench: run {run}/{runs}: push {CHANGES} in {push:.2} s ({:.0}/s), pull {pulled} in \
             {pull:.2} s ({:.0}/s)",
            CHANGES as f64 / push,
            pulled as f64 / pull
        );
        push_rates.push(CHANGES as f64 / push);
        pull_rates.push(pulled as f64 / pull);
    }
    Ok(vec![
        Figure::new(
            SECTION,
            "push 200,000 changes, batches of 5,000",
            "changes/s",
        )
        .runs(push_rates)
        .at_least(100_000.0)
        .note("HTTP on loopback into a release server on SQLite, fresh database each run"),
        Figure::new(SECTION, "pull them all from an empty cursor", "changes/s")
            .runs(pull_rates)
            .at_least(300_000.0)
            .note("pages of 20,000 grouped by record, as the app pulls; uncompressed (the client sends no Accept-Encoding)"),
    ])
}

/// Pulls from a null cursor until `more` is false; how many changes came.
pub fn pull_all(addr: SocketAddr, token: &str, device: &str) -> Result<usize> {
    Ok(pull_to_end(addr, token, device, None)?.0)
}

/// Pulls everything after `cursor`; the count and the last cursor.
pub fn pull_to_end(
    addr: SocketAddr,
    token: &str,
    device: &str,
    mut cursor: Option<String>,
) -> Result<(usize, Option<String>)> {
    let mut pulled = 0;
    for _ in 0..10_000 {
        let body = serde_json::to_vec(
            &json!({"device_id": device, "cursor": cursor, "changes": [], "limit": PULL_LIMIT, "format": "records"}),
        )?;
        let page = sync(addr, token, &body)?;
        pulled += page.pulled();
        if page.cursor.is_some() {
            cursor = page.cursor;
        }
        if !page.more {
            return Ok((pulled, cursor));
        }
    }
    bail!("the pull still said `more` after 10,000 pages")
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A UUIDv7-shaped id: 48 bits of milliseconds, version 7, the RFC variant,
/// and the sequence number where the random bits would be.
pub fn uuid_v7ish(wall_ms: u64, seq: u64) -> String {
    let mixed = seq.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!(
        "{:08x}-{:04x}-7{:03x}-{:04x}-{:012x}",
        (wall_ms >> 16) & 0xffff_ffff,
        wall_ms & 0xffff,
        (mixed >> 52) & 0xfff,
        0x8000 | ((mixed >> 36) & 0x3fff),
        seq & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::{incident_field, uuid_v7ish};

    #[test]
    fn ids_look_like_uuid_v7_and_differ() {
        let a = uuid_v7ish(1_764_000_000_000, 1);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "7");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(a, uuid_v7ish(1_764_000_000_000, 2));
    }

    #[test]
    fn an_incident_gets_ten_different_fields() {
        let mut names: Vec<&str> = (0..10).map(|k| incident_field(7, k).0).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 10);
    }
}
