//! `cargo xtask`: Outpost's build, test and bundle commands, in Rust so they
//! run the same on every machine with nothing but cargo installed.

mod bench;
mod cmd;
mod compress;
mod counts;
mod dist;
mod http;
#[cfg(test)]
mod layers;
mod pipeline;
mod postgres;
mod server;
mod setup;

use std::{os::unix::process::CommandExt, process::ExitCode};

use anyhow::{Result, bail};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup          install what the build and tests need (wasm target,
                 wasm-bindgen CLI, npm tools, Chromium, a running PostgreSQL on
                 127.0.0.1); each step is skipped when satisfied
  dist           build the app bundle into dist/
  run            build everything and serve the app at http://127.0.0.1:8080
  test [STEP..]  run every check CI runs (steps: fmt clippy clippy-wasm test
                 wasm-test e2e; all by default) and print `N passed, N failed`
  bench          measure issue 7's figures (bundle sizes, server push/pull
                 and latency, first sync in Chromium against PouchDB, a year
                 of data in the app); a table, and target/bench/report.json
                 (OUTPOST_BENCH_RUNS=5, OUTPOST_BENCH_ONLY=bundle,server,
                 latency,browser, OUTPOST_BENCH_PROFILE=1)
  fuzz [CASES]   fuzz the sync request decoder and validator through the
                 server's router for longer than the test run does
                 (default 100000 cases per target)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(args: &[String]) -> Result<ExitCode> {
    let (command, rest) = match args.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => ("help", &[][..]),
    };
    match command {
        "setup" => setup::setup(true)?,
        "dist" => {
            setup::setup(false)?;
            dist::dist()?;
        }
        "run" => run()?,
        "test" => {
            let total = pipeline::test(rest)?;
            println!("{} passed, {} failed", total.passed, total.failed);
            if total.failed > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        "bench" => {
            setup::setup(false)?;
            bench::bench()?;
        }
        "fuzz" => {
            let cases = rest.first().map_or("100000", String::as_str);
            if cases.parse::<u32>().is_err() {
                bail!("fuzz takes a number of cases, not {cases:?}");
            }
            cmd::run(
                cmd::cargo()
                    .args([
                        "test",
                        "--release",
                        "-p",
                        server::PACKAGE,
                        "--test",
                        "api",
                        "fuzz",
                    ])
                    .env("OUTPOST_FUZZ_CASES", cases),
            )?;
        }
        "help" | "-h" | "--help" => print!("{USAGE}"),
        other => bail!("unknown command {other:?}\n\n{USAGE}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Builds the bundle and a release server, then becomes the server, so that
/// Ctrl-C and SIGTERM reach it directly and its exit code is ours.
fn run() -> Result<()> {
    setup::setup(false)?;
    dist::dist()?;
    cmd::run(cmd::cargo().args(["build", "--release", "-p", server::PACKAGE]))?;
    let bin = server::binary("release");
    println!("\nOutpost: http://127.0.0.1:8080");
    println!(
        "First time here? The server prints a one-time setup code below: open the app, \
         choose First-time setup and enter it to create the first admin.\n"
    );
    let mut server = std::process::Command::new(&bin);
    server
        .args([
            "serve",
            "--addr",
            "127.0.0.1:8080",
            "--data",
            "./data",
            "--static",
            "dist",
        ])
        .current_dir(cmd::root());
    println!("$ {}", cmd::display(&server));
    // `exec` only returns on failure.
    let err = server.exec();
    bail!("could not start {}: {err}", bin.display())
}
