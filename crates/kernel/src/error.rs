//! Errors of the kernel.

use std::path::PathBuf;

/// Why the kernel could not be set up or could not decide.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KernelError {
    /// The policy file could not be read or is invalid.
    #[error("policy `{path}` cannot be used: {summary}")]
    Policy {
        /// The policy file (or `<embedded default>`).
        path: PathBuf,
        /// A one-paragraph summary naming each problem with its line (and gate, if any).
        summary: String,
        /// The policy crate's error, with every diagnostic.
        #[source]
        source: metalayer_policy::PolicyError,
    },
    /// The policy's gates could not be compiled.
    #[error("policy `{path}`: {source}")]
    Gates {
        /// The policy file (or `<embedded default>`).
        path: PathBuf,
        /// The gate engine's error, naming the gate.
        #[source]
        source: metalayer_gates::BuildError,
    },
    /// A session could not be captured.
    #[error("{message}")]
    Capture {
        /// What went wrong, with its causes.
        message: String,
    },
    /// The regression gate could not work out what a commit affects.
    #[error("regression gate: {0}")]
    Regression(String),
    /// A hook event could not be understood.
    #[error("{0}")]
    Event(String),
    /// Reading or writing a file failed.
    #[error("{action} `{path}`: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// `metalayer init` cannot install into the repository (not a git work tree, a settings
    /// file that is not valid JSON, ...). Nothing was written.
    #[error("init: {message}")]
    Init {
        /// The file or folder concerned.
        path: PathBuf,
        /// What is wrong and what to do, naming the file (and line, for JSON errors).
        message: String,
    },
    /// `metalayer distill` found no session record and no ledger line to read.
    #[error(
        "no session records in `{}`{} and no decision ledger: sessions are recorded by the Stop hook that `metalayer init` wires (Claude Code; `metalayer capture --transcript FILE` captures any harness's transcript by hand), and the ledger by the PreToolUse hook",
        folder.display(),
        if *since { " for that period" } else { "" }
    )]
    NoSessions {
        /// The folder of session records looked in.
        folder: PathBuf,
        /// Whether `--since` left out older ones.
        since: bool,
    },
}
