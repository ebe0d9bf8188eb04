//! What a repository says about where `git push` goes, for the normaliser's reading of a forced
//! push that names no refspec, and whether `git checkout NAME` names a ref or a path
//! ([`metalayer_gates::model::git::GitState`]).
//!
//! Read through git2, and only when asked: the normaliser asks only for a forced `git push`
//! without a refspec and for a one-operand `git checkout`, so every other call costs nothing.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use metalayer_gates::model::git::GitState;

/// The repository a call runs in, opened on first use.
#[derive(Debug)]
pub struct RepositoryState {
    dir: PathBuf,
    /// `(branch, remote, remote branch)` once read; `None` inside when unknown.
    read: OnceLock<Option<(String, String, String)>>,
}

impl RepositoryState {
    /// The repository that contains `dir` (found by git's own discovery).
    #[must_use]
    pub fn new(dir: impl AsRef<Path>) -> Self {
        Self {
            dir: dir.as_ref().to_path_buf(),
            read: OnceLock::new(),
        }
    }

    fn read(&self) -> Option<&(String, String, String)> {
        self.read
            .get_or_init(|| {
                let repo = git2::Repository::discover(&self.dir).ok()?;
                let head = repo.find_reference("HEAD").ok()?;
                let target = head.symbolic_target().ok().flatten()?.to_owned();
                let branch = target.strip_prefix("refs/heads/")?.to_owned();
                let config = repo.config().ok()?;
                let get = |key: &str| config.get_string(key).ok();
                let remote = get(&format!("branch.{branch}.pushRemote"))
                    .or_else(|| get("remote.pushDefault"))
                    .or_else(|| get(&format!("branch.{branch}.remote")))
                    .unwrap_or_else(|| "origin".to_owned());
                let dest = get(&format!("branch.{branch}.merge"))
                    .and_then(|m| m.strip_prefix("refs/heads/").map(str::to_owned))
                    .unwrap_or_else(|| branch.clone());
                Some((branch, remote, dest))
            })
            .as_ref()
    }
}

impl GitState for RepositoryState {
    fn current_branch(&self) -> Option<String> {
        self.read().map(|(b, _, _)| b.clone())
    }

    fn push_destination(&self, branch: &str) -> Option<(String, String)> {
        self.read()
            .filter(|(b, _, _)| b == branch)
            .map(|(_, r, d)| (r.clone(), d.clone()))
    }

    fn names_only_a_path(&self, name: &str, under: Option<&str>) -> Option<bool> {
        let dir = match under {
            None => self.dir.clone(),
            Some(u) if u.starts_with('~') => return None,
            Some(u) => self.dir.join(u),
        };
        // Only a file or folder that is there has changes to lose: without one (the everyday
        // `git checkout BRANCH`) the repository is not opened at all.
        if std::fs::symlink_metadata(dir.join(name)).is_err() {
            return Some(false);
        }
        let repo = git2::Repository::discover(&dir).ok()?;
        // A branch, tag or commit (`main`, `v1.2`, `HEAD~1`, `abc123`) is switched to.
        if repo.revparse_single(name).is_ok() {
            return Some(false);
        }
        // A branch of that name on a remote: git creates it and switches (`git checkout feat`).
        let remote = repo
            .references_glob(&format!("refs/remotes/*/{name}"))
            .ok()
            .is_some_and(|mut refs| refs.next().is_some());
        if remote {
            return Some(false);
        }
        // Otherwise git restores the path from the index.
        Some(true)
    }

    fn has_branch(&self, name: &str) -> Option<bool> {
        let repo = git2::Repository::discover(&self.dir).ok()?;
        Some(repo.find_branch(name, git2::BranchType::Local).is_ok())
    }

    fn folder(&self) -> Option<&str> {
        self.dir.to_str()
    }
}
