//! `metalayer compare`: the real binary on a real repository whose base policy has an
//! `evaluate:` section.

use std::path::Path;
use std::process::Command as Std;

use assert_cmd::Command;
use serde_json::Value;

fn git(dir: &Path, args: &[&str]) {
    let ok = Std::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const POLICY: &str = r#"version: "1.0"
gates:
  hard:
    - id: S1
      rule: "No secrets files"
      pattern: "(^|/)\\.env$"
      tools: [Write]
      field: file_path
evaluate:
  test: "test ! -f src/fail"
  coverage: {command: "sh cov.sh", lcov: lcov.info}
  timeout_seconds: 30
"#;

/// `main` with a policy; `good` raises coverage; `bad` fails its tests, commits a `.env`, and
/// rewrites the policy so that its tests would be judged to pass.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, ".control/policy.yaml", POLICY);
    write(
        d,
        "cov.sh",
        "h=$(cat src/cov 2>/dev/null || echo 1); printf 'SF:src/a.rs\\nDA:1,1\\nDA:2,%s\\nend_of_record\\n' $((h-1)) > lcov.info\n",
    );
    write(d, "src/a.rs", "fn a() {}\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "good"]);
    write(d, "src/cov", "2\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "good"]);
    git(d, &["checkout", "-q", "main"]);
    git(d, &["checkout", "-qb", "bad"]);
    write(d, "src/fail", "1\n");
    write(d, ".env", "TOKEN=1\n");
    write(
        d,
        ".control/policy.yaml",
        "version: \"1.0\"\nevaluate:\n  test: \"true\"\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "bad"]);
    git(d, &["checkout", "-q", "main"]);
    dir
}

const TICKET: &str = "## Acceptance Criteria\n- [ ] All tests pass\n- [ ] Coverage >= 90%\n- [ ] No new dependencies\n- [ ] Reviewed by a person\n";

fn compare(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .arg("compare")
        .args(args)
        .current_dir(dir)
        .write_stdin(TICKET)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn ranks_and_prints_a_scorecard() {
    let repo = repository();
    let (code, out, err) = compare(
        repo.path(),
        &["--ticket", "-", "--base", "main", "bad", "good"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Winner: **`good`**"), "{out}");
    assert!(
        out.contains("| criterion | kind | 1. `good` | 2. `bad` |"),
        "{out}"
    );
    assert!(
        out.contains("| Reviewed by a person | manual | ✋ manual | ✋ manual |"),
        "{out}"
    );
    assert!(
        out.contains("| All tests pass | tests | ✅ pass | ❌ fail |"),
        "{out}"
    );
    assert!(out.contains("`.env`: deny S1"), "{out}");
    assert!(err.contains("compare: `good`: test: ok"), "{err}");
    // No worktree left.
    let list = Std::new("git")
        .arg("-C")
        .arg(repo.path())
        .args(["worktree", "list"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(list.stdout).unwrap().lines().count(), 1);
}

#[test]
fn json_has_the_documented_shape() {
    let repo = repository();
    let ticket = repo.path().join("TICKET.md");
    std::fs::write(&ticket, TICKET).unwrap();
    let (code, out, _) = compare(
        repo.path(),
        &[
            "--ticket",
            ticket.to_str().unwrap(),
            "--base",
            "main",
            "--jobs",
            "1",
            "--json",
            "good",
            "bad",
        ],
    );
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["winner"], "good");
    assert_eq!(v["base"]["ref"], "main");
    let good = &v["candidates"][0];
    assert_eq!(good["ref"], "good");
    assert_eq!(good["rank"], 1);
    let statuses: Vec<&str> = good["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["pass", "pass", "pass", "manual"]);
    assert_eq!(good["criteria"][1]["kind"], "coverage");
    assert_eq!(good["signals"]["coverage_percent"], 100.0);
    assert_eq!(good["signals"]["coverage_delta"], 50.0);
    assert_eq!(
        v["candidates"][1]["signals"]["gate_findings"][0]["path"],
        ".env"
    );
}

#[test]
fn bad_input_is_explained() {
    let repo = repository();
    let (code, _, err) = compare(repo.path(), &["--ticket", "-", "--base", "nope", "good"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown base `nope`"), "{err}");
    let (code, _, err) = compare(repo.path(), &["--ticket", "missing.md", "good"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read the ticket `missing.md`"), "{err}");
    // A base without a policy: the change is still measured, the rest unverified.
    git(repo.path(), &["checkout", "-q", "--orphan", "bare"]);
    git(repo.path(), &["rm", "-rq", "--cached", "."]);
    git(
        repo.path(),
        &["commit", "-q", "--allow-empty", "-m", "empty"],
    );
    let (code, out, err) = compare(repo.path(), &["--ticket", "-", "--base", "bare", "good"]);
    assert_eq!(code, 0);
    assert!(err.contains("has no `.control/policy.yaml`"), "{err}");
    assert!(out.contains("❔ unverified"), "{out}");
}

/// A candidate that deletes a hook is reviewed as the `rm` the agent would have run: the base
/// policy's gates see deletions as they see writes; a deleted ordinary file says nothing.
#[test]
fn a_deleted_hook_is_reported_by_the_gates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(
        d,
        ".control/policy.yaml",
        "version: \"1.0\"\ngates:\n  soft:\n    - id: H1\n      rule: \"Hook changes need a person\"\n      field: file_path\n      pattern: '(^|/)\\.githooks/'\nevaluate:\n  test: \"true\"\n",
    );
    write(d, ".githooks/pre-commit", "#!/bin/sh\nexit 0\n");
    write(d, "src/old.rs", "fn old() {}\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "unhook"]);
    git(d, &["rm", "-q", ".githooks/pre-commit", "src/old.rs"]);
    git(d, &["commit", "-qm", "drop the hook"]);
    git(d, &["checkout", "-q", "main"]);
    let (code, out, err) = compare(d, &["--ticket", "-", "--json", "unhook"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let findings = v["candidates"][0]["signals"]["gate_findings"]
        .as_array()
        .unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["path"], ".githooks/pre-commit");
    assert_eq!(findings[0]["gate"], "H1");
    assert_eq!(findings[0]["decision"], "ask");
    assert_eq!(
        findings[0]["message"],
        "Hook changes need a person (the candidate deletes it)"
    );
}

/// The features a change touches come from the base's feature map, whatever is checked out
/// (and a candidate's own map changes nothing).
#[test]
fn the_features_come_from_the_base_map() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(
        d,
        ".control/policy.yaml",
        "version: \"1.0\"\nevaluate:\n  test: \"true\"\n",
    );
    write(
        d,
        ".control/regression-map.yaml",
        "features:\n  auth:\n    patterns: [\"src/auth/**\"]\n    scenarios: [\"log in\"]\n",
    );
    write(d, "src/auth/login.js", "1\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "cand"]);
    write(d, "src/auth/login.js", "2\n");
    write(
        d,
        ".control/regression-map.yaml",
        "features:\n  nothing:\n    patterns: [\"nowhere/**\"]\n    scenarios: [\"x\"]\n",
    );
    git(d, &["commit", "-qam", "candidate"]);
    // The working tree holds yet another map.
    git(d, &["checkout", "-qb", "elsewhere", "main"]);
    write(
        d,
        ".control/regression-map.yaml",
        "features:\n  billing:\n    patterns: [\"src/**\"]\n    scenarios: [\"pay\"]\n",
    );
    git(d, &["commit", "-qam", "another map"]);
    let (code, out, err) = compare(d, &["--ticket", "-", "--base", "main", "--json", "cand"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["candidates"][0]["signals"]["features"],
        serde_json::json!(["auth"])
    );
}

/// A typo in the base's `evaluate:` section is said, not silently dropped.
#[test]
fn a_typo_in_the_evaluate_section_is_pointed_at() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(
        d,
        ".control/policy.yaml",
        "version: \"1.0\"\nevaluate:\n  tset: \"true\"\n  lint: \"true\"\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "cand"]);
    write(d, "a.txt", "a\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "cand"]);
    git(d, &["checkout", "-q", "main"]);
    let (code, out, err) = compare(d, &["--ticket", "-", "cand"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("line 3: unknown key `tset` in `evaluate` (did you mean `test`?)"),
        "{out}"
    );
    // A misspelt section name: no command runs, and the message says why.
    write(
        d,
        ".control/policy.yaml",
        "version: \"1.0\"\nevalute:\n  test: \"true\"\n",
    );
    git(d, &["commit", "-qam", "typo"]);
    let (code, out, err) = compare(d, &["--ticket", "-", "cand"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("did you mean `evaluate`?"), "{out}");
}
