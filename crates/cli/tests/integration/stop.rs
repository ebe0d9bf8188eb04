//! `metalayer hook stop` and `metalayer capture`: sessions into docs/conversations.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::json;

use metalayer_test_support::fake_repo;

/// Transcript lines of one turn: a user prompt and an assistant answer with a tool call.
fn turn(session: &str, n: u32, prompt: &str) -> String {
    let ts = |s: u32| format!("2026-11-20T10:{:02}:{:02}.000Z", n, s);
    let lines = [
        json!({"type": "user", "sessionId": session, "uuid": format!("u{n}"), "timestamp": ts(0),
               "cwd": "/repo", "gitBranch": "main", "version": "2.1.200",
               "message": {"role": "user", "content": prompt}}),
        json!({"type": "assistant", "sessionId": session, "uuid": format!("a{n}"), "timestamp": ts(10),
               "cwd": "/repo", "gitBranch": "main",
               "message": {"id": format!("msg_{n}"), "role": "assistant", "model": "claude",
                           "content": [{"type": "text", "text": format!("Working on turn {n}.")}],
                           "usage": {"input_tokens": 10, "output_tokens": 5}}}),
        json!({"type": "assistant", "sessionId": session, "uuid": format!("b{n}"), "timestamp": ts(11),
               "cwd": "/repo", "gitBranch": "main",
               "message": {"id": format!("msg_{n}"), "role": "assistant", "model": "claude",
                           "content": [{"type": "tool_use", "id": format!("toolu_{n}"), "name": "Bash",
                                        "input": {"command": "cargo test"}}],
                           "usage": {"input_tokens": 10, "output_tokens": 5}}}),
        json!({"type": "user", "sessionId": session, "uuid": format!("r{n}"), "timestamp": ts(20),
               "cwd": "/repo", "gitBranch": "main",
               "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": format!("toolu_{n}"),
                           "content": "test result: ok", "is_error": false}]}}),
    ];
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn stop(root: &Path, session: &str, transcript: &Path) -> std::process::Output {
    let event = json!({
        "session_id": session, "transcript_path": transcript, "cwd": root,
        "hook_event_name": "Stop", "stop_hook_active": false,
    });
    Command::cargo_bin("metalayer")
        .unwrap()
        .args(["hook", "stop"])
        .env("CLAUDE_PROJECT_DIR", root)
        .write_stdin(event.to_string())
        .output()
        .unwrap()
}

/// `metalayer capture --transcript TRANSCRIPT [EXTRA…]` run in `root`; fails the test unless it
/// succeeds, and returns its standard output.
fn capture(root: &Path, transcript: &Path, extra: &[&str]) -> Vec<u8> {
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["capture", "--transcript"])
        .arg(transcript)
        .args(extra)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn conversations(root: &Path) -> PathBuf {
    root.join("docs/conversations")
}

/// The session notes (`session-*.md`), sorted.
fn session_files(root: &Path) -> Vec<PathBuf> {
    session_files_ending(root, ".md")
}

/// The session files whose name ends with `suffix`, sorted.
fn session_files_ending(root: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(conversations(root))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.file_name().is_some_and(|n| {
            let n = n.to_string_lossy();
            n.starts_with("session-") && n.ends_with(suffix)
        })
    });
    files.sort();
    files
}

#[test]
fn a_stop_event_writes_one_session_file_and_an_index_entry_and_a_second_turn_updates_it() {
    let r = fake_repo(None);
    let transcript = r.path().join("t.jsonl");
    let secret = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    std::fs::write(
        &transcript,
        turn(
            "sess-aaaa-1111",
            1,
            &format!("deploy with token {secret} please"),
        ),
    )
    .unwrap();
    let out = stop(r.path(), "sess-aaaa-1111", &transcript);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.is_empty(),
        "the Stop hook never prints a decision"
    );
    let files = session_files(r.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(name, "session-2026-11-20-sess-aaa.md");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("deploy with token"), "{text}");
    assert!(!text.contains(secret), "secret leaked: {text}");
    assert!(text.contains("Bash"), "{text}");
    let index = std::fs::read_to_string(conversations(r.path()).join("Conversations.md")).unwrap();
    assert!(index.contains(&name.replace(".md", "")), "{index}");
    // Bookkeeping lives in the git directory, not in docs/conversations.
    assert!(r.path().join(".git/metalayer/bridge").is_dir());

    // The next turn lands in the same file.
    let mut more = std::fs::read_to_string(&transcript).unwrap();
    more.push_str(&turn("sess-aaaa-1111", 2, "now write the changelog"));
    std::fs::write(&transcript, more).unwrap();
    assert_eq!(
        stop(r.path(), "sess-aaaa-1111", &transcript).status.code(),
        Some(0)
    );
    let files = session_files(r.path());
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        text.contains("deploy with token") && text.contains("now write the changelog"),
        "{text}"
    );
}

#[test]
fn eight_sessions_stopping_at_once_all_reach_the_index() {
    let r = fake_repo(None);
    let root = r.path().to_path_buf();
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let root = root.clone();
            std::thread::spawn(move || {
                let session = format!("par{i:02}xxxx-session");
                let transcript = root.join(format!("{session}.jsonl"));
                std::fs::write(
                    &transcript,
                    turn(&session, i, &format!("parallel prompt {i}")),
                )
                .unwrap();
                stop(&root, &session, &transcript).status.code()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), Some(0));
    }
    assert_eq!(session_files(&root).len(), 8);
    assert_eq!(
        session_files_ending(&root, ".jsonl").len(),
        8,
        "each note has its record"
    );
    let index = std::fs::read_to_string(conversations(&root).join("Conversations.md")).unwrap();
    for i in 0..8 {
        assert!(
            index.contains(&format!("par{i:02}xxx")),
            "entry {i} missing:\n{index}"
        );
    }
}

#[test]
fn garbage_and_missing_transcripts_change_nothing_and_never_block() {
    let r = fake_repo(None);
    let transcript = r.path().join("t.jsonl");
    std::fs::write(
        &transcript,
        turn("keep-0000-session", 1, "the first prompt"),
    )
    .unwrap();
    assert_eq!(
        stop(r.path(), "keep-0000-session", &transcript)
            .status
            .code(),
        Some(0)
    );
    let before: Vec<(PathBuf, Vec<u8>)> = session_files(r.path())
        .into_iter()
        .chain([conversations(r.path()).join("Conversations.md")])
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();

    std::fs::write(&transcript, "this is not json\n\u{0}\u{1}garbage\n").unwrap();
    let garbage = stop(r.path(), "keep-0000-session", &transcript);
    let missing = stop(r.path(), "keep-0000-session", &r.path().join("nope.jsonl"));
    let malformed = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["hook", "stop"])
        .env("CLAUDE_PROJECT_DIR", r.path())
        .write_stdin("{oops")
        .output()
        .unwrap();
    for out in [garbage, missing, malformed] {
        assert_eq!(out.status.code(), Some(0));
        assert!(out.stdout.is_empty());
        assert!(!out.stderr.is_empty(), "failures are reported on stderr");
    }
    for (path, bytes) in before {
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{} changed",
            path.display()
        );
    }
    let log = std::fs::read_to_string(r.path().join(".git/metalayer/bridge.log")).unwrap();
    assert!(log.contains("metalayer stop hook"), "{log}");
}

#[test]
fn the_policy_can_turn_the_bridge_off_and_move_its_folder() {
    let r = fake_repo(None);
    std::fs::create_dir(r.path().join(".control")).unwrap();
    std::fs::write(
        r.path().join(".control/policy.yaml"),
        "version: \"1.0\"\nbridge:\n  output: notes/sessions\n",
    )
    .unwrap();
    let transcript = r.path().join("t.jsonl");
    std::fs::write(&transcript, turn("moved-0000-session", 1, "hello there")).unwrap();
    let stdout = capture(r.path(), &transcript, &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(v["updated"], true);
    assert!(r.path().join("notes/sessions/Conversations.md").exists());

    std::fs::write(
        r.path().join(".control/policy.yaml"),
        "version: \"1.0\"\nbridge:\n  enabled: false\n",
    )
    .unwrap();
    assert_eq!(
        stop(r.path(), "other-0000-session", &transcript)
            .status
            .code(),
        Some(0)
    );
    assert!(!r.path().join("docs/conversations").exists());
}

#[test]
fn the_policy_sets_how_much_of_a_session_is_kept() {
    let r = fake_repo(None);
    std::fs::create_dir(r.path().join(".control")).unwrap();
    let policy = r.path().join(".control/policy.yaml");
    let transcript = r.path().join("t.jsonl");
    let long = "a long prompt word ".repeat(200);
    let text: String = (1..=12)
        .map(|n| turn("limits-0000-session", n, &long))
        .collect();
    std::fs::write(&transcript, text).unwrap();
    let captured_note = || {
        capture(r.path(), &transcript, &[]);
        let files = session_files(r.path());
        assert_eq!(files.len(), 1, "{files:?}");
        std::fs::read_to_string(&files[0]).unwrap()
    };

    // No policy: the whole session, every prompt whole.
    let whole = captured_note();
    assert!(!whole.contains("earlier items not kept"), "{whole}");
    assert_eq!(whole.matches(long.trim()).count(), 12, "{whole}");

    // Limits from the policy, checked by validate, applied at the next run though nothing is new.
    std::fs::write(
        &policy,
        "version: \"1.0\"\nbridge:\n  limits:\n    text_chars: 100\n    thread_items: 6\n",
    )
    .unwrap();
    Command::cargo_bin("metalayer")
        .unwrap()
        .args(["validate"])
        .arg(&policy)
        .assert()
        .success();
    let cut = captured_note();
    assert!(
        cut.contains(
            "earlier items not kept (the policy's `bridge.limits.thread_items` keeps the last 6)"
        ),
        "{cut}"
    );
    assert!(!cut.contains(long.trim()), "{cut}");
    assert!(cut.contains("more characters)"), "{cut}");

    // 0 keeps a part whole again.
    std::fs::write(
        &policy,
        "version: \"1.0\"\nbridge:\n  limits: {text_chars: 0, thread_items: 0}\n",
    )
    .unwrap();
    assert_eq!(captured_note(), whole);

    // A misspelt limit is a warning that names the known ones.
    std::fs::write(
        &policy,
        "version: \"1.0\"\nbridge:\n  limits: {thread_item: 5}\n",
    )
    .unwrap();
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["validate"])
        .arg(&policy)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("thread_item"), "{said}");
    assert!(said.contains("thread_items"), "{said}");
}

/// Every file under `dir` with its bytes.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in read.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.push((path, bytes));
            }
        }
    }
    files
}

#[test]
fn no_seeded_secret_reaches_any_file_the_stop_hook_writes() {
    let r = fake_repo(None);
    std::fs::create_dir(r.path().join(".control")).unwrap();
    std::fs::write(
        r.path().join(".control/policy.yaml"),
        "version: \"1.0\"\nbridge:\n  redact:\n    - name: acme-key\n      pattern: \"acme_key_([0-9a-f]{16})\"\n      keywords: [acme_key_]\n      secret_group: 1\n",
    )
    .unwrap();
    let hex32 = "0a1b2c3d".repeat(4);
    let kinds: Vec<(String, String)> = vec![
        (format!("export DB_PASS={}", "Hx7rT2wq"), "Hx7rT2wq".into()),
        ("mysql -u root -pZq9LmX2v app".into(), "Zq9LmX2v".into()),
        ("mysqldump --password=Vb4nM8kQ db".into(), "Vb4nM8kQ".into()),
        (
            "curl -u admin:Kp3sW9xY https://api.example.com".into(),
            "admin:Kp3sW9xY".into(),
        ),
        (
            "Authorization: Basic YWRtaW46S3AzczlXeFk=".into(),
            "YWRtaW46S3AzczlXeFk=".into(),
        ),
        (
            format!("Authorization: Bearer {}", "Tk5Lq8Wz3Rv7Yp2Nc6Md"),
            "Tk5Lq8Wz3Rv7Yp2Nc6Md".into(),
        ),
        (
            format!("SENTRY_DSN=https://{hex32}@o42.ingest.sentry.io/7"),
            hex32.clone(),
        ),
        (
            format!("dckr_pat_{}", "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8"),
            format!("dckr_pat_{}", "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8"),
        ),
        (
            format!("SK{}", "9f8e7d6c".repeat(4)),
            format!("SK{}", "9f8e7d6c".repeat(4)),
        ),
        (
            format!(
                "client = Client(\"AC{}\", \"{}\")",
                "1a2b3c4d".repeat(4),
                "5e6f7a8b".repeat(4)
            ),
            "5e6f7a8b".repeat(4),
        ),
        (
            "the secret is Xy7kQ2pLm9Rt, keep it".into(),
            "Xy7kQ2pLm9Rt".into(),
        ),
        (
            "password = \"correct horse battery staple\"".into(),
            "correct horse battery staple".into(),
        ),
        (
            format!("key ghp_{}", "Q1w2E3r4T5".repeat(4)),
            format!("ghp_{}", "Q1w2E3r4T5".repeat(4)),
        ),
        ("AKIAIOSFODNN7EXAMPLE".into(), "AKIAIOSFODNN7EXAMPLE".into()),
        (
            "postgres://app:Pw9xLm2Q@db:5432/app".into(),
            "Pw9xLm2Q".into(),
        ),
        (
            "acme_key_0123456789abcdef".into(),
            "0123456789abcdef".into(),
        ),
    ];
    let session = "5ec2e75a-stop";
    let transcript = r.path().join(format!("{session}.jsonl"));
    let mut text = String::new();
    for (n, (secret, _)) in kinds.iter().enumerate() {
        let n = u32::try_from(n).unwrap();
        text.push_str(&turn(session, n, &format!("turn {n}: {secret}")));
    }
    // The quoted password at the cut of a long prompt.
    text.push_str(&turn(
        session,
        50,
        &format!(
            "{} password = \"correct horse battery staple\"",
            "pad ".repeat(495)
        ),
    ));
    std::fs::write(&transcript, &text).unwrap();
    assert_eq!(stop(r.path(), session, &transcript).status.code(), Some(0));
    // A failure, so that the log exists too.
    assert_eq!(
        stop(r.path(), session, &r.path().join("missing.jsonl"))
            .status
            .code(),
        Some(0)
    );

    let mut written = files_under(&conversations(r.path()));
    written.extend(files_under(&r.path().join(".git/metalayer")));
    let names: Vec<String> = written
        .iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n == "bridge.log"), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(".state")), "{names:?}");
    let note = written
        .iter()
        .find(|(p, _)| {
            let p = p.to_string_lossy();
            p.contains("session-") && p.ends_with(".md")
        })
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap();
    assert!(note.contains("[REDACTED:acme-key]"), "{note}");
    for (_, value) in &kinds {
        for (path, bytes) in &written {
            assert!(
                !bytes.windows(value.len()).any(|w| w == value.as_bytes()),
                "{value:?} in {}",
                path.display()
            );
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        for (path, _) in &written {
            if !path.starts_with(conversations(r.path())) {
                let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{}", path.display());
            }
        }
    }
}

/// A recorded session of the real harness, in the bridge's fixtures.
fn recorded(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../bridge/tests/data/sessions")
        .join(name)
}

#[test]
fn capture_reads_codex_and_gemini_sessions_and_names_them_by_their_records() {
    for (file, short, harness) in [
        ("codex-rollout.jsonl", "a6ae827a", "| Codex CLI | 0.171.0 |"),
        ("gemini-chat.jsonl", "ab94cf4b", "harness: \"gemini\""),
    ] {
        let repo = fake_repo(None);
        let root = repo.path();
        // The file name is not the session id (`rollout-…`, `session-…`): the record's is.
        let transcript = root.join(format!("rollout-2026-12-05-{file}"));
        std::fs::copy(recorded(file), &transcript).unwrap();
        capture(root, &transcript, &[]);
        let files = session_files(root);
        assert_eq!(files.len(), 1, "{files:?}");
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(name, format!("session-2026-12-05-{short}.md"));
        let note = std::fs::read_to_string(&files[0]).unwrap();
        assert!(note.contains("# take a note"), "{note}");
        assert!(note.contains(harness), "{note}");
    }
}

#[test]
fn capture_names_a_claude_session_by_the_first_record_that_names_one() {
    let repo = fake_repo(None);
    let root = repo.path();
    // A transcript that opens with `summary` records (no session id) and is not named by its id.
    let session = "5e55ed1d-0000-4000-8000-00000000beef";
    let cwd = root.to_string_lossy();
    let lines = [
        json!({"type": "summary", "summary": "Earlier work", "leafUuid": "u0"}),
        json!({"type": "summary", "summary": "More earlier work", "leafUuid": "u1"}),
        json!({"type": "user", "sessionId": session, "cwd": cwd, "uuid": "u2",
            "timestamp": "2026-12-05T10:00:00Z",
            "message": {"role": "user", "content": "name me by my records"}}),
    ];
    let transcript = root.join("copied-transcript.jsonl");
    std::fs::write(
        &transcript,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    capture(root, &transcript, &[]);
    let files = session_files(root);
    assert_eq!(files.len(), 1, "{files:?}");
    let note = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        note.contains(&format!("session_id: \"{session}\"")),
        "{note}"
    );
    assert!(
        files[0].to_string_lossy().ends_with("-5e55ed1d.md"),
        "{files:?}"
    );
}

#[test]
fn gemini_after_agent_event_is_captured() {
    let repo = fake_repo(None);
    let root = repo.path();
    let event = json!({
        "session_id": "ab94cf4b-abff-4499-9187-e55d4b836f0b",
        "transcript_path": recorded("gemini-chat.jsonl"), "cwd": root,
        "hook_event_name": "AfterAgent", "prompt": "take a note",
        "prompt_response": "A reply not yet in the chat file.", "stop_hook_active": false,
    });
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["hook", "stop", "--harness", "gemini"])
        .current_dir(root)
        .write_stdin(event.to_string())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty(), "Gemini reads stdout as a decision");
    let files = session_files(root);
    assert_eq!(files.len(), 1, "{files:?}");
    let note = std::fs::read_to_string(&files[0]).unwrap();
    assert!(note.contains("A reply not yet in the chat file."), "{note}");
    // Codex sends a null transcript_path when it keeps no rollout: nothing, and no block.
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["hook", "stop", "--harness", "codex"])
        .current_dir(root)
        .write_stdin(json!({"session_id": "s", "transcript_path": null, "cwd": root}).to_string())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("names no transcript"));
}

fn session_start(root: &Path, harness: Option<&str>, session: &str) -> std::process::Output {
    let event = json!({
        "session_id": session, "cwd": root, "hook_event_name": "SessionStart", "source": "startup",
    });
    let mut args = vec!["hook", "session-start"];
    if let Some(h) = harness {
        args.extend(["--harness", h]);
    }
    Command::cargo_bin("metalayer")
        .unwrap()
        .args(&args)
        .env("CLAUDE_PROJECT_DIR", root)
        .write_stdin(event.to_string())
        .output()
        .unwrap()
}

#[test]
fn a_session_starts_with_the_sessions_the_stop_hook_captured() {
    let repo = fake_repo(Some(
        "version: \"1.0\"\nprofile: governed\ngates:\n  hard:\n    - {id: G1, rule: r, pattern: \"git push --force\"}\n",
    ));
    let root = repo.path();
    for (id, prompt) in [
        ("aaaa1111-first", "fix the login form"),
        ("bbbb2222-second", "write the release notes"),
    ] {
        let transcript = root.join(format!("{id}.jsonl"));
        std::fs::write(&transcript, turn(id, 1, prompt)).unwrap();
        assert_eq!(stop(root, id, &transcript).status.code(), Some(0));
    }
    std::fs::create_dir_all(root.join(".control/ledger")).unwrap();
    std::fs::write(
        root.join(".control/ledger/decisions.jsonl"),
        r#"{"time":1,"session_id":"aaaa1111-first","harness":"claude","tool":"Bash","decision":"deny","gates":["G1"],"subject":"git push --force","reason":"r"}"#,
    )
    .unwrap();
    let out = session_start(root, None, "cccc3333-new");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let context = v["hookSpecificOutput"]["additionalContext"]
        .as_str()
        .unwrap();
    assert!(
        context.contains("profile governed: 1 deny gate, 0 ask gates"),
        "{context}"
    );
    assert!(
        context.contains("\"write the release notes\" (1 turn"),
        "{context}"
    );
    assert!(
        context.contains("\"fix the login form\" (1 turn, 0 files written, 1 call denied"),
        "{context}"
    );
    assert!(
        context.contains("docs/conversations/session-2026-11-20-aaaa1111.md"),
        "{context}"
    );
    // Gemini CLI reads the same shape; the probe of `metalayer audit` is answered.
    let gemini = session_start(root, Some("gemini"), "x");
    assert!(String::from_utf8_lossy(&gemini.stdout).contains("additionalContext"));
    let probe = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["hook", "session-start"])
        .env("METALAYER_PROBE", "nonce-42")
        .write_stdin("{}")
        .output()
        .unwrap();
    assert_eq!(probe.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&probe.stderr).contains("nonce-42"));
    // Outside any repository, with garbage in: exit 0, nothing on stdout.
    let bad = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["hook", "session-start"])
        .write_stdin("{not json")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(0));
    assert!(bad.stdout.is_empty());
}
