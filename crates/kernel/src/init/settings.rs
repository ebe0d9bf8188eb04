//! Wiring the hooks into a harness's settings file by merging: every key, hook and value the
//! user already has survives, and nothing is added twice.

use std::path::Path;

use super::json::{Json, Object};
use super::profile::Profile;
use crate::error::KernelError;
use crate::harness::Harness;
use crate::layout::{HookKind, PRE_TOOL_USE_COMMAND, STOP_COMMAND};

/// Claude Code's PreToolUse matcher: the shell and every file-writing tool.
pub(crate) const CLAUDE_MATCHER: &str = "Bash|Write|Edit|MultiEdit|NotebookEdit";

/// Codex's PreToolUse matcher: the shell and `apply_patch`, the tool of every file edit.
pub(crate) const CODEX_MATCHER: &str = "Bash|apply_patch";

/// Gemini CLI's BeforeTool matcher: the shell and the file-writing tools.
pub(crate) const GEMINI_MATCHER: &str = "run_shell_command|write_file|replace";

/// One hook handler `init` wants in a settings file.
#[derive(Debug, Clone)]
pub(crate) struct Wiring {
    /// The event key under `hooks`.
    event: &'static str,
    /// The matcher of the group (grouped shapes only).
    matcher: Option<&'static str>,
    /// Whether entries are `{matcher, hooks: [handler]}` groups (Claude, Codex, Gemini) or the
    /// handlers themselves (Cursor, Copilot).
    grouped: bool,
    /// The key of the handler that holds the command (`command`, or Copilot's `bash`).
    command_key: &'static str,
    /// The full command.
    command: String,
    /// The metalayer command it runs, to recognise an equivalent entry.
    base: &'static str,
    /// The handler object, its keys in the README's order.
    handler: Object,
    /// What the output says was added (`PreToolUse gate`).
    pub(crate) label: String,
}

impl Wiring {
    fn entry(&self) -> Json {
        let handler = Json::Object(self.handler.clone());
        if !self.grouped {
            return handler;
        }
        let mut group = Object::new();
        if let Some(m) = self.matcher {
            group.insert("matcher", m.into());
        }
        group.insert("hooks", Json::Array(vec![handler]));
        Json::Object(group)
    }

    /// Whether a handler (under this wiring's event) runs this wiring's command (the same
    /// command, or one that runs the same metalayer command) under a matcher that covers
    /// every tool of ours: a handler under `Bash` alone leaves the file tools ungated.
    fn matches(&self, handler: &Json, matcher: Option<&str>) -> bool {
        let Some(cmd) = handler.get(self.command_key).and_then(Json::as_str) else {
            return false;
        };
        (cmd.trim() == self.command || cmd.contains(self.base)) && covers(matcher, self.matcher)
    }

    /// Whether the event's entries already hold this wiring.
    fn present_in(&self, entries: &[Json]) -> bool {
        entries.iter().any(|entry| {
            if self.grouped {
                let matcher = entry.get("matcher").and_then(Json::as_str);
                entry
                    .get("hooks")
                    .and_then(Json::as_array)
                    .is_some_and(|hs| hs.iter().any(|h| self.matches(h, matcher)))
            } else {
                self.matches(entry, None)
            }
        })
    }
}

/// Whether an existing entry's matcher (`theirs`) covers every tool of `ours`: the tools are
/// split on `|`; `*`, an empty or an absent matcher covers all, and so does any matcher when
/// we have none.
fn covers(theirs: Option<&str>, ours: Option<&str>) -> bool {
    let Some(ours) = ours else {
        return true;
    };
    let theirs = theirs.map_or("", str::trim);
    if theirs.is_empty() || theirs == "*" {
        return true;
    }
    let tools: Vec<&str> = theirs.split('|').map(str::trim).collect();
    ours.split('|')
        .map(str::trim)
        .all(|tool| tools.contains(&tool))
}

fn pre_tool_use_command(harness: Harness) -> String {
    match harness {
        Harness::Claude => PRE_TOOL_USE_COMMAND.to_owned(),
        other => format!("{PRE_TOOL_USE_COMMAND} --harness {}", other.name()),
    }
}

/// The hooks `init` wires for a profile and harness (README's "Wiring the hook" shapes), as
/// [`Profile::hook_kinds`] says: the pre-tool gate (shell and, but for Cursor, file gate), and
/// the Stop hook only where session capture is one of the kinds (Claude Code: the other
/// harnesses do not hand over a transcript in Claude Code's format).
pub(crate) fn wirings(profile: Profile, harness: Harness) -> Vec<Wiring> {
    let command = pre_tool_use_command(harness);
    let grouped = |event, matcher, timeout: u64, label: &str| Wiring {
        event,
        matcher: Some(matcher),
        grouped: true,
        command_key: "command",
        handler: Object::from_iter([
            ("type", "command".into()),
            ("command", command.as_str().into()),
            ("timeout", timeout.into()),
        ]),
        command: command.clone(),
        base: PRE_TOOL_USE_COMMAND,
        label: label.to_owned(),
    };
    let mut out = match harness {
        Harness::Claude => vec![grouped("PreToolUse", CLAUDE_MATCHER, 10, "PreToolUse gate")],
        Harness::Codex => vec![grouped("PreToolUse", CODEX_MATCHER, 10, "PreToolUse gate")],
        Harness::Gemini => vec![grouped(
            "BeforeTool",
            GEMINI_MATCHER,
            10_000,
            "BeforeTool gate",
        )],
        Harness::Cursor => vec![Wiring {
            event: "beforeShellExecution",
            matcher: None,
            grouped: false,
            command_key: "command",
            handler: Object::from_iter([("command", command.as_str().into())]),
            command: command.clone(),
            base: PRE_TOOL_USE_COMMAND,
            label: "beforeShellExecution gate".to_owned(),
        }],
        Harness::Copilot => vec![Wiring {
            event: "preToolUse",
            matcher: None,
            grouped: false,
            command_key: "bash",
            handler: Object::from_iter([
                ("type", "command".into()),
                ("bash", command.as_str().into()),
                ("timeoutSec", 10_u64.into()),
            ]),
            command: command.clone(),
            base: PRE_TOOL_USE_COMMAND,
            label: "preToolUse gate".to_owned(),
        }],
    };
    if profile
        .hook_kinds(harness)
        .contains(&HookKind::SessionCapture)
    {
        out.push(Wiring {
            event: "Stop",
            matcher: None,
            grouped: true,
            command_key: "command",
            handler: Object::from_iter([
                ("type", "command".into()),
                ("command", STOP_COMMAND.into()),
                ("timeout", 60_u64.into()),
            ]),
            command: STOP_COMMAND.to_owned(),
            base: STOP_COMMAND,
            label: "Stop capture".to_owned(),
        });
    }
    out
}

/// Whether the harness's file has a top-level `"version": 1` (Cursor, Copilot).
fn versioned(harness: Harness) -> bool {
    matches!(harness, Harness::Cursor | Harness::Copilot)
}

/// The outcome of merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Merged {
    /// The new text, or `None` when the file already holds every hook.
    pub(crate) text: Option<String>,
    /// The labels of the hooks added.
    pub(crate) added: Vec<String>,
}

fn refuse(path: &Path, what: String) -> KernelError {
    KernelError::Init {
        path: path.to_path_buf(),
        message: format!(
            "`{}` {what}; fix it (or move it away) and run `metalayer init` again. Nothing was written.",
            path.display()
        ),
    }
}

/// Merges the profile's hooks into a settings file's text (`None`: no file yet).
///
/// # Errors
///
/// [`KernelError::Init`] when the text is not valid JSON (naming the line and column), not an
/// object, or its `hooks` (or one of the events we add to) has the wrong type.
pub(crate) fn merge(
    path: &Path,
    existing: Option<&str>,
    profile: Profile,
    harness: Harness,
) -> Result<Merged, KernelError> {
    let mut root = match existing {
        None => Object::new(),
        Some(text) => match serde_json::from_str::<Json>(text) {
            Ok(Json::Object(object)) => object,
            Ok(other) => {
                return Err(refuse(
                    path,
                    format!("must hold a JSON object, but holds {}", other.kind()),
                ));
            }
            Err(e) => {
                return Err(refuse(
                    path,
                    format!(
                        "is not valid JSON (line {}, column {}: {e})",
                        e.line(),
                        e.column()
                    ),
                ));
            }
        },
    };
    if versioned(harness) && !root.contains_key("version") {
        root.insert_first("version", 1_u64.into());
    }
    let hooks = root.get_or_insert_with("hooks", || Json::Object(Object::new()));
    let Json::Object(hooks) = hooks else {
        let found = hooks.kind();
        return Err(refuse(
            path,
            format!("has a `hooks` key that must be an object, but is {found}"),
        ));
    };
    let mut added = Vec::new();
    for wiring in wirings(profile, harness) {
        let entries = hooks.get_or_insert_with(wiring.event, || Json::Array(Vec::new()));
        let Json::Array(entries) = entries else {
            let found = entries.kind();
            return Err(refuse(
                path,
                format!(
                    "has `hooks.{}` that must be an array, but is {found}",
                    wiring.event
                ),
            ));
        };
        if !wiring.present_in(entries) {
            entries.push(wiring.entry());
            added.push(wiring.label.clone());
        }
    }
    if existing.is_some() && added.is_empty() {
        // Nothing to add: the user's bytes stay exactly as they are.
        return Ok(Merged { text: None, added });
    }
    let mut text = serde_json::to_string_pretty(&root)
        .map_err(|e| refuse(path, format!("cannot be written back ({e})")))?;
    text.push('\n');
    Ok(Merged {
        text: Some(text),
        added,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn p() -> &'static Path {
        Path::new(".claude/settings.json")
    }

    #[test]
    fn a_new_claude_file_has_the_readme_shape() {
        let m = merge(p(), None, Profile::Governed, Harness::Claude).unwrap();
        let v: Value = serde_json::from_str(m.text.as_deref().unwrap()).unwrap();
        assert_eq!(
            v,
            json!({"hooks": {
                "PreToolUse": [{"matcher": CLAUDE_MATCHER, "hooks": [
                    {"type": "command", "command": "metalayer hook pre-tool-use", "timeout": 10}]}],
                "Stop": [{"hooks": [{"type": "command", "command": "metalayer hook stop", "timeout": 60}]}]
            }})
        );
        assert_eq!(m.added, ["PreToolUse gate", "Stop capture"]);
        assert!(m.text.unwrap().ends_with("}\n"));
    }

    #[test]
    fn baseline_wires_no_stop_hook() {
        let m = merge(p(), None, Profile::Baseline, Harness::Claude).unwrap();
        let v: Value = serde_json::from_str(m.text.as_deref().unwrap()).unwrap();
        assert!(v["hooks"].get("Stop").is_none());
        assert!(v["hooks"].get("PreToolUse").is_some());
    }

    #[test]
    fn user_content_survives_in_order_and_a_second_merge_adds_nothing() {
        let user = r#"{"permissions": {"allow": ["Bash(ls)"]}, "env": {"A": "1"},
            "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "my-stop"}]}],
                      "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "mine"}]}]},
            "zeta": [1, 2.5, null]}"#;
        let m = merge(p(), Some(user), Profile::Governed, Harness::Claude).unwrap();
        let text = m.text.unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let Json::Object(root) = serde_json::from_str::<Json>(&text).unwrap() else {
            panic!("{text}")
        };
        assert_eq!(
            root.keys().collect::<Vec<_>>(),
            ["permissions", "env", "hooks", "zeta"]
        );
        assert_eq!(v["zeta"], json!([1, 2.5, null]));
        assert_eq!(v["hooks"]["PreToolUse"][0]["hooks"][0]["command"], "mine");
        assert_eq!(v["hooks"]["PreToolUse"].as_array().unwrap().len(), 2);
        assert_eq!(v["hooks"]["Stop"][0]["hooks"][0]["command"], "my-stop");
        assert_eq!(v["hooks"]["Stop"].as_array().unwrap().len(), 2);
        let again = merge(p(), Some(&text), Profile::Governed, Harness::Claude).unwrap();
        assert_eq!(again.text, None);
        assert!(again.added.is_empty());
    }

    #[test]
    fn the_merge_keeps_the_order_of_every_object_and_adds_ours_last() {
        let user = r#"{
  "zeta": {"z": 1, "a": [{"y": true, "b": null}]},
  "hooks": {
    "Stop": [{"hooks": [{"type": "command", "command": "my-stop", "async": true}]}],
    "PreToolUse": [{"hooks": [{"timeout": 5, "command": "mine", "type": "command"}], "matcher": "Bash"}]
  },
  "alpha": "1e3 stays a string",
  "n": 1e3
}"#;
        let m = merge(p(), Some(user), Profile::Governed, Harness::Claude).unwrap();
        let want = r#"{
  "zeta": {
    "z": 1,
    "a": [
      {
        "y": true,
        "b": null
      }
    ]
  },
  "hooks": {
    "Stop": [
      {
        "hooks": [
          {
            "type": "command",
            "command": "my-stop",
            "async": true
          }
        ]
      },
      {
        "hooks": [
          {
            "type": "command",
            "command": "metalayer hook stop",
            "timeout": 60
          }
        ]
      }
    ],
    "PreToolUse": [
      {
        "hooks": [
          {
            "timeout": 5,
            "command": "mine",
            "type": "command"
          }
        ],
        "matcher": "Bash"
      },
      {
        "matcher": "Bash|Write|Edit|MultiEdit|NotebookEdit",
        "hooks": [
          {
            "type": "command",
            "command": "metalayer hook pre-tool-use",
            "timeout": 10
          }
        ]
      }
    ]
  },
  "alpha": "1e3 stays a string",
  "n": 1000.0
}
"#;
        assert_eq!(m.text.as_deref(), Some(want));
        // Cursor's and Copilot's `version` goes first; the user's keys follow in their order.
        let user = r#"{"b": 1, "hooks": {}, "a": 2}"#;
        let m = merge(p(), Some(user), Profile::Governed, Harness::Cursor).unwrap();
        let compact: Json = serde_json::from_str(&m.text.unwrap()).unwrap();
        assert_eq!(
            serde_json::to_string(&compact).unwrap(),
            r#"{"version":1,"b":1,"hooks":{"beforeShellExecution":[{"command":"metalayer hook pre-tool-use --harness cursor"}]},"a":2}"#
        );
        // A duplicated key keeps its first place and its last value, as serde_json reads it.
        let user = r#"{"b": 1, "a": 2, "b": 3}"#;
        let m = merge(p(), Some(user), Profile::Baseline, Harness::Claude).unwrap();
        assert!(
            m.text
                .unwrap()
                .starts_with("{\n  \"b\": 3,\n  \"a\": 2,\n  \"hooks\"")
        );
    }

    #[test]
    fn an_equivalent_entry_is_not_duplicated() {
        let user = r#"{"hooks": {"PreToolUse": [{"matcher": "Bash|Write|Edit|MultiEdit|NotebookEdit",
            "hooks": [{"type": "command", "command": "/opt/bin/metalayer hook pre-tool-use"}]}]}}"#;
        let m = merge(p(), Some(user), Profile::Baseline, Harness::Claude).unwrap();
        assert_eq!(m.text, None);
        // A matcher that covers all of ours counts too (`*`, empty, absent, a superset).
        for matcher in [
            r#""matcher": "*","#,
            r#""matcher": "","#,
            "",
            r#""matcher": "Read|NotebookEdit|MultiEdit|Edit|Write|Bash","#,
        ] {
            let user = format!(
                r#"{{"hooks": {{"PreToolUse": [{{{matcher} "hooks": [
                {{"type": "command", "command": "metalayer hook pre-tool-use"}}]}}]}}}}"#
            );
            let m = merge(p(), Some(&user), Profile::Baseline, Harness::Claude).unwrap();
            assert_eq!(m.text, None, "{matcher}");
        }
    }

    #[test]
    fn a_partial_matcher_does_not_count_as_wired() {
        // The same command under `Bash` only leaves the file tools ungated: ours is added.
        let user = r#"{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
            {"type": "command", "command": "metalayer hook pre-tool-use"}]}]}}"#;
        let m = merge(p(), Some(user), Profile::Baseline, Harness::Claude).unwrap();
        let v: Value = serde_json::from_str(&m.text.unwrap()).unwrap();
        let entries = v["hooks"]["PreToolUse"].as_array().unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0]["matcher"], "Bash");
        assert_eq!(entries[1]["matcher"], CLAUDE_MATCHER);
        assert_eq!(m.added, ["PreToolUse gate"]);
        // The same command under another event does not count either.
        let user = r#"{"hooks": {"PostToolUse": [{"matcher": "*", "hooks": [
            {"type": "command", "command": "metalayer hook pre-tool-use"}]}]}}"#;
        let m = merge(p(), Some(user), Profile::Baseline, Harness::Claude).unwrap();
        let v: Value = serde_json::from_str(&m.text.unwrap()).unwrap();
        assert_eq!(v["hooks"]["PreToolUse"][0]["matcher"], CLAUDE_MATCHER);
    }

    #[test]
    fn broken_files_are_refused_with_their_line() {
        let err = merge(
            p(),
            Some("{\n  \"a\": 1,\n}"),
            Profile::Governed,
            Harness::Claude,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains(".claude/settings.json"), "{err}");
        assert!(err.contains("line 3"), "{err}");
        for (text, what) in [
            ("[1]", "must hold a JSON object"),
            (r#"{"hooks": []}"#, "`hooks` key that must be an object"),
            (
                r#"{"hooks": {"Stop": {}}}"#,
                "`hooks.Stop` that must be an array",
            ),
        ] {
            let err = merge(p(), Some(text), Profile::Governed, Harness::Claude)
                .unwrap_err()
                .to_string();
            assert!(err.contains(what), "{err}");
        }
    }

    #[test]
    fn other_harnesses_get_their_readme_shapes() {
        let shape = |h| -> Value {
            serde_json::from_str(
                &merge(p(), None, Profile::Governed, h)
                    .unwrap()
                    .text
                    .unwrap(),
            )
            .unwrap()
        };
        assert_eq!(
            shape(Harness::Codex),
            json!({"hooks": {"PreToolUse": [{"matcher": "Bash|apply_patch", "hooks": [
                {"type": "command", "command": "metalayer hook pre-tool-use --harness codex", "timeout": 10}]}]}})
        );
        assert_eq!(
            shape(Harness::Gemini),
            json!({"hooks": {"BeforeTool": [{"matcher": "run_shell_command|write_file|replace", "hooks": [
                {"type": "command", "command": "metalayer hook pre-tool-use --harness gemini", "timeout": 10000}]}]}})
        );
        assert_eq!(
            shape(Harness::Cursor),
            json!({"version": 1, "hooks": {"beforeShellExecution": [
                {"command": "metalayer hook pre-tool-use --harness cursor"}]}})
        );
        assert_eq!(
            shape(Harness::Copilot),
            json!({"version": 1, "hooks": {"preToolUse": [
                {"type": "command", "bash": "metalayer hook pre-tool-use --harness copilot", "timeoutSec": 10}]}})
        );
    }

    #[test]
    fn the_audit_counts_exactly_the_hook_kinds_of_every_profile_and_harness() {
        for profile in Profile::ALL {
            for harness in Harness::ALL {
                let m = merge(p(), None, profile, harness).unwrap();
                let v: Value = serde_json::from_str(m.text.as_deref().unwrap()).unwrap();
                let mut found: Vec<HookKind> = crate::audit::hooks::kinds_in(harness, &v)
                    .into_iter()
                    .collect();
                // The pre-commit hook is git's, not the settings file's.
                if profile.git_hook() {
                    found.push(HookKind::PreCommit);
                }
                let mut want = profile.hook_kinds(harness);
                want.sort();
                assert_eq!(found, want, "{profile} {}", harness.name());
            }
        }
    }
}
