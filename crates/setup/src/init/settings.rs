//! Wiring the hooks into a harness's settings file by merging: every key, hook and value the
//! user already has survives, and nothing is added twice.

use std::path::Path;

use super::json::{Json, Object};
use super::profile::Profile;
use crate::error::SetupError;
use metalayer_kernel::Harness;
use metalayer_kernel::HookKind;
use metalayer_kernel::{HookForm, HookSub, hook_command, parse_hook_command};

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
    /// The metalayer hook it runs.
    sub: HookSub,
    /// The full command ([`hook_command`]).
    command: String,
    /// The handler object, its keys in the README's order.
    handler: Object,
    /// What the output says was added (`PreToolUse gate`).
    pub(crate) label: String,
}

/// What a settings file holds of one wiring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Presence {
    /// Nothing that runs this metalayer hook (under a matcher covering ours).
    Absent,
    /// Our command as `init` writes it now, or a command of the user's that runs the hook.
    Present,
    /// A command `init` wrote, in an earlier form or for another binary: rewritten in place.
    Updated,
    /// Like [`Presence::Updated`], under a matcher that does not cover ours: rewritten, but
    /// ours is still to be added.
    Rewritten,
}

impl Wiring {
    /// The event key under `hooks`.
    pub(crate) fn event(&self) -> &'static str {
        self.event
    }

    /// The matcher of the group, if any.
    pub(crate) fn matcher(&self) -> Option<&'static str> {
        self.matcher
    }

    /// The handler's keys and values, in order.
    pub(crate) fn handler_json(&self) -> Vec<(String, serde_json::Value)> {
        match serde_json::to_value(Json::Object(self.handler.clone())) {
            Ok(serde_json::Value::Object(map)) => {
                // serde_json's map sorts its keys; keep the handler's own order instead.
                let mut out: Vec<(String, serde_json::Value)> = map.into_iter().collect();
                let order: Vec<String> = ["type", "command", "bash", "timeout", "timeoutSec"]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect();
                out.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
                out
            }
            _ => Vec::new(),
        }
    }

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

    /// Whether a handler's command runs this wiring's metalayer hook, and whether it is one
    /// `init` wrote that is out of date: the plain `metalayer hook …` of earlier versions
    /// (which fails open when `metalayer` is not on the harness's `PATH`), or the guarded
    /// form for another binary. A command of the user's that runs the hook (a wrapper,
    /// `cargo run …`, a plain command naming another binary) is present and kept.
    fn classify(&self, command: &str) -> Presence {
        if command.trim() == self.command {
            return Presence::Present;
        }
        match parse_hook_command(command) {
            Some(parsed) if parsed.sub == self.sub => {
                let ours = match parsed.form {
                    HookForm::Guarded => true,
                    HookForm::Plain => parsed.binary == "metalayer",
                };
                if ours {
                    Presence::Updated
                } else {
                    Presence::Present
                }
            }
            _ if crate::audit::hooks::runs_hook(command, self.sub.name()) => Presence::Present,
            _ => Presence::Absent,
        }
    }

    /// Looks for this wiring among a handler list (under `matcher`), rewriting an out-of-date
    /// command of ours in place, whatever its matcher (a plain command fails open wherever it
    /// is); only a handler under a matcher covering ours counts as present.
    fn find_in_handlers(&self, handlers: &mut [Json], matcher: Option<&str>) -> Presence {
        let covered = covers(matcher, self.matcher);
        let mut found = Presence::Absent;
        for handler in handlers {
            let Some(command) = handler.get(self.command_key).and_then(Json::as_str) else {
                continue;
            };
            match self.classify(command) {
                Presence::Absent => {}
                Presence::Present if covered => found = Presence::Present,
                Presence::Present => {}
                Presence::Updated | Presence::Rewritten => {
                    if let Some(slot) = handler.get_mut(self.command_key) {
                        *slot = Json::from(self.command.as_str());
                    }
                    if found != Presence::Present {
                        found = if covered {
                            Presence::Updated
                        } else {
                            Presence::Rewritten
                        };
                    }
                }
            }
        }
        found
    }

    /// Whether the event's entries hold this wiring; rewrites out-of-date commands of ours.
    fn find_in(&self, entries: &mut [Json]) -> Presence {
        let mut found = Presence::Absent;
        for entry in entries {
            let presence = if self.grouped {
                let matcher = entry
                    .get("matcher")
                    .and_then(Json::as_str)
                    .map(str::to_owned);
                match entry.get_mut("hooks") {
                    Some(Json::Array(handlers)) => {
                        self.find_in_handlers(handlers, matcher.as_deref())
                    }
                    _ => Presence::Absent,
                }
            } else {
                self.find_in_handlers(std::slice::from_mut(entry), None)
            };
            found = match (found, presence) {
                (Presence::Present, _) | (_, Presence::Present) => Presence::Present,
                (Presence::Updated, _) | (_, Presence::Updated) => Presence::Updated,
                (Presence::Rewritten, _) | (_, Presence::Rewritten) => Presence::Rewritten,
                _ => Presence::Absent,
            };
        }
        found
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

/// The hooks `init` wires for a profile and harness (README's "Wiring the hook" shapes), as
/// [`Profile::hook_kinds`] says: the pre-tool gate (shell and, but for Cursor, file gate), the
/// post-tool outcome record (not Cursor), and the Stop hook only where session capture is one
/// of the kinds. Each runs `binary` (`None`: `metalayer` on the harness's `PATH`) through
/// [`hook_command`]'s guard.
pub(crate) fn wirings(profile: Profile, harness: Harness, binary: Option<&Path>) -> Vec<Wiring> {
    let kinds = profile.hook_kinds(harness);
    let make = |event: &'static str, matcher: Option<&'static str>, sub: HookSub, label: &str| {
        let command = hook_command(binary, sub, harness);
        let (grouped, command_key, handler) = match harness {
            Harness::Claude | Harness::Codex => (
                true,
                "command",
                Object::from_iter([
                    ("type", "command".into()),
                    ("command", command.as_str().into()),
                    (
                        "timeout",
                        (if sub == HookSub::Stop { 60_u64 } else { 10 }).into(),
                    ),
                ]),
            ),
            Harness::Gemini => (
                true,
                "command",
                Object::from_iter([
                    ("type", "command".into()),
                    ("command", command.as_str().into()),
                    // Milliseconds.
                    (
                        "timeout",
                        (if sub == HookSub::Stop {
                            60_000_u64
                        } else {
                            10_000
                        })
                        .into(),
                    ),
                ]),
            ),
            Harness::Cursor => (
                false,
                "command",
                Object::from_iter([("command", command.as_str().into())]),
            ),
            Harness::Copilot => (
                false,
                "bash",
                Object::from_iter([
                    ("type", "command".into()),
                    ("bash", command.as_str().into()),
                    ("timeoutSec", 10_u64.into()),
                ]),
            ),
        };
        Wiring {
            event,
            matcher,
            grouped,
            command_key,
            sub,
            command,
            handler,
            label: label.to_owned(),
        }
    };
    let pre = HookSub::PreToolUse;
    let post = HookSub::PostToolUse;
    let mut out = match harness {
        Harness::Claude => vec![make(
            "PreToolUse",
            Some(CLAUDE_MATCHER),
            pre,
            "PreToolUse gate",
        )],
        Harness::Codex => vec![make(
            "PreToolUse",
            Some(CODEX_MATCHER),
            pre,
            "PreToolUse gate",
        )],
        Harness::Gemini => vec![make(
            "BeforeTool",
            Some(GEMINI_MATCHER),
            pre,
            "BeforeTool gate",
        )],
        Harness::Cursor => vec![make(
            "beforeShellExecution",
            None,
            pre,
            "beforeShellExecution gate",
        )],
        Harness::Copilot => vec![make("preToolUse", None, pre, "preToolUse gate")],
    };
    if kinds.contains(&HookKind::OutcomeRecord) {
        match harness {
            Harness::Claude => {
                out.push(make(
                    "PostToolUse",
                    Some(CLAUDE_MATCHER),
                    post,
                    "PostToolUse outcome",
                ));
                // Claude Code reports a call that failed to PostToolUseFailure, not PostToolUse.
                out.push(make(
                    "PostToolUseFailure",
                    Some(CLAUDE_MATCHER),
                    post,
                    "PostToolUseFailure outcome",
                ));
            }
            Harness::Codex => {
                out.push(make(
                    "PostToolUse",
                    Some(CODEX_MATCHER),
                    post,
                    "PostToolUse outcome",
                ));
            }
            Harness::Gemini => {
                out.push(make(
                    "AfterTool",
                    Some(GEMINI_MATCHER),
                    post,
                    "AfterTool outcome",
                ));
            }
            Harness::Copilot => out.push(make("postToolUse", None, post, "postToolUse outcome")),
            Harness::Cursor => {}
        }
    }
    if kinds.contains(&HookKind::SessionCapture) {
        match harness {
            // Gemini CLI's end of a turn; its event names the chat file as `transcript_path`.
            Harness::Gemini => out.push(make(
                "AfterAgent",
                None,
                HookSub::Stop,
                "AfterAgent capture",
            )),
            _ => out.push(make("Stop", None, HookSub::Stop, "Stop capture")),
        }
    }
    if kinds.contains(&HookKind::SessionContext) {
        out.push(make(
            "SessionStart",
            None,
            HookSub::SessionStart,
            "SessionStart context",
        ));
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
    /// The labels of the hooks whose command `init` rewrote (an earlier form of its own).
    pub(crate) updated: Vec<String>,
}

fn refuse(path: &Path, what: String) -> SetupError {
    SetupError::Init {
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
/// [`SetupError::Init`] when the text is not valid JSON (naming the line and column), not an
/// object, or its `hooks` (or one of the events we add to) has the wrong type.
pub(crate) fn merge(
    path: &Path,
    existing: Option<&str>,
    profile: Profile,
    harness: Harness,
    binary: Option<&Path>,
) -> Result<Merged, SetupError> {
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
    let mut updated = Vec::new();
    for wiring in wirings(profile, harness, binary) {
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
        match wiring.find_in(entries) {
            Presence::Present => {}
            Presence::Updated => updated.push(wiring.label.clone()),
            Presence::Rewritten => {
                updated.push(wiring.label.clone());
                entries.push(wiring.entry());
                added.push(wiring.label.clone());
            }
            Presence::Absent => {
                entries.push(wiring.entry());
                added.push(wiring.label.clone());
            }
        }
    }
    if existing.is_some() && added.is_empty() && updated.is_empty() {
        // Nothing to add: the user's bytes stay exactly as they are.
        return Ok(Merged {
            text: None,
            added,
            updated,
        });
    }
    let mut text = serde_json::to_string_pretty(&root)
        .map_err(|e| refuse(path, format!("cannot be written back ({e})")))?;
    text.push('\n');
    Ok(Merged {
        text: Some(text),
        added,
        updated,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn p() -> &'static Path {
        Path::new(".claude/settings.json")
    }

    /// The command `init` writes with no binary path, for a harness.
    fn cmd(sub: HookSub, harness: Harness) -> String {
        hook_command(None, sub, harness)
    }

    /// A command as a JSON string literal.
    fn lit(sub: HookSub, harness: Harness) -> String {
        serde_json::to_string(&cmd(sub, harness)).unwrap()
    }

    #[test]
    fn a_new_claude_file_has_the_readme_shape() {
        let m = merge(p(), None, Profile::Governed, Harness::Claude, None).unwrap();
        let v: Value = serde_json::from_str(m.text.as_deref().unwrap()).unwrap();
        let claude = Harness::Claude;
        assert_eq!(
            v,
            json!({"hooks": {
                "PreToolUse": [{"matcher": CLAUDE_MATCHER, "hooks": [
                    {"type": "command", "command": cmd(HookSub::PreToolUse, claude), "timeout": 10}]}],
                "PostToolUse": [{"matcher": CLAUDE_MATCHER, "hooks": [
                    {"type": "command", "command": cmd(HookSub::PostToolUse, claude), "timeout": 10}]}],
                "PostToolUseFailure": [{"matcher": CLAUDE_MATCHER, "hooks": [
                    {"type": "command", "command": cmd(HookSub::PostToolUse, claude), "timeout": 10}]}],
                "Stop": [{"hooks": [{"type": "command", "command": cmd(HookSub::Stop, claude), "timeout": 60}]}],
                "SessionStart": [{"hooks": [
                    {"type": "command", "command": cmd(HookSub::SessionStart, claude), "timeout": 10}]}]
            }})
        );
        assert_eq!(
            m.added,
            [
                "PreToolUse gate",
                "PostToolUse outcome",
                "PostToolUseFailure outcome",
                "Stop capture",
                "SessionStart context"
            ]
        );
        assert!(m.text.unwrap().ends_with("}\n"));
        // With a binary: its absolute path, quoted for the shell.
        let bin = Path::new("/opt/my tools/metalayer");
        let m = merge(p(), None, Profile::Baseline, Harness::Claude, Some(bin)).unwrap();
        let v: Value = serde_json::from_str(m.text.as_deref().unwrap()).unwrap();
        assert_eq!(
            v["hooks"]["PreToolUse"][0]["hooks"][0]["command"],
            hook_command(Some(bin), HookSub::PreToolUse, Harness::Claude)
        );
        assert!(
            v["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
                .as_str()
                .unwrap()
                .starts_with("'/opt/my tools/metalayer' hook pre-tool-use || {")
        );
    }

    #[test]
    fn baseline_wires_no_stop_hook() {
        let m = merge(p(), None, Profile::Baseline, Harness::Claude, None).unwrap();
        let v: Value = serde_json::from_str(m.text.as_deref().unwrap()).unwrap();
        assert!(v["hooks"].get("Stop").is_none());
        assert!(v["hooks"].get("PreToolUse").is_some());
        assert!(v["hooks"].get("PostToolUse").is_some());
    }

    #[test]
    fn user_content_survives_in_order_and_a_second_merge_adds_nothing() {
        let user = r#"{"permissions": {"allow": ["Bash(ls)"]}, "env": {"A": "1"},
            "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "my-stop"}]}],
                      "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "mine"}]}]},
            "zeta": [1, 2.5, null]}"#;
        let m = merge(p(), Some(user), Profile::Governed, Harness::Claude, None).unwrap();
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
        let again = merge(p(), Some(&text), Profile::Governed, Harness::Claude, None).unwrap();
        assert_eq!(again.text, None);
        assert!(again.added.is_empty() && again.updated.is_empty());
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
        let m = merge(p(), Some(user), Profile::Governed, Harness::Claude, None).unwrap();
        let (pre, post, stop, start) = (
            lit(HookSub::PreToolUse, Harness::Claude),
            lit(HookSub::PostToolUse, Harness::Claude),
            lit(HookSub::Stop, Harness::Claude),
            lit(HookSub::SessionStart, Harness::Claude),
        );
        let group = |matcher: &str, command: &str| {
            format!(
                r#"
      {{
        "matcher": "{matcher}",
        "hooks": [
          {{
            "type": "command",
            "command": {command},
            "timeout": 10
          }}
        ]
      }}"#
            )
        };
        let want = format!(
            r#"{{
  "zeta": {{
    "z": 1,
    "a": [
      {{
        "y": true,
        "b": null
      }}
    ]
  }},
  "hooks": {{
    "Stop": [
      {{
        "hooks": [
          {{
            "type": "command",
            "command": "my-stop",
            "async": true
          }}
        ]
      }},
      {{
        "hooks": [
          {{
            "type": "command",
            "command": {stop},
            "timeout": 60
          }}
        ]
      }}
    ],
    "PreToolUse": [
      {{
        "hooks": [
          {{
            "timeout": 5,
            "command": "mine",
            "type": "command"
          }}
        ],
        "matcher": "Bash"
      }},{}
    ],
    "PostToolUse": [{}
    ],
    "PostToolUseFailure": [{}
    ],
    "SessionStart": [
      {{
        "hooks": [
          {{
            "type": "command",
            "command": {start},
            "timeout": 10
          }}
        ]
      }}
    ]
  }},
  "alpha": "1e3 stays a string",
  "n": 1000.0
}}
"#,
            group(CLAUDE_MATCHER, &pre),
            group(CLAUDE_MATCHER, &post),
            group(CLAUDE_MATCHER, &post),
        );
        assert_eq!(m.text.as_deref(), Some(want.as_str()));
        // Cursor's and Copilot's `version` goes first; the user's keys follow in their order.
        let user = r#"{"b": 1, "hooks": {}, "a": 2}"#;
        let m = merge(p(), Some(user), Profile::Governed, Harness::Cursor, None).unwrap();
        let compact: Json = serde_json::from_str(&m.text.unwrap()).unwrap();
        assert_eq!(
            serde_json::to_string(&compact).unwrap(),
            format!(
                r#"{{"version":1,"b":1,"hooks":{{"beforeShellExecution":[{{"command":{}}}]}},"a":2}}"#,
                lit(HookSub::PreToolUse, Harness::Cursor)
            )
        );
        // A duplicated key keeps its first place and its last value, as serde_json reads it.
        let user = r#"{"b": 1, "a": 2, "b": 3}"#;
        let m = merge(p(), Some(user), Profile::Baseline, Harness::Claude, None).unwrap();
        assert!(
            m.text
                .unwrap()
                .starts_with("{\n  \"b\": 3,\n  \"a\": 2,\n  \"hooks\"")
        );
    }

    /// A Claude settings file with the three hooks of the baseline profile, each running
    /// `command(sub)`, under `matcher` (a JSON fragment, possibly empty).
    fn baseline_with(matcher: &str, command: impl Fn(HookSub) -> String) -> String {
        let group = |sub| {
            format!(
                r#"[{{{matcher} "hooks": [{{"type": "command", "command": {}}}]}}]"#,
                serde_json::to_string(&command(sub)).unwrap()
            )
        };
        format!(
            r#"{{"hooks": {{"PreToolUse": {}, "PostToolUse": {}, "PostToolUseFailure": {}}}}}"#,
            group(HookSub::PreToolUse),
            group(HookSub::PostToolUse),
            group(HookSub::PostToolUse)
        )
    }

    #[test]
    fn an_equivalent_entry_is_not_duplicated() {
        // A plain command of the user's naming another binary: theirs, kept as it is.
        let user = baseline_with(
            r#""matcher": "Bash|Write|Edit|MultiEdit|NotebookEdit","#,
            |s| format!("/opt/bin/metalayer hook {}", s.name()),
        );
        let m = merge(p(), Some(&user), Profile::Baseline, Harness::Claude, None).unwrap();
        assert_eq!(m.text, None);
        // A matcher that covers all of ours counts too (`*`, empty, absent, a superset).
        for matcher in [
            r#""matcher": "*","#,
            r#""matcher": "","#,
            "",
            r#""matcher": "Read|NotebookEdit|MultiEdit|Edit|Write|Bash","#,
        ] {
            let user = baseline_with(matcher, |s| cmd(s, Harness::Claude));
            let m = merge(p(), Some(&user), Profile::Baseline, Harness::Claude, None).unwrap();
            assert_eq!(m.text, None, "{matcher}");
        }
    }

    #[test]
    fn earlier_wiring_of_init_is_rewritten_in_place_and_the_users_is_kept() {
        // `metalayer hook …` as earlier versions wrote it fails open: init rewrites it.
        let user = baseline_with(
            r#""matcher": "Bash|Write|Edit|MultiEdit|NotebookEdit","#,
            |s| format!("metalayer hook {}", s.name()),
        );
        let bin = Path::new("/usr/local/bin/metalayer");
        let m = merge(
            p(),
            Some(&user),
            Profile::Baseline,
            Harness::Claude,
            Some(bin),
        )
        .unwrap();
        assert!(m.added.is_empty(), "{:?}", m.added);
        assert_eq!(
            m.updated,
            [
                "PreToolUse gate",
                "PostToolUse outcome",
                "PostToolUseFailure outcome"
            ]
        );
        let v: Value = serde_json::from_str(m.text.as_deref().unwrap()).unwrap();
        assert_eq!(v["hooks"]["PreToolUse"].as_array().unwrap().len(), 1);
        assert_eq!(
            v["hooks"]["PreToolUse"][0]["hooks"][0]["command"],
            hook_command(Some(bin), HookSub::PreToolUse, Harness::Claude)
        );
        // The guarded form for a binary that moved: rewritten to the new one.
        let moved = m.text.unwrap();
        let elsewhere = Path::new("/home/u/.cargo/bin/metalayer");
        let m = merge(
            p(),
            Some(&moved),
            Profile::Baseline,
            Harness::Claude,
            Some(elsewhere),
        )
        .unwrap();
        assert_eq!(m.updated.len(), 3);
        assert!(
            m.text
                .unwrap()
                .contains("/home/u/.cargo/bin/metalayer hook pre-tool-use || {")
        );
        // A wrapper of the user's that runs metalayer is theirs: kept, and counts as wired.
        let user = baseline_with("", |s| {
            format!("cargo run -q -p metalayer -- hook {}", s.name())
        });
        let m = merge(
            p(),
            Some(&user),
            Profile::Baseline,
            Harness::Claude,
            Some(bin),
        )
        .unwrap();
        assert_eq!(m.text, None);
    }

    #[test]
    fn a_partial_matcher_does_not_count_as_wired() {
        // The same command under `Bash` only leaves the file tools ungated: ours is added.
        let user = format!(
            r#"{{"hooks": {{"PreToolUse": [{{"matcher": "Bash", "hooks": [
            {{"type": "command", "command": {}}}]}}]}}}}"#,
            lit(HookSub::PreToolUse, Harness::Claude)
        );
        let m = merge(p(), Some(&user), Profile::Baseline, Harness::Claude, None).unwrap();
        let v: Value = serde_json::from_str(&m.text.unwrap()).unwrap();
        let entries = v["hooks"]["PreToolUse"].as_array().unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0]["matcher"], "Bash");
        assert_eq!(entries[1]["matcher"], CLAUDE_MATCHER);
        assert_eq!(
            m.added,
            [
                "PreToolUse gate",
                "PostToolUse outcome",
                "PostToolUseFailure outcome"
            ]
        );
        // The same command under another event does not count either.
        let user = r#"{"hooks": {"Stop": [{"matcher": "*", "hooks": [
            {"type": "command", "command": "metalayer hook pre-tool-use"}]}]}}"#;
        let m = merge(p(), Some(user), Profile::Baseline, Harness::Claude, None).unwrap();
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
            None,
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
            let err = merge(p(), Some(text), Profile::Governed, Harness::Claude, None)
                .unwrap_err()
                .to_string();
            assert!(err.contains(what), "{err}");
        }
    }

    #[test]
    fn other_harnesses_get_their_readme_shapes() {
        let shape = |h| -> Value {
            serde_json::from_str(
                &merge(p(), None, Profile::Governed, h, None)
                    .unwrap()
                    .text
                    .unwrap(),
            )
            .unwrap()
        };
        let (pre, post) = (HookSub::PreToolUse, HookSub::PostToolUse);
        let codex = Harness::Codex;
        assert_eq!(
            shape(codex),
            json!({"hooks": {
                "PreToolUse": [{"matcher": "Bash|apply_patch", "hooks": [
                    {"type": "command", "command": cmd(pre, codex), "timeout": 10}]}],
                "PostToolUse": [{"matcher": "Bash|apply_patch", "hooks": [
                    {"type": "command", "command": cmd(post, codex), "timeout": 10}]}],
                "Stop": [{"hooks": [
                    {"type": "command", "command": cmd(HookSub::Stop, codex), "timeout": 60}]}],
                "SessionStart": [{"hooks": [
                    {"type": "command", "command": cmd(HookSub::SessionStart, codex), "timeout": 10}]}]}})
        );
        assert!(cmd(pre, codex).starts_with("sh -c '\"$0\" hook pre-tool-use --harness codex ||"));
        let gemini = Harness::Gemini;
        assert_eq!(
            shape(gemini),
            json!({"hooks": {
                "BeforeTool": [{"matcher": "run_shell_command|write_file|replace", "hooks": [
                    {"type": "command", "command": cmd(pre, gemini), "timeout": 10000}]}],
                "AfterTool": [{"matcher": "run_shell_command|write_file|replace", "hooks": [
                    {"type": "command", "command": cmd(post, gemini), "timeout": 10000}]}],
                "AfterAgent": [{"hooks": [
                    {"type": "command", "command": cmd(HookSub::Stop, gemini), "timeout": 60000}]}],
                "SessionStart": [{"hooks": [
                    {"type": "command", "command": cmd(HookSub::SessionStart, gemini), "timeout": 10000}]}]}})
        );
        assert_eq!(
            shape(Harness::Cursor),
            json!({"version": 1, "hooks": {"beforeShellExecution": [
                {"command": cmd(pre, Harness::Cursor)}]}})
        );
        let copilot = Harness::Copilot;
        assert_eq!(
            shape(copilot),
            json!({"version": 1, "hooks": {
                "preToolUse": [{"type": "command", "bash": cmd(pre, copilot), "timeoutSec": 10}],
                "postToolUse": [{"type": "command", "bash": cmd(post, copilot), "timeoutSec": 10}]}})
        );
    }

    #[test]
    fn the_audit_counts_exactly_the_hook_kinds_of_every_profile_and_harness() {
        for profile in Profile::ALL {
            for harness in Harness::ALL {
                let m = merge(p(), None, profile, harness, None).unwrap();
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
