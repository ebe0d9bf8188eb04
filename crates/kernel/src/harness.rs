//! The agent harnesses metalayer speaks to, and how to tell them apart. How each sends its
//! events and must be answered is in `protocol.rs` (`Harness::event`, `Harness::answer`, …).

use serde_json::{Map, Value};

/// An agent harness whose hook protocol metalayer speaks.
///
/// Exhaustive on purpose: a new harness must make every `match` in the workspace (the kernel's
/// protocols, `metalayer-setup`'s wiring and audit) say what it does for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Harness {
    /// Claude Code: `hookSpecificOutput.permissionDecision`.
    Claude,
    /// OpenAI Codex CLI: Claude's format; exit 2 blocks only with a non-empty stderr, and an
    /// `ask` reportedly fails open, so asks are answered as denials naming the confirmation.
    Codex,
    /// Gemini CLI: `BeforeTool`, `run_shell_command` and file tools, top-level `decision`.
    Gemini,
    /// Cursor: `beforeShellExecution` (top-level `command`), file events, `permission`.
    Cursor,
    /// GitHub Copilot: camelCase `toolName` / `toolArgs` (possibly a JSON string),
    /// top-level `permissionDecision`.
    Copilot,
}

impl Harness {
    /// Every harness, for help texts and tests.
    pub const ALL: [Harness; 5] = [
        Harness::Claude,
        Harness::Codex,
        Harness::Gemini,
        Harness::Cursor,
        Harness::Copilot,
    ];

    /// The lower-case name (`claude`, `codex`, …).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Harness::Claude => "claude",
            Harness::Codex => "codex",
            Harness::Gemini => "gemini",
            Harness::Cursor => "cursor",
            Harness::Copilot => "copilot",
        }
    }

    /// Detects the harness from an event where that is unambiguous: camelCase `toolName`
    /// (Copilot), `BeforeTool` (Gemini), Cursor's event names or `conversation_id` (Cursor),
    /// `turn_id` (Codex); anything else is read as Claude Code.
    #[must_use]
    pub fn detect(event: &Map<String, Value>) -> Self {
        let name = event.get("hook_event_name").and_then(Value::as_str);
        if event.contains_key("toolName") || event.contains_key("toolArgs") {
            Harness::Copilot
        } else if name == Some("BeforeTool") {
            Harness::Gemini
        } else if matches!(
            name,
            Some("beforeShellExecution" | "beforeReadFile" | "beforeMCPExecution" | "preToolUse")
        ) || event.contains_key("conversation_id")
        {
            Harness::Cursor
        } else if event.contains_key("turn_id") {
            Harness::Codex
        } else {
            Harness::Claude
        }
    }
}
