//! The browser figures: a release server holding a seeded year of 10,000
//! incidents (`demo-data`), pouchdb-server in memory holding the same records
//! as documents, and `tests/bench/browser.mjs` driving Debian's Chromium
//! through playwright-core against both, alternating run by run.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant, SystemTime},
};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::{
    report::Figure,
    sync::{PASSWORD, USER},
};
use crate::{
    cmd::{self, TempDir, root, run, which},
    http,
    server::{self, Server},
};

pub const INCIDENTS: usize = 10_000;

pub fn bench_dir() -> PathBuf {
    root().join("tests").join("bench")
}

/// `npm ci` in tests/bench when its lock file is newer than what is installed
/// (kept apart from tests/e2e so that CI's install does not grow).
pub fn npm_tools() -> Result<()> {
    let dir = bench_dir();
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules").join(".package-lock.json");
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    if modified(&installed).unwrap_or(SystemTime::UNIX_EPOCH)
        >= modified(&lock).context("tests/bench/package-lock.json is missing")?
    {
        println!("bench: npm tools in tests/bench up to date; skipped");
        return Ok(());
    }
    if which("npm").is_none() {
        bail!("npm is not on PATH; install Node.js 20 or newer (it brings npm)");
    }
    // Without install scripts: they would compile sqlite3 from source (7 min
    // on 2 cores) for pouchdb-server's `--sqlite`, which the bench does not
    // use; leveldown loads the prebuilt binary its package ships.
    run(Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(&dir))
}

/// A child process stopped when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        cmd::terminate(&mut self.0, Duration::from_secs(5));
    }
}

pub fn figures(bin: &Path, dist: &Path, runs: usize) -> Result<(Vec<Figure>, Value)> {
    npm_tools()?;
    let data = TempDir::new("outpost-bench-year")?;
    server::add_user(bin, data.path(), USER, "manager", PASSWORD)?;
    let started = Instant::now();
    run(Command::new(bin)
        .args(["demo-data", "--incidents", &INCIDENTS.to_string(), "--data"])
        .arg(data.path()))?;
    println!(
        "bench: demo-data made {INCIDENTS} incidents in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let log = super::sync::log_path("browser")?;
    let outpost = Server::start_logged(bin, data.path(), dist, Some(&log))?;
    let pouch_dir = TempDir::new("outpost-bench-pouch")?;
    let (pouch, pouch_url) = pouchdb_server(pouch_dir.path())?;

    // Kept after the run: every run's raw numbers, and the profile if any.
    let out = crate::cmd::target_dir().join("bench").join("browser.json");
    fs::create_dir_all(out.parent().context("a file has a directory")?)?;
    let mut node = Command::new("node");
    node.arg("browser.mjs")
        .current_dir(bench_dir())
        .env("OUTPOST_URL", outpost.url())
        .env("POUCH_URL", &pouch_url)
        .env("BENCH_USER", USER)
        .env("BENCH_PASSWORD", PASSWORD)
        .env("BENCH_RUNS", runs.to_string())
        .env("BENCH_OUT", &out);
    // A CPU profile of the first Outpost sync (costs it some time).
    if std::env::var("OUTPOST_BENCH_PROFILE").as_deref() == Ok("1") {
        node.env("BENCH_PROFILE", "1");
    }
    let captured = cmd::tee(&mut node, Duration::from_secs(40 * 60));
    drop(pouch);
    drop(outpost);
    if !captured.success {
        bail!("the browser bench failed");
    }
    let results: Value = serde_json::from_slice(&fs::read(&out)?)?;
    Ok((to_figures(&results), results))
}

/// Starts `pouchdb-server --in-memory` on a free loopback port in `dir`
/// (where it writes its config and log) and waits until it answers.
fn pouchdb_server(dir: &Path) -> Result<(Guard, String)> {
    let port = server::free_port()?;
    let script = bench_dir()
        .join("node_modules")
        .join("pouchdb-server")
        .join("bin")
        .join("pouchdb-server");
    let mut command = Command::new("node");
    command
        .arg(&script)
        .args(["--in-memory", "--host", "127.0.0.1", "--no-color", "--port"])
        .arg(port.to_string())
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    println!("$ {}", cmd::display(&command));
    let mut guard = Guard(command.spawn().context("starting pouchdb-server")?);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = guard.0.try_wait()? {
            bail!("pouchdb-server exited ({status})");
        }
        if matches!(http::get(addr, "/"), Ok(r) if r.status == 200) {
            break;
        }
        if Instant::now() > deadline {
            bail!("pouchdb-server did not answer within 60 s");
        }
        thread::sleep(Duration::from_millis(200));
    }
    println!("bench: pouchdb-server answering at http://{addr}");
    Ok((guard, format!("http://{addr}")))
}

fn column(list: &Value, path: &[&str]) -> Vec<f64> {
    list.as_array()
        .map(|runs| {
            runs.iter()
                .map(|r| {
                    path.iter()
                        .fold(r, |v, k| &v[*k])
                        .as_f64()
                        .unwrap_or(f64::NAN)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn to_figures(r: &Value) -> Vec<Figure> {
    const SYNC: &str = "3 first sync";
    const POUCH: &str = "4 vs PouchDB";
    const YEAR: &str = "5 year of data";
    let (o, p, data) = (&r["outpost"], &r["pouch"], &r["data"]);
    let scaled = |v: Vec<f64>, by: f64| v.into_iter().map(|x| x / by).collect::<Vec<_>>();
    let what = format!(
        "{} incidents ({:.1} fields each) among {} records {}, {} changes",
        data["by_collection"]["incidents"],
        data["fields_per_incident"].as_f64().unwrap_or(0.0),
        data["records"],
        data["by_collection"],
        data["changes"]
    );
    let o_ms = column(o, &["sync", "ms"]);
    let p_ms = column(p, &["ms"]);
    let o_bytes = column(o, &["sync", "bytes"]);
    let p_bytes = column(p, &["bytes"]);
    let pair = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x / y).collect::<Vec<_>>();
    let thousand = format!(
        "category {} ({} incidents); the list is windowed, so only the rows on screen are drawn",
        data["thousand"]["category"], data["thousand"]["count"]
    );
    vec![
        Figure::new(SYNC, "Outpost: sign in → every record in IndexedDB and the list shows all", "ms")
            .runs(o_ms.clone())
            .note(what),
        Figure::new(SYNC, "Outpost: sign in → list shows the last incident", "ms")
            .runs(column(o, &["sync", "list_ms"])),
        Figure::new(SYNC, "Outpost: bytes on the wire during the sync", "MB")
            .runs(scaled(o_bytes.clone(), 1e6))
            .note("CDP Network.loadingFinished encodedDataLength, headers included; app files excluded"),
        Figure::new(SYNC, "Outpost: sync requests", "requests")
            .runs(column(o, &["sync", "requests"]))
            .note("sign-in, directory and every pull page (1,000 changes each)"),
        Figure::new(SYNC, "Outpost: app files before sign-in", "MB")
            .runs(scaled(column(o, &["sync", "app_bytes"]), 1e6)),
        Figure::new(SYNC, "Outpost: JS heap after sync", "MB")
            .runs(scaled(column(o, &["sync", "heap"]), 1e6))
            .note("Runtime.getHeapUsage after a full GC; the wasm memory is separate"),
        Figure::new(SYNC, "Outpost: wasm memory after sync", "MB")
            .runs(scaled(column(o, &["sync", "wasm"]), 1e6)),
        Figure::new(POUCH, "PouchDB: replicate.from → all docs in IndexedDB", "ms")
            .runs(p_ms.clone())
            .note("pouchdb 9 browser build, default options, from pouchdb-server --in-memory"),
        Figure::new(POUCH, "PouchDB: bytes on the wire during replication", "MB")
            .runs(scaled(p_bytes.clone(), 1e6)),
        Figure::new(POUCH, "PouchDB: requests to the database", "requests")
            .runs(column(p, &["requests"])),
        Figure::new(POUCH, "PouchDB: JS heap after replication", "MB")
            .runs(scaled(column(p, &["heap"]), 1e6)),
        Figure::new(POUCH, "Outpost faster than PouchDB (time ratio)", "×")
            .runs(pair(&p_ms, &o_ms))
            .at_least(5.0)
            .note("PouchDB time / Outpost time, run by run"),
        Figure::new(POUCH, "Outpost fewer bytes than PouchDB (bytes ratio)", "×")
            .runs(pair(&p_bytes, &o_bytes))
            .at_least(3.0)
            .note("PouchDB bytes / Outpost bytes, run by run"),
        Figure::new(YEAR, "navigation → list shown", "ms")
            .runs(column(o, &["year", "open_ms"]))
            .at_most(400.0),
        Figure::new(YEAR, "filter keystroke → list updated", "ms")
            .runs(column(o, &["year", "keystroke_ms"]))
            .at_most(16.0)
            .note("one letter into the search box, median of 5 letters per run"),
        Figure::new(YEAR, "filter to ≥1,000 rows → list updated", "ms")
            .runs(column(o, &["year", "rows_ms"]))
            .note(thousand),
        Figure::new(YEAR, "jump to row 1,000 → drawn", "ms").runs(column(o, &["year", "jump_ms"])),
        Figure::new(YEAR, "JS heap", "MB").runs(scaled(column(o, &["year", "heap"]), 1e6)),
        Figure::new(YEAR, "wasm memory", "MB").runs(scaled(column(o, &["year", "wasm"]), 1e6)),
    ]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::to_figures;

    #[test]
    fn ratios_pair_the_runs_of_the_same_session() {
        let sync = |ms: f64, bytes: f64| json!({"sync": {"ms": ms, "list_ms": ms, "bytes": bytes}, "year": {"open_ms": 300.0}});
        let results = json!({
            "data": {"by_collection": {"incidents": 10}, "records": 20},
            "outpost": [sync(100.0, 1000.0), sync(200.0, 1000.0), sync(400.0, 1000.0)],
            "pouch": [{"ms": 1000.0, "bytes": 4000.0}, {"ms": 300.0, "bytes": 2000.0}, {"ms": 4000.0, "bytes": 3000.0}],
        });
        let figures = to_figures(&results);
        let find = |name: &str| figures.iter().find(|f| f.name.contains(name)).unwrap();
        // 1000/100, 300/200, 4000/400: the median of the run-by-run ratios
        // is 10, where the ratio of the medians would be 1000/200 = 5.
        assert_eq!(find("time ratio").median(), 10.0);
        assert_eq!(find("time ratio").passes(), Some(true));
        assert_eq!(find("bytes ratio").median(), 3.0);
        assert_eq!(find("navigation").passes(), Some(true));
        assert!(find("keystroke").median().is_nan());
    }
}
