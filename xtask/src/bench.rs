//! `cargo xtask bench`: bundle sizes and sync throughput of a release server
//! on loopback. Measures and prints; asserts nothing about speed.

use std::{
    net::SocketAddr,
    time::{Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::{
    cmd::{self, TempDir},
    dist, http,
    server::{self, Server},
};

const CHANGES: usize = 20_000;
const PUSH_BATCH: usize = 1_000;
const PULL_LIMIT: usize = 5_000;
const DEVICE: &str = "bench-device-1";

pub fn bench() -> Result<()> {
    dist::dist()?;
    cmd::run(cmd::cargo().args(["build", "--release", "-p", server::PACKAGE]))?;
    let bin = server::binary("release");
    let data = TempDir::new("outpost-bench")?;
    server::add_user(&bin, data.path(), "bench", "manager", "bench-password")?;
    let server = Server::start(&bin, data.path(), &dist::dist_dir())?;
    let result = sync_throughput(server.addr);
    drop(server);
    result
}

fn sync_throughput(addr: SocketAddr) -> Result<()> {
    let login = http::post_json(
        addr,
        "/api/v1/auth/login",
        None,
        &json!({"username": "bench", "password": "bench-password", "device_id": DEVICE}),
    )?;
    if login.status != 200 {
        bail!(
            "login answered {}: {}",
            login.status,
            String::from_utf8_lossy(&login.body)
        );
    }
    let token = login.json()?["token"]
        .as_str()
        .context("login answer has no token")?
        .to_owned();

    let wall_ms = now_ms();
    let changes: Vec<Value> = (0..CHANGES)
        .map(|i| {
            json!({
                "collection": "incidents",
                "id": uuid_v7ish(wall_ms, i as u64),
                "field": "title",
                "value": format!("Benchmark incident {i}"),
                "hlc": format!("{wall_ms:015}-{:05}-{DEVICE}", i % 100_000),
            })
        })
        .collect();

    let started = Instant::now();
    let cursor = Value::Null;
    for batch in changes.chunks(PUSH_BATCH) {
        // Pull nothing back while pushing: limit 1 keeps the answer small
        // and the cursor is not advanced, so the pull below sees everything.
        let body = json!({"device_id": DEVICE, "cursor": cursor, "changes": batch, "limit": 1});
        let r = sync(addr, &token, &body)?;
        if r["accepted"].as_u64() != Some(batch.len() as u64) {
            bail!("push accepted {} of {} changes", r["accepted"], batch.len());
        }
    }
    let push = started.elapsed();

    let started = Instant::now();
    let mut cursor = cursor;
    let mut pulled = 0usize;
    let mut pages = 0;
    loop {
        let body =
            json!({"device_id": DEVICE, "cursor": cursor, "changes": [], "limit": PULL_LIMIT});
        let r = sync(addr, &token, &body)?;
        pulled += r["changes"].as_array().map_or(0, Vec::len);
        cursor = r["cursor"].clone();
        pages += 1;
        if r["more"] != Value::Bool(true) {
            break;
        }
        if pages > CHANGES / PULL_LIMIT + 5 {
            bail!("pull still says `more` after {pages} pages");
        }
    }
    let pull = started.elapsed();
    if pulled < CHANGES {
        bail!("pulled {pulled} changes, expected at least {CHANGES}");
    }
    let rate = |n: usize, d: std::time::Duration| n as f64 / d.as_secs_f64();
    println!(
        "bench: push {CHANGES} changes in batches of {PUSH_BATCH}: {:.2} s, {:.0} changes/s",
        push.as_secs_f64(),
        rate(CHANGES, push)
    );
    println!(
        "bench: pull {pulled} changes in {pages} pages of ≤{PULL_LIMIT}: {:.2} s, {:.0} changes/s",
        pull.as_secs_f64(),
        rate(pulled, pull)
    );
    Ok(())
}

fn sync(addr: SocketAddr, token: &str, body: &Value) -> Result<Value> {
    let r = http::post_json(addr, "/api/v1/sync", Some(token), body)?;
    if r.status != 200 {
        bail!(
            "sync answered {}: {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }
    r.json()
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A UUIDv7-shaped id: 48 bits of milliseconds, version 7, the RFC variant,
/// and the sequence number where the random bits would be.
fn uuid_v7ish(wall_ms: u64, seq: u64) -> String {
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
    use super::uuid_v7ish;

    #[test]
    fn ids_look_like_uuid_v7_and_differ() {
        let a = uuid_v7ish(1_764_000_000_000, 1);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "7");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(a, uuid_v7ish(1_764_000_000_000, 2));
    }
}
