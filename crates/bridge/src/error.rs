//! Errors of the bridge: one type per fallible area.

use std::path::PathBuf;

/// A redaction rule that could not be compiled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RedactError {
    /// The pattern of an extra rule is not a valid regular expression.
    #[error("redaction rule `{name}`: invalid pattern `{pattern}`")]
    InvalidPattern {
        /// The rule's name.
        name: String,
        /// The pattern as given.
        pattern: String,
        /// The regex engine's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
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
