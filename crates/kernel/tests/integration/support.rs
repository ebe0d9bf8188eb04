//! Shared helpers: the gate corpus and its cases.

use std::path::{Path, PathBuf};

use metalayer_kernel::ToolCall;
use serde::Deserialize;

/// One case of a corpus file.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Case {
    #[serde(default = "default_policy")]
    pub(crate) policy: String,
    pub(crate) tool: String,
    pub(crate) command: Option<String>,
    pub(crate) file_path: Option<String>,
    pub(crate) expect: String,
    /// The autonomous profile's decision, where a data file gives it.
    #[serde(default)]
    pub(crate) autonomous: Option<String>,
}

fn default_policy() -> String {
    "default".to_owned()
}

#[derive(Debug, Deserialize)]
struct File {
    case: Vec<Case>,
}

impl Case {
    /// The tool call of the case.
    pub(crate) fn call(&self) -> ToolCall {
        let mut call = ToolCall::new(self.tool.as_str());
        if let Some(c) = &self.command {
            call.push("command", c.as_str());
        }
        if let Some(p) = &self.file_path {
            call.push("file_path", p.as_str());
        }
        call
    }

    /// The decision the case expects in `profile`: its `autonomous` one there, where given;
    /// otherwise an ask is a deny in the autonomous profile.
    pub(crate) fn expected_in(&self, profile: &str) -> &str {
        match (profile, self.autonomous.as_deref(), self.expect.as_str()) {
            ("autonomous", Some(a), _) => a,
            ("autonomous", None, "ask") => "deny",
            (_, _, e) => e,
        }
    }

    /// Whether a decision (`allow`, `ask`, `deny`) is what the case expects.
    pub(crate) fn accepts(&self, decision: &str) -> bool {
        match self.expect.as_str() {
            "block" => decision == "ask" || decision == "deny",
            other => other == decision,
        }
    }

    /// The Claude Code PreToolUse event of the case.
    pub(crate) fn event(&self, cwd: &Path) -> String {
        let mut input = serde_json::Map::new();
        if let Some(c) = &self.command {
            input.insert("command".into(), c.clone().into());
        }
        if let Some(p) = &self.file_path {
            input.insert("file_path".into(), p.clone().into());
            input.insert("content".into(), "x".into());
        }
        serde_json::json!({
            "session_id": "test-session",
            "transcript_path": "/tmp/none.jsonl",
            "cwd": cwd,
            "hook_event_name": "PreToolUse",
            "tool_name": self.tool,
            "tool_input": input,
        })
        .to_string()
    }
}

/// The folder of this crate's test data.
pub(crate) fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// The shared corpus (`shared/corpus/gates.toml` beside the checkout), or the copy kept here
/// when the checkout stands alone.
pub(crate) fn corpus() -> Vec<Case> {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/gates.toml");
    let path = if shared.exists() {
        shared
    } else {
        data_dir().join("gates-corpus.toml")
    };
    load(&path)
}

/// The variants of the default policy's categories kept in this crate.
pub(crate) fn variants() -> Vec<Case> {
    load(&data_dir().join("default_policy_variants.toml"))
}

/// Issue 12's classes: commands read the way the shell and git read them, in every profile.
pub(crate) fn command_reading() -> Vec<Case> {
    load(&data_dir().join("command_reading.toml"))
}

/// The governance-file and hook-skipping cases, decided in every profile.
pub(crate) fn governance_variants() -> Vec<Case> {
    load(&data_dir().join("governance_variants.toml"))
}

fn load(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path).unwrap();
    let file: File = toml::from_str(&text).unwrap();
    assert!(!file.case.is_empty(), "no cases in {}", path.display());
    file.case
}

/// The seed policy's text.
pub(crate) fn seed_policy() -> String {
    std::fs::read_to_string(data_dir().join("seed-policy.yaml")).unwrap()
}

pub(crate) use metalayer_test_support::git;

/// The policy of each profile `metalayer init` installs, by name: the governed one is the
/// kernel's embedded default, the other two ship with `metalayer-setup` (read here as files, so
/// that the kernel's tests need no dependency on the crate built on top of it).
pub(crate) const PROFILES: [(&str, &str); 3] = [
    (
        "baseline",
        include_str!("../../../setup/policies/baseline.yaml"),
    ),
    ("governed", metalayer_kernel::DEFAULT_POLICY_YAML),
    (
        "autonomous",
        include_str!("../../../setup/policies/autonomous.yaml"),
    ),
];
