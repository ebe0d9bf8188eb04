//! The regression gate: before `git commit`, the features the commit touches and their
//! scenarios, unless a stamp says they were run for exactly what is staged.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use metalayer_gates::Normalized;
use metalayer_policy::{Diagnostic, RegressionSettings, Span};
use metalayer_regression_map::{
    Affected, CommitContents, Dialect, FeatureMap, commit_contents, locate,
};
use serde::{Deserialize, Serialize};

use crate::error::KernelError;
use crate::kernel::{Kernel, PolicySource};
use crate::layout::state_dir;
use crate::staging::{CallSite, RawShape, commit_steps};

/// How long a stamp holds when the policy does not say (`regression.stamp_ttl_seconds`).
pub const DEFAULT_STAMP_TTL_SECONDS: u64 = 600;

/// At most this many files are listed per feature in the ask.
const FILES_SHOWN: usize = 5;

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
        .map_err(|e| KernelError::regression("cannot read the staged tree", e))?;
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
    let text = serde_json::to_string(&stamp)
        .map_err(|e| KernelError::regression("cannot write the stamp", e))?;
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

/// Where the regression gate finds its feature map.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MapLocation {
    /// A map file, and how its patterns read.
    Found {
        /// The file.
        path: PathBuf,
        /// The dialect of its patterns.
        dialect: Dialect,
    },
    /// The policy file names a map (`regression.map`) that does not exist.
    Missing {
        /// The name, as the policy gives it.
        named: String,
        /// Where it was looked for.
        path: PathBuf,
    },
    /// No map: the regression gate asks nothing.
    Absent,
}

/// Where the feature map of the repository at `root` is: the policy's `regression.map`, else
/// `.control/regression-map.yaml` (`.yml`, `.json`), else the seed's
/// `scripts/regression-test-map.json`.
///
/// A map named by a policy *file* (`from_file`) that does not exist is
/// [`MapLocation::Missing`], never a silent fallback: the policy says where the map is, and a
/// typo must not turn the gate off. The embedded default policy names
/// `.control/regression-map.yaml` for every repository; when that file does not exist the
/// search goes on, so that a repository of the original system gets its seed map.
#[must_use]
pub fn locate_feature_map(
    root: &Path,
    settings: Option<&RegressionSettings>,
    from_file: bool,
) -> MapLocation {
    let found = |(path, dialect)| MapLocation::Found { path, dialect };
    if let Some(named) = settings.and_then(|s| s.map.as_deref()) {
        if let Some((path, dialect)) = locate(root, Some(Path::new(named)))
            && path.exists()
        {
            return found((path, dialect));
        }
        if from_file {
            return MapLocation::Missing {
                named: named.to_owned(),
                path: root.join(named),
            };
        }
    }
    locate(root, None).map_or(MapLocation::Absent, found)
}

/// The message for a map the policy names that does not exist.
fn missing_map_message(named: &str) -> String {
    format!(
        "the policy's `regression.map` names `{named}`, which does not exist; restore it, or remove `regression.map` from the policy"
    )
}

/// The feature map of a repository, compiled, when it has one (see [`locate_feature_map`]).
///
/// # Errors
///
/// [`KernelError::Regression`] when the map exists but cannot be read or compiled, or when
/// the policy file names a map that does not exist.
pub fn feature_map(
    root: &Path,
    settings: Option<&RegressionSettings>,
    from_file: bool,
) -> Result<Option<metalayer_regression_map::Matcher>, KernelError> {
    let (path, dialect) = match locate_feature_map(root, settings, from_file) {
        MapLocation::Found { path, dialect } => (path, dialect),
        MapLocation::Missing { named, .. } => {
            return Err(KernelError::Regression {
                what: missing_map_message(&named),
                source: None,
            });
        }
        MapLocation::Absent => return Ok(None),
    };
    let map = FeatureMap::load(&path)
        .map_err(|e| KernelError::regression(format!("feature map `{}`", path.display()), e))?;
    let matcher = map
        .compile(dialect)
        .map_err(|e| KernelError::regression(format!("feature map `{}`", path.display()), e))?;
    Ok(Some(matcher))
}

/// The feature map as a commit has it (the base of a comparison), found as
/// [`locate_feature_map`] finds one on disk, with `read` giving a file's text at that commit
/// (`None` when it has no such file).
///
/// # Errors
///
/// As [`feature_map`].
pub fn feature_map_at(
    settings: Option<&RegressionSettings>,
    from_file: bool,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Result<Option<metalayer_regression_map::Matcher>, KernelError> {
    let root = Path::new("");
    let mut found = None;
    if let Some(named) = settings.and_then(|s| s.map.as_deref()) {
        if let Some((path, dialect)) =
            metalayer_regression_map::locate(root, Some(Path::new(named)))
            && let Some(text) = read(&path)
        {
            found = Some((path, dialect, text));
        } else if from_file {
            return Err(KernelError::Regression {
                what: missing_map_message(named),
                source: None,
            });
        }
    }
    if found.is_none()
        && let Some((path, dialect)) =
            metalayer_regression_map::locate_by(root, &|p| read(p).is_some())
        && let Some(text) = read(&path)
    {
        found = Some((path, dialect, text));
    }
    let Some((path, dialect, text)) = found else {
        return Ok(None);
    };
    let map = FeatureMap::from_file_text(&path, &text)
        .map_err(|e| KernelError::regression(format!("feature map `{}`", path.display()), e))?;
    let matcher = map
        .compile(dialect)
        .map_err(|e| KernelError::regression(format!("feature map `{}`", path.display()), e))?;
    Ok(Some(matcher))
}

/// The feature map of a kernel's repository (see [`feature_map`]).
///
/// # Errors
///
/// As [`feature_map`].
pub fn kernel_feature_map(
    kernel: &Kernel,
    root: &Path,
) -> Result<Option<metalayer_regression_map::Matcher>, KernelError> {
    feature_map(
        root,
        kernel.policy().regression.as_ref(),
        matches!(kernel.source(), PolicySource::File(_)),
    )
}

/// The repository a policy file belongs to: the folder above its `.control/` folder, else
/// the repository around it (see [`find_root`](crate::find_root)), else its own folder.
#[must_use]
pub fn policy_root(policy_path: &Path) -> PathBuf {
    let path = std::path::absolute(policy_path).unwrap_or_else(|_| policy_path.to_path_buf());
    let folder = path.parent().unwrap_or(Path::new("."));
    if folder.file_name().is_some_and(|n| n == ".control")
        && let Some(root) = folder.parent()
    {
        return root.to_path_buf();
    }
    crate::root::find_root(folder).unwrap_or_else(|| folder.to_path_buf())
}

/// Where the value of `regression.map` lies in a policy's text (block or flow style), as
/// `(offset, length)`; `None` when it cannot be found.
fn map_value_span(source: &str, named: &str) -> Option<(usize, usize)> {
    let section = source
        .match_indices("regression")
        .map(|(i, _)| i)
        .find(|&i| i == 0 || source.as_bytes().get(i - 1) == Some(&b'\n'))?;
    let after = source.get(section..)?;
    let key = after.find("map")?;
    let value = after.get(key..)?.find(named)?;
    Some((section + key + value, named.len()))
}

/// What `metalayer validate` reports about the feature map a policy file names
/// (`regression.map`): an error when it does not exist or cannot be read or compiled (the
/// hooks would then refuse every `git commit`), placed on the value in the policy's text.
/// `None` when the policy names no map or the map is usable.
#[must_use]
pub fn feature_map_diagnostic(
    policy_path: &Path,
    source: &str,
    policy: &metalayer_policy::Policy,
) -> Option<Diagnostic> {
    let settings = policy.regression.as_ref();
    let named = settings.and_then(|s| s.map.as_deref())?;
    let root = policy_root(policy_path);
    let (code, message, help) = match locate_feature_map(&root, settings, true) {
        MapLocation::Missing { path, .. } => (
            "regression::missing-map",
            format!(
                "the feature map `{named}` named by `regression.map` does not exist (looked for `{}`)",
                path.display()
            ),
            "restore the file, or remove `regression.map` from the policy: until then the hooks refuse every `git commit`",
        ),
        _ => match feature_map(&root, settings, true) {
            Err(e) => (
                "regression::invalid-map",
                e.to_string(),
                "fix the feature map: until then the hooks refuse every `git commit`",
            ),
            Ok(_) => return None,
        },
    };
    let (offset, len) = map_value_span(source, named).unwrap_or((0, 0));
    let before = source.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit_once('\n')
        .map_or(before, |(_, last)| last)
        .chars()
        .count()
        + 1;
    let mut diagnostic = Diagnostic::error(code, message, Span::new(offset, len), line, column);
    diagnostic.pointer = "/regression/map".to_owned();
    diagnostic.help = Some(help.to_owned());
    Some(diagnostic)
}

/// A shell call, as the regression gate reads it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ShellCall<'a> {
    /// The call's command, normalised.
    pub normalized: &'a Normalized,
    /// The folder the call starts in (the event's `cwd`); the repository root when `None`.
    pub cwd: Option<&'a Path>,
    /// What the raw command shows that normalising removes; `None` until it is read.
    shape: Option<RawShape>,
}

impl<'a> ShellCall<'a> {
    /// A call of this normalised command, starting at the repository root.
    #[must_use]
    pub fn new(normalized: &'a Normalized) -> Self {
        Self {
            normalized,
            cwd: None,
            shape: None,
        }
    }

    /// Starts the call in `cwd`.
    #[must_use]
    pub fn in_folder(mut self, cwd: Option<&'a Path>) -> Self {
        self.cwd = cwd;
        self
    }

    /// Reads the raw command for what normalising removes: `xargs` and `parallel`, which hand
    /// commands more operands than their words show, and the subshells (`( )`, pipelines,
    /// `&`, substitutions, nested shells) a `cd` may not outlast. Without it, every `cd` is
    /// taken to maybe not last.
    #[must_use]
    pub fn with_raw(mut self, raw: &str) -> Self {
        let shape = RawShape::of(raw);
        self.shape = Some(match self.shape {
            Some(seen) => seen.and(shape),
            None => shape,
        });
        self
    }
}

/// The folder `cwd` relative to `root`; `Some("")` without a folder, `None` outside the root.
fn relative_folder(root: &Path, cwd: Option<&Path>) -> Option<String> {
    let Some(cwd) = cwd else {
        return Some(String::new());
    };
    let rel = |root: &Path, cwd: &Path| {
        cwd.strip_prefix(root)
            .ok()
            .and_then(Path::to_str)
            .map(|s| s.replace('\\', "/"))
    };
    rel(root, cwd).or_else(|| {
        let (root, cwd) = (root.canonicalize().ok()?, cwd.canonicalize().ok()?);
        rel(&root, &cwd)
    })
}

/// What the `git commit`s of a shell call will contain: what is staged now, plus what the
/// `git add`, `git rm`, `git mv` and `git commit -a` / `git commit PATHS` of the same call
/// would stage before each (see [`commit_contents`]), worked out without running anything.
/// `None` when the call makes no commit the regression gate checks (none at all, or only
/// `--dry-run` or `[skip-regression]` ones).
///
/// # Errors
///
/// [`KernelError::Regression`] when git cannot read the index or the work tree.
pub fn commit_files(
    root: &Path,
    call: ShellCall<'_>,
) -> Result<Option<CommitContents>, KernelError> {
    let site = CallSite {
        root,
        cwd: relative_folder(root, call.cwd),
        shape: call.shape.unwrap_or_else(RawShape::unknown),
    };
    let Some(steps) = commit_steps(call.normalized, &site) else {
        return Ok(None);
    };
    commit_contents(root, &steps)
        .map(Some)
        .map_err(|e| KernelError::regression("cannot list what the commit contains", e))
}

/// The ask for the `git commit`s of a shell call, if they touch mapped features and no valid
/// stamp covers them. `None` when the call commits nothing the gate checks, the repository has
/// no map, nothing mapped is affected, or a valid stamp covers exactly what is committed.
///
/// What a commit contains is worked out before anything runs: what is staged now, plus what
/// the `git add`, `git rm`, `git mv` and `git commit -a` / `git commit PATHS` of the same call
/// would stage before it (see [`commit_contents`]). A stamp covers a commit only when the call
/// stages nothing more first.
///
/// # Errors
///
/// [`KernelError::Regression`] when the map is broken, the policy file names a map that does
/// not exist, or git cannot list the changes.
pub fn regression_ask(kernel: &Kernel, call: ShellCall<'_>) -> Result<Option<String>, KernelError> {
    if !crate::staging::has_commit(call.normalized.commands()) {
        return Ok(None);
    }
    let Some(root) = kernel.root() else {
        return Ok(None);
    };
    let Some(matcher) = kernel_feature_map(kernel, root)?.filter(|m| !m.features().is_empty())
    else {
        return Ok(None);
    };
    let Some(contents) = commit_files(root, call)? else {
        return Ok(None);
    };
    let affected = matcher.affected(contents.files.iter().map(String::as_str));
    if contents.unknown.is_empty() && affected.is_empty() {
        return Ok(None);
    }
    let ttl = kernel
        .policy()
        .regression
        .as_ref()
        .and_then(|s| s.stamp_ttl_seconds)
        .unwrap_or(DEFAULT_STAMP_TTL_SECONDS);
    if contents.unknown.is_empty() && contents.index_as_is && stamp_holds(root, ttl) {
        return Ok(None);
    }
    let mut message = if affected.is_empty() {
        String::from("Regression tests may be needed before this commit.\n")
    } else {
        describe(&affected)
    };
    if !contents.index_as_is {
        message.push_str(
            "\n(The files listed include what this command stages before it commits; a stamp covers only what is staged when it is made.)",
        );
    }
    for what in &contents.unknown {
        message.push_str(&format!(
            "\nmetalayer cannot tell {what}; the commit may touch more mapped features than listed."
        ));
    }
    Ok(Some(message))
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

    fn settings(map: Option<&str>) -> RegressionSettings {
        RegressionSettings {
            map: map.map(str::to_owned),
            stamp_ttl_seconds: None,
        }
    }

    #[test]
    fn the_map_named_else_the_control_map_else_the_seed_map() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let named = settings(Some(".control/regression-map.yaml"));
        let other = settings(Some("maps/features.yaml"));
        // Nothing anywhere: absent for the embedded default, missing for a policy file.
        assert_eq!(
            locate_feature_map(root, Some(&named), false),
            MapLocation::Absent
        );
        assert_eq!(locate_feature_map(root, None, true), MapLocation::Absent);
        assert!(matches!(
            locate_feature_map(root, Some(&named), true),
            MapLocation::Missing { named, .. } if named == ".control/regression-map.yaml"
        ));
        // The seed's map serves the embedded default and a policy that names none.
        std::fs::create_dir_all(root.join("scripts")).unwrap();
        std::fs::write(root.join(metalayer_regression_map::SEED_MAP), "{}").unwrap();
        let seed = MapLocation::Found {
            path: root.join(metalayer_regression_map::SEED_MAP),
            dialect: Dialect::Seed,
        };
        assert_eq!(locate_feature_map(root, Some(&named), false), seed);
        assert_eq!(locate_feature_map(root, None, true), seed);
        assert_eq!(locate_feature_map(root, Some(&settings(None)), true), seed);
        assert!(matches!(
            locate_feature_map(root, Some(&other), true),
            MapLocation::Missing { .. }
        ));
        // The control map comes before the seed's.
        std::fs::create_dir_all(root.join(".control")).unwrap();
        std::fs::write(root.join(".control/regression-map.yaml"), "features: {}\n").unwrap();
        let control = MapLocation::Found {
            path: root.join(".control/regression-map.yaml"),
            dialect: Dialect::Glob,
        };
        assert_eq!(locate_feature_map(root, Some(&named), true), control);
        assert_eq!(locate_feature_map(root, Some(&other), false), control);
        // A named map that exists wins.
        std::fs::create_dir_all(root.join("maps")).unwrap();
        std::fs::write(root.join("maps/features.yaml"), "features: {}\n").unwrap();
        assert!(matches!(
            locate_feature_map(root, Some(&other), true),
            MapLocation::Found { path, .. } if path.ends_with("maps/features.yaml")
        ));
        // A missing named map is an error of `feature_map`, never `None`.
        let err = feature_map(root, Some(&settings(Some("gone.yaml"))), true).unwrap_err();
        assert!(err.to_string().contains("`gone.yaml`"), "{err}");
    }

    #[test]
    fn the_map_value_is_found_in_the_policy_text() {
        let block = "version: \"1.0\"\nregression:\n  stamp_ttl_seconds: 5\n  map: maps/x.yaml\n";
        let (offset, len) = map_value_span(block, "maps/x.yaml").unwrap();
        assert_eq!(block.get(offset..offset + len), Some("maps/x.yaml"));
        let flow = "# map: maps/x.yaml\nregression: {map: 'maps/x.yaml'}\n";
        let (offset, _) = map_value_span(flow, "maps/x.yaml").unwrap();
        assert!(offset > flow.find('\n').unwrap(), "not the comment");
        assert_eq!(map_value_span("version: 1\n", "x"), None);
    }

    #[test]
    fn folders_relative_to_the_root() {
        let root = Path::new("/r");
        assert_eq!(relative_folder(root, None).as_deref(), Some(""));
        assert_eq!(
            relative_folder(root, Some(Path::new("/r"))).as_deref(),
            Some("")
        );
        assert_eq!(
            relative_folder(root, Some(Path::new("/r/a/b"))).as_deref(),
            Some("a/b")
        );
        assert_eq!(relative_folder(root, Some(Path::new("/elsewhere"))), None);
        assert_eq!(
            policy_root(Path::new("/r/.control/policy.yaml")),
            PathBuf::from("/r")
        );
    }
}
