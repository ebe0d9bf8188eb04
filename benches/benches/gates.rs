//! The gate engine: deciding a call (normalisation included) and building a set.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use metalayer_benches::{
    DENIED_COMMAND_100B, EVERYDAY_COMMAND_100B, rules_with_synthetic, seed_rules,
};
use metalayer_gates::{GateSet, GateSetBuilder, NormalizeOptions, Rule, ToolCall, normalize};
use std::hint::black_box;

fn build(rules: Vec<Rule>) -> GateSet {
    GateSetBuilder::new().rules(rules).build().unwrap()
}

fn decide(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide");
    for (name, set) in [
        ("seed", build(seed_rules())),
        ("1000_gates", build(rules_with_synthetic(1000))),
    ] {
        for (kind, command) in [
            ("everyday_100B", EVERYDAY_COMMAND_100B),
            ("denied_100B", DENIED_COMMAND_100B),
        ] {
            let call = ToolCall::bash(command);
            // Warm the cache of compiled candidate groups, as a long-lived embedder would.
            let _ = set.decide(&call);
            group.bench_with_input(BenchmarkId::new(name, kind), &call, |b, call| {
                b.iter(|| set.decide(black_box(call)))
            });
        }
    }
    group.finish();
}

fn normalise(c: &mut Criterion) {
    c.bench_function("normalize/100B", |b| {
        b.iter(|| normalize(black_box(DENIED_COMMAND_100B), &NormalizeOptions::default()))
    });
}

fn compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    for n in [1000usize, 10_000] {
        let rules = rules_with_synthetic(n);
        group.bench_with_input(BenchmarkId::new("gates", n), &rules, |b, rules| {
            b.iter(|| build(rules.clone()))
        });
        // Building plus the first decision, which compiles the candidate group it needs.
        let call = ToolCall::bash(DENIED_COMMAND_100B);
        group.bench_with_input(
            BenchmarkId::new("gates_and_first_decision", n),
            &rules,
            |b, rules| b.iter(|| build(rules.clone()).decide(&call)),
        );
    }
    group.finish();
}

criterion_group!(benches, decide, normalise, compile);
criterion_main!(benches);
