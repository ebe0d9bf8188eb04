//! The files a commit will contain, read through libgit2 (feature `git`).
//!
//! Every function opens the repository the way git itself does inside a hook: `GIT_INDEX_FILE`
//! (set by `git commit -a` and `git commit <paths>` to a temporary index), `GIT_OBJECT_DIRECTORY`,
//! `GIT_CEILING_DIRECTORIES`, `GIT_WORK_TREE` and friends are honoured. When `GIT_DIR` is set
//! it wins over `repo`, as it does for the git CLI (a relative `GIT_DIR` is relative to the
//! current directory).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use git2::{
    Delta, Diff, DiffDelta, DiffFindOptions, DiffOptions, ErrorCode, Oid, Repository,
    RepositoryOpenFlags, Tree,
};

use crate::change::{Change, ChangeKind};
use crate::error::BoxError;
use crate::staged;

/// A git operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GitError {
    /// No repository could be opened at the path.
    #[error("cannot open a git repository at `{}`", path.display())]
    Open {
        /// The path given.
        path: PathBuf,
        /// libgit2's error.
        #[source]
        source: BoxError,
    },
    /// An operation on the repository failed.
    #[error("git: cannot {operation}")]
    Operation {
        /// What was being done (`read the index`, `diff HEAD against the index`).
        operation: String,
        /// libgit2's error.
        #[source]
        source: BoxError,
    },
    /// A revision or range does not name commits of the repository.
    #[error("invalid revision range `{range}`: {message}")]
    Range {
        /// The range as given.
        range: String,
        /// What is wrong with it.
        message: String,
        /// libgit2's error, when there is one.
        #[source]
        source: Option<BoxError>,
    },
}

pub(crate) fn op(operation: impl Into<String>) -> impl FnOnce(git2::Error) -> GitError {
    let operation = operation.into();
    move |e| GitError::Operation {
        operation,
        source: Box::new(e),
    }
}

/// Opens `repo` (or a parent of it) honouring git's environment variables.
pub(crate) fn open(repo: &Path) -> Result<Repository, GitError> {
    let opened = if std::env::var_os("GIT_DIR").is_some() {
        Repository::open_from_env()
    } else {
        Repository::open_ext(
            repo,
            RepositoryOpenFlags::FROM_ENV,
            std::iter::empty::<&OsStr>(),
        )
    };
    opened.map_err(|e| GitError::Open {
        path: repo.to_path_buf(),
        source: Box::new(e),
    })
}

/// The repository's index for reading its entries through git2 (`iter`, `get_path`), refused
/// when the file declares a name length longer than a path (a NUL inside it, which git never
/// writes): git2 would read past the path's allocation ([`crate::index::check_name_lengths`]).
/// A missing index file is the empty index.
pub(crate) fn index_for_entries(repo: &Repository) -> Result<git2::Index, GitError> {
    let index = repo.index().map_err(op("read the index"))?;
    let path = crate::staged::index_path(repo).map_err(|e| GitError::Operation {
        operation: "find the index file".to_owned(),
        source: Box::new(e),
    })?;
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && index.is_empty() => return Ok(index),
        Err(e) => {
            return Err(GitError::Operation {
                operation: format!("read the index file `{}`", path.display()),
                source: Box::new(e),
            });
        }
    };
    let body = bytes
        .get(..bytes.len().saturating_sub(crate::index::OID_LEN))
        .unwrap_or_default();
    crate::index::check_name_lengths(body).map_err(|e| GitError::Operation {
        operation: format!(
            "read the index file `{}`: git did not write it (rebuild it with `git read-tree HEAD`, \
             then stage the changes again)",
            path.display()
        ),
        source: Box::new(e),
    })?;
    Ok(index)
}

/// HEAD's tree, or `None` for an unborn HEAD (the empty tree, as git treats it).
fn head_tree(repo: &Repository) -> Result<Option<Tree<'_>>, GitError> {
    match repo.head() {
        Ok(head) => head
            .peel_to_tree()
            .map(Some)
            .map_err(op("read HEAD's tree")),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(op("resolve HEAD")(e)),
    }
}

pub(crate) fn diff_options() -> DiffOptions {
    let mut opts = DiffOptions::new();
    opts.include_typechange(true);
    opts
}

/// git's default rename detection (`diff.renames=true`, 50% similarity), pinned so that a
/// user's `diff.renames=false` cannot hide the old side of a rename. Returns the paths that
/// were type changes before it, for [`split_type_changes`].
pub(crate) fn find_renames(diff: &mut Diff<'_>) -> Result<Vec<String>, GitError> {
    let typechanged: Vec<String> = diff
        .deltas()
        .filter(|d| d.status() == Delta::Typechange)
        .filter_map(|d| path_of(d.new_file()))
        .collect();
    let mut find = DiffFindOptions::new();
    find.renames(true).rename_threshold(50);
    diff.find_similar(Some(&mut find))
        .map_err(op("detect renames"))?;
    Ok(typechanged)
}

/// Undoes the renames libgit2 makes from or into a type change, as git's CLI never does:
/// libgit2's `find_similar` takes a type change as a rename's source or target (a file `b`
/// that became a link, its old blob "renamed" to an added `sub`, `b`'s new side left as an
/// addition), while git pairs only deletions with additions (`T b`, `A sub`). Such a rename
/// becomes the type change and the addition (or the deletion) again, and the half of the type
/// change libgit2 left behind goes. Returns whether anything changed (the order is then made
/// again by the caller).
pub(crate) fn split_type_changes(changes: &mut Vec<Change>, typechanged: &[String]) -> bool {
    let is_typechanged = |p: &str| typechanged.iter().any(|t| t == p);
    let mut consumed: Vec<String> = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Renamed)
        .flat_map(|c| c.old_path.iter().chain(std::iter::once(&c.path)))
        .filter(|p| is_typechanged(p))
        .cloned()
        .collect();
    // The caller orders the result again: any order will do here.
    consumed.sort_unstable();
    consumed.dedup();
    if consumed.is_empty() {
        return false;
    }
    let was_consumed = |p: &str| consumed.iter().any(|t| t == p);
    let mut out: Vec<Change> = Vec::with_capacity(changes.len() + consumed.len());
    for c in changes.drain(..) {
        match c.kind {
            ChangeKind::Renamed => {
                let old = c.old_path.clone().unwrap_or_default();
                match (was_consumed(&old), was_consumed(&c.path)) {
                    (false, false) => out.push(c),
                    (true, false) => out.push(Change::new(ChangeKind::Added, c.path)),
                    (false, true) => out.push(Change::new(ChangeKind::Deleted, old)),
                    (true, true) => {}
                }
            }
            // The half of a consumed type change that libgit2 left.
            ChangeKind::Added | ChangeKind::Deleted | ChangeKind::TypeChange
                if was_consumed(&c.path) => {}
            _ => out.push(c),
        }
    }
    out.extend(
        consumed
            .into_iter()
            .map(|p| Change::new(ChangeKind::TypeChange, p)),
    );
    *changes = out;
    true
}

/// The changes of a whole diff after rename detection as git's CLI does it
/// ([`find_renames`], then [`split_type_changes`]), in libgit2's order.
fn changes_with_renames(diff: &mut Diff<'_>) -> Result<Vec<Change>, GitError> {
    let typechanged = find_renames(diff)?;
    let mut changes = changes_of(diff);
    if split_type_changes(&mut changes, &typechanged) {
        sort_like_libgit2(&mut changes);
    }
    Ok(changes)
}

/// libgit2's order of changes after rename detection: by path (the new one for additions,
/// renames and copies), then by the `git_delta_t` value.
fn sort_like_libgit2(changes: &mut [Change]) {
    changes.sort_by(|a, b| {
        a.path
            .as_bytes()
            .cmp(b.path.as_bytes())
            .then(delta_rank(a.kind).cmp(&delta_rank(b.kind)))
    });
}

/// The `git_delta_t` value of a kind, which orders changes of one path.
pub(crate) fn delta_rank(kind: ChangeKind) -> u8 {
    match kind {
        ChangeKind::Added => 1,
        ChangeKind::Deleted => 2,
        ChangeKind::Modified => 3,
        ChangeKind::Renamed => 4,
        ChangeKind::Copied => 5,
        ChangeKind::TypeChange => 8,
        ChangeKind::Unmerged => 10,
    }
}

fn path_of(file: git2::DiffFile<'_>) -> Option<String> {
    file.path_bytes()
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
}

pub(crate) fn change_of(delta: &DiffDelta<'_>) -> Option<Change> {
    let kind = match delta.status() {
        Delta::Added => ChangeKind::Added,
        Delta::Deleted => ChangeKind::Deleted,
        Delta::Modified => ChangeKind::Modified,
        Delta::Renamed => ChangeKind::Renamed,
        Delta::Copied => ChangeKind::Copied,
        Delta::Typechange => ChangeKind::TypeChange,
        Delta::Conflicted => ChangeKind::Unmerged,
        Delta::Unmodified | Delta::Ignored | Delta::Untracked | Delta::Unreadable => return None,
    };
    let new = path_of(delta.new_file());
    let old = path_of(delta.old_file());
    let (path, old_path) = match kind {
        ChangeKind::Renamed | ChangeKind::Copied => (new?, old),
        ChangeKind::Deleted => (old.or(new)?, None),
        _ => (new.or(old)?, None),
    };
    Some(Change {
        kind,
        path,
        old_path,
    })
}

fn changes_of(diff: &Diff<'_>) -> Vec<Change> {
    diff.deltas().filter_map(|d| change_of(&d)).collect()
}

/// What `git diff --cached --name-status -M` lists: the index (`GIT_INDEX_FILE` if set)
/// against HEAD, renames detected, type changes kept whole, an unborn HEAD read as the empty
/// tree.
///
/// Like `git diff-index --cached`, it reads the index file itself and uses its cache-tree
/// (the `TREE` extension) to skip every directory whose recorded tree id equals HEAD's, so
/// that only the trees along changed paths are read; rename detection runs in libgit2 on the
/// added, deleted and type-changed files. Whenever that cannot be exact (an index it cannot
/// read or whose checksum does not match, a split or sparse index, unmerged or `git add -N`
/// entries, `core.ignorecase`, unusual tree modes), the whole diff runs in libgit2 instead,
/// with the same result.
///
/// Cost: with 50,000 tracked files and a fresh cache-tree, a few milliseconds (the index
/// checksum and parse); the libgit2 diff takes ~80 ms there.
///
/// # Errors
///
/// [`GitError`] naming the operation that failed.
pub fn staged_changes(repo: &Path) -> Result<Vec<Change>, GitError> {
    staged_changes_of(&open(repo)?)
}

/// [`staged_changes`] of an open repository.
pub(crate) fn staged_changes_of(repo: &Repository) -> Result<Vec<Change>, GitError> {
    let head = head_tree(repo)?;
    if staged::library_forced() {
        return staged_changes_libgit2(repo, head.as_ref());
    }
    match staged::staged_changes(repo, head.as_ref()) {
        Ok(changes) => Ok(changes),
        Err(_) => staged_changes_libgit2(repo, head.as_ref()),
    }
}

/// [`staged_changes`] through its fast path only: `None` when that path declines (and
/// [`staged_changes`] would run the libgit2 diff). For equivalence tests and benchmarks.
///
/// # Errors
///
/// [`GitError`] when the repository or HEAD cannot be opened.
#[doc(hidden)]
pub fn staged_changes_fast(repo: &Path) -> Result<Option<Vec<Change>>, GitError> {
    let repo = open(repo)?;
    let head = head_tree(&repo)?;
    Ok(staged::staged_changes(&repo, head.as_ref()).ok())
}

/// [`staged_changes`] through libgit2's whole diff only (the reference the fast path must
/// equal). For equivalence tests and benchmarks.
///
/// # Errors
///
/// [`GitError`] naming the operation that failed.
#[doc(hidden)]
pub fn staged_changes_reference(repo: &Path) -> Result<Vec<Change>, GitError> {
    let repo = open(repo)?;
    let head = head_tree(&repo)?;
    staged_changes_libgit2(&repo, head.as_ref())
}

fn staged_changes_libgit2(
    repo: &Repository,
    head: Option<&Tree<'_>>,
) -> Result<Vec<Change>, GitError> {
    let index = index_for_entries(repo)?;
    let mut diff = repo
        .diff_tree_to_index(head, Some(&index), Some(&mut diff_options()))
        .map_err(op("diff HEAD against the index"))?;
    // `git add -N` entries are not staged content: git's `--cached` view leaves them out.
    let mut changes = changes_with_renames(&mut diff)?;
    changes.retain(|c| c.kind != ChangeKind::Added || !intent_to_add(&index, &c.path));
    Ok(changes)
}

/// The extended index flag of `git add -N` entries.
const INTENT_TO_ADD: u16 = 1 << 13;

fn intent_to_add(index: &git2::Index, path: &str) -> bool {
    index
        .get_path(Path::new(path), 0)
        .is_some_and(|entry| entry.flags_extended & INTENT_TO_ADD != 0)
}

/// The tracked changes that are not staged, what `git commit -a` adds to the index first: the
/// index against the work tree, tracked files only (`git diff --name-status`).
///
/// # Errors
///
/// [`GitError`] naming the operation that failed (a bare repository has no work tree).
pub fn worktree_changes(repo: &Path) -> Result<Vec<Change>, GitError> {
    let repo = open(repo)?;
    let index = repo.index().map_err(op("read the index"))?;
    let mut opts = diff_options();
    opts.include_untracked(false);
    let diff = repo
        .diff_index_to_workdir(Some(&index), Some(&mut opts))
        .map_err(op("diff the index against the work tree"))?;
    Ok(changes_of(&diff))
}

/// The changes of a range, like `git diff --name-status -M`:
///
/// - `A..B`: the tree of `A` against the tree of `B` (an empty side is `HEAD`);
/// - `A...B`: the merge base of `A` and `B` against `B`;
/// - a single revision `R`: the merge base of `R` and `HEAD` against `HEAD` (what a branch
///   changed since it left `R`).
///
/// # Errors
///
/// [`GitError::Range`] when a side does not resolve, or when two commits have no merge base.
pub fn range_changes(repo: &Path, range: &str) -> Result<Vec<Change>, GitError> {
    let repo = open(repo)?;
    fn side(s: &str) -> &str {
        if s.is_empty() { "HEAD" } else { s }
    }
    let (old, new) = if let Some((a, b)) = range.split_once("...") {
        let (a, b) = (side(a), side(b));
        (
            merge_base_tree(&repo, range, a, b)?,
            tree_of(&repo, range, b)?,
        )
    } else if let Some((a, b)) = range.split_once("..") {
        (
            tree_of(&repo, range, side(a))?,
            tree_of(&repo, range, side(b))?,
        )
    } else {
        let rev = side(range.trim());
        (
            merge_base_tree(&repo, range, rev, "HEAD")?,
            tree_of(&repo, range, "HEAD")?,
        )
    };
    let mut diff = repo
        .diff_tree_to_tree(Some(&old), Some(&new), Some(&mut diff_options()))
        .map_err(op(format!("diff the trees of `{range}`")))?;
    changes_with_renames(&mut diff)
}

fn range_error(range: &str, rev: &str, what: &str, e: git2::Error) -> GitError {
    GitError::Range {
        range: range.to_owned(),
        message: format!("{what} `{rev}`"),
        source: Some(Box::new(e)),
    }
}

fn tree_of<'r>(repo: &'r Repository, range: &str, rev: &str) -> Result<Tree<'r>, GitError> {
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_tree())
        .map_err(|e| range_error(range, rev, "no tree for", e))
}

fn commit_of(repo: &Repository, range: &str, rev: &str) -> Result<Oid, GitError> {
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map(|c| c.id())
        .map_err(|e| range_error(range, rev, "no commit for", e))
}

fn merge_base_tree<'r>(
    repo: &'r Repository,
    range: &str,
    a: &str,
    b: &str,
) -> Result<Tree<'r>, GitError> {
    let (ca, cb) = (commit_of(repo, range, a)?, commit_of(repo, range, b)?);
    let base = repo
        .merge_base(ca, cb)
        .map_err(|e| range_error(range, &format!("{a}...{b}"), "no merge base for", e))?;
    repo.find_commit(base)
        .and_then(|c| c.tree())
        .map_err(op("read the merge base's tree"))
}

/// The id of the tree that committing the index (`GIT_INDEX_FILE` if set) would record, as
/// `git write-tree` prints it. The same staged content gives the same id. The index file is not
/// rewritten; the tree objects are written to the object database, as `git write-tree` does.
///
/// # Errors
///
/// [`GitError`], for instance when the index has unmerged entries.
pub fn staged_tree_id(repo: &Path) -> Result<String, GitError> {
    let repo = open(repo)?;
    let mut index = repo.index().map_err(op("read the index"))?;
    index
        .write_tree()
        .map(|oid| oid.to_string())
        .map_err(op("compute the tree of the index"))
}

/// Every path in the index (`GIT_INDEX_FILE` if set), once each, in index order: the
/// tracked files, for [`Matcher::unmatched_patterns`](crate::Matcher::unmatched_patterns).
///
/// # Errors
///
/// [`GitError`] naming the operation that failed.
pub fn tracked_paths(repo: &Path) -> Result<Vec<String>, GitError> {
    let repo = open(repo)?;
    let index = index_for_entries(&repo)?;
    let mut paths: Vec<String> = Vec::with_capacity(index.len());
    for entry in index.iter() {
        let path = String::from_utf8_lossy(&entry.path);
        // Conflicted paths have up to three entries (stages 1-3), adjacent in the index.
        if paths.last().map(String::as_str) != Some(path.as_ref()) {
            paths.push(path.into_owned());
        }
    }
    Ok(paths)
}
