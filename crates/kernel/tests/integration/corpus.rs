//! shared/corpus/gates.toml and the variants, through the library API.

use metalayer_kernel::{Kernel, PolicySource};

use super::support::{
    Case, PROFILES, command_reading, corpus, governance_variants, seed_policy, variants,
};

fn kernel_for(policy: &str) -> Kernel {
    match policy {
        "default" => Kernel::embedded_default().unwrap(),
        "seed" => {
            let loaded = metalayer_kernel::policy::load_str(&seed_policy(), "seed.yaml").unwrap();
            Kernel::from_policy(loaded.policy, PolicySource::Embedded).unwrap()
        }
        other => panic!("unknown corpus policy `{other}`"),
    }
}

fn check(cases: &[Case]) {
    let mut failures = Vec::new();
    for case in cases {
        let kernel = kernel_for(&case.policy);
        let verdict = kernel.decide(&case.call());
        let got = verdict.decision().as_str();
        if !case.accepts(got) {
            failures.push(format!(
                "{} {:?}{:?}: expected {}, got {} ({})",
                case.tool,
                case.command.as_deref().unwrap_or(""),
                case.file_path.as_deref().unwrap_or(""),
                case.expect,
                got,
                metalayer_kernel::verdict_reason(&verdict)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_shared_corpus_passes() {
    let cases = corpus();
    assert!(cases.len() >= 50);
    check(&cases);
}

#[test]
fn variants_of_the_default_categories_pass() {
    let cases = variants();
    assert!(cases.len() >= 100);
    check(&cases);
}

/// Every case in every profile, through the library.
fn check_profiles(cases: &[Case]) {
    let mut failures = Vec::new();
    for (profile, yaml) in PROFILES {
        let loaded = metalayer_kernel::policy::load_str(yaml, profile).unwrap();
        let kernel = Kernel::from_policy(loaded.policy, PolicySource::Embedded).unwrap();
        for case in cases {
            let expected = case.expected_in(profile);
            let verdict = kernel.decide(&case.call());
            let got = verdict.decision().as_str();
            if got != expected {
                failures.push(format!(
                    "{}: {:?}: expected {expected}, got {got} ({})",
                    profile,
                    case.command.as_deref().unwrap_or(""),
                    metalayer_kernel::verdict_reason(&verdict)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn commands_are_read_the_way_the_shell_and_git_read_them_in_every_profile() {
    let cases = command_reading();
    assert!(cases.len() >= 200, "{}", cases.len());
    for decision in ["allow", "ask", "deny"] {
        assert!(
            cases.iter().filter(|c| c.expect == decision).count() >= 20,
            "too few `{decision}` cases"
        );
    }
    check_profiles(&cases);
}

#[test]
fn governance_files_and_hook_skipping_are_gated_in_every_profile() {
    let cases = governance_variants();
    assert!(cases.len() >= 150, "{}", cases.len());
    for decision in ["allow", "ask", "deny"] {
        assert!(
            cases.iter().filter(|c| c.expect == decision).count() >= 20,
            "too few `{decision}` cases"
        );
    }
    let mut failures = Vec::new();
    for (profile, yaml) in PROFILES {
        let loaded = metalayer_kernel::policy::load_str(yaml, profile).unwrap();
        let kernel = Kernel::from_policy(loaded.policy, PolicySource::Embedded).unwrap();
        for case in &cases {
            let expected = match (profile, case.autonomous.as_deref(), case.expect.as_str()) {
                ("autonomous", Some(a), _) => a,
                ("autonomous", None, "ask") => "deny",
                (_, _, e) => e,
            };
            let verdict = kernel.decide(&case.call());
            let got = verdict.decision().as_str();
            if got != expected {
                failures.push(format!(
                    "{}: {} {:?}{:?}: expected {expected}, got {got} ({})",
                    profile,
                    case.tool,
                    case.command.as_deref().unwrap_or(""),
                    case.file_path.as_deref().unwrap_or(""),
                    metalayer_kernel::verdict_reason(&verdict)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn deny_reasons_name_the_gate_and_what_matched() {
    let kernel = Kernel::embedded_default().unwrap();
    let verdict = kernel.decide(&metalayer_kernel::ToolCall::bash(
        "cd x && git 'reset' --hard HEAD~2",
    ));
    let reason = metalayer_kernel::verdict_reason(&verdict);
    assert_eq!(
        reason,
        "Safety shield G2: No destructive git reset (matched `git reset --hard HEAD~2`)"
    );
}
