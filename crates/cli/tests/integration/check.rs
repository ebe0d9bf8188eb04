//! `metalayer check`: exit codes and explanations.

use assert_cmd::Command;
use serde_json::Value;

fn check(args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .arg("check")
        .args(args)
        .current_dir(dir.path())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn exit_codes_say_the_decision() {
    assert_eq!(check(&["--", "git", "status"]).0, 0);
    assert_eq!(
        check(&["--", "git", "push", "--force", "origin", "main"]).0,
        1
    );
    assert_eq!(check(&["--", "git restore ."]).0, 2);
    assert_eq!(
        check(&["--tool", "Write", "--file-path", "config/.env.production"]).0,
        1
    );
    assert_eq!(check(&["--file-path", ".env.example"]).0, 0);
    assert_eq!(
        check(&["--policy", "/nonexistent/policy.yaml", "--", "ls"]).0,
        3
    );
    assert_eq!(check(&[]).0, 3);
}

#[test]
fn the_explanation_shows_the_normalised_commands_and_the_gate() {
    let (code, out) = check(&[
        "--",
        "FOO=1 sudo git 'reset' \"--hard\" && echo \"git push --force\"",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("decided by G2 (deny): No destructive git reset"),
        "{out}"
    );
    assert!(out.contains("  git reset --hard\n"), "{out}");
    assert!(out.contains("  echo <data>\n"), "{out}");
}

#[test]
fn json_output_is_machine_readable() {
    let (code, out) = check(&["--json", "--", "bash -c \"rm -rf ~\""]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["decision"], "deny");
    assert_eq!(v["decided_by"], "G3");
    assert_eq!(v["normalized"]["commands"][0]["text"], "rm -rf ~");
    assert_eq!(v["normalized"]["commands"][0]["depth"], 1);
}
