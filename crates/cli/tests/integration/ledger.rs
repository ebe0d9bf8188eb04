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
