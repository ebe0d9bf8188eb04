//! Finding the repository a hook event belongs to.

use std::path::{Path, PathBuf};

/// The repository root for a start folder: the nearest folder upward that holds `.git` (a
/// folder, or a file for worktrees and submodules) or `.control`. `None` when there is none.
#[must_use]
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists() || dir.join(".control").is_dir())
        .map(Path::to_path_buf)
}
