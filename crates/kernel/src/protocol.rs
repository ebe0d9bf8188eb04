//! The harnesses' hook protocols: how each sends a PreToolUse-like event and how each must be
//! answered (the methods of [`Harness`] below), read through the one tool vocabulary of
//! [`crate::tools`].

use std::path::PathBuf;

use metalayer_gates::{Decision, SHELL_TOOL, ToolCall};
use serde_json::{Map, Value, json};

use crate::error::KernelError;
use crate::event::{ToolEvent, kind_of, optional_str, parse_object, required_str};
use crate::harness::Harness;
use crate::outcome::HookOutcome;
use crate::tools::{self, Input};

impl Harness {
    /// Reads the event into a tool call with the gates' tool names and keys, through the
    /// harness's tool vocabulary (one table for every harness: a known tool in its known
    /// shape is always read, in any other shape it fails closed).
    ///
    /// # Errors
    ///
    /// [`KernelError::Event`] for missing or mistyped fields.
    pub fn event(self, map: &Map<String, Value>) -> Result<ToolEvent, KernelError> {
        let cwd = optional_str(map, "cwd")?.map(PathBuf::from);
        let call = match self {
            Harness::Claude | Harness::Codex | Harness::Gemini => {
                let name = required_str(map, "tool_name")?;
                tools::call(self, name, Input::Object(object(map, "tool_input")?))?
            }
            Harness::Cursor => {
                let name = optional_str(map, "hook_event_name")?.unwrap_or_default();
                match name {
                    // Cursor's older events carry their fields at the top level.
                    "beforeShellExecution" => {
                        ToolCall::new(SHELL_TOOL).with("command", required_str(map, "command")?)
                    }
                    "beforeReadFile" => {
                        ToolCall::new("Read").with("file_path", required_str(map, "file_path")?)
                    }
                    "beforeMCPExecution" => {
                        let tool = optional_str(map, "tool_name")?.unwrap_or("mcp");
                        let parsed;
                        let empty = Map::new();
                        let input = match map.get("tool_input") {
                            Some(Value::String(s)) => {
                                parsed = serde_json::from_str(s).unwrap_or_default();
                                &parsed
                            }
                            Some(Value::Object(o)) => o,
                            _ => &empty,
                        };
                        tools::object_call(
                            &format!("mcp__{tool}"),
                            tool,
                            input,
                            &[],
                            &[],
                            "tool_input",
                        )?
                    }
                    _ => {
                        let name = required_str(map, "tool_name")?;
                        tools::call(self, name, Input::Object(object(map, "tool_input")?))?
                    }
                }
            }
            Harness::Copilot => {
                let name = required_str(map, "toolName")?;
                // `toolArgs` is an object, or that object as a JSON string (github/copilot-cli
                // #3349), or, for `apply_patch`, the patch text itself.
                let parsed: Value;
                let empty = Map::new();
                let input = match map.get("toolArgs") {
                    Some(Value::Object(o)) => Input::Object(o),
                    Some(Value::String(s)) => {
                        parsed = serde_json::from_str(s).unwrap_or(Value::Null);
                        match &parsed {
                            Value::Object(o) => Input::Object(o),
                            Value::String(text) => Input::Text(text),
                            _ => Input::Text(s),
                        }
                    }
                    Some(other) => {
                        return Err(KernelError::Event(format!(
                            "`toolArgs` must be an object or a JSON string, found {}",
                            kind_of(other)
                        )));
                    }
                    None => Input::Object(&empty),
                };
                tools::call(self, name, input)?
            }
        };
        let session_id = ["session_id", "conversation_id", "sessionId"]
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_str))
            .map(str::to_owned);
        Ok(ToolEvent {
            tool: call.tool().to_owned(),
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
                    stdout: crate::outcome::claude_output(decision, &reason),
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

    /// The answer of a session-start hook that adds `context` to the session: Claude Code's
    /// `hookSpecificOutput.additionalContext` (which Codex CLI and Gemini CLI read in the same
    /// shape), exit 0. Copilot and Cursor get the text on standard output (their session
    /// events do not add context). An empty context is no output.
    #[must_use]
    pub fn session_context(self, context: &str) -> HookOutcome {
        if context.is_empty() {
            return HookOutcome::default();
        }
        let stdout = match self {
            Harness::Claude | Harness::Codex | Harness::Gemini => {
                let value = json!({
                    "hookSpecificOutput": {
                        "hookEventName": "SessionStart",
                        "additionalContext": context,
                    }
                });
                format!("{value}\n")
            }
            Harness::Cursor | Harness::Copilot => format!("{context}\n"),
        };
        HookOutcome {
            stdout,
            ..HookOutcome::default()
        }
    }
}

fn object<'a>(
    map: &'a Map<String, Value>,
    key: &str,
) -> Result<&'a Map<String, Value>, KernelError> {
    match map.get(key) {
        Some(Value::Object(o)) => Ok(o),
        Some(other) => Err(KernelError::Event(format!(
            "field `{key}` of the hook event must be an object, found {}",
            kind_of(other)
        ))),
        None => Err(KernelError::Event(format!(
            "the hook event has no `{key}` field"
        ))),
    }
}

/// Builds the gates' tool call from a Claude Code tool name (the gates' own names) and its
/// `tool_input` object: every string field by its key, and the string fields of objects
/// inside arrays (the `edits` of a `MultiEdit`) by theirs. Claude Code's `PowerShell` is read
/// as `Bash`, Codex's `apply_patch` as `ApplyPatch` (see [`Harness::event`] for the other
/// harnesses' words).
///
/// # Errors
///
/// [`KernelError::Event`] when a field the gates rely on has the wrong type: `command` of a
/// shell call, the path of a file tool, the patch of `apply_patch`.
///
/// [`Harness::event`]: Harness::event
pub fn tool_call(tool: &str, input: &Map<String, Value>) -> Result<ToolCall, KernelError> {
    tools::call(Harness::Claude, tool, Input::Object(input))
}

/// Reads a Claude Code (or Codex) PreToolUse event.
///
/// # Errors
///
/// [`KernelError::Event`] for malformed input or missing or mistyped fields.
pub fn claude_pre_tool_use(input: &[u8]) -> Result<ToolEvent, KernelError> {
    Harness::Claude.event(&parse_object(input)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The event as the harness sends it, read: (gates tool, file paths, contents, commands).
    fn read(harness: Harness, event: &str) -> (String, Vec<String>, Vec<String>, Vec<String>) {
        let map = crate::event::parse_object(event.as_bytes()).unwrap();
        assert_eq!(Harness::detect(&map), harness, "{event}");
        let e = harness
            .event(&map)
            .unwrap_or_else(|err| panic!("{event}: {err}"));
        let values = |k: &str| -> Vec<String> { e.call.values(k).map(str::to_owned).collect() };
        let contents = ["content", "new_string", "new_source"]
            .iter()
            .flat_map(|k| values(k))
            .collect();
        (
            e.tool.clone(),
            values("file_path"),
            contents,
            values("command"),
        )
    }

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn copilot_events_are_read_in_every_shape_they_come_in() {
        let patch = r#"{"sessionId":"s","timestamp":1,"cwd":"/repo","toolName":"apply_patch","toolArgs":"*** Begin Patch\n*** Add File: notes.txt\n+hello\n*** End Patch\n"}"#;
        assert_eq!(
            read(Harness::Copilot, patch),
            (
                "ApplyPatch".into(),
                strs(&["notes.txt"]),
                strs(&["hello\n"]),
                vec![]
            )
        );
        // The same patch inside a JSON string, or in an object.
        let quoted = serde_json::json!({"toolName": "apply_patch",
            "toolArgs": serde_json::to_string("*** Begin Patch\n*** Delete File: a\n*** End Patch").unwrap()});
        assert_eq!(read(Harness::Copilot, &quoted.to_string()).1, strs(&["a"]));
        let object = r#"{"toolName":"apply_patch","toolArgs":{"input":"*** Begin Patch\n*** Update File: b\n@@\n-x\n+y\n*** End Patch"}}"#;
        assert_eq!(read(Harness::Copilot, object).2, strs(&["y\n"]));
        let create = r##"{"sessionId":"s","timestamp":1,"cwd":"/repo","toolName":"create","toolArgs":"{\"path\":\"/repo/a.md\",\"file_text\":\"# A\"}"}"##;
        assert_eq!(
            read(Harness::Copilot, create),
            (
                "Write".into(),
                strs(&["/repo/a.md"]),
                strs(&["# A"]),
                vec![]
            )
        );
        let edit =
            r#"{"toolName":"edit","toolArgs":{"path":"/repo/a.md","old_str":"A","new_str":"B"}}"#;
        assert_eq!(
            read(Harness::Copilot, edit),
            ("Edit".into(), strs(&["/repo/a.md"]), strs(&["B"]), vec![])
        );
        let bash = r#"{"toolName":"bash","toolArgs":"{\"command\":\"ls\",\"description\":\"list\",\"sessionId\":\"1\",\"async\":false}"}"#;
        assert_eq!(read(Harness::Copilot, bash).3, strs(&["ls"]));
    }

    #[test]
    fn codex_gemini_claude_and_cursor_file_tools_are_read() {
        let codex = r#"{"session_id":"s","turn_id":"t","hook_event_name":"PreToolUse","tool_name":"apply_patch","tool_input":{"command":"*** Begin Patch\n*** Add File: x.py\n+print(1)\n*** End Patch\n"}}"#;
        assert_eq!(
            read(Harness::Codex, codex),
            (
                "ApplyPatch".into(),
                strs(&["x.py"]),
                strs(&["print(1)\n"]),
                vec![]
            )
        );
        let gemini = r#"{"hook_event_name":"BeforeTool","tool_name":"write_file","tool_input":{"file_path":"/r/a","content":"A"}}"#;
        assert_eq!(
            read(Harness::Gemini, gemini),
            ("Write".into(), strs(&["/r/a"]), strs(&["A"]), vec![])
        );
        let replace = r#"{"hook_event_name":"BeforeTool","tool_name":"replace","tool_input":{"file_path":"/r/a","old_string":"A","new_string":"B","instruction":"x"}}"#;
        assert_eq!(read(Harness::Gemini, replace).2, strs(&["B"]));
        let shell = r#"{"hook_event_name":"BeforeTool","tool_name":"run_shell_command","tool_input":{"command":"ls","directory":"src"}}"#;
        assert_eq!(read(Harness::Gemini, shell).0, "Bash");
        let claude = r#"{"tool_name":"MultiEdit","tool_input":{"file_path":"/r/a","edits":[{"old_string":"a","new_string":"b"}]}}"#;
        assert_eq!(read(Harness::Claude, claude).2, strs(&["b"]));
        let notebook = r#"{"tool_name":"NotebookEdit","tool_input":{"notebook_path":"/r/n.ipynb","new_source":"x"}}"#;
        assert_eq!(read(Harness::Claude, notebook).2, strs(&["x"]));
        let cursor = r#"{"hook_event_name":"preToolUse","conversation_id":"c","tool_name":"Write","tool_input":{"file_path":"/r/a","contents":"A"}}"#;
        assert_eq!(
            read(Harness::Cursor, cursor),
            ("Write".into(), strs(&["/r/a"]), strs(&["A"]), vec![])
        );
        let delete = r#"{"hook_event_name":"preToolUse","conversation_id":"c","tool_name":"Delete","tool_input":{"path":"/r/.cursor/hooks.json"}}"#;
        assert_eq!(
            read(Harness::Cursor, delete).1,
            strs(&["/r/.cursor/hooks.json"])
        );
        let shell = r#"{"hook_event_name":"beforeShellExecution","conversation_id":"c","command":"ls","cwd":"/r"}"#;
        assert_eq!(read(Harness::Cursor, shell).3, strs(&["ls"]));
    }

    #[test]
    fn unknown_shapes_fail_closed_known_ones_never() {
        for (harness, event) in [
            (
                Harness::Copilot,
                r#"{"toolName":"bash","toolArgs":"{not json"}"#,
            ),
            (
                Harness::Copilot,
                r#"{"toolName":"create","toolArgs":{"file_text":"x"}}"#,
            ),
            (
                Harness::Copilot,
                r#"{"toolName":"apply_patch","toolArgs":"rm -rf /"}"#,
            ),
            (
                Harness::Copilot,
                r#"{"toolName":"apply_patch","toolArgs":7}"#,
            ),
            (
                Harness::Codex,
                r#"{"turn_id":"t","tool_name":"apply_patch","tool_input":{}}"#,
            ),
            (
                Harness::Gemini,
                r#"{"hook_event_name":"BeforeTool","tool_name":"write_file","tool_input":{"content":"x"}}"#,
            ),
        ] {
            let map = crate::event::parse_object(event.as_bytes()).unwrap();
            assert!(harness.event(&map).is_err(), "{event}");
        }
    }
}
