//! Bundle sizes: raw, gzip and brotli of the wasm, the JS, the CSS and the
//! rest of the built app, read from the twins `dist` precompressed.
//! Deterministic for one build, so measured once, not five times.

use std::{fs, path::Path};

use anyhow::{Context, Result};

use super::report::Figure;
use crate::compress::{self, Sizes};

const SECTION: &str = "1 bundle";
/// The issue's budget for the whole app, brotli.
const WHOLE_APP_BROTLI_KB: f64 = 180.0;

/// Every file of the bundle (not the `.br`/`.gz` twins), by kind.
pub fn figures(dist: &Path) -> Result<Vec<Figure>> {
    let mut files = Vec::new();
    walk(dist, &mut files)?;
    let mut by_kind: [(&str, Sizes, usize); 4] = [
        ("wasm", Sizes::default(), 0),
        ("JS", Sizes::default(), 0),
        ("CSS", Sizes::default(), 0),
        ("other (HTML, manifest, icons)", Sizes::default(), 0),
    ];
    for file in &files {
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        let slot = match ext {
            "wasm" => 0,
            "js" | "mjs" => 1,
            "css" => 2,
            _ => 3,
        };
        let mut sizes = compress::sizes(file)?;
        // Files the bundle does not precompress (PNG) travel as they are.
        if sizes.gzip == 0 {
            sizes.gzip = sizes.raw;
        }
        if sizes.brotli == 0 {
            sizes.brotli = sizes.raw;
        }
        by_kind[slot].1 = by_kind[slot].1 + sizes;
        by_kind[slot].2 += 1;
    }
    let kb = |b: u64| b as f64 / 1000.0;
    let mut out = Vec::new();
    let mut total = Sizes::default();
    for (kind, sizes, count) in by_kind {
        total = total + sizes;
        for (enc, bytes) in [
            ("raw", sizes.raw),
            ("gzip", sizes.gzip),
            ("brotli", sizes.brotli),
        ] {
            out.push(
                Figure::new(SECTION, format!("{kind} {enc}"), "KB")
                    .one(kb(bytes))
                    .note(format!("{count} files")),
            );
        }
    }
    out.push(
        Figure::new(SECTION, "whole app brotli", "KB")
            .one(kb(total.brotli))
            .at_most(WHOLE_APP_BROTLI_KB)
            .note(format!(
                "every file of the bundle ({} files; PNG counted raw), 1 KB = 1000 bytes; \
                 raw {:.1} KB, gzip {:.1} KB",
                files.len(),
                kb(total.raw),
                kb(total.gzip)
            )),
    );
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz")) {
            out.push(path);
        }
    }
    Ok(())
}
