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
    #[error("cannot capture the session")]
    Capture {
        /// The bridge's error.
        #[source]
        source: metalayer_bridge::CaptureError,
    },
    /// A redaction rule of the policy (`bridge.redact`) does not compile.
    #[error("a redaction rule of the policy (`bridge.redact`) does not compile")]
    Redaction {
        /// The detector's error, naming the rule.
        #[source]
        source: metalayer_bridge::RedactError,
    },
    /// The regression gate could not work out what a commit affects.
    #[error("regression gate: {what}")]
    Regression {
        /// What could not be done (and what to do, when the error is ours).
        what: String,
        /// The cause, when another library failed (git, the feature map, serde).
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
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

impl KernelError {
    /// This error and each of its causes, joined with `: ` (for a hook's answer or a log
    /// line, where there is no error reporter to walk the chain).
    ///
    /// ```
    /// use metalayer_kernel::KernelError;
    ///
    /// let e = KernelError::Io {
    ///     action: "cannot read",
    ///     path: "a.txt".into(),
    ///     source: std::io::Error::other("disk on fire"),
    /// };
    /// assert_eq!(e.with_causes(), "cannot read `a.txt`: disk on fire");
    /// ```
    #[must_use]
    pub fn with_causes(&self) -> String {
        let mut text = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(error) = cause {
            let part = error.to_string();
            // Variants that already show their cause (`{source}`) are not repeated.
            if !text.ends_with(&part) {
                text.push_str(": ");
                text.push_str(&part);
            }
            cause = error.source();
        }
        text
    }

    /// A regression-gate error caused by another library's error.
    pub(crate) fn regression(
        what: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        KernelError::Regression {
            what: what.into(),
            source: Some(Box::new(source)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn causes_are_kept_as_sources_and_shown_once() {
        let e =
            KernelError::regression("feature map `m.yaml`", std::io::Error::other("line 3: bad"));
        assert_eq!(e.to_string(), "regression gate: feature map `m.yaml`");
        assert_eq!(
            e.source().map(ToString::to_string).as_deref(),
            Some("line 3: bad")
        );
        assert_eq!(
            e.with_causes(),
            "regression gate: feature map `m.yaml`: line 3: bad"
        );
        let ours = KernelError::Regression {
            what: "no map".into(),
            source: None,
        };
        assert_eq!(ours.with_causes(), "regression gate: no map");
    }
}
