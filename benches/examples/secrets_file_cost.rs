//! What the secret detector costs on real files: the first 10 KB of each file given, scanned
//! with the rules a file check uses, in microseconds per scan (`cargo run --release -p
//! metalayer-benches --example secrets_file_cost -- FILE…`). The criterion bench scans one
//! generated text; this shows the spread over the texts an agent actually writes.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::cast_precision_loss)]

use metalayer_bridge::secrets::{CONVERSATION_TAG, Detector};
use std::time::Instant;

fn main() {
    let detector = Detector::builder()
        .without_tag(CONVERSATION_TAG)
        .build()
        .unwrap();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut cut = text.len().min(10 * 1024);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let chunk = text.get(..cut).unwrap();
        let findings = detector.find(chunk).len();
        let rounds = 2000;
        let start = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(detector.find(std::hint::black_box(chunk)));
        }
        let micros = start.elapsed().as_secs_f64() * 1e6 / f64::from(rounds);
        println!(
            "{micros:7.1} µs  {path} ({} bytes, {findings} findings)",
            chunk.len()
        );
    }
}
