//! Files: finding, reading, refusing.

use metalayer_policy::{
    DEFAULT_POLICY_FILE, MAX_POLICY_BYTES, PolicyError, find_policy, load_file,
};

#[test]
fn find_policy_walks_up_from_a_subfolder() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("src/a/b");
    std::fs::create_dir_all(&deep).unwrap();
    assert_eq!(find_policy(&deep), None);
    let policy = dir.path().join(DEFAULT_POLICY_FILE);
    std::fs::create_dir_all(policy.parent().unwrap()).unwrap();
    std::fs::write(&policy, "version: \"1.0\"\n").unwrap();
    assert_eq!(find_policy(&deep), Some(policy.clone()));
    assert_eq!(find_policy(dir.path()), Some(policy));
}

#[test]
fn load_file_reads_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.yaml");
    std::fs::write(
        &path,
        "gates:\n  hard:\n    - id: G1\n      pattern: \"(\"\n",
    )
    .unwrap();
    let err = load_file(&path).unwrap_err();
    let report = err.report().unwrap();
    assert_eq!(report.name(), path.display().to_string());
    assert!(err.to_string().contains("1 error"), "{err}");
    // The missing version is a warning carried along with the error.
    assert_eq!(report.warning_count(), 1);
}

#[test]
fn missing_and_oversized_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.yaml");
    match load_file(&missing) {
        Err(PolicyError::Io { path, source }) => {
            assert_eq!(path, missing);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
    let big = dir.path().join("big.yaml");
    std::fs::write(&big, vec![b'#'; MAX_POLICY_BYTES + 10]).unwrap();
    assert!(
        matches!(load_file(&big), Err(PolicyError::TooLarge { size, .. }) if size == MAX_POLICY_BYTES as u64 + 10)
    );
    let binary = dir.path().join("bin.yaml");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
    assert!(matches!(
        load_file(&binary),
        Err(PolicyError::NotUtf8 { .. })
    ));
}

#[test]
fn errors_expose_their_source() {
    use std::error::Error as _;
    let err = load_file(std::path::Path::new("/nonexistent/policy.yaml")).unwrap_err();
    assert!(err.source().is_some());
}

#[test]
fn the_evaluate_section_is_read_and_written_back() {
    use metalayer_policy::{EvaluateStep, MeasureSettings, TestSettings};
    let path = super::data::data_dir().join("valid/evaluate.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let policy = metalayer_policy::load_str(&text, "evaluate.yaml")
        .unwrap()
        .policy;
    let e = policy.evaluate.as_ref().unwrap();
    assert_eq!(
        e.test.as_ref().unwrap().detailed(),
        TestSettings {
            command: "cargo test --workspace".into(),
            junit: Some("target/junit.xml".into())
        }
    );
    assert_eq!(
        e.coverage.as_ref().unwrap().lcov.as_deref(),
        Some("lcov.info")
    );
    assert_eq!(
        e.build.as_ref().unwrap().detailed().artifacts,
        ["target/release/app"]
    );
    assert_eq!(e.lint.as_ref().unwrap().detailed().sarif, None);
    assert_eq!(
        e.measure["binary_count"],
        EvaluateStep::Command("ls target/release | wc -l".into())
    );
    assert_eq!(
        e.measure["login_load_seconds"].detailed(),
        MeasureSettings {
            command: "sh scripts/measure-login.sh".into(),
            unit: Some("s".into())
        }
    );
    assert_eq!(e.timeout_seconds, Some(900));
    let again =
        metalayer_policy::load_str(&metalayer_policy::to_yaml(&policy).unwrap(), "again.yaml")
            .unwrap();
    assert_eq!(again.policy, policy);
    // An unknown key of the section is a warning, not an error.
    let loaded = metalayer_policy::load_str(
        "version: \"1.0\"\nevaluate:\n  tests: make test\n",
        "p.yaml",
    )
    .unwrap();
    assert_eq!(loaded.warnings.len(), 1);
}

#[test]
fn examples_and_origin_are_known_gate_keys() {
    let source = "version: \"1.0\"\ngates:\n  hard:\n    - id: no-npm\n      rule: use pnpm\n      pattern: '^npm\\s+install\\b'\n      examples:\n        block: ['npm install x']\n      origin:\n        lesson: use-pnpm\n        sessions: [s1, s2]\n";
    for options in [
        metalayer_policy::LoadOptions::default(),
        metalayer_policy::LoadOptions::fast(),
    ] {
        let loaded = metalayer_policy::load_str_with(source, "p.yaml", options).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let gate = &loaded.policy.gates.hard[0];
        assert_eq!(
            gate.docs().origin,
            Some(metalayer_policy::GateOrigin::new(
                "use-pnpm",
                vec!["s1".to_owned(), "s2".to_owned()]
            ))
        );
    }
    // An origin is the lesson and its sessions, nothing else.
    let bad = source.replace("        sessions:", "        session:");
    assert!(metalayer_policy::load_str(&bad, "p.yaml").is_err());
    // It survives a round trip.
    let loaded = metalayer_policy::load_str(source, "p.yaml").unwrap();
    let again = metalayer_policy::to_yaml(&loaded.policy).unwrap();
    let reloaded = metalayer_policy::load_str(&again, "p.yaml").unwrap();
    assert_eq!(reloaded.policy, loaded.policy);
}
