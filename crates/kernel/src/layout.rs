//! What a governed repository holds and where: the one list that `init` writes from and `audit`
//! checks against, so the two can never disagree.

use std::path::{Path, PathBuf};

use crate::harness::Harness;

/// The policy file, relative to the repository root.
pub const POLICY_FILE: &str = ".control/policy.yaml";
/// The example feature map `init` writes for the regression gate (the governed policy's
/// `regression.map`).
pub const REGRESSION_MAP_FILE: &str = ".control/regression-map.yaml";
/// The plain-words description of the repository's control loop.
pub const METALAYER_DOC: &str = "METALAYER.md";
/// The instructions file most agent harnesses read.
pub const AGENTS_DOC: &str = "AGENTS.md";
/// Claude Code's instructions file.
pub const CLAUDE_DOC: &str = "CLAUDE.md";
/// The folder of JSON Schemas of metalayer's file formats.
pub const SCHEMAS_DIR: &str = "schemas";

/// A file format whose JSON Schema `init` writes under [`SCHEMAS_DIR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaKind {
    /// `.control/policy.yaml`.
    Policy,
    /// The regression gate's feature map.
    FeatureMap,
    /// One line of the decision ledger.
    DecisionRecord,
}

impl SchemaKind {
    /// Every schema `init` writes.
    pub const ALL: [SchemaKind; 3] = [
        SchemaKind::Policy,
        SchemaKind::FeatureMap,
        SchemaKind::DecisionRecord,
    ];

    /// The schema's path relative to the repository root.
    #[must_use]
    pub fn path(self) -> &'static str {
        match self {
            SchemaKind::Policy => "schemas/policy.schema.json",
            SchemaKind::FeatureMap => "schemas/feature-map.schema.json",
            SchemaKind::DecisionRecord => "schemas/decision-record.schema.json",
        }
    }

    /// The schema, generated from the Rust types, as pretty JSON with a final newline.
    #[must_use]
    pub fn render(self) -> String {
        let value = match self {
            SchemaKind::Policy => return with_newline(metalayer_policy::schema_json()),
            SchemaKind::FeatureMap => metalayer_regression_map::schema(),
            SchemaKind::DecisionRecord => crate::ledger::decision_record_schema(),
        };
        with_newline(serde_json::to_string_pretty(&value).unwrap_or_default())
    }
}

fn with_newline(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The governance files the `governance_files_present` setpoint counts (the original's S11:
/// `CLAUDE.md + AGENTS.md + METALAYER.md + .control/policy.yaml + schemas/`). `schemas/` counts
/// when every schema of [`SchemaKind::ALL`] is in it.
pub const GOVERNANCE_FILES: [&str; 5] = [
    CLAUDE_DOC,
    AGENTS_DOC,
    METALAYER_DOC,
    POLICY_FILE,
    SCHEMAS_DIR,
];

/// The command a harness runs before each tool call (followed by ` --harness NAME` for the
/// harnesses other than Claude Code).
pub const PRE_TOOL_USE_COMMAND: &str = "metalayer hook pre-tool-use";
/// The command a harness runs after a tool call ran (the outcome of an asked call, for the
/// ledger), followed by ` --harness NAME` for the harnesses other than Claude Code.
pub const POST_TOOL_USE_COMMAND: &str = "metalayer hook post-tool-use";
/// The command a harness runs when the agent ends a turn (session capture).
pub const STOP_COMMAND: &str = "metalayer hook stop";
/// The command git's pre-commit hook runs (the autonomous profile's git hook).
pub const PRE_COMMIT_COMMAND: &str = "metalayer hook pre-commit";

/// The settings file, relative to the repository root, where a harness reads its hooks.
#[must_use]
pub fn settings_path(harness: Harness) -> &'static str {
    match harness {
        Harness::Claude => ".claude/settings.json",
        Harness::Codex => ".codex/hooks.json",
        Harness::Gemini => ".gemini/settings.json",
        Harness::Cursor => ".cursor/hooks.json",
        Harness::Copilot => ".github/hooks/metalayer.json",
    }
}

/// The hooks the `hooks_wired` setpoint counts (the original's S12: `pre-commit + Stop hook +
/// PreToolUse gate`): each kind counts once, whichever harness (or git) wires it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HookKind {
    /// A pre-tool-use hook that runs [`PRE_TOOL_USE_COMMAND`] for shell commands.
    ShellGate,
    /// A pre-tool-use hook that runs [`PRE_TOOL_USE_COMMAND`] for file writes and edits.
    FileGate,
    /// A stop (end of turn) hook that runs [`STOP_COMMAND`].
    SessionCapture,
    /// A session-start hook that runs `metalayer hook session-start`: the agent starts each
    /// session knowing the repository is governed, its latest sessions and the rules learned.
    SessionContext,
    /// A post-tool-use hook that runs [`POST_TOOL_USE_COMMAND`]: whether an asked call ran,
    /// and how it ended, recorded in the ledger.
    OutcomeRecord,
    /// `.git/hooks/pre-commit` running [`PRE_COMMIT_COMMAND`].
    PreCommit,
}

/// The repository's git directory: `.git`, or where a `.git` file (worktrees, submodules)
/// points.
#[must_use]
pub fn git_dir(root: &Path) -> Option<PathBuf> {
    let dot_git = root.join(".git");
    if dot_git.is_dir() {
        return Some(dot_git);
    }
    let text = std::fs::read_to_string(&dot_git).ok()?;
    let target = text.strip_prefix("gitdir:")?.trim();
    let path = Path::new(target);
    Some(if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    })
}

/// The folder git runs the repository's hooks from: `git rev-parse --git-path hooks` run in
/// `root`, which honours `core.hooksPath` and, in a linked worktree, answers the main
/// repository's hooks folder (the one git runs). A relative answer is resolved against `root`.
/// When git cannot be run (or fails), `hooks/` in [`git_dir`]; `None` when there is neither.
#[must_use]
pub fn hooks_dir(root: &Path) -> Option<PathBuf> {
    let answer = std::process::Command::new("git")
        .args(["rev-parse", "--git-path", "hooks"])
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|text| text.trim_end_matches(['\n', '\r']).to_owned())
        .filter(|text| !text.is_empty());
    match answer {
        Some(text) => {
            let path = Path::new(&text);
            Some(if path.is_absolute() {
                path.to_path_buf()
            } else {
                root.join(path)
            })
        }
        None => git_dir(root).map(|g| g.join("hooks")),
    }
}

/// Where metalayer keeps its bookkeeping for a repository: `metalayer/` in the git directory,
/// or `.control/.state/` when there is none. Never in the home directory.
#[must_use]
pub fn state_dir(root: &Path) -> PathBuf {
    git_dir(root).map_or_else(|| root.join(".control/.state"), |g| g.join("metalayer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_renders_as_a_json_object() {
        for kind in SchemaKind::ALL {
            let text = kind.render();
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert!(value.is_object(), "{}", kind.path());
            assert!(kind.path().starts_with(SCHEMAS_DIR));
        }
    }

    #[test]
    fn every_harness_has_its_own_settings_file() {
        let mut paths: Vec<_> = Harness::ALL.iter().map(|h| settings_path(*h)).collect();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), Harness::ALL.len());
    }
}
