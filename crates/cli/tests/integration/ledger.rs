//! The decision ledger, written by the real hook.

use std::path::Path;

use assert_cmd::Command;
use serde_json::json;

use metalayer_test_support::fake_repo;

fn hook(root: &Path, command: &str) -> std::process::Output {
    let event =
        json!({"session_id": "sess-1", "tool_name": "Bash", "tool_input": {"command": command}});
    Command::cargo_bin("metalayer")
        .unwrap()
        .args(["hook", "pre-tool-use"])
        .env("CLAUDE_PROJECT_DIR", root)
        .write_stdin(event.to_string())
        .output()
        .unwrap()
}

#[test]
fn a_denied_command_is_recorded_with_secrets_masked_and_allows_are_counted() {
    let r = fake_repo(None);
    let secret = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    let out = hook(
        r.path(),
        &format!("GITHUB_TOKEN={secret} git push --force origin main"),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"deny\""));
    assert_eq!(hook(r.path(), "ls").status.code(), Some(0));
    assert_eq!(hook(r.path(), "git status").status.code(), Some(0));
    let records = metalayer_kernel::read_records(r.path());
    assert_eq!(records.len(), 1, "{records:?}");
    let rec = &records[0];
    assert_eq!(rec.decision, "deny");
    assert_eq!(rec.gates.first().map(String::as_str), Some("G1"));
    assert_eq!(rec.tool, "Bash");
    assert_eq!(rec.harness, "claude");
    assert_eq!(rec.session_id.as_deref(), Some("sess-1"));
    assert!(
        rec.subject.contains("git push --force origin main"),
        "{rec:?}"
    );
    let raw = std::fs::read_to_string(r.path().join(".control/ledger/decisions.jsonl")).unwrap();
    assert!(!raw.contains(secret), "secret in the ledger: {raw}");
    assert_eq!(metalayer_kernel::allow_count(r.path()), 2);
    // The ledger ignores itself.
    assert!(r.path().join(".control/ledger/.gitignore").exists());
}

#[test]
fn parallel_hooks_lose_no_line() {
    let r = fake_repo(None);
    let root = r.path().to_path_buf();
    let handles: Vec<_> = (0..16)
        .map(|i| {
            let root = root.clone();
            std::thread::spawn(move || {
                hook(&root, &format!("git reset --hard HEAD~{i}"))
                    .status
                    .code()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), Some(0));
    }
    let records = metalayer_kernel::read_records(&root);
    assert_eq!(records.len(), 16);
    let mut subjects: Vec<String> = records.iter().map(|r| r.subject.clone()).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 16, "every line whole and distinct");
}

#[test]
fn an_unwritable_ledger_never_changes_a_decision() {
    let r = fake_repo(None);
    std::fs::create_dir(r.path().join(".control")).unwrap();
    // A file where the ledger folder should be: every write fails.
    std::fs::write(r.path().join(".control/ledger"), "not a folder").unwrap();
    let out = hook(r.path(), "git reset --hard");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"deny\""));
    let out = hook(r.path(), "ls");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

/// Runs `metalayer hook EVENT [--harness H]` on an event, in the repository `root`.
fn run_hook(
    root: &Path,
    event: &str,
    harness: Option<&str>,
    input: &serde_json::Value,
) -> std::process::Output {
    let mut cmd = Command::cargo_bin("metalayer").unwrap();
    cmd.args(["hook", event]);
    if let Some(h) = harness {
        cmd.args(["--harness", h]);
    }
    cmd.env("CLAUDE_PROJECT_DIR", root)
        .current_dir(root)
        .write_stdin(input.to_string())
        .output()
        .unwrap()
}

#[test]
fn an_asked_call_that_ran_is_recorded_with_its_result_and_a_call_never_asked_is_not() {
    let r = fake_repo(None);
    let root = r.path();
    // G8 asks before discarding uncommitted work.
    let ask = json!({"session_id": "s1", "tool_use_id": "toolu_1", "tool_name": "Bash",
        "tool_input": {"command": "git checkout -- ."}});
    let out = run_hook(root, "pre-tool-use", None, &ask);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\"ask\""),
        "{out:?}"
    );
    // The person approved: Claude Code ran it and reports PostToolUse.
    let mut ran = ask.clone();
    ran["hook_event_name"] = json!("PostToolUse");
    ran["tool_response"] = json!({"stdout": "", "stderr": "", "interrupted": false});
    let out = run_hook(root, "post-tool-use", None, &ran);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
    // Again (a harness retrying the hook): the ask is already answered, no second line.
    run_hook(root, "post-tool-use", None, &ran);
    // A call that was never asked about leaves no line, and costs no allow either.
    let ls = json!({"session_id": "s1", "tool_use_id": "toolu_2", "tool_name": "Bash",
        "tool_input": {"command": "ls"}, "hook_event_name": "PostToolUse", "tool_response": {}});
    run_hook(root, "post-tool-use", None, &ls);
    let records = metalayer_kernel::read_records(root);
    let decisions: Vec<&str> = records.iter().map(|r| r.decision.as_str()).collect();
    assert_eq!(decisions, ["ask", "ran"], "{records:?}");
    let outcome = &records[1];
    assert_eq!(outcome.result.as_deref(), Some("ok"));
    assert_eq!(outcome.tool_use_id.as_deref(), Some("toolu_1"));
    assert_eq!(outcome.gates, records[0].gates);
    assert!(outcome.since_ask_ms.is_some());
    assert_eq!(records[0].tool_use_id.as_deref(), Some("toolu_1"));

    // Codex: an ask answered as a denial never runs; one that fails is recorded as an error.
    let codex_ask = json!({"session_id": "c1", "turn_id": "t", "tool_use_id": "call_9",
        "tool_name": "Bash", "tool_input": {"command": "git stash clear"}});
    run_hook(root, "pre-tool-use", Some("codex"), &codex_ask);
    let mut failed = codex_ask.clone();
    failed["hook_event_name"] = json!("PostToolUse");
    failed["tool_response"] = json!({"exit_code": 1, "output": "error"});
    run_hook(root, "post-tool-use", Some("codex"), &failed);
    let records = metalayer_kernel::read_records(root);
    let last = records.last().unwrap();
    assert_eq!(
        (last.decision.as_str(), last.result.as_deref()),
        ("ran", Some("error"))
    );
    assert_eq!(last.harness, "codex");

    // Copilot gives no call id: matched by session, tool and command; `denied` never ran.
    let copilot_ask = json!({"sessionId": "p1", "toolName": "bash",
        "toolArgs": {"command": "git restore ."}});
    run_hook(root, "pre-tool-use", Some("copilot"), &copilot_ask);
    let mut denied = copilot_ask.clone();
    denied["toolResult"] = json!({"resultType": "denied"});
    run_hook(root, "post-tool-use", Some("copilot"), &denied);
    assert_eq!(
        metalayer_kernel::read_records(root).len(),
        records.len() + 1
    );
    let mut ok = copilot_ask.clone();
    ok["toolResult"] = json!({"resultType": "success", "textResultForLlm": ""});
    run_hook(root, "post-tool-use", Some("copilot"), &ok);
    let last = metalayer_kernel::read_records(root).pop().unwrap();
    assert_eq!(
        (last.decision.as_str(), last.result.as_deref()),
        ("ran", Some("ok"))
    );
    assert_eq!(last.session_id.as_deref(), Some("p1"));

    // The audit counts the outcomes: 3 asks, each approved and ran (one of them failed).
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["audit", "--json", "--no-commands"])
        .current_dir(root)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ledger = report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Ledger")
        .unwrap()
        .to_string();
    assert!(
        ledger.contains("0 deny, 3 ask (3 approved and ran)"),
        "{ledger}"
    );
    assert!(
        ledger.contains("asks of G8: 2 asked, 2 approved and ran"),
        "{ledger}"
    );
}

#[test]
fn post_tool_use_never_blocks_nor_speaks() {
    let r = fake_repo(None);
    for input in ["not json", "{}", r#"{"tool_name": 3}"#] {
        for harness in [None, Some("gemini"), Some("copilot")] {
            let mut cmd = Command::cargo_bin("metalayer").unwrap();
            cmd.args(["hook", "post-tool-use"]);
            if let Some(h) = harness {
                cmd.args(["--harness", h]);
            }
            let out = cmd
                .env("CLAUDE_PROJECT_DIR", r.path())
                .write_stdin(input)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{input}");
            assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{input}");
        }
    }
}
