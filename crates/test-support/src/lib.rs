//! Helpers for metalayer's own tests and benchmarks (a dev-dependency only; never published):
//! git run in isolation from the machine's configuration, real repositories in temporary
//! folders (real or with just a `.git` folder), and the files of a folder as bytes.
//!
//! Each helper fails the test, saying why, when what it runs fails: that is their point, so
//! they panic where library code would return an error.
//!
//! ```
//! let repo = metalayer_test_support::git_repo();
//! std::fs::write(repo.path().join("a.txt"), "a\n").unwrap();
//! metalayer_test_support::git(repo.path(), &["add", "a.txt"]);
//! let staged = metalayer_test_support::git(repo.path(), &["diff", "--cached", "--name-only"]);
//! assert_eq!(staged, "a.txt\n");
//! ```
#![deny(missing_docs)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test that calls them"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `git ARGS` in `dir`, isolated: no system or global configuration, no `GIT_DIR`-style
/// variables from the caller's environment, a fixed identity, no commit signing and no line
/// ending conversion.
#[must_use]
pub fn git_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.autocrlf=false",
        ])
        .args(args);
    cmd
}

/// Runs [`git_command`] and returns its standard output; fails the test, with git's standard
/// error, if git fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_command(dir, args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("git prints UTF-8 here")
}

/// A real, empty git repository (branch `main`) in a temporary folder.
#[must_use]
pub fn git_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}

/// A real repository (branch `main`) with one commit and every kind of work tree state, for
/// tests of what a commit will contain:
///
/// - committed: `src/auth/login.py`, `src/auth/session.py`, `src/ui/button.py`,
///   `docs/guide.md`, `README.md`, `.gitignore` (`build/`, `*.log`);
/// - staged: a change to `README.md`;
/// - modified, not staged: `src/auth/login.py`, `docs/guide.md`;
/// - deleted, not staged: `src/ui/button.py`;
/// - untracked: `src/auth/new.py`, `src/ui/icon.py`, `notes.txt`;
/// - ignored: `build/out.bin`, `debug.log`.
#[must_use]
pub fn worktree_fixture() -> tempfile::TempDir {
    let dir = git_repo();
    let root = dir.path();
    for (path, text) in [
        ("src/auth/login.py", "login\n"),
        ("src/auth/session.py", "session\n"),
        ("src/ui/button.py", "button\n"),
        ("docs/guide.md", "guide\n"),
        ("README.md", "readme\n"),
        (".gitignore", "build/\n*.log\n"),
    ] {
        write(root, path, text);
    }
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "init"]);
    write(root, "README.md", "readme 2\n");
    git(root, &["add", "README.md"]);
    write(root, "src/auth/login.py", "login 2\n");
    write(root, "docs/guide.md", "guide 2\n");
    std::fs::remove_file(root.join("src/ui/button.py")).expect("a committed file");
    for path in [
        "src/auth/new.py",
        "src/ui/icon.py",
        "notes.txt",
        "build/out.bin",
        "debug.log",
    ] {
        write(root, path, "new\n");
    }
    dir
}

/// Writes `text` to `root/path`, creating the folders on the way.
pub fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    if let Some(dir) = full.parent() {
        std::fs::create_dir_all(dir).expect("a folder");
    }
    std::fs::write(full, text).expect("a writable file");
}

/// A folder with a `.git` folder (all the hook needs to find the repository root) and,
/// given a text, that text as `.control/policy.yaml`.
#[must_use]
pub fn fake_repo(policy: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir(dir.path().join(".git")).expect("a .git folder");
    if let Some(text) = policy {
        std::fs::create_dir(dir.path().join(".control")).expect("a .control folder");
        std::fs::write(dir.path().join(".control/policy.yaml"), text).expect("the policy");
    }
    dir
}

/// Every file under `root` (outside `.git`) with its bytes, by path relative to `root`.
#[must_use]
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("a readable folder") {
            let path = entry.expect("a folder entry").path();
            if path.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.insert(
                    rel.to_path_buf(),
                    std::fs::read(&path).expect("a readable file"),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}
