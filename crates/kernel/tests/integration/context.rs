//! The session-start context: read from real captured sessions (the Codex and Gemini CLI
//! recordings of the bridge's fixtures), the ledger and AGENTS.md, in every harness's form.

use std::path::{Path, PathBuf};

use metalayer_kernel::{
    Governance, Harness, HookEnv, LATEST_RULES, LESSONS_BEGIN, LESSONS_END, MAX_CONTEXT_CHARS,
    SessionContext, capture, session_start,
};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../bridge/tests/data/sessions")
        .join(name)
}

/// A governed repository (as `init` leaves it) with the four recorded sessions captured.
fn repo_with_sessions() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git/hooks")).unwrap();
    std::fs::create_dir_all(dir.path().join(".control")).unwrap();
    std::fs::write(
        dir.path().join(".control/policy.yaml"),
        metalayer_kernel::DEFAULT_POLICY_YAML,
    )
    .unwrap();
    let mut ids = Vec::new();
    for (i, name) in [
        "codex-rollout.jsonl",
        "codex-denied-write.jsonl",
        "gemini-chat.jsonl",
        "gemini-denied-write.jsonl",
    ]
    .into_iter()
    .enumerate()
    {
        let id = format!("{i}{i}{i}{i}c0de-{}", name.trim_end_matches(".jsonl"));
        capture(dir.path(), &fixture(name), &id, None)
            .unwrap()
            .unwrap();
        ids.push(id);
    }
    (dir, ids)
}

fn sessions_written(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("docs/conversations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("session-") && n.ends_with(".md"))
        .collect();
    names.sort();
    names
}

#[test]
fn the_latest_real_sessions_are_listed_with_their_links() {
    let (dir, _) = repo_with_sessions();
    let root = dir.path();
    let context = SessionContext::gather(root, None);
    assert!(
        matches!(
            &context.governance,
            Governance::Governed { profile: Some(p), deny_gates, ask_gates }
                if p == "governed" && *deny_gates > 10 && *ask_gates > 3
        ),
        "{:?}",
        context.governance
    );
    assert_eq!(context.sessions.len(), 3, "{:?}", context.sessions);
    let written = sessions_written(root);
    for session in &context.sessions {
        let file = session.link.strip_prefix("docs/conversations/").unwrap();
        assert!(written.iter().any(|w| w == file), "{file} in {written:?}");
        assert!(root.join(&session.link).is_file());
        assert!(!session.title.is_empty());
        assert!(session.harness.is_some(), "{session:?}");
    }
    // Newest first.
    let dates: Vec<_> = context.sessions.iter().map(|s| s.date.clone()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    let text = context.render();
    assert!(
        text.starts_with("This repository is governed by metalayer"),
        "{text}"
    );
    assert!(text.contains("Latest sessions:"), "{text}");
    assert!(text.chars().count() <= MAX_CONTEXT_CHARS);
    for session in &context.sessions {
        assert!(text.contains(&session.link), "{text}");
    }
}

#[test]
fn the_ledger_gives_each_session_its_denials_and_asks() {
    let (dir, _) = repo_with_sessions();
    let root = dir.path();
    let listed = SessionContext::gather(root, None).sessions;
    let first = &listed[0].session_id;
    let second = &listed[1].session_id;
    let line = |session: &str, decision: &str| {
        format!(
            r#"{{"time":1,"session_id":"{session}","harness":"codex","tool":"Bash","decision":"{decision}","gates":["G2"],"subject":"git reset --hard","reason":"r"}}"#
        )
    };
    let ledger = [
        line(first, "deny"),
        line(first, "deny"),
        line(first, "ask"),
        line(first, "ran"),
        line(second, "ask"),
        line("someone-else", "deny"),
        "not json at all".to_owned(),
    ]
    .join("\n");
    std::fs::create_dir_all(root.join(".control/ledger")).unwrap();
    std::fs::write(root.join(".control/ledger/decisions.jsonl"), ledger).unwrap();
    let context = SessionContext::gather(root, None);
    let by_id = |id: &str| {
        context
            .sessions
            .iter()
            .find(|s| s.session_id == id)
            .unwrap()
            .clone()
    };
    assert_eq!((by_id(first).denied, by_id(first).asked), (2, 1));
    assert_eq!((by_id(second).denied, by_id(second).asked), (0, 1));
    assert!(
        by_id(first)
            .outcome()
            .contains("2 calls denied, 1 call asked")
    );
    assert!(!by_id(second).outcome().contains("denied"));
}

#[test]
fn a_resumed_session_is_not_listed_as_an_earlier_one() {
    let (dir, _) = repo_with_sessions();
    let root = dir.path();
    let all = SessionContext::gather(root, None).sessions;
    let current = all[0].session_id.clone();
    let resumed = SessionContext::gather(root, Some(&current)).sessions;
    assert!(resumed.iter().all(|s| s.session_id != current));
    assert_eq!(resumed.len(), 3, "the next one moves up");
}

#[test]
fn promoted_rules_come_newest_first_and_the_users_text_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut agents = "# Agents\n\n- never push on Fridays (the user's own rule)\n\n".to_owned();
    agents.push_str(LESSONS_BEGIN);
    agents.push('\n');
    for i in 1..=7 {
        agents.push_str(&format!("- Rule number {i} (lesson L-{i})\n"));
    }
    agents.push_str(LESSONS_END);
    agents.push_str("\n\n- a bullet after the section\n");
    std::fs::write(root.join("AGENTS.md"), agents).unwrap();
    let context = SessionContext::gather(root, None);
    assert_eq!(context.rules.len(), LATEST_RULES);
    assert!(context.rules[0].starts_with("Rule number 7"));
    assert!(context.rules[4].starts_with("Rule number 3"));
    let text = context.render();
    assert!(!text.contains("Fridays") && !text.contains("after the section"));
    assert!(
        text.contains("Rules learned from earlier sessions"),
        "{text}"
    );
    // No policy: the built-in one applies, and the context says so.
    assert_eq!(context.governance, Governance::Default);
    assert!(text.contains("no `.control/policy.yaml`"), "{text}");
}

#[test]
fn a_broken_policy_is_named_and_said_to_block() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".control")).unwrap();
    std::fs::write(root.join(".control/policy.yaml"), "gates: [unclosed\n").unwrap();
    let text = SessionContext::gather(root, None).render();
    assert!(text.contains("does not load"), "{text}");
    assert!(text.contains("metalayer validate"), "{text}");
}

#[test]
fn long_titles_and_many_rules_stay_within_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut agents = format!("{LESSONS_BEGIN}\n");
    for i in 0..50 {
        agents.push_str(&format!("- {} {i}\n", "a very long rule ".repeat(40)));
    }
    agents.push_str(LESSONS_END);
    std::fs::write(root.join("AGENTS.md"), agents).unwrap();
    let text = SessionContext::gather(root, None).render();
    assert!(text.chars().count() <= MAX_CONTEXT_CHARS, "{}", text.len());
    assert!(
        text.lines()
            .all(|l| l.chars().count() <= 130 || !l.starts_with("- "))
    );
}

#[test]
fn each_harness_gets_the_context_in_its_form_and_nothing_blocks() {
    let (dir, ids) = repo_with_sessions();
    let root = dir.path();
    let env = HookEnv::new(Some(root.to_path_buf()), root.to_path_buf());
    let event = serde_json::json!({
        "session_id": ids[0], "cwd": root, "hook_event_name": "SessionStart", "source": "startup"
    })
    .to_string();
    for harness in [Harness::Claude, Harness::Codex, Harness::Gemini] {
        let out = session_start(event.as_bytes(), &env.clone().with_harness(harness));
        assert_eq!(out.exit_code, 0);
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(v["hookSpecificOutput"]["hookEventName"], "SessionStart");
        let context = v["hookSpecificOutput"]["additionalContext"]
            .as_str()
            .unwrap();
        assert!(context.contains("governed by metalayer"), "{context}");
    }
    for harness in [Harness::Copilot, Harness::Cursor] {
        let out = session_start(event.as_bytes(), &env.clone().with_harness(harness));
        assert_eq!(out.exit_code, 0);
        assert!(out.stdout.starts_with("This repository is governed"));
    }
    // Malformed input: a note, exit 0, no context.
    for input in [&b"not json"[..], b"", b"[1]"] {
        let out = session_start(input, &env);
        assert_eq!(out.exit_code, 0);
        assert!(out.stdout.is_empty());
        assert!(out.stderr.contains("session-start"), "{}", out.stderr);
    }
}
