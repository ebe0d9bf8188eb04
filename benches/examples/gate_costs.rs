//! Which gates of the embedded default policy a command costs: for each gate, the time to
//! build the gate set without it and decide the command, against the time with every gate
//! (`cargo run --release -p metalayer-benches --example gate_costs -- 'git status'`). A gate
//! whose removal saves much is one the prefilter lets through for this command.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    missing_docs
)]

use metalayer_gates::{GateSetBuilder, Rule, ToolCall};
use metalayer_kernel::Kernel;
use std::hint::black_box;
use std::time::Instant;

/// The median time of building the set, and of building it and deciding `call`, in µs.
fn cost(rules: &[Rule], call: &ToolCall, rounds: usize) -> (f64, f64) {
    let median = |decide: bool| {
        let mut times: Vec<f64> = (0..rounds)
            .map(|_| {
                let start = Instant::now();
                let set = GateSetBuilder::new().rules(rules.to_vec()).build().unwrap();
                if decide {
                    black_box(set.decide(call));
                }
                black_box(&set);
                start.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    (median(false), median(true))
}

fn main() {
    let command = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "git status --short".to_owned());
    let kernel = Kernel::embedded_default().unwrap();
    let rules: Vec<Rule> = kernel.gates().rules().to_vec();
    let call = ToolCall::bash(&command);
    let (build, all) = cost(&rules, &call, 200);
    println!(
        "all {} gates: build {build:.1} µs, build and decide {all:.1} µs for {command:?}",
        rules.len()
    );
    for i in 0..rules.len() {
        let mut rest = rules.clone();
        let gone = rest.remove(i);
        let (b, without) = cost(&rest, &call, 200);
        println!(
            "without {:5}: build {:+7.1} µs, decide {:+7.1} µs",
            gone.id().as_str(),
            b - build,
            (without - b) - (all - build)
        );
    }
}
