//! Score competing branches of a git repository against a ticket's acceptance criteria: the
//! engine of `metalayer compare`.
//!
//! Run several AI coding agents on one ticket and you get several branches that claim to solve
//! it. This crate measures each one against a base and ranks them, so that a person decides in
//! a minute instead of reading every diff:
//!
//! 1. The **ticket** is markdown; its task-list items under an "Acceptance Criteria" heading
//!    (else all of them) are the criteria. Each is compiled into a typed [`Check`] when its words
//!    say what to measure (tests pass, coverage of the project or a path at least N%, no new
//!    dependencies or none above a size, a named measurement below or above a bound, build
//!    output size, lint clean, build succeeds) and stays [`Check::Manual`] otherwise: never
//!    guessed.
//! 2. The **evaluation** (test, coverage, lint, build and named measurement commands, a
//!    timeout) comes from the `evaluate:` section of the *base's* `.control/policy.yaml`, read
//!    from the base commit's tree and never from a candidate, so a candidate cannot change how
//!    it is judged. The caller turns that text into an [`Evaluation`] ([`Host::evaluation`]).
//! 3. Each candidate and the base are checked out into a temporary worktree (`git worktree
//!    add --detach`, no branch made; one per job, moved from ref to ref with a forced checkout
//!    and `git clean -ffdx`, so each ref starts from exactly its own tree), the commands run
//!    there with `sh -c`, at most [`Comparison::jobs`] refs at a time, each under the timeout (its whole process group
//!    killed past it), with the peak memory of each command recorded (`wait4`). The worktrees
//!    are removed afterwards, also on a panic and when the run is cancelled through a
//!    [`CancelFlag`] (the binary raises it on Ctrl-C).
//! 4. **Signals** for each candidate against its merge base with the base: files and lines
//!    changed, test files added, test results (JUnit counts), line coverage (LCOV or Cobertura)
//!    and its delta, lint findings and their delta, artifact sizes (raw and gzip) and deltas,
//!    new dependencies from the lockfiles, and what the caller's rules say about the change
//!    ([`Host::review`]: regression-map features, gate findings).
//! 5. **Ranking**: more criteria met first; among equals the score documented in the `judge`
//!    module (coverage counts, but halving the change counts as much as five points of
//!    coverage), then the ref's name. Every rank comes with its reasons; a candidate whose
//!    evaluation failed is ranked with that said.
//!
//! ```
//! use metalayer_compare::{Check, Criterion, Ticket};
//!
//! let ticket = Ticket::parse(
//!     "# Faster login\n\n## Acceptance Criteria\n\
//!      - [ ] All tests pass\n\
//!      - [ ] Test coverage for auth module >= 80%\n\
//!      - [ ] No new dependencies > 50KB gzipped\n\
//!      - [ ] Load time for /login page < 2s on 3G throttle\n\
//!      - [ ] Existing session tokens remain valid\n",
//! );
//! let criteria: Vec<Criterion> = ticket.criteria(["login_load_seconds"]);
//! let kinds: Vec<&str> = criteria.iter().map(|c| c.check.kind()).collect();
//! assert_eq!(kinds, ["tests", "coverage", "dependencies", "measure", "manual"]);
//! assert_eq!(
//!     criteria[1].check,
//!     Check::Coverage { path: Some("auth".into()), min_percent: 80.0 }
//! );
//! ```
//!
//! A whole comparison, in a repository whose base has an `evaluate:` section:
//!
//! ```no_run
//! use metalayer_compare::{Comparison, Evaluation, FixedEvaluation, TestStep};
//!
//! let mut evaluation = Evaluation::default();
//! evaluation.test = Some(TestStep::new("cargo test"));
//! let scorecard = Comparison::new(".", "- [ ] All tests pass\n")
//!     .base("main")
//!     .candidates(["agent-a", "agent-b"])
//!     .jobs(2)
//!     .run(&FixedEvaluation(Some(evaluation)))?;
//! println!("{}", scorecard.to_markdown());
//! println!("winner: {:?}", scorecard.winner);
//! # Ok::<(), metalayer_compare::CompareError>(())
//! ```
//!
//! # Features
//!
//! None. Unix only: commands run in process groups and are measured with `wait4`.
#![deny(missing_docs)]

mod compare;
mod deps;
mod error;
mod evaluation;
mod judge;
mod judges;
mod measure;
mod quantity;
mod render;
mod reports;
mod run;
mod scorecard;
mod ticket;
mod worktree;

pub use compare::{
    ChangedFile, Comparison, FileStatus, FixedEvaluation, Host, HostError, POLICY_PATH, Progress,
    Review, is_test_path,
};
pub use deps::{LOCKFILES, NewDependency, is_lockfile, packages as lockfile_packages};
pub use error::CompareError;
pub use evaluation::{
    BuildStep, CoverageReport, CoverageStep, DEFAULT_TIMEOUT, Evaluation, LintStep, MeasureStep,
    TestStep,
};
pub use quantity::{Bound, Comparison as BoundComparison, Quantity, find_bound, parse_quantity};
pub use reports::{
    Coverage, TestCounts, count_lint_findings, path_matches, read_cobertura, read_junit, read_lcov,
};
pub use run::{CancelFlag, CommandRun, Ending, MAX_OUTPUT_BYTES};
pub use scorecard::{
    ArtifactSize, CandidateReport, CriterionResult, Finding, RefInfo, Scorecard, Signals, Status,
    TestSignal,
};
pub use ticket::{Check, Criterion, MAX_TICKET_BYTES, Ticket};
