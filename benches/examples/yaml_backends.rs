//! yaml-rust2 (the policy crate's YAML backend) against saphyr-parser (its successor), event
//! stream to the end, over the governed policy and a 1,000-gate policy: the measurement behind
//! keeping yaml-rust2 (issue #14). Both parse each file `RUNS` times per round; the minimum of
//! the rounds is printed, since the machine is shared.
//!
//! `cargo run --release -p metalayer-benches --example yaml_backends [ROUNDS]`
#![allow(clippy::print_stdout, clippy::cast_precision_loss)]

use std::hint::black_box;
use std::time::Instant;

const RUNS: u32 = 300;

/// Events of yaml-rust2's parser over `text`, or why it stopped.
fn yaml_rust2_events(text: &str) -> Result<usize, String> {
    let mut parser = yaml_rust2::parser::Parser::new_from_str(text);
    let mut events = 0;
    loop {
        match parser.next_token() {
            Ok((yaml_rust2::parser::Event::StreamEnd, _)) => return Ok(events),
            Ok(_) => events += 1,
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Events of saphyr-parser over `text`, or why it stopped.
fn saphyr_events(text: &str) -> Result<usize, String> {
    let mut events = 0;
    for event in saphyr_parser::Parser::new_from_str(text) {
        match event {
            Ok((saphyr_parser::Event::StreamEnd, _)) => return Ok(events),
            Ok(_) => events += 1,
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(events)
}

/// The fastest round's time per parse, in microseconds.
fn best(rounds: u32, parse: impl Fn() -> Result<usize, String>) -> Result<f64, String> {
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..RUNS {
            black_box(parse()?);
        }
        best = best.min(start.elapsed().as_secs_f64() * 1e6 / f64::from(RUNS));
    }
    Ok(best)
}

fn main() -> Result<(), String> {
    let rounds = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(6);
    let files = [
        (
            "governed.yaml",
            metalayer_kernel::DEFAULT_POLICY_YAML.to_owned(),
        ),
        (
            "1,000-gate policy",
            metalayer_benches::policy_yaml_with_gates(1000),
        ),
    ];
    println!("| file | bytes | yaml-rust2 | saphyr-parser | ratio |");
    println!("|---|---|---|---|---|");
    for (name, text) in &files {
        let (ours, theirs) = (yaml_rust2_events(text)?, saphyr_events(text)?);
        if ours != theirs {
            return Err(format!("{name}: {ours} events against {theirs}"));
        }
        let y = best(rounds, || yaml_rust2_events(text))?;
        let s = best(rounds, || saphyr_events(text))?;
        println!(
            "| {name} | {} | {y:.1} µs | {s:.1} µs | {:.2} |",
            text.len(),
            s / y
        );
    }
    Ok(())
}
