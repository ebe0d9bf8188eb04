//! Whole comparisons in real git repositories, with real commands.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use metalayer_compare::{
    BuildStep, CancelFlag, CompareError, Comparison, CoverageReport, CoverageStep, Evaluation,
    Host, HostError, LintStep, MeasureStep, Scorecard, Status, TestStep,
};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// The test script: one JUnit case per source file, and a failing one when `src/fail` exists
/// (which makes it exit 1, unless `src/quiet` exists too).
const RUN_TESTS: &str = r#"n=$(ls src | wc -l)
{ echo '<testsuites><testsuite name="t">'
  i=0; while [ $i -lt $n ]; do echo "<testcase name=\"t$i\"/>"; i=$((i+1)); done
  [ -f src/fail ] && echo '<testcase name="bad"><failure message="x"/></testcase>'
  echo '</testsuite></testsuites>'; } > junit.xml
[ -f src/fail ] && [ ! -f src/quiet ] && exit 1
exit 0
"#;

/// A coverage step writing LCOV with absolute paths: `src/cov` lines of 100 in `src/auth`.
const COVERAGE: &str = r#"hit=$(cat src/cov 2>/dev/null || echo 50)
{ echo "SF:$PWD/src/auth/login.js"; i=1
  while [ $i -le 100 ]; do c=0; [ $i -le $hit ] && c=1; echo "DA:$i,$c"; i=$((i+1)); done
  echo end_of_record; echo "SF:src/app.js"; echo "DA:1,1"; echo end_of_record; } > lcov.info
"#;

/// A repository with a base (`main`) and three candidates:
/// - `agent-a`: small, coverage 85%, fast, a test file;
/// - `agent-b`: large, coverage 90%, a new dependency, a bigger bundle;
/// - `agent-c`: failing tests, slow, and a policy of its own that would make its tests pass.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, ".control/policy.yaml", "test: sh tests/run.sh\n");
    write(d, "tests/run.sh", RUN_TESTS);
    write(d, "tests/coverage.sh", COVERAGE);
    write(d, "tests/lint.sh", "grep -Hn TODO src/*.js; exit 0\n");
    write(
        d,
        "tests/measure.sh",
        "cat src/load 2>/dev/null || echo 3.5\n",
    );
    write(d, "src/app.js", "console.log('app')\n");
    write(d, "src/auth/login.js", "export const login = 1\n");
    write(
        d,
        "Cargo.lock",
        "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);

    git(d, &["checkout", "-qb", "agent-a"]);
    write(d, "src/cov", "85\n");
    write(d, "src/load", "1.2\n");
    write(d, "tests/unit/login_test.js", "test\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "a"]);

    git(d, &["checkout", "-q", "main"]);
    git(d, &["checkout", "-qb", "agent-b"]);
    write(d, "src/cov", "90\n");
    write(d, "src/load", "1.5\n");
    let big: String = (0..300).map(|i| format!("// line {i}\n")).collect();
    write(d, "src/app.js", &format!("console.log('app')\n{big}"));
    write(
        d,
        "Cargo.lock",
        "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"left-pad\"\nversion = \"1.3.0\"\nsource = \"registry+x\"\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "b"]);

    git(d, &["checkout", "-q", "main"]);
    git(d, &["checkout", "-qb", "agent-c"]);
    write(d, "src/fail", "1\n");
    write(d, "src/app.js", "console.log('app')\n// TODO\n");
    // A candidate that tries to judge itself: its policy would make any test pass.
    write(d, ".control/policy.yaml", "test: true\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "c"]);
    git(d, &["checkout", "-q", "main"]);
    dir
}

/// A host that reads the test command from the policy text (`test: CMD`) and the rest from a
/// fixed evaluation, and records the policy text it was given.
struct TestHost {
    rest: Evaluation,
    seen: std::sync::Mutex<Vec<String>>,
}

impl TestHost {
    fn new(rest: Evaluation) -> Self {
        Self {
            rest,
            seen: std::sync::Mutex::new(Vec::new()),
        }
    }
}

impl Host for TestHost {
    fn evaluation(&self, policy: &str) -> Result<Option<Evaluation>, HostError> {
        self.seen.lock().unwrap().push(policy.to_owned());
        let mut e = self.rest.clone();
        if let Some(cmd) = policy.lines().find_map(|l| l.strip_prefix("test: ")) {
            e.test = Some(TestStep::new(cmd).with_junit("junit.xml"));
        }
        Ok(Some(e))
    }
}

fn full_evaluation() -> Evaluation {
    let mut e = Evaluation::default();
    e.coverage = Some(CoverageStep::new(
        "sh tests/coverage.sh",
        CoverageReport::Lcov("lcov.info".into()),
    ));
    e.lint = Some(LintStep::new("sh tests/lint.sh"));
    e.build = Some(BuildStep::new(
        "mkdir -p dist && cat src/*.js > dist/app.js",
        vec!["dist/app.js".into()],
    ));
    e.measure.insert(
        "login_load_seconds".into(),
        MeasureStep::new("sh tests/measure.sh", Some("s".into())),
    );
    e.timeout = Duration::from_secs(30);
    e
}

const TICKET: &str = "# Faster login

## Acceptance Criteria
- [ ] All tests pass
- [ ] Test coverage for auth module >= 80%
- [ ] No new dependencies
- [ ] Load time for /login page < 2s on 3G throttle
- [ ] Bundle size under 1 KB
- [ ] `cargo clippy` reports no warnings
- [ ] Existing session tokens remain valid
";

fn worktrees(d: &Path) -> usize {
    git(d, &["worktree", "list", "--porcelain"])
        .lines()
        .filter(|l| l.starts_with("worktree "))
        .count()
}

fn statuses(card: &Scorecard, name: &str) -> Vec<Status> {
    let c = card.candidates.iter().find(|c| c.name == name).unwrap();
    c.criteria.iter().map(|r| r.status).collect()
}

#[test]
fn ranks_the_candidates_with_every_criterion_kind() {
    let repo = repository();
    let d = repo.path();
    let branches_before = git(d, &["branch", "--list"]);
    let host = TestHost::new(full_evaluation());
    let card = Comparison::new(d, TICKET)
        .base("main")
        .candidates(["agent-c", "agent-b", "agent-a"])
        .jobs(2)
        .run(&host)
        .unwrap();

    let order: Vec<&str> = card.candidates.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(order, ["agent-a", "agent-b", "agent-c"]);
    assert_eq!(card.winner.as_deref(), Some("agent-a"));
    let kinds: Vec<&str> = card.candidates[0].criteria.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            "tests",
            "coverage",
            "dependencies",
            "measure",
            "build_size",
            "lint",
            "manual"
        ]
    );
    use Status::{Fail, Manual, Pass};
    assert_eq!(
        statuses(&card, "agent-a"),
        [Pass, Pass, Pass, Pass, Pass, Pass, Manual]
    );
    assert_eq!(
        statuses(&card, "agent-b"),
        [Pass, Pass, Fail, Pass, Fail, Pass, Manual]
    );
    // agent-c's own policy says `test: true`; the base's command runs and fails.
    assert_eq!(
        statuses(&card, "agent-c"),
        [Fail, Fail, Pass, Fail, Pass, Fail, Manual],
        "{:?}",
        card.candidates[2].criteria[0].evidence
    );
    assert_eq!(
        host.seen.lock().unwrap().as_slice(),
        ["test: sh tests/run.sh\n"]
    );

    let a = &card.candidates[0];
    assert_eq!(a.rank, 1);
    assert_eq!(a.signals.test_files_added, ["tests/unit/login_test.js"]);
    assert_eq!(a.signals.coverage_percent, Some(85.15));
    assert_eq!(a.signals.tests.as_ref().unwrap().counts.unwrap().passed, 4);
    assert!(a.reasons[0].starts_with("meets 6 of 7 criteria"));
    let b = &card.candidates[1];
    assert_eq!(b.signals.new_dependencies[0].name, "left-pad");
    assert!(b.signals.artifacts[0].delta_bytes.unwrap() > 3000);
    assert!(b.signals.lines_added > 300);
    let c = &card.candidates[2];
    assert_eq!(c.signals.lint_findings, Some(1));
    assert_eq!(c.signals.lint_delta, Some(1));
    assert!(c.signals.commands["test"].peak_memory_bytes.is_some());

    // The JSON has the promised shape.
    let json = serde_json::to_value(&card).unwrap();
    assert_eq!(json["winner"], "agent-a");
    assert_eq!(json["base"]["ref"], "main");
    let first = &json["candidates"][0];
    assert_eq!(first["ref"], "agent-a");
    assert_eq!(first["rank"], 1);
    assert_eq!(first["criteria"][1]["kind"], "coverage");
    assert_eq!(first["criteria"][1]["status"], "pass");
    assert_eq!(first["criteria"][6]["status"], "manual");
    assert!(
        first["criteria"][1]["evidence"]
            .as_str()
            .unwrap()
            .contains("85%")
    );
    assert!(first["signals"]["files_changed"].is_number());

    let md = card.to_markdown();
    assert!(md.contains("| criterion | kind | 1. `agent-a` | 2. `agent-b` | 3. `agent-c` |"));
    assert!(md.contains(
        "| Existing session tokens remain valid | manual | ✋ manual | ✋ manual | ✋ manual |"
    ));

    // Nothing left behind: no worktree, no branch.
    assert_eq!(worktrees(d), 1);
    assert_eq!(git(d, &["branch", "--list"]), branches_before);
}

#[test]
fn the_same_repository_gives_the_same_ranking() {
    let repo = repository();
    let run = || {
        let card = Comparison::new(repo.path(), TICKET)
            .base("main")
            .candidates(["agent-b", "agent-a", "agent-c"])
            .jobs(3)
            .run(&TestHost::new(full_evaluation()))
            .unwrap();
        card.candidates
            .iter()
            .map(|c| (c.name.clone(), c.score, c.reasons.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

#[test]
fn a_hanging_command_is_killed_and_its_candidate_ranked() {
    let repo = repository();
    let mut e = full_evaluation();
    e.measure.insert(
        "login_load_seconds".into(),
        MeasureStep::new("sleep 60", Some("s".into())),
    );
    e.timeout = Duration::from_millis(500);
    let started = std::time::Instant::now();
    let card = Comparison::new(repo.path(), TICKET)
        .base("main")
        .candidates(["agent-a", "agent-b"])
        .jobs(2)
        .run(&TestHost::new(e))
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(card.candidates.len(), 2);
    for c in &card.candidates {
        assert!(c.evaluation_failed);
        let measure = &c.criteria[3];
        assert_eq!(measure.status, Status::Error);
        assert!(
            measure.evidence.contains("timed out"),
            "{}",
            measure.evidence
        );
        assert!(c.reasons.iter().any(|r| r.contains("evaluation failed")));
    }
    assert_eq!(worktrees(repo.path()), 1);
}

#[test]
fn without_evaluate_the_change_is_still_measured() {
    let repo = repository();
    let card = Comparison::new(repo.path(), TICKET)
        .base("main")
        .candidates(["agent-a", "agent-b"])
        .run(&metalayer_compare::FixedEvaluation(None))
        .unwrap();
    assert!(
        card.problems[0].contains("no `evaluate:` section"),
        "{:?}",
        card.problems
    );
    use Status::{Fail, Manual, Pass, Unverified};
    assert_eq!(
        statuses(&card, "agent-b"),
        [
            Unverified, Unverified, Fail, Manual, Unverified, Unverified, Manual
        ]
    );
    assert_eq!(statuses(&card, "agent-a")[2], Pass);
    assert_eq!(card.winner.as_deref(), Some("agent-a"));
}

#[test]
fn bad_input_gets_clear_messages() {
    let repo = repository();
    let d = repo.path();
    let host = metalayer_compare::FixedEvaluation(None);
    let err = Comparison::new(d, TICKET)
        .base("nope")
        .candidates(["agent-a"])
        .run(&host)
        .unwrap_err();
    assert!(
        matches!(err, CompareError::UnknownRef { ref name, role: "base", .. } if name == "nope")
    );
    assert_eq!(
        err.to_string(),
        "unknown base `nope`: no branch, tag or commit of that name (list them with `git branch -a` and `git tag`)"
    );
    // "not found" is all libgit2 would add; a ref that names no commit keeps its cause.
    assert!(std::error::Error::source(&err).is_none());
    let err = Comparison::new(d, TICKET)
        .base("main^{tree}")
        .candidates(["agent-a"])
        .run(&host)
        .unwrap_err();
    assert!(std::error::Error::source(&err).is_some());

    let card = Comparison::new(d, TICKET)
        .base("main")
        .candidates(["agent-a", "ghost"])
        .run(&host)
        .unwrap();
    assert_eq!(card.candidates.len(), 1);
    assert!(
        card.problems
            .iter()
            .any(|p| p.contains("unknown candidate `ghost`"))
    );

    let card = Comparison::new(d, "just prose\n")
        .base("main")
        .candidates(["agent-a"])
        .run(&host)
        .unwrap();
    assert!(
        card.problems
            .iter()
            .any(|p| p.contains("no acceptance criteria"))
    );
    assert!(card.candidates[0].criteria.is_empty());

    let err = Comparison::new(d, TICKET)
        .candidates(Vec::<String>::new())
        .run(&host)
        .unwrap_err();
    assert!(matches!(err, CompareError::NoCandidates));
}

#[test]
fn cancelling_kills_the_commands_and_removes_the_worktrees() {
    let repo = repository();
    let mut e = Evaluation::default();
    e.build = Some(BuildStep::new("sleep 60", vec![]));
    let flag = CancelFlag::new();
    let raise = flag.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(700));
        raise.cancel();
    });
    let started = std::time::Instant::now();
    let err = Comparison::new(repo.path(), TICKET)
        .base("main")
        .candidates(["agent-a", "agent-b"])
        .jobs(2)
        .cancel_flag(flag)
        .run(&metalayer_compare::FixedEvaluation(Some(e)))
        .unwrap_err();
    t.join().unwrap();
    assert!(matches!(err, CompareError::Cancelled));
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(worktrees(repo.path()), 1);
    assert_eq!(git(repo.path(), &["branch", "--list"]).lines().count(), 4);
}

#[test]
fn a_panic_in_the_host_still_removes_the_worktrees() {
    struct Panics;
    impl Host for Panics {
        fn evaluation(&self, _: &str) -> Result<Option<Evaluation>, HostError> {
            let mut e = Evaluation::default();
            e.build = Some(BuildStep::new("true", vec![]));
            Ok(Some(e))
        }
        fn progress(&self, event: &metalayer_compare::Progress<'_>) {
            if matches!(event, metalayer_compare::Progress::Step { .. }) {
                std::panic::panic_any("host failure");
            }
        }
    }
    let repo = repository();
    let d: PathBuf = repo.path().to_owned();
    let result = std::panic::catch_unwind(|| {
        Comparison::new(&d, TICKET)
            .base("main")
            .candidates(["agent-a"])
            .run(&Panics)
    });
    assert!(result.is_err());
    assert_eq!(worktrees(repo.path()), 1);
}

/// Counts what an earlier ref's commands could have left in a reused worktree (an untracked
/// file, an ignored build folder, an edit of a tracked file), then leaves all three behind.
const LEFTOVERS: &str = r#"n=0
[ -e stale.txt ] && n=$((n+1))
[ -e build/out ] && n=$((n+1))
grep -q tampered src/app.js && n=$((n+1))
echo $n
echo x > stale.txt; mkdir -p build; echo y > build/out; echo tampered >> src/app.js
"#;

#[test]
fn one_worker_moves_its_worktree_and_every_ref_starts_from_its_own_tree() {
    let repo = repository();
    let d = repo.path();
    // `build/` is ignored on main only after this commit; `git clean -x` removes it anyway.
    write(d, ".gitignore", "build/\n");
    git(d, &["add", ".gitignore"]);
    git(d, &["commit", "-qm", "ignore build"]);
    let mut e = full_evaluation();
    e.measure
        .insert("leftovers".into(), MeasureStep::new(LEFTOVERS, None));
    let run = |jobs: usize| {
        Comparison::new(d, TICKET)
            .base("main")
            .candidates(["agent-a", "agent-b", "agent-c"])
            .jobs(jobs)
            .run(&TestHost::new(e.clone()))
            .unwrap()
    };
    let serial = run(1);
    assert_eq!(serial.base_signals.measures.get("leftovers"), Some(&0.0));
    for c in &serial.candidates {
        assert_eq!(
            c.signals.measures.get("leftovers"),
            Some(&0.0),
            "{}: {:?}",
            c.name,
            c.signals.commands
        );
        assert!(!c.evaluation_failed, "{}: {:?}", c.name, c.reasons);
    }
    // The same judgement as with a worktree per ref.
    let parallel = run(4);
    let ranks = |card: &Scorecard| -> Vec<(String, usize, Vec<Status>)> {
        card.candidates
            .iter()
            .map(|c| (c.name.clone(), c.rank, statuses(card, &c.name)))
            .collect()
    };
    assert_eq!(ranks(&serial), ranks(&parallel));
    assert_eq!(worktrees(d), 1, "every worktree is removed");
    assert!(
        !git(d, &["status", "--porcelain"]).contains("stale.txt"),
        "the user's own work tree is untouched"
    );
}

#[test]
fn a_failure_in_the_junit_report_fails_the_tests_though_the_command_succeeds() {
    let repo = repository();
    let d = repo.path();
    git(d, &["checkout", "-q", "-b", "agent-q", "main"]);
    write(d, "src/fail", "");
    write(d, "src/quiet", "");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "a failing test, an exit status of 0"]);
    git(d, &["checkout", "-q", "main"]);
    let card = Comparison::new(d, "- [ ] All tests pass\n")
        .base("main")
        .candidates(["agent-q", "agent-a"])
        .run(&TestHost::new(full_evaluation()))
        .unwrap();
    assert_eq!(statuses(&card, "agent-q"), [Status::Fail]);
    let q = card
        .candidates
        .iter()
        .find(|c| c.name == "agent-q")
        .unwrap();
    let tests = q.signals.tests.as_ref().unwrap();
    assert!(!tests.passed);
    assert_eq!(tests.counts.unwrap().failed, 1);
    assert_eq!(card.winner.as_deref(), Some("agent-a"));
}

#[test]
fn worktrees_a_killed_comparison_left_are_removed_by_the_next() {
    let repo = repository();
    let d = repo.path();
    // What a comparison killed with SIGKILL leaves: its folder, owned by a process that is
    // gone, with a worktree git still lists; and a running comparison's, which must stay.
    let dead = Command::new("true").spawn().unwrap();
    let dead_pid = dead.id();
    let mut dead = dead;
    dead.wait().unwrap();
    let killed = tempfile::Builder::new()
        .prefix("metalayer-compare-")
        .tempdir()
        .unwrap()
        .keep();
    std::fs::write(killed.join("owner.pid"), dead_pid.to_string()).unwrap();
    let running = tempfile::Builder::new()
        .prefix("metalayer-compare-")
        .tempdir()
        .unwrap();
    std::fs::write(
        running.path().join("owner.pid"),
        std::process::id().to_string(),
    )
    .unwrap();
    for folder in [killed.as_path(), running.path()] {
        let tree = folder.join("worktree-0");
        git(
            d,
            &[
                "worktree",
                "add",
                "-q",
                "--detach",
                tree.to_str().unwrap(),
                "main",
            ],
        );
    }
    assert_eq!(worktrees(d), 3);
    let card = Comparison::new(d, "- [ ] All tests pass\n")
        .base("main")
        .candidates(["agent-a"])
        .run(&TestHost::new(full_evaluation()))
        .unwrap();
    assert!(card.winner.is_some());
    assert!(!killed.exists(), "the killed comparison's folder is gone");
    assert!(running.path().join("worktree-0").exists());
    assert_eq!(worktrees(d), 2, "the running comparison's worktree stays");
}

#[test]
fn a_candidate_that_changes_what_judges_it_is_judged_with_the_base_version() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    // The measure runs a script that reads a helper; the test runner lives under tests/.
    write(d, ".control/policy.yaml", "evaluate: {}\n");
    write(
        d,
        "scripts/measure.sh",
        ". scripts/lib.sh\necho $SECONDS_TAKEN\n",
    );
    write(d, "scripts/lib.sh", "SECONDS_TAKEN=5\n");
    write(d, "tests/run.sh", "exit 1\n");
    write(d, "tests/test_login.py", "base\n");
    write(d, "src/app.js", "1\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    // The cheat: the helper says 1 second, the runner always passes, a test file changes.
    git(d, &["checkout", "-q", "-b", "cheat"]);
    write(d, "scripts/lib.sh", "SECONDS_TAKEN=1\n");
    write(d, "tests/run.sh", "exit 0\n");
    write(d, "tests/test_login.py", "candidate\n");
    // And its real work, which a measure reads as data.
    write(d, "src/app.js", "12345\n");
    git(d, &["commit", "-qam", "cheat"]);
    // An honest candidate that changes neither.
    git(d, &["checkout", "-q", "-b", "honest", "main"]);
    write(d, "src/app.js", "2\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "honest"]);
    git(d, &["checkout", "-q", "main"]);
    let mut evaluation = Evaluation::default();
    evaluation.test = Some(TestStep::new(
        "sh tests/run.sh && test \"$(cat tests/test_login.py)\" != x",
    ));
    evaluation.measure.insert(
        "login_seconds".to_owned(),
        MeasureStep::new("sh ./scripts/measure.sh", Some("s".to_owned())),
    );
    evaluation.measure.insert(
        "app_bytes".to_owned(),
        MeasureStep::new("wc -c < src/app.js", None),
    );
    let card = Comparison::new(d, "- [ ] All tests pass\n- [ ] login_seconds below 2 s\n")
        .base("main")
        .candidates(["cheat", "honest"])
        .run(&TestHost::new(evaluation))
        .unwrap();
    let cheat = card.candidates.iter().find(|c| c.name == "cheat").unwrap();
    assert_eq!(
        cheat.signals.kept_from_base,
        ["scripts/lib.sh", "tests/run.sh"]
    );
    assert_eq!(cheat.signals.measures.get("login_seconds"), Some(&5.0));
    // What the measure reads is the candidate's own.
    assert_eq!(cheat.signals.measures.get("app_bytes"), Some(&6.0));
    assert_eq!(statuses(&card, "cheat"), [Status::Fail, Status::Fail]);
    assert!(
        cheat
            .reasons
            .iter()
            .any(|r| r.contains("judged with the base's")),
        "{:?}",
        cheat.reasons
    );
    let honest = card.candidates.iter().find(|c| c.name == "honest").unwrap();
    assert!(honest.signals.kept_from_base.is_empty());
    let markdown = card.to_markdown();
    assert!(markdown.contains("judged with the base's:** `scripts/lib.sh`, `tests/run.sh`"));
    // The JSON names them too, and leaves the field out where nothing was kept.
    let json = serde_json::to_value(&card).unwrap();
    let names: Vec<&str> = json["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["ref"].as_str().unwrap())
        .collect();
    let at = names.iter().position(|n| *n == "cheat").unwrap();
    assert_eq!(
        json["candidates"][at]["signals"]["kept_from_base"],
        serde_json::json!(["scripts/lib.sh", "tests/run.sh"])
    );
    assert!(
        json["candidates"][1 - at]["signals"]
            .get("kept_from_base")
            .is_none()
    );
}

#[test]
fn what_a_command_reaches_by_name_judges_too() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, ".control/policy.yaml", "evaluate: {}\n");
    // make runs the Makefile's recipe, which runs a script; npm runs package.json's script.
    write(d, "Makefile", "test:\n\t@sh ci/check.sh\n");
    write(d, "ci/check.sh", "exit 1\n");
    write(
        d,
        "package.json",
        "{\"name\": \"app\", \"scripts\": {\"test\": \"exit 1\"}, \"dependencies\": {}}\n",
    );
    write(d, "src/app.js", "1\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    // The cheat: recipe, script and package script pass, and a linter configuration that
    // the base does not have. Its dependency is its own work and stays.
    git(d, &["checkout", "-q", "-b", "cheat"]);
    write(d, "Makefile", "test:\n\t@true\n");
    write(
        d,
        "package.json",
        "{\"name\": \"app\", \"scripts\": {\"test\": \"exit 0\", \"pretest\": \"true\"}, \"dependencies\": {\"left-pad\": \"1.3.0\"}}\n",
    );
    write(d, "ruff.toml", "exclude = [\"src\"]\n");
    write(d, "src/app.js", "2\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "cheat"]);
    // An honest candidate that changes only its code and adds a dependency.
    git(d, &["checkout", "-q", "-b", "honest", "main"]);
    write(
        d,
        "package.json",
        "{\"name\": \"app\", \"scripts\": {\"test\": \"exit 1\"}, \"dependencies\": {\"left-pad\": \"1.3.0\"}}\n",
    );
    write(d, "src/app.js", "3\n");
    git(d, &["commit", "-qam", "honest"]);
    git(d, &["checkout", "-q", "main"]);
    let mut evaluation = Evaluation::default();
    evaluation.test = Some(TestStep::new("make test"));
    // What the worktree holds when the commands run: the package script and the linter's
    // configuration as the base has them, the dependency as the candidate wrote it.
    evaluation.measure.insert(
        "scripts_kept".to_owned(),
        MeasureStep::new(
            "npm test --if-present >/dev/null 2>&1 || true; grep -c '\"exit 1\"' package.json",
            None,
        ),
    );
    evaluation.measure.insert(
        "pretest_gone".to_owned(),
        MeasureStep::new(
            "npm run test >/dev/null 2>&1; grep -c pretest package.json || true",
            None,
        ),
    );
    evaluation.measure.insert(
        "lint_config".to_owned(),
        MeasureStep::new(
            "command -v ruff >/dev/null; test -e ruff.toml && echo 1 || echo 0",
            None,
        ),
    );
    evaluation.measure.insert(
        "own_dependency".to_owned(),
        MeasureStep::new("grep -c left-pad package.json || true", None),
    );
    let card = Comparison::new(d, "- [ ] All tests pass\n")
        .base("main")
        .candidates(["cheat", "honest"])
        .run(&TestHost::new(evaluation))
        .unwrap();
    let cheat = card.candidates.iter().find(|c| c.name == "cheat").unwrap();
    assert_eq!(
        cheat.signals.kept_from_base,
        [
            "Makefile",
            "ruff.toml",
            "package.json (scripts.pretest)",
            "package.json (scripts.test)",
        ]
    );
    assert_eq!(statuses(&card, "cheat"), [Status::Fail]);
    assert_eq!(cheat.signals.measures.get("scripts_kept"), Some(&1.0));
    assert_eq!(cheat.signals.measures.get("pretest_gone"), Some(&0.0));
    assert_eq!(cheat.signals.measures.get("lint_config"), Some(&0.0));
    assert_eq!(cheat.signals.measures.get("own_dependency"), Some(&1.0));
    let honest = card.candidates.iter().find(|c| c.name == "honest").unwrap();
    assert!(
        honest.signals.kept_from_base.is_empty(),
        "{:?}",
        honest.signals.kept_from_base
    );
    assert_eq!(honest.signals.measures.get("own_dependency"), Some(&1.0));
    assert!(card.to_markdown().contains(
        "judged with the base's:** `Makefile`, `ruff.toml`, `package.json (scripts.pretest)`"
    ));
}

#[test]
fn a_package_added_to_two_lockfiles_of_one_registry_is_one_new_dependency() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    let npm =
        |deps: &str| format!("{{\"lockfileVersion\": 3, \"packages\": {{\"\": {{}}{deps}}}}}");
    write(d, "a/package-lock.json", &npm(""));
    write(d, "b/package-lock.json", &npm(""));
    write(d, "Cargo.lock", "version = 4\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-q", "-b", "both"]);
    let pad = ", \"node_modules/left-pad\": {\"version\": \"1.3.0\"}";
    write(d, "a/package-lock.json", &npm(pad));
    write(d, "b/package-lock.json", &npm(pad));
    write(
        d,
        "Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"left-pad\"\nversion = \"0.1.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    );
    git(
        d,
        &[
            "commit",
            "-qam",
            "left-pad twice, and a crate of the same name",
        ],
    );
    git(d, &["checkout", "-q", "main"]);
    let card = Comparison::new(d, "- [ ] No new dependencies\n")
        .base("main")
        .candidates(["both"])
        .run(&TestHost::new(Evaluation::default()))
        .unwrap();
    let deps: Vec<(&str, &str, &str)> = card.candidates[0]
        .signals
        .new_dependencies
        .iter()
        .map(|n| (n.lockfile.as_str(), n.name.as_str(), n.version.as_str()))
        .collect();
    assert_eq!(
        deps,
        [
            ("Cargo.lock", "left-pad", "0.1.0"),
            ("a/package-lock.json", "left-pad", "1.3.0")
        ]
    );
}
