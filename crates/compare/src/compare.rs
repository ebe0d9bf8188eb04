//! The comparison: resolve the refs, measure each one, judge and rank.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::deps;
use crate::error::CompareError;
use crate::evaluation::Evaluation;
use crate::judge::{self, Facts};
use crate::judges::Restore;
use crate::measure::{self, Measured};
use crate::run::{CancelFlag, CommandRun};
use crate::scorecard::{
    ArtifactSize, CandidateReport, Finding, RefInfo, Scorecard, Signals, Status, TestSignal,
};
use crate::ticket::Ticket;
use crate::worktree::Worktree;

/// The policy file the evaluation is read from, in the base's tree.
pub const POLICY_PATH: &str = ".control/policy.yaml";

/// The error type a [`Host`] returns.
pub type HostError = Box<dyn std::error::Error + Send + Sync>;

/// How a file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileStatus {
    /// Added.
    Added,
    /// Modified (or the type changed).
    Modified,
    /// Deleted.
    Deleted,
    /// Renamed or copied (the path is the new one).
    Renamed,
}

/// One file a candidate changes against the merge base with the base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedFile {
    /// The path, relative to the repository.
    pub path: String,
    /// How it changed.
    pub status: FileStatus,
}

/// What the caller's rules say about a candidate's change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Review {
    /// Features of the regression map the change touches.
    pub features: Vec<String>,
    /// What the gates say about the changed files.
    pub findings: Vec<Finding>,
}

impl Review {
    /// A review with these features and findings.
    pub fn new(features: Vec<String>, findings: Vec<Finding>) -> Self {
        Self { features, findings }
    }
}

/// What the caller provides: reading the base's policy, and its rules about a change.
///
/// The comparison crate reads no YAML and knows no gate: the `metalayer` binary implements
/// this with `metalayer-policy`, `metalayer-gates` and `metalayer-regression-map`.
pub trait Host: Sync {
    /// Reads the `evaluate:` section of the base's policy text (`None`: there is none).
    ///
    /// # Errors
    /// When the policy cannot be read; the comparison goes on without an evaluation and says so.
    fn evaluation(&self, policy: &str) -> Result<Option<Evaluation>, HostError>;

    /// The caller's rules about one candidate's change: regression-map features, gate findings.
    /// `policy` is the base's policy text, if any; `read_base` gives the text of a file of the
    /// base (its feature map, say: the base's rules judge every candidate), `None` when the
    /// base has no such file.
    fn review(
        &self,
        _policy: Option<&str>,
        _files: &[ChangedFile],
        _read_base: &dyn Fn(&Path) -> Option<String>,
    ) -> Review {
        Review::default()
    }

    /// Whether an added file is a test, beyond the common layouts this crate knows.
    fn is_test_file(&self, _path: &str) -> bool {
        false
    }

    /// Progress while refs are evaluated (the binary prints it on standard error).
    fn progress(&self, _event: &Progress<'_>) {}
}

/// A [`Host`] that ignores the policy and uses a fixed evaluation: for tests, benchmarks and
/// embedders that read the policy themselves.
#[derive(Debug, Clone, Default)]
pub struct FixedEvaluation(pub Option<Evaluation>);

impl Host for FixedEvaluation {
    fn evaluation(&self, _policy: &str) -> Result<Option<Evaluation>, HostError> {
        Ok(self.0.clone())
    }
}

/// A step of the comparison, for progress output.
#[derive(Debug)]
#[non_exhaustive]
pub enum Progress<'a> {
    /// A ref's worktree is being made and its commands started.
    Started {
        /// The ref.
        name: &'a str,
    },
    /// A command of a ref ended.
    Step {
        /// The ref.
        name: &'a str,
        /// The step (`build`, `test`, `coverage`, `lint`, `measure.NAME`).
        step: &'a str,
        /// What it did.
        run: &'a CommandRun,
    },
    /// A ref is done.
    Finished {
        /// The ref.
        name: &'a str,
    },
}

/// A comparison of candidate refs against a ticket; [`Comparison::run`] makes the scorecard.
#[derive(Debug, Clone)]
pub struct Comparison {
    repo: PathBuf,
    ticket: String,
    base: String,
    candidates: Vec<String>,
    jobs: usize,
    cancel: CancelFlag,
}

impl Comparison {
    /// A comparison in the repository at (or above) `repo`, against the ticket's markdown.
    /// The base is `HEAD` until [`Comparison::base`] says otherwise.
    pub fn new(repo: impl Into<PathBuf>, ticket: impl Into<String>) -> Self {
        Self {
            repo: repo.into(),
            ticket: ticket.into(),
            base: "HEAD".to_owned(),
            candidates: Vec::new(),
            jobs: 1,
            cancel: CancelFlag::new(),
        }
    }

    /// The base ref.
    #[must_use]
    pub fn base(mut self, base: impl Into<String>) -> Self {
        self.base = base.into();
        self
    }

    /// The candidate refs (branches, tags, commits); duplicates count once.
    #[must_use]
    pub fn candidates<I, S>(mut self, refs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for r in refs {
            let r = r.into();
            if !self.candidates.contains(&r) {
                self.candidates.push(r);
            }
        }
        self
    }

    /// How many refs are evaluated at once (at least 1).
    #[must_use]
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// A flag that interrupts the run: commands are killed and worktrees removed.
    #[must_use]
    pub fn cancel_flag(mut self, cancel: CancelFlag) -> Self {
        self.cancel = cancel;
        self
    }

    /// Runs the comparison.
    ///
    /// # Errors
    /// When the repository cannot be opened, the base or every candidate is unknown, no
    /// candidate is given, or the run is cancelled. Everything else (a base without
    /// `evaluate:`, a ticket without criteria, a failing or hanging command, an unknown
    /// candidate among known ones) is reported in [`Scorecard::problems`] and the scorecard.
    pub fn run(&self, host: &dyn Host) -> Result<Scorecard, CompareError> {
        if self.candidates.is_empty() {
            return Err(CompareError::NoCandidates);
        }
        let repo = git2::Repository::discover(&self.repo).map_err(|source| {
            CompareError::OpenRepository {
                path: self.repo.clone(),
                source,
            }
        })?;
        let git_root: PathBuf = repo.workdir().unwrap_or_else(|| repo.path()).to_owned();
        let mut problems = Vec::new();
        let base = resolve(&repo, &self.base, "base")?;
        let mut candidates: Vec<RefInfo> = Vec::new();
        let mut first_unknown = None;
        for name in &self.candidates {
            match resolve(&repo, name, "candidate") {
                Ok(info) => candidates.push(info),
                Err(e) => {
                    problems.push(e.to_string());
                    first_unknown.get_or_insert(e);
                }
            }
        }
        if candidates.is_empty()
            && let Some(e) = first_unknown
        {
            return Err(e);
        }

        // The evaluation, from the base only.
        let policy = read_blob(&repo, &base.commit, POLICY_PATH);
        let evaluation = match &policy {
            None => {
                problems.push(format!(
                    "the base `{}` has no `{POLICY_PATH}`: no command was run; only the change itself was measured",
                    base.name
                ));
                None
            }
            Some(text) => {
                match host.evaluation(text) {
                    Ok(Some(e)) if e.has_commands() => {
                        problems.extend(e.notes.iter().map(|note| {
                            format!("the base `{}`'s `{POLICY_PATH}`: {note}", base.name)
                        }));
                        Some(e)
                    }
                    Ok(_) => {
                        problems.push(format!(
                        "the base `{}`'s `{POLICY_PATH}` has no `evaluate:` section (or it names no command): no command was run; only the change itself was measured",
                        base.name
                    ));
                        None
                    }
                    Err(e) => {
                        problems.push(format!(
                        "the base `{}`'s `{POLICY_PATH}` cannot be read ({e}): no command was run",
                        base.name
                    ));
                        None
                    }
                }
            }
        };

        let ticket = Ticket::parse(&self.ticket);
        let measures: Vec<&str> = evaluation
            .as_ref()
            .map(|e| e.measure.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let criteria = ticket.criteria(measures.iter().copied());
        if criteria.is_empty() {
            problems.push(
                "the ticket has no acceptance criteria (no task-list item `- [ ] ...`): candidates are ranked on their signals alone"
                    .to_owned(),
            );
        }

        // The change of each candidate, from git objects alone.
        let mut signals: Vec<Signals> = Vec::with_capacity(candidates.len());
        for c in &candidates {
            let (mut s, files) = change_signals(&repo, &base, c, host)?;
            let read_base = |p: &Path| read_blob(&repo, &base.commit, &p.to_string_lossy());
            let review = host.review(policy.as_deref(), &files, &read_base);
            s.features = review.features;
            s.features.sort();
            s.features.dedup();
            s.gate_findings = review.findings;
            s.gate_findings.sort();
            signals.push(s);
        }

        // The files that judge a candidate, as the base has them (see judges.rs).
        let mut kept: Vec<Vec<String>> = vec![Vec::new(); candidates.len()];
        let mut restores: Vec<Vec<Restore>> = vec![Vec::new(); candidates.len()];
        if let Some(e) = &evaluation {
            let tree = |commit: &str| {
                git2::Oid::from_str(commit)
                    .and_then(|oid| repo.find_commit(oid))
                    .and_then(|c| c.tree())
            };
            let base_tree = tree(&base.commit).map_err(git_err("read the base's tree"))?;
            // A test by its name (`test_login.py`, `login.spec.ts`), not by its folder: a
            // runner such as `tests/run.sh` judges.
            let is_test = |p: &str| is_test_path(p.rsplit('/').next().unwrap_or(p));
            let judges = crate::judges::judge_files(&repo, &base_tree, e, &is_test);
            for ((c, kept), restore) in candidates.iter().zip(&mut kept).zip(&mut restores) {
                let candidate_tree = tree(&c.commit).map_err(git_err("read a candidate's tree"))?;
                let changed =
                    crate::judges::changed_by(&repo, &judges, &base_tree, &candidate_tree);
                (*kept, *restore) = changed.into_iter().unzip();
            }
        }

        // The commands, in worktrees.
        let mut measured: Vec<Measured> = Vec::new();
        let mut base_measured = Measured::default();
        if let Some(e) = &evaluation {
            let mut all = vec![base.clone()];
            all.extend(candidates.iter().cloned());
            let mut restore = vec![Vec::new()];
            restore.extend(restores);
            let mut results = self.evaluate_all(&git_root, e, &all, &restore, host)?;
            base_measured = results.remove(0);
            measured = results;
        } else {
            measured.resize_with(candidates.len(), Measured::default);
        }
        if self.cancel.is_cancelled() {
            return Err(CompareError::Cancelled);
        }

        let mut base_signals = Signals::default();
        apply(&mut base_signals, &base_measured, None);
        let mut reports = Vec::with_capacity(candidates.len());
        for (((info, mut s), m), kept) in
            candidates.into_iter().zip(signals).zip(&measured).zip(kept)
        {
            apply(&mut s, m, Some(&base_signals));
            s.kept_from_base = kept;
            for d in &mut s.new_dependencies {
                d.bytes = deps::cached_size(d);
            }
            let failed = m.failure.is_some() || m.runs.values().any(|r| !r.completed());
            let facts = Facts {
                evaluation: evaluation.as_ref(),
                signals: &s,
                coverage: m.coverage.as_ref(),
                measures: &m.measures,
                failure: m.failure.as_deref(),
            };
            let results: Vec<_> = criteria.iter().map(|c| judge::judge(c, &facts)).collect();
            let met = results.iter().filter(|r| r.status == Status::Pass).count();
            let (score, parts) = judge::score(&s, failed);
            reports.push(CandidateReport {
                name: info.name,
                commit: info.commit,
                rank: 0,
                criteria_met: met,
                score,
                reasons: std::iter::once(format!(
                    "score {}: {}",
                    crate::quantity::trim(score),
                    parts.join(", ")
                ))
                .chain((!s.kept_from_base.is_empty()).then(|| {
                    format!(
                        "judged with the base's {}: it changed what the evaluation runs",
                        s.kept_from_base.join(", ")
                    )
                }))
                .collect(),
                evaluation_failed: failed,
                criteria: results,
                signals: s,
            });
        }
        judge::rank(&mut reports);
        Ok(Scorecard {
            base,
            winner: reports.first().map(|c| c.name.clone()),
            ticket: ticket.title().map(str::to_owned),
            problems,
            base_signals,
            candidates: reports,
        })
    }

    /// Evaluates every ref in its own worktree, `jobs` at a time; results in the refs' order.
    fn evaluate_all(
        &self,
        git_root: &Path,
        evaluation: &Evaluation,
        refs: &[RefInfo],
        restore: &[Vec<Restore>],
        host: &dyn Host,
    ) -> Result<Vec<Measured>, CompareError> {
        // Worktrees a killed comparison left behind go first.
        crate::worktree::sweep_stale(git_root);
        let temp = tempfile::Builder::new()
            .prefix(crate::worktree::TEMP_PREFIX)
            .tempdir()
            .map_err(CompareError::TempDir)?;
        crate::worktree::claim(temp.path()).map_err(CompareError::TempDir)?;
        let next = AtomicUsize::new(0);
        let slots: Mutex<Vec<Option<Measured>>> =
            Mutex::new((0..refs.len()).map(|_| None).collect());
        let workers = self.jobs.min(refs.len()).max(1);
        std::thread::scope(|scope| {
            for worker in 0..workers {
                let (next, slots, temp) = (&next, &slots, temp.path());
                scope.spawn(move || {
                    // One worktree per worker, moved from ref to ref; removed when it drops.
                    let mut tree: Option<Worktree> = None;
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(info) = refs.get(i) else { break };
                        let base = refs.first().map_or("", |b| b.commit.as_str());
                        let restore = (base, restore.get(i).map_or(&[][..], Vec::as_slice));
                        let m = self.evaluate_one(
                            git_root, evaluation, info, i, worker, temp, &mut tree, restore, host,
                        );
                        if let Ok(mut slots) = slots.lock()
                            && let Some(slot) = slots.get_mut(i)
                        {
                            *slot = Some(m);
                        }
                    }
                });
            }
        });
        if self.cancel.is_cancelled() {
            return Err(CompareError::Cancelled);
        }
        let slots = slots
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(slots
            .into_iter()
            .map(|m| {
                m.unwrap_or_else(|| Measured {
                    failure: Some("its evaluation thread stopped".to_owned()),
                    ..Measured::default()
                })
            })
            .collect())
    }

    /// Evaluates one ref in the worker's worktree: made for the worker's first ref, moved to
    /// each next one ([`Worktree::switch`]); a worktree that cannot be moved is removed and
    /// made again.
    #[allow(clippy::too_many_arguments)]
    fn evaluate_one(
        &self,
        git_root: &Path,
        evaluation: &Evaluation,
        info: &RefInfo,
        index: usize,
        worker: usize,
        temp: &Path,
        tree: &mut Option<Worktree>,
        (base, restore): (&str, &[Restore]),
        host: &dyn Host,
    ) -> Measured {
        if self.cancel.is_cancelled() {
            return Measured {
                failure: Some("interrupted".to_owned()),
                ..Measured::default()
            };
        }
        host.progress(&Progress::Started { name: &info.name });
        let scratch = temp.join(format!("{index}.out"));
        let ready = std::fs::create_dir_all(&scratch)
            .map_err(|e| format!("cannot create a scratch folder: {e}"))
            .and_then(|()| {
                if let Some(existing) = tree.as_ref() {
                    if existing.switch(&info.commit).is_ok() {
                        return Ok(());
                    }
                    // Dropping it removes it; a fresh one takes its place.
                    *tree = None;
                }
                let path = temp.join(format!("worktree-{worker}"));
                *tree = Some(Worktree::add(git_root, &path, &info.commit)?);
                Ok(())
            })
            .and_then(|()| match tree.as_ref() {
                // The files that judge it, as the base has them.
                Some(tree) if !restore.is_empty() => tree.restore(base, restore),
                _ => Ok(()),
            });
        let measured = match ready.and_then(|()| {
            tree.as_ref()
                .ok_or_else(|| "no worktree was made".to_owned())
        }) {
            Err(e) => Measured {
                failure: Some(e),
                ..Measured::default()
            },
            Ok(tree) => {
                let role = if index == 0 { "base" } else { "candidate" };
                let env = [
                    ("METALAYER_COMPARE_REF", info.name.as_str()),
                    ("METALAYER_COMPARE_COMMIT", info.commit.as_str()),
                    ("METALAYER_COMPARE_ROLE", role),
                ];
                let on_step = |step: &str, run: &CommandRun| {
                    host.progress(&Progress::Step {
                        name: &info.name,
                        step,
                        run,
                    });
                };
                measure::evaluate(
                    evaluation,
                    tree.path(),
                    &env,
                    &self.cancel,
                    &scratch,
                    &on_step,
                )
            }
        };
        host.progress(&Progress::Finished { name: &info.name });
        measured
    }
}

fn resolve(
    repo: &git2::Repository,
    name: &str,
    role: &'static str,
) -> Result<RefInfo, CompareError> {
    let unknown = |e: git2::Error| CompareError::UnknownRef {
        role,
        name: name.to_owned(),
        // "revspec 'x' not found" says nothing the message does not.
        source: (e.code() != git2::ErrorCode::NotFound).then_some(e),
    };
    let commit = repo
        .revparse_single(name)
        .and_then(|o| o.peel_to_commit())
        .map_err(unknown)?;
    Ok(RefInfo {
        name: name.to_owned(),
        commit: commit.id().to_string(),
    })
}

/// A file's text at a commit, if it exists and is text.
fn read_blob(repo: &git2::Repository, commit: &str, path: &str) -> Option<String> {
    let oid = git2::Oid::from_str(commit).ok()?;
    let tree = repo.find_commit(oid).ok()?.tree().ok()?;
    let entry = tree.get_path(Path::new(path)).ok()?;
    let blob = repo.find_blob(entry.id()).ok()?;
    String::from_utf8(blob.content().to_vec()).ok()
}

fn git_err(operation: impl Into<String>) -> impl FnOnce(git2::Error) -> CompareError {
    let operation = operation.into();
    move |source| CompareError::Git { operation, source }
}

/// Files, lines, test files and new dependencies of a candidate against its merge base with
/// the base.
fn change_signals(
    repo: &git2::Repository,
    base: &RefInfo,
    candidate: &RefInfo,
    host: &dyn Host,
) -> Result<(Signals, Vec<ChangedFile>), CompareError> {
    let oid = |s: &str| git2::Oid::from_str(s).map_err(git_err(format!("read commit `{s}`")));
    let (base_id, cand_id) = (oid(&base.commit)?, oid(&candidate.commit)?);
    let merge_base = repo.merge_base(base_id, cand_id).unwrap_or(base_id);
    let from = repo
        .find_commit(merge_base)
        .and_then(|c| c.tree())
        .map_err(git_err("read the merge base's tree"))?;
    let to = repo
        .find_commit(cand_id)
        .and_then(|c| c.tree())
        .map_err(git_err(format!("read `{}`'s tree", candidate.name)))?;
    let mut diff = repo
        .diff_tree_to_tree(Some(&from), Some(&to), None)
        .map_err(git_err(format!(
            "diff `{}` against its merge base",
            candidate.name
        )))?;
    let mut find = git2::DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find))
        .map_err(git_err("find renames"))?;
    let stats = diff.stats().map_err(git_err("count changed lines"))?;
    let mut signals = Signals {
        files_changed: stats.files_changed(),
        lines_added: stats.insertions(),
        lines_removed: stats.deletions(),
        ..Signals::default()
    };
    let mut files = Vec::new();
    for delta in diff.deltas() {
        let status = match delta.status() {
            git2::Delta::Added => FileStatus::Added,
            git2::Delta::Deleted => FileStatus::Deleted,
            git2::Delta::Renamed | git2::Delta::Copied => FileStatus::Renamed,
            _ => FileStatus::Modified,
        };
        let file = if status == FileStatus::Deleted {
            delta.old_file()
        } else {
            delta.new_file()
        };
        let Some(path) = file.path().and_then(Path::to_str) else {
            continue;
        };
        let path = path.to_owned();
        if status == FileStatus::Added && (is_test_path(&path) || host.is_test_file(&path)) {
            signals.test_files_added.push(path.clone());
        }
        if deps::is_lockfile(&path) && status != FileStatus::Deleted {
            let before = read_blob(repo, &merge_base.to_string(), &path).unwrap_or_default();
            let after = read_blob(repo, &candidate.commit, &path).unwrap_or_default();
            signals
                .new_dependencies
                .extend(deps::added(&path, &before, &after));
        }
        files.push(ChangedFile { path, status });
    }
    signals.test_files_added.sort();
    signals.new_dependencies.sort();
    // A package added to two lockfiles of one registry (two packages of a monorepo, or a
    // package-lock.json and a yarn.lock) is one new dependency: listed once, at its first.
    let mut seen = std::collections::HashSet::new();
    signals.new_dependencies.retain(|d| {
        seen.insert((
            deps::ecosystem(&d.lockfile),
            d.name.clone(),
            d.version.clone(),
        ))
    });
    Ok((signals, files))
}

/// Whether a path follows a common test layout: a `tests`, `test`, `__tests__`, `spec` folder,
/// or a name such as `*_test.go`, `test_*.py`, `*.test.ts`, `*.spec.js`, `*Test.java`.
pub fn is_test_path(path: &str) -> bool {
    let mut components: Vec<&str> = path.split('/').collect();
    let name = components.pop().unwrap_or_default();
    if components.iter().any(|c| {
        matches!(
            *c,
            "tests" | "test" | "__tests__" | "spec" | "specs" | "e2e"
        )
    }) {
        return true;
    }
    let (stem, _) = name.rsplit_once('.').unwrap_or((name, ""));
    stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_spec")
        || stem.ends_with(".test")
        || stem.ends_with(".spec")
        || stem.ends_with("Test")
        || stem.ends_with("Tests")
        || stem == "tests"
}

/// Fills a ref's signals from what its commands measured (deltas against `base`).
fn apply(s: &mut Signals, m: &Measured, base: Option<&Signals>) {
    s.commands = m.runs.clone();
    if let Some(f) = &m.failure {
        s.problems.push(format!("evaluation: {f}"));
    }
    if let Some(r) = m.runs.get("test") {
        let counts = match &m.junit {
            Some(Ok(c)) => Some(*c),
            Some(Err(e)) => {
                s.problems.push(e.clone());
                None
            }
            None => None,
        };
        if counts.is_some_and(|c| c.passed + c.failed == 0) {
            s.problems
                .push("the JUnit report lists no test that ran".to_owned());
        }
        // A report that lists a failure fails the tests, whatever the command's status.
        s.tests = Some(TestSignal {
            passed: r.succeeded() && counts.is_none_or(|c| c.failed == 0),
            counts,
        });
    }
    match &m.coverage {
        Some(Ok(c)) => s.coverage_percent = c.percent().map(|p| (p * 100.0).round() / 100.0),
        Some(Err(e)) => s.problems.push(e.clone()),
        None => {}
    }
    match &m.lint {
        Some(Ok(n)) => s.lint_findings = Some(*n),
        Some(Err(e)) => s.problems.push(e.clone()),
        None => {}
    }
    s.build_succeeded = m.runs.get("build").map(CommandRun::succeeded);
    s.measures = m
        .measures
        .iter()
        .filter_map(|(k, v)| v.as_ref().ok().map(|v| (k.clone(), *v)))
        .collect::<BTreeMap<_, _>>();
    for (k, v) in &m.measures {
        if let Err(e) = v {
            s.problems.push(format!("measure `{k}`: {e}"));
        }
    }
    s.artifacts = m
        .artifacts
        .iter()
        .map(|(path, size)| {
            let on_base = base.and_then(|b| b.artifacts.iter().find(|a| &a.path == path));
            let delta = |now: Option<u64>, then: Option<u64>| {
                now.zip(then)
                    .map(|(n, t)| i64::try_from(i128::from(n) - i128::from(t)).unwrap_or(0))
            };
            let bytes = size.map(|(r, _)| r);
            let gzip = size.map(|(_, g)| g);
            ArtifactSize {
                path: path.clone(),
                bytes,
                gzip_bytes: gzip,
                delta_bytes: delta(bytes, on_base.and_then(|a| a.bytes)),
                delta_gzip_bytes: delta(gzip, on_base.and_then(|a| a.gzip_bytes)),
            }
        })
        .collect();
    if let Some(b) = base {
        s.coverage_delta = s
            .coverage_percent
            .zip(b.coverage_percent)
            .map(|(n, t)| ((n - t) * 100.0).round() / 100.0);
        s.lint_delta = s
            .lint_findings
            .zip(b.lint_findings)
            .map(|(n, t)| i64::try_from(i128::from(n) - i128::from(t)).unwrap_or(0));
    }
}

#[cfg(test)]
mod tests {
    use super::is_test_path;

    #[test]
    fn test_layouts() {
        for p in [
            "tests/a.rs",
            "src/__tests__/x.js",
            "pkg/a_test.go",
            "test_login.py",
            "web/a.test.ts",
            "A/LoginTest.java",
            "spec/x_spec.rb",
        ] {
            assert!(is_test_path(p), "{p}");
        }
        for p in [
            "src/lib.rs",
            "src/contest.rs",
            "latest.py",
            "attestation/x.go",
        ] {
            assert!(!is_test_path(p), "{p}");
        }
    }
}
