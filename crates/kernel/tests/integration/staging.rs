//! What the commits of a shell call will contain (tests/data/commit-staging.toml), each case
//! simulated through the normaliser and the kernel, then run for real with bash in the same
//! kind of repository and compared with what git committed.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use metalayer_kernel::gates::{NormalizeOptions, normalize};
use metalayer_kernel::{ShellCall, commit_files};
use metalayer_test_support::{git, worktree_fixture};
use serde::Deserialize;

use super::support::data_dir;

#[derive(Debug, Deserialize)]
struct Case {
    command: String,
    #[serde(default)]
    cwd: String,
    #[serde(default)]
    files: Vec<String>,
    #[serde(default)]
    skip: bool,
    #[serde(default = "yes")]
    exact: bool,
    #[serde(default = "yes")]
    real: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
struct File {
    case: Vec<Case>,
}

/// Runs `command` with bash in `dir`, with git isolated from the machine's configuration.
fn run(root: &Path, dir: &Path, command: &str) {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_EDITOR", "true")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap();
    // The command may fail on purpose (git refusing a path); what it committed is what counts.
    let _ = (root, out);
}

/// Every file the commits after `base` touched.
fn committed_since(root: &Path, base: &str) -> BTreeSet<String> {
    git(
        root,
        &[
            "log",
            "--format=",
            "--name-only",
            "--no-renames",
            &format!("{base}..HEAD"),
        ],
    )
    .lines()
    .filter(|l| !l.is_empty())
    .map(str::to_owned)
    .collect()
}

#[test]
fn commit_contents_cases() {
    let text = std::fs::read_to_string(data_dir().join("commit-staging.toml")).unwrap();
    let file: File = toml::from_str(&text).unwrap();
    assert!(file.case.len() >= 80, "{} cases", file.case.len());
    let mut failures = Vec::new();
    for case in &file.case {
        let repo = worktree_fixture();
        let root = repo.path();
        let cwd = root.join(&case.cwd);
        let normalized = normalize(&case.command, &NormalizeOptions::default());
        let call = ShellCall::new(&normalized)
            .in_folder(Some(&cwd))
            .with_raw(&case.command);
        let simulated = commit_files(root, call).unwrap();
        let Some(contents) = simulated else {
            if !case.skip {
                failures.push(format!("{:?}: no commit found", case.command));
            }
            continue;
        };
        if case.skip {
            failures.push(format!("{:?}: should make no checked commit", case.command));
            continue;
        }
        if contents.files != case.files {
            failures.push(format!(
                "{:?}: simulated {:?}, expected {:?}",
                case.command, contents.files, case.files
            ));
        }
        if !case.real {
            continue;
        }
        let base = git(root, &["rev-parse", "HEAD"]);
        run(root, &cwd, &case.command);
        let real = committed_since(root, base.trim());
        let simulated: BTreeSet<String> = contents.files.iter().cloned().collect();
        if !real.is_subset(&simulated) {
            failures.push(format!(
                "{:?}: git committed {real:?}, more than simulated {simulated:?}",
                case.command
            ));
        } else if case.exact && real != simulated {
            failures.push(format!(
                "{:?}: git committed {real:?}, simulated {simulated:?}",
                case.command
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The hook's decision for a Bash call in `root`.
fn decide(root: &Path, command: &str) -> String {
    let event = serde_json::json!({
        "tool_name": "Bash",
        "cwd": root,
        "tool_input": {"command": command},
    });
    let env = metalayer_kernel::HookEnv::new(Some(root.to_path_buf()), root.to_path_buf());
    let out = metalayer_kernel::pre_tool_use(event.to_string().as_bytes(), &env);
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    if out.stdout.is_empty() {
        return "allow".to_owned();
    }
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v["hookSpecificOutput"]["permissionDecision"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn the_regression_gate_runs_whatever_the_gate_lists_hold() {
    let map = "features:\n  auth:\n    patterns: ['src/auth/**']\n    scenarios: [sign in]\n";
    for policy in [
        "version: \"1.0\"\ngates: {hard: []}\nregression:\n  map: .control/regression-map.yaml\n",
        "version: \"1.0\"\ngates:\n  hard: []\n  soft: []\n",
        "version: \"1.0\"\n",
        "version: \"1.0\"\ngates:\n  hard:\n    - {id: F1, rule: no env, field: file_path, tools: [Write], pattern: '\\.env$'}\n",
    ] {
        let repo = worktree_fixture();
        let root = repo.path();
        metalayer_test_support::write(root, ".control/regression-map.yaml", map);
        metalayer_test_support::write(root, ".control/policy.yaml", policy);
        let kernel = metalayer_kernel::Kernel::discover(root).unwrap();
        assert!(
            kernel
                .decide(&metalayer_kernel::ToolCall::bash("git commit -m x"))
                .normalized()
                .is_none(),
            "no gate reads the command: {policy}"
        );
        assert_eq!(
            decide(root, "git add src/auth && git commit -m x"),
            "ask",
            "{policy}"
        );
        assert_eq!(decide(root, "git commit -am x"), "ask", "{policy}");
        assert_eq!(
            decide(root, "git add docs && git commit -m x"),
            "allow",
            "{policy}"
        );
        assert_eq!(decide(root, "ls"), "allow", "{policy}");
    }
}
