//! `metalayer validate` and `metalayer schema`.

use assert_cmd::Command;
use serde_json::Value;

fn validate(text: &str, json: bool) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.yaml");
    std::fs::write(&path, text).unwrap();
    let mut cmd = Command::cargo_bin("metalayer").unwrap();
    cmd.arg("validate").arg(&path);
    if json {
        cmd.arg("--json");
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_seed_policy_is_valid() {
    let seed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../kernel/tests/data/seed-policy.yaml"),
    )
    .unwrap();
    let (code, out, _) = validate(&seed, false);
    assert_eq!(code, 0);
    assert!(
        out.contains("valid (4 enforced gates, 4 setpoints, 0 warnings)"),
        "{out}"
    );
}

#[test]
fn problems_are_reported_with_their_lines() {
    let text = "version: \"1.0\"\ngates:\n  hard:\n    - {id: G1, rule: a, pattern: \"rm -rf (\"}\n    - {id: G1, rule: b, pattern: x}\nsetpoints:\n  - {id: S1, name: s, target: 1, alert_below: low}\n";
    let (code, _, err) = validate(text, false);
    assert_eq!(code, 1);
    assert!(err.contains(":4:"), "{err}");
    assert!(err.contains(":5:"), "{err}");
    assert!(err.contains(":7:"), "{err}");
    let (code, out, _) = validate(text, true);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["valid"], false);
    assert!(v["errors"].as_u64().unwrap() >= 3, "{v:#}");
}

#[test]
fn unknown_keys_warn_but_validate() {
    let (code, _, err) = validate("version: \"1.0\"\ngates:\n  hrad: []\n", false);
    assert_eq!(code, 0);
    assert!(err.contains("did you mean `hard`?"), "{err}");
}

#[test]
fn the_schema_is_printed() {
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["schema", "policy"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["properties"]["gates"].is_object(), "{v:#}");
}

#[test]
fn every_schema_is_printed() {
    for (format, property) in [("feature-map", "features"), ("decision-record", "gates")] {
        let out = Command::cargo_bin("metalayer")
            .unwrap()
            .args(["schema", format])
            .output()
            .unwrap();
        assert!(out.status.success(), "{format}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["properties"][property].is_object(), "{format}: {v:#}");
    }
}
