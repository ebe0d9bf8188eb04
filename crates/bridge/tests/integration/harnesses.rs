//! Sessions recorded from the real Codex CLI and Gemini CLI (`tests/data/sessions/`, sandbox
//! paths replaced by `/home/user/<harness>-sandbox`), read into the same model and markdown as
//! Claude Code's.

use std::fs;
use std::path::{Path, PathBuf};

use metalayer_bridge::{
    Capture, CaptureOptions, Format, Redactor, Session, SessionId, ThreadItem, Timestamp,
    ToolOutcome, TranscriptReader, render_session,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sessions")
        .join(name)
}

fn read(name: &str, id: &str) -> Session {
    let bytes = fs::read(fixture(name)).unwrap();
    let mut s = Session::new(SessionId::new(id));
    let stats = TranscriptReader::new(bytes.as_slice(), 0)
        .read_into(&mut s)
        .unwrap();
    assert_eq!(stats.unparsable, 0, "{name}: {stats:?}");
    assert_eq!(stats.pending_bytes, 0);
    s
}

/// The thread as `(kind, text)` pairs: prompts, replies, and calls with their outcome.
fn thread(s: &Session) -> Vec<(String, String)> {
    s.thread
        .iter()
        .map(|item| match item {
            ThreadItem::Prompt(u) => ("prompt".to_owned(), u.text.text.clone()),
            ThreadItem::Assistant(u) => ("reply".to_owned(), u.text.text.clone()),
            ThreadItem::Tool(c) => (format!("{} {:?}", c.name, c.outcome), c.summary.clone()),
            _ => ("other".to_owned(), String::new()),
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn codex_rollout() {
    let s = read(
        "codex-rollout.jsonl",
        "01a244ff-13ae-7543-9f38-cf9da6ae827a",
    );
    assert_eq!(s.format, Some(Format::Codex));
    assert_eq!(
        thread(&s),
        pairs(&[
            ("prompt", "take a note"),
            (
                "exec_command Ok",
                "echo 'git reset --hard is dangerous' > notes.txt && git status --short"
            ),
            ("apply_patch Ok", "PLAN.md"),
            ("reply", "Done."),
        ]),
        "the harness's AGENTS.md and environment messages are no prompts"
    );
    assert_eq!(s.turns, 1);
    assert_eq!(s.title(), Some("take a note"));
    assert_eq!(s.cwd.as_deref(), Some("/home/user/codex-sandbox/repo"));
    assert_eq!(s.version.as_deref(), Some("0.171.0"));
    assert_eq!(s.model.as_deref(), Some("gpt-5.5"));
    assert_eq!(s.branch.as_deref(), Some("main"));
    // The last running total of the rollout.
    assert_eq!(
        (
            s.usage.input,
            s.usage.output,
            s.usage.cache_creation,
            s.usage.cache_read
        ),
        (300, 60, 0, 0)
    );
    // The patch wrote PLAN.md; a shell redirection is not a file tool's write.
    assert_eq!(s.files.iter().collect::<Vec<_>>(), ["PLAN.md"]);
    let Some(ThreadItem::Tool(call)) = s.thread.get(1) else {
        panic!("no call")
    };
    assert_eq!(
        call.output.as_ref().map(|o| o.text.as_str()),
        Some("?? notes.txt"),
        "the output without Codex's header"
    );
    assert_eq!(
        s.first_timestamp.map(|t| t.to_string()).as_deref(),
        Some("2026-12-05T06:58:17Z")
    );
    insta::assert_snapshot!("codex", render_session(&s, &Redactor::new()));
}

#[test]
fn gemini_chat() {
    let s = read("gemini-chat.jsonl", "ab94cf4b-abff-4499-9187-e55d4b836f0b");
    assert_eq!(s.format, Some(Format::Gemini));
    assert_eq!(
        thread(&s),
        pairs(&[
            ("prompt", "take a note"),
            (
                "run_shell_command Ok",
                "echo 'git reset --hard is dangerous' > notes.txt && git status --short"
            ),
            ("write_file Ok", "~/gemini-sandbox/repo/PLAN.md"),
            ("reply", "Done."),
        ]),
        "records written again under the same id are taken in once; the session context is no prompt"
    );
    assert_eq!(s.turns, 1);
    assert_eq!(s.messages, 4, "one prompt and three replies, each once");
    assert_eq!(s.model.as_deref(), Some("gemini-3.8-flash"));
    assert_eq!(
        (
            s.usage.input,
            s.usage.output,
            s.usage.cache_creation,
            s.usage.cache_read
        ),
        (300, 60, 0, 0),
        "each reply's tokens once, though its record is written twice"
    );
    assert_eq!(
        s.files.iter().collect::<Vec<_>>(),
        ["~/gemini-sandbox/repo/PLAN.md"],
        "no working directory in the chat file: without a root the path stays whole, but for \
         the home directory, which is never written out"
    );
    let calls: Vec<ToolOutcome> = s
        .thread
        .iter()
        .filter_map(|i| match i {
            ThreadItem::Tool(c) => Some(c.outcome),
            _ => None,
        })
        .collect();
    assert_eq!(calls, [ToolOutcome::Ok, ToolOutcome::Ok]);
    insta::assert_snapshot!("gemini", render_session(&s, &Redactor::new()));
}

#[test]
fn gemini_with_the_repository_as_root() {
    let tmp = tempfile::tempdir().unwrap();
    let options = CaptureOptions::new(
        fixture("gemini-chat.jsonl"),
        SessionId::new("ab94cf4b-abff-4499-9187-e55d4b836f0b"),
        tmp.path().join("docs/conversations"),
        tmp.path().join(".git/metalayer"),
    )
    .with_root("/home/user/gemini-sandbox/repo")
    .with_now(Timestamp::from_unix_seconds(0));
    let report = Capture::run(&options).unwrap();
    assert!(
        report
            .session_file
            .ends_with("session-2026-12-05-ab94cf4b.md")
    );
    let note = fs::read_to_string(&report.session_file).unwrap();
    assert!(note.contains("files: [\"PLAN.md\"]"), "{note}");
    assert!(note.contains("harness: \"gemini\""), "{note}");
    assert!(
        note.contains("| Model | gemini\\-3.8\\-flash |")
            || note.contains("| Model | gemini-3.8-flash |"),
        "{note}"
    );
    assert!(!Capture::run(&options).unwrap().updated);
}

#[test]
fn codex_capture_is_incremental() {
    let tmp = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(fixture("codex-rollout.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let path = tmp.path().join("rollout.jsonl");
    // The first turn up to the shell call's result, then the rest.
    let cut = lines
        .iter()
        .position(|l| l.contains("custom_tool_call"))
        .unwrap();
    fs::write(&path, format!("{}\n", lines[..cut].join("\n"))).unwrap();
    let options = CaptureOptions::new(
        &path,
        SessionId::new("01a244ff-13ae-7543-9f38-cf9da6ae827a"),
        tmp.path().join("out"),
        tmp.path().join("state"),
    )
    .with_now(Timestamp::from_unix_seconds(0));
    let first = Capture::run(&options).unwrap();
    let note = fs::read_to_string(&first.session_file).unwrap();
    assert!(note.contains("take a note"));
    assert!(!note.contains("PLAN.md"));
    fs::write(&path, &text).unwrap();
    let second = Capture::run(&options).unwrap();
    assert!(second.updated);
    assert_eq!(first.session_file, second.session_file);
    let note = fs::read_to_string(&second.session_file).unwrap();
    assert!(note.contains("files: [\"PLAN.md\"]"), "{note}");
    assert!(note.contains("| Codex CLI | 0.171.0 |"), "{note}");
}

/// The e2e suite's `session_captured` runs, recorded from the real CLIs: a shell call, then a
/// write of a secrets file that metalayer's PreToolUse (Codex) / BeforeTool (Gemini) hook
/// denied.
#[test]
fn denied_writes_are_errors_and_no_files_touched() {
    for (name, tool, path) in [
        ("codex-denied-write.jsonl", "apply_patch", ".env"),
        (
            "gemini-denied-write.jsonl",
            "write_file",
            "certs/server.pem",
        ),
    ] {
        let s = read(name, "x");
        assert_eq!(s.title(), Some("write the release notes"), "{name}");
        assert!(s.files.is_empty(), "{name}: {:?}", s.files);
        let denied = s
            .thread
            .iter()
            .find_map(|i| match i {
                ThreadItem::Tool(c) if c.name == tool => Some(c.clone()),
                _ => None,
            })
            .unwrap();
        assert_eq!(denied.outcome, ToolOutcome::Error, "{name}");
        assert!(denied.summary.ends_with(path), "{name}: {}", denied.summary);
        assert!(
            denied
                .output
                .as_ref()
                .is_some_and(|o| o.text.contains("Safety shield G4")),
            "{name}: {:?}",
            denied.output
        );
    }
}
