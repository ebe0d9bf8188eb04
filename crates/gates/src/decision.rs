//! The three answers a gate engine gives.

use std::fmt;

/// What happens to a tool call.
///
/// Ordered by severity: `Allow < Ask < Deny`, so the decision of a set of matches is their
/// maximum. The enum is exhaustive on purpose: an embedder must handle every answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decision {
    /// No gate objects; the harness's normal permission flow applies.
    Allow,
    /// A person must confirm the call.
    Ask,
    /// The call is blocked.
    Deny,
}

impl Decision {
    /// The lower-case name used in hook protocols and policy files (`allow`, `ask`, `deny`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Ask => "ask",
            Decision::Deny => "deny",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
