//! Helpers shared by the binary's tests: git run in isolation from the machine's config.

pub(crate) use metalayer_test_support::{git, git_command as git_cmd, git_repo};

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
