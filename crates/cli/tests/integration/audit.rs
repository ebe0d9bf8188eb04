//! `metalayer audit`: exit codes, the JSON form and the human form, on real git repositories.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use metalayer_test_support::git_repo;

fn metalayer(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("metalayer")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn init(dir: &Path) {
    let out = metalayer(dir, &["init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// The human form with the temporary root replaced.
fn human(dir: &Path, out: &std::process::Output) -> String {
    let root = std::fs::canonicalize(dir).unwrap();
    let bin = std::fs::canonicalize(assert_cmd::cargo::cargo_bin("metalayer")).unwrap();
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .replace(&bin.display().to_string(), "[BIN]")
        .replace(&root.display().to_string(), "[ROOT]")
}

#[test]
fn an_initialised_repository_audits_clean_until_a_file_is_deleted() {
    let dir = git_repo();
    init(dir.path());
    let out = metalayer(dir.path(), &["audit", "--json"]);
    let report = json(&out);
    assert_eq!(report["ok"], true, "{report:#}");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(report["failures"], serde_json::json!([]));
    let s12 = report["setpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "hooks_wired")
        .unwrap();
    assert_eq!(s12["value"], 5.0);
    // init's schemas are current, not stale.
    assert!(
        !report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("schema")),
        "{report:#}"
    );

    std::fs::remove_file(dir.path().join("AGENTS.md")).unwrap();
    let out = metalayer(dir.path(), &["audit", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["ok"], false);
    assert_eq!(
        report["failures"],
        serde_json::json!([
            "AGENTS.md is missing",
            "S11 governance_files_present = 4 (alert below 5)"
        ])
    );

    let out = metalayer(dir.path(), &["audit"]);
    assert_eq!(out.status.code(), Some(1));
    let text = human(dir.path(), &out);
    assert!(text.contains("   [missing] AGENTS.md\n"), "{text}");
    assert!(text.ends_with(
        "Audit failed: 2 blocking issues: AGENTS.md is missing; S11 governance_files_present = 4 (alert below 5)\n"
    ), "{text}");
}

#[test]
fn the_human_form_after_init() {
    let dir = git_repo();
    init(dir.path());
    let out = metalayer(dir.path(), &["audit"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("after_init", human(dir.path(), &out));
}

#[test]
fn the_human_form_of_an_ungoverned_repository() {
    let dir = git_repo();
    let out = metalayer(dir.path(), &["audit"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("ungoverned", human(dir.path(), &out));
}

#[test]
fn a_subfolder_or_a_dir_argument_audits_the_repository() {
    let dir = git_repo();
    init(dir.path());
    std::fs::create_dir_all(dir.path().join("src/deep")).unwrap();
    let out = metalayer(&dir.path().join("src/deep"), &["audit", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let root = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(json(&out)["root"], root.display().to_string());

    let elsewhere = tempfile::tempdir().unwrap();
    let out = metalayer(
        elsewhere.path(),
        &["audit", "--json", dir.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["root"], root.display().to_string());
}

#[test]
fn outside_a_repository_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = metalayer(dir.path(), &["audit"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: not inside a repository"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());

    let out = metalayer(dir.path(), &["audit", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let value = json(&out);
    assert_eq!(value["ok"], false);
    assert!(
        value["error"]
            .as_str()
            .unwrap()
            .starts_with("not inside a repository")
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = git_repo();
    let out = metalayer(dir.path(), &["audit", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_failing_blocking_command_setpoint_fails_the_audit() {
    let dir = git_repo();
    init(dir.path());
    let policy = dir.path().join(".control/policy.yaml");
    let mut text = std::fs::read_to_string(&policy).unwrap();
    text = text.replace(
        "setpoints:\n",
        "setpoints:\n  - id: S30\n    name: tests_pass\n    target: 1\n    alert_below: 1\n    measurement: {type: command, spec: \"exit 3\"}\n    severity: blocking\n",
    );
    assert!(text.contains("S30"), "the policy has no `setpoints:` line");
    std::fs::write(&policy, text).unwrap();
    let out = metalayer(dir.path(), &["audit", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let failures = json(&out)["failures"].clone();
    assert_eq!(
        failures,
        serde_json::json!([
            "S30 tests_pass could not be measured: the command exited with status 3"
        ])
    );
    // --no-commands leaves it unmeasured.
    let out = metalayer(dir.path(), &["audit", "--json", "--no-commands"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_feature_map_named_by_the_policy_but_absent_fails_the_audit() {
    let dir = git_repo();
    init(dir.path());
    let out = metalayer(dir.path(), &["audit", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{:#}", json(&out));
    std::fs::remove_file(dir.path().join(".control/regression-map.yaml")).unwrap();
    let out = metalayer(dir.path(), &["audit", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let failures = json(&out)["failures"].to_string();
    assert!(
        failures.contains(".control/regression-map.yaml") && failures.contains("restore it"),
        "{failures}"
    );
}
