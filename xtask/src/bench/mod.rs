//! `cargo xtask bench`: issue 7's measurements, on loopback, against a
//! release build. Every figure is the median of `OUTPOST_BENCH_RUNS` runs
//! (5 unless set); comparisons run both sides in the same session, run by
//! run. Prints one table (figure, median, target, ratio, verdict) and writes
//! `<target>/bench/report.json`.
//!
//! `OUTPOST_BENCH_ONLY=bundle,server,latency,browser` runs only some parts.

mod browser;
mod bundle;
mod latency;
mod report;
mod sync;

use std::{env, time::Instant};

use anyhow::{Result, bail};
use serde_json::json;

use crate::{
    cmd::{self, target_dir},
    dist, server, setup,
};

const PARTS: [&str; 4] = ["bundle", "server", "latency", "browser"];

pub fn bench() -> Result<()> {
    let started = Instant::now();
    let runs = match env::var("OUTPOST_BENCH_RUNS") {
        Ok(v) => match v.parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => bail!("OUTPOST_BENCH_RUNS must be a whole number of at least 1, not {v:?}"),
        },
        Err(_) => 5,
    };
    let only = env::var("OUTPOST_BENCH_ONLY").unwrap_or_default();
    let parts: Vec<&str> = if only.trim().is_empty() {
        PARTS.to_vec()
    } else {
        only.split(',').map(str::trim).collect()
    };
    if let Some(bad) = parts.iter().find(|p| !PARTS.contains(p)) {
        bail!("OUTPOST_BENCH_ONLY: unknown part {bad:?} (parts: {PARTS:?})");
    }
    let wants = |p: &str| parts.contains(&p);

    // Read before the build, so the commit is the one that was built.
    let machine = report::machine();
    let dist_dir = target_dir().join("bench").join("dist");
    // The server parts only need some app to serve; the bundle and browser
    // parts need this tree's.
    if wants("bundle") || wants("browser") || !dist_dir.join("index.html").is_file() {
        dist::build(&dist_dir)?;
    }
    cmd::run(cmd::cargo().args(["build", "--release", "-p", server::PACKAGE]))?;
    let bin = server::binary("release");
    if wants("browser") {
        setup::browser()?;
    }

    let mut figures = Vec::new();
    let mut details = json!({ "runs": runs });
    if wants("bundle") {
        figures.extend(bundle::figures(&dist_dir)?);
    }
    if wants("server") {
        figures.extend(sync::throughput(&bin, &dist_dir, runs)?);
    }
    if wants("latency") {
        figures.extend(latency::latency(&bin, &dist_dir, runs)?);
    }
    if wants("browser") {
        let (more, raw) = browser::figures(&bin, &dist_dir, runs)?;
        figures.extend(more);
        details["browser"] = raw;
    }

    let took = started.elapsed().as_secs_f64();
    details["seconds"] = json!(took.round());
    println!("\n{}", report::table(&figures));
    println!("machine: {}", report::machine_line(&machine));
    let profile = &details["browser"]["outpost"][0]["sync"]["profile"];
    if !profile.is_null() {
        println!("profile of the first Outpost sync (main thread, ms): {profile:#}");
    }
    let path = report::write(&figures, &machine, details)?;
    let missed = figures.iter().filter(|f| f.passes() == Some(false)).count();
    let targets = figures.iter().filter(|f| f.target.is_some()).count();
    println!(
        "bench: {} of {targets} targets met, {missed} missed; medians of {runs} runs; {:.0} s in all; \
         wrote {}",
        targets - missed,
        took,
        path.display()
    );
    Ok(())
}
