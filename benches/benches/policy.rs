//! Loading `.control/policy.yaml`: the seed policy (budget: well under 1 ms), generated
//! policies of 1,000 gates, and a one-off check that 60,000 gates load in a few seconds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use metalayer_benches::policy_yaml_with_gates;
use metalayer_policy::load_str;

const SEED_POLICY: &str = include_str!("../../crates/policy/tests/data/valid/seed.yaml");

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy_load");
    group.bench_function("seed", |b| {
        b.iter(|| load_str(black_box(SEED_POLICY), "policy.yaml").unwrap());
    });
    let thousand = policy_yaml_with_gates(1_000);
    assert_eq!(
        load_str(&thousand, "p.yaml")
            .unwrap()
            .policy
            .gates
            .hard
            .len(),
        1_000
    );
    group.sample_size(20);
    group.bench_function("1000_gates", |b| {
        b.iter(|| load_str(black_box(&thousand), "policy.yaml").unwrap());
    });
    group.finish();

    // 60,000 gates: too slow to iterate, so loaded once in this release build and reported.
    let big = policy_yaml_with_gates(60_000);
    let start = Instant::now();
    match load_str(&big, "policy.yaml") {
        Ok(loaded) => {
            assert_eq!(loaded.policy.gates.hard.len(), 60_000);
            eprintln!(
                "policy_load/60000_gates: {:?} once ({} bytes)",
                start.elapsed(),
                big.len()
            );
        }
        // The block style is ~110 bytes a gate: over the size limit, refused at once.
        Err(e) => eprintln!(
            "policy_load/60000_gates: refused in {:?}: {e}",
            start.elapsed()
        ),
    }
}

criterion_group!(benches, load);
criterion_main!(benches);
