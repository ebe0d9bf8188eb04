//! Bridge benchmarks: reading and modelling a ~100 MB transcript, the whole capture, and a
//! re-run with nothing new (budgets: ≤ 1.5 s and ≤ 20 ms).
//!
//! `BRIDGE_BENCH_TRANSCRIPT=/path/file.jsonl` keeps the generated transcript at that path (to
//! measure peak RSS with `crates/bridge/examples/capture.rs`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::io::BufWriter;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use metalayer_benches::write_claude_transcript;
use metalayer_bridge::{Capture, CaptureOptions, Session, SessionId, read_transcript};

const SIZE: u64 = 100 * 1024 * 1024;

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let path: PathBuf = std::env::var_os("BRIDGE_BENCH_TRANSCRIPT")
        .map_or_else(|| tmp.path().join("transcript.jsonl"), PathBuf::from);
    let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
    let bytes = write_claude_transcript(&mut out, SIZE).unwrap();
    drop(out);

    let mut group = c.benchmark_group("bridge");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.throughput(criterion::Throughput::Bytes(bytes));
    group.bench_function("read_and_model_100mb", |b| {
        b.iter(|| {
            let mut session = Session::new(SessionId::new("6151b6fd-bench"));
            let stats = read_transcript(&path, 0, &mut session).unwrap();
            black_box((stats, session))
        });
    });

    let run = |dir: &std::path::Path| {
        let options = CaptureOptions::new(
            &path,
            SessionId::new("6151b6fd-bench"),
            dir.join("out"),
            dir.join("state"),
        );
        Capture::run(&options).unwrap()
    };
    group.bench_function("capture_100mb_from_scratch", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |dir| black_box(run(dir.path())),
            criterion::BatchSize::PerIteration,
        );
    });
    group.finish();

    let state = tempfile::tempdir().unwrap();
    assert!(run(state.path()).updated);
    let mut small = c.benchmark_group("bridge_rerun");
    small.sample_size(10);
    small.bench_function("capture_nothing_new", |b| {
        b.iter(|| {
            let report = run(state.path());
            assert!(!report.updated);
            black_box(report)
        });
    });
    small.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
