//! `metalayer distill` and `metalayer schema distill`, run for real on sessions captured by
//! `metalayer capture` (Claude Code transcripts) and on the Codex and Gemini sessions recorded
//! from the real CLIs.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};

use metalayer_test_support::fake_repo;

fn metalayer(root: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("metalayer")
        .unwrap()
        .args(args)
        .current_dir(root)
        .output()
        .unwrap()
}

fn line(value: &Value) -> String {
    format!("{value}\n")
}

/// A Claude Code transcript in which `npm test` fails and `pnpm test` works, and the user
/// says not to use npm.
fn claude_transcript(dir: &Path, id: &str, day: u32) -> PathBuf {
    claude_transcript_with(dir, id, day, &[])
}

/// [`claude_transcript`] with further Bash calls at its end: `(command, output, failed)`.
pub(super) fn claude_transcript_with(
    dir: &Path,
    id: &str,
    day: u32,
    extra: &[(&str, &str, bool)],
) -> PathBuf {
    let at = format!("2026-12-0{day}T10:00:00Z");
    let cwd = dir.to_str().unwrap();
    let prompt = |text: &str| {
        line(
            &json!({"type": "user", "sessionId": id, "cwd": cwd, "timestamp": at,
            "message": {"role": "user", "content": text}}),
        )
    };
    let call = |n: &str, command: &str| {
        line(
            &json!({"type": "assistant", "timestamp": at, "message": {"id": format!("m{n}"),
            "content": [{"type": "tool_use", "id": n, "name": "Bash", "input": {"command": command}}]}}),
        )
    };
    let result = |n: &str, text: &str, error: bool| {
        line(
            &json!({"type": "user", "timestamp": at, "message": {"role": "user",
            "content": [{"type": "tool_result", "tool_use_id": n, "content": text, "is_error": error}]}}),
        )
    };
    let text = [
        prompt("run the tests"),
        call("t1", "npm test"),
        result("t1", "npm ERR! Missing script: \"test\"", true),
        call("t2", "pnpm test"),
        result("t2", "ok 12 tests", false),
        prompt("don't use npm here, this is a pnpm workspace"),
    ]
    .concat();
    let mut text = text;
    for (n, (command, output, failed)) in extra.iter().enumerate() {
        let id = format!("x{n}");
        text.push_str(&call(&id, command));
        text.push_str(&result(&id, output, *failed));
    }
    let path = dir.join(format!("{id}.jsonl"));
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn lessons_from_captured_sessions_in_human_and_json_form() {
    let r = fake_repo(None);
    let root = r.path();
    let transcripts = tempfile::tempdir().unwrap();
    for (n, id) in ["aaaa0001", "bbbb0002", "cccc0003"].iter().enumerate() {
        let day = u32::try_from(n).unwrap() + 1;
        let t = claude_transcript(transcripts.path(), id, day);
        let out = metalayer(
            root,
            &["capture", "--json", "--transcript", t.to_str().unwrap()],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let record = report["record_file"].as_str().unwrap();
        assert!(record.ends_with(&format!("-{id}.jsonl")), "{report}");
        assert!(Path::new(record).is_file());
    }
    let records: Vec<_> = fs::read_dir(root.join("docs/conversations"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".jsonl"))
        .collect();
    assert_eq!(records.len(), 3);

    let out = metalayer(root, &["distill", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["sessions_read"], 3);
    assert_eq!(json["calls_read"], 6);
    assert_eq!(json["warnings"], json!([]));
    let lessons = json["lessons"].as_array().unwrap();
    let use_instead = lessons.iter().find(|l| l["kind"] == "use_instead").unwrap();
    assert_eq!(use_instead["key"], "npm -> pnpm");
    assert_eq!(use_instead["occurrences"], 3);
    assert_eq!(use_instead["rule"], "Use `pnpm`, not `npm`.");
    assert_eq!(use_instead["block"], json!(["npm test"]));
    assert_eq!(use_instead["allow"], json!(["pnpm test"]));
    assert_eq!(use_instead["harnesses"], json!(["claude"]));
    let sessions: Vec<&str> = use_instead["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["markdown"].as_str().unwrap())
        .collect();
    assert_eq!(
        sessions,
        [
            "docs/conversations/session-2026-12-01-aaaa0001.md",
            "docs/conversations/session-2026-12-02-bbbb0002.md",
            "docs/conversations/session-2026-12-03-cccc0003.md"
        ]
    );
    for s in &sessions {
        assert!(root.join(s).is_file(), "{s}");
    }
    let correction = lessons.iter().find(|l| l["kind"] == "correction").unwrap();
    assert_eq!(correction["key"], "npm");
    let id = use_instead["id"].as_str().unwrap();
    assert!(id.starts_with("L-") && id.len() == 10, "{id}");

    // The same ids in the human form, run after run.
    let out = metalayer(root, &["distill"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "{id}  use_instead  3 times in 3 sessions (claude)"
        )),
        "{text}"
    );
    assert!(text.contains("rule: Use `pnpm`, not `npm`."), "{text}");
    assert!(text.contains("session-2026-12-01-aaaa0001.md"), "{text}");

    // Above the threshold: nothing, and still success.
    let out = metalayer(root, &["distill", "--min-sessions", "4", "--json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["lessons"], json!([]));

    // A corrupt line: a warning on stderr naming the file and line; the rest still read.
    let first = records.first().unwrap().path();
    let mut text = fs::read_to_string(&first).unwrap();
    text.push_str("{broken\n");
    fs::write(&first, text).unwrap();
    let out = metalayer(root, &["distill"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let name = first.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        stderr.contains("warning: ") && stderr.contains(&format!("{name}:")),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(id));
    let out = metalayer(root, &["distill", "--json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["warnings"].as_array().unwrap().len(), 1, "{json}");
    assert!(out.stderr.is_empty(), "warnings go into the JSON");
}

#[test]
fn real_codex_and_gemini_sessions_and_since() {
    let r = fake_repo(None);
    let root = r.path();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bridge/tests/data/sessions");
    for (n, name) in [
        "codex-denied-write.jsonl",
        "gemini-denied-write.jsonl",
        "codex-rollout.jsonl",
        "gemini-chat.jsonl",
    ]
    .iter()
    .enumerate()
    {
        let out = metalayer(
            root,
            &[
                "capture",
                "--transcript",
                fixtures.join(name).to_str().unwrap(),
                "--session",
                &format!("{n}0000000-fixture"),
            ],
        );
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = metalayer(root, &["distill", "--json", "--min-sessions", "2"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["sessions_read"], 4);
    assert_eq!(json["calls_read"], 8, "{json:#}");
    // The sessions were recorded at fixed times in the past; the last second has none.
    let out = metalayer(root, &["distill", "--since", "1s"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no session records") && stderr.contains("for that period"),
        "{stderr}"
    );
}

#[test]
fn errors_and_schema() {
    let r = fake_repo(None);
    let out = metalayer(r.path(), &["distill"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no session records in"), "{stderr}");
    assert!(stderr.contains("metalayer init"), "{stderr}");
    let out = metalayer(r.path(), &["distill", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], false);

    let out = metalayer(r.path(), &["distill", "--since", "30x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no duration"));
    let out = metalayer(r.path(), &["distill", "--min-sessions", "0"]);
    assert_eq!(out.status.code(), Some(2));

    let out = metalayer(r.path(), &["schema", "distill"]);
    assert!(out.status.success());
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = schema.to_string();
    for field in [
        "lessons",
        "approval_rate",
        "block",
        "allow",
        "gate",
        "use_instead",
        "broken_rule",
    ] {
        assert!(text.contains(field), "{field}");
    }
}
