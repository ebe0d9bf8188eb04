//! How a candidate is measured: the commands of the base's `evaluate:` section.
//!
//! This crate does not read YAML: the caller turns the base's policy text into an
//! [`Evaluation`] (the `metalayer` binary does it with `metalayer-policy`), through
//! [`Host::evaluation`](crate::Host::evaluation).

use std::collections::BTreeMap;
use std::time::Duration;

/// The default limit of one command, as in the policy's `evaluate.timeout_seconds`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(900);

/// The commands that measure a candidate, each run with `sh -c` in the candidate's worktree.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Evaluation {
    /// The test command: its exit status, and counts from a JUnit report when it writes one.
    pub test: Option<TestStep>,
    /// The coverage command and the report it writes.
    pub coverage: Option<CoverageStep>,
    /// The lint or type-check command.
    pub lint: Option<LintStep>,
    /// The build command and the artifacts whose size is measured.
    pub build: Option<BuildStep>,
    /// Named measurements: each command prints a number (the last one printed counts).
    pub measure: BTreeMap<String, MeasureStep>,
    /// The limit of each command; past it its whole process group is killed.
    pub timeout: Duration,
    /// What the caller noticed reading the section (an unknown key, a likely typo): shown
    /// with the scorecard's problems.
    pub notes: Vec<String>,
}

impl Default for Evaluation {
    fn default() -> Self {
        Self {
            test: None,
            coverage: None,
            lint: None,
            build: None,
            measure: BTreeMap::new(),
            timeout: DEFAULT_TIMEOUT,
            notes: Vec::new(),
        }
    }
}

impl Evaluation {
    /// Whether there is any command to run.
    pub fn has_commands(&self) -> bool {
        self.test.is_some()
            || self.coverage.is_some()
            || self.lint.is_some()
            || self.build.is_some()
            || !self.measure.is_empty()
    }

    /// Every command, in the order they run: build, test, coverage, lint, then the measures.
    pub fn commands(&self) -> impl Iterator<Item = &str> {
        self.build
            .iter()
            .map(|s| s.command.as_str())
            .chain(self.test.iter().map(|s| s.command.as_str()))
            .chain(self.coverage.iter().map(|s| s.command.as_str()))
            .chain(self.lint.iter().map(|s| s.command.as_str()))
            .chain(self.measure.values().map(|s| s.command.as_str()))
    }
}

/// The test command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TestStep {
    /// The shell command.
    pub command: String,
    /// A JUnit XML report it writes, relative to the worktree.
    pub junit: Option<String>,
}

impl TestStep {
    /// A test command without a report.
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            junit: None,
        }
    }

    /// Reads test counts from this JUnit XML file after the command.
    #[must_use]
    pub fn with_junit(mut self, path: impl Into<String>) -> Self {
        self.junit = Some(path.into());
        self
    }
}

/// The format of a coverage report.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CoverageReport {
    /// An LCOV tracefile (`lcov.info`).
    Lcov(String),
    /// A Cobertura XML report (`coverage.xml`).
    Cobertura(String),
}

/// The coverage command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CoverageStep {
    /// The shell command.
    pub command: String,
    /// The report it writes, relative to the worktree.
    pub report: CoverageReport,
}

impl CoverageStep {
    /// A coverage command and its report.
    pub fn new(command: impl Into<String>, report: CoverageReport) -> Self {
        Self {
            command: command.into(),
            report,
        }
    }
}

/// The lint command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LintStep {
    /// The shell command.
    pub command: String,
    /// A SARIF file it writes, relative to the worktree: its results are the findings.
    pub sarif: Option<String>,
}

impl LintStep {
    /// A lint command; findings are counted from its output (see [`crate::count_lint_findings`]).
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            sarif: None,
        }
    }

    /// Counts findings in this SARIF file instead of the output.
    #[must_use]
    pub fn with_sarif(mut self, path: impl Into<String>) -> Self {
        self.sarif = Some(path.into());
        self
    }
}

/// The build command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BuildStep {
    /// The shell command.
    pub command: String,
    /// Files or folders whose size (raw and gzip) is measured after the build, relative to the
    /// worktree.
    pub artifacts: Vec<String>,
}

impl BuildStep {
    /// A build command and its artifacts.
    pub fn new(command: impl Into<String>, artifacts: Vec<String>) -> Self {
        Self {
            command: command.into(),
            artifacts,
        }
    }
}

/// A named measurement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MeasureStep {
    /// The shell command; the last number it prints on standard output is the value.
    pub command: String,
    /// The unit of the value (`s`, `ms`, `KB`, `MB`, `%`, ...), to compare with a criterion's
    /// bound written in another unit.
    pub unit: Option<String>,
}

impl MeasureStep {
    /// A measurement command.
    pub fn new(command: impl Into<String>, unit: Option<String>) -> Self {
        Self {
            command: command.into(),
            unit,
        }
    }
}
