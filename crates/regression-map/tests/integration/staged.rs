//! The fast path of `staged_changes` (the index file read directly, the cache-tree used to
//! skip unchanged directories) against libgit2's whole diff and against the git CLI, on
//! random staged states of real repositories.

use std::collections::BTreeMap;
use std::path::Path;

use metalayer_regression_map::{
    Change, ChangeKind, staged_changes, staged_changes_fast, staged_changes_reference,
};
use metalayer_test_support::git;
use proptest::prelude::*;

use super::rows::{Row, name_status_rows, rows};

fn cli_rows(root: &Path) -> Vec<Row> {
    name_status_rows(&git(
        root,
        &["diff", "--cached", "--name-status", "-M", "-z"],
    ))
}

/// What a tracked file is: a regular file (maybe executable) or a symlink, with content
/// unique to `tag` so that rename pairing is never ambiguous.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Exec,
    Link,
}

#[derive(Debug, Clone, Copy)]
struct Content {
    tag: u32,
    extra: u8,
    kind: Kind,
}

impl Content {
    fn body(self) -> String {
        let mut s: String = (0..10)
            .map(|i| format!("file {} line {i} of some content\n", self.tag))
            .collect();
        for i in 0..self.extra {
            s.push_str(&format!("extra line {i}\n"));
        }
        s
    }
}

/// A random edit of the staged state; indices pick an existing file modulo their number.
#[derive(Debug, Clone)]
enum Edit {
    Modify(usize),
    Delete(usize),
    Rename(usize, String, bool),
    Chmod(usize),
    TypeSwap(usize),
    Add(String),
}

/// Names that sort trickily around `/` (`a` < `a-b` < `a.b` < `a/...` < `a0`).
fn path() -> impl Strategy<Value = String> {
    let component = prop::sample::select(vec!["a", "a-b", "a.b", "a0", "b", "sub", "A"]);
    prop::collection::vec(component, 1..=3).prop_map(|c| c.join("/"))
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Modify),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), path(), any::<bool>()).prop_map(|(i, p, e)| Edit::Rename(i, p, e)),
        any::<usize>().prop_map(Edit::Chmod),
        any::<usize>().prop_map(Edit::TypeSwap),
        path().prop_map(Edit::Add),
    ]
}

/// The tracked files: path to content, kept free of file/directory clashes.
#[derive(Debug, Default)]
struct Model {
    files: BTreeMap<String, Content>,
    next_tag: u32,
}

impl Model {
    fn fresh(&mut self) -> Content {
        self.next_tag += 1;
        Content {
            tag: self.next_tag,
            extra: 0,
            kind: Kind::File,
        }
    }

    /// Inserts `path`, first removing the files that clash with it (a parent that is a file,
    /// or files under a directory of that name).
    fn insert(&mut self, path: &str, content: Content) {
        let under = format!("{path}/");
        self.files.retain(|p, _| {
            !(under.starts_with(&format!("{p}/")) || p.starts_with(&under) || p == path)
        });
        self.files.insert(path.to_owned(), content);
    }

    fn pick(&self, i: usize) -> Option<String> {
        let n = self.files.len();
        (n > 0).then(|| self.files.keys().nth(i % n).unwrap().clone())
    }

    fn apply(&mut self, edit: &Edit) {
        match edit {
            Edit::Add(path) => {
                let content = self.fresh();
                self.insert(path, content);
            }
            Edit::Modify(i) => {
                if let Some(p) = self.pick(*i) {
                    self.files.get_mut(&p).unwrap().extra += 1;
                }
            }
            Edit::Delete(i) => {
                if let Some(p) = self.pick(*i) {
                    self.files.remove(&p);
                }
            }
            Edit::Rename(i, to, edited) => {
                if let Some(p) = self.pick(*i) {
                    let mut content = self.files.remove(&p).unwrap();
                    content.extra += u8::from(*edited);
                    self.insert(to, content);
                }
            }
            Edit::Chmod(i) => {
                if let Some(p) = self.pick(*i) {
                    let c = self.files.get_mut(&p).unwrap();
                    c.kind = match c.kind {
                        Kind::File => Kind::Exec,
                        Kind::Exec => Kind::File,
                        Kind::Link => Kind::Link,
                    };
                }
            }
            Edit::TypeSwap(i) => {
                if let Some(p) = self.pick(*i) {
                    let c = self.files.get_mut(&p).unwrap();
                    c.kind = if c.kind == Kind::Link {
                        Kind::File
                    } else {
                        Kind::Link
                    };
                }
            }
        }
    }

    /// Replaces the work tree with the model and stages everything.
    fn stage(&self, root: &Path) {
        for entry in std::fs::read_dir(root).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() != ".git" {
                let path = entry.path();
                if entry.file_type().unwrap().is_dir() {
                    std::fs::remove_dir_all(path).unwrap();
                } else {
                    std::fs::remove_file(path).unwrap();
                }
            }
        }
        for (path, content) in &self.files {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            write_file(&full, *content);
        }
        git(root, &["add", "-A"]);
    }
}

#[cfg(unix)]
fn write_file(full: &Path, content: Content) {
    use std::os::unix::fs::PermissionsExt as _;
    match content.kind {
        Kind::Link => std::os::unix::fs::symlink(content.body(), full).unwrap(),
        Kind::File | Kind::Exec => {
            std::fs::write(full, content.body()).unwrap();
            let mode = if content.kind == Kind::Exec {
                0o755
            } else {
                0o644
            };
            std::fs::set_permissions(full, std::fs::Permissions::from_mode(mode)).unwrap();
        }
    }
}

#[cfg(not(unix))]
fn write_file(full: &Path, content: Content) {
    std::fs::write(full, content.body()).unwrap();
}

/// Asserts that the fast path ran and equals libgit2's diff (same order) and the CLI.
fn assert_equivalent(root: &Path) -> Vec<Change> {
    let fast = staged_changes_fast(root)
        .unwrap()
        .expect("the fast path declined");
    let reference = staged_changes_reference(root).unwrap();
    assert_eq!(fast, reference, "fast path against libgit2");
    assert_eq!(rows(&fast), cli_rows(root), "fast path against the git CLI");
    assert_eq!(staged_changes(root).unwrap(), fast);
    fast
}

/// How the index is left before the comparison.
#[derive(Debug, Clone, Copy)]
enum IndexShape {
    /// As `git add -A` leaves it: the cache-tree invalid along every changed path.
    AsAdded,
    /// After `git write-tree`: the cache-tree valid everywhere, with new tree ids.
    TreeWritten,
    /// Version 4 (prefix-compressed paths).
    Version4,
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn fast_path_equals_libgit2_and_the_cli(
        base in prop::collection::vec(path(), 0..10),
        edits in prop::collection::vec(edit(), 0..8),
        shape in prop::sample::select(vec![
            IndexShape::AsAdded, IndexShape::TreeWritten, IndexShape::Version4,
        ]),
        unborn in prop::bool::weighted(0.1),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        let mut model = Model::default();
        for p in &base {
            let content = model.fresh();
            model.insert(p, content);
        }
        // A stable neighbour so that some directories stay unchanged and get skipped.
        let content = model.fresh();
        model.insert("sub/a/kept", content);
        model.stage(root);
        if !unborn {
            git(root, &["commit", "-q", "--allow-empty", "-m", "base"]);
        }
        for e in &edits {
            model.apply(e);
        }
        model.stage(root);
        match shape {
            IndexShape::AsAdded => {}
            IndexShape::TreeWritten => {
                git(root, &["write-tree"]);
            }
            IndexShape::Version4 => {
                git(root, &["update-index", "--index-version", "4"]);
            }
        }
        assert_equivalent(root);
    }
}

fn repo_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    for (path, body) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, body).unwrap();
    }
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "base"]);
    dir
}

#[test]
fn a_file_becoming_a_directory_and_back() {
    let dir = repo_with(&[("a", "file a\n"), ("b/c", "file c\n"), ("a-b", "x\n")]);
    let root = dir.path();
    git(root, &["rm", "-q", "a"]);
    std::fs::create_dir(root.join("a")).unwrap();
    std::fs::write(root.join("a/inner"), "inner\n").unwrap();
    git(root, &["rm", "-q", "-r", "b"]);
    std::fs::write(root.join("b"), "now a file\n").unwrap();
    git(root, &["add", "-A"]);
    let changes = assert_equivalent(root);
    assert_eq!(changes.len(), 4, "{changes:?}");
}

/// A file that became a link is a type change, never a rename's source, though its old
/// content now sits in an added file (libgit2's `find_similar` pairs them; git does not). And
/// the other way: an added link's path that held a file.
#[cfg(unix)]
#[test]
fn a_type_change_is_neither_source_nor_target_of_a_rename() {
    let body = "the same content, long enough to be similar\n".repeat(4);
    let dir = repo_with(&[("b", body.as_str()), ("a", "a\n"), ("gone", body.as_str())]);
    let root = dir.path();
    std::fs::remove_file(root.join("b")).unwrap();
    std::os::unix::fs::symlink("a", root.join("b")).unwrap();
    std::fs::write(root.join("sub"), &body).unwrap();
    git(root, &["add", "-A"]);
    let changes = assert_equivalent(root);
    assert!(
        changes
            .iter()
            .any(|c| c.kind == ChangeKind::TypeChange && c.path == "b"),
        "{changes:?}"
    );
    assert!(
        !changes
            .iter()
            .any(|c| c.kind == ChangeKind::Renamed && c.old_path.as_deref() == Some("b")),
        "{changes:?}"
    );

    // A link became a file with the content of a deleted one.
    git(root, &["commit", "-q", "-m", "link"]);
    std::fs::remove_file(root.join("b")).unwrap();
    std::fs::write(root.join("b"), &body).unwrap();
    std::fs::remove_file(root.join("sub")).unwrap();
    git(root, &["add", "-A"]);
    assert_equivalent(root);
}

#[test]
fn a_valid_cache_tree_equal_to_head_lists_nothing() {
    let dir = repo_with(&[("x/y/z", "z\n"), ("x/w", "w\n")]);
    let root = dir.path();
    git(root, &["write-tree"]);
    assert!(assert_equivalent(root).is_empty());
}

#[test]
fn intent_to_add_and_conflicts_decline_the_fast_path() {
    let dir = repo_with(&[("a.txt", "a\n")]);
    let root = dir.path();
    std::fs::write(root.join("later.txt"), "later\n").unwrap();
    git(root, &["add", "-N", "later.txt"]);
    assert_eq!(staged_changes_fast(root).unwrap(), None);
    assert_eq!(rows(&staged_changes(root).unwrap()), cli_rows(root));
}

#[test]
fn a_corrupt_index_declines_and_libgit2_reports_it() {
    let dir = repo_with(&[("a.txt", "a\n"), ("b.txt", "b\n")]);
    let root = dir.path();
    std::fs::write(root.join("a.txt"), "a2\n").unwrap();
    git(root, &["add", "a.txt"]);
    let index = root.join(".git/index");
    let mut bytes = std::fs::read(&index).unwrap();
    // A flipped byte inside the first entry's stat data: only the checksum can tell.
    bytes[20] ^= 0xff;
    std::fs::write(&index, &bytes).unwrap();
    assert_eq!(staged_changes_fast(root).unwrap(), None);
    assert!(staged_changes(root).is_err());
    assert!(staged_changes_reference(root).is_err());
}

#[test]
fn a_split_index_declines_the_fast_path() {
    let dir = repo_with(&[("a.txt", "a\n")]);
    let root = dir.path();
    git(root, &["update-index", "--split-index"]);
    std::fs::write(root.join("b.txt"), "b\n").unwrap();
    git(root, &["add", "b.txt"]);
    assert_eq!(staged_changes_fast(root).unwrap(), None);
}

#[test]
fn ignorecase_declines_the_fast_path() {
    let dir = repo_with(&[("a.txt", "a\n")]);
    let root = dir.path();
    git(root, &["config", "core.ignorecase", "true"]);
    assert_eq!(staged_changes_fast(root).unwrap(), None);
    git(root, &["config", "core.ignorecase", "false"]);
    assert_eq!(staged_changes_fast(root).unwrap(), Some(Vec::new()));
}
