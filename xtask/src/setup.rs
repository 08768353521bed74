//! Prepares a machine, idempotently: the wasm target, the wasm-bindgen CLI that
//! matches Cargo.lock, the npm tools in tests/e2e, and for tests Chromium and
//! a running PostgreSQL (`postgres.rs`). Each step prints one line saying what
//! it did or why it skipped.

use std::{fs, path::Path, process::Command, time::SystemTime};

use anyhow::{Context, Result, bail};

use crate::cmd::{self, probe, root, run, which};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Everything `dist` and `run` need; `for_tests` adds what `test` needs.
pub fn setup(for_tests: bool) -> Result<()> {
    wasm_target()?;
    wasm_bindgen_cli()?;
    npm_tools()?;
    if for_tests {
        browser()?;
        crate::postgres::setup()?;
    }
    Ok(())
}

fn wasm_target() -> Result<()> {
    let installed = probe(Command::new("rustup").args(["target", "list", "--installed"]));
    match installed {
        Some(list) if list.lines().any(|l| l.trim() == WASM_TARGET) => {
            println!("setup: rust target {WASM_TARGET} already installed; skipped");
        }
        Some(_) => {
            run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
            println!("setup: installed rust target {WASM_TARGET}");
        }
        // Without rustup the toolchain is managed elsewhere; cargo will say
        // clearly if the target is missing.
        None => println!("setup: rustup not found; assuming {WASM_TARGET} is available"),
    }
    Ok(())
}

fn wasm_bindgen_cli() -> Result<()> {
    let lock_path = root().join("Cargo.lock");
    let lock = fs::read_to_string(&lock_path)
        .with_context(|| format!("reading {}", lock_path.display()))?;
    let Some(wanted) = locked_version(&lock, "wasm-bindgen")? else {
        println!("setup: Cargo.lock has no wasm-bindgen yet; wasm-bindgen CLI skipped");
        return Ok(());
    };
    let has = |tool: &str| {
        probe(Command::new(tool).arg("--version"))
            .is_some_and(|v| v.split_whitespace().nth(1) == Some(wanted.as_str()))
    };
    if has("wasm-bindgen") && has("wasm-bindgen-test-runner") {
        println!("setup: wasm-bindgen CLI {wanted} already installed; skipped");
        return Ok(());
    }
    // No `--locked`: the CLI's own lock file pins a crate version that the
    // registry no longer serves (TOOLCHAIN.md).
    run(cmd::cargo().args(["install", "wasm-bindgen-cli", "--version", &wanted]))?;
    if !has("wasm-bindgen") {
        bail!(
            "installed wasm-bindgen-cli {wanted}, but `wasm-bindgen --version` on PATH still \
             differs; put ~/.cargo/bin first on PATH"
        );
    }
    println!("setup: installed wasm-bindgen CLI {wanted}");
    Ok(())
}

/// The version of `name` in a Cargo.lock, if it is there exactly once.
pub fn locked_version(lock: &str, name: &str) -> Result<Option<String>> {
    let quoted = format!("\"{name}\"");
    let mut versions = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        let mut lines = block.lines().map(str::trim);
        let value = |line: &str, key: &str| {
            let rest = line.strip_prefix(key)?.trim_start().strip_prefix('=')?;
            Some(rest.trim().to_owned())
        };
        let fields: Vec<(String, String)> = lines
            .by_ref()
            .filter_map(|l| {
                ["name", "version"]
                    .into_iter()
                    .find_map(|k| value(l, k).map(|v| (k.to_owned(), v)))
            })
            .collect();
        let is_it = fields.iter().any(|(k, v)| k == "name" && *v == quoted);
        if let (true, Some((_, v))) = (is_it, fields.iter().find(|(k, _)| k == "version")) {
            versions.push(v.trim_matches('"').to_owned());
        }
    }
    match versions.len() {
        0 => Ok(None),
        1 => Ok(versions.pop()),
        _ => {
            bail!("Cargo.lock holds several {name} versions ({versions:?}); the CLI must match one")
        }
    }
}

pub fn e2e_dir() -> std::path::PathBuf {
    root().join("tests").join("e2e")
}

fn npm_tools() -> Result<()> {
    let dir = e2e_dir();
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules").join(".package-lock.json");
    if !lock.is_file() {
        bail!(
            "{} is missing; it is committed with the repo",
            lock.display()
        );
    }
    if installed.is_file() && modified(&installed)? >= modified(&lock)? {
        println!("setup: npm tools in tests/e2e up to date; skipped");
        return Ok(());
    }
    if which("npm").is_none() {
        bail!("npm is not on PATH; install Node.js 20 or newer (it brings npm)");
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir))?;
    println!("setup: installed npm tools in tests/e2e (npm ci)");
    Ok(())
}

fn modified(path: &Path) -> Result<SystemTime> {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .with_context(|| format!("reading the time of {}", path.display()))
}

/// pdftotext reads back the monthly report the browser tests print to PDF.
pub const PDFTOTEXT: &str = "/usr/bin/pdftotext";

pub fn browser() -> Result<()> {
    let have = |p: &str| Path::new(p).is_file();
    if have(CHROMIUM) && have(CHROMEDRIVER) && have(PDFTOTEXT) {
        println!("setup: {CHROMIUM}, {CHROMEDRIVER} and {PDFTOTEXT} present; skipped");
        return Ok(());
    }
    run(&mut apt(&["update"]))?;
    run(&mut apt(&[
        "install",
        "-y",
        "chromium",
        "chromium-driver",
        "poppler-utils",
    ]))?;
    println!("setup: installed chromium, chromium-driver and poppler-utils");
    Ok(())
}

/// `apt-get ARGS`, non-interactive, through sudo unless we are root.
pub fn apt(args: &[&str]) -> Command {
    let root_user = probe(Command::new("id").arg("-u")).as_deref() == Some("0");
    let mut cmd = if root_user || which("sudo").is_none() {
        Command::new("apt-get")
    } else {
        // sudo resets the environment, so pass the setting through env(1).
        let mut c = Command::new("sudo");
        c.args(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
        c
    };
    cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    cmd
}

#[cfg(test)]
mod tests {
    use super::locked_version;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "wasm-bindgen-futures"
version = "0.4.80"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]
"#;

    #[test]
    fn finds_the_exact_package_not_a_prefix_match() {
        assert_eq!(
            locked_version(LOCK, "wasm-bindgen").unwrap().as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            locked_version(LOCK, "wasm-bindgen-futures")
                .unwrap()
                .as_deref(),
            Some("0.4.80")
        );
    }

    #[test]
    fn absent_package_is_none_and_duplicates_are_an_error() {
        assert_eq!(locked_version(LOCK, "leptos").unwrap(), None);
        let twice = format!("{LOCK}\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.99\"\n");
        assert!(locked_version(&twice, "wasm-bindgen").is_err());
    }
}
