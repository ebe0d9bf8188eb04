//! Gemini CLI chat files (`~/.gemini/tmp/<project>/chats/session-*.jsonl`) into the session
//! model.
//!
//! The file opens with a metadata line (`sessionId`, `projectHash`, `startTime`), then holds
//! message records `{id, timestamp, type, content, ...}`. Gemini CLI appends a record again
//! under the same `id` as it grows (a `gemini` reply is written first with its text and token
//! counts, then again with its `toolCalls`, each carrying its `status` and result), so records
//! are taken in by id: a text is kept once, a call started once and resolved when its status
//! is final, the token counts of a reply taken from its latest record. `$set` records update
//! the metadata (a `messages` array among them is read like records); `$rewindTo` records
//! (the user rewound the conversation) are skipped: the thread keeps what was said.
//!
//! Record types: `user` (text parts: a prompt, unless the harness wrote it:
//! `<session_context>`, `<hook_context>`; `functionResponse` parts: tool results), `gemini`
//! (the model's reply), `info`, `error`, `warning` (skipped).

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::session::{LineKind, Session, TokenUsage};
use crate::timestamp::Timestamp;

#[derive(Debug, Deserialize)]
struct Record<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "type")]
    kind: Option<Cow<'a, str>>,
    /// A string or parts.
    #[serde(borrow, default)]
    content: Option<&'a RawValue>,
    #[serde(default)]
    tokens: Option<Tokens>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "toolCalls")]
    tool_calls: Option<Vec<ToolCall<'a>>>,
    /// The metadata line.
    #[serde(borrow, default, rename = "startTime")]
    start_time: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "sessionId")]
    session_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "$set")]
    set: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "$rewindTo")]
    rewind: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
struct Tokens {
    #[serde(default)]
    input: Option<u64>,
    #[serde(default)]
    output: Option<u64>,
    #[serde(default)]
    cached: Option<u64>,
    #[serde(default)]
    thoughts: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct ToolCall<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    args: Option<&'a RawValue>,
    #[serde(borrow, default)]
    result: Option<Vec<Part<'a>>>,
    #[serde(borrow, default)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    timestamp: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
struct Part<'a> {
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "functionResponse")]
    function_response: Option<FunctionResponse<'a>>,
}

#[derive(Debug, Deserialize)]
struct FunctionResponse<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    response: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
struct Set<'a> {
    #[serde(borrow, default)]
    messages: Option<Vec<&'a RawValue>>,
}

/// How the user texts that Gemini CLI writes itself begin.
const CONTEXT: &[&str] = &["<session_context>", "<hook_context>"];

/// A user message without the `<hook_context>` blocks Gemini CLI puts before the typed prompt
/// (the `additionalContext` of a SessionStart or BeforeAgent hook): the prompt alone.
fn without_hook_context(text: &str) -> std::borrow::Cow<'_, str> {
    const OPEN: &str = "<hook_context>";
    const CLOSE: &str = "</hook_context>";
    let mut rest = text.trim_start();
    if !rest.starts_with(OPEN) {
        return std::borrow::Cow::Borrowed(text);
    }
    while let Some(after) = rest.strip_prefix(OPEN) {
        match after.find(CLOSE) {
            Some(end) => {
                rest = after
                    .get(end + CLOSE.len()..)
                    .unwrap_or_default()
                    .trim_start()
            }
            // Unclosed: all of it is context.
            None => return std::borrow::Cow::Borrowed(""),
        }
    }
    std::borrow::Cow::Borrowed(rest)
}

/// Gemini CLI's tools under the Claude Code names whose inputs they share (`command`,
/// `file_path`, `pattern`, `query`), for the summary, the files written and the commits.
fn claude_name(name: &str) -> &str {
    match name {
        "run_shell_command" => "Bash",
        "write_file" => "Write",
        "replace" | "edit" => "Edit",
        "read_file" => "Read",
        "glob" => "Glob",
        "search_file_content" | "grep_search" | "grep" => "Grep",
        "google_web_search" => "WebSearch",
        other => other,
    }
}

/// Takes one chat-file line into `session`.
pub(crate) fn ingest(session: &mut Session, line: &[u8]) -> LineKind {
    match std::str::from_utf8(line) {
        Ok(text) => ingest_str(session, text),
        Err(_) => LineKind::Unparsable,
    }
}

fn ingest_str(session: &mut Session, line: &str) -> LineKind {
    let Ok(record) = serde_json::from_str::<Record<'_>>(line) else {
        return LineKind::Unparsable;
    };
    if let Some(set) = record.set {
        if let Ok(Set {
            messages: Some(messages),
        }) = serde_json::from_str::<Set<'_>>(set.get())
        {
            for message in messages {
                ingest_str(session, message.get());
            }
        }
        return LineKind::Record;
    }
    if record.rewind.is_some() {
        return LineKind::Skipped;
    }
    if record.session_id.is_some() && record.kind.is_none() {
        // The metadata line.
        session.note_time(record.start_time.as_deref().and_then(Timestamp::parse));
        return LineKind::Record;
    }
    let at = record.timestamp.as_deref().and_then(Timestamp::parse);
    let id = record.id.as_deref().unwrap_or_default();
    match record.kind.as_deref() {
        Some("user") => {
            session.note_time(at);
            let parts = parts(record.content);
            let mut text = String::new();
            for part in &parts {
                if let Some(response) = &part.function_response {
                    if let Some(call) = response.id.as_deref() {
                        let (output, failed) = response_text(response.response);
                        session.resolve_call(call, &output, failed);
                    }
                } else if let Some(t) = part.text.as_deref() {
                    text.push_str(t);
                }
            }
            let typed = without_hook_context(&text);
            let typed = typed.trim_start();
            let typed_prompt = !typed.is_empty() && !CONTEXT.iter().any(|c| typed.starts_with(c));
            if typed_prompt && (id.is_empty() || !session.seen_before(&format!("m:{id}"))) {
                session.count_message();
                session.prompt(typed, at);
            }
            LineKind::Record
        }
        Some("gemini") => {
            session.note_time(at);
            session.note_model(record.model.as_deref());
            let usage = record.tokens.as_ref().map(|t| {
                let input = t.input.unwrap_or(0);
                let cached = t.cached.unwrap_or(0);
                TokenUsage {
                    input: input.saturating_sub(cached),
                    output: t
                        .output
                        .unwrap_or(0)
                        .saturating_add(t.thoughts.unwrap_or(0)),
                    cache_creation: 0,
                    cache_read: cached,
                }
            });
            session.message_usage((!id.is_empty()).then_some(id), usage);
            let text: String = parts(record.content)
                .iter()
                .filter_map(|p| p.text.as_deref())
                .collect();
            if !text.trim().is_empty() && !session.seen_before(&format!("t:{id}:{}", text.len())) {
                session.assistant_text(&text, at);
            }
            for call in record.tool_calls.iter().flatten() {
                tool_call(session, call, at);
            }
            LineKind::Record
        }
        Some(_) => LineKind::Skipped,
        None => LineKind::Unparsable,
    }
}

fn tool_call(session: &mut Session, call: &ToolCall<'_>, at: Option<Timestamp>) {
    let Some(id) = call.id.as_deref().filter(|i| !i.is_empty()) else {
        return;
    };
    if !session.seen_before(&format!("c:{id}")) {
        let name = call.name.as_deref().unwrap_or("unknown");
        let facts = session.facts(claude_name(name), call.args);
        let at = call.timestamp.as_deref().and_then(Timestamp::parse).or(at);
        session.start_call(id.to_owned(), name.to_owned(), facts, at);
    }
    let status = call.status.as_deref().unwrap_or_default();
    if session.is_pending(id) && matches!(status, "success" | "error" | "cancelled") {
        let mut output = String::new();
        let mut failed = status != "success";
        for part in call.result.iter().flatten() {
            if let Some(response) = &part.function_response {
                let (text, error) = response_text(response.response);
                output.push_str(&text);
                failed |= error;
            }
        }
        session.resolve_call(id, &output, failed);
    }
}

/// `content`: a string or parts.
fn parts(content: Option<&RawValue>) -> Vec<Part<'_>> {
    let Some(raw) = content else {
        return Vec::new();
    };
    match raw.get().trim_start().as_bytes().first() {
        Some(b'"') => serde_json::from_str::<Cow<'_, str>>(raw.get())
            .map(|text| {
                vec![Part {
                    text: Some(text),
                    function_response: None,
                }]
            })
            .unwrap_or_default(),
        Some(b'[') => serde_json::from_str(raw.get()).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A function response's text (`output`, else `error`, else the whole object) and whether it
/// is an error; the `<untrusted_context>` wrapper and the `Output: ` prefix Gemini CLI adds to
/// shell output are taken off.
fn response_text(response: Option<&RawValue>) -> (String, bool) {
    #[derive(Deserialize)]
    struct Response<'a> {
        #[serde(borrow, default)]
        output: Option<Cow<'a, str>>,
        #[serde(borrow, default)]
        error: Option<Cow<'a, str>>,
    }
    let Some(raw) = response else {
        return (String::new(), false);
    };
    let Ok(parsed) = serde_json::from_str::<Response<'_>>(raw.get()) else {
        return (raw.get().to_owned(), false);
    };
    let (text, failed) = match (parsed.output, parsed.error) {
        (_, Some(error)) => (error.into_owned(), true),
        (Some(output), None) => (output.into_owned(), false),
        (None, None) => (raw.get().to_owned(), false),
    };
    let inner = text
        .trim()
        .strip_prefix("<untrusted_context>")
        .and_then(|t| t.strip_suffix("</untrusted_context>"))
        .unwrap_or(&text)
        .trim();
    let inner = inner.strip_prefix("Output: ").unwrap_or(inner);
    (inner.to_owned(), failed || shell_failed(inner))
}

/// Whether the trailer Gemini CLI writes after a shell command's output (`Exit Code: 1`,
/// `Signal: 9`, `Process Group PGID: …`, one per line at the end) says the command failed:
/// the call's `status` is `success` whenever the command could be run, whatever it exited
/// with. Only the trailing lines are read, so output that merely mentions an exit code does
/// not count.
fn shell_failed(text: &str) -> bool {
    for line in text.lines().rev() {
        let line = line.trim();
        let Some((key, value)) = line.split_once(": ") else {
            return false;
        };
        let value = value.trim();
        match key {
            // Anything but a number or `(none)` is output, not the trailer.
            "Exit Code" => {
                return value.parse::<i64>().is_ok_and(|code| code != 0);
            }
            "Signal" => {
                if value != "(none)" && value != "0" {
                    return true;
                }
            }
            "Process Group PGID" | "Background PIDs" | "Error" | "Directory" | "Command" => {}
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses() {
        let raw = RawValue::from_string(
            r#"{"output":"<untrusted_context>\nOutput: [main abc1234] x\nProcess Group PGID: 7\n</untrusted_context>"}"#
                .to_owned(),
        )
        .unwrap();
        assert_eq!(
            response_text(Some(&raw)),
            ("[main abc1234] x\nProcess Group PGID: 7".to_owned(), false)
        );
        // A command that ran and exited non-zero: `status` says success, the trailer does not.
        for (output, failed) in [
            (
                "Output: npm ERR! pnpm here\nExit Code: 1\nProcess Group PGID: 23563",
                true,
            ),
            ("Output: fine\nExit Code: 0\nProcess Group PGID: 1", false),
            ("Output: fine\nProcess Group PGID: 1", false),
            ("Output: (empty)\nSignal: 9\nProcess Group PGID: 2", true),
            (
                "Output: Exit Code: 1 is what the docs say\nProcess Group PGID: 3",
                false,
            ),
            (
                "Output: x\nError: (none)\nExit Code: (none)\nSignal: (none)",
                false,
            ),
            ("Output: x\nExit Code: 127", true),
        ] {
            let raw = RawValue::from_string(
                serde_json::json!({"output": format!("<untrusted_context>\n{output}\n</untrusted_context>")})
                    .to_string(),
            )
            .unwrap();
            assert_eq!(response_text(Some(&raw)).1, failed, "{output}");
        }
        let raw = RawValue::from_string(r#"{"error":"denied"}"#.to_owned()).unwrap();
        assert_eq!(response_text(Some(&raw)), ("denied".to_owned(), true));
        assert_eq!(response_text(None), (String::new(), false));
    }

    #[test]
    fn hook_context_before_a_prompt_is_left_out() {
        for (text, prompt) in [
            (
                "<hook_context>governed</hook_context>\n\ntidy up",
                "tidy up",
            ),
            (
                "  <hook_context>a</hook_context><hook_context>b</hook_context> go",
                "go",
            ),
            ("<hook_context>only context</hook_context>", ""),
            ("<hook_context>unclosed", ""),
            ("plain prompt", "plain prompt"),
            (
                "a prompt quoting <hook_context>x</hook_context>",
                "a prompt quoting <hook_context>x</hook_context>",
            ),
        ] {
            assert_eq!(without_hook_context(text).trim(), prompt, "{text}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(claude_name("run_shell_command"), "Bash");
        assert_eq!(claude_name("mcp__x__y"), "mcp__x__y");
    }
}
