//! Where a repository keeps its feature map.

use std::path::{Path, PathBuf};

use crate::dialect::Dialect;

/// The metalayer map, relative to the repository root, in the order tried.
const CONTROL_MAPS: &[&str] = &[
    ".control/regression-map.yaml",
    ".control/regression-map.yml",
    ".control/regression-map.json",
];

/// The seed's map, relative to the repository root.
pub const SEED_MAP: &str = "scripts/regression-test-map.json";

/// Finds the feature map of a repository and the dialect of its patterns.
///
/// 1. `configured` (the policy's `regression.map`, relative to `repo_root` unless absolute) is
///    returned even when the file does not exist, so that loading it reports the missing file
///    instead of silently falling back. Its dialect is [`Dialect::Seed`] when its file name is
///    the seed's `regression-test-map.json`, [`Dialect::Glob`] otherwise.
/// 2. `.control/regression-map.yaml` (then `.yml`, then `.json`), in [`Dialect::Glob`].
/// 3. The seed's `scripts/regression-test-map.json`, in [`Dialect::Seed`].
///
/// `None` when there is no map.
#[must_use]
pub fn locate(repo_root: &Path, configured: Option<&Path>) -> Option<(PathBuf, Dialect)> {
    if let Some(configured) = configured {
        let path = repo_root.join(configured);
        let dialect = if path
            .file_name()
            .is_some_and(|n| Some(n) == Path::new(SEED_MAP).file_name())
        {
            Dialect::Seed
        } else {
            Dialect::Glob
        };
        return Some((path, dialect));
    }
    locate_by(repo_root, &|path| path.is_file())
}

/// The map [`locate`] finds without a configured path, with `exists` in place of the file
/// system (a commit's tree): `.control/regression-map.yaml` (then `.yml`, then `.json`), then
/// the seed's map, joined to `repo_root`.
#[must_use]
pub fn locate_by(repo_root: &Path, exists: &dyn Fn(&Path) -> bool) -> Option<(PathBuf, Dialect)> {
    CONTROL_MAPS
        .iter()
        .map(|p| (repo_root.join(p), Dialect::Glob))
        .chain(std::iter::once((repo_root.join(SEED_MAP), Dialect::Seed)))
        .find(|(path, _)| exists(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "{}").unwrap();
    }

    #[test]
    fn prefers_configured_then_control_then_seed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(locate(root, None), None);
        touch(root, SEED_MAP);
        assert_eq!(
            locate(root, None),
            Some((root.join(SEED_MAP), Dialect::Seed))
        );
        touch(root, ".control/regression-map.json");
        assert_eq!(
            locate(root, None),
            Some((root.join(".control/regression-map.json"), Dialect::Glob))
        );
        touch(root, ".control/regression-map.yaml");
        assert_eq!(
            locate(root, None),
            Some((root.join(".control/regression-map.yaml"), Dialect::Glob))
        );
        let missing = Path::new("maps/features.yml");
        assert_eq!(
            locate(root, Some(missing)),
            Some((root.join(missing), Dialect::Glob)),
            "a configured map is returned even if missing"
        );
        assert_eq!(
            locate(root, Some(Path::new(SEED_MAP))),
            Some((root.join(SEED_MAP), Dialect::Seed))
        );
    }
}
