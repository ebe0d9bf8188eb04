//! Subagents: the transcripts of `Task` calls (`<session>/subagents/agent-<id>.jsonl`, or
//! `agent-<id>.jsonl` beside the session in older releases) read with the session, shown under
//! the call that started them, their files and commits counted with the session.

use std::fs;
use std::path::Path;

use metalayer_bridge::{Capture, CaptureOptions, SessionId, Timestamp};
use serde_json::{Value, json};

const SESSION: &str = "6151b6fd-0000-4000-8000-00000000aaaa";

fn line(value: &Value) -> String {
    format!("{value}\n")
}

/// A main transcript: one prompt, a `Task` call whose result names agent `agent`, then the
/// answer. `by_record`: the agent id is in the record's `toolUseResult` (newer releases), else
/// only in the result's text.
fn main_transcript(cwd: &str, agent: &str, by_record: bool) -> String {
    let at = "2026-12-05T10:00:00Z";
    let mut result = json!({"type": "user", "sessionId": SESSION, "cwd": cwd, "timestamp": at,
        "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_task",
        "content": [{"type": "text", "text": format!("Done: the parser is fixed.\nagentId: {agent} (for resuming)")}]}]}});
    if by_record {
        result["toolUseResult"] =
            json!({"status": "completed", "agentId": agent, "totalToolUseCount": 3});
        result["message"]["content"][0]["content"] =
            json!([{"type": "text", "text": "Done: the parser is fixed."}]);
    }
    [
        line(&json!({"type": "user", "sessionId": SESSION, "cwd": cwd, "timestamp": at,
            "message": {"role": "user", "content": "fix the parser with a subagent"}})),
        line(&json!({"type": "assistant", "sessionId": SESSION, "cwd": cwd, "timestamp": at,
            "message": {"id": "msg_1", "content": [{"type": "tool_use", "id": "toolu_task", "name": "Task",
            "input": {"subagent_type": "general-purpose", "description": "fix the parser", "prompt": "Fix it."}}],
            "usage": {"input_tokens": 10, "output_tokens": 20}}})),
        line(&result),
        line(&json!({"type": "assistant", "sessionId": SESSION, "cwd": cwd, "timestamp": at,
            "message": {"id": "msg_2", "content": [{"type": "text", "text": "The subagent fixed it."}],
            "usage": {"input_tokens": 5, "output_tokens": 7}}})),
    ]
    .concat()
}

/// A subagent's transcript: sidechain records that write a file and commit it.
fn subagent_transcript(cwd: &str, agent: &str) -> String {
    let at = "2026-12-05T10:00:01Z";
    let record = |kind: &str, message: Value| {
        line(
            &json!({"type": kind, "isSidechain": true, "agentId": agent, "sessionId": SESSION,
            "cwd": cwd, "timestamp": at, "message": message}),
        )
    };
    [
        record("user", json!({"role": "user", "content": "Fix it."})),
        record(
            "assistant",
            json!({"id": "sub_1", "content": [{"type": "tool_use", "id": "s1", "name": "Write",
            "input": {"file_path": format!("{cwd}/src/parser.rs"), "content": "fn parse() {}\n"}}],
            "usage": {"input_tokens": 100, "output_tokens": 200}}),
        ),
        record(
            "user",
            json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "s1",
            "content": "File created successfully"}]}),
        ),
        record(
            "assistant",
            json!({"id": "sub_2", "content": [{"type": "tool_use", "id": "s2", "name": "Bash",
            "input": {"command": "git commit -am 'Fix the parser'"}}]}),
        ),
        record(
            "user",
            json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "s2",
            "content": "[main 1a2b3c4] Fix the parser\n 1 file changed"}]}),
        ),
        record(
            "assistant",
            json!({"id": "sub_3", "content": [{"type": "tool_use", "id": "s3", "name": "Bash",
            "input": {"command": "cargo test"}}]}),
        ),
        record(
            "user",
            json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "s3",
            "content": "error: 1 test failed", "is_error": true}]}),
        ),
    ]
    .concat()
}

fn capture(dir: &Path, cwd: &str) -> String {
    let options = CaptureOptions::new(
        dir.join(format!("{SESSION}.jsonl")),
        SessionId::new(SESSION),
        dir.join("out"),
        dir.join("state"),
    )
    .with_root(cwd)
    .with_now(Timestamp::from_unix_seconds(1_800_000_000));
    let report = Capture::run(&options).unwrap();
    fs::read_to_string(report.session_file).unwrap()
}

#[test]
fn a_subagent_in_the_subagents_folder_is_shown_under_its_task_and_counted() {
    for by_record in [true, false] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let cwd = "/home/u/proj";
        fs::write(
            dir.join(format!("{SESSION}.jsonl")),
            main_transcript(cwd, "a1b2c3d", by_record),
        )
        .unwrap();
        let folder = dir.join(SESSION).join("subagents");
        fs::create_dir_all(&folder).unwrap();
        fs::write(
            folder.join("agent-a1b2c3d.jsonl"),
            subagent_transcript(cwd, "a1b2c3d"),
        )
        .unwrap();
        // Compaction's own agent is internal: left out.
        fs::write(
            folder.join("agent-acompact-9f9f.jsonl"),
            subagent_transcript(cwd, "acompact-9f9f"),
        )
        .unwrap();
        let md = capture(dir, cwd);
        let task = md.find("**`Task`**").expect(&md);
        let details = md
            .find("<details><summary>Subagent `a1b2c3d`: 3 tool calls, 1 file written, 1 commit")
            .unwrap_or_else(|| panic!("by_record {by_record}:\n{md}"));
        assert!(details > task, "under its call:\n{md}");
        for shown in [
            "- `Write` (ok) `src/parser.rs`",
            "- `Bash` (ok) `git commit -am 'Fix the parser'`",
            "- `Bash` (error) `cargo test`",
            "- wrote `src/parser.rs`",
            "- commit `1a2b3c4` Fix the parser",
        ] {
            assert!(md.contains(shown), "{shown:?} in\n{md}");
        }
        assert!(!md.contains("acompact"), "{md}");
        // Counted with the session.
        let touched = md.split("## Files touched (written)").nth(1).unwrap();
        assert!(touched.contains("src/parser.rs"), "{md}");
        let commits = md.split("\n## Commits").nth(1).unwrap();
        assert!(commits.contains("1a2b3c4"), "{md}");
    }
}

/// Older releases wrote a subagent's records into the session's own transcript
/// (`isSidechain`), between the `Task` call and its result, which names no agent.
#[test]
fn an_inline_subagent_is_shown_under_its_task_and_counted() {
    let cwd = "/home/u/proj";
    let main = main_transcript(cwd, "unused", false);
    let mut lines: Vec<String> = main.lines().map(|l| format!("{l}\n")).collect();
    // Its result says nothing of an agent id.
    lines[2] = lines[2].replace("\\nagentId: unused (for resuming)", "");
    assert!(!lines[2].contains("agentId"), "{}", lines[2]);
    let mut parent: Option<String> = None;
    let sidechain: Vec<String> = subagent_transcript(cwd, "x")
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("agentId");
            let uuid = format!("side-{i}");
            v["uuid"] = json!(uuid);
            v["parentUuid"] = json!(parent);
            parent = Some(uuid);
            line(&v)
        })
        .collect();
    for variant in ["chained", "without ids"] {
        let mut side = sidechain.clone();
        if variant == "without ids" {
            side = side
                .iter()
                .map(|l| {
                    let mut v: Value = serde_json::from_str(l).unwrap();
                    v.as_object_mut().unwrap().remove("uuid");
                    v.as_object_mut().unwrap().remove("parentUuid");
                    line(&v)
                })
                .collect();
        }
        let transcript: String = [lines[..2].concat(), side.concat(), lines[2..].concat()].concat();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join(format!("{SESSION}.jsonl")), transcript).unwrap();
        let md = capture(dir, cwd);
        let task = md.find("**`Task`**").expect(&md);
        let details = md
            .find("<details><summary>Subagent `toolu_task`: 3 tool calls, 1 file written, 1 commit")
            .unwrap_or_else(|| panic!("{variant}:\n{md}"));
        assert!(details > task, "{variant}: under its call:\n{md}");
        for shown in [
            "- `Write` (ok) `src/parser.rs`",
            "- `Bash` (ok) `git commit -am 'Fix the parser'`",
            "- `Bash` (error) `cargo test`",
        ] {
            assert!(md.contains(shown), "{variant}: {shown:?} in\n{md}");
        }
        // The subagent's prompt and calls are not the main thread's.
        assert_eq!(md.matches("Fix it.").count(), 0, "{variant}:\n{md}");
        assert!(md.contains("turns: 1"), "{variant}:\n{md}");
        let touched = md.split("## Files touched (written)").nth(1).unwrap();
        assert!(touched.contains("src/parser.rs"), "{variant}:\n{md}");
        let commits = md.split("\n## Commits").nth(1).unwrap();
        assert!(commits.contains("1a2b3c4"), "{variant}:\n{md}");
    }
}

/// A subagent file beside the session whose `Task` result names no agent is still shown.
#[test]
fn a_subagent_no_call_names_is_shown_after_the_thread() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cwd = "/home/u/proj";
    let main =
        main_transcript(cwd, "unused", false).replace("\\nagentId: unused (for resuming)", "");
    fs::write(dir.join(format!("{SESSION}.jsonl")), main).unwrap();
    let folder = dir.join(SESSION).join("subagents");
    fs::create_dir_all(&folder).unwrap();
    fs::write(
        folder.join("agent-e5f6a7b.jsonl"),
        subagent_transcript(cwd, "e5f6a7b"),
    )
    .unwrap();
    let md = capture(dir, cwd);
    let heading = md
        .find("### Subagents whose starting call the transcript does not name")
        .expect(&md);
    let details = md.find("<details><summary>Subagent `e5f6a7b`").expect(&md);
    assert!(heading < details, "{md}");
}

#[test]
fn older_agent_files_beside_the_session_count_only_for_their_session() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cwd = "/home/u/proj";
    fs::write(
        dir.join(format!("{SESSION}.jsonl")),
        main_transcript(cwd, "b2c3d4e", false),
    )
    .unwrap();
    fs::write(
        dir.join("agent-b2c3d4e.jsonl"),
        subagent_transcript(cwd, "b2c3d4e"),
    )
    .unwrap();
    // Another session's agent, in the same project folder.
    let other = subagent_transcript(cwd, "c3d4e5f")
        .replace(SESSION, "ffffffff-0000-4000-8000-000000000000")
        .replace("1a2b3c4", "9999999");
    fs::write(dir.join("agent-c3d4e5f.jsonl"), other).unwrap();
    let md = capture(dir, cwd);
    assert!(md.contains("Subagent `b2c3d4e`"), "{md}");
    assert!(!md.contains("c3d4e5f") && !md.contains("9999999"), "{md}");
}

#[test]
fn a_missing_or_broken_subagent_file_changes_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cwd = "/home/u/proj";
    fs::write(
        dir.join(format!("{SESSION}.jsonl")),
        main_transcript(cwd, "d4e5f6a", true),
    )
    .unwrap();
    let alone = capture(dir, cwd);
    assert!(!alone.contains("<details><summary>Subagent"), "{alone}");
    let folder = dir.join(SESSION).join("subagents");
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("agent-d4e5f6a.jsonl"), "not json\n\u{0}\n").unwrap();
    fs::write(folder.join("agent-..%2f.jsonl"), "{}\n").unwrap();
    let md = capture(dir, cwd);
    assert!(!md.contains("<details><summary>Subagent"), "{md}");
    assert!(md.contains("The subagent fixed it."), "{md}");
}

/// A session recorded from the real Claude Code 2.1.332 by the e2e suite's `subagent_captured`
/// run (sandbox paths replaced by `/home/user/claude-sandbox`): an `Agent` call whose foreground
/// subagent wrote a file, committed it, and had its `git reset --hard` denied by metalayer's
/// PreToolUse hook; then one call of the main agent.
#[test]
fn a_subagent_recorded_from_the_real_claude_code_is_shown_and_counted() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sessions/claude-subagent/38899506-f23f-4b64-a675-0d1ef6011f21.jsonl");
    let tmp = tempfile::tempdir().unwrap();
    let options = CaptureOptions::new(
        fixture,
        SessionId::new("38899506-f23f-4b64-a675-0d1ef6011f21"),
        tmp.path().join("out"),
        tmp.path().join("state"),
    )
    .with_root("/home/user/claude-sandbox/repo")
    .with_now(Timestamp::from_unix_seconds(1_800_000_000));
    let report = Capture::run(&options).unwrap();
    let md = fs::read_to_string(report.session_file).unwrap();
    let agent = md
        .find("**`Agent`** (ok) `general-purpose: scripted subagent`")
        .expect(&md);
    let details = md
        .find("<details><summary>Subagent `aab80d7a1e557ce4e`: 4 tool calls, 1 file written, 1 commit")
        .unwrap_or_else(|| panic!("{md}"));
    let main_call = md.find("**`Bash`** (ok) `echo main > MAIN.md`").expect(&md);
    assert!(agent < details && details < main_call, "{md}");
    for shown in [
        "- `Write` (ok) `docs/NOTES.md`",
        "- `Bash` (ok) `git add docs/NOTES.md`",
        "- `Bash` (ok) `git commit -m 'Add release notes from a subagent'`",
        "- `Bash` (denied) `git reset --hard HEAD~1`",
        "- wrote `docs/NOTES.md`",
        "Add release notes from a subagent",
    ] {
        assert!(
            md.get(details..main_call).unwrap().contains(shown),
            "{shown:?} in\n{md}"
        );
    }
    assert!(md.contains("files: [\"docs/NOTES.md\"]"), "{md}");
    let touched = md.split("## Files touched (written)").nth(1).unwrap();
    assert!(
        touched
            .split("\n## ")
            .next()
            .unwrap()
            .contains("docs/NOTES.md"),
        "{md}"
    );
    let commits = md.split("\n## Commits").nth(1).unwrap();
    assert!(
        commits
            .split("\n## ")
            .next()
            .unwrap()
            .contains("Add release notes from a subagent"),
        "{md}"
    );
    // No path of the machine it was recorded on, no home directory.
    assert!(!md.contains("/home/user/claude-sandbox/home"), "{md}");
}
