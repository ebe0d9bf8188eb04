//! `metalayer init` and `metalayer hook pre-commit`, run for real in git repositories.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use metalayer_test_support::{git, git_command as git_cmd, snapshot};
use serde_json::Value;

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}

fn init(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("metalayer")
        .unwrap()
        .arg("init")
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .unwrap()
}

/// The binary under test, as `init` records it.
fn binary() -> PathBuf {
    std::fs::canonicalize(assert_cmd::cargo::cargo_bin("metalayer")).unwrap()
}

/// Output with the repository's root and the binary's path replaced (`[ROOT]`, `[BIN]`).
fn redact(root: &Path, text: &str) -> String {
    let root = std::fs::canonicalize(root).unwrap();
    text.replace(&binary().display().to_string(), "[BIN]")
        .replace(&root.display().to_string(), "[ROOT]")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn init_on_an_empty_repository_reports_each_file_and_what_to_do_next() {
    let repo = repo();
    let out = init(repo.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("init_empty_repository", redact(repo.path(), &stdout(&out)));
    // The suggested `git add` works: it names no ignored file.
    let text = stdout(&out);
    let files = text
        .split("git add ")
        .nth(1)
        .and_then(|rest| rest.split(" && ").next())
        .unwrap();
    let mut args = vec!["add", "--"];
    args.extend(files.split(' '));
    git(repo.path(), &args);

    let before = snapshot(repo.path());
    let again = init(repo.path(), &[]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stdout(&again).contains("nothing to do: already initialised (profile governed)"),
        "{}",
        stdout(&again)
    );
    assert!(!stdout(&again).contains("created"));
    assert_eq!(snapshot(repo.path()), before);
}

const USER_SETTINGS: &str = "{\"permissions\":{\"allow\":[\"Bash(cargo test)\"]},\n\t\"hooks\": {\"PreToolUse\": [{\"matcher\": \"Bash\", \"hooks\": [{\"type\": \"command\", \"command\": \"./my-gate\"}]}],\n\"Stop\": [{\"hooks\": [{\"type\": \"command\", \"command\": \"notify-send done\"}]}]},\n\"env\": {\"A\": \"b\"}}";

#[test]
fn init_keeps_the_users_settings_and_agents_md_and_the_audit_is_clean() {
    let repo = repo();
    let root = repo.path();
    std::fs::create_dir_all(root.join(".claude")).unwrap();
    std::fs::write(root.join(".claude/settings.json"), USER_SETTINGS).unwrap();
    std::fs::write(root.join("AGENTS.md"), "# Ours\n").unwrap();
    // From a subfolder: init installs at the work tree's root.
    std::fs::create_dir_all(root.join("src")).unwrap();
    let out = init(&root.join("src"), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("merged    .claude/settings.json (+PreToolUse gate, +PostToolUse outcome, +PostToolUseFailure outcome, +Stop capture, +SessionStart context)"),
        "{text}"
    );
    assert!(text.contains("kept      AGENTS.md (yours)"), "{text}");
    assert_eq!(
        std::fs::read_to_string(root.join("AGENTS.md")).unwrap(),
        "# Ours\n"
    );
    let original: Value = serde_json::from_str(USER_SETTINGS).unwrap();
    let merged: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(".claude/settings.json")).unwrap())
            .unwrap();
    assert_eq!(merged["permissions"], original["permissions"]);
    assert_eq!(merged["env"], original["env"]);
    assert_eq!(
        merged["hooks"]["PreToolUse"][0],
        original["hooks"]["PreToolUse"][0]
    );
    assert_eq!(merged["hooks"]["Stop"][0], original["hooks"]["Stop"][0]);
    assert_eq!(merged["hooks"]["PreToolUse"].as_array().unwrap().len(), 2);
    assert!(!root.join("src/.control").exists());

    let before = snapshot(root);
    let again = init(root, &[]);
    assert!(
        stdout(&again).contains("nothing to do"),
        "{}",
        stdout(&again)
    );
    assert_eq!(snapshot(root), before);

    // What init wrote satisfies the audit's blocking setpoints (governance files, hooks).
    let audit = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["audit", "--json"])
        .current_dir(root)
        .env("HOME", root)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&audit.stdout).unwrap_or(Value::Null);
    assert_eq!(
        audit.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&audit),
        stderr(&audit)
    );
    assert!(report.is_object(), "{}", stdout(&audit));
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let repo = repo();
    let before = snapshot(repo.path());
    let out = init(repo.path(), &["--dry-run", "--profile", "autonomous"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("nothing is written"), "{text}");
    assert!(
        text.contains("create    .control/policy.yaml (autonomous profile)"),
        "{text}"
    );
    assert!(text.contains("create    .git/hooks/pre-commit"), "{text}");
    assert_eq!(snapshot(repo.path()), before);
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());
}

#[test]
fn json_output_lists_every_action() {
    let repo = repo();
    let out = init(repo.path(), &["--json", "--profile", "baseline"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["profile"], "baseline");
    assert_eq!(v["changed"], true);
    let actions = v["actions"].as_array().unwrap();
    assert!(actions.iter().all(|a| a["action"] == "create"));
    assert!(actions.iter().any(|a| a["path"] == ".claude/settings.json"));
    assert!(
        !actions
            .iter()
            .any(|a| a["path"] == ".control/regression-map.yaml")
    );
    let again = init(repo.path(), &["--json", "--profile", "baseline"]);
    let v: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(v["nothing_to_do"], true);
    assert_eq!(v["changed"], false);
}

#[test]
fn invalid_settings_json_is_refused_and_nothing_is_written() {
    let repo = repo();
    std::fs::create_dir_all(repo.path().join(".claude")).unwrap();
    std::fs::write(
        repo.path().join(".claude/settings.json"),
        "{\n  \"hooks\": {\n    \"Stop\": [}\n}\n",
    )
    .unwrap();
    let before = snapshot(repo.path());
    let out = init(repo.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(".claude/settings.json"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert_eq!(snapshot(repo.path()), before);
}

#[test]
fn outside_a_git_repository_init_says_to_run_git_init() {
    let dir = tempfile::tempdir().unwrap();
    let out = init(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("git init"), "{}", stderr(&out));
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn each_harness_writes_its_own_settings_file() {
    for (harness, file, key) in [
        ("codex", ".codex/hooks.json", "PreToolUse"),
        ("gemini", ".gemini/settings.json", "BeforeTool"),
        ("cursor", ".cursor/hooks.json", "beforeShellExecution"),
        ("copilot", ".github/hooks/metalayer.json", "preToolUse"),
    ] {
        let repo = repo();
        let out = init(repo.path(), &["--harness", harness]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        // Codex and Gemini CLI sessions are captured; Cursor's and Copilot's not yet.
        assert_eq!(
            stdout(&out).contains("no session capture"),
            matches!(harness, "cursor" | "copilot"),
            "{}",
            stdout(&out)
        );
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(repo.path().join(file)).unwrap())
                .unwrap();
        let entry = v["hooks"][key].to_string();
        assert!(
            entry.contains(&format!("hook pre-tool-use --harness {harness} ||")),
            "{entry}"
        );
        assert!(!repo.path().join(".claude/settings.json").exists());
    }
}

#[test]
fn help_shows_profiles_and_examples() {
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["init", "--help"])
        .output()
        .unwrap();
    let text = stdout(&out);
    for needle in [
        "baseline",
        "autonomous",
        "metalayer init --dry-run",
        "--force",
        "--harness",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
}

fn bin_dir() -> PathBuf {
    let bin = assert_cmd::cargo::cargo_bin("metalayer");
    bin.parent().unwrap().to_path_buf()
}

fn path_with_metalayer() -> std::ffi::OsString {
    let mut paths = vec![bin_dir()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

#[test]
fn autonomous_makes_git_refuse_an_unstamped_commit_of_a_mapped_feature() {
    let repo = repo();
    let root = repo.path();
    let out = init(root, &["--profile", "autonomous"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(root.join(".git/hooks/pre-commit").exists());
    std::fs::write(
        root.join(".control/regression-map.yaml"),
        "features:\n  auth:\n    patterns: [\"src/auth/**\"]\n    scenarios: [\"log in with a password\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("src/auth")).unwrap();
    std::fs::write(root.join("src/auth/login.rs"), "fn login() {}\n").unwrap();
    std::fs::write(root.join("README.md"), "hi\n").unwrap();
    let path = path_with_metalayer();

    // An unmapped file commits.
    git(root, &["add", "README.md"]);
    let ok = git_cmd(root, &["commit", "-q", "-m", "readme"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", stderr(&ok));

    // A mapped one is refused by git, with the feature and its scenarios.
    git(root, &["add", "src/auth/login.rs"]);
    let refused = git_cmd(root, &["commit", "-q", "-m", "auth"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert!(err.contains("**auth**"), "{err}");
    assert!(err.contains("log in with a password"), "{err}");
    assert!(err.contains("metalayer stamp"), "{err}");

    // After `metalayer stamp` it goes through.
    let stamp = Command::cargo_bin("metalayer")
        .unwrap()
        .arg("stamp")
        .current_dir(root)
        .env("HOME", root)
        .output()
        .unwrap();
    assert_eq!(stamp.status.code(), Some(0), "{}", stderr(&stamp));
    let ok = git_cmd(root, &["commit", "-q", "-m", "auth"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", stderr(&ok));
}

#[test]
fn the_pre_commit_hook_fails_closed_when_it_cannot_decide() {
    let repo = repo();
    let root = repo.path();
    let hook = |dir: &Path| {
        Command::cargo_bin("metalayer")
            .unwrap()
            .args(["hook", "pre-commit"])
            .current_dir(dir)
            .env("HOME", dir)
            .output()
            .unwrap()
    };
    // No feature map: nothing to check.
    assert_eq!(hook(root).status.code(), Some(0));
    std::fs::create_dir_all(root.join(".control")).unwrap();
    std::fs::write(root.join(".control/regression-map.yaml"), "features: [").unwrap();
    std::fs::write(root.join("a.txt"), "a\n").unwrap();
    git(root, &["add", "a.txt"]);
    let out = hook(root);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot check the commit (regression gate"),
        "{}",
        stderr(&out)
    );
    // Outside any repository.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = hook(elsewhere.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not inside a git repository"));
}

fn audit_json(dir: &Path) -> (Output, Value) {
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["audit", "--json"])
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .unwrap();
    let report =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    (out, report)
}

fn hooks_wired(report: &Value) -> &Value {
    report["setpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "hooks_wired")
        .unwrap()
}

/// Gives the harness the trust it needs to run the repository's hooks, the way a person
/// would, in the scratch home (`HOME` is the repository in these tests): Codex the records
/// `init --print codex-trust` prints, Gemini CLI and Copilot CLI the folder.
fn trust(dir: &Path, harness: &str) {
    let root = std::fs::canonicalize(dir).unwrap().display().to_string();
    match harness {
        "codex" => {
            let out = init(dir, &["--harness", "codex", "--print", "codex-trust"]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            std::fs::write(dir.join(".codex/config.toml"), &out.stdout).unwrap();
        }
        "gemini" => std::fs::write(
            dir.join(".gemini/trustedFolders.json"),
            serde_json::json!({ (root): "TRUST_FOLDER" }).to_string(),
        )
        .unwrap(),
        "copilot" => {
            std::fs::create_dir_all(dir.join(".copilot")).unwrap();
            std::fs::write(
                dir.join(".copilot/config.json"),
                serde_json::json!({ "trustedFolders": [root] }).to_string(),
            )
            .unwrap();
        }
        _ => {}
    }
}

#[test]
fn a_fresh_init_audits_clean_for_every_profile_and_harness() {
    // (harness, hook kinds wired by the baseline, governed and autonomous profiles)
    let expected = [
        ("claude", [3, 5, 6]),
        ("codex", [3, 5, 6]),
        ("gemini", [3, 5, 6]),
        ("cursor", [1, 1, 2]),
        ("copilot", [3, 3, 4]),
    ];
    for (harness, counts) in expected {
        for (profile, n) in ["baseline", "governed", "autonomous"]
            .into_iter()
            .zip(counts)
        {
            let what = format!("{profile} {harness}");
            let repo = repo();
            let out = init(repo.path(), &["--profile", profile, "--harness", harness]);
            assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr(&out));
            assert!(!stdout(&out).contains("note:"), "{what}: {}", stdout(&out));
            if matches!(harness, "codex" | "gemini" | "copilot") {
                // Untrusted, the harness would skip the hooks: a blocking alert.
                let (audit, report) = audit_json(repo.path());
                assert_eq!(audit.status.code(), Some(1), "{what}: {report:#}");
                let failures = report["failures"].to_string();
                assert!(failures.contains("will not"), "{what}: {failures}");
                trust(repo.path(), harness);
            }
            let (audit, report) = audit_json(repo.path());
            assert_eq!(report["ok"], true, "{what}: {report:#}");
            assert_eq!(audit.status.code(), Some(0), "{what}");
            let s12 = hooks_wired(&report);
            assert_eq!(s12["value"], f64::from(n), "{what}: {s12}");
            assert_eq!(s12["value"], s12["target"], "{what}: {s12}");
        }
    }
}

#[test]
fn codex_gets_a_shell_and_file_gate_an_outcome_record_and_capture() {
    let repo = repo();
    let out = init(repo.path(), &["--harness", "codex"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join(".codex/hooks.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(v["hooks"]["PreToolUse"][0]["matcher"], "Bash|apply_patch");
    assert!(
        v["hooks"]["Stop"][0]["hooks"][0]["command"]
            .as_str()
            .unwrap()
            .contains("hook stop --harness codex")
    );
    let (_, report) = audit_json(repo.path());
    assert_eq!(
        hooks_wired(&report)["detail"],
        "shell gate, file gate, session capture, session context, outcome record"
    );
    assert!(
        v["hooks"]["SessionStart"][0]["hooks"][0]["command"]
            .as_str()
            .unwrap()
            .contains("hook session-start --harness codex")
    );
    // The capture setpoints are kept: Codex sessions are captured.
    let policy = std::fs::read_to_string(repo.path().join(".control/policy.yaml")).unwrap();
    assert!(policy.contains("name: sessions_captured"), "{policy}");
    assert!(
        policy.contains("name: bridge_freshness_seconds"),
        "{policy}"
    );
    assert!(!policy.contains("no session capture"), "{policy}");
    let text = stdout(&out);
    assert!(text.contains("--print codex-trust"), "{text}");
}

#[test]
fn copilot_gets_no_capture_and_no_capture_setpoints() {
    let repo = repo();
    let out = init(repo.path(), &["--harness", "copilot"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (_, report) = audit_json(repo.path());
    assert_eq!(
        hooks_wired(&report)["detail"],
        "shell gate, file gate, outcome record"
    );
    let policy = std::fs::read_to_string(repo.path().join(".control/policy.yaml")).unwrap();
    assert!(
        policy.contains(
            "    # no session capture: metalayer cannot capture GitHub Copilot sessions yet\n    target: 3\n    alert_below: 3\n"
        ),
        "{policy}"
    );
    // No setpoint it could never meet, and no advice that cannot work.
    assert!(!policy.contains("sessions_captured}"), "{policy}");
    assert!(
        policy.contains("  # S13 bridge_freshness_seconds and S14 sessions_captured are left out")
    );
    let text = stdout(&out);
    assert!(!text.contains("metalayer capture"), "{text}");
}

#[test]
fn changing_the_harness_keeps_the_policy_and_notes_what_s12_will_see() {
    let repo = repo();
    let root = repo.path();
    assert_eq!(init(root, &[]).status.code(), Some(0));
    // Without the Claude Code settings, a Cursor init wires 1 kind; the kept policy wants 5.
    std::fs::remove_file(root.join(".claude/settings.json")).unwrap();
    let policy = std::fs::read(root.join(".control/policy.yaml")).unwrap();
    let out = init(root, &["--harness", "cursor"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "kept      .control/policy.yaml (generated by init for claude; --force rewrites it for cursor)"
        ),
        "{text}"
    );
    assert!(
        text.contains("note: .control/policy.yaml is kept, but its S12 hooks_wired alerts below 5, and 1 hook kind is wired (shell gate): `metalayer audit` will fail; `metalayer init --harness cursor --force` rewrites"),
        "{text}"
    );
    assert_eq!(
        std::fs::read(root.join(".control/policy.yaml")).unwrap(),
        policy
    );
    let (audit, report) = audit_json(root);
    assert_eq!(audit.status.code(), Some(1));
    assert_eq!(report["ok"], false);
    // The JSON form carries the note; --force follows its advice and the audit passes.
    let out = init(root, &["--harness", "cursor", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["notes"].as_array().unwrap().len(), 1, "{v:#}");
    let out = init(root, &["--harness", "cursor", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains("note:"), "{}", stdout(&out));
    let (audit, report) = audit_json(root);
    assert_eq!(audit.status.code(), Some(0), "{report:#}");
    assert_eq!(hooks_wired(&report)["target"], 1.0);
}

#[test]
fn core_hooks_path_gets_the_pre_commit_hook_and_audit_finds_it_there() {
    let repo = repo();
    let root = repo.path();
    git(root, &["config", "core.hooksPath", ".githooks"]);
    let out = init(root, &["--profile", "autonomous"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        root.join(".githooks/pre-commit").is_file(),
        "{}",
        stdout(&out)
    );
    assert!(!root.join(".git/hooks/pre-commit").exists());
    let (audit, report) = audit_json(root);
    assert_eq!(audit.status.code(), Some(0), "{report:#}");
    let s12 = hooks_wired(&report);
    assert_eq!(s12["value"], 6.0, "{s12}");
    assert!(
        s12["detail"].as_str().unwrap().contains("pre-commit"),
        "{s12}"
    );
}

#[test]
fn audit_ignores_a_hook_in_dot_git_when_core_hooks_path_points_elsewhere() {
    let repo = repo();
    let root = repo.path();
    let out = init(root, &["--profile", "autonomous"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(root.join(".git/hooks/pre-commit").is_file());
    let (_, before) = audit_json(root);
    assert_eq!(hooks_wired(&before)["value"], 6.0);
    // git now runs hooks from .githooks, which has none: the .git/hooks one never runs.
    git(root, &["config", "core.hooksPath", ".githooks"]);
    let (audit, after) = audit_json(root);
    assert_eq!(hooks_wired(&after)["value"], 5.0, "{after:#}");
    assert_ne!(audit.status.code(), Some(0), "{after:#}");
}

#[test]
fn the_pre_commit_hook_refuses_when_the_policy_names_a_missing_map() {
    let repo = repo();
    let root = repo.path();
    let out = init(root, &["--profile", "autonomous"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(root.join("a.txt"), "a\n").unwrap();
    git(root, &["add", "a.txt"]);
    let hook = || {
        Command::cargo_bin("metalayer")
            .unwrap()
            .args(["hook", "pre-commit"])
            .current_dir(root)
            .env("HOME", root)
            .output()
            .unwrap()
    };
    assert_eq!(hook().status.code(), Some(0), "{}", stderr(&hook()));
    std::fs::remove_file(root.join(".control/regression-map.yaml")).unwrap();
    let out = hook();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(".control/regression-map.yaml"), "{err}");
    assert!(err.contains("restore it"), "{err}");
    assert!(err.contains("remove `regression.map`"), "{err}");
}

#[test]
fn a_gate_under_bash_alone_gets_our_full_matcher_and_audit_passes_s12() {
    let repo = repo();
    let root = repo.path();
    std::fs::create_dir_all(root.join(".claude")).unwrap();
    std::fs::write(
        root.join(".claude/settings.json"),
        r#"{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"command": "metalayer hook pre-tool-use"}]}]}}"#,
    )
    .unwrap();
    let out = init(root, &["--profile", "governed"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(".claude/settings.json")).unwrap())
            .unwrap();
    let entries = v["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{v:#}");
    assert_eq!(
        entries[1]["matcher"],
        "Bash|Write|Edit|MultiEdit|NotebookEdit"
    );
    let (audit, report) = audit_json(root);
    assert_eq!(audit.status.code(), Some(0), "{report:#}");
    let s12 = hooks_wired(&report);
    assert_eq!(s12["value"], s12["target"], "{s12}");
}

#[cfg(unix)]
#[test]
fn a_symlinked_claude_folder_is_refused_and_nothing_is_written() {
    let repo = repo();
    let root = repo.path();
    let outside = tempfile::tempdir().unwrap();
    let user = r#"{"env": {"A": "1"}}"#;
    std::fs::write(outside.path().join("settings.json"), user).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join(".claude")).unwrap();
    let out = init(root, &["--profile", "governed"]);
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains(".claude") && err.contains("symlink"), "{err}");
    assert_eq!(
        std::fs::read_to_string(outside.path().join("settings.json")).unwrap(),
        user
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
    assert!(!root.join(".control").exists(), "nothing is written");
}

#[cfg(unix)]
#[test]
fn a_rewrite_keeps_the_files_permissions() {
    use std::os::unix::fs::PermissionsExt as _;
    let repo = repo();
    let root = repo.path();
    std::fs::create_dir_all(root.join(".claude")).unwrap();
    let settings = root.join(".claude/settings.json");
    std::fs::write(&settings, r#"{"env": {"A": "1"}}"#).unwrap();
    std::fs::set_permissions(&settings, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = init(root, &["--profile", "governed"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&settings)
            .unwrap()
            .contains("pre-tool-use")
    );
    let mode = std::fs::metadata(&settings).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[cfg(unix)]
#[test]
fn a_moved_binary_blocks_every_call_and_the_audit_says_so() {
    use std::os::unix::fs::PermissionsExt as _;
    let repo = repo();
    let root = repo.path();
    // A copy of the binary in a folder with a space, which then disappears.
    let bin_dir = tempfile::tempdir().unwrap();
    let bin = bin_dir.path().join("my tools/metalayer");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    // Copied by another process: a copy written by this one could still be open for writing
    // in a child another test thread forks meanwhile, and executing it would then fail with
    // "text file busy".
    let copied = std::process::Command::new("cp")
        .arg(binary())
        .arg(&bin)
        .status()
        .unwrap();
    assert!(copied.success());
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = std::process::Command::new(&bin)
        .arg("init")
        .current_dir(root)
        .env("HOME", root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let settings: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(".claude/settings.json")).unwrap())
            .unwrap();
    let command = settings["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
        .as_str()
        .unwrap()
        .to_owned();
    let real = std::fs::canonicalize(&bin).unwrap();
    assert!(
        command.starts_with(&format!("'{}' hook pre-tool-use || {{", real.display())),
        "{command}"
    );
    let (audit, report) = audit_json(root);
    assert_eq!(audit.status.code(), Some(0), "{report:#}");
    // Claude Code runs it through `sh -c`: with the binary there, its answer comes through.
    let run = |command: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .current_dir(root)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    std::fs::remove_dir_all(bin_dir.path()).unwrap();
    // Gone: the call is blocked (exit 2 with a reason), never run unchecked.
    let out = run(&command);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("could not run (exit 127): this call is blocked"),
        "{}",
        stderr(&out)
    );
    let (audit, report) = audit_json(root);
    assert_eq!(audit.status.code(), Some(1));
    let failures = report["failures"].to_string();
    assert!(
        failures.contains(".claude/settings.json: PreToolUse: the command does not run metalayer"),
        "{failures}"
    );
    assert!(failures.contains("blocks every gated call"), "{failures}");
    // `metalayer init` (this binary) records itself instead, and the audit passes again.
    let out = init(root, &[]);
    assert!(
        stdout(&out).contains("~PreToolUse gate (new command)"),
        "{}",
        stdout(&out)
    );
    let (audit, report) = audit_json(root);
    assert_eq!(audit.status.code(), Some(0), "{report:#}");
}

#[test]
fn wiring_of_earlier_versions_is_rewritten_and_meanwhile_flagged() {
    let repo = repo();
    let root = repo.path();
    std::fs::create_dir_all(root.join(".claude")).unwrap();
    std::fs::write(
        root.join(".claude/settings.json"),
        r#"{"hooks": {"PreToolUse": [{"matcher": "Bash|Write|Edit|MultiEdit|NotebookEdit", "hooks": [{"type": "command", "command": "metalayer hook pre-tool-use", "timeout": 10}]}]}}"#,
    )
    .unwrap();
    std::fs::write(root.join("AGENTS.md"), "# Ours\n").unwrap();
    // Before init: the plain command is found, and (with no metalayer on PATH) fails open.
    let (_, report) = audit_json(root);
    let failures = report["failures"].to_string();
    assert!(
        failures.contains("in this plain form the harness runs every call unchecked"),
        "{failures}"
    );
    let out = init(root, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("~PreToolUse gate (new command)"),
        "{}",
        stdout(&out)
    );
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(".claude/settings.json")).unwrap())
            .unwrap();
    assert_eq!(
        v["hooks"]["PreToolUse"].as_array().unwrap().len(),
        1,
        "{v:#}"
    );
    let (audit, report) = audit_json(root);
    assert_eq!(audit.status.code(), Some(0), "{report:#}");
}

#[test]
fn codex_requirements_and_trust_records_are_printed_and_nothing_is_written() {
    let repo = repo();
    let root = repo.path();
    let out = init(
        root,
        &["--harness", "codex", "--print", "codex-requirements"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let table: toml::Table = text.parse().unwrap();
    let command = table["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
        .as_str()
        .unwrap();
    assert!(
        command.starts_with("sh -c '\"$0\" hook pre-tool-use --harness codex ||"),
        "{command}"
    );
    assert!(
        command.ends_with(&binary().display().to_string()),
        "{command}"
    );
    assert!(
        std::fs::read_dir(root)
            .unwrap()
            .all(|e| e.unwrap().file_name() == ".git")
    );
    let out = init(root, &["--harness", "codex", "--print", "codex-trust"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table: toml::Table = stdout(&out).parse().unwrap();
    let real = std::fs::canonicalize(root).unwrap().display().to_string();
    assert_eq!(
        table["projects"][&real]["trust_level"].as_str(),
        Some("trusted")
    );
    let states = table["hooks"]["state"].as_table().unwrap();
    // PreToolUse, PostToolUse, Stop (session capture) and SessionStart (session context).
    assert_eq!(states.len(), 4, "{states:?}");
    assert!(
        states
            .keys()
            .all(|k| k.starts_with(&format!("{real}/.codex/hooks.json:")))
    );
    assert!(
        std::fs::read_dir(root)
            .unwrap()
            .all(|e| e.unwrap().file_name() == ".git")
    );
}

#[test]
fn an_untrusted_codex_hook_is_a_blocking_alert_naming_the_way_to_trust_it() {
    let repo = repo();
    let root = repo.path();
    assert_eq!(init(root, &["--harness", "codex"]).status.code(), Some(0));
    let (audit, report) = audit_json(root);
    assert_eq!(audit.status.code(), Some(1));
    let failures = report["failures"].to_string();
    assert!(
        failures.contains("Codex will not load this repository's hooks"),
        "{failures}"
    );
    assert!(
        failures.contains("Codex will not run the PreToolUse hook"),
        "{failures}"
    );
    assert!(failures.contains("--print codex-trust"), "{failures}");
    // Trusted, then the command changes (another binary): Codex would skip it again.
    trust(root, "codex");
    assert_eq!(audit_json(root).0.status.code(), Some(0));
    let path = root.join(".codex/hooks.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("--harness codex ||", "--harness codex  ||"),
    )
    .unwrap();
    let (_, report) = audit_json(root);
    let failures = report["failures"].to_string();
    assert!(
        failures.contains("it changed since it was trusted"),
        "{failures}"
    );
}
