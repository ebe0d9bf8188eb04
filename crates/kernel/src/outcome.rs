//! What a hook process knows of its context ([`HookEnv`]) and what it answers
//! ([`HookOutcome`]).

use std::path::{Path, PathBuf};

use metalayer_gates::Decision;
use serde_json::json;

use crate::harness::Harness;

/// The process context of a hook: where the harness says the project is, and where the hook
/// runs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HookEnv {
    /// `CLAUDE_PROJECT_DIR`, when set and not empty.
    pub project_dir: Option<PathBuf>,
    /// The hook process's working directory.
    pub cwd: PathBuf,
    /// The harness whose protocol the event speaks, when known (`metalayer hook --harness`);
    /// `None`: told from the event ([`Harness::detect`]).
    pub harness: Option<Harness>,
}

impl HookEnv {
    /// Reads the context of the current process.
    #[must_use]
    pub fn from_process() -> Self {
        let project_dir = std::env::var_os("CLAUDE_PROJECT_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        Self {
            project_dir,
            cwd,
            harness: None,
        }
    }

    /// A context with an explicit project folder and working directory.
    #[must_use]
    pub fn new(project_dir: Option<PathBuf>, cwd: PathBuf) -> Self {
        Self {
            project_dir,
            cwd,
            harness: None,
        }
    }

    /// The same context for events of `harness` (answered in its protocol, failing closed in
    /// its own blocking form).
    #[must_use]
    pub fn with_harness(mut self, harness: Harness) -> Self {
        self.harness = Some(harness);
        self
    }

    /// Where to look for the repository: the project folder, else the event's `cwd`, else the
    /// process's.
    pub(crate) fn start<'a>(&'a self, event_cwd: Option<&'a Path>) -> &'a Path {
        self.project_dir
            .as_deref()
            .or(event_cwd)
            .unwrap_or(&self.cwd)
    }
}

/// What a hook process prints and how it exits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct HookOutcome {
    /// Standard output (empty for "no decision").
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The exit code.
    pub exit_code: i32,
}

impl HookOutcome {
    /// A failure that must not block: exit 0, nothing on stdout, `message` on stderr.
    #[must_use]
    pub fn quiet_failure(message: impl Into<String>) -> Self {
        let mut stderr = message.into();
        if !stderr.ends_with('\n') {
            stderr.push('\n');
        }
        Self {
            stdout: String::new(),
            stderr,
            exit_code: 0,
        }
    }

    /// A blocking failure in Claude Code's protocol: exit 2 with `reason` on stderr.
    #[must_use]
    pub fn blocked(reason: impl Into<String>) -> Self {
        let mut stderr = reason.into();
        if !stderr.ends_with('\n') {
            stderr.push('\n');
        }
        Self {
            stdout: String::new(),
            stderr,
            exit_code: 2,
        }
    }
}

/// Claude Code's PreToolUse answer for a decision: the `hookSpecificOutput` JSON for deny and
/// ask, nothing for allow (an explicit allow would skip the user's permission prompt).
#[must_use]
pub fn claude_output(decision: Decision, reason: &str) -> String {
    match decision {
        Decision::Allow => String::new(),
        Decision::Ask | Decision::Deny => {
            let value = json!({
                "hookSpecificOutput": {
                    "hookEventName": "PreToolUse",
                    "permissionDecision": decision.as_str(),
                    "permissionDecisionReason": reason,
                }
            });
            format!("{value}\n")
        }
    }
}
