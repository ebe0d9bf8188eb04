//! A careful reader of git's index file (`.git/index`, versions 2, 3 and 4) and of its
//! cache-tree extension (`TREE`), for listing staged changes without libgit2's full index load.
//!
//! The file is untrusted input: every read is bounds-checked and anything malformed or
//! unsupported (a split index `link`, a sparse index `sdir`, a required extension this reader
//! does not know, unknown entry flags, unusual modes, unsorted entries) is an [`IndexError`],
//! never a panic. Callers fall back to libgit2 on any error. The trailing checksum is not
//! verified here (see the caller).

use std::cmp::Ordering;

/// Length of a SHA-1 object id.
pub(crate) const OID_LEN: usize = 20;
/// Length of the fixed part of an entry: stat data (40), object id (20), flags (2).
const ENTRY_FIXED: usize = 40 + OID_LEN + 2;
/// The `assume-valid` (bit 15), `extended` (14), stage (12-13) and name length (0-11) flags.
const FLAG_EXTENDED: u16 = 0x4000;
const NAME_MASK: u16 = 0x0fff;
/// Extended flags: `skip-worktree` (14) and `intent-to-add` (13); any other bit is unknown.
const EXT_SKIP_WORKTREE: u16 = 0x4000;
const EXT_INTENT_TO_ADD: u16 = 0x2000;
/// The smallest cache-tree node: an empty name's NUL and `0 0\n`.
const MIN_TREE_NODE: usize = 5;

/// Why an index file was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum IndexError {
    /// The file ends before a structure it announces.
    #[error("the index is truncated at byte {0}")]
    Truncated(usize),
    /// The file does not start with `DIRC`.
    #[error("not a git index (no `DIRC` signature)")]
    Signature,
    /// A version other than 2, 3 and 4.
    #[error("unsupported index version {0}")]
    Version(u32),
    /// An entry is malformed (bad flags, name length, mode, path or order).
    #[error("malformed index entry {entry}: {what}")]
    Entry {
        /// Position of the entry in the file.
        entry: usize,
        /// What is wrong with it.
        what: &'static str,
    },
    /// An extension this reader cannot honour (split index, sparse index, unknown required).
    #[error("unsupported index extension `{0}`")]
    Extension(String),
    /// The cache-tree extension is malformed.
    #[error("malformed cache-tree extension: {0}")]
    CacheTree(&'static str),
}

/// One index entry; its path lives in [`Index::path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    path_start: usize,
    path_end: usize,
    /// The file mode: `0o100644`, `0o100755`, `0o120000` or `0o160000`.
    pub(crate) mode: u32,
    /// The object id of the staged content.
    pub(crate) oid: [u8; OID_LEN],
    /// The size field of the stat data (the work-tree file's size, truncated to 32 bits).
    pub(crate) size: u32,
    /// The merge stage: 0, or 1 to 3 for a conflict.
    pub(crate) stage: u8,
    /// The entry is `git add -N` (intent to add).
    pub(crate) intent_to_add: bool,
}

/// One node of the cache-tree: a directory whose tree id is known when `valid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TreeNode {
    /// The path component (empty for the root).
    pub(crate) name: Vec<u8>,
    /// The number of index entries under the directory and its tree id, when valid.
    pub(crate) valid: Option<(usize, [u8; OID_LEN])>,
    /// The subdirectories, as indices into [`Index::tree_nodes`].
    pub(crate) children: Vec<usize>,
}

/// A parsed index: entries in index order, and the cache-tree (node 0 is the root).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Index {
    /// The index format version (2, 3 or 4).
    pub(crate) version: u32,
    paths: Vec<u8>,
    entries: Vec<Entry>,
    tree_nodes: Vec<TreeNode>,
    /// Some entry has a stage above 0 (an unmerged path).
    pub(crate) has_unmerged: bool,
    /// Some entry is `git add -N`.
    pub(crate) has_intent_to_add: bool,
}

impl Index {
    /// The entries, sorted by path then stage.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The path of `entry` (relative, `/`-separated, as stored).
    pub(crate) fn path(&self, entry: &Entry) -> &[u8] {
        self.paths
            .get(entry.path_start..entry.path_end)
            .unwrap_or_default()
    }

    /// The cache-tree nodes in file order; empty when the index has no `TREE` extension.
    pub(crate) fn tree_nodes(&self) -> &[TreeNode] {
        &self.tree_nodes
    }

    /// The child of cache-tree node `node` named `name`.
    #[cfg_attr(
        not(any(feature = "git", test)),
        expect(dead_code, reason = "only the staged fast path walks the cache-tree")
    )]
    pub(crate) fn tree_child(&self, node: usize, name: &[u8]) -> Option<usize> {
        self.tree_nodes
            .get(node)?
            .children
            .iter()
            .copied()
            .find(|&c| self.tree_nodes.get(c).is_some_and(|n| n.name == name))
    }
}

/// A bounds-checked reader over a byte slice.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], IndexError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(IndexError::Truncated(self.pos))?;
        let out = self
            .bytes
            .get(self.pos..end)
            .ok_or(IndexError::Truncated(self.pos))?;
        self.pos = end;
        Ok(out)
    }

    fn u16(&mut self) -> Result<u16, IndexError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([
            b.first().copied().unwrap_or(0),
            b.get(1).copied().unwrap_or(0),
        ]))
    }

    fn u32(&mut self) -> Result<u32, IndexError> {
        let mut out = [0_u8; 4];
        out.copy_from_slice(self.take(4)?);
        Ok(u32::from_be_bytes(out))
    }

    fn oid(&mut self) -> Result<[u8; OID_LEN], IndexError> {
        let mut out = [0_u8; OID_LEN];
        out.copy_from_slice(self.take(OID_LEN)?);
        Ok(out)
    }

    /// The bytes up to the next NUL, which is consumed.
    fn until_nul(&mut self) -> Result<&'a [u8], IndexError> {
        let rest = self
            .bytes
            .get(self.pos..)
            .ok_or(IndexError::Truncated(self.pos))?;
        let len = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or(IndexError::Truncated(self.bytes.len()))?;
        let out = self.take(len)?;
        self.pos += 1;
        Ok(out)
    }

    /// git's offset varint (index v4 path prefixes), rejecting overflow.
    fn varint(&mut self) -> Result<usize, IndexError> {
        let mut byte = *self.take(1)?.first().unwrap_or(&0);
        let mut value = usize::from(byte & 0x7f);
        while byte & 0x80 != 0 {
            value = value
                .checked_add(1)
                .and_then(|v| v.checked_mul(128))
                .ok_or(IndexError::Truncated(self.pos))?;
            byte = *self.take(1)?.first().unwrap_or(&0);
            value |= usize::from(byte & 0x7f);
        }
        Ok(value)
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }
}

fn entry_error(entry: usize, what: &'static str) -> IndexError {
    IndexError::Entry { entry, what }
}

/// A path git could have written: non-empty components separated by single `/`.
fn valid_path(path: &[u8]) -> bool {
    let mut previous = b'/';
    for &b in path {
        // A NUL would end the path for libgit2 (and git), which keep the name length of the
        // flags: readers disagree about such an entry, so it is malformed.
        if b == 0 || (b == b'/' && previous == b'/') {
            return false;
        }
        previous = b;
    }
    previous != b'/'
        && !path.contains(&b'\\')
        && !path.split(|&b| b == b'/').any(|c| {
            // Components git never stores and libgit2 refuses to read.
            c == b"." || c == b".." || c.eq_ignore_ascii_case(b".git") || dot_git_alias(c)
        })
}

/// A component NTFS or HFS+ could take for `.git`, which libgit2 refuses in an index (its
/// `core.protectNTFS` and `core.protectHFS` checks), read conservatively: an 8.3 short name
/// (`GIT~1`), `.git` with trailing dots or spaces or an alternate stream (`.git.`, `.git::$x`),
/// or `.git` with non-ASCII bytes among its letters (HFS+ ignores some code points). Found by
/// the `git_index` fuzz target (`GIT~1`); refusing more than libgit2 only sends the listing to
/// libgit2.
fn dot_git_alias(component: &[u8]) -> bool {
    // Called for every component of every path the fast listing reads: nothing allocated.
    let short_name = component
        .iter()
        .position(|&b| b == b'~')
        .is_some_and(|at| at > 0 && component.get(at + 1).is_some_and(u8::is_ascii_digit));
    let dotted = component
        .get(..4)
        .is_some_and(|head| head.eq_ignore_ascii_case(b".git"))
        && component.get(4..).is_some_and(|rest| {
            !rest.is_empty()
                && (rest.iter().all(|&b| b == b'.' || b == b' ') || rest.first() == Some(&b':'))
        });
    let hfs = !component.is_ascii()
        && component
            .iter()
            .filter(|b| b.is_ascii())
            .map(u8::to_ascii_lowercase)
            .eq(b".git".iter().copied());
    short_name || dotted || hfs
}

/// The header of an index file: its version (2 to 4) and entry count; `cur` is left at the
/// first entry.
fn header(cur: &mut Cursor<'_>) -> Result<(u32, usize), IndexError> {
    if cur.take(4)? != b"DIRC" {
        return Err(IndexError::Signature);
    }
    let version = cur.u32()?;
    if !(2..=4).contains(&version) {
        return Err(IndexError::Version(version));
    }
    let count = usize::try_from(cur.u32()?).map_err(|_| IndexError::Truncated(8))?;
    Ok((version, count))
}

/// Parses an index file, `bytes` without its trailing 20-byte checksum.
///
/// # Errors
///
/// [`IndexError`] for anything malformed or unsupported.
pub(crate) fn parse(bytes: &[u8]) -> Result<Index, IndexError> {
    let mut cur = Cursor { bytes, pos: 0 };
    let (version, count) = header(&mut cur)?;
    let mut index = Index {
        version,
        entries: Vec::with_capacity(count.min(cur.remaining() / ENTRY_FIXED)),
        paths: Vec::with_capacity(cur.remaining() / 2),
        ..Index::default()
    };
    for n in 0..count {
        let start = cur.pos;
        let fixed = cur.take(ENTRY_FIXED)?;
        let mut fields = Cursor {
            bytes: fixed,
            pos: 24,
        };
        let mode = fields.u32()?;
        fields.pos = 36;
        let size = fields.u32()?;
        let oid = fields.oid()?;
        let flags = fields.u16()?;
        let mut fixed_len = ENTRY_FIXED;
        let mut ext = 0;
        if flags & FLAG_EXTENDED != 0 {
            if version < 3 {
                return Err(entry_error(n, "extended flags in a version 2 index"));
            }
            ext = cur.u16()?;
            fixed_len += 2;
            if ext & !(EXT_SKIP_WORKTREE | EXT_INTENT_TO_ADD) != 0 {
                return Err(entry_error(n, "unknown extended flags"));
            }
        }
        if !matches!(mode, 0o100_644 | 0o100_755 | 0o120_000 | 0o160_000) {
            return Err(entry_error(n, "unsupported mode"));
        }
        if oid == [0; OID_LEN] {
            return Err(entry_error(n, "null object id"));
        }
        let path_start = index.paths.len();
        if version == 4 {
            let strip = cur.varint()?;
            let suffix = cur.until_nul()?;
            let previous = index
                .entries
                .last()
                .map_or(0..0, |e| e.path_start..e.path_end);
            let keep = previous
                .len()
                .checked_sub(strip)
                .ok_or(entry_error(n, "prefix longer than the previous path"))?;
            index
                .paths
                .extend_from_within(previous.start..previous.start + keep);
            index.paths.extend_from_slice(suffix);
        } else {
            // The name length field spares a scan for the NUL, unless the name is too long.
            let name_len = usize::from(flags & NAME_MASK);
            let name = if name_len < usize::from(NAME_MASK) {
                let name = cur.take(name_len)?;
                if cur.take(1)? != [0] {
                    return Err(entry_error(n, "name length does not match the path"));
                }
                name
            } else {
                cur.until_nul()?
            };
            index.paths.extend_from_slice(name);
            // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
            let on_disk = (fixed_len + name.len() + 8) & !7;
            cur.pos = start
                .checked_add(on_disk)
                .filter(|&end| end <= bytes.len())
                .ok_or(IndexError::Truncated(start))?;
        }
        let entry = Entry {
            path_start,
            path_end: index.paths.len(),
            mode,
            oid,
            size,
            stage: u8::try_from((flags >> 12) & 3).unwrap_or(0),
            intent_to_add: ext & EXT_INTENT_TO_ADD != 0,
        };
        let path = index.path(&entry);
        let name_len = usize::from(flags & NAME_MASK);
        if name_len != path.len().min(usize::from(NAME_MASK)) {
            return Err(entry_error(n, "name length does not match the path"));
        }
        if !valid_path(path) {
            return Err(entry_error(n, "invalid path"));
        }
        if let Some(previous) = index.entries.last() {
            let order = index
                .path(previous)
                .cmp(path)
                .then(previous.stage.cmp(&entry.stage));
            if order != Ordering::Less {
                return Err(entry_error(n, "entries out of order"));
            }
        }
        index.has_unmerged |= entry.stage != 0;
        index.has_intent_to_add |= entry.intent_to_add;
        index.entries.push(entry);
    }
    while cur.remaining() > 0 {
        let signature = cur.take(4)?;
        let size = usize::try_from(cur.u32()?).map_err(|_| IndexError::Truncated(cur.pos))?;
        let data = cur.take(size)?;
        match signature {
            b"TREE" => index.tree_nodes = parse_cache_tree(data)?,
            [first, ..] if first.is_ascii_uppercase() => {}
            _ => {
                return Err(IndexError::Extension(
                    String::from_utf8_lossy(signature).into_owned(),
                ));
            }
        }
    }
    Ok(index)
}

/// A decimal number ending with `end` (consumed); `-1` is allowed when `signed`.
fn decimal(cur: &mut Cursor<'_>, end: u8, signed: bool) -> Result<Option<usize>, IndexError> {
    let rest = cur
        .bytes
        .get(cur.pos..)
        .ok_or(IndexError::CacheTree("truncated"))?;
    let len = rest
        .iter()
        .position(|&b| b == end)
        .ok_or(IndexError::CacheTree("truncated number"))?;
    let text = rest.get(..len).unwrap_or_default();
    cur.pos += len + 1;
    if signed && text == b"-1" {
        return Ok(None);
    }
    if text.is_empty() || text.len() > 18 || !text.iter().all(u8::is_ascii_digit) {
        return Err(IndexError::CacheTree("bad number"));
    }
    Ok(Some(
        text.iter().fold(0, |n, &d| n * 10 + usize::from(d - b'0')),
    ))
}

/// Parses the `TREE` extension: nodes in pre-order, each `name NUL count SP subtrees LF [oid]`.
fn parse_cache_tree(data: &[u8]) -> Result<Vec<TreeNode>, IndexError> {
    let mut nodes: Vec<TreeNode> = Vec::new();
    if data.is_empty() {
        return Ok(nodes);
    }
    let mut cur = Cursor {
        bytes: data,
        pos: 0,
    };
    // (node, subtrees still to read) for every open node.
    let mut open: Vec<(usize, usize)> = Vec::new();
    loop {
        let name = cur
            .until_nul()
            .map_err(|_| IndexError::CacheTree("truncated name"))?;
        let is_root = nodes.is_empty();
        if is_root != name.is_empty() || name.contains(&b'/') {
            return Err(IndexError::CacheTree("bad name"));
        }
        let count = decimal(&mut cur, b' ', true)?;
        let subtrees = decimal(&mut cur, b'\n', false)?.unwrap_or(0);
        let valid = match count {
            Some(count) => Some((
                count,
                cur.oid()
                    .map_err(|_| IndexError::CacheTree("truncated id"))?,
            )),
            None => None,
        };
        if subtrees > cur.remaining() / MIN_TREE_NODE {
            return Err(IndexError::CacheTree("more subtrees than bytes"));
        }
        let id = nodes.len();
        if let Some((parent, left)) = open.last_mut() {
            *left -= 1;
            if let Some(parent) = nodes.get_mut(*parent) {
                parent.children.push(id);
            }
        }
        nodes.push(TreeNode {
            name: name.to_vec(),
            valid,
            children: Vec::with_capacity(subtrees),
        });
        open.push((id, subtrees));
        while open.last().is_some_and(|&(_, left)| left == 0) {
            open.pop();
        }
        if open.is_empty() {
            break;
        }
    }
    if cur.remaining() > 0 {
        return Err(IndexError::CacheTree("trailing bytes"));
    }
    Ok(nodes)
}

/// Checks, the way libgit2 walks an index file (`bytes` without its checksum), that no entry
/// declares a name length longer than the path libgit2 keeps for it.
///
/// Why: libgit2 keeps an entry's on-disk flags but cuts its path at the first NUL, and git2's
/// `IndexEntry` (what `Index::iter`, `get` and `get_path` return) reads as many path bytes as
/// the flags declare: a crafted index with a NUL inside a path, or (version 4) a declared
/// length longer than the path, makes it read past the allocation. git never writes such an
/// entry. Unlike [`parse`], nothing else is judged here (modes, order, extensions), so every
/// index git writes passes; the entries' walk itself failing is an error too.
///
/// # Errors
///
/// [`IndexError::Entry`] naming the first entry whose name length does not fit its path, or
/// the structural error that stopped the walk.
pub(crate) fn check_name_lengths(bytes: &[u8]) -> Result<(), IndexError> {
    let mut cur = Cursor { bytes, pos: 0 };
    let (version, count) = header(&mut cur)?;
    let mut previous: Vec<u8> = Vec::new();
    for n in 0..count {
        let start = cur.pos;
        let fixed = cur.take(ENTRY_FIXED)?;
        let flags = u16::from_be_bytes([
            fixed.get(ENTRY_FIXED - 2).copied().unwrap_or(0),
            fixed.get(ENTRY_FIXED - 1).copied().unwrap_or(0),
        ]);
        let mut fixed_len = ENTRY_FIXED;
        if flags & FLAG_EXTENDED != 0 {
            cur.take(2)?;
            fixed_len += 2;
        }
        let declared = usize::from(flags & NAME_MASK);
        let kept = if version == 4 {
            let strip = cur.varint()?;
            let suffix = cur.until_nul()?;
            let keep = previous
                .len()
                .checked_sub(strip)
                .ok_or(entry_error(n, "prefix longer than the previous path"))?;
            previous.truncate(keep);
            previous.extend_from_slice(suffix);
            previous.len()
        } else {
            let name = if declared < usize::from(NAME_MASK) {
                cur.take(declared)?
            } else {
                cur.until_nul()?
            };
            let on_disk = (fixed_len + name.len() + 8) & !7;
            cur.pos = start
                .checked_add(on_disk)
                .filter(|&end| end <= bytes.len())
                .ok_or(IndexError::Truncated(start))?;
            name.iter().position(|&b| b == 0).unwrap_or(name.len())
        };
        if declared < usize::from(NAME_MASK) && declared > kept {
            return Err(entry_error(n, "name length longer than the path"));
        }
    }
    Ok(())
}

/// One index entry as the `git_index` fuzz target compares it with libgit2's; not part of the
/// API.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntryView {
    /// The path, as stored.
    pub path: Vec<u8>,
    /// The file mode.
    pub mode: u32,
    /// The object id.
    pub oid: [u8; OID_LEN],
    /// The merge stage (0 to 3).
    pub stage: u8,
}

/// Parses an index file (with its trailing checksum, which is not verified) and returns its
/// entries and the number of cache-tree nodes, or why it is not readable. The entry point of
/// the `git_index` fuzz target; not part of the API.
///
/// # Errors
///
/// The reader's message for anything malformed or unsupported.
#[doc(hidden)]
pub fn parse_git_index(bytes: &[u8]) -> Result<(Vec<IndexEntryView>, usize), String> {
    let body = bytes
        .get(..bytes.len().saturating_sub(OID_LEN))
        .unwrap_or_default();
    let index = parse(body).map_err(|e| e.to_string())?;
    let entries = index
        .entries()
        .iter()
        .map(|e| IndexEntryView {
            path: index.path(e).to_vec(),
            mode: e.mode,
            oid: e.oid,
            stage: e.stage,
        })
        .collect();
    Ok((entries, index.tree_nodes().len()))
}

/// Whether [`check_name_lengths`] passes an index file (with its trailing checksum, not
/// verified): then git2's entries can be read safely. For the `git_index` fuzz target; not
/// part of the API.
#[doc(hidden)]
#[must_use]
pub fn git_index_names_fit(bytes: &[u8]) -> bool {
    let body = bytes
        .get(..bytes.len().saturating_sub(OID_LEN))
        .unwrap_or_default();
    check_name_lengths(body).is_ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// One on-disk entry of a version 2 or 3 index.
    fn entry(path: &str, mode: u32, oid: u8, stage: u16, ext: Option<u16>) -> Vec<u8> {
        let mut out = vec![0_u8; 24];
        out.extend_from_slice(&mode.to_be_bytes());
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&7_u32.to_be_bytes());
        out.extend_from_slice(&[oid; OID_LEN]);
        let mut flags = (stage << 12) | u16::try_from(path.len().min(0xfff)).unwrap();
        if ext.is_some() {
            flags |= FLAG_EXTENDED;
        }
        out.extend_from_slice(&flags.to_be_bytes());
        if let Some(ext) = ext {
            out.extend_from_slice(&ext.to_be_bytes());
        }
        out.extend_from_slice(path.as_bytes());
        let padded = (out.len() + 8) & !7;
        out.resize(padded, 0);
        out
    }

    fn index(version: u32, entries: &[Vec<u8>], extensions: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut out = b"DIRC".to_vec();
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(&u32::try_from(entries.len()).unwrap().to_be_bytes());
        for e in entries {
            out.extend_from_slice(e);
        }
        for (sig, data) in extensions {
            out.extend_from_slice(*sig);
            out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
            out.extend_from_slice(data);
        }
        out
    }

    fn tree_node(name: &str, count: i32, subtrees: usize, oid: u8) -> Vec<u8> {
        let mut out = format!("{name}\0{count} {subtrees}\n").into_bytes();
        if count >= 0 {
            out.extend_from_slice(&[oid; OID_LEN]);
        }
        out
    }

    fn sample_tree() -> Vec<u8> {
        [
            tree_node("", -1, 2, 0),
            tree_node("dir", 2, 1, 9),
            tree_node("sub", 1, 0, 8),
            tree_node("z", 1, 0, 7),
        ]
        .concat()
    }

    fn sample() -> Vec<u8> {
        index(
            2,
            &[
                entry("a", 0o100_644, 1, 0, None),
                entry("dir/f", 0o100_755, 2, 0, None),
                entry("dir/sub/l", 0o120_000, 3, 0, None),
                entry("z/m", 0o160_000, 4, 0, None),
            ],
            &[(b"TREE", sample_tree()), (b"UNTR", vec![1, 2, 3])],
        )
    }

    #[test]
    fn reads_entries_and_the_cache_tree() {
        let parsed = parse(&sample()).unwrap();
        assert_eq!(parsed.version, 2);
        let paths: Vec<&[u8]> = parsed.entries().iter().map(|e| parsed.path(e)).collect();
        assert_eq!(paths, [&b"a"[..], b"dir/f", b"dir/sub/l", b"z/m"]);
        let modes: Vec<u32> = parsed.entries().iter().map(|e| e.mode).collect();
        assert_eq!(modes, [0o100_644, 0o100_755, 0o120_000, 0o160_000]);
        assert_eq!(parsed.entries()[1].oid, [2; OID_LEN]);
        assert_eq!(parsed.entries()[1].size, 7);
        let nodes = parsed.tree_nodes();
        assert_eq!(nodes.len(), 4);
        assert_eq!(nodes[0].valid, None);
        assert_eq!(nodes[1].valid, Some((2, [9; OID_LEN])));
        assert_eq!(parsed.tree_child(0, b"dir"), Some(1));
        assert_eq!(parsed.tree_child(1, b"sub"), Some(2));
        assert_eq!(parsed.tree_child(0, b"z"), Some(3));
        assert_eq!(parsed.tree_child(0, b"sub"), None);
        assert!(!parsed.has_unmerged && !parsed.has_intent_to_add);
    }

    #[test]
    fn version_3_extended_flags_and_stages() {
        let bytes = index(
            3,
            &[
                entry("a", 0o100_644, 1, 0, Some(EXT_INTENT_TO_ADD)),
                entry("b", 0o100_644, 1, 1, None),
                entry("b", 0o100_644, 2, 2, Some(EXT_SKIP_WORKTREE)),
            ],
            &[],
        );
        let parsed = parse(&bytes).unwrap();
        assert!(parsed.entries()[0].intent_to_add);
        assert_eq!(parsed.entries()[2].stage, 2);
        assert!(parsed.has_unmerged && parsed.has_intent_to_add);
        // Unknown extended bits, and extended flags in version 2, are refused.
        let unknown = index(3, &[entry("a", 0o100_644, 1, 0, Some(0x0001))], &[]);
        assert!(matches!(parse(&unknown), Err(IndexError::Entry { .. })));
        let v2 = index(2, &[entry("a", 0o100_644, 1, 0, Some(0))], &[]);
        assert!(matches!(parse(&v2), Err(IndexError::Entry { .. })));
    }

    /// A version 4 entry: no padding, the path as (bytes to strip, NUL-terminated suffix).
    fn entry_v4(full_len: usize, strip: &[u8], suffix: &str, oid: u8) -> Vec<u8> {
        let mut out = vec![0_u8; 24];
        out.extend_from_slice(&0o100_644_u32.to_be_bytes());
        out.extend_from_slice(&[0; 12]);
        out.extend_from_slice(&[oid; OID_LEN]);
        out.extend_from_slice(&u16::try_from(full_len).unwrap().to_be_bytes());
        out.extend_from_slice(strip);
        out.extend_from_slice(suffix.as_bytes());
        out.push(0);
        out
    }

    #[test]
    fn version_4_prefix_compressed_paths() {
        let long = "e/".repeat(70) + "x";
        let bytes = index(
            4,
            &[
                entry_v4(9, &[0], "dir/alpha", 1),
                entry_v4(8, &[5], "beta", 2),
                entry_v4(long.len(), &[8], &long, 3),
                // 130 = varint [0x80, 0x02]: (0 + 1) * 128 + 2.
                entry_v4(long.len() - 130 + 1, &[0x80, 0x02], "y", 4),
            ],
            &[],
        );
        let parsed = parse(&bytes).unwrap();
        let paths: Vec<String> = parsed
            .entries()
            .iter()
            .map(|e| String::from_utf8(parsed.path(e).to_vec()).unwrap())
            .collect();
        let shortened = format!("{}y", &long[..long.len() - 130]);
        assert_eq!(paths, ["dir/alpha", "dir/beta", &long, &shortened]);
        // Stripping more than the previous path has is refused.
        let bad = index(4, &[entry_v4(1, &[3], "a", 1)], &[]);
        assert!(matches!(parse(&bad), Err(IndexError::Entry { .. })));
    }

    #[test]
    fn refuses_what_it_cannot_honour() {
        let mut bad_sig = sample();
        bad_sig[0] = b'X';
        assert_eq!(parse(&bad_sig), Err(IndexError::Signature));
        let mut v5 = sample();
        v5[7] = 5;
        assert_eq!(parse(&v5), Err(IndexError::Version(5)));
        for ext in [b"link", b"sdir", b"abcd"] {
            let bytes = index(2, &[entry("a", 0o100_644, 1, 0, None)], &[(ext, vec![])]);
            assert!(
                matches!(parse(&bytes), Err(IndexError::Extension(_))),
                "{ext:?}"
            );
        }
        let unsorted = index(
            2,
            &[
                entry("b", 0o100_644, 1, 0, None),
                entry("a", 0o100_644, 1, 0, None),
            ],
            &[],
        );
        assert!(matches!(parse(&unsorted), Err(IndexError::Entry { .. })));
        let duplicate = index(
            2,
            &[
                entry("a", 0o100_644, 1, 0, None),
                entry("a", 0o100_644, 2, 0, None),
            ],
            &[],
        );
        assert!(matches!(parse(&duplicate), Err(IndexError::Entry { .. })));
        for (path, mode, oid) in [
            ("a", 0o040_000, 1),
            ("a", 0o100_664, 1),
            ("a", 0o100_644, 0),
            ("a//b", 0o100_644, 1),
            ("/a", 0o100_644, 1),
            ("a/", 0o100_644, 1),
        ] {
            let bytes = index(2, &[entry(path, mode, oid, 0, None)], &[]);
            assert!(
                matches!(parse(&bytes), Err(IndexError::Entry { .. })),
                "{path} {mode:o}"
            );
        }
    }

    #[test]
    fn refuses_malformed_cache_trees() {
        for tree in [
            tree_node("x", 1, 0, 1),                                   // a named root
            [tree_node("", 1, 1, 1), tree_node("", 0, 0, 1)].concat(), // an unnamed child
            [tree_node("", 1, 0, 1), vec![0]].concat(),                // trailing bytes
            tree_node("", 1, 1, 1),                                    // a missing child
            b"\0+1 0\n".to_vec(),
            b"\0-2 0\n".to_vec(),
            b"\x001 99999999999999999999\n".to_vec(),
            b"\0-1 999999\n\0-1 0\n".to_vec(),
        ] {
            let bytes = index(
                2,
                &[entry("a", 0o100_644, 1, 0, None)],
                &[(b"TREE", tree.clone())],
            );
            assert!(
                matches!(parse(&bytes), Err(IndexError::CacheTree(_))),
                "{:?}",
                String::from_utf8_lossy(&tree)
            );
        }
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = sample();
        // Ending right after the entries or after an extension is still a well-formed index
        // (only the checksum, checked by the caller, can tell).
        let boundaries = [bytes.len() - 11, bytes.len() - 11 - 8 - sample_tree().len()];
        for len in 0..bytes.len() {
            assert_eq!(
                parse(&bytes[..len]).is_err(),
                !boundaries.contains(&len),
                "{len}"
            );
        }
        assert_eq!(
            parse(&bytes[..boundaries[1]]).unwrap().tree_nodes().len(),
            0
        );
        let (entries, tree_nodes) = parse_git_index(&[bytes, vec![0; OID_LEN]].concat()).unwrap();
        assert_eq!((entries.len(), tree_nodes), (4, 4));
        assert_eq!(entries[0].path, b"a");
        assert_eq!((entries[0].mode, entries[0].stage), (0o100_644, 0));
    }

    #[test]
    fn a_path_holding_a_nul_is_malformed() {
        // Found by the `git_index` fuzz target: the name length says five bytes, the path is
        // `a/b` and two NULs. libgit2 reads `a/b` but keeps the length (git2's entry then
        // reads past the path), so this reader must not vouch for such an index.
        let bytes = index(2, &[entry("a/b\0\0", 0o100_644, 1, 0, None)], &[]);
        assert!(matches!(
            parse(&bytes),
            Err(IndexError::Entry {
                what: "invalid path",
                ..
            })
        ));
        assert!(parse(&index(2, &[entry("a/b", 0o100_644, 1, 0, None)], &[])).is_ok());
        // Also found by it: components libgit2 refuses to read, NTFS and HFS+ names of
        // `.git` among them (`GIT~1`, from a 20-minute run).
        for path in [
            ".",
            "a/..",
            "./b",
            ".git/config",
            "x/.GIT",
            "GIT~1",
            "a/git~1/b",
            ".git.",
            ".git ",
            ".git::$INDEX_ALLOCATION",
            ".g\u{200c}it",
            "a\\b",
        ] {
            let bytes = index(2, &[entry(path, 0o100_644, 1, 0, None)], &[]);
            assert!(parse(&bytes).is_err(), "{path}");
        }
        for fine in [".gitignore", ".github/x", "notes~draft", "a.git", "git"] {
            assert!(
                parse(&index(2, &[entry(fine, 0o100_644, 1, 0, None)], &[])).is_ok(),
                "{fine}"
            );
        }
    }

    #[test]
    fn name_lengths_longer_than_the_path_are_caught_where_nothing_else_is_judged() {
        let over = |bytes: &[u8]| {
            matches!(
                check_name_lengths(bytes),
                Err(IndexError::Entry {
                    what: "name length longer than the path",
                    ..
                })
            )
        };
        // A NUL inside the declared name: libgit2 keeps `a/b` and the length 5.
        assert!(over(&index(
            2,
            &[entry("a/b\0\0", 0o100_644, 1, 0, None)],
            &[]
        )));
        assert!(over(&index(
            3,
            &[
                entry("a", 0o100_644, 1, 0, None),
                entry("b\0c", 0o100_644, 2, 0, Some(EXT_INTENT_TO_ADD))
            ],
            &[]
        )));
        // Version 4: the declared length is checked against the rebuilt path.
        assert!(over(&index(4, &[entry_v4(9, &[0], "dir/alp", 1)], &[])));
        assert!(over(&index(
            4,
            &[
                entry_v4(9, &[0], "dir/alpha", 1),
                entry_v4(9, &[5], "beta", 2)
            ],
            &[]
        )));
        // What git writes passes, and so does what only the fast reader refuses (an unusual
        // mode, unsorted entries, a null id, an unknown extension): git2 reads those safely.
        for sound in [
            index(2, &[entry("a/b", 0o100_644, 1, 0, None)], &[]),
            index(
                4,
                &[
                    entry_v4(9, &[0], "dir/alpha", 1),
                    entry_v4(8, &[5], "beta", 2),
                ],
                &[],
            ),
            index(2, &[entry("a", 0o100_600, 1, 0, None)], &[]),
            index(
                2,
                &[
                    entry("b", 0o100_644, 1, 0, None),
                    entry("a", 0o100_644, 0, 0, None),
                ],
                &[],
            ),
            index(
                2,
                &[entry("a", 0o100_644, 1, 0, None)],
                &[(b"link", vec![0; 20])],
            ),
            index(2, &[entry(&"n".repeat(5000), 0o100_644, 1, 0, None)], &[]),
        ] {
            assert_eq!(check_name_lengths(&sound), Ok(()));
        }
        assert!(parse(&index(2, &[entry("a", 0o100_600, 1, 0, None)], &[])).is_err());
        // A walk that cannot finish is an error too.
        let cut = index(2, &[entry("a/b", 0o100_644, 1, 0, None)], &[]);
        assert!(check_name_lengths(&cut[..cut.len() - 3]).is_err());
    }

    proptest! {
        #[test]
        fn mutated_bytes_never_panic(
            edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        ) {
            let mut bytes = sample();
            for (at, byte) in edits {
                let len = bytes.len();
                bytes[at % len] = byte;
            }
            if let Ok(parsed) = parse(&bytes) {
                for e in parsed.entries() {
                    prop_assert!(!parsed.path(e).is_empty());
                }
            }
        }

        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let mut with_header = b"DIRC\0\0\0\x02\0\0\0\x01".to_vec();
            with_header.extend_from_slice(&bytes);
            let _ = parse(&with_header);
            let _ = parse(&bytes);
        }
    }
}
