//! The error type of loading a policy.

use std::path::PathBuf;

use crate::diagnostic::Report;

/// Why a policy could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file could not be read.
    #[error("cannot read policy `{}`", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than [`crate::MAX_POLICY_BYTES`]; it was not parsed.
    #[error("policy `{name}` is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// The file name.
        name: String,
        /// Its size in bytes.
        size: u64,
        /// The limit.
        limit: usize,
    },
    /// The file is not valid UTF-8 text.
    #[error("policy `{name}` is not UTF-8 text")]
    NotUtf8 {
        /// The file name.
        name: String,
    },
    /// The policy has errors; the report lists every one (and the warnings).
    #[error(transparent)]
    Invalid(Report),
    /// A policy could not be written as YAML.
    #[error("cannot write the policy as YAML: {message}")]
    Emit {
        /// What went wrong.
        message: String,
    },
}

impl PolicyError {
    /// The report of an invalid policy.
    pub fn report(&self) -> Option<&Report> {
        match self {
            PolicyError::Invalid(report) => Some(report),
            _ => None,
        }
    }
}
