//! `distill` over a synthetic history of 1,000 sessions and 100,000 tool calls (budget:
//! ≤ 2 s, ≤ 100 MiB; the whole process is measured with
//! `cargo run --release -p metalayer-benches --example history -- DIR` and
//! `/usr/bin/time -v target/release/metalayer distill DIR`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use metalayer_benches::write_history;
use metalayer_kernel::{DistillOptions, distill};

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    write_history(tmp.path(), 1_000, 100_000).unwrap();
    let options = DistillOptions::new(tmp.path());
    let found = distill(&options).unwrap();
    assert_eq!(found.sessions_read, 1_000);
    assert_eq!(found.calls_read, 100_000);
    assert!(found.lessons.len() >= 5, "{:?}", found.lessons);

    let mut group = c.benchmark_group("distill");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    group.bench_function("1000_sessions_100k_calls", |b| {
        b.iter(|| black_box(distill(&options).unwrap()));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
