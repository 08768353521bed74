//! Counting results from test runners' output: libtest's (and
//! wasm-bindgen-test-runner's) `test result:` lines and node's test summary.

use std::ops::AddAssign;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
}

impl Tally {
    pub const PASS: Self = Self {
        passed: 1,
        failed: 0,
    };
    pub const FAIL: Self = Self {
        passed: 0,
        failed: 1,
    };

    /// A step's own count, corrected by how the step ended: a step that
    /// failed without a failing test to show for it (it did not build, a
    /// test binary crashed, the runner timed out) adds one failure.
    pub fn settle(self, success: bool) -> Self {
        if success || self.failed > 0 {
            self
        } else {
            Self {
                failed: self.failed + 1,
                ..self
            }
        }
    }
}

impl AddAssign for Tally {
    fn add_assign(&mut self, o: Self) {
        self.passed += o.passed;
        self.failed += o.failed;
    }
}

/// Sums every `test result: ok. N passed; M failed; …` and
/// `test result: FAILED. N passed; M failed; …` line, doctests included.
pub fn libtest(output: &str) -> Tally {
    let mut tally = Tally::default();
    for line in strip_ansi(output).lines() {
        let Some(rest) = line.split("test result:").nth(1) else {
            continue;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(what), Some(n)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match what {
                "passed" => tally.passed += n,
                // An ignored test checked nothing: the project has none,
                // and one that appears is counted against the run.
                "failed" | "ignored" => tally.failed += n,
                _ => {}
            }
        }
    }
    tally
}

/// Reads node's test summary, TAP (`# pass N`) or spec (`ℹ pass N`); a
/// cancelled test (a timeout, a failed hook) counts as failed, and so does a
/// skipped or to-do one: a browser test that skips checked nothing.
pub fn node(output: &str) -> Tally {
    let mut tally = Tally::default();
    for line in strip_ansi(output).lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("# ").or_else(|| line.strip_prefix("ℹ ")) else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(what), Some(n), None) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        let Ok(n) = n.parse::<u64>() else { continue };
        match what {
            "pass" => tally.passed += n,
            "fail" | "cancelled" | "skipped" | "todo" => tally.failed += n,
            _ => {}
        }
    }
    tally
}

/// The text without terminal colour codes (`ESC [ … letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Tally, libtest, node};

    #[test]
    fn skipped_browser_tests_and_ignored_rust_tests_count_as_failures() {
        let spec = "ℹ tests 5\nℹ pass 3\nℹ fail 0\nℹ cancelled 0\nℹ skipped 1\nℹ todo 1\n";
        assert_eq!(
            node(spec),
            Tally {
                passed: 3,
                failed: 2
            }
        );
        let out = "test result: ok. 4 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out\n";
        assert_eq!(
            libtest(out),
            Tally {
                passed: 4,
                failed: 1
            }
        );
    }

    #[test]
    fn colour_codes_do_not_hide_a_result_line() {
        let out = "test result: \u{1b}[32mok\u{1b}[0m. 2 passed; 1 failed; 0 ignored\n";
        assert_eq!(
            libtest(out),
            Tally {
                passed: 2,
                failed: 1
            }
        );
        assert_eq!(
            node("\u{1b}[34mℹ pass 5\u{1b}[39m\n"),
            Tally {
                passed: 5,
                failed: 0
            }
        );
    }

    #[test]
    fn libtest_lines_are_summed_across_binaries_and_doctests() {
        let out = "\
running 3 tests
test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s
   Doc-tests outpost_model
test result: FAILED. 4 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.20s
test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";
        assert_eq!(
            libtest(out),
            Tally {
                passed: 7,
                failed: 2
            }
        );
    }

    #[test]
    fn a_failed_step_without_failing_tests_counts_one_failure() {
        assert_eq!(Tally::default().settle(false), Tally::FAIL);
        let counted = Tally {
            passed: 5,
            failed: 2,
        };
        assert_eq!(counted.settle(false), counted);
        assert_eq!(Tally::default().settle(true), Tally::default());
    }

    #[test]
    fn node_summary_in_tap_and_spec_forms() {
        let tap =
            "ok 1 - a\n# tests 4\n# suites 1\n# pass 3\n# fail 1\n# cancelled 0\n# skipped 0\n";
        assert_eq!(
            node(tap),
            Tally {
                passed: 3,
                failed: 1
            }
        );
        let spec = "✔ a (10ms)\nℹ tests 3\nℹ pass 2\nℹ fail 0\nℹ cancelled 1\n";
        assert_eq!(
            node(spec),
            Tally {
                passed: 2,
                failed: 1
            }
        );
        // A test's own diagnostic comment is not a summary line.
        assert_eq!(node("# pass the salt please\n"), Tally::default());
    }
}
