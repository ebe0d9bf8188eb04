//! Decides one command many times with the seed gates: a target for profilers
//! (`valgrind --tool=callgrind target/release/examples/decide_loop 20000`), where criterion's
//! own work would blur the picture.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    missing_docs
)]

use metalayer_benches::{DENIED_COMMAND_100B, EVERYDAY_COMMAND_100B, seed_rules};
use metalayer_gates::{Decision, GateSetBuilder, ToolCall};
use std::hint::black_box;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(10_000, |a| a.parse().expect("a count"));
    let set = GateSetBuilder::new().rules(seed_rules()).build().unwrap();
    let calls = [
        ToolCall::bash(EVERYDAY_COMMAND_100B),
        ToolCall::bash(DENIED_COMMAND_100B),
    ];
    let mut denied = 0usize;
    for i in 0..n {
        let verdict = set.decide(black_box(&calls[i % 2]));
        denied += usize::from(verdict.decision() == Decision::Deny);
    }
    println!("{denied} of {n} denied");
}
