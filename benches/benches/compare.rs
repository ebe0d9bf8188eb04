//! `metalayer compare` benchmarks: metalayer's own work for four candidates of a 10,000-file
//! repository (budget ≤ 1 s beside the user's commands). The evaluation's commands are `true`,
//! so what is timed is what metalayer does: resolving refs, diffing, reading lockfiles, one
//! worktree per candidate and the base (checked out, then removed), running and measuring
//! each step, reading an LCOV and a JUnit report, judging, ranking and rendering. A lone `git
//! worktree add` and `remove` of the same tree is measured in the same run as the baseline:
//! with two jobs, metalayer checks out the tree twice (once per job) and moves each worktree to
//! its next ref.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use metalayer_benches::fast_import_stream;
use metalayer_compare::{
    BuildStep, Comparison, CoverageReport, CoverageStep, Evaluation, FixedEvaluation, LintStep,
    TestStep,
};

const TICKET: &str = "# Bench\n\n## Acceptance Criteria\n- [ ] All tests pass\n- [ ] Coverage of `src/d1` >= 50%\n- [ ] No new dependencies\n- [ ] Build output under 1 MB\n- [ ] No lint warnings\n- [ ] Reviewed\n";

/// A 10,000-file repository (`main`) and four candidates, each changing a few files, adding a
/// test and, for two of them, a dependency to `Cargo.lock`.
fn repository(root: &Path) {
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    let mut stream = fast_import_stream(10_000);
    let lcov = "SF:src/d1/e1/file1.txt\nDA:1,1\nDA:2,0\nend_of_record\n";
    let junit =
        "<testsuites><testsuite name=\"s\"><testcase name=\"a\"/></testsuite></testsuites>\n";
    let lock = "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n";
    let policy = "version: \"1.0\"\nevaluate: {test: \"true\"}\n";
    let _ = write!(
        stream,
        "commit refs/heads/main\ncommitter bench <bench@example.com> 1 +0000\ndata 7\npolicy\nM 100644 inline .control/policy.yaml\ndata {}\n{policy}\n",
        policy.len()
    );
    for agent in 0..4 {
        let mut lockfile = lock.to_owned();
        if agent % 2 == 1 {
            lockfile.push_str(
                "\n[[package]]\nname = \"dep\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\n",
            );
        }
        let _ = write!(
            stream,
            "commit refs/heads/agent-{agent}\ncommitter bench <bench@example.com> 1 +0000\ndata 6\nagent\nfrom refs/heads/main\n"
        );
        for (path, data) in [
            ("lcov.info".to_owned(), lcov.to_owned()),
            ("junit.xml".to_owned(), junit.to_owned()),
            ("Cargo.lock".to_owned(), lockfile),
            (
                format!("tests/agent{agent}_test.rs"),
                "#[test] fn t() {}\n".to_owned(),
            ),
            (
                format!("src/d{agent}/e0/file{agent}.txt"),
                "changed\n".repeat(agent + 1),
            ),
        ] {
            let _ = write!(
                stream,
                "M 100644 inline {path}\ndata {}\n{data}\n",
                data.len()
            );
        }
        stream.push('\n');
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    git(&["checkout", "-q", "main"]);
}

fn evaluation() -> Evaluation {
    let mut e = Evaluation::default();
    e.test = Some(TestStep::new("true").with_junit("junit.xml"));
    e.coverage = Some(CoverageStep::new(
        "true",
        CoverageReport::Lcov("lcov.info".into()),
    ));
    e.lint = Some(LintStep::new("true"));
    e.build = Some(BuildStep::new("true", vec!["src/d0".into()]));
    e
}

fn compare(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    repository(dir.path());
    let candidates = ["agent-0", "agent-1", "agent-2", "agent-3"];
    let host = FixedEvaluation(Some(evaluation()));
    let run = |host: &FixedEvaluation, jobs: usize| {
        Comparison::new(dir.path(), TICKET)
            .base("main")
            .candidates(candidates)
            .jobs(jobs)
            .run(host)
            .unwrap()
    };
    let card = run(&host, 2);
    assert_eq!(card.candidates.len(), 4);
    assert!(card.problems.is_empty(), "{:?}", card.problems);

    let mut group = c.benchmark_group("compare");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    group.bench_function("four_candidates_10k_files_worktrees_jobs2", |b| {
        b.iter(|| black_box(run(&host, 2).to_markdown()));
    });
    // The baseline in the same run: git checking the same tree out once, and removing it.
    group.bench_function("baseline_one_git_worktree_add_and_remove", |b| {
        let path = dir.path().join("../bench-worktree");
        b.iter(|| {
            let git = |args: &[&str]| {
                assert!(
                    Command::new("git")
                        .arg("-C")
                        .arg(dir.path())
                        .args(args)
                        .status()
                        .unwrap()
                        .success()
                );
            };
            let p = path.to_str().unwrap();
            git(&["worktree", "add", "--detach", "--quiet", p, "main"]);
            git(&["worktree", "remove", "--force", "--force", p]);
        });
    });
    let signals_only = FixedEvaluation(None);
    group.bench_function("four_candidates_10k_files_signals_only", |b| {
        // Signals evaluate nothing: one job, the default.
        b.iter(|| black_box(run(&signals_only, 1).to_markdown()));
    });
    group.finish();
}

criterion_group!(benches, compare);
criterion_main!(benches);
