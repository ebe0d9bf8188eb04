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
    assert_eq!(
        hook(root, "git commit --allow-empty -m x").0,
        "ask",
        "--allow-empty commits what is staged"
    );
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

/// The hook's full answer: exit code, decision (`allow` when nothing is printed), reason and
/// standard error, for a call starting in `cwd`.
fn hook_in(root: &Path, cwd: &Path, command: &str) -> (i32, String, String, String) {
    let event = json!({"tool_name": "Bash", "cwd": cwd, "tool_input": {"command": command}});
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["hook", "pre-tool-use"])
        .env("CLAUDE_PROJECT_DIR", root)
        .env("HOME", root)
        .write_stdin(event.to_string())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap();
    if out.stdout.is_empty() {
        return (code, "allow".into(), String::new(), stderr);
    }
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let o = &v["hookSpecificOutput"];
    (
        code,
        o["permissionDecision"].as_str().unwrap().to_owned(),
        o["permissionDecisionReason"].as_str().unwrap().to_owned(),
        stderr,
    )
}

/// `repo()` with everything committed, then `src/auth/login.rs` changed and
/// `src/auth/token.rs` new, nothing staged.
fn committed_repo() -> tempfile::TempDir {
    let r = repo();
    let root = r.path();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "init", "--no-verify"]);
    std::fs::write(root.join("src/auth/login.rs"), "fn login() { 2 }\n").unwrap();
    std::fs::write(root.join("src/auth/token.rs"), "fn token() {}\n").unwrap();
    std::fs::write(root.join("notes.txt"), "notes\n").unwrap();
    r
}

#[test]
fn what_the_same_call_stages_before_committing_is_checked() {
    let r = committed_repo();
    let root = r.path();
    // Nothing staged: a bare commit touches nothing mapped.
    assert_eq!(hook(root, "git commit -m x").0, "allow");
    for command in [
        "git add src/auth/login.rs && git commit -m 'fix login'",
        "git add src/auth/token.rs; git commit -m x",
        "git add -A; git commit -m x",
        "git add . && git commit -m x",
        "git add --all && git commit -qm x",
        "git add -u && git commit -m x",
        "git add src && git commit -m x",
        "git add 'src/*.rs' && git commit -m x",
        "git add :/src/auth && git commit -m x",
        "git add src/auth/login.rs\ngit commit -m x",
        "bash -c 'git add src/auth && git commit -m \"a b\"'",
        "sh -c \"git add -A; git commit -m wip\"",
        "cd src && git add auth && git commit -m x",
        "(git add src/auth/login.rs) && git commit -m x",
        "git -C src add auth && git commit -m x",
        "git -C src/auth add . && git -C src commit -m x",
        "git stage src/auth/token.rs && git commit -m x",
        "git rm -q --cached src/auth/login.rs && git commit -m x",
        "git mv src/auth/login.rs src/login.rs && git commit -m x",
        "git ls-files -m | xargs git add && git commit -m x",
        "git add $FILES && git commit -m x",
        "echo 'fn more() {}' >> src/auth/login.rs && git commit -am x",
        "git commit -am x",
        "git commit -m x src/auth/login.rs",
        "git commit -m x -i src/auth",
    ] {
        let (decision, reason) = hook(root, command);
        assert_eq!(decision, "ask", "{command}");
        assert!(reason.contains("**auth**"), "{command}: {reason}");
        assert!(
            reason.contains("log in with a password"),
            "{command}: {reason}"
        );
    }
    // The folder the call starts in counts.
    let (_, decision, reason, _) =
        hook_in(root, &root.join("src"), "git add auth && git commit -m x");
    assert_eq!(decision, "ask");
    assert!(reason.contains("src/auth/login.rs"), "{reason}");
    let (_, decision, _, _) = hook_in(root, &root.join("src/auth"), "git add . && git commit -m x");
    assert_eq!(decision, "ask");
    let (_, decision, _, _) = hook_in(
        root,
        root,
        "git add src/auth/login.rs && git commit --allow-empty -m x",
    );
    assert_eq!(
        decision, "ask",
        "--allow-empty still commits what was staged"
    );
    // What is staged first but not mapped, or not staged at all, stays silent.
    for command in [
        "git add notes.txt && git commit -m notes",
        "git add README.md notes.txt; git commit -m x",
        "git add -n . && git commit -m x",
        "git commit -m x notes.txt",
        "git add -A && git commit -m '[skip-regression] wip'",
        "git add -A && git status",
        "echo 'git add -A && git commit -m x'",
    ] {
        assert_eq!(hook(root, command).0, "allow", "{command}");
    }
    // The hook staged nothing itself.
    assert_eq!(git(root, &["diff", "--cached", "--name-only"]), "");
}

#[test]
fn a_stamp_covers_a_call_that_stages_nothing_new() {
    let r = committed_repo();
    let root = r.path();
    assert!(metalayer(root, &["stamp"]).status.success());
    // Stamped with nothing staged; the call stages mapped changes first: not covered.
    let (decision, reason) = hook(root, "git add -A && git commit -m x");
    assert_eq!(decision, "ask");
    assert!(reason.contains("stages before it commits"), "{reason}");
    // Staged, tested, stamped: the same `git add` adds nothing more, and the stamp holds.
    git(root, &["add", "-A"]);
    assert!(metalayer(root, &["stamp"]).status.success());
    assert_eq!(hook(root, "git add -A && git commit -m x").0, "allow");
    assert_eq!(hook(root, "git commit -m x").0, "allow");
    // A change after the stamp that the call would stage asks again.
    std::fs::write(root.join("src/auth/login.rs"), "fn login() { 3 }\n").unwrap();
    assert_eq!(hook(root, "git add -A && git commit -m x").0, "ask");
    assert_eq!(hook(root, "git commit -am x").0, "ask");
    assert_eq!(
        hook(root, "git commit -m x").0,
        "allow",
        "what is staged is stamped"
    );
}

#[test]
fn empty_gate_lists_keep_the_regression_gate() {
    for policy in [
        "version: \"1.0\"\ngates: {hard: []}\nregression:\n  map: .control/regression-map.yaml\n",
        "version: \"1.0\"\ngates:\n  hard: []\n  soft: []\nregression:\n  map: .control/regression-map.yaml\n",
        "version: \"1.0\"\ngates: {hard: []}\n",
        "version: \"1.0\"\n",
        // Only a file gate: nothing reads the command.
        "version: \"1.0\"\ngates:\n  hard:\n    - id: F1\n      rule: no secrets\n      field: file_path\n      tools: [Write]\n      pattern: \"\\\\.env$\"\n",
        // Only documentation gates.
        "version: \"1.0\"\ngates:\n  soft:\n    - {id: G5, rule: \"Prefer feature branches\"}\n",
    ] {
        let r = committed_repo();
        let root = r.path();
        std::fs::write(root.join(".control/policy.yaml"), policy).unwrap();
        let (decision, reason) = hook(root, "git add src/auth/login.rs && git commit -m x");
        assert_eq!(decision, "ask", "{policy}");
        assert!(reason.contains("**auth**"), "{policy}: {reason}");
        git(root, &["add", "src/auth/login.rs"]);
        assert_eq!(hook(root, "git commit -m x").0, "ask", "{policy}");
        assert_eq!(hook(root, "git status").0, "allow", "{policy}");
    }
}

const SEED_MAP: &str = r#"{"features": {"auth": {"patterns": ["auth/*.rs"], "scenarios": ["seed: sign in"], "url": "/login"}}}"#;

/// A repository of the original system: the seed's JSON map, no `.control` folder.
fn seed_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::create_dir_all(root.join("scripts")).unwrap();
    std::fs::write(root.join("scripts/regression-test-map.json"), SEED_MAP).unwrap();
    std::fs::create_dir_all(root.join("src/auth")).unwrap();
    std::fs::write(root.join("src/auth/login.rs"), "fn login() {}\n").unwrap();
    std::fs::write(root.join("README.md"), "hi\n").unwrap();
    dir
}

#[test]
fn the_seed_map_serves_without_a_policy_file() {
    let r = seed_repo();
    let root = r.path();
    assert!(!root.join(".control").exists());
    // The embedded default names `.control/regression-map.yaml`, absent: the seed map serves,
    // its patterns matching under any folder.
    let (decision, reason) = hook(root, "git add src/auth/login.rs && git commit -m x");
    assert_eq!(decision, "ask");
    assert!(reason.contains("seed: sign in"), "{reason}");
    assert!(reason.contains("URL: /login"), "{reason}");
    assert_eq!(
        hook(root, "git add README.md && git commit -m x").0,
        "allow"
    );
    // git's pre-commit hook reads the same map.
    git(root, &["add", "src/auth/login.rs"]);
    let out = metalayer(root, &["hook", "pre-commit"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("seed: sign in"));
    // `affected` and `audit` find it too.
    let out = metalayer(root, &["affected"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("auth"));
    let audit = String::from_utf8(metalayer(root, &["audit"]).stdout).unwrap();
    assert!(
        audit.contains("scripts/regression-test-map.json (1 feature mapped)"),
        "{audit}"
    );
    // A policy file without a `regression` section: the same search.
    std::fs::create_dir_all(root.join(".control")).unwrap();
    std::fs::write(root.join(".control/policy.yaml"), "version: \"1.0\"\n").unwrap();
    assert_eq!(hook(root, "git commit -m x").0, "ask");
    assert_eq!(metalayer(root, &["validate"]).status.code(), Some(0));
}

#[test]
fn a_map_the_policy_names_but_is_missing_fails_closed() {
    let r = committed_repo();
    let root = r.path();
    let policy = "version: \"1.0\"\nregression:\n  map: maps/features.yaml\n";
    std::fs::write(root.join(".control/policy.yaml"), policy).unwrap();
    // The hook: every `git commit` is blocked with the reason, nothing else.
    let (code, decision, _, stderr) = hook_in(root, root, "git add -A && git commit -m x");
    assert_eq!((code, decision.as_str()), (2, "allow"), "blocked by exit 2");
    assert!(stderr.contains("maps/features.yaml"), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    let (code, _, _, stderr) = hook_in(root, root, "git commit -m x README.md");
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(hook(root, "git status").0, "allow");
    assert_eq!(hook(root, "cargo test").0, "allow");
    // `on_error: ask` asks instead.
    std::fs::write(
        root.join(".control/policy.yaml"),
        format!("{policy}on_error: ask\n"),
    )
    .unwrap();
    let (code, decision, reason, _) = hook_in(root, root, "git commit -m x");
    assert_eq!((code, decision.as_str()), (0, "ask"));
    assert!(reason.contains("maps/features.yaml"), "{reason}");
    // The map at the default place is not used instead of the one named.
    std::fs::write(root.join(".control/policy.yaml"), policy).unwrap();
    assert!(root.join(".control/regression-map.yaml").exists());
    // validate and audit say so.
    let out = metalayer(root, &["validate"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("maps/features.yaml"), "{err}");
    assert!(err.contains("regression::missing-map"), "{err}");
    assert!(err.contains(":3:"), "placed on the line of `map`: {err}");
    let out = metalayer(root, &["validate", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["diagnostics"][0]["code"], "regression::missing-map");
    assert_eq!(v["diagnostics"][0]["line"], 3);
    let out = metalayer(root, &["audit", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["failures"].to_string().contains("maps/features.yaml"),
        "{v:#}"
    );
    // git's pre-commit hook refuses too.
    let out = metalayer(root, &["hook", "pre-commit"]);
    assert_eq!(out.status.code(), Some(1));
    // Restored: valid, and the gate works.
    std::fs::create_dir_all(root.join("maps")).unwrap();
    std::fs::write(root.join("maps/features.yaml"), MAP).unwrap();
    assert_eq!(metalayer(root, &["validate"]).status.code(), Some(0));
    assert_eq!(hook(root, "git add -A && git commit -m x").0, "ask");
    // A named map that does not parse is an error too.
    std::fs::write(root.join("maps/features.yaml"), "features: [").unwrap();
    let out = metalayer(root, &["validate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("regression::invalid-map"));
}

#[test]
fn validate_places_a_missing_map_in_flow_style_too() {
    let dir = tempfile::tempdir().unwrap();
    let control = dir.path().join(".control");
    std::fs::create_dir_all(&control).unwrap();
    std::fs::write(
        control.join("policy.yaml"),
        "version: \"1.0\"\ngates: {hard: []}\n\nregression: {map: nowhere.json, stamp_ttl_seconds: 5}\n",
    )
    .unwrap();
    let out = metalayer(dir.path(), &["validate", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "regression::missing-map");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(19))
    );
    // The embedded default names `.control/regression-map.yaml` and may lack it: not an error
    // there, only for a policy file that names it.
    std::fs::write(control.join("policy.yaml"), "version: \"1.0\"\n").unwrap();
    assert_eq!(metalayer(dir.path(), &["validate"]).status.code(), Some(0));
}
