//! Hostile inputs are refused quickly, with a diagnostic, and without a stack overflow.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use metalayer_policy::{MAX_POLICY_BYTES, PolicyError, load_str};

fn refused_quickly(text: &str, code: &str) {
    let start = Instant::now();
    let err = load_str(text, "hostile.yaml").unwrap_err();
    let took = start.elapsed();
    assert!(took < Duration::from_secs(2), "took {took:?}");
    let report = err
        .report()
        .unwrap_or_else(|| panic!("expected a report, got {err}"));
    assert!(
        report.diagnostics().iter().any(|d| d.code == code),
        "expected {code}: {:?}",
        report.diagnostics()
    );
}

#[test]
fn billion_laughs_is_refused() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=9 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        writeln!(text, "a{i}: &a{i} [{refs}]").unwrap();
    }
    refused_quickly(&text, "policy::alias-budget");
}

#[test]
fn deep_flow_nesting_is_refused() {
    let text = "[".repeat(20_000) + &"]".repeat(20_000);
    let start = Instant::now();
    let err = load_str(&text, "deep.yaml").unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(err.report().is_some());
}

#[test]
fn deep_block_nesting_is_refused() {
    // `a:\n  a:\n    a: ...` 20,000 deep is far over the size limit...
    let mut deep = String::new();
    for i in 0..20_000 {
        deep.push_str(&" ".repeat(i));
        deep.push_str("a:\n");
    }
    let start = Instant::now();
    assert!(matches!(
        load_str(&deep, "deep.yaml"),
        Err(PolicyError::TooLarge { .. })
    ));
    assert!(start.elapsed() < Duration::from_secs(2));
    // ...so the nesting limit is tested on the deepest such file under the limit, and on
    // sequences nested on one line.
    let mut deep = String::new();
    for i in 0..2_000 {
        deep.push_str(&" ".repeat(i));
        deep.push_str("a:\n");
    }
    assert!(deep.len() <= MAX_POLICY_BYTES);
    refused_quickly(&deep, "policy::too-deep");
    refused_quickly(&("- ".repeat(20_000) + "x\n"), "policy::too-deep");
    refused_quickly(
        &("{a: ".repeat(20_000) + &"}".repeat(20_000)),
        "policy::yaml",
    );
}

#[test]
fn oversized_text_is_refused_before_parsing() {
    let text = "#".repeat(MAX_POLICY_BYTES + 1);
    let start = Instant::now();
    let err = load_str(&text, "big.yaml").unwrap_err();
    assert!(start.elapsed() < Duration::from_millis(100));
    match err {
        PolicyError::TooLarge { size, limit, .. } => {
            assert_eq!(size, MAX_POLICY_BYTES as u64 + 1);
            assert_eq!(limit, MAX_POLICY_BYTES);
        }
        other => panic!("{other}"),
    }
}

/// A policy of `n` hard gates, one flow map per line (so that 60,000 fit the size limit).
fn many_gates(n: usize) -> String {
    let mut text = String::from("version: \"1.0\"\ngates:\n  hard:\n");
    for i in 0..n {
        writeln!(
            text,
            "    - {{id: G{i}, rule: r{i}, pattern: \"cmd{i} --x\"}}"
        )
        .unwrap();
    }
    text
}

#[test]
fn many_gates_load() {
    // Debug builds are slow: 60,000 gates are checked by the release-mode bench (see
    // benches/benches/policy.rs); here 10,000 must load within a generous bound.
    let n = if cfg!(debug_assertions) {
        10_000
    } else {
        60_000
    };
    let text = many_gates(n);
    assert!(text.len() <= MAX_POLICY_BYTES);
    let start = Instant::now();
    let loaded = load_str(&text, "many.yaml").unwrap();
    let took = start.elapsed();
    assert_eq!(loaded.policy.gates.hard.len(), n);
    assert_eq!(
        loaded.policy.gates.hard[n - 1].id.as_str(),
        format!("G{}", n - 1)
    );
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn sixty_thousand_gates_fit_the_limit() {
    assert!(many_gates(60_000).len() <= MAX_POLICY_BYTES);
}
