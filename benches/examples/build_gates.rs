//! Builds the seed gates plus synthetic ones into a gate set: a target for profilers
//! (`valgrind --tool=callgrind target/release/examples/build_gates 1000 1`), where the hook's
//! per-call cost of `GateSetBuilder::build` shows without criterion's own work.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    missing_docs
)]

use metalayer_benches::rules_with_synthetic;
use metalayer_gates::GateSetBuilder;
use std::hint::black_box;

fn main() {
    let mut args = std::env::args().skip(1);
    let gates: usize = args
        .next()
        .map_or(1000, |a| a.parse().expect("a gate count"));
    let times: usize = args
        .next()
        .map_or(1, |a| a.parse().expect("a repeat count"));
    let rules = rules_with_synthetic(gates);
    let builder = GateSetBuilder::new().rules(rules);
    let mut total = 0usize;
    for _ in 0..times {
        total += black_box(builder.build().unwrap()).len();
    }
    println!("{total} gates built");
}
