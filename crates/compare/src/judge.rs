//! Judging each criterion for a candidate, and ranking the candidates.
//!
//! # The score
//!
//! Candidates meeting more criteria rank first. Among candidates meeting as many, a higher
//! score ranks first, and then the ref's name (so the ranking is deterministic):
//!
//! ```text
//! score =   2 × line coverage in percent          (0 when not measured)
//!        − 10 × log2(1 + lines added + removed)   (doubling the change costs 10 points)
//!        +  5 × test files added                  (at most 4 count)
//!        −  5 × lint findings                     (at most 20 count)
//!        − 50 when the test command fails, − 25 when the build fails
//!        − 25 per file a gate denies, − 10 per file a gate asks about
//!        − 100 when the evaluation failed to run
//! ```
//!
//! A smaller change counts for more than a small difference in coverage: half the lines buys
//! as much as five points of coverage.

use crate::evaluation::Evaluation;
use crate::quantity::{Quantity, human_bytes, trim};
use crate::reports::path_matches;
use crate::scorecard::{CandidateReport, CriterionResult, Signals, Status};
use crate::ticket::{Check, Criterion};

/// What judging needs of a candidate besides its signals.
pub(crate) struct Facts<'a> {
    pub(crate) evaluation: Option<&'a Evaluation>,
    pub(crate) signals: &'a Signals,
    pub(crate) coverage: Option<&'a Result<crate::reports::Coverage, String>>,
    pub(crate) measures: &'a std::collections::BTreeMap<String, Result<f64, String>>,
    pub(crate) failure: Option<&'a str>,
}

fn result(
    c: &Criterion,
    status: Status,
    short: impl Into<String>,
    evidence: impl Into<String>,
) -> CriterionResult {
    CriterionResult {
        text: c.text.clone(),
        kind: c.check.kind(),
        status,
        evidence: evidence.into(),
        short: short.into(),
    }
}

fn run_error(f: &Facts<'_>, step: &str) -> Option<String> {
    if let Some(failure) = f.failure {
        return Some(format!("the evaluation did not run: {failure}"));
    }
    match f.signals.commands.get(step) {
        None => Some(format!("`{step}` did not run")),
        Some(r) if !r.completed() => Some(r.describe()),
        Some(_) => None,
    }
}

/// Judges one criterion.
pub(crate) fn judge(c: &Criterion, f: &Facts<'_>) -> CriterionResult {
    let s = f.signals;
    let no_eval = |what: &str| format!("not measured: the base's `evaluate:` has no `{what}`");
    match &c.check {
        Check::Manual => result(c, Status::Manual, "", "for a person to check"),
        Check::TestsPass => {
            if f.evaluation.and_then(|e| e.test.as_ref()).is_none() {
                return result(c, Status::Unverified, "", no_eval("test"));
            }
            if let Some(e) = run_error(f, "test") {
                return result(c, Status::Error, "", e);
            }
            let counts = s.tests.as_ref().and_then(|t| t.counts);
            let passed =
                s.tests.as_ref().is_some_and(|t| t.passed) && counts.is_none_or(|c| c.failed == 0);
            let detail = counts.map_or(String::new(), |n| {
                format!(
                    " ({} passed, {} failed, {} skipped)",
                    n.passed, n.failed, n.skipped
                )
            });
            let run = s
                .commands
                .get("test")
                .map(|r| r.describe())
                .unwrap_or_default();
            if passed {
                result(c, Status::Pass, "", format!("{run}{detail}"))
            } else {
                result(c, Status::Fail, "", format!("{run}{detail}"))
            }
        }
        Check::Coverage { path, min_percent } => {
            if f.evaluation.and_then(|e| e.coverage.as_ref()).is_none() {
                return result(c, Status::Unverified, "", no_eval("coverage"));
            }
            if let Some(e) = run_error(f, "coverage") {
                return result(c, Status::Error, "", e);
            }
            let coverage = match f.coverage {
                Some(Ok(cov)) => cov,
                Some(Err(e)) => return result(c, Status::Error, "", e.clone()),
                None => return result(c, Status::Unverified, "", "no coverage report"),
            };
            let (pct, scope) = match path {
                Some(p) => (
                    coverage.percent_where(|file| path_matches(file, p)),
                    format!("`{p}`"),
                ),
                None => (coverage.percent(), "the project".to_owned()),
            };
            match pct {
                None => result(
                    c,
                    Status::Unverified,
                    "",
                    format!("no line of {scope} in the coverage report"),
                ),
                Some(pct) => {
                    let status = if pct >= *min_percent {
                        Status::Pass
                    } else {
                        Status::Fail
                    };
                    result(
                        c,
                        status,
                        format!("{}%", trim(pct)),
                        format!(
                            "line coverage of {scope}: {}% (wanted ≥ {}%)",
                            trim(pct),
                            trim(*min_percent)
                        ),
                    )
                }
            }
        }
        Check::Dependencies { max_bytes, gzip } => {
            let new = &s.new_dependencies;
            if new.is_empty() {
                return result(
                    c,
                    Status::Pass,
                    "none",
                    "no new dependency in the lockfiles",
                );
            }
            let list = |deps: &[&crate::deps::NewDependency]| {
                deps.iter()
                    .map(|d| format!("{} {}", d.name, d.version))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let Some(max) = max_bytes else {
                let all: Vec<_> = new.iter().collect();
                return result(
                    c,
                    Status::Fail,
                    format!("{} new", new.len()),
                    format!("new: {}", list(&all)),
                );
            };
            let over: Vec<_> = new
                .iter()
                .filter(|d| d.bytes.is_some_and(|b| b > *max))
                .collect();
            let unknown: Vec<_> = new.iter().filter(|d| d.bytes.is_none()).collect();
            let kind = if *gzip { "compressed " } else { "" };
            if !over.is_empty() {
                result(
                    c,
                    Status::Fail,
                    format!("{} over", over.len()),
                    format!("over {}{}: {}", kind, human_bytes(*max), list(&over)),
                )
            } else if !unknown.is_empty() {
                result(
                    c,
                    Status::Unverified,
                    format!("{} unknown", unknown.len()),
                    format!(
                        "size not in a local cache, could not verify: {}",
                        list(&unknown)
                    ),
                )
            } else {
                result(
                    c,
                    Status::Pass,
                    format!("{} small", new.len()),
                    format!(
                        "every new dependency is at most {}{} (.crate files)",
                        kind,
                        human_bytes(*max)
                    ),
                )
            }
        }
        Check::Measure { name, bound } => {
            let step = format!("measure.{name}");
            if let Some(e) = run_error(f, &step) {
                return result(c, Status::Error, "", e);
            }
            let unit = f
                .evaluation
                .and_then(|e| e.measure.get(name))
                .and_then(|m| m.unit.clone());
            let value = match f.measures.get(name) {
                Some(Ok(v)) => *v,
                Some(Err(e)) => return result(c, Status::Error, "", e.clone()),
                None => {
                    return result(
                        c,
                        Status::Unverified,
                        "",
                        format!("`{name}` was not measured"),
                    );
                }
            };
            let shown = format!("{} {}", trim(value), unit.as_deref().unwrap_or(""))
                .trim()
                .to_owned();
            match bound.value.in_unit(unit.as_deref()) {
                None => result(
                    c,
                    Status::Unverified,
                    shown.clone(),
                    format!(
                        "`{name}` is in `{}`, which cannot be compared with {bound}",
                        unit.unwrap_or_default()
                    ),
                ),
                Some(limit) => {
                    let status = if bound.comparison.holds(value, limit) {
                        Status::Pass
                    } else {
                        Status::Fail
                    };
                    result(
                        c,
                        status,
                        shown.clone(),
                        format!("`{name}` = {shown} (wanted {bound})"),
                    )
                }
            }
        }
        Check::BuildSize { bound, gzip, delta } => {
            if f.evaluation.and_then(|e| e.build.as_ref()).is_none() {
                return result(c, Status::Unverified, "", no_eval("build"));
            }
            if let Some(e) = run_error(f, "build") {
                return result(c, Status::Error, "", e);
            }
            if s.artifacts.is_empty() {
                return result(
                    c,
                    Status::Unverified,
                    "",
                    "no `evaluate.build.artifacts` to measure",
                );
            }
            let pick = |a: &crate::scorecard::ArtifactSize| -> Option<i128> {
                match (*delta, *gzip) {
                    (false, false) => a.bytes.map(i128::from),
                    (false, true) => a.gzip_bytes.map(i128::from),
                    (true, false) => a.delta_bytes.map(i128::from),
                    (true, true) => a.delta_gzip_bytes.map(i128::from),
                }
            };
            let values: Option<Vec<i128>> = s.artifacts.iter().map(pick).collect();
            let Some(values) = values else {
                let missing: Vec<&str> = s
                    .artifacts
                    .iter()
                    .filter(|a| pick(a).is_none())
                    .map(|a| a.path.as_str())
                    .collect();
                return result(
                    c,
                    Status::Unverified,
                    "",
                    format!(
                        "not measured (missing here or on the base): {}",
                        missing.join(", ")
                    ),
                );
            };
            let total: i128 = values.iter().sum();
            let Quantity::Bytes(limit) = bound.value else {
                return result(c, Status::Unverified, "", format!("{bound} is not a size"));
            };
            #[expect(clippy::cast_precision_loss, reason = "sizes compared as numbers")]
            let holds = bound.comparison.holds(total as f64, limit as f64);
            let shown = if total < 0 {
                format!("−{}", human_bytes(u64::try_from(-total).unwrap_or(0)))
            } else {
                format!(
                    "{}{}",
                    if *delta { "+" } else { "" },
                    human_bytes(u64::try_from(total).unwrap_or(0))
                )
            };
            let what = match (*delta, *gzip) {
                (false, false) => "artifact size",
                (false, true) => "compressed artifact size",
                (true, false) => "artifact growth",
                (true, true) => "compressed artifact growth",
            };
            let status = if holds { Status::Pass } else { Status::Fail };
            result(
                c,
                status,
                shown.clone(),
                format!("{what}: {shown} (wanted {bound})"),
            )
        }
        Check::LintClean => {
            if f.evaluation.and_then(|e| e.lint.as_ref()).is_none() {
                return result(c, Status::Unverified, "", no_eval("lint"));
            }
            if let Some(e) = run_error(f, "lint") {
                return result(c, Status::Error, "", e);
            }
            let ok = s
                .commands
                .get("lint")
                .is_some_and(crate::run::CommandRun::succeeded);
            match s.lint_findings {
                Some(0) if ok => result(c, Status::Pass, "0", "no finding"),
                Some(n) => result(c, Status::Fail, n.to_string(), format!("{n} findings")),
                None => {
                    let run = s
                        .commands
                        .get("lint")
                        .map(|r| r.describe())
                        .unwrap_or_default();
                    result(c, if ok { Status::Pass } else { Status::Fail }, "", run)
                }
            }
        }
        Check::BuildSucceeds => {
            if f.evaluation.and_then(|e| e.build.as_ref()).is_none() {
                return result(c, Status::Unverified, "", no_eval("build"));
            }
            if let Some(e) = run_error(f, "build") {
                return result(c, Status::Error, "", e);
            }
            let run = s.commands.get("build");
            let ok = run.is_some_and(crate::run::CommandRun::succeeded);
            let text = run.map(|r| r.describe()).unwrap_or_default();
            result(c, if ok { Status::Pass } else { Status::Fail }, "", text)
        }
    }
}

/// The tie-breaking score and its parts, for the reasons.
pub(crate) fn score(s: &Signals, failed: bool) -> (f64, Vec<String>) {
    let mut parts = Vec::new();
    let mut total = 0.0;
    let mut add = |points: f64, why: String| {
        total += points;
        parts.push(format!(
            "{why} ({}{})",
            if points >= 0.0 { "+" } else { "−" },
            trim(points.abs())
        ));
    };
    if let Some(c) = s.coverage_percent {
        add(2.0 * c, format!("coverage {}%", trim(c)));
    }
    let lines = s.lines_added + s.lines_removed;
    #[expect(clippy::cast_precision_loss, reason = "a score")]
    add(
        -10.0 * libm::log2(1.0 + lines as f64),
        counted(lines, "line changed", "lines changed"),
    );
    let tests = s.test_files_added.len().min(4);
    if tests > 0 {
        #[expect(clippy::cast_precision_loss, reason = "a score")]
        add(
            5.0 * tests as f64,
            counted(tests, "test file added", "test files added"),
        );
    }
    if let Some(n) = s.lint_findings
        && n > 0
    {
        #[expect(clippy::cast_precision_loss, reason = "a score")]
        add(
            -5.0 * n.min(20) as f64,
            counted(n, "lint finding", "lint findings"),
        );
    }
    if s.tests.as_ref().is_some_and(|t| !t.passed) {
        add(-50.0, "tests fail".to_owned());
    }
    if s.build_succeeded == Some(false) {
        add(-25.0, "build fails".to_owned());
    }
    let denied = s
        .gate_findings
        .iter()
        .filter(|g| g.decision == "deny")
        .count();
    let asked = s.gate_findings.len() - denied;
    if denied > 0 {
        #[expect(clippy::cast_precision_loss, reason = "a score")]
        add(
            -25.0 * denied as f64,
            counted(denied, "file a gate denies", "files a gate denies"),
        );
    }
    if asked > 0 {
        #[expect(clippy::cast_precision_loss, reason = "a score")]
        add(
            -10.0 * asked as f64,
            counted(asked, "file a gate asks about", "files a gate asks about"),
        );
    }
    if failed {
        add(-100.0, "evaluation failed".to_owned());
    }
    // Rounded so that the ranking does not hang on the last bits of a float.
    ((total * 100.0).round() / 100.0, parts)
}

/// Sorts the candidates best first, sets their ranks and writes their reasons.
pub(crate) fn rank(candidates: &mut [CandidateReport]) {
    candidates.sort_by(|a, b| {
        b.criteria_met
            .cmp(&a.criteria_met)
            .then(b.score.total_cmp(&a.score))
            .then_with(|| a.name.cmp(&b.name))
    });
    let snapshot: Vec<(String, usize, f64)> = candidates
        .iter()
        .map(|c| (c.name.clone(), c.criteria_met, c.score))
        .collect();
    for (i, c) in candidates.iter_mut().enumerate() {
        c.rank = i + 1;
        let total = c.criteria.len();
        let manual = c
            .criteria
            .iter()
            .filter(|r| r.status == Status::Manual)
            .count();
        let mut first = format!(
            "meets {} of {total} {}",
            c.criteria_met,
            if total == 1 { "criterion" } else { "criteria" }
        );
        if manual > 0 {
            first.push_str(&format!(" ({manual} manual, for a person)"));
        }
        let mut reasons = vec![first];
        let neighbour = |j: Option<usize>| j.and_then(|j| snapshot.get(j));
        if let Some((name, met, score)) = neighbour(i.checked_sub(1)) {
            if *met > c.criteria_met {
                reasons.push(format!("below `{name}`, which meets {met}"));
            } else if (*score - c.score).abs() < f64::EPSILON {
                reasons.push(format!(
                    "ties with `{name}` on criteria and score; ordered by name"
                ));
            } else {
                reasons.push(format!(
                    "as many criteria as `{name}`, lower score ({} < {})",
                    trim(c.score),
                    trim(*score)
                ));
            }
        }
        if let Some((name, met, score)) = neighbour(Some(i + 1)) {
            if *met < c.criteria_met {
                reasons.push(format!("above `{name}`, which meets {met}"));
            } else if *score < c.score {
                reasons.push(format!(
                    "as many criteria as `{name}`, higher score ({} > {})",
                    trim(c.score),
                    trim(*score)
                ));
            }
        }
        reasons.append(&mut c.reasons);
        if c.evaluation_failed {
            reasons
                .push("its evaluation failed to run; ranked on what could be measured".to_owned());
        }
        c.reasons = reasons;
    }
}

/// `n` and the words for it: `1 line changed`, `3 lines changed`.
fn counted(n: impl TryInto<u64>, one: &str, many: &str) -> String {
    let n: u64 = n.try_into().unwrap_or(u64::MAX);
    format!("{n} {}", if n == 1 { one } else { many })
}
