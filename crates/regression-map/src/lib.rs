//! Map changed files to the feature areas they belong to and the regression scenarios those
//! features need.
//!
//! A *feature map* names features and, for each, the path patterns of its files, the
//! scenarios to run when one of them changes and an optional URL:
//!
//! ```json
//! {"features": {"auth": {"patterns": ["lib/auth/**"], "scenarios": ["sign in"], "url": "/login"}}}
//! ```
//!
//! It is read from `.control/regression-map.yaml` (the same shape in YAML, [`Dialect::Glob`])
//! or from the seed's `scripts/regression-test-map.json` ([`Dialect::Seed`]); [`locate`] finds
//! it. [`FeatureMap::compile`] turns every pattern of every feature into one set, matched once
//! per path, and [`Matcher::affected`] answers which features a list of files affects.
//!
//! ```
//! use metalayer_regression_map::{Dialect, FeatureMap};
//!
//! let map = FeatureMap::from_yaml_str(
//!     "features:\n  auth:\n    patterns: ['lib/auth/**', '!**/*.md']\n    scenarios: [sign in]\n",
//! )?;
//! let matcher = map.compile(Dialect::Glob)?;
//! let affected = matcher.affected(["lib/auth/session.ts", "lib/auth/README.md", "ui/button.tsx"]);
//! assert_eq!(affected.features.len(), 1);
//! let auth = &affected.features[0];
//! assert_eq!(auth.name.as_str(), "auth");
//! assert_eq!(auth.files[0].path, "lib/auth/session.ts");
//! assert_eq!(auth.files[0].pattern, "lib/auth/**");
//! assert_eq!(affected.uncovered, ["lib/auth/README.md", "ui/button.tsx"]);
//! # Ok::<(), metalayer_regression_map::MapError>(())
//! ```
//!
//! # Semantics
//!
//! - Paths are repo-relative with `/` separators; `\` and a leading `./` are normalised.
//! - [`Dialect::Glob`]: globset, `*` stays within a path component, `**` crosses.
//! - [`Dialect::Seed`]: Python `fnmatch` exactly as the seed's hook, `*` crosses `/` and a
//!   pattern also matches under any folder (`lib/auth.ts` matches `x/lib/auth.ts`).
//! - In both dialects a pattern starting with `!` removes the files it matches from its
//!   feature. A feature with no patterns or only `!` patterns is never affected, and a pattern
//!   that matches every file is allowed; both are reported by [`Matcher::warnings`], never
//!   silently.
//! - Features come in map order, the files of a feature in input order without duplicates,
//!   each with the first of the feature's patterns that matched it.
//!
//! # Features
//!
//! - `git`: `staged_changes` (what `git diff --cached` lists, honouring `GIT_INDEX_FILE`),
//!   `worktree_changes` (what `git commit -a` adds), `range_changes` (`A..B`, `A...B`, or a
//!   branch's changes since it left `R`), `staged_tree_id` (the tree the index would commit)
//!   and `tracked_paths`, through libgit2 without network support; `commit_contents`, what
//!   the commits of a command line will contain, with the `git add`, `git rm`, `git mv` and
//!   `git commit -a` / `git commit PATHS` before them simulated on the index and the work tree
//!   without running anything. [`Change`], [`changed_paths`] and [`Pathspec`] (git's pathspec
//!   rules, for matching what a git command names) are always available.
//!
//!   `staged_changes` reads the index file itself (SHA-1 checked, versions 2 to 4) and, as
//!   `git diff-index --cached` does, uses its cache-tree to skip every directory whose tree id
//!   equals HEAD's, leaving only the added, deleted and type-changed files to libgit2's rename
//!   detection. Whatever it cannot do exactly (split or sparse index, conflicts, `git add -N`,
//!   `core.ignorecase`, a damaged index) runs through libgit2's whole diff instead.
#![deny(missing_docs)]

mod affected;
mod change;
mod dialect;
mod engine;
mod error;
mod feature;
mod fnmatch;
#[cfg(feature = "git")]
mod git;
mod index;
mod locate;
mod map;
mod matcher;
mod normalize;
mod pathspec;
#[cfg(feature = "git")]
mod staged;
#[cfg(feature = "git")]
mod staging;
mod warning;
mod yaml;

pub use affected::{Affected, AffectedFeature, FileMatch, PatternRef};
pub use change::{Change, ChangeKind, changed_paths};
pub use dialect::Dialect;
pub use error::MapError;
pub use feature::{Feature, FeatureName};
#[cfg(feature = "git")]
pub use git::{
    GitError, range_changes, staged_changes, staged_tree_id, tracked_paths, worktree_changes,
};
#[cfg(feature = "git")]
#[doc(hidden)]
pub use git::{staged_changes_fast, staged_changes_reference};
#[doc(hidden)]
pub use index::{IndexEntryView, git_index_names_fit, parse_git_index};
pub use locate::{SEED_MAP, locate, locate_by};
pub use map::{FeatureMap, schema};
pub use matcher::Matcher;
pub use normalize::normalize_path;
pub use pathspec::{Pathspec, PathspecFlags, any_matches};
#[cfg(feature = "git")]
pub use staging::{
    AddStep, CommitContents, CommitStep, IndexStep, MoveStep, RemoveStep, commit_contents,
};
pub use warning::Warning;
