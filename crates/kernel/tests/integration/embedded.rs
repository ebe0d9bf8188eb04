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
    let mut fired = std::collections::BTreeSet::new();
    for case in cases
        .iter()
        .chain(corpus.iter())
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
