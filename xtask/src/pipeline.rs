//! `cargo xtask test`: every check CI runs, in order, each streamed to the
//! terminal and counted; a failing step does not stop the later ones.

use std::{
    fs,
    io::IsTerminal,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};

use crate::{
    cmd::{self, TempDir, root, tee},
    counts::{self, Tally},
    dist, postgres,
    server::{self, Server},
    setup::{self, CHROMEDRIVER, WASM_TARGET, e2e_dir},
};

/// The steps, in the order they run; names select a subset on the command line.
pub const STEPS: &[&str] = &["fmt", "clippy", "clippy-wasm", "test", "wasm-test", "e2e"];

/// Longest any one step may run before it is stopped and counted as failed.
const STEP_TIMEOUT: Duration = Duration::from_secs(40 * 60);
const E2E_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// Runs the named steps (all when empty) and returns the grand total.
pub fn test(only: &[String]) -> Result<Tally> {
    if let Some(bad) = only.iter().find(|s| !STEPS.contains(&s.as_str())) {
        bail!("unknown step {bad:?}; steps are {}", STEPS.join(", "));
    }
    let mut total = Tally::default();
    let mut summary = Vec::new();
    // A machine that could not be fully set up still gets every check that
    // can run; the ones missing a tool fail on their own and say why.
    if let Err(e) = setup::setup(true) {
        eprintln!("setup: {e:#}");
        summary.push(("setup", Tally::FAIL, Duration::ZERO));
        total += Tally::FAIL;
    }
    for &step in STEPS {
        if !only.is_empty() && !only.iter().any(|s| s == step) {
            continue;
        }
        println!("\n==> {step}");
        let started = Instant::now();
        let tally = run_step(step);
        summary.push((step, tally, started.elapsed()));
        total += tally;
    }
    println!(
        "\n{:<12} {:>7} {:>7} {:>8}",
        "step", "passed", "failed", "time"
    );
    for (step, t, took) in &summary {
        println!(
            "{step:<12} {:>7} {:>7} {:>7.0}s",
            t.passed,
            t.failed,
            took.as_secs_f64()
        );
    }
    Ok(total)
}

fn run_step(step: &str) -> Tally {
    match step {
        "fmt" => check(cmd::cargo().args(["fmt", "--all", "--check"])),
        "clippy" => check(cmd::cargo().args([
            "clippy",
            "--workspace",
            "--exclude",
            "outpost-app",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
        // The app and its tests are linted for wasm32, and so is the client
        // crate's library with its test stand-ins, which the app's tests
        // use; the client's own tests run natively (tokio), as does the
        // model's proptest suite.
        "clippy-wasm" => {
            let mut lints = check(cmd::cargo().args([
                "clippy",
                "-p",
                "outpost-app",
                "--target",
                WASM_TARGET,
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]));
            lints += check(cmd::cargo().args([
                "clippy",
                "-p",
                "outpost-client",
                "--features",
                "testing",
                "--lib",
                "--target",
                WASM_TARGET,
                "--",
                "-D",
                "warnings",
            ]));
            lints
        }
        // The PostgreSQL store's tests find the server that setup started.
        "test" => tests(
            cmd::cargo()
                .args(["test", "--workspace", "--exclude", "outpost-app"])
                .env(postgres::ENV, postgres::test_url()),
        ),
        "wasm-test" => tests(
            cmd::cargo()
                .args(["test", "-p", "outpost-app", "--target", WASM_TARGET])
                .env("CHROMEDRIVER", CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
        ),
        "e2e" => e2e().unwrap_or_else(|e| {
            eprintln!("e2e: {e:#}");
            Tally::FAIL
        }),
        _ => unreachable!("steps are checked against STEPS"),
    }
}

/// A step that passes or fails as a whole.
fn check(cmd: &mut Command) -> Tally {
    if tee(colour(cmd), STEP_TIMEOUT).success {
        Tally::PASS
    } else {
        Tally::FAIL
    }
}

/// A step that runs libtest-style tests and reports `test result:` lines.
fn tests(cmd: &mut Command) -> Tally {
    let out = tee(colour(cmd), STEP_TIMEOUT);
    counts::libtest(&out.text).settle(out.success)
}

/// Cargo sees a pipe, not the terminal, while its output is captured; keep
/// its colours for a person watching (counting strips them again).
fn colour(cmd: &mut Command) -> &mut Command {
    if std::io::stdout().is_terminal() && std::env::var_os("CARGO_TERM_COLOR").is_none() {
        cmd.env("CARGO_TERM_COLOR", "always");
    }
    cmd
}

/// Bundle, debug server with two users, then the Playwright tests.
fn e2e() -> Result<Tally> {
    let bundle = dist::dist()?;
    // The debug server is usually built already by the `test` step.
    cmd::run(cmd::cargo().args(["build", "-p", server::PACKAGE]))?;
    let bin = server::binary("debug");
    let data = TempDir::new("outpost-e2e")?;
    let users = [
        ("ana", "manager", "password-ana"),
        ("ben", "reporter", "password-ben"),
    ];
    for (name, role, password) in users {
        server::add_user(&bin, data.path(), name, role, password)?;
    }
    let server = Server::start(&bin, data.path(), &bundle.dir)?;
    // Fresh each run, so a screenshot of an old failure cannot mislead.
    let screenshots = e2e_dir().join("screenshots");
    if screenshots.exists() {
        fs::remove_dir_all(&screenshots)?;
    }
    fs::create_dir_all(&screenshots)?;
    let user_list = users
        .iter()
        .map(|(name, _, password)| format!("{name}:{password}"))
        .collect::<Vec<_>>()
        .join(",");
    let out = tee(
        Command::new("node")
            .args(["--test", "--test-reporter=spec"])
            .args(test_files(&e2e_dir())?)
            .current_dir(root())
            .env("OUTPOST_URL", server.url())
            .env("OUTPOST_USERS", user_list)
            .env("SCREENSHOT_DIR", &screenshots),
        E2E_TIMEOUT,
    );
    // Stop the server before the data dir goes (drop order is not enough to
    // say this clearly).
    drop(server);
    drop(data);
    let tally = counts::node(&out.text);
    if tally == Tally::default() && out.success {
        bail!("node ran no e2e tests");
    }
    Ok(tally.settle(out.success))
}

/// `tests/e2e/*.test.mjs`, relative to the root, sorted. Listed explicitly
/// because what node does with a directory argument differs between versions.
fn test_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .map(|p| p.strip_prefix(root()).map(Path::to_path_buf).unwrap_or(p))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no *.test.mjs files in {}", dir.display());
    }
    Ok(files)
}
