//! The bench's results: every figure with its runs, median, target and
//! ratio, printed as one table and written to `<target>/bench/report.json`
//! together with the machine it was measured on.

use std::{fmt::Write as _, fs, path::PathBuf, process::Command};

use anyhow::{Context, Result};
use serde_json::{Value, json};

use crate::cmd::{probe, target_dir};

/// Which side of the target passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    AtMost,
    AtLeast,
}

/// One measured figure: the value of each run, and its median.
#[derive(Debug, Clone)]
pub struct Figure {
    pub section: &'static str,
    pub name: String,
    pub unit: &'static str,
    pub runs: Vec<f64>,
    pub target: Option<(Goal, f64)>,
    /// Anything a reader needs to judge the number (what was counted).
    pub note: String,
}

impl Figure {
    pub fn new(section: &'static str, name: impl Into<String>, unit: &'static str) -> Self {
        Self {
            section,
            name: name.into(),
            unit,
            runs: Vec::new(),
            target: None,
            note: String::new(),
        }
    }

    pub fn runs(mut self, runs: Vec<f64>) -> Self {
        self.runs = runs;
        self
    }

    pub fn one(self, value: f64) -> Self {
        self.runs(vec![value])
    }

    pub fn at_most(mut self, target: f64) -> Self {
        self.target = Some((Goal::AtMost, target));
        self
    }

    pub fn at_least(mut self, target: f64) -> Self {
        self.target = Some((Goal::AtLeast, target));
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    pub fn median(&self) -> f64 {
        median(&self.runs)
    }

    /// How many times better than the target the median is: 1 or more passes.
    pub fn ratio(&self) -> Option<f64> {
        let (goal, target) = self.target?;
        let m = self.median();
        Some(match goal {
            Goal::AtLeast => m / target,
            Goal::AtMost if m > 0.0 => target / m,
            Goal::AtMost => f64::INFINITY,
        })
    }

    pub fn passes(&self) -> Option<bool> {
        self.ratio().map(|r| r >= 1.0)
    }
}

/// The median; the mean of the middle two for an even count; NaN when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// The `p`-th percentile (0–100) by nearest rank.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A number for people: thousands separated, sensible decimals.
pub fn human(value: f64, unit: &str) -> String {
    if value.is_nan() {
        return "n/a".into();
    }
    let decimals = match unit {
        "ms" if value < 100.0 => 1,
        "×" => 1,
        "MB" | "KB" => 1,
        _ => 0,
    };
    let text = format!("{value:.decimals$}");
    let (int, frac) = text.split_once('.').map_or((text.as_str(), ""), |p| p);
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let frac = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    format!("{sign}{grouped}{frac} {unit}")
}

fn target_text(f: &Figure) -> String {
    match f.target {
        Some((Goal::AtMost, t)) => format!("≤ {}", human(t, f.unit)),
        Some((Goal::AtLeast, t)) => format!("≥ {}", human(t, f.unit)),
        None => "—".into(),
    }
}

/// The table the bench prints, as Markdown so it pastes into the README.
pub fn table(figures: &[Figure]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| figure | median | runs | target | ratio | verdict |\n| --- | ---: | ---: | --- | ---: | --- |"
    );
    for f in figures {
        let verdict = match f.passes() {
            Some(true) => "pass",
            Some(false) => "MISS",
            None => "",
        };
        let ratio = f.ratio().map_or(String::new(), |r| format!("{r:.2}"));
        let _ = writeln!(
            out,
            "| {}: {} | {} | {} | {} | {} | {} |",
            f.section,
            f.name,
            human(f.median(), f.unit),
            f.runs.len(),
            target_text(f),
            ratio,
            verdict
        );
    }
    out
}

/// nproc, CPU model, memory and OS, read off this machine.
pub fn machine() -> Value {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split_once(':').map(|p| p.1))
        .unwrap_or("unknown")
        .trim()
        .to_owned();
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: f64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|r| r.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    let nproc = probe(&mut Command::new("nproc")).unwrap_or_default();
    let chromium = probe(Command::new("/usr/bin/chromium").arg("--version")).unwrap_or_default();
    let node = probe(Command::new("node").arg("--version")).unwrap_or_default();
    // What was measured: the commit, and whether the tree had edits on top.
    let git = |args: &[&str]| {
        probe(
            Command::new("git")
                .args(args)
                .current_dir(crate::cmd::root()),
        )
    };
    let commit = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_default();
    let edited = git(&[
        "status",
        "--porcelain",
        "--",
        "app",
        "model",
        "sync-server",
        "style",
    ])
    .is_some_and(|s| !s.is_empty());
    json!({
        "commit": if edited { format!("{commit} with uncommitted edits") } else { commit },
        "nproc": nproc,
        "cpu": cpu,
        "memory_gib": (mem_kb / 1024.0 / 1024.0 * 10.0).round() / 10.0,
        "os": probe(Command::new("uname").args(["-sr"])).unwrap_or_default(),
        "chromium": chromium,
        "node": node,
    })
}

pub fn machine_line(m: &Value) -> String {
    format!(
        "{} cores ({}), {} GiB RAM, {}; {}, Node {}; built from {}",
        m["nproc"].as_str().unwrap_or("?"),
        m["cpu"].as_str().unwrap_or("?"),
        m["memory_gib"],
        m["os"].as_str().unwrap_or("?"),
        m["chromium"].as_str().unwrap_or("?"),
        m["node"].as_str().unwrap_or("?"),
        m["commit"].as_str().unwrap_or("?")
    )
}

pub fn report_path() -> PathBuf {
    target_dir().join("bench").join("report.json")
}

/// Writes every figure, with each run's value, to `report.json`.
pub fn write(figures: &[Figure], machine: &Value, extra: Value) -> Result<PathBuf> {
    let list: Vec<Value> = figures
        .iter()
        .map(|f| {
            json!({
                "section": f.section,
                "figure": f.name,
                "unit": f.unit,
                "median": finite(f.median()),
                "runs": f.runs.iter().copied().map(finite).collect::<Vec<_>>(),
                "target": f.target.map(|(goal, t)| json!({
                    "goal": if goal == Goal::AtMost { "at_most" } else { "at_least" },
                    "value": t,
                })),
                "ratio": f.ratio().map(finite),
                "pass": f.passes(),
                "note": f.note,
            })
        })
        .collect();
    let path = report_path();
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let body = json!({ "machine": machine, "figures": list, "details": extra });
    fs::write(&path, serde_json::to_vec_pretty(&body)?)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

fn finite(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_percentiles() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
        let sorted: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&sorted, 50.0), 50.0);
        assert_eq!(percentile(&sorted, 95.0), 95.0);
    }

    #[test]
    fn ratios_say_how_far_past_the_target() {
        let fast = Figure::new("s", "t", "ms").one(10.0).at_most(50.0);
        assert_eq!((fast.ratio(), fast.passes()), (Some(5.0), Some(true)));
        let slow = Figure::new("s", "r", "/s").one(50.0).at_least(100.0);
        assert_eq!((slow.ratio(), slow.passes()), (Some(0.5), Some(false)));
        assert_eq!(human(1234567.0, "/s"), "1,234,567 /s");
        assert_eq!(human(12.34, "ms"), "12.3 ms");
    }
}
