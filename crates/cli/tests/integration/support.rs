//! Helpers shared by the binary's tests: git run in isolation from the machine's config.

use std::path::Path;
use std::process::Command;

/// `git ARGS` in `dir`, with a fixed identity, no signing, no system or user config.
pub(crate) fn git_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.args([
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "-c",
        "commit.gpgsign=false",
    ])
    .args(args)
    .current_dir(dir)
    .env("GIT_CONFIG_NOSYSTEM", "1")
    .env("HOME", dir);
    cmd
}

/// Runs `git ARGS` in `dir` and fails the test, with git's stderr, if it fails.
pub(crate) fn git(dir: &Path, args: &[&str]) {
    let out = git_cmd(dir, args).output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A folder with a `.git` folder (all the hook needs to find the root) and, optionally, a
/// `.control/policy.yaml`.
pub(crate) fn fake_repo(policy: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    if let Some(text) = policy {
        std::fs::create_dir(dir.path().join(".control")).unwrap();
        std::fs::write(dir.path().join(".control/policy.yaml"), text).unwrap();
    }
    dir
}

/// A real, empty git repository.
pub(crate) fn git_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}
