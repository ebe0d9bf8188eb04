//! The agent harnesses: how each sends a PreToolUse-like event and how each must be answered.

use std::path::PathBuf;

use metalayer_gates::Decision;
use serde_json::{Map, Value, json};

use crate::error::KernelError;
use crate::event::{ToolEvent, kind_of, optional_str, required_str, tool_call};
use crate::hook::HookOutcome;

/// An agent harness whose hook protocol metalayer speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
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

    /// Reads the event into a tool call with the gates' tool names.
    ///
    /// # Errors
    ///
    /// [`KernelError::Event`] for missing or mistyped fields.
    pub fn event(self, map: &Map<String, Value>) -> Result<ToolEvent, KernelError> {
        let cwd = optional_str(map, "cwd")?.map(PathBuf::from);
        let (tool, input): (String, Map<String, Value>) = match self {
            Harness::Claude | Harness::Codex => {
                let tool = required_str(map, "tool_name")?;
                let input = object(map, "tool_input")?;
                match tool {
                    // Codex's patches: the files they add, update, delete or move to are what
                    // the file gates read.
                    "apply_patch" => ("ApplyPatch".to_owned(), patch_input(&input)),
                    // Windows routes shell commands to PowerShell: the same gates apply.
                    "PowerShell" => ("Bash".to_owned(), input),
                    other => (other.to_owned(), input),
                }
            }
            Harness::Gemini => {
                let tool = required_str(map, "tool_name")?;
                let mut input = object(map, "tool_input")?;
                if let Some(p) = input.remove("absolute_path") {
                    input.entry("file_path").or_insert(p);
                }
                let tool = match tool {
                    "run_shell_command" => "Bash",
                    "write_file" => "Write",
                    "replace" => "Edit",
                    "read_file" | "read_many_files" => "Read",
                    other => other,
                };
                (tool.to_owned(), input)
            }
            Harness::Cursor => {
                let name = optional_str(map, "hook_event_name")?.unwrap_or_default();
                match name {
                    "beforeShellExecution" => {
                        let mut input = Map::new();
                        input.insert("command".into(), json!(required_str(map, "command")?));
                        ("Bash".to_owned(), input)
                    }
                    "beforeReadFile" => {
                        let mut input = Map::new();
                        input.insert("file_path".into(), json!(required_str(map, "file_path")?));
                        ("Read".to_owned(), input)
                    }
                    "beforeMCPExecution" => {
                        let tool = optional_str(map, "tool_name")?.unwrap_or("mcp");
                        let input = match map.get("tool_input") {
                            Some(Value::String(s)) => serde_json::from_str(s).unwrap_or_default(),
                            Some(Value::Object(o)) => o.clone(),
                            _ => Map::new(),
                        };
                        (format!("mcp__{tool}"), input)
                    }
                    _ => {
                        let tool = required_str(map, "tool_name")?;
                        let tool = match tool {
                            "Shell" | "terminal" | "run_terminal_cmd" => "Bash",
                            "edit_file" | "search_replace" => "Edit",
                            "write" => "Write",
                            other => other,
                        };
                        (tool.to_owned(), object(map, "tool_input")?)
                    }
                }
            }
            Harness::Copilot => {
                let tool = required_str(map, "toolName")?;
                let input = match map.get("toolArgs") {
                    Some(Value::Object(o)) => o.clone(),
                    Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                        Ok(Value::Object(o)) => o,
                        _ => {
                            return Err(KernelError::Event(
                                "`toolArgs` is a string that does not hold a JSON object"
                                    .to_owned(),
                            ));
                        }
                    },
                    Some(other) => {
                        return Err(KernelError::Event(format!(
                            "`toolArgs` must be an object or a JSON string, found {}",
                            kind_of(other)
                        )));
                    }
                    None => Map::new(),
                };
                let mut input = input;
                if let Some(p) = input.remove("path") {
                    input.entry("file_path").or_insert(p);
                }
                let tool = match tool {
                    "bash" | "shell" | "powershell" => "Bash",
                    "create" | "write" => "Write",
                    "edit" | "str_replace" | "str_replace_editor" => "Edit",
                    "view" | "read" => "Read",
                    other => other,
                };
                (tool.to_owned(), input)
            }
        };
        let call = tool_call(&tool, &input)?;
        let session_id = ["session_id", "conversation_id", "sessionId"]
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_str))
            .map(str::to_owned);
        Ok(ToolEvent {
            tool,
            call,
            cwd,
            session_id,
        })
    }

    /// The answer for a decision, in this harness's format. Allow prints nothing.
    #[must_use]
    pub fn answer(self, decision: Decision, reason: &str) -> HookOutcome {
        if decision == Decision::Allow {
            return HookOutcome::default();
        }
        // Harnesses whose `ask` is missing or fails open get a denial that says a person
        // must confirm: an ask must never become an allow.
        let (decision, reason) = match (self, decision) {
            (Harness::Codex | Harness::Gemini, Decision::Ask) => (
                Decision::Deny,
                format!("{reason} (needs a person's confirmation: ask them to run it)"),
            ),
            _ => (decision, reason.to_owned()),
        };
        let value = match self {
            Harness::Claude | Harness::Codex => {
                return HookOutcome {
                    stdout: crate::hook::claude_output(decision, &reason),
                    ..HookOutcome::default()
                };
            }
            Harness::Gemini => json!({"decision": decision.as_str(), "reason": reason}),
            Harness::Cursor => json!({
                "permission": decision.as_str(),
                "user_message": reason,
                "agent_message": reason,
            }),
            Harness::Copilot => json!({
                "permissionDecision": decision.as_str(),
                "permissionDecisionReason": reason,
            }),
        };
        HookOutcome {
            stdout: format!("{value}\n"),
            ..HookOutcome::default()
        }
    }

    /// The blocking answer when no safe decision can be made: exit 2 with the reason on
    /// stderr where the harness honours it (Claude Code, Codex, Gemini), a deny in the
    /// harness's JSON where failures fail open (Cursor, Copilot).
    #[must_use]
    pub fn blocked(self, reason: &str) -> HookOutcome {
        match self {
            Harness::Claude | Harness::Codex | Harness::Gemini => HookOutcome::blocked(reason),
            Harness::Cursor | Harness::Copilot => {
                let mut out = self.answer(Decision::Deny, reason);
                out.stderr = format!("{reason}\n");
                out
            }
        }
    }
}

/// The `tool_input` of an `apply_patch` call as file paths and content: every path named by
/// `*** Add File:`, `*** Update File:`, `*** Delete File:` and `*** Move to:` lines.
fn patch_input(input: &Map<String, Value>) -> Map<String, Value> {
    let patch = ["command", "patch", "input"]
        .iter()
        .find_map(|k| input.get(*k).and_then(Value::as_str))
        .unwrap_or_default();
    let paths: Vec<Value> = patch
        .lines()
        .filter_map(|l| {
            [
                "*** Add File:",
                "*** Update File:",
                "*** Delete File:",
                "*** Move to:",
            ]
            .iter()
            .find_map(|p| l.strip_prefix(p))
        })
        .map(|p| Value::String(p.trim().to_owned()))
        .collect();
    let mut out = Map::new();
    out.insert("file_path".into(), Value::Array(paths));
    out.insert("content".into(), Value::String(patch.to_owned()));
    out
}

fn object(map: &Map<String, Value>, key: &str) -> Result<Map<String, Value>, KernelError> {
    match map.get(key) {
        Some(Value::Object(o)) => Ok(o.clone()),
        Some(other) => Err(KernelError::Event(format!(
            "field `{key}` of the hook event must be an object, found {}",
            kind_of(other)
        ))),
        None => Err(KernelError::Event(format!(
            "the hook event has no `{key}` field"
        ))),
    }
}
