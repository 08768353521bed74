//! Precompression: a `.br` (brotli, quality 11) and a `.gz` (gzip, best) twin
//! of every text and wasm file, so the server never compresses on the fly.

use std::{
    fs,
    io::Write,
    ops::Add,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result};
use flate2::{Compression, write::GzEncoder};

/// Extensions worth compressing; images and fonts are compressed already.
const COMPRESSIBLE: &[&str] = &[
    "html",
    "js",
    "mjs",
    "css",
    "wasm",
    "json",
    "webmanifest",
    "svg",
    "txt",
    "xml",
    "map",
    "ico",
];

#[derive(Debug, Default, Clone, Copy)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

impl Add for Sizes {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self {
            raw: self.raw + o.raw,
            gzip: self.gzip + o.gzip,
            brotli: self.brotli + o.brotli,
        }
    }
}

pub fn precompress_tree(dir: &Path) -> Result<()> {
    for path in files(dir)? {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if COMPRESSIBLE.contains(&ext) {
            let raw = fs::read(&path)?;
            fs::write(with_suffix(&path, "br"), brotli(&raw)?)?;
            fs::write(with_suffix(&path, "gz"), gzip(&raw)?)?;
        }
    }
    Ok(())
}

/// Sizes of a file and its precompressed twins (0 for a missing twin).
pub fn sizes(path: &Path) -> Result<Sizes> {
    let len = |p: &Path| fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    Ok(Sizes {
        raw: fs::metadata(path)
            .with_context(|| format!("reading {}", path.display()))?
            .len(),
        gzip: len(&with_suffix(path, "gz")),
        brotli: len(&with_suffix(path, "br")),
    })
}

pub fn brotli(raw: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        w.write_all(raw)?;
        w.flush()?;
    }
    Ok(out)
}

pub fn gzip(raw: &[u8]) -> Result<Vec<u8>> {
    let mut w = GzEncoder::new(Vec::new(), Compression::best());
    w.write_all(raw)?;
    Ok(w.finish()?)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(suffix);
    PathBuf::from(s)
}

fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            out.extend(files(&entry.path())?);
        } else {
            out.push(entry.path());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::{brotli, gzip};

    #[test]
    fn both_encodings_round_trip() {
        let text = b"Outpost ".repeat(500);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gzip(&text).unwrap()[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, text);
        let mut back = Vec::new();
        ::brotli::Decompressor::new(&brotli(&text).unwrap()[..], 4096)
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, text);
    }
}
