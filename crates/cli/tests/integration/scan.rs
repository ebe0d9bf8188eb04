//! `metalayer scan`, `metalayer hook pre-commit` and the PreToolUse secret check, run for real.

use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

use metalayer_test_support::{git, git_repo, write};

/// A live-looking GitHub token, built at run time so that this file holds none.
fn key() -> String {
    format!("ghp_{}A1b2C3", "A1b2C3d4E5".repeat(3))
}

fn metalayer(root: &Path, args: &[&str], stdin: Option<String>) -> std::process::Output {
    let mut cmd = Command::cargo_bin("metalayer").unwrap();
    cmd.current_dir(root)
        .args(args)
        .env("CLAUDE_PROJECT_DIR", root)
        .env("HOME", root)
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_DIR");
    if let Some(stdin) = stdin {
        cmd.write_stdin(stdin);
    }
    cmd.output().unwrap()
}

fn committed_repo() -> tempfile::TempDir {
    let repo = git_repo();
    write(repo.path(), "README.md", "readme\n");
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "init"]);
    repo
}

#[test]
fn scan_reports_staged_secrets_as_text_json_and_sarif() {
    let repo = committed_repo();
    let root = repo.path();
    let out = metalayer(root, &["scan"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "no secrets found\n");

    write(
        root,
        "src/config.ts",
        &format!("// config\nexport const T = \"{key}\";\n", key = key()),
    );
    git(root, &["add", "-A"]);
    let out = metalayer(root, &["scan", "--staged"], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.starts_with("src/config.ts:2:19: github-token ghp_******** (fingerprint sha256:"),
        "{text}"
    );
    assert!(!text.contains(&key()));

    let out = metalayer(root, &["scan", "--json"], None);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["rule"], "github-token");
    assert_eq!(v["findings"][0]["line"], 2);
    assert_eq!(v["findings"][0]["path"], "src/config.ts");
    let fingerprint = v["findings"][0]["fingerprint"].as_str().unwrap().to_owned();

    let out = metalayer(root, &["scan", "--sarif"], None);
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "github-token");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"][0]["id"],
        "github-token"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&key()));

    // git's pre-commit hook refuses the commit, naming file, line and rule.
    let out = metalayer(root, &["hook", "pre-commit"], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("github-token at src/config.ts line 2"),
        "{stderr}"
    );
    assert!(!stderr.contains(&key()) && out.stdout.is_empty());

    // The fingerprint allows it, as a fixture.
    write(
        root,
        ".control/policy.yaml",
        &format!("version: \"1.0\"\nsecrets:\n  allow:\n    fingerprints: [\"{fingerprint}\"]\n"),
    );
    assert_eq!(metalayer(root, &["scan"], None).status.code(), Some(0));
    assert_eq!(
        metalayer(root, &["hook", "pre-commit"], None).status.code(),
        Some(0)
    );
}

#[test]
fn scan_reads_ranges_and_paths() {
    let repo = committed_repo();
    let root = repo.path();
    write(
        root,
        "a/b.yaml",
        &format!("x: 1\ngithub_token: {}\n", key()),
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "add"]);
    let out = metalayer(root, &["scan", "--range", "HEAD~1..HEAD"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("a/b.yaml:2:"));
    let out = metalayer(root, &["scan", "a"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("a/b.yaml:2:"));
    assert_eq!(
        metalayer(root, &["scan", "README.md"], None).status.code(),
        Some(0)
    );
    let out = metalayer(root, &["scan", "--range", "nope..HEAD"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = metalayer(root, &["scan", "--help"], None);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("--sarif") && help.contains("fingerprint"),
        "{help}"
    );
}

#[test]
fn the_hook_denies_a_written_secret_without_showing_it() {
    let repo = committed_repo();
    let root = repo.path();
    let event = json!({"tool_name": "Write", "cwd": root, "tool_input": {
        "file_path": root.join("src/config.ts"),
        "content": format!("export const KEY = \"{}\";\n", key()),
    }});
    let out = metalayer(root, &["hook", "pre-tool-use"], Some(event.to_string()));
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hookSpecificOutput"]["permissionDecision"], "deny");
    let reason = v["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap();
    assert!(
        reason.contains("github-token at src/config.ts line 1"),
        "{reason}"
    );
    let ledger = std::fs::read_to_string(root.join(".control/ledger/decisions.jsonl")).unwrap();
    for text in [
        &String::from_utf8_lossy(&out.stdout).into_owned(),
        &String::from_utf8_lossy(&out.stderr).into_owned(),
        &ledger,
    ] {
        assert!(!text.contains(&key()), "{text}");
    }
    assert!(ledger.contains("\"gates\":[\"secrets\"]"), "{ledger}");
}
