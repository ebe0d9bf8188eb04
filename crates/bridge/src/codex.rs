//! Codex CLI rollouts (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl`) into the session
//! model.
//!
//! A rollout line is `{"timestamp", "type", "payload"}`. What is read:
//!
//! - `session_meta`: the session's working directory, CLI version and git branch;
//! - `turn_context`: the model (and the working directory, if the meta had none);
//! - `response_item`: the conversation as the model saw it: `message` (role `user`: a prompt,
//!   unless the harness wrote it: AGENTS.md, environment context; role `assistant`: a reply;
//!   role `developer` and `system`: skipped), `function_call` (`exec_command`, `shell`, ...)
//!   and `custom_tool_call` (`apply_patch`) with their `*_output` results;
//! - `event_msg` of type `token_count`: the running token totals (the last one wins).
//!
//! Everything else (`event_msg` items that repeat the response items, `world_state`,
//! per-response `token_usage_record`) is skipped.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::session::{LineKind, Session, TokenUsage};
use crate::timestamp::Timestamp;
use crate::tool::{CallKind, UseFacts, one_line};

#[derive(Debug, Deserialize)]
struct Line<'a> {
    #[serde(borrow, default)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    payload: Option<&'a RawValue>,
}

/// The `type` of a payload.
#[derive(Debug, Deserialize)]
struct Kind<'a> {
    #[serde(borrow, default, rename = "type")]
    kind: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
struct Meta<'a> {
    #[serde(borrow, default)]
    cwd: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    cli_version: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    git: Option<Git<'a>>,
}

#[derive(Debug, Deserialize)]
struct Git<'a> {
    #[serde(borrow, default)]
    branch: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
struct TurnContext<'a> {
    #[serde(borrow, default)]
    cwd: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
struct Message<'a> {
    #[serde(borrow, default)]
    role: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    content: Option<Vec<Part<'a>>>,
    #[serde(borrow, default)]
    internal_chat_message_metadata_passthrough: Option<Passthrough<'a>>,
}

#[derive(Debug, Deserialize)]
struct Part<'a> {
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
struct Passthrough<'a> {
    #[serde(borrow, default)]
    content_item_metadata: Option<Vec<ItemMeta<'a>>>,
}

#[derive(Debug, Deserialize)]
struct ItemMeta<'a> {
    #[serde(borrow, default)]
    provenance: Option<Kind<'a>>,
}

#[derive(Debug, Deserialize)]
struct Call<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    call_id: Option<Cow<'a, str>>,
    /// `function_call`: the arguments as a JSON string.
    #[serde(borrow, default)]
    arguments: Option<Cow<'a, str>>,
    /// `custom_tool_call`: the free-form input (a patch).
    #[serde(borrow, default)]
    input: Option<Cow<'a, str>>,
    /// `*_output`: a string, or `{content | output, success?}` in some versions.
    #[serde(borrow, default)]
    output: Option<&'a RawValue>,
}

/// The arguments of the shell tools: `exec_command {cmd}`, `shell {command: [argv]}`,
/// `shell_command {command}`.
#[derive(Debug, Default, Deserialize)]
struct ShellArgs<'a> {
    #[serde(borrow, default)]
    cmd: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    command: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
struct TokenCount {
    #[serde(default)]
    info: Option<TokenInfo>,
}

#[derive(Debug, Deserialize)]
struct TokenInfo {
    #[serde(default)]
    total_token_usage: Option<CodexUsage>,
}

#[derive(Debug, Deserialize)]
struct CodexUsage {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    cached_input_tokens: Option<u64>,
    #[serde(default)]
    cache_write_input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
}

/// An output given as an object (older releases).
#[derive(Debug, Deserialize)]
struct OutputObject<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    output: Option<Cow<'a, str>>,
    #[serde(default)]
    success: Option<bool>,
    #[serde(default)]
    metadata: Option<OutputMetadata>,
}

#[derive(Debug, Deserialize)]
struct OutputMetadata {
    #[serde(default)]
    exit_code: Option<i64>,
}

/// Text that marks a user message as written by the harness, not typed by the user.
const CONTEXT: &[&str] = &[
    "# AGENTS.md instructions for",
    "<environment_context>",
    "<user_instructions>",
    "<INSTRUCTIONS>",
    "<permissions instructions>",
    "<skills_instructions>",
    "<turn_aborted>",
    "<user_shell_command>",
];

/// Takes one rollout line into `session`.
pub(crate) fn ingest(session: &mut Session, line: &[u8]) -> LineKind {
    let Ok(record) = serde_json::from_slice::<Line<'_>>(line) else {
        return LineKind::Unparsable;
    };
    let (Some(kind), Some(payload)) = (record.kind.as_deref(), record.payload) else {
        return LineKind::Unparsable;
    };
    let at = record.timestamp.as_deref().and_then(Timestamp::parse);
    let payload = payload.get();
    match kind {
        "session_meta" => {
            let Ok(meta) = serde_json::from_str::<Meta<'_>>(payload) else {
                return LineKind::Unparsable;
            };
            session.note_time(at);
            session.note_cwd(meta.cwd.as_deref());
            session.note_version(meta.cli_version.as_deref());
            session.note_branch(meta.git.as_ref().and_then(|g| g.branch.as_deref()));
            LineKind::Record
        }
        "turn_context" => {
            let Ok(context) = serde_json::from_str::<TurnContext<'_>>(payload) else {
                return LineKind::Unparsable;
            };
            session.note_cwd(context.cwd.as_deref());
            session.note_model(context.model.as_deref());
            LineKind::Record
        }
        "response_item" => response_item(session, payload, at),
        "event_msg" => {
            let Ok(Kind { kind }) = serde_json::from_str::<Kind<'_>>(payload) else {
                return LineKind::Unparsable;
            };
            if kind.as_deref() != Some("token_count") {
                return LineKind::Skipped;
            }
            let Ok(count) = serde_json::from_str::<TokenCount>(payload) else {
                return LineKind::Unparsable;
            };
            if let Some(total) = count.info.and_then(|i| i.total_token_usage) {
                let input = total.input_tokens.unwrap_or(0);
                let cached = total.cached_input_tokens.unwrap_or(0);
                session.set_usage(TokenUsage {
                    input: input.saturating_sub(cached),
                    output: total.output_tokens.unwrap_or(0),
                    cache_creation: total.cache_write_input_tokens.unwrap_or(0),
                    cache_read: cached,
                });
            }
            LineKind::Record
        }
        _ => LineKind::Skipped,
    }
}

fn response_item(session: &mut Session, payload: &str, at: Option<Timestamp>) -> LineKind {
    let Ok(Kind { kind }) = serde_json::from_str::<Kind<'_>>(payload) else {
        return LineKind::Unparsable;
    };
    match kind.as_deref() {
        Some("message") => {
            let Ok(message) = serde_json::from_str::<Message<'_>>(payload) else {
                return LineKind::Unparsable;
            };
            let text = message
                .content
                .iter()
                .flatten()
                .filter_map(|p| p.text.as_deref())
                .collect::<Vec<_>>()
                .join("\n");
            match message.role.as_deref() {
                Some("user") => {
                    session.note_time(at);
                    let typed = message
                        .internal_chat_message_metadata_passthrough
                        .as_ref()
                        .and_then(|p| p.content_item_metadata.as_ref())
                        .is_none_or(|items| {
                            items.iter().any(|i| {
                                i.provenance.as_ref().and_then(|p| p.kind.as_deref())
                                    == Some("user")
                            })
                        });
                    let trimmed = text.trim_start();
                    if typed && !CONTEXT.iter().any(|c| trimmed.starts_with(c)) {
                        session.count_message();
                        session.prompt(&text, at);
                    }
                    LineKind::Record
                }
                Some("assistant") => {
                    session.note_time(at);
                    session.count_message();
                    session.assistant_text(&text, at);
                    LineKind::Record
                }
                _ => LineKind::Skipped,
            }
        }
        Some("reasoning") => {
            #[derive(Deserialize)]
            struct Reasoning<'a> {
                #[serde(borrow, default)]
                summary: Option<Vec<Part<'a>>>,
            }
            let Ok(reasoning) = serde_json::from_str::<Reasoning<'_>>(payload) else {
                return LineKind::Unparsable;
            };
            let text = reasoning
                .summary
                .iter()
                .flatten()
                .filter_map(|p| p.text.as_deref())
                .collect::<Vec<_>>()
                .join("\n\n");
            session.thinking(&text, at);
            LineKind::Record
        }
        Some("function_call" | "custom_tool_call" | "local_shell_call") => {
            let Ok(call) = serde_json::from_str::<Call<'_>>(payload) else {
                return LineKind::Unparsable;
            };
            session.note_time(at);
            let name = call.name.as_deref().unwrap_or("shell").to_owned();
            let id = call.call_id.as_deref().unwrap_or_default().to_owned();
            let facts = call_facts(session, &name, &call);
            session.start_call(id, name, facts, at);
            LineKind::Record
        }
        Some("function_call_output" | "custom_tool_call_output" | "local_shell_call_output") => {
            let Ok(call) = serde_json::from_str::<Call<'_>>(payload) else {
                return LineKind::Unparsable;
            };
            session.note_time(at);
            if let Some(id) = call.call_id.as_deref() {
                let (text, is_error) = call.output.map(output).unwrap_or_default();
                session.resolve_call(id, &text, is_error);
            }
            LineKind::Record
        }
        _ => LineKind::Skipped,
    }
}

/// What a call is: the shell tools as `Bash` (commit and pull-request detection included),
/// `apply_patch` by the files its patch names, anything else by its arguments.
fn call_facts(session: &Session, name: &str, call: &Call<'_>) -> UseFacts {
    if name == "apply_patch" {
        let patch = call
            .input
            .as_deref()
            .map(Cow::Borrowed)
            .or_else(|| {
                // `apply_patch` as a function tool: `{"input": "*** Begin Patch ..."}`.
                let args = call.arguments.as_deref()?;
                let value: serde_json::Value = serde_json::from_str(args).ok()?;
                value
                    .get("input")
                    .and_then(serde_json::Value::as_str)
                    .map(|s| Cow::Owned(s.to_owned()))
            })
            .unwrap_or_default();
        return patch_facts(&patch, session);
    }
    let args = call.arguments.as_deref().unwrap_or_default();
    let shell = serde_json::from_str::<ShellArgs<'_>>(args).unwrap_or_default();
    let command = shell.cmd.map(Cow::into_owned).or_else(|| {
        let raw = shell.command?;
        match serde_json::from_str::<serde_json::Value>(raw.get()).ok()? {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Array(argv) => {
                let words: Vec<&str> = argv.iter().filter_map(serde_json::Value::as_str).collect();
                // `["bash", "-lc", "script"]`: the script is the command.
                match words.as_slice() {
                    [shell, flag, script] if flag.starts_with('-') && flag.ends_with('c') => {
                        let _ = shell;
                        Some((*script).to_owned())
                    }
                    _ => Some(words.join(" ")),
                }
            }
            _ => None,
        }
    });
    match command {
        Some(command) => {
            let input = serde_json::json!({ "command": command });
            let raw = serde_json::value::to_raw_value(&input).ok();
            session.facts("Bash", raw.as_deref())
        }
        None => {
            let raw = RawValue::from_string(args.to_owned()).ok();
            session.facts(name, raw.as_deref())
        }
    }
}

/// The files a Codex patch adds, updates, deletes or moves to (`*** Add File: path`, ...),
/// made relative by `relative`.
pub(crate) fn patch_files(patch: &str, relative: impl Fn(&str) -> String) -> Vec<String> {
    const HEADERS: [&str; 4] = [
        "*** Add File: ",
        "*** Update File: ",
        "*** Delete File: ",
        "*** Move to: ",
    ];
    let mut files: Vec<String> = Vec::new();
    for line in patch.lines() {
        let line = line.trim_end();
        if let Some(path) = HEADERS
            .iter()
            .find_map(|h| line.strip_prefix(h))
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let path = relative(path);
            if !files.contains(&path) {
                files.push(path);
            }
        }
    }
    files
}

fn patch_facts(patch: &str, session: &Session) -> UseFacts {
    let mut files = patch_files(patch, |p| session.relative(p)).into_iter();
    let first = files.next();
    let rest: Vec<String> = files.collect();
    let summary = match (&first, rest.len()) {
        (Some(f), 0) => one_line(f, session.redactor()),
        (Some(f), n) => one_line(&format!("{f} and {n} more"), session.redactor()),
        (None, _) => String::new(),
    };
    UseFacts {
        summary,
        shell: false,
        kind: CallKind::Other,
        writes: first.is_some(),
        file: first,
        also_writes: rest,
        checklist: Vec::new(),
        diff: crate::diff::EditDiff::of_patch(patch, session.limits().diff(), session.redactor()),
        plan: None,
        agent_prompt: None,
        commit_subject: None,
    }
}

/// The text of a call's output and whether it failed: the exit code in the header Codex
/// writes (`Process exited with code N`, `Exit code: N`) or in an object's metadata; the
/// text after `Output:` when there is such a header.
pub(crate) fn output(raw: &RawValue) -> (String, bool) {
    let text = match raw.get().trim_start().as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(raw.get()).unwrap_or_default(),
        Some(b'{') => {
            let Ok(object) = serde_json::from_str::<OutputObject<'_>>(raw.get()) else {
                return (String::new(), false);
            };
            let text = object
                .output
                .or(object.content)
                .map(Cow::into_owned)
                .unwrap_or_default();
            // The text may itself be a JSON object with metadata (older `shell` calls).
            let (inner, inner_error) = if text.trim_start().starts_with('{') {
                RawValue::from_string(text.clone())
                    .ok()
                    .map_or((text, false), |r| output(&r))
            } else {
                let (t, e) = header(&text);
                (t, e)
            };
            let failed = object.success == Some(false)
                || object
                    .metadata
                    .and_then(|m| m.exit_code)
                    .is_some_and(|c| c != 0);
            return (inner, failed || inner_error);
        }
        _ => String::new(),
    };
    header(&text)
}

/// Reads the header Codex puts before a command's output.
fn header(text: &str) -> (String, bool) {
    let mut failed = false;
    let mut body = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(code) = trimmed
            .strip_prefix("Process exited with code ")
            .or_else(|| trimmed.strip_prefix("Exit code: "))
        {
            failed = code.trim().parse::<i64>().is_ok_and(|c| c != 0);
        } else if trimmed == "Output:" {
            body = text.get(offset + line.len()..);
            break;
        } else if !(trimmed.starts_with("Chunk ID:")
            || trimmed.starts_with("Wall time:")
            || trimmed.starts_with("Original token count:")
            || trimmed.starts_with("Process running with session ID"))
        {
            break;
        }
        offset += line.len();
    }
    (body.unwrap_or(text).to_owned(), failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionId;

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_owned()).unwrap()
    }

    #[test]
    fn outputs_and_exit_codes() {
        let ok = raw(
            r#""Chunk ID: 68862c\nWall time: 0.0000 seconds\nProcess exited with code 0\nOriginal token count: 4\nOutput:\n?? notes.txt\n""#,
        );
        assert_eq!(output(&ok), ("?? notes.txt\n".to_owned(), false));
        let failed = raw(r#""Process exited with code 1\nOutput:\nerror: no\n""#);
        assert_eq!(output(&failed), ("error: no\n".to_owned(), true));
        let patch = raw(
            r#""Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nA PLAN.md\n""#,
        );
        assert!(!output(&patch).1);
        let old = raw(r#"{"output":"{\"output\":\"boom\",\"metadata\":{\"exit_code\":2}}"}"#);
        assert_eq!(output(&old), ("boom".to_owned(), true));
        let plain = raw(r#""Command blocked by PreToolUse hook: no. Command: x""#);
        assert_eq!(
            output(&plain).0,
            "Command blocked by PreToolUse hook: no. Command: x"
        );
        assert_eq!(output(&raw("42")), (String::new(), false));
    }

    #[test]
    fn patch_headers() {
        let patch = "*** Begin Patch\n*** Add File: /r/PLAN.md\n+x\n*** Update File: src/a.rs\n@@\n*** Move to: src/b.rs\n*** Delete File: old.txt\n*** End Patch\n";
        assert_eq!(
            patch_files(patch, |p| crate::tool::relative_to(p, Some("/r"))),
            ["PLAN.md", "src/a.rs", "src/b.rs", "old.txt"]
        );
    }

    #[test]
    fn shell_argument_shapes() {
        let mut s = Session::new(SessionId::new("c")).with_format(crate::Format::Codex);
        for (id, name, args) in [
            ("a", "exec_command", r#"{"cmd":"git commit -m x"}"#),
            ("b", "shell", r#"{"command":["bash","-lc","gh pr create"]}"#),
            ("c", "shell_command", r#"{"command":"ls -la"}"#),
            ("d", "view_image", r#"{"path":"a.png"}"#),
        ] {
            let line = serde_json::json!({"type": "response_item", "payload": {
                "type": "function_call", "name": name, "arguments": args, "call_id": id}});
            assert_eq!(s.ingest_line(line.to_string().as_bytes()), LineKind::Record);
        }
        let summaries: Vec<String> = s
            .thread
            .iter()
            .filter_map(|i| match i {
                crate::ThreadItem::Tool(c) => Some(c.summary.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            summaries,
            ["git commit -m x", "gh pr create", "ls -la", "path=a.png"]
        );
    }
}
