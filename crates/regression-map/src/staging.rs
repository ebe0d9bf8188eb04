//! What the commits of a command line will contain, worked out before any of it runs: the
//! staged changes, plus what the `git add`, `git rm`, `git mv` and `git commit -a` / `git commit
//! PATHS` before each commit would stage, simulated on a model of the index and the work tree
//! read through libgit2 (feature `git`).
//!
//! The model errs on the side of listing more: pathspec exclusions are left out, a pathspec
//! known only at run time matches everything it could, `git add -N` counts as an add, and
//! commands that git would refuse (an untracked path given to `git commit`, `git rm` of a
//! folder without `-r`) are simulated as if they succeeded. It never lists less than git
//! would commit for the commands it models.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use git2::{Repository, StatusOptions, StatusShow};

use crate::change::changed_paths;
use crate::git::{GitError, op, open, staged_changes_of};
use crate::pathspec::{Pathspec, any_matches, under};

/// `git add` (or `git stage`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AddStep {
    /// What it adds ([`Pathspec::all`] for `-A` or `-u` without a pathspec).
    pub specs: Vec<Pathspec>,
    /// Only tracked files (`-u`, `--update`, and the interactive modes).
    pub tracked_only: bool,
    /// Ignored files too (`-f`, `--force`).
    pub force: bool,
    /// Tracked files even when unchanged (`--chmod`, `--renormalize`).
    pub unchanged_too: bool,
}

/// `git rm`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemoveStep {
    /// What it removes from the index.
    pub specs: Vec<Pathspec>,
    /// The files stay in the work tree, untracked (`--cached`).
    pub cached: bool,
}

/// `git mv SOURCE… DESTINATION`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MoveStep {
    /// What moves.
    pub sources: Vec<Pathspec>,
    /// Where to: a new name for one source, or a folder to move the sources into.
    pub destination: Pathspec,
}

impl MoveStep {
    /// A move of `sources` to `destination`.
    #[must_use]
    pub fn new(sources: Vec<Pathspec>, destination: Pathspec) -> Self {
        Self {
            sources,
            destination,
        }
    }
}

/// `git commit`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommitStep {
    /// Every tracked change is staged first (`-a`, `--all`, and the interactive modes, as an
    /// upper bound of what they stage).
    pub all: bool,
    /// Tracked changes matching these are staged first (`-i PATHS`, `--include PATHS`).
    pub include: Vec<Pathspec>,
    /// Only what these match is committed, from the work tree (`git commit PATHS`, `-o`).
    pub only: Option<Vec<Pathspec>>,
}

/// One command of a shell call, in the order it runs, as far as the next commit is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IndexStep {
    /// `git add`.
    Add(AddStep),
    /// `git rm`.
    Remove(RemoveStep),
    /// `git mv`.
    Move(MoveStep),
    /// `git commit`.
    Commit(CommitStep),
    /// Another command writes, truncates or deletes these paths (a redirection, `cp`, `sed -i`,
    /// `rm`, ...): afterwards they may differ from the index, so a later `git add` or `git
    /// commit -a` can stage them. Only plain paths count.
    Write(Vec<Pathspec>),
}

/// What the commits of a command line will contain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommitContents {
    /// Every file the commits will contain (both sides of a rename), sorted.
    pub files: Vec<String>,
    /// Whether the commits record the index exactly as it is now: nothing before them stages
    /// anything more, so a test run of what is staged covers them.
    pub index_as_is: bool,
    /// What cannot be known before the commands run (a `git mv` to a destination computed at
    /// run time), described for a person.
    pub unknown: Vec<String>,
}

/// The state of a path in the work tree, against the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wt {
    /// Tracked, different from the index (content, mode, type, or a conflict).
    Changed,
    /// Tracked, missing from the work tree.
    Deleted,
    /// Not in the index, not ignored.
    Untracked,
    /// Not in the index, ignored.
    Ignored,
}

impl Wt {
    fn tracked(self) -> bool {
        matches!(self, Wt::Changed | Wt::Deleted)
    }
}

/// The files the commits among `steps` will contain, with the staging commands before each
/// simulated in order. The repository is only read: nothing is staged, written or run.
///
/// Without any staging step the work tree is not read at all (a plain `git commit` costs what
/// [`staged_changes`](crate::staged_changes) costs). The work tree is read through libgit2's
/// status (untracked files listed with `.gitignore` honoured, limited to the named paths when
/// every pathspec is a plain path), the index only for `git rm` and `git mv`.
///
/// # Errors
///
/// [`GitError`] naming the operation that failed.
pub fn commit_contents(repo: &Path, steps: &[IndexStep]) -> Result<CommitContents, GitError> {
    let repo = open(repo)?;
    let mut model = Model::load(&repo, steps)?;
    for step in steps {
        model.apply(&repo, step);
    }
    Ok(CommitContents {
        files: model.files.into_iter().collect(),
        index_as_is: model.index_as_is,
        unknown: model.unknown,
    })
}

/// The index and the work tree as far as the steps need them, and what the commits take.
#[derive(Debug, Default)]
struct Model {
    /// Paths whose index entry differs from HEAD: what the next commit records.
    pending: BTreeSet<String>,
    /// Paths in the index.
    index: BTreeSet<String>,
    /// Paths whose work tree state differs from the index.
    wt: BTreeMap<String, Wt>,
    /// What the commits so far contain.
    files: BTreeSet<String>,
    index_as_is: bool,
    unknown: Vec<String>,
}

/// What the steps need read.
#[derive(Debug, Default)]
struct Needs {
    index: bool,
    worktree: bool,
    ignored: bool,
    /// The work tree is read only under these plain paths; `None`: everywhere.
    scope: Option<Vec<String>>,
}

/// Narrows the work tree read to the plain paths of `specs`, or widens it to everything.
fn widen(needs: &mut Needs, specs: &[Pathspec]) {
    for spec in specs {
        match (spec.literal_path(), needs.scope.as_mut()) {
            // libgit2 reads a leading `!` as a negation.
            (Some(path), Some(list)) if !path.is_empty() && !path.starts_with('!') => {
                list.push(path.to_owned());
            }
            _ => needs.scope = None,
        }
    }
}

impl Needs {
    fn of(steps: &[IndexStep]) -> Self {
        let mut needs = Needs {
            scope: Some(Vec::new()),
            ..Needs::default()
        };
        for step in steps {
            match step {
                IndexStep::Add(add) => {
                    needs.worktree = true;
                    needs.ignored |= add.force && !add.tracked_only;
                    needs.index |= add.unchanged_too;
                    widen(&mut needs, &add.specs);
                }
                IndexStep::Remove(_) | IndexStep::Write(_) => needs.index = true,
                IndexStep::Move(mv) => {
                    needs.index = true;
                    needs.worktree = true;
                    widen(&mut needs, &mv.sources);
                    widen(&mut needs, std::slice::from_ref(&mv.destination));
                }
                IndexStep::Commit(commit) => {
                    if commit.all {
                        needs.worktree = true;
                        needs.scope = None;
                    }
                    if !commit.include.is_empty() {
                        needs.worktree = true;
                        widen(&mut needs, &commit.include);
                    }
                    if let Some(only) = &commit.only {
                        needs.worktree = true;
                        widen(&mut needs, only);
                    }
                }
            }
        }
        needs
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Model {
    fn load(repo: &Repository, steps: &[IndexStep]) -> Result<Self, GitError> {
        let needs = Needs::of(steps);
        let mut model = Model {
            pending: changed_paths(&staged_changes_of(repo)?)
                .into_iter()
                .collect(),
            index_as_is: true,
            ..Model::default()
        };
        if needs.index {
            let index = crate::git::index_for_entries(repo)?;
            model.index = index.iter().map(|e| lossy(&e.path)).collect();
        }
        if needs.worktree {
            let mut opts = StatusOptions::new();
            opts.show(StatusShow::Workdir)
                .include_untracked(true)
                .recurse_untracked_dirs(true)
                .include_ignored(false)
                .renames_index_to_workdir(false);
            if let Some(paths) = &needs.scope {
                for p in paths {
                    opts.pathspec(p.as_str());
                }
            }
            let statuses = repo
                .statuses(Some(&mut opts))
                .map_err(op("read the status of the work tree"))?;
            for entry in statuses.iter() {
                let s = entry.status();
                let state = if s.is_wt_new() {
                    Wt::Untracked
                } else if s.is_wt_deleted() {
                    Wt::Deleted
                } else if s.is_wt_modified()
                    || s.is_wt_typechange()
                    || s.is_wt_renamed()
                    || s.is_conflicted()
                {
                    Wt::Changed
                } else {
                    continue;
                };
                model.wt.insert(lossy(entry.path_bytes()), state);
            }
        }
        if needs.ignored {
            let mut opts = StatusOptions::new();
            opts.show(StatusShow::Workdir)
                .include_untracked(false)
                .include_ignored(true)
                .recurse_ignored_dirs(true);
            if let Some(paths) = &needs.scope {
                for p in paths {
                    opts.pathspec(p.as_str());
                }
            }
            let statuses = repo
                .statuses(Some(&mut opts))
                .map_err(op("list the ignored files of the work tree"))?;
            for entry in statuses.iter().filter(|e| e.status().is_ignored()) {
                model.wt.insert(lossy(entry.path_bytes()), Wt::Ignored);
            }
        }
        Ok(model)
    }

    /// Stages a work tree path: it enters the index (or leaves it, when deleted).
    fn stage(&mut self, path: String, state: Wt) {
        if state == Wt::Deleted {
            self.index.remove(&path);
        } else {
            self.index.insert(path.clone());
        }
        self.pending.insert(path);
        self.index_as_is = false;
    }

    /// Stages every work tree path `pick` accepts.
    fn stage_where(&mut self, pick: impl Fn(&str, Wt) -> bool) {
        let picked: Vec<(String, Wt)> = self
            .wt
            .iter()
            .filter(|(p, s)| pick(p, **s))
            .map(|(p, s)| (p.clone(), *s))
            .collect();
        for (path, state) in picked {
            self.wt.remove(&path);
            self.stage(path, state);
        }
    }

    fn apply(&mut self, repo: &Repository, step: &IndexStep) {
        match step {
            IndexStep::Add(add) => {
                self.stage_where(|p, s| {
                    let eligible = match s {
                        Wt::Changed | Wt::Deleted => true,
                        Wt::Untracked => !add.tracked_only,
                        Wt::Ignored => !add.tracked_only && add.force,
                    };
                    eligible && any_matches(&add.specs, p)
                });
                if add.unchanged_too {
                    let matched: Vec<String> = self
                        .index
                        .iter()
                        .filter(|p| any_matches(&add.specs, p))
                        .cloned()
                        .collect();
                    for p in matched {
                        self.pending.insert(p);
                        self.index_as_is = false;
                    }
                }
            }
            IndexStep::Remove(rm) => {
                let matched: Vec<String> = self
                    .index
                    .iter()
                    .filter(|p| any_matches(&rm.specs, p))
                    .cloned()
                    .collect();
                for p in matched {
                    self.index.remove(&p);
                    let state = self.wt.remove(&p);
                    if rm.cached && state != Some(Wt::Deleted) {
                        self.wt.insert(p.clone(), Wt::Untracked);
                    }
                    self.pending.insert(p);
                    self.index_as_is = false;
                }
            }
            IndexStep::Move(mv) => self.apply_move(repo, mv),
            IndexStep::Write(paths) => {
                for path in paths.iter().filter_map(Pathspec::literal_path) {
                    if path.is_empty() {
                        continue;
                    }
                    if self.index.contains(path) {
                        self.wt.insert(path.to_owned(), Wt::Changed);
                    } else {
                        self.wt.entry(path.to_owned()).or_insert(Wt::Untracked);
                    }
                }
            }
            IndexStep::Commit(commit) => self.apply_commit(commit),
        }
    }

    fn apply_move(&mut self, repo: &Repository, mv: &MoveStep) {
        if mv.sources.iter().any(Pathspec::is_outside) || mv.destination.is_outside() {
            // git refuses the whole move.
            return;
        }
        // Each tracked file that moves, with the part of its path the destination keeps: the
        // file's path below the source's folder.
        let mut moved: Vec<(String, usize)> = Vec::new();
        let mut computed = mv.destination.is_unknown();
        for source in &mv.sources {
            let folder_len = |folder: &str| {
                if folder.is_empty() {
                    0
                } else {
                    folder.len() + 1
                }
            };
            if let Some(src) = source.literal_path() {
                let keep = folder_len(src.rsplit_once('/').map_or("", |(f, _)| f));
                moved.extend(
                    self.index
                        .iter()
                        .filter(|p| src.is_empty() || under(p, src))
                        .map(|p| (p.clone(), keep)),
                );
            } else if let Some(folder) = source.glob_folder() {
                // A shell glob in the last component: each match moves with its own name.
                let keep = folder_len(folder);
                moved.extend(
                    self.index
                        .iter()
                        .filter(|p| source.matches(p))
                        .map(|p| (p.clone(), keep)),
                );
            } else {
                computed = true;
                moved.extend(
                    self.index
                        .iter()
                        .filter(|p| source.matches(p))
                        .map(|p| (p.clone(), 0)),
                );
            }
        }
        if moved.is_empty() {
            return;
        }
        self.index_as_is = false;
        let dest = mv.destination.literal_path().filter(|_| !computed);
        let Some(dest) = dest.map(str::to_owned) else {
            // Where the files land is known only when the command runs: what leaves is listed.
            for (old, _) in moved {
                self.pending.insert(old);
            }
            self.unknown.push(
                "where `git mv` moves files (an operand is computed when it runs)".to_owned(),
            );
            return;
        };
        let is_folder = dest.is_empty()
            || repo.workdir().is_some_and(|w| w.join(&dest).is_dir())
            || self
                .index
                .iter()
                .any(|p| p.len() > dest.len() && under(p, &dest));
        let globbed = mv.sources.iter().any(|s| s.glob_folder().is_some());
        if globbed && !is_folder {
            // A glob that matches one file renames it to the destination.
            self.pending.insert(dest.clone());
        }
        let into_folder = is_folder || globbed || mv.sources.len() > 1;
        for (old, keep) in moved {
            let kept = old.get(keep..).unwrap_or_default();
            let new = if into_folder {
                if dest.is_empty() {
                    kept.to_owned()
                } else {
                    format!("{dest}/{kept}")
                }
            } else {
                // A rename: the source's own name is replaced by the destination.
                let below = kept.split_once('/').map_or("", |(_, rest)| rest);
                if below.is_empty() {
                    dest.clone()
                } else {
                    format!("{dest}/{below}")
                }
            };
            // The old entry is kept: another reading of the same command (when the folder it
            // runs in is uncertain) starts from the same index, and a later step that stages
            // the old path again lists nothing new.
            self.index.insert(new.clone());
            if let Some(&state) = self.wt.get(&old) {
                self.wt.insert(new.clone(), state);
            }
            self.pending.insert(old);
            self.pending.insert(new);
        }
    }

    fn apply_commit(&mut self, commit: &CommitStep) {
        if let Some(only) = &commit.only {
            let staged_before = self.pending.len();
            let mut taken: BTreeSet<String> = self
                .pending
                .iter()
                .filter(|p| any_matches(only, p))
                .cloned()
                .collect();
            let from_wt: Vec<String> = self
                .wt
                .iter()
                .filter(|(p, s)| s.tracked() && any_matches(only, p))
                .map(|(p, _)| p.clone())
                .collect();
            if !from_wt.is_empty() || taken.len() != staged_before {
                self.index_as_is = false;
            }
            for p in from_wt {
                self.wt.remove(&p);
                taken.insert(p);
            }
            for p in &taken {
                self.pending.remove(p);
            }
            self.files.extend(taken);
            return;
        }
        if commit.all {
            self.stage_where(|_, s| s.tracked());
        }
        if !commit.include.is_empty() {
            self.stage_where(|p, s| s.tracked() && any_matches(&commit.include, p));
        }
        self.files.append(&mut self.pending);
    }
}
