//! Normalises the command in a file and decides it with the default policy, timing both: for
//! fuzz finds (`cargo run --release -p metalayer-benches --example normalize_file -- FILE`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use metalayer_gates::{NormalizeOptions, ToolCall};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("a file");
    let bytes = std::fs::read(&path).unwrap();
    let command = String::from_utf8_lossy(&bytes);
    let start = Instant::now();
    let normalized = metalayer_gates::normalize(&command, &NormalizeOptions::default());
    println!(
        "normalised into {} commands in {:.1} ms",
        normalized.commands().len(),
        start.elapsed().as_secs_f64() * 1e3
    );
    let kernel = metalayer_kernel::Kernel::embedded_default().unwrap();
    let start = Instant::now();
    let verdict = kernel.decide(&ToolCall::bash(&*command));
    println!(
        "decided {:?} in {:.1} ms",
        verdict.decision(),
        start.elapsed().as_secs_f64() * 1e3
    );
}
