//! Latency of small incremental syncs: 50 simulated devices (one manager
//! account, one device id and session each), each making 10 changes a
//! second for 30 s. Every 100 ms a device edits one field of one of its
//! incidents and syncs: it pushes that change and pulls what the others
//! wrote since its cursor. A thread per device, one HTTP connection per
//! sync, as a tablet without keep-alive would.
//!
//! Latency is measured from when the sync was due, not when it was sent, so
//! a server that falls behind is charged for the queue it causes.

use std::{
    net::SocketAddr,
    path::Path,
    sync::{Arc, Barrier},
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};
use serde_json::json;

use super::{
    report::{Figure, percentile},
    sync::{self, SECTION},
};

pub const DEVICES: usize = 50;
const CHANGES_PER_SECOND: u64 = 10;
pub const SECONDS: u64 = 30;
/// Incidents each device cycles through.
const INCIDENTS_PER_DEVICE: usize = 20;

struct Device {
    id: String,
    token: String,
    incidents: Vec<String>,
}

/// One run's samples, in ms, and how many syncs failed.
struct Run {
    latencies: Vec<f64>,
    failures: usize,
    pulled: usize,
}

/// The server holds the 200,000 changes of a push before the devices start,
/// so the syncs run against a database of realistic size.
pub fn latency(bin: &Path, dist: &Path, runs: usize) -> Result<Vec<Figure>> {
    let fresh = sync::fresh_server(bin, dist, "latency")?;
    let addr = fresh.server.addr;
    let loader = "bench-loader";
    let token = sync::login(addr, loader)?;
    for body in sync::push_bodies(loader, 0) {
        sync::sync(addr, &token, &body)?;
    }
    let (_, mut cursor) = sync::pull_to_end(addr, &token, loader, None)?;
    let started = Instant::now();
    let devices: Vec<Device> = (0..DEVICES)
        .map(|d| -> Result<Device> {
            let id = format!("bench-tablet-{d:02}");
            let token = sync::login(addr, &id)?;
            let incidents = (0..INCIDENTS_PER_DEVICE)
                .map(|i| sync::uuid_v7ish(sync::now_ms(), (1_000_000 + d * 1000 + i) as u64))
                .collect();
            Ok(Device {
                id,
                token,
                incidents,
            })
        })
        .collect::<Result<_>>()?;
    println!(
        "bench: signed in {DEVICES} devices in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let devices: Vec<Arc<Device>> = devices.into_iter().map(Arc::new).collect();

    let (mut p50, mut p95, mut p99, mut rates) = (vec![], vec![], vec![], vec![]);
    let mut failures = 0;
    for run in 1..=runs {
        // Every run starts with the devices up to date.
        cursor = sync::pull_to_end(addr, &token, loader, cursor)?.1;
        let r = one_run(addr, &devices, cursor.clone())?;
        let mut sorted = r.latencies.clone();
        sorted.sort_by(f64::total_cmp);
        let (a, b, c) = (
            percentile(&sorted, 50.0),
            percentile(&sorted, 95.0),
            percentile(&sorted, 99.0),
        );
        println!(
            "bench: latency run {run}/{runs}: {} syncs, {} failed, {} changes pulled; p50 {a:.1} \
             ms, p95 {b:.1} ms, p99 {c:.1} ms",
            sorted.len(),
            r.failures,
            r.pulled
        );
        failures += r.failures;
        rates.push(sorted.len() as f64 / SECONDS as f64);
        p50.push(a);
        p95.push(b);
        p99.push(c);
    }
    if failures > 0 {
        bail!("{failures} incremental syncs failed");
    }
    let what = format!(
        "{DEVICES} devices × {CHANGES_PER_SECOND} changes/s × {SECONDS} s, each sync pushes 1 \
         change and pulls the others' since its cursor; on a database of 200,000 changes"
    );
    Ok(vec![
        Figure::new(SECTION, "incremental sync p50", "ms")
            .runs(p50)
            .note(what.clone()),
        Figure::new(SECTION, "incremental sync p95", "ms")
            .runs(p95)
            .at_most(50.0)
            .note(what),
        Figure::new(SECTION, "incremental sync p99", "ms").runs(p99),
        Figure::new(SECTION, "incremental syncs served", "syncs/s")
            .runs(rates)
            .note(format!(
                "offered: {} syncs/s",
                DEVICES as u64 * CHANGES_PER_SECOND
            )),
    ])
}

fn one_run(addr: SocketAddr, devices: &[Arc<Device>], cursor: Option<String>) -> Result<Run> {
    let barrier = Arc::new(Barrier::new(devices.len() + 1));
    let handles: Vec<_> = devices
        .iter()
        .enumerate()
        .map(|(n, device)| {
            let (device, barrier, cursor) = (device.clone(), barrier.clone(), cursor.clone());
            thread::spawn(move || {
                barrier.wait();
                // Spread the devices over the 100 ms tick, as real ones are.
                let interval = Duration::from_millis(1000 / CHANGES_PER_SECOND);
                let offset = interval * n as u32 / DEVICES as u32;
                device_loop(addr, &device, cursor, offset, interval)
            })
        })
        .collect();
    barrier.wait();
    let mut run = Run {
        latencies: Vec::new(),
        failures: 0,
        pulled: 0,
    };
    for h in handles {
        let r = h
            .join()
            .map_err(|_| anyhow::anyhow!("a device thread panicked"))?;
        run.latencies.extend(r.latencies);
        run.failures += r.failures;
        run.pulled += r.pulled;
    }
    Ok(run)
}

fn device_loop(
    addr: SocketAddr,
    device: &Device,
    mut cursor: Option<String>,
    offset: Duration,
    interval: Duration,
) -> Run {
    let mut run = Run {
        latencies: Vec::new(),
        failures: 0,
        pulled: 0,
    };
    let start = Instant::now() + offset;
    let ticks = SECONDS * CHANGES_PER_SECOND;
    let mut last_ms = 0;
    let mut counter = 0u32;
    for tick in 0..ticks {
        let due = start + interval * tick as u32;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            thread::sleep(wait);
        }
        let wall = sync::now_ms();
        if wall == last_ms {
            counter += 1;
        } else {
            (last_ms, counter) = (wall, 0);
        }
        let incident = &device.incidents[tick as usize % device.incidents.len()];
        let body = json!({
            "device_id": device.id,
            "cursor": cursor,
            "changes": [{
                "collection": "incidents",
                "id": incident,
                "field": "title",
                "value": format!("Pump {tick} leaking, edited by {}", device.id),
                "hlc": format!("{wall:015}-{counter:05}-{}", device.id),
            }],
        });
        let result = serde_json::to_vec(&body)
            .context("encoding")
            .and_then(|b| sync::sync(addr, &device.token, &b));
        match result {
            Ok(page) => {
                run.latencies.push(due.elapsed().as_secs_f64() * 1000.0);
                run.pulled += page.pulled();
                if page.cursor.is_some() {
                    cursor = page.cursor;
                }
            }
            Err(e) => {
                if run.failures == 0 {
                    eprintln!("bench: {} sync failed: {e:#}", device.id);
                }
                run.failures += 1;
            }
        }
    }
    run
}
