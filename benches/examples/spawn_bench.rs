//! Whole-process timing of hook commands, interleaved, each fed the same event on standard
//! input, with no shell in between (hyperfine before 1.15 cannot redirect standard input
//! without a shell, whose start-up would dwarf the floor it is compared with).
//!
//! ```text
//! spawn_bench RUNS EVENT_FILE NAME=CMD [NAME=CMD ...]
//! ```
//!
//! `CMD` is split on spaces; leading `KEY=VALUE` words are environment variables. Each round
//! runs every command once, in an order rotated by round, so that drifting machine load falls
//! on all of them alike. Prints the median, the 10th and 90th percentiles, and the ratio of
//! each median to the first command's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    reason = "a measuring tool: it prints its table, and its indices come from its own loops"
)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Spec {
    name: String,
    env: Vec<(String, String)>,
    program: String,
    args: Vec<String>,
}

fn parse(spec: &str) -> Spec {
    let (name, cmd) = spec.split_once('=').expect("NAME=CMD");
    let mut env = Vec::new();
    let mut words = cmd.split(' ').filter(|w| !w.is_empty()).peekable();
    while let Some(word) = words.peek() {
        match word.split_once('=') {
            Some((k, v)) if !k.contains('/') => {
                env.push((k.to_owned(), v.to_owned()));
                words.next();
            }
            _ => break,
        }
    }
    let program = words.next().expect("a program").to_owned();
    Spec {
        name: name.to_owned(),
        env,
        program,
        args: words.map(str::to_owned).collect(),
    }
}

fn run(spec: &Spec, input: &std::path::Path) -> Duration {
    let stdin = std::fs::File::open(input).expect("the event file");
    let start = Instant::now();
    let status = Command::new(&spec.program)
        .args(&spec.args)
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::from(stdin))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the command starts");
    let elapsed = start.elapsed();
    assert!(status.code().is_some(), "{} was killed", spec.name);
    elapsed
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [runs, input, specs @ ..] = args.as_slice() else {
        panic!("usage: spawn_bench RUNS EVENT_FILE NAME=CMD [NAME=CMD ...]");
    };
    let runs: usize = runs.parse().expect("RUNS is a number");
    let input = std::path::Path::new(input);
    let specs: Vec<Spec> = specs.iter().map(|s| parse(s)).collect();
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); specs.len()];
    // Warm-up: page cache and branch predictors.
    for spec in &specs {
        for _ in 0..10 {
            run(spec, input);
        }
    }
    for round in 0..runs {
        for k in 0..specs.len() {
            let i = (k + round) % specs.len();
            times[i].push(run(&specs[i], input));
        }
    }
    let mut first = None;
    println!("| command | median | p10 | p90 | ratio |");
    println!("|---|---|---|---|---|");
    for (spec, t) in specs.iter().zip(&mut times) {
        t.sort();
        let median = percentile(t, 0.5);
        let base = *first.get_or_insert(median);
        println!(
            "| {} | {median:.3} ms | {:.3} | {:.3} | {:.2}x |",
            spec.name,
            percentile(t, 0.1),
            percentile(t, 0.9),
            median / base
        );
    }
}
