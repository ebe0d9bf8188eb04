//! The session record (`<name>.jsonl`) written beside the markdown, on the sessions recorded
//! from the real Codex CLI and Gemini CLI (`tests/data/sessions/`) and on a Claude Code
//! transcript with failures, a denial, a refusal, corrections and a secret.

use std::fs;
use std::path::{Path, PathBuf};

use metalayer_bridge::{
    CallOutcome, Capture, CaptureOptions, SessionId, SessionRecord, SubjectKind, Timestamp,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sessions")
        .join(name)
}

/// Captures `transcript` with the repository as root; returns the record read back and its
/// text.
fn capture(transcript: &Path, id: &str, root: &str) -> (SessionRecord, String, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let output = tmp.path().join("docs/conversations");
    let options = CaptureOptions::new(
        transcript,
        SessionId::new(id),
        &output,
        tmp.path().join(".git/metalayer"),
    )
    .with_root(root)
    .with_now(Timestamp::from_unix_seconds(0));
    let report = Capture::run(&options).unwrap();
    assert_eq!(
        report.record_file,
        report.session_file.with_extension("jsonl"),
        "the record sits beside the markdown"
    );
    let text = fs::read_to_string(&report.record_file).unwrap();
    let parsed = SessionRecord::read(&report.record_file).unwrap();
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    let markdown = report
        .session_file
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(parsed.record.header.markdown, markdown);
    // Kept alive until here: the record was read.
    drop(tmp);
    (parsed.record, text, PathBuf::from(markdown))
}

/// `(tool, kind, subject, outcome)` of every call.
fn calls(record: &SessionRecord) -> Vec<(String, SubjectKind, String, CallOutcome)> {
    record
        .calls
        .iter()
        .map(|c| (c.tool.clone(), c.kind, c.subject.clone(), c.outcome))
        .collect()
}

#[test]
fn codex_denied_write() {
    let (record, text, _) = capture(
        &fixture("codex-denied-write.jsonl"),
        "x",
        "/home/user/codex-sandbox/repo",
    );
    assert_eq!(record.header.harness, "codex");
    assert_eq!(record.header.version, 1);
    assert_eq!(record.header.title, "write the release notes");
    assert!(record.header.started.is_some());
    let calls = calls(&record);
    let (tool, kind, subject, outcome) = calls.last().unwrap();
    assert_eq!(
        (tool.as_str(), *kind, subject.as_str(), *outcome),
        (
            "apply_patch",
            SubjectKind::File,
            ".env",
            CallOutcome::Denied
        ),
        "{calls:?}"
    );
    assert!(
        calls.iter().any(|(t, k, _, o)| t == "exec_command"
            && *k == SubjectKind::Shell
            && *o == CallOutcome::Ok),
        "{calls:?}"
    );
    insta::assert_snapshot!("codex-denied-write-record", text);
    let error = record.calls.last().unwrap().error.as_deref().unwrap();
    assert!(
        error.starts_with("Command blocked by PreToolUse hook: Safety shield G4"),
        "{error}"
    );
    assert!(record.corrections.is_empty());
}

#[test]
fn gemini_denied_write() {
    let (record, _, _) = capture(
        &fixture("gemini-denied-write.jsonl"),
        "x",
        "/home/user/gemini-sandbox/repo",
    );
    assert_eq!(record.header.harness, "gemini");
    let calls = calls(&record);
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0].0, "run_shell_command");
    assert_eq!(calls[0].1, SubjectKind::Shell);
    assert_eq!(calls[0].3, CallOutcome::Ok);
    assert_eq!(
        (
            calls[1].0.as_str(),
            calls[1].1,
            calls[1].2.as_str(),
            calls[1].3
        ),
        (
            "write_file",
            SubjectKind::File,
            "certs/server.pem",
            CallOutcome::Denied
        ),
        "a path relative to the repository"
    );
    assert!(
        record.calls[1]
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("Tool execution blocked: Safety shield G4"))
    );
}

#[test]
fn codex_and_gemini_sessions_that_worked() {
    for (name, id, root, harness) in [
        (
            "codex-rollout.jsonl",
            "01a244ff-13ae-7543-9f38-cf9da6ae827a",
            "/home/user/codex-sandbox/repo",
            "codex",
        ),
        (
            "gemini-chat.jsonl",
            "ab94cf4b-abff-4499-9187-e55d4b836f0b",
            "/home/user/gemini-sandbox/repo",
            "gemini",
        ),
    ] {
        let (record, text, markdown) = capture(&fixture(name), id, root);
        assert_eq!(record.header.harness, harness);
        assert_eq!(record.header.session, id);
        assert!(
            markdown.to_str().unwrap().contains(&record.header.date),
            "{name}"
        );
        assert_eq!(record.calls.len(), 2, "{name}: {:?}", record.calls);
        assert!(
            record
                .calls
                .iter()
                .all(|c| c.outcome == CallOutcome::Ok && c.error.is_none())
        );
        assert!(
            record
                .calls
                .iter()
                .any(|c| c.kind == SubjectKind::File && c.subject == "PLAN.md"),
            "{name}: {:?}",
            record.calls
        );
        assert!(
            text.starts_with(r#"{"type":"session","version":1,"#),
            "{name}: {text}"
        );
        assert_eq!(text.lines().count(), 3, "{name}");
    }
}

fn line(json: serde_json::Value) -> String {
    let mut text = json.to_string();
    text.push('\n');
    text
}

fn use_(id: &str, name: &str, input: serde_json::Value, at: &str) -> String {
    line(serde_json::json!({
        "type": "assistant", "timestamp": at,
        "message": {"id": format!("m-{id}"), "content": [{"type": "tool_use", "id": id, "name": name, "input": input}]}
    }))
}

fn result(id: &str, text: &str, is_error: bool, at: &str) -> String {
    line(serde_json::json!({
        "type": "user", "timestamp": at,
        "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": id, "content": text, "is_error": is_error}]}
    }))
}

fn prompt(text: &str, at: &str) -> String {
    line(serde_json::json!({
        "type": "user", "sessionId": "c1aude00", "cwd": "/home/u/proj", "timestamp": at,
        "message": {"role": "user", "content": text}
    }))
}

#[test]
fn claude_outcomes_corrections_and_redaction() {
    let tmp = tempfile::tempdir().unwrap();
    let transcript = tmp.path().join("c1aude00.jsonl");
    let t = "2026-08-24T18:20:00Z";
    let text = [
        prompt("run the tests", t),
        use_("t1", "Bash", serde_json::json!({"command": "npm   test"}), t),
        result("t1", "\nnpm ERR! missing script: test\nmore", true, t),
        use_("t2", "Bash", serde_json::json!({"command": "pnpm test"}), t),
        result("t2", "ok", false, t),
        use_("t3", "Write", serde_json::json!({"file_path": "/home/u/proj/.env", "content": "x"}), t),
        result("t3", "PreToolUse:Write hook error: Safety shield G4: No writing to secrets files", true, t),
        use_("t4", "Bash", serde_json::json!({"command": "git push --force"}), t),
        result("t4", "The user doesn't want to proceed with this tool use.", true, t),
        use_("t5", "Bash", serde_json::json!({"command": "curl -H 'Authorization: Bearer ghp_0123456789abcdefghijABCDEFGHIJ012345' x"}), t),
        result("t5", "ok", false, t),
        use_("t6", "Read", serde_json::json!({"file_path": "/home/u/proj/src/lib.rs"}), t),
        prompt("don't use npm here, use pnpm; token ghp_0123456789abcdefghijABCDEFGHIJ012345", t),
        prompt("thanks, now commit", t),
    ]
    .concat();
    fs::write(&transcript, text).unwrap();
    let (record, text, _) = capture(&transcript, "c1aude00", "/home/u/proj");
    assert_eq!(record.header.harness, "claude");
    assert_eq!(record.header.date, "2026-08-24");
    let outcomes: Vec<(&str, CallOutcome)> = record
        .calls
        .iter()
        .map(|c| (c.subject.as_str(), c.outcome))
        .collect();
    assert_eq!(
        outcomes.len(),
        5,
        "the call without a result is not written: {outcomes:?}"
    );
    assert_eq!(outcomes[0], ("npm test", CallOutcome::Error));
    assert_eq!(
        record.calls[0].error.as_deref(),
        Some("npm ERR! missing script: test")
    );
    assert_eq!(outcomes[1], ("pnpm test", CallOutcome::Ok));
    assert_eq!(outcomes[2], (".env", CallOutcome::Denied));
    assert_eq!(outcomes[3], ("git push --force", CallOutcome::Asked));
    assert_eq!(outcomes[4].1, CallOutcome::Ok);
    assert_eq!(record.corrections.len(), 1);
    assert!(
        record.corrections[0]
            .text
            .starts_with("don't use npm here, use pnpm")
    );
    assert!(
        !text.contains("ghp_0123456789"),
        "redacted like the markdown: {text}"
    );
    assert!(text.contains("[REDACTED:"), "{text}");
}
