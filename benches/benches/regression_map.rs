//! Regression map benchmarks: mapping 10,000 paths against 500 features (budget ≤ 20 ms), and
//! listing the staged files of a 50,000-file repository (`staged_changes`) against
//! `git diff --cached --name-only` in the same run (budget ≤ 1.5× the CLI). The libgit2-only
//! diff that `staged_changes` falls back to is measured too, and the ratio of the medians is
//! printed at the end of the group.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::io::Write as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use metalayer_benches::{fast_import_stream, synthetic_changed_paths, synthetic_features};
use metalayer_regression_map::{
    Dialect, Feature, FeatureMap, staged_changes, staged_changes_fast, staged_changes_reference,
};
use metalayer_test_support::git;

fn map(features: usize) -> FeatureMap {
    synthetic_features(features)
        .into_iter()
        .map(|(name, patterns)| Feature::new(name, patterns))
        .collect()
}

fn mapping(c: &mut Criterion) {
    let map = map(500);
    let paths = synthetic_changed_paths(10_000);
    let mut group = c.benchmark_group("regression_map");
    for dialect in [Dialect::Glob, Dialect::Seed] {
        let matcher = map.compile(dialect).unwrap();
        let affected = matcher.affected(paths.iter().map(String::as_str));
        assert!(affected.features.len() > 400, "{}", affected.features.len());
        group.bench_function(format!("affected_10k_paths_500_features_{dialect}"), |b| {
            b.iter(|| black_box(matcher.affected(paths.iter().map(String::as_str))));
        });
        group.bench_function(format!("compile_500_features_{dialect}"), |b| {
            b.iter(|| black_box(map.compile(dialect).unwrap()));
        });
    }
    group.finish();
}

/// A repository with 50,000 tracked files and a few staged changes.
fn large_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    let mut import = metalayer_test_support::git_command(root, &["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    import
        .stdin
        .take()
        .unwrap()
        .write_all(fast_import_stream(50_000).as_bytes())
        .unwrap();
    assert!(import.wait().unwrap().success());
    // The index of HEAD (with its cache-tree, as after a checkout); the files need not exist.
    git(root, &["read-tree", "HEAD"]);
    for (i, path) in ["src/d1/e1/file1.txt", "src/new/added.txt", "docs/x.md"]
        .iter()
        .enumerate()
    {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, format!("staged change {i}\n")).unwrap();
        git(root, &["update-index", "--add", path]);
    }
    git(
        root,
        &["update-index", "--force-remove", "src/d2/e2/file2.txt"],
    );
    dir
}

/// The median wall time of `runs` calls of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn staged(c: &mut Criterion) {
    let repo = large_repo();
    let root = repo.path();
    let ours = staged_changes(root).unwrap();
    let cli = git(root, &["diff", "--cached", "--name-only"]);
    assert_eq!(ours.len(), cli.lines().count());
    assert_eq!(ours.len(), 4);
    // The fast path ran (it did not decline to the libgit2 diff) and agrees with it.
    assert_eq!(staged_changes_fast(root).unwrap().as_ref(), Some(&ours));
    assert_eq!(staged_changes_reference(root).unwrap(), ours);
    let mut group = c.benchmark_group("regression_map_staged_50k");
    group.sample_size(20);
    group.bench_function("staged_changes", |b| {
        b.iter(|| black_box(staged_changes(root).unwrap()));
    });
    group.bench_function("git_cli_diff_cached_name_only", |b| {
        b.iter(|| black_box(git(root, &["diff", "--cached", "--name-only"])));
    });
    group.bench_function("git2_reference_diff", |b| {
        b.iter(|| black_box(staged_changes_reference(root).unwrap()));
    });
    group.finish();
    // Criterion does not hand its estimates back: the ratio from medians, interleaved runs.
    let (mut ours, mut cli) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        ours.push(median(10, || {
            black_box(staged_changes(root).unwrap());
        }));
        cli.push(median(10, || {
            black_box(git(root, &["diff", "--cached", "--name-only"]));
        }));
    }
    ours.sort();
    cli.sort();
    let (ours, cli) = (ours[2], cli[2]);
    eprintln!(
        "staged_changes {:.2} ms, git diff --cached {:.2} ms: ratio {:.2} (budget 1.5)",
        ours.as_secs_f64() * 1e3,
        cli.as_secs_f64() * 1e3,
        ours.as_secs_f64() / cli.as_secs_f64()
    );
}

criterion_group!(benches, mapping, staged);
criterion_main!(benches);
