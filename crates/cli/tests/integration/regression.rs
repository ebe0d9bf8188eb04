//! The regression gate before `git commit`, `metalayer stamp` and `metalayer affected`, in
//! real git repositories.

use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

use metalayer_test_support::git;

const MAP: &str = "features:\n  auth:\n    patterns: [\"src/auth/**\"]\n    scenarios: [\"log in with a password\", \"log out\"]\n  docs:\n    patterns: [\"docs/**\", \"!docs/drafts/**\"]\n    scenarios: [\"site builds\"]\n";

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::create_dir_all(root.join(".control")).unwrap();
    std::fs::write(root.join(".control/regression-map.yaml"), MAP).unwrap();
    std::fs::create_dir_all(root.join("src/auth")).unwrap();
    std::fs::create_dir_all(root.join("docs/drafts")).unwrap();
    std::fs::write(root.join("src/auth/login.rs"), "fn login() {}\n").unwrap();
    std::fs::write(root.join("README.md"), "hi\n").unwrap();
    dir
}

fn hook(root: &Path, command: &str) -> (String, String) {
    let event = json!({"tool_name": "Bash", "cwd": root, "tool_input": {"command": command}});
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["hook", "pre-tool-use"])
        .env("CLAUDE_PROJECT_DIR", root)
        .env("HOME", root)
        .write_stdin(event.to_string())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if out.stdout.is_empty() {
        return ("allow".into(), String::new());
    }
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        v["hookSpecificOutput"]["permissionDecision"]
            .as_str()
            .unwrap()
            .to_owned(),
        v["hookSpecificOutput"]["permissionDecisionReason"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

fn metalayer(root: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("metalayer")
        .unwrap()
        .args(args)
        .current_dir(root)
        .env("HOME", root)
        .output()
        .unwrap()
}

#[test]
fn a_commit_touching_a_feature_asks_for_its_scenarios_until_stamped() {
    let r = repo();
    let root = r.path();
    // Unborn HEAD: everything staged is new.
    git(root, &["add", "src/auth/login.rs"]);
    let (decision, reason) = hook(root, "git commit -m 'add login'");
    assert_eq!(decision, "ask");
    assert!(reason.contains("**auth** (1 file)"), "{reason}");
    assert!(
        reason.contains("src/auth/login.rs (matches `src/auth/**`)"),
        "{reason}"
    );
    assert!(reason.contains("log in with a password"), "{reason}");
    assert!(reason.contains("metalayer stamp"), "{reason}");
    assert!(!reason.contains("docs"), "{reason}");
    // Inside a compound command too.
    assert_eq!(hook(root, "cargo fmt && git commit -m x").0, "ask");

    // After the stamp: silent, for exactly this staged tree.
    assert!(metalayer(root, &["stamp"]).status.success());
    assert!(root.join(".git/metalayer/regression-stamp.json").exists());
    assert_eq!(hook(root, "git commit -m 'add login'").0, "allow");

    // Changing the staged content asks again.
    std::fs::write(root.join("src/auth/login.rs"), "fn login() { todo() }\n").unwrap();
    git(root, &["add", "src/auth/login.rs"]);
    assert_eq!(hook(root, "git commit -m 'add login'").0, "ask");

    // A cleared stamp asks.
    assert!(metalayer(root, &["stamp"]).status.success());
    assert_eq!(hook(root, "git commit -m x").0, "allow");
    assert!(metalayer(root, &["stamp", "--clear"]).status.success());
    assert_eq!(hook(root, "git commit -m x").0, "ask");
}

#[test]
fn unmapped_exclusions_and_skips_stay_silent() {
    let r = repo();
    let root = r.path();
    git(root, &["add", "README.md"]);
    assert_eq!(hook(root, "git commit -m readme").0, "allow");
    std::fs::write(root.join("docs/drafts/x.md"), "draft\n").unwrap();
    git(root, &["add", "docs/drafts/x.md"]);
    assert_eq!(
        hook(root, "git commit -m draft").0,
        "allow",
        "`!docs/drafts/**` excludes"
    );
    git(root, &["add", "src/auth/login.rs"]);
    assert_eq!(hook(root, "git commit --allow-empty -m x").0, "allow");
    assert_eq!(
        hook(root, "git commit -m '[skip-regression] wip'").0,
        "allow"
    );
    assert_eq!(hook(root, "git status").0, "allow");
}

#[test]
fn commit_all_and_named_paths_count_unstaged_changes() {
    let r = repo();
    let root = r.path();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "init", "--no-verify"]);
    std::fs::write(root.join("src/auth/login.rs"), "fn login() { 1 }\n").unwrap();
    // Nothing staged: a plain commit contains nothing mapped.
    assert_eq!(hook(root, "git commit -m x").0, "allow");
    assert_eq!(hook(root, "git commit -am x").0, "ask");
    assert_eq!(hook(root, "git commit -m x src/auth/login.rs").0, "ask");
}

#[test]
fn gates_take_precedence_over_the_regression_gate() {
    let r = repo();
    let root = r.path();
    git(root, &["add", "src/auth/login.rs"]);
    let (decision, reason) = hook(root, "git commit --no-verify -m x");
    assert_eq!(decision, "deny");
    assert!(reason.contains("G7"), "{reason}");
}

#[test]
fn affected_explains_itself() {
    let r = repo();
    let root = r.path();
    std::fs::write(
        root.join(".control/regression-map.yaml"),
        format!("{MAP}  billing:\n    patterns: [\"src/billng/**\"]\n    scenarios: [\"pay\"]\n"),
    )
    .unwrap();
    git(root, &["add", "src/auth/login.rs", ".control"]);
    let out = metalayer(root, &["affected", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["affected"]["features"][0]["name"], "auth");
    assert_eq!(
        v["affected"]["features"][0]["files"][0]["pattern"],
        "src/auth/**"
    );
    assert!(
        v["features_without_changes"]
            .as_array()
            .unwrap()
            .contains(&json!("billing"))
    );
    let typos = v["patterns_matching_nothing"].to_string();
    assert!(typos.contains("src/billng/**"), "{typos}");
    let human = String::from_utf8(metalayer(root, &["affected"]).stdout).unwrap();
    assert!(
        human.contains("src/auth/login.rs  <- `src/auth/**`"),
        "{human}"
    );
    assert!(human.contains("matches no tracked file"), "{human}");
}
