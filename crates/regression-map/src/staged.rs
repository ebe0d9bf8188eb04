//! The fast path of [`staged_changes`](crate::staged_changes): HEAD against the index the way
//! `git diff-index --cached` does it, skipping every directory whose cache-tree id (the index's
//! `TREE` extension) equals HEAD's tree id there, so that only the trees along changed paths are
//! read. Rename detection then runs in libgit2 on the added, deleted and type-changed files
//! only, which is what libgit2's `find_similar` looks at in the full diff.
//!
//! Whenever this path cannot be exact, it declines ([`Decline`]) and the caller runs the
//! libgit2 diff instead: an index it cannot read (malformed, unsupported extension, checksum
//! mismatch, missing), unmerged or `git add -N` entries, `core.ignorecase`, HEAD trees with
//! unusual modes or unsorted entries, or any libgit2 error along the way.
//!
//! # The fast-path contract
//!
//! This path and its index reader ([`crate::index`]) are a hidden strategy beside the library,
//! under the workspace's contract (ARCHITECTURE.md): the library is pinned exactly (`git2 =
//! "=0.21.0"` in the workspace manifest, libgit2 1.9); `METALAYER_LIBRARY_PATH=1` in the
//! environment makes every listing run libgit2's whole diff ([`library_forced`]), and CI runs
//! the whole test suite a second time with it set; the fuzz target `git_index` compares the
//! index reader with libgit2's on any bytes (what this reader reads, libgit2 reads to the same
//! entries), and the property tests compare both listings with libgit2 and with `git diff
//! --cached --name-status` on random repositories.

use std::cmp::Ordering;

use git2::{Delta, Index as GitIndex, IndexEntry, IndexTime, Oid, Repository};

use crate::change::{Change, ChangeKind};
use crate::index::{self, Index, IndexError, OID_LEN};

/// Whether `METALAYER_LIBRARY_PATH=1` makes every staged listing run libgit2's whole diff;
/// read once per process.
pub(crate) fn library_forced() -> bool {
    static FORCED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FORCED.get_or_init(|| std::env::var_os("METALAYER_LIBRARY_PATH").is_some_and(|v| v == "1"))
}

/// Why the fast path declined; the caller falls back to the libgit2 diff.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Decline {
    /// The index file could not be read.
    #[error("cannot read the index file")]
    Io(#[from] std::io::Error),
    /// The index file is malformed or uses something this reader does not support.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The index's trailing checksum does not match its content.
    #[error("the index checksum does not match")]
    Checksum,
    /// libgit2 failed (reading a tree, building the rename candidates).
    #[error("libgit2")]
    Git(#[from] git2::Error),
    /// A state this path does not handle exactly.
    #[error("unsupported: {0}")]
    Unsupported(&'static str),
}

/// Directories deeper than this are left to libgit2 (the walk recurses once per level).
const MAX_DEPTH: usize = 512;
const S_IFMT: u32 = 0o170_000;
const TREE_MODE: u32 = 0o040_000;

/// One side of a changed file: mode, object id and (index side) the stat size.
#[derive(Debug, Clone, Copy)]
struct Side {
    mode: u32,
    oid: [u8; OID_LEN],
    size: u32,
}

/// A change before rename detection, with the raw path bytes.
#[derive(Debug)]
struct Raw {
    kind: ChangeKind,
    path: Vec<u8>,
    old: Option<Side>,
    new: Option<Side>,
}

/// The index file libgit2 reads for this repository: `GIT_INDEX_FILE` (relative to the
/// current directory) when set, else `<gitdir>/index`.
pub(crate) fn index_path(repo: &Repository) -> Result<std::path::PathBuf, Decline> {
    match std::env::var_os("GIT_INDEX_FILE") {
        Some(path) if path.is_empty() => Err(Decline::Unsupported("empty GIT_INDEX_FILE")),
        Some(path) => Ok(path.into()),
        None => Ok(repo.path().join("index")),
    }
}

/// Reads and checks the index file: SHA-1 trailer verified, as libgit2 does.
pub(crate) fn read_index(repo: &Repository) -> Result<Index, Decline> {
    let bytes = std::fs::read(index_path(repo)?)?;
    let split = bytes
        .len()
        .checked_sub(OID_LEN)
        .ok_or(IndexError::Truncated(bytes.len()))?;
    let (body, trailer) = bytes.split_at(split);
    use sha1::Digest as _;
    if sha1::Sha1::digest(body).as_slice() != trailer {
        return Err(Decline::Checksum);
    }
    Ok(index::parse(body)?)
}

/// The fast listing of staged changes, or why it declined.
pub(crate) fn staged_changes(
    repo: &Repository,
    head: Option<&git2::Tree<'_>>,
) -> Result<Vec<Change>, Decline> {
    if repo.config()?.get_bool("core.ignorecase").unwrap_or(false) {
        return Err(Decline::Unsupported("core.ignorecase"));
    }
    let index = read_index(repo)?;
    if index.has_unmerged {
        return Err(Decline::Unsupported("unmerged entries"));
    }
    if index.has_intent_to_add {
        return Err(Decline::Unsupported("intent-to-add entries"));
    }
    let mut walk = Walk {
        repo,
        index: &index,
        pos: 0,
        out: Vec::new(),
    };
    let root = (!index.tree_nodes().is_empty()).then_some(0);
    walk.dir(&mut Vec::new(), head.map(git2::Tree::id), root, 0)?;
    if walk.pos != index.entries().len() {
        return Err(Decline::Unsupported("index entries left after the walk"));
    }
    let raw = walk.out;
    detect_renames(repo, raw)
}

/// A HEAD tree entry.
struct TreeItem {
    name: Vec<u8>,
    mode: u32,
    oid: Oid,
}

impl TreeItem {
    fn is_dir(&self) -> bool {
        self.mode == TREE_MODE
    }
}

/// git's tree order: names compared bytewise, a directory's name as if it ended with `/`.
fn tree_order(a: &[u8], a_dir: bool, b: &[u8], b_dir: bool) -> Ordering {
    let common = a.len().min(b.len());
    let (a_head, b_head) = (a.get(..common), b.get(..common));
    match a_head.cmp(&b_head) {
        Ordering::Equal => {}
        other => return other,
    }
    let end = |dir: bool| if dir { b'/' } else { 0 };
    let ca = a.get(common).copied().unwrap_or(end(a_dir));
    let cb = b.get(common).copied().unwrap_or(end(b_dir));
    ca.cmp(&cb)
        .then_with(|| a.len().cmp(&b.len()))
        .then_with(|| a_dir.cmp(&b_dir))
}

fn oid_bytes(oid: Oid) -> Result<[u8; OID_LEN], Decline> {
    <[u8; OID_LEN]>::try_from(oid.as_bytes()).map_err(|_| Decline::Unsupported("object id size"))
}

/// A merge walk of HEAD's trees against the index entries, in path order.
struct Walk<'a> {
    repo: &'a Repository,
    index: &'a Index,
    /// The next index entry not yet accounted for.
    pos: usize,
    out: Vec<Raw>,
}

impl<'a> Walk<'a> {
    /// The entries of a HEAD tree, checked: canonical modes, strictly in tree order.
    fn tree_items(&self, oid: Oid) -> Result<Vec<TreeItem>, Decline> {
        let tree = self.repo.find_tree(oid)?;
        let mut items: Vec<TreeItem> = Vec::with_capacity(tree.len());
        for entry in &tree {
            let mode = u32::try_from(entry.filemode_raw())
                .map_err(|_| Decline::Unsupported("tree entry mode"))?;
            if !matches!(
                mode,
                0o100_644 | 0o100_755 | 0o120_000 | 0o160_000 | TREE_MODE
            ) {
                return Err(Decline::Unsupported("non-canonical tree entry mode"));
            }
            let name = entry.name_bytes();
            if name.is_empty() || name.contains(&b'/') || entry.id().is_zero() {
                return Err(Decline::Unsupported("tree entry name or id"));
            }
            if let Some(last) = items.last()
                && tree_order(&last.name, last.is_dir(), name, mode == TREE_MODE) != Ordering::Less
            {
                return Err(Decline::Unsupported("unsorted tree"));
            }
            items.push(TreeItem {
                name: name.to_vec(),
                mode,
                oid: entry.id(),
            });
        }
        Ok(items)
    }

    /// The index item at the cursor within `prefix`: its name below `prefix` and whether it
    /// is a directory (the entry's path goes on past that name).
    fn index_item(&self, prefix: &[u8]) -> Option<(&'a [u8], bool)> {
        let index: &'a Index = self.index;
        let entry = index.entries().get(self.pos)?;
        let rest = index.path(entry).strip_prefix(prefix)?;
        Some(match rest.iter().position(|&b| b == b'/') {
            Some(slash) => (rest.get(..slash).unwrap_or_default(), true),
            None => (rest, false),
        })
    }

    fn side_of_index(&self) -> Result<(Vec<u8>, Side), Decline> {
        let entry = self
            .index
            .entries()
            .get(self.pos)
            .ok_or(Decline::Unsupported("index cursor"))?;
        Ok((
            self.index.path(entry).to_vec(),
            Side {
                mode: entry.mode,
                oid: entry.oid,
                size: entry.size,
            },
        ))
    }

    /// Accounts for `count` entries under `prefix` that a valid cache-tree says are HEAD's.
    fn skip(&mut self, prefix: &[u8], count: usize) -> Result<(), Decline> {
        let entries = self.index.entries();
        let under = |i: usize| {
            entries
                .get(i)
                .is_some_and(|e| self.index.path(e).starts_with(prefix))
        };
        let end = self
            .pos
            .checked_add(count)
            .ok_or(Decline::Unsupported("cache-tree count"))?;
        let fits = end <= entries.len()
            && (count == 0 || (under(self.pos) && under(end - 1)))
            && !under(end);
        if !fits {
            return Err(Decline::Unsupported(
                "cache-tree does not match the entries",
            ));
        }
        self.pos = end;
        Ok(())
    }

    /// Diffs the directory `prefix` (empty or ending with `/`): HEAD's tree `tree` (none when
    /// HEAD has no such directory) against the index entries under it.
    fn dir(
        &mut self,
        prefix: &mut Vec<u8>,
        tree: Option<Oid>,
        node: Option<usize>,
        depth: usize,
    ) -> Result<(), Decline> {
        if depth > MAX_DEPTH {
            return Err(Decline::Unsupported("directories too deep"));
        }
        let cached = node.and_then(|n| self.index.tree_nodes().get(n)?.valid);
        if let (Some(tree), Some((count, id))) = (tree, cached)
            && tree.as_bytes() == id
        {
            return self.skip(prefix, count);
        }
        let items = match tree {
            Some(oid) => self.tree_items(oid)?,
            None => Vec::new(),
        };
        let mut items = items.iter().peekable();
        loop {
            let order = match (items.peek(), self.index_item(prefix)) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(head), Some((name, is_dir))) => {
                    tree_order(&head.name, head.is_dir(), name, is_dir)
                }
            };
            match order {
                Ordering::Less => {
                    if let Some(head) = items.next() {
                        self.deleted(prefix, head, depth)?;
                    }
                }
                Ordering::Greater => self.added(prefix)?,
                Ordering::Equal => {
                    let Some(head) = items.next() else { break };
                    let len = prefix.len();
                    if head.is_dir() {
                        let child = node.and_then(|n| self.index.tree_child(n, &head.name));
                        prefix.extend_from_slice(&head.name);
                        prefix.push(b'/');
                        self.dir(prefix, Some(head.oid), child, depth + 1)?;
                        prefix.truncate(len);
                    } else {
                        self.matched(head)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// A file of HEAD and the index entry at the cursor, same path.
    fn matched(&mut self, head: &TreeItem) -> Result<(), Decline> {
        let (path, new) = self.side_of_index()?;
        self.pos += 1;
        let old = Side {
            mode: head.mode,
            oid: oid_bytes(head.oid)?,
            size: 0,
        };
        let kind = if old.mode & S_IFMT != new.mode & S_IFMT {
            ChangeKind::TypeChange
        } else if old.mode != new.mode || old.oid != new.oid {
            ChangeKind::Modified
        } else {
            return Ok(());
        };
        self.out.push(Raw {
            kind,
            path,
            old: Some(old),
            new: Some(new),
        });
        Ok(())
    }

    /// The index item at the cursor is not in HEAD: the entry, or every entry of the directory.
    fn added(&mut self, prefix: &[u8]) -> Result<(), Decline> {
        let Some((name, is_dir)) = self.index_item(prefix) else {
            return Err(Decline::Unsupported("index cursor"));
        };
        let mut dir = prefix.to_vec();
        dir.extend_from_slice(name);
        dir.push(b'/');
        loop {
            let (path, new) = self.side_of_index()?;
            self.pos += 1;
            self.out.push(Raw {
                kind: ChangeKind::Added,
                path,
                old: None,
                new: Some(new),
            });
            let more = is_dir
                && self
                    .index
                    .entries()
                    .get(self.pos)
                    .is_some_and(|e| self.index.path(e).starts_with(&dir));
            if !more {
                return Ok(());
            }
        }
    }

    /// A HEAD entry with nothing in the index: the file, or every file of the tree, deleted.
    fn deleted(&mut self, prefix: &[u8], head: &TreeItem, depth: usize) -> Result<(), Decline> {
        if depth > MAX_DEPTH {
            return Err(Decline::Unsupported("directories too deep"));
        }
        let mut path = prefix.to_vec();
        path.extend_from_slice(&head.name);
        if head.is_dir() {
            path.push(b'/');
            for item in self.tree_items(head.oid)? {
                self.deleted(&path, &item, depth + 1)?;
            }
            return Ok(());
        }
        self.out.push(Raw {
            kind: ChangeKind::Deleted,
            path,
            old: Some(Side {
                mode: head.mode,
                oid: oid_bytes(head.oid)?,
                size: 0,
            }),
            new: None,
        });
        Ok(())
    }
}

fn is_regular(side: Option<Side>) -> bool {
    side.is_some_and(|s| s.mode & S_IFMT == 0o100_000)
}

fn git_entry(path: &[u8], side: Side) -> Result<IndexEntry, Decline> {
    Ok(IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: side.mode,
        uid: 0,
        gid: 0,
        file_size: side.size,
        id: Oid::from_bytes(&side.oid)?,
        flags: 0,
        flags_extended: 0,
        path: path.to_vec(),
    })
}

/// Rename detection on the candidates only (added, deleted and type-changed files), in libgit2
/// with the same options as the full diff: HEAD's side of the candidates as a tree, the index
/// side as an in-memory index (with the index's sizes, which libgit2's similarity uses), the
/// tree objects written to an in-memory object store that dies with `repo`.
fn detect_renames(repo: &Repository, raw: Vec<Raw>) -> Result<Vec<Change>, Decline> {
    let is_candidate = |r: &Raw| r.kind != ChangeKind::Modified;
    let sources = raw
        .iter()
        .any(|r| is_candidate(r) && r.kind != ChangeKind::Added && is_regular(r.old));
    let targets = raw
        .iter()
        .any(|r| is_candidate(r) && r.kind != ChangeKind::Deleted && is_regular(r.new));
    let mut keyed: Vec<(Vec<u8>, Change)> = Vec::with_capacity(raw.len());
    let (candidates, kept): (Vec<Raw>, Vec<Raw>) = if sources && targets {
        raw.into_iter().partition(is_candidate)
    } else {
        (Vec::new(), raw)
    };
    for r in kept {
        let change = Change::new(r.kind, String::from_utf8_lossy(&r.path).into_owned());
        keyed.push((r.path, change));
    }
    if !candidates.is_empty() {
        let odb = repo.odb()?;
        let _mempack = odb.add_new_mempack_backend(1000)?;
        let mut old = GitIndex::new()?;
        let mut new = GitIndex::new()?;
        for r in &candidates {
            if let Some(side) = r.old {
                old.add(&git_entry(&r.path, side)?)?;
            }
            if let Some(side) = r.new {
                new.add(&git_entry(&r.path, side)?)?;
            }
        }
        let old_tree = repo.find_tree(old.write_tree_to(repo)?)?;
        let mut diff = repo.diff_tree_to_index(
            Some(&old_tree),
            Some(&new),
            Some(&mut crate::git::diff_options()),
        )?;
        let same = diff.deltas().len() == candidates.len()
            && diff.deltas().zip(&candidates).all(|(d, r)| {
                let kind = match d.status() {
                    Delta::Added => ChangeKind::Added,
                    Delta::Deleted => ChangeKind::Deleted,
                    Delta::Typechange => ChangeKind::TypeChange,
                    _ => ChangeKind::Unmerged,
                };
                kind == r.kind
            });
        if !same {
            return Err(Decline::Unsupported("rename candidates differ"));
        }
        let typechanged = crate::git::find_renames(&mut diff)
            .map_err(|_| Decline::Unsupported("find renames"))?;
        let mut found: Vec<(Vec<u8>, Change)> = Vec::with_capacity(candidates.len());
        for delta in diff.deltas() {
            let key = match delta.status() {
                Delta::Deleted => delta.old_file().path_bytes(),
                _ => delta.new_file().path_bytes(),
            }
            .map(<[u8]>::to_vec);
            if let (Some(key), Some(change)) = (key, crate::git::change_of(&delta)) {
                found.push((key, change));
            }
        }
        if !typechanged.is_empty() {
            let mut changes: Vec<Change> = found.iter().map(|(_, c)| c.clone()).collect();
            if crate::git::split_type_changes(&mut changes, &typechanged) {
                // The split changes are keyed by their path (valid UTF-8: a type change
                // libgit2 names).
                found = changes
                    .into_iter()
                    .map(|c| (c.path.as_bytes().to_vec(), c))
                    .collect();
            }
        }
        keyed.extend(found);
    }
    keyed.sort_by(|(a, ca), (b, cb)| {
        a.cmp(b)
            .then(crate::git::delta_rank(ca.kind).cmp(&crate::git::delta_rank(cb.kind)))
    });
    Ok(keyed.into_iter().map(|(_, change)| change).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_switch_follows_the_environment() {
        let set = std::env::var_os("METALAYER_LIBRARY_PATH").is_some_and(|v| v == "1");
        assert_eq!(super::library_forced(), set);
    }
}
