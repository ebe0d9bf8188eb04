//! What `metalayer audit` found: sections of checks, setpoints, and the blocking failures.

use std::path::PathBuf;

use metalayer_policy::{SetpointId, Severity, Target};
use serde::Serialize;

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CheckStatus {
    /// As it should be.
    Ok,
    /// A file or setting is absent.
    Missing,
    /// A file is present but cannot be used (does not parse, is not valid).
    Invalid,
    /// Worth attention, never blocking (a stale schema, an absent output folder, …).
    Warning,
    /// A file is fine, but what it sets up does not work: a hook command that does not run
    /// metalayer, a hook the harness will not run (untrusted). Blocking.
    Alert,
}

impl CheckStatus {
    /// The tag of the human form: `[ok]`, `[missing]`, `[invalid]`, `[warning]`, `[alert]`.
    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            CheckStatus::Ok => "[ok]",
            CheckStatus::Missing => "[missing]",
            CheckStatus::Invalid => "[invalid]",
            CheckStatus::Warning => "[warning]",
            CheckStatus::Alert => "[alert]",
        }
    }
}

/// One line of a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AuditCheck {
    /// The outcome.
    pub status: CheckStatus,
    /// What was checked, usually a path relative to the repository root.
    pub subject: String,
    /// What was found, in words (may be empty).
    pub detail: String,
    /// Whether a status other than [`CheckStatus::Ok`] fails the audit.
    pub blocking: bool,
}

impl AuditCheck {
    /// A check that passed.
    pub(crate) fn ok(subject: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(CheckStatus::Ok, subject, detail, false)
    }

    /// A non-blocking warning.
    pub(crate) fn warning(subject: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(CheckStatus::Warning, subject, detail, false)
    }

    /// A blocking absence.
    pub(crate) fn missing(subject: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(CheckStatus::Missing, subject, detail, true)
    }

    /// A blocking unusable file.
    pub(crate) fn invalid(subject: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(CheckStatus::Invalid, subject, detail, true)
    }

    /// A blocking alert: what a file sets up does not work.
    pub(crate) fn alert(subject: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(CheckStatus::Alert, subject, detail, true)
    }

    fn new(
        status: CheckStatus,
        subject: impl Into<String>,
        detail: impl Into<String>,
        blocking: bool,
    ) -> Self {
        Self {
            status,
            subject: subject.into(),
            detail: detail.into(),
            blocking,
        }
    }

    /// Whether this check fails the audit.
    #[must_use]
    pub fn fails(&self) -> bool {
        self.blocking && self.status != CheckStatus::Ok
    }

    /// The failure in words, as listed in [`AuditReport::failures`].
    #[must_use]
    pub fn describe(&self) -> String {
        match (self.status, self.detail.is_empty()) {
            (CheckStatus::Missing, true) => format!("{} is missing", self.subject),
            (CheckStatus::Invalid, true) => format!("{} is invalid", self.subject),
            (_, true) => self.subject.clone(),
            (CheckStatus::Missing, false) => {
                format!("{} is missing ({})", self.subject, self.detail)
            }
            (_, false) => format!("{}: {}", self.subject, self.detail),
        }
    }
}

/// A numbered section of the audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AuditSection {
    /// Its title (`Policy`, `Governance docs`, …).
    pub name: String,
    /// Its checks, in order.
    pub checks: Vec<AuditCheck>,
}

/// The outcome of measuring one setpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SetpointStatus {
    /// Measured, within its alert bounds.
    Ok,
    /// Measured, outside an alert bound (below `alert_below` or above `alert_above`).
    Alert,
    /// Not measured: free text, a kind metalayer cannot run, or nothing to measure yet.
    Unmeasured,
    /// The measurement was attempted and failed (a command exited non-zero, timed out or
    /// printed no number). A blocking setpoint in error fails the audit (fail closed).
    Error,
}

impl SetpointStatus {
    /// The tag of the human form: `[ok]`, `[alert]`, `[unmeasured]`, `[error]`.
    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            SetpointStatus::Ok => "[ok]",
            SetpointStatus::Alert => "[alert]",
            SetpointStatus::Unmeasured => "[unmeasured]",
            SetpointStatus::Error => "[error]",
        }
    }
}

/// One setpoint of the policy, measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SetpointReport {
    /// The setpoint's id (`S11`).
    pub id: SetpointId,
    /// Its name (`governance_files_present`).
    pub name: String,
    /// The measured value, when there is one.
    pub value: Option<f64>,
    /// The outcome.
    pub status: SetpointStatus,
    /// The target, as the policy says.
    pub target: Option<Target>,
    /// Alert below this value.
    pub alert_below: Option<f64>,
    /// Alert above this value.
    pub alert_above: Option<f64>,
    /// What an alert means.
    pub severity: Severity,
    /// How it was measured, in words (`builtin hooks_wired`, `command \`echo 1\``,
    /// `free text "…"`, `none`).
    pub measurement: String,
    /// What was found (missing files, wired hooks, why it could not be measured, …).
    pub detail: String,
}

impl SetpointReport {
    /// Whether this setpoint fails the audit: blocking and in alert or in error.
    #[must_use]
    pub fn fails(&self) -> bool {
        self.severity == Severity::Blocking
            && matches!(self.status, SetpointStatus::Alert | SetpointStatus::Error)
    }

    /// Whether this setpoint is a warning: not blocking and in alert or in error.
    #[must_use]
    pub fn warns(&self) -> bool {
        self.severity != Severity::Blocking
            && matches!(self.status, SetpointStatus::Alert | SetpointStatus::Error)
    }

    /// `S11 governance_files_present = 4 (alert below 5)` or `S9 x could not be measured: …`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self.value {
            Some(value) if self.status != SetpointStatus::Error => {
                let mut bounds = Vec::new();
                if let Some(b) = self.alert_below {
                    bounds.push(format!("alert below {b}"));
                }
                if let Some(a) = self.alert_above {
                    bounds.push(format!("alert above {a}"));
                }
                if bounds.is_empty() {
                    format!("{} {} = {value}", self.id, self.name)
                } else {
                    format!(
                        "{} {} = {value} ({})",
                        self.id,
                        self.name,
                        bounds.join("; ")
                    )
                }
            }
            _ => format!(
                "{} {} could not be measured: {}",
                self.id, self.name, self.detail
            ),
        }
    }
}

/// Which policy the audit read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PolicySummary {
    /// The policy file, or `<embedded default policy>` when the repository has none.
    pub path: String,
    /// Whether the file loaded (the embedded default always does).
    pub valid: bool,
    /// The profile (`governed`, …), when the policy names one.
    pub profile: Option<String>,
    /// How many gates are enforced (have a pattern).
    pub gates: usize,
    /// Whether the setpoints and settings audited are the embedded default's (no policy file,
    /// or an invalid one).
    pub embedded_default: bool,
}

/// Everything `metalayer audit` found. Serialises to the JSON of `metalayer audit --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AuditReport {
    /// Whether nothing blocking failed.
    pub ok: bool,
    /// The repository root audited.
    pub root: PathBuf,
    /// The policy read.
    pub policy: PolicySummary,
    /// The sections, in order: Policy, Governance docs, Schemas, Hooks, Regression gate,
    /// Bridge, Ledger.
    pub sections: Vec<AuditSection>,
    /// Every setpoint of the policy, measured, in the policy's order.
    pub setpoints: Vec<SetpointReport>,
    /// Every blocking failure, in words.
    pub failures: Vec<String>,
    /// Every non-blocking warning, in words.
    pub warnings: Vec<String>,
}

impl AuditReport {
    /// Assembles a report and works out `ok`, `failures` and `warnings`.
    pub(crate) fn assemble(
        root: PathBuf,
        policy: PolicySummary,
        sections: Vec<AuditSection>,
        setpoints: Vec<SetpointReport>,
    ) -> Self {
        let mut failures = Vec::new();
        let mut warnings = Vec::new();
        for check in sections.iter().flat_map(|s| &s.checks) {
            if check.fails() {
                failures.push(check.describe());
            } else if check.status != CheckStatus::Ok {
                warnings.push(check.describe());
            }
        }
        for setpoint in &setpoints {
            if setpoint.fails() {
                failures.push(setpoint.describe());
            } else if setpoint.warns() {
                warnings.push(setpoint.describe());
            }
        }
        Self {
            ok: failures.is_empty(),
            root,
            policy,
            sections,
            setpoints,
            failures,
            warnings,
        }
    }

    /// How many setpoints were not measured.
    #[must_use]
    pub fn unmeasured(&self) -> usize {
        self.setpoints
            .iter()
            .filter(|s| s.status == SetpointStatus::Unmeasured)
            .count()
    }

    /// The report as a JSON value (`metalayer audit --json` prints the report itself, with
    /// the same content and the keys in field order; a `Value` sorts them).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}
