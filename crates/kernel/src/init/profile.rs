//! The three profiles `metalayer init` installs, each a policy file.

use std::fmt;
use std::str::FromStr;

use crate::error::KernelError;
use crate::layout::HookKind;

/// The baseline profile's policy.
pub const BASELINE_POLICY_YAML: &str = include_str!("../../policies/baseline.yaml");
/// The autonomous profile's policy.
pub const AUTONOMOUS_POLICY_YAML: &str = include_str!("../../policies/autonomous.yaml");

/// How much of metalayer `init` installs.
///
/// | profile | gates | regression gate | bridge (Stop hook) | git pre-commit hook |
/// |---|---|---|---|---|
/// | baseline | yes | no | no | no |
/// | governed | yes | yes (ask on `git commit`) | yes | no |
/// | autonomous | yes, stricter | yes, 300 s stamps | yes | yes |
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// Gates only: the PreToolUse hook, no regression gate, no session capture.
    Baseline,
    /// Gates, the regression gate, the bridge and the setpoints: the embedded default policy.
    #[default]
    Governed,
    /// Governed, stricter for unattended agents (more denials, shorter stamps), plus the git
    /// pre-commit hook.
    Autonomous,
}

impl Profile {
    /// Every profile, from the lightest.
    pub const ALL: [Profile; 3] = [Profile::Baseline, Profile::Governed, Profile::Autonomous];

    /// The lower-case name (`baseline`, `governed`, `autonomous`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Profile::Baseline => "baseline",
            Profile::Governed => "governed",
            Profile::Autonomous => "autonomous",
        }
    }

    /// One sentence on what the profile installs.
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Profile::Baseline => {
                "gates only: every tool call is checked before it runs; no regression gate, no session capture"
            }
            Profile::Governed => {
                "gates, the regression gate before commits, session capture into docs/conversations, setpoints"
            }
            Profile::Autonomous => {
                "governed, stricter for unattended agents (more denials, 300 s stamps), plus the git pre-commit hook"
            }
        }
    }

    /// The profile's policy file, as `init` writes it to `.control/policy.yaml` (below the
    /// generated-file marker line).
    #[must_use]
    pub fn policy_yaml(self) -> &'static str {
        match self {
            Profile::Baseline => BASELINE_POLICY_YAML,
            Profile::Governed => crate::kernel::DEFAULT_POLICY_YAML,
            Profile::Autonomous => AUTONOMOUS_POLICY_YAML,
        }
    }

    /// Whether the profile writes the example feature map and keeps the regression gate.
    #[must_use]
    pub fn regression_gate(self) -> bool {
        self != Profile::Baseline
    }

    /// Whether the profile wires the Stop hook (session capture).
    #[must_use]
    pub fn session_capture(self) -> bool {
        self != Profile::Baseline
    }

    /// Whether the profile installs `.git/hooks/pre-commit`.
    #[must_use]
    pub fn git_hook(self) -> bool {
        self == Profile::Autonomous
    }

    /// The hooks the profile wires with Claude Code (what its `hooks_wired` setpoint counts).
    #[must_use]
    pub fn hook_kinds(self) -> Vec<HookKind> {
        let mut kinds = vec![HookKind::ShellGate, HookKind::FileGate];
        if self.session_capture() {
            kinds.push(HookKind::SessionCapture);
        }
        if self.git_hook() {
            kinds.push(HookKind::PreCommit);
        }
        kinds
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Profile {
    type Err = KernelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| KernelError::Init {
                path: std::path::PathBuf::new(),
                message: format!(
                    "unknown profile `{s}`: expected baseline, governed or autonomous"
                ),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for p in Profile::ALL {
            assert_eq!(p.name().parse::<Profile>().unwrap(), p);
            assert_eq!(p.to_string(), p.name());
        }
        assert_eq!("Governed".parse::<Profile>().unwrap(), Profile::Governed);
        let err = "strict".parse::<Profile>().unwrap_err().to_string();
        assert!(err.contains("unknown profile `strict`"), "{err}");
        assert_eq!(Profile::default(), Profile::Governed);
    }

    #[test]
    fn hook_kinds_grow_with_the_profile() {
        assert_eq!(Profile::Baseline.hook_kinds().len(), 2);
        assert_eq!(Profile::Governed.hook_kinds().len(), 3);
        assert_eq!(Profile::Autonomous.hook_kinds().len(), 4);
        assert!(
            Profile::Autonomous
                .hook_kinds()
                .contains(&HookKind::PreCommit)
        );
    }
}
