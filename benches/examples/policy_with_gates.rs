//! Prints a valid policy with N synthetic hard gates (default 1,000), for whole-process
//! benchmarks: `cargo run --release -p metalayer-benches --example policy_with_gates -- 1000`.

use std::io::Write;

fn main() -> std::io::Result<()> {
    let n = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    std::io::stdout().write_all(metalayer_benches::policy_yaml_with_gates(n).as_bytes())
}
