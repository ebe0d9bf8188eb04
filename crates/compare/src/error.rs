//! The errors of a comparison that stop it before any scorecard can be made.
//!
//! Problems that concern one candidate or one command (a command that fails or hangs, a report
//! that cannot be read) are not errors: they are recorded in the scorecard, so that a person sees
//! what could be measured.

use std::path::PathBuf;

/// Why a comparison could not be made at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    /// The repository could not be opened.
    #[error("cannot open the git repository at `{path}`")]
    OpenRepository {
        /// Where it was looked for.
        path: PathBuf,
        /// What git said.
        #[source]
        source: git2::Error,
    },
    /// A ref names no commit.
    #[error(
        "unknown {role} `{name}`: no branch, tag or commit of that name (list them with `git branch -a` and `git tag`)"
    )]
    UnknownRef {
        /// `base` or `candidate`.
        role: &'static str,
        /// The ref as given.
        name: String,
        /// What git said, when it is more than "not found".
        #[source]
        source: Option<git2::Error>,
    },
    /// A git operation failed.
    #[error("git: {operation}")]
    Git {
        /// What was being done.
        operation: String,
        /// What git said.
        #[source]
        source: git2::Error,
    },
    /// No candidate was given.
    #[error("no candidate to compare: name at least one branch, tag or commit")]
    NoCandidates,
    /// A temporary folder or file could not be made.
    #[error("cannot create a temporary folder for the worktrees")]
    TempDir(#[source] std::io::Error),
    /// The run was interrupted (the cancel flag was raised); everything was cleaned up.
    #[error("interrupted; worktrees removed")]
    Cancelled,
}
