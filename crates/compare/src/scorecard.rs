//! The result of a comparison: every candidate with its rank, criteria and signals.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::deps::NewDependency;
use crate::reports::TestCounts;
use crate::run::CommandRun;

/// The scorecard of a comparison; [`Scorecard::to_markdown`] and `serde_json` render it.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    /// The base the candidates are measured against.
    pub base: RefInfo,
    /// The ref ranked first.
    pub winner: Option<String>,
    /// The ticket's title, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// What could not be measured, and why (a base without `evaluate:`, an unknown ref, ...).
    pub problems: Vec<String>,
    /// The base's own measurements, which the deltas are against.
    pub base_signals: Signals,
    /// The candidates, best first.
    pub candidates: Vec<CandidateReport>,
}

/// A ref and the commit it named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefInfo {
    /// The ref as given.
    #[serde(rename = "ref")]
    pub name: String,
    /// The commit id.
    pub commit: String,
}

/// One candidate's result.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateReport {
    /// The ref as given.
    #[serde(rename = "ref")]
    pub name: String,
    /// The commit id.
    pub commit: String,
    /// 1 for the best.
    pub rank: usize,
    /// Criteria met.
    pub criteria_met: usize,
    /// The tie-breaking score (see the crate docs).
    pub score: f64,
    /// Why it ranks where it does.
    pub reasons: Vec<String>,
    /// Whether its evaluation failed to run (a command that could not start, hung, or was
    /// interrupted); it is ranked all the same.
    pub evaluation_failed: bool,
    /// Each criterion of the ticket, in the ticket's order.
    pub criteria: Vec<CriterionResult>,
    /// What was measured.
    pub signals: Signals,
}

/// The status of one criterion for one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Met.
    Pass,
    /// Not met.
    Fail,
    /// For a person to check.
    Manual,
    /// Could not be checked: the measurement is not configured or its data is missing.
    Unverified,
    /// The measurement failed to run.
    Error,
}

impl Status {
    /// The word used in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Manual => "manual",
            Self::Unverified => "unverified",
            Self::Error => "error",
        }
    }
}

/// One criterion judged for one candidate.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionResult {
    /// The criterion's text.
    pub text: String,
    /// Its kind (`tests`, `coverage`, `dependencies`, `measure`, `build_size`, `lint`, `build`,
    /// `manual`).
    pub kind: &'static str,
    /// The verdict.
    pub status: Status,
    /// What the verdict rests on.
    pub evidence: String,
    /// A short value for the table (`84.2%`, `1.3 s`).
    #[serde(skip)]
    pub short: String,
}

/// A finding of the caller's gates about a changed file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// The file.
    pub path: String,
    /// The gate's id.
    pub gate: String,
    /// `deny` or `ask`.
    pub decision: String,
    /// The gate's rule.
    pub message: String,
}

/// Test results.
#[derive(Debug, Clone, Serialize)]
pub struct TestSignal {
    /// Whether the test command exited with status 0 and its JUnit report, when there is
    /// one, lists no failure.
    pub passed: bool,
    /// Counts from the JUnit report, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<TestCounts>,
}

/// The size of one artifact.
#[derive(Debug, Clone, Serialize)]
pub struct ArtifactSize {
    /// The artifact, as configured.
    pub path: String,
    /// Its size in bytes (the sum of its files for a folder); `None` when missing.
    pub bytes: Option<u64>,
    /// Its gzip-compressed size (each file compressed on its own).
    pub gzip_bytes: Option<u64>,
    /// Against the base.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta_bytes: Option<i64>,
    /// Against the base, compressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta_gzip_bytes: Option<i64>,
}

/// The quality signals of one ref.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Signals {
    /// Files changed against the merge base with the base.
    pub files_changed: usize,
    /// Lines added.
    pub lines_added: usize,
    /// Lines removed.
    pub lines_removed: usize,
    /// Test files the change adds.
    pub test_files_added: Vec<String>,
    /// The test command's result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tests: Option<TestSignal>,
    /// Line coverage in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage_percent: Option<f64>,
    /// Against the base, in percentage points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage_delta: Option<f64>,
    /// Lint findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lint_findings: Option<u64>,
    /// Against the base.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lint_delta: Option<i64>,
    /// Whether the build command succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_succeeded: Option<bool>,
    /// Artifact sizes.
    pub artifacts: Vec<ArtifactSize>,
    /// Named measurements.
    pub measures: BTreeMap<String, f64>,
    /// Dependencies the change adds to its lockfiles.
    pub new_dependencies: Vec<NewDependency>,
    /// Features of the regression map the change touches.
    pub features: Vec<String>,
    /// What the gates say about the change.
    pub gate_findings: Vec<Finding>,
    /// Files the evaluation's commands run or read that this candidate changed or deleted:
    /// its commands ran with the base's version of them, since a candidate must not change
    /// how it is judged (test files are not among them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kept_from_base: Vec<String>,
    /// Every command run, by step (`build`, `test`, `coverage`, `lint`, `measure.NAME`).
    pub commands: BTreeMap<String, CommandRun>,
    /// Problems of this ref's evaluation (a report that cannot be read, ...).
    pub problems: Vec<String>,
}
