//! A changed file as git reports it.

use std::fmt;

use serde::Serialize;

/// How a file changed (the letter of `git diff --name-status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum ChangeKind {
    /// `A`: the file is new.
    Added,
    /// `M`: the content or mode changed.
    Modified,
    /// `D`: the file is gone.
    Deleted,
    /// `R`: the file moved (`old_path` is where it was).
    Renamed,
    /// `C`: the file is a copy of `old_path`.
    Copied,
    /// `T`: the type changed (file ↔ symlink ↔ submodule).
    TypeChange,
    /// `U`: the path is unmerged (a conflict).
    Unmerged,
}

impl ChangeKind {
    /// The status letter git prints for this kind.
    #[must_use]
    pub fn letter(self) -> char {
        match self {
            Self::Added => 'A',
            Self::Modified => 'M',
            Self::Deleted => 'D',
            Self::Renamed => 'R',
            Self::Copied => 'C',
            Self::TypeChange => 'T',
            Self::Unmerged => 'U',
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

/// One changed file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Change {
    /// How it changed.
    pub kind: ChangeKind,
    /// The path after the change (for a deletion, the deleted path), repo-relative with `/`.
    pub path: String,
    /// The path before a rename or copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
}

impl Change {
    /// A change of one path.
    #[must_use]
    pub fn new(kind: ChangeKind, path: impl Into<String>) -> Self {
        Self {
            kind,
            path: path.into(),
            old_path: None,
        }
    }
}

/// Every path a list of changes touches: both sides of renames and copies, deletions included,
/// in order and without duplicates. This is what the feature map is asked about: moving a file
/// out of a feature affects that feature too.
#[must_use]
pub fn changed_paths(changes: &[Change]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut paths = Vec::new();
    for change in changes {
        for path in change.old_path.iter().chain(std::iter::once(&change.path)) {
            if seen.insert(path.as_str()) {
                paths.push(path.clone());
            }
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_of_renames_in_order_without_duplicates() {
        let changes = [
            Change::new(ChangeKind::Modified, "a"),
            Change {
                kind: ChangeKind::Renamed,
                path: "new/b".into(),
                old_path: Some("old/b".into()),
            },
            Change::new(ChangeKind::Deleted, "c"),
            Change::new(ChangeKind::Added, "a"),
        ];
        assert_eq!(changed_paths(&changes), ["a", "old/b", "new/b", "c"]);
        assert_eq!(ChangeKind::TypeChange.to_string(), "T");
    }
}
