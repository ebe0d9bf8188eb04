//! Errors of the bridge: one type per fallible area.

use std::path::PathBuf;

/// A secret rule or rules file that could not be used (see [`crate::secrets`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RedactError {
    /// The regex of a rule is not a valid regular expression.
    #[error("redaction rule `{name}`: invalid pattern `{pattern}`")]
    InvalidPattern {
        /// The rule's id.
        name: String,
        /// The pattern as given.
        pattern: String,
        /// The regex engine's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A regex of an allowlist is not a valid regular expression.
    #[error("{}: invalid allowlist pattern in `{patterns}`", rule.as_deref().map_or_else(|| "global allowlist".to_owned(), |r| format!("redaction rule `{r}`")))]
    InvalidAllowlist {
        /// The rule the allowlist belongs to (`None` for a global allowlist).
        rule: Option<String>,
        /// The allowlist's patterns, joined by ` | `.
        patterns: String,
        /// The regex engine's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A rules file is not TOML in gitleaks' rule shape.
    #[error("invalid secret rules file")]
    InvalidRules {
        /// The parser's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A rule has no id.
    #[error("a redaction rule has no id (its regex: `{regex}`)")]
    MissingId {
        /// The rule's regex.
        regex: String,
    },
    /// The `secretGroup` of a rule is not a group of its regex.
    #[error(
        "redaction rule `{name}`: secretGroup {group}, but the regex has {groups} capture groups"
    )]
    SecretGroup {
        /// The rule's id.
        name: String,
        /// The group asked for.
        group: usize,
        /// The groups the regex has.
        groups: usize,
    },
    /// The `entropy` of a rule is negative or not a number.
    #[error("redaction rule `{name}`: entropy {entropy} is not a number of bits per character")]
    InvalidEntropy {
        /// The rule's id.
        name: String,
        /// The value given.
        entropy: f64,
    },
    /// A global allowlist targets a rule that its file does not have.
    #[error("an allowlist targets `{name}`, which is not a rule of its file")]
    UnknownRule {
        /// The id targeted.
        name: String,
    },
}

/// Reading a transcript failed (input/output only: malformed lines are skipped, not errors).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The underlying reader failed.
    #[error("cannot read the transcript")]
    Io(#[from] std::io::Error),
}

/// A capture run failed. Nothing already written is changed when this is returned before the
/// writing step (a missing, unreadable or garbage transcript).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaptureError {
    /// The transcript could not be opened or read.
    #[error("cannot read transcript `{}`", path.display())]
    Transcript {
        /// The transcript's path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The transcript holds no conversation record at all (garbage or empty).
    #[error(
        "transcript `{}` holds no conversation record ({unparsable} unparsable lines)",
        path.display()
    )]
    NoRecords {
        /// The transcript's path.
        path: PathBuf,
        /// How many lines could not be parsed.
        unparsable: u64,
    },
    /// Writing a file (session, index, state, lock) failed.
    #[error("cannot write `{}`", path.display())]
    Write {
        /// The file's path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The lock could not be taken in time.
    #[error("timed out waiting for lock `{}`", path.display())]
    LockTimeout {
        /// The lock file's path.
        path: PathBuf,
    },
}
