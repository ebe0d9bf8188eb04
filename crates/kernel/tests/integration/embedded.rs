//! The embedded default policy.

use metalayer_kernel::{DEFAULT_POLICY_YAML, Kernel};

#[test]
fn the_embedded_policy_loads_without_warnings() {
    let loaded = metalayer_kernel::policy::load_str(DEFAULT_POLICY_YAML, "governed.yaml").unwrap();
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.message.clone()).collect();
    assert!(warnings.is_empty(), "{warnings:?}");
    let kernel = Kernel::embedded_default().unwrap();
    // Every category of the architecture has enforced gates.
    assert!(kernel.gates().len() >= 15, "{}", kernel.gates().len());
}

#[test]
fn every_enforced_gate_of_the_embedded_policy_fires_somewhere() {
    // Each gate must be reachable: the variant corpus holds at least one case it decides.
    let kernel = Kernel::embedded_default().unwrap();
    let cases = super::support::variants();
    let corpus = super::support::corpus();
    let governance = super::support::governance_variants();
    let reading = super::support::command_reading();
    let mut fired = std::collections::BTreeSet::new();
    for case in cases
        .iter()
        .chain(corpus.iter())
        .chain(governance.iter())
        .chain(reading.iter())
        .filter(|c| c.policy == "default")
    {
        for m in kernel.decide(&case.call()).matches() {
            fired.insert(m.id.as_str().to_owned());
        }
    }
    let silent: Vec<&str> = kernel
        .gates()
        .rules()
        .iter()
        .map(|r| r.id().as_str())
        .filter(|id| !fired.contains(*id))
        .collect();
    assert!(silent.is_empty(), "gates no case exercises: {silent:?}");
}

#[test]
fn a_policy_file_s_warnings_are_found_when_asked_for_with_their_lines() {
    // The kernel loads a file without looking for warnings (the hook never shows them); asked,
    // it gives what a load with them finds, positions included.
    let text = "version: \"1.0\"\ngates:\n  hard:\n    - id: G1\n      rule: r\n      pattern: x\n      colour: red\n";
    let repo = metalayer_test_support::fake_repo(Some(text));
    let path = repo.path().join(".control/policy.yaml");
    let kernel = Kernel::from_file(&path).unwrap();
    assert_eq!(kernel.gates().len(), 1);
    let expected = metalayer_kernel::policy::load_file(&path).unwrap().warnings;
    assert_eq!(expected.len(), 1);
    assert_eq!(expected[0].line, 7);
    assert_eq!(kernel.warnings(), expected.as_slice());
    // A file with no warnings has none to find.
    let clean = metalayer_test_support::fake_repo(Some(&text.replace("      colour: red\n", "")));
    let kernel = Kernel::from_file(&clean.path().join(".control/policy.yaml")).unwrap();
    assert!(kernel.warnings().is_empty());
}

#[test]
fn the_known_pattern_table_holds_the_readings_of_every_profile() {
    // The table the kernel compiles in (src/known_patterns.rs) must be what the gate set's
    // readers make of the profiles' patterns today: a stale table would give the fast path
    // other prefilter literals than the library path. `METALAYER_BLESS=1` rewrites it.
    let mut patterns: Vec<String> = Vec::new();
    for (profile, yaml) in super::support::PROFILES {
        let loaded = metalayer_kernel::policy::load_str(yaml, profile).unwrap();
        for rule in metalayer_kernel::rules_of(&loaded.policy) {
            patterns.push(rule.pattern().to_owned());
            patterns.extend(rule.unless().map(str::to_owned));
        }
    }
    assert!(patterns.len() > 100, "{}", patterns.len());
    let fresh =
        metalayer_gates::KnownPatterns::generate(patterns.iter().map(String::as_str)).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/known_patterns.rs");
    if std::env::var_os("METALAYER_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &fresh).unwrap();
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == fresh,
        "{} is stale: run `METALAYER_BLESS=1 cargo test -p metalayer-kernel --test integration known_pattern` and commit it",
        path.display()
    );
}
