//! The regression gate: before `git commit`, the features the commit touches and their
//! scenarios, unless a stamp says they were run for exactly what is staged.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use metalayer_gates::Normalized;
use metalayer_regression_map::{Affected, FeatureMap, changed_paths, locate};
use serde::{Deserialize, Serialize};

use crate::error::KernelError;
use crate::stop::state_dir;

/// How long a stamp holds when the policy does not say (`regression.stamp_ttl_seconds`).
pub const DEFAULT_STAMP_TTL_SECONDS: u64 = 600;

/// At most this many files are listed per feature in the ask.
const FILES_SHOWN: usize = 5;

/// What a `git commit` will contain, from its words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct CommitShape {
    all: bool,
    amend: bool,
    paths: Vec<String>,
}

/// Options of `git commit` that take a value (as a separate word).
const COMMIT_OPTIONS_WITH_VALUE: &[&str] = &[
    "-m",
    "--message",
    "-F",
    "--file",
    "-C",
    "--reuse-message",
    "-c",
    "--reedit-message",
    "--author",
    "--date",
    "--fixup",
    "--squash",
    "-t",
    "--template",
    "--cleanup",
    "--pathspec-from-file",
    "-S",
    "--trailer",
];

/// The `git commit` commands among the normalised simple commands; `None` entries are
/// commits the gate skips (`--allow-empty`, `[skip-regression]`, `--dry-run`).
fn commits(normalized: &Normalized) -> Vec<CommitShape> {
    let mut out = Vec::new();
    for c in normalized.commands() {
        // Only a git command needs its words as a list (built on first use).
        if c.name() != Some("git") {
            continue;
        }
        let words = c.words();
        // Skip git's global options to the subcommand.
        let mut i = 1;
        while let Some(w) = words.get(i) {
            if matches!(
                w.as_str(),
                "-C" | "-c" | "--git-dir" | "--work-tree" | "--namespace"
            ) {
                i += 2;
            } else if w.starts_with('-') {
                i += 1;
            } else {
                break;
            }
        }
        if words.get(i).map(String::as_str) != Some("commit") {
            continue;
        }
        let args = words.get(i + 1..).unwrap_or_default();
        if args
            .iter()
            .any(|a| a == "--allow-empty" || a == "--dry-run" || a.contains("[skip-regression]"))
        {
            continue;
        }
        let mut shape = CommitShape::default();
        let mut k = 0;
        let mut operands_only = false;
        while let Some(a) = args.get(k) {
            k += 1;
            if operands_only {
                shape.paths.push(a.clone());
            } else if a == "--" {
                operands_only = true;
            } else if a == "--all"
                || a == "-a"
                || (a.starts_with('-')
                    && !a.starts_with("--")
                    && a.contains('a')
                    && !a.contains('m'))
            {
                shape.all = true;
            } else if a == "--amend" {
                shape.amend = true;
            } else if COMMIT_OPTIONS_WITH_VALUE.contains(&a.as_str()) {
                k += 1;
            } else if a.starts_with('-') {
                // `-am msg`: a cluster ending in a value-taking flag takes the next word.
                if !a.starts_with("--") && a.len() > 2 {
                    if a.contains('a') {
                        shape.all = true;
                    }
                    if a.ends_with('m') || a.ends_with('F') || a.ends_with('C') || a.ends_with('c')
                    {
                        k += 1;
                    }
                }
            } else {
                shape.paths.push(a.clone());
            }
        }
        out.push(shape);
    }
    out
}

/// A record that the scenarios were run for one staged tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// The tree the index would write (`git write-tree`) when the stamp was made.
    pub tree: String,
    /// Seconds since the Unix epoch.
    pub created: u64,
}

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Where the stamp of a repository lives: in its git directory, never in the home directory.
#[must_use]
pub fn stamp_path(root: &Path) -> PathBuf {
    state_dir(root).join("regression-stamp.json")
}

/// Records that the regression scenarios were run for what is staged now.
///
/// # Errors
///
/// [`KernelError::Regression`] when git cannot tell the staged tree or the stamp cannot be
/// written.
pub fn write_stamp(root: &Path) -> Result<Stamp, KernelError> {
    let tree = metalayer_regression_map::staged_tree_id(root)
        .map_err(|e| KernelError::Regression(format!("cannot read the staged tree: {e}")))?;
    let stamp = Stamp {
        tree,
        created: now_seconds(),
    };
    let path = stamp_path(root);
    let io = |e: std::io::Error| KernelError::Io {
        action: "cannot write the stamp",
        path: path.clone(),
        source: e,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let text = serde_json::to_string(&stamp).map_err(|e| KernelError::Regression(e.to_string()))?;
    std::fs::write(&path, text).map_err(io)?;
    Ok(stamp)
}

/// Removes the stamp. Returns whether there was one.
///
/// # Errors
///
/// [`KernelError::Io`] when it exists and cannot be removed.
pub fn clear_stamp(root: &Path) -> Result<bool, KernelError> {
    let path = stamp_path(root);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(KernelError::Io {
            action: "cannot remove the stamp",
            path,
            source: e,
        }),
    }
}

/// Whether a valid stamp covers what is staged now: younger than `ttl` seconds and made for
/// the same staged tree.
fn stamp_holds(root: &Path, ttl: u64) -> bool {
    let Ok(text) = std::fs::read_to_string(stamp_path(root)) else {
        return false;
    };
    let Ok(stamp) = serde_json::from_str::<Stamp>(&text) else {
        return false;
    };
    if now_seconds().saturating_sub(stamp.created) >= ttl {
        return false;
    }
    metalayer_regression_map::staged_tree_id(root).is_ok_and(|tree| tree == stamp.tree)
}

/// The feature map of a repository, when it has one.
///
/// # Errors
///
/// [`KernelError::Regression`] when the map exists but cannot be read or compiled.
pub fn feature_map(
    root: &Path,
    configured: Option<&str>,
) -> Result<Option<metalayer_regression_map::Matcher>, KernelError> {
    let Some((path, dialect)) = locate(root, configured.map(Path::new)) else {
        return Ok(None);
    };
    if !path.exists() {
        return Ok(None);
    }
    let map = FeatureMap::load(&path)
        .map_err(|e| KernelError::Regression(format!("feature map `{}`: {e}", path.display())))?;
    let matcher = map
        .compile(dialect)
        .map_err(|e| KernelError::Regression(format!("feature map `{}`: {e}", path.display())))?;
    Ok(Some(matcher))
}

/// The files a commit of `shape` will contain.
fn commit_files(root: &Path, shape: &CommitShape) -> Result<Vec<String>, KernelError> {
    let git = |e: metalayer_regression_map::GitError| {
        KernelError::Regression(format!("cannot list what the commit contains: {e}"))
    };
    let mut changes = metalayer_regression_map::staged_changes(root).map_err(git)?;
    if shape.all {
        changes.extend(metalayer_regression_map::worktree_changes(root).map_err(git)?);
    }
    let mut files = changed_paths(&changes);
    for p in &shape.paths {
        let p = p.trim_start_matches("./").to_owned();
        if !files.contains(&p) {
            files.push(p);
        }
    }
    Ok(files)
}

/// The ask for a `git commit` in the normalised command, if the commit touches mapped features
/// and no valid stamp covers the staged tree. `None` when there is no commit, no map, nothing
/// affected, or a valid stamp.
///
/// # Errors
///
/// [`KernelError::Regression`] when the map is broken or git cannot list the changes.
pub fn regression_ask(
    root: &Path,
    normalized: &Normalized,
    settings: Option<&metalayer_policy::RegressionSettings>,
) -> Result<Option<String>, KernelError> {
    let shapes = commits(normalized);
    if shapes.is_empty() {
        return Ok(None);
    }
    let Some(matcher) = feature_map(root, settings.and_then(|s| s.map.as_deref()))? else {
        return Ok(None);
    };
    let ttl = settings
        .and_then(|s| s.stamp_ttl_seconds)
        .unwrap_or(DEFAULT_STAMP_TTL_SECONDS);
    let mut files: Vec<String> = Vec::new();
    for shape in &shapes {
        for f in commit_files(root, shape)? {
            if !files.contains(&f) {
                files.push(f);
            }
        }
    }
    let affected = matcher.affected(files.iter().map(String::as_str));
    if affected.is_empty() || stamp_holds(root, ttl) {
        return Ok(None);
    }
    Ok(Some(describe(&affected)))
}

/// The message of the ask, like the original's.
#[must_use]
pub fn describe(affected: &Affected) -> String {
    let mut out = String::from("Regression tests needed before this commit. Affected features:\n");
    for f in &affected.features {
        out.push_str(&format!(
            "\n**{}** ({} file{})\n",
            f.name,
            f.files.len(),
            if f.files.len() == 1 { "" } else { "s" }
        ));
        for m in f.files.iter().take(FILES_SHOWN) {
            out.push_str(&format!("  - {} (matches `{}`)\n", m.path, m.pattern));
        }
        if f.files.len() > FILES_SHOWN {
            out.push_str(&format!("  - … and {} more\n", f.files.len() - FILES_SHOWN));
        }
        if let Some(url) = &f.url {
            out.push_str(&format!("  URL: {url}\n"));
        }
        if !f.scenarios.is_empty() {
            out.push_str("  Scenarios:\n");
            for s in &f.scenarios {
                out.push_str(&format!("    - {s}\n"));
            }
        }
    }
    out.push_str("\nRun these scenarios, then record it with `metalayer stamp` (valid for what is staged now).");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use metalayer_gates::{NormalizeOptions, normalize};

    fn shapes(cmd: &str) -> Vec<CommitShape> {
        commits(&normalize(cmd, &NormalizeOptions::default()))
    }

    #[test]
    fn commit_commands_are_recognised_with_their_shape() {
        assert_eq!(shapes("git commit -m 'x y'"), [CommitShape::default()]);
        assert!(shapes("cd a && git -C b commit -am wip")[0].all);
        assert!(shapes("git commit --all -m x")[0].all);
        assert_eq!(
            shapes("git commit -m x src/a.rs ./b.rs")[0].paths,
            ["src/a.rs", "./b.rs"]
        );
        assert_eq!(shapes("git commit -m x -- c.rs")[0].paths, ["c.rs"]);
        assert!(shapes("git commit --allow-empty -m x").is_empty());
        assert!(shapes("git commit -m '[skip-regression] docs'").is_empty());
        assert!(shapes("git status && echo git commit").is_empty());
        assert!(shapes("git commit --amend --no-edit")[0].amend);
    }
}
