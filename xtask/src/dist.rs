//! `cargo xtask dist`: the app as static files in `dist/`, with content-hashed
//! names (cacheable forever), an index.html without inline scripts (for a
//! strict CSP), `public/` copied in, and brotli and gzip twins of every text
//! and wasm file for the server to send as they are.

use std::{
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::{
    cmd::{self, root, run, target_dir},
    compress::{self, Sizes},
    setup::{WASM_TARGET, e2e_dir},
};

const PROFILE: &str = "wasm-release";
const CRATE: &str = "outpost-app";
const OUT_NAME: &str = "outpost_app";

/// Features the wasm that rustc 1.95 emits uses by default; wasm-opt refuses a
/// module that uses a feature it was not told about, so list them rather
/// than turning validation off.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// What `dist` wrote, for the size table and for later steps.
#[derive(Debug)]
pub struct Bundle {
    pub dir: PathBuf,
}

/// Builds the bundle into `<root>/dist` (setup must have run).
pub fn dist() -> Result<Bundle> {
    build(&dist_dir())
}

/// Builds the bundle into `out`; the bench uses a directory of its own so
/// that it never swaps `dist/` under someone else's server.
pub fn build(out: &Path) -> Result<Bundle> {
    run(cmd::cargo().args([
        "build",
        "--profile",
        PROFILE,
        "--target",
        WASM_TARGET,
        "-p",
        CRATE,
        "--bin",
        CRATE,
    ]))?;
    let wasm = target_dir()
        .join(WASM_TARGET)
        .join(PROFILE)
        .join(format!("{CRATE}.wasm"));
    bundle(&wasm, out)
}

/// Turns a cargo-built wasm file into the bundle at `out`. Separate from the
/// cargo build so it can be tried on any wasm-bindgen crate.
pub fn bundle(wasm: &Path, out: &Path) -> Result<Bundle> {
    let work = target_dir().join("xtask").join("wasm-bindgen");
    fresh_dir(&work)?;
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&work)
        .args(["--out-name", OUT_NAME])
        .arg(wasm))?;

    let bg = work.join(format!("{OUT_NAME}_bg.wasm"));
    let optimised = work.join(format!("{OUT_NAME}_bg.opt.wasm"));
    let wasm_opt = e2e_dir().join("node_modules").join(".bin").join("wasm-opt");
    if !wasm_opt.is_file() {
        bail!("{} is missing; run `cargo xtask setup`", wasm_opt.display());
    }
    let mut opt = Command::new(&wasm_opt);
    // `OUTPOST_WASM_NAMES=1` keeps function names, so a profile of the
    // page names the app's functions instead of numbering them.
    if std::env::var("OUTPOST_WASM_NAMES").as_deref() == Ok("1") {
        opt.arg("-g");
    }
    run(opt
        .arg("-Oz")
        .args(WASM_FEATURES)
        .arg(&bg)
        .arg("-o")
        .arg(&optimised))?;
    fs::remove_file(&bg)?;

    // Build next to the old bundle and swap at the end, so a server that is
    // serving `dist/` never sees it half written.
    let staging = target_dir().join("xtask").join("dist");
    fresh_dir(&staging)?;
    let public = root().join("public");
    if public.is_dir() {
        copy_tree(&public, &staging)?;
    }

    let glue = fs::read(work.join(format!("{OUT_NAME}.js")))?;
    let js_name = hashed(OUT_NAME, "js", &glue);
    let wasm_bytes = fs::read(&optimised)?;
    let wasm_name = hashed(&format!("{OUT_NAME}_bg"), "wasm", &wasm_bytes);
    let css_path = root().join("style").join("main.css");
    let css = if css_path.is_file() {
        fs::read(&css_path)?
    } else {
        println!(
            "dist: {} not found; writing an empty stylesheet",
            css_path.display()
        );
        Vec::new()
    };
    let css_name = hashed("style", "css", &css);
    let loader =
        format!("import init from '/{js_name}';\ninit({{ module_or_path: '/{wasm_name}' }});\n");
    let loader_name = hashed("app", "js", loader.as_bytes());

    write(&staging.join(&js_name), &glue)?;
    write(&staging.join(&wasm_name), &wasm_bytes)?;
    write(&staging.join(&css_name), &css)?;
    write(&staging.join(&loader_name), loader.as_bytes())?;
    // wasm-bindgen puts JS snippets of dependencies (`inline_js`, `module`)
    // under `snippets/`, which the glue imports by relative path.
    for entry in fs::read_dir(&work)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &staging.join(entry.file_name()))?;
        }
    }
    let html = index_html(&staging, &js_name, &wasm_name, &css_name, &loader_name);
    write(&staging.join("index.html"), html.as_bytes())?;
    service_worker(&staging)?;

    compress::precompress_tree(&staging)?;
    if out.exists() {
        fs::remove_dir_all(out).with_context(|| format!("removing {}", out.display()))?;
    }
    // A rename is atomic, but only within one file system; CARGO_TARGET_DIR
    // may be on another one.
    if fs::rename(&staging, out).is_err() {
        copy_tree(&staging, out)?;
    }

    let assets = vec![wasm_name, js_name, loader_name, css_name];
    print_sizes(out, &assets)?;
    println!("dist: wrote {}", out.display());
    Ok(Bundle {
        dir: out.to_path_buf(),
    })
}

/// Where `dist` writes the bundle.
pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// The service worker's file, unhashed so that its address never changes.
const SERVICE_WORKER: &str = "sw.js";

/// Fills in `sw.js` (copied from `public/`): the bundle's version, a hash of
/// every file it precaches, and the list of those files, so a new bundle is a
/// new worker that the browser installs next to the old one.
fn service_worker(dir: &Path) -> Result<()> {
    let path = dir.join(SERVICE_WORKER);
    if !path.is_file() {
        return Ok(());
    }
    let mut files = Vec::new();
    list_files(dir, dir, &mut files)?;
    files.retain(|f| f != SERVICE_WORKER);
    files.sort();
    let mut digest = Sha256::new();
    for file in &files {
        digest.update(file.as_bytes());
        digest.update([0]);
        digest.update(fs::read(dir.join(file))?);
    }
    let version = hex::encode(digest.finalize())[..12].to_owned();
    let list = files
        .iter()
        .map(|f| format!("'/{f}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let template = fs::read_to_string(&path)?;
    for placeholder in ["'__OUTPOST_VERSION__'", "__OUTPOST_PRECACHE__"] {
        if !template.contains(placeholder) {
            bail!("public/{SERVICE_WORKER} lacks the placeholder {placeholder}");
        }
    }
    let filled = template
        .replace("'__OUTPOST_VERSION__'", &format!("'{version}'"))
        .replace("__OUTPOST_PRECACHE__", &format!("[{list}]"));
    write(&path, filled.as_bytes())?;
    println!(
        "dist: {SERVICE_WORKER} version {version}, {} files precached",
        files.len()
    );
    Ok(())
}

/// Every file under `dir`, as `/`-separated paths relative to `root`.
fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            list_files(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

/// `stem-<first 10 hex digits of sha256>.ext`.
pub fn hashed(stem: &str, ext: &str, bytes: &[u8]) -> String {
    let digest = hex::encode(Sha256::digest(bytes));
    format!("{stem}-{}.{ext}", &digest[..10])
}

fn index_html(dir: &Path, js: &str, wasm: &str, css: &str, loader: &str) -> String {
    let mut extra = String::new();
    // Link what `public/` provides, so adding a manifest or icon needs no
    // change here.
    for (file, tag) in [
        (
            "manifest.webmanifest",
            r#"<link rel="manifest" href="/manifest.webmanifest">"#,
        ),
        (
            "manifest.json",
            r#"<link rel="manifest" href="/manifest.json">"#,
        ),
        (
            "favicon.svg",
            r#"<link rel="icon" href="/favicon.svg" type="image/svg+xml">"#,
        ),
        (
            "favicon.ico",
            r#"<link rel="icon" href="/favicon.ico" sizes="any">"#,
        ),
        (
            "apple-touch-icon.png",
            r#"<link rel="apple-touch-icon" href="/apple-touch-icon.png">"#,
        ),
    ] {
        if dir.join(file).is_file() {
            let _ = writeln!(extra, "  {tag}");
        }
    }
    format!(
        r##"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="theme-color" content="#0b3d91">
  <meta name="color-scheme" content="light">
  <title>Outpost</title>
  <link rel="stylesheet" href="/{css}">
  <link rel="modulepreload" href="/{js}">
  <link rel="preload" href="/{wasm}" as="fetch" type="application/wasm" crossorigin>
{extra}  <script type="module" src="/{loader}"></script>
</head>
<body>
  <noscript>Outpost needs JavaScript and WebAssembly. Turn JavaScript on in this browser, then reload the page.</noscript>
</body>
</html>
"##
    )
}

fn print_sizes(dir: &Path, assets: &[String]) -> Result<()> {
    println!(
        "{:<40} {:>11} {:>11} {:>11}",
        "file", "raw", "gzip", "brotli"
    );
    let mut total = Sizes::default();
    for name in assets.iter().map(String::as_str).chain(["index.html"]) {
        let sizes = compress::sizes(&dir.join(name))?;
        println!(
            "{name:<40} {:>11} {:>11} {:>11}",
            kib(sizes.raw),
            kib(sizes.gzip),
            kib(sizes.brotli)
        );
        total = total + sizes;
    }
    println!(
        "{:<40} {:>11} {:>11} {:>11}",
        "total (first load)",
        kib(total.raw),
        kib(total.gzip),
        kib(total.brotli)
    );
    Ok(())
}

pub fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::hashed;

    #[test]
    fn hashed_names_change_with_content_only() {
        let a = hashed("style", "css", b"body{}");
        assert_eq!(a, hashed("style", "css", b"body{}"));
        assert_ne!(a, hashed("style", "css", b"body{ }"));
        assert!(a.starts_with("style-") && a.ends_with(".css"));
        assert_eq!(a.len(), "style-".len() + 10 + ".css".len());
    }
}
