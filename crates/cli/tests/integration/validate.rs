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

#[test]
fn gate_examples_are_run_and_point_at_the_failing_example() {
    let good = "version: \"1.0\"\ngates:\n  hard:\n    - id: no-npm\n      rule: use pnpm\n      pattern: '\\bnpm\\s+(install|ci)\\b'\n      match: command\n      examples:\n        block: ['npm install x', 'sudo npm ci', 'bash -c \"npm install\"']\n        allow: ['pnpm install x', 'git commit -m \"npm install is banned\"']\n";
    let (code, out, err) = validate(good, false);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("5 gate examples honoured"), "{out}");
    let bad = good.replace("allow: ['pnpm", "allow: ['npm ci', 'pnpm");
    let (code, _, err) = validate(&bad, false);
    assert_eq!(code, 1);
    assert!(
        err.contains("gate no-npm stops `npm ci`, listed under `allow`"),
        "{err}"
    );
    assert!(err.contains(":10:"), "{err}");
    assert!(err.contains("1 of 6 gate examples not honoured"), "{err}");
    let (code, out, _) = validate(&bad, true);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["valid"], false);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "gate::example", "{v:#}");
    assert_eq!(d["pointer"], "/gates/hard/0/examples/allow/0", "{v:#}");
    assert_eq!(d["gate"], "no-npm");
}

#[test]
fn gate_examples_of_unknown_shape_are_refused() {
    let text = "version: \"1.0\"\ngates:\n  hard:\n    - id: g\n      pattern: x\n      examples:\n        deny: ['x']\n";
    let (code, _, err) = validate(text, false);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(":7:") || err.contains(":6:"), "{err}");
}
