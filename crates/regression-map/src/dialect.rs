//! The two pattern dialects of a feature map.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How the patterns of a map are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// globset semantics, matched against the whole repo-relative path: `*` and `?` stay within
    /// one path component, `**` crosses components (`src/**/*.rs`, `**/auth.ts`), `[...]`
    /// classes, `{a,b}` alternatives, `\` escapes. The dialect of `.control/regression-map.yaml`.
    Glob,
    /// The seed's `scripts/regression-test-map.json`: Python `fnmatch`, where `*` also matches
    /// `/` (so `**` is `*`), `?` is one character, `[...]`/`[!...]` are classes and nothing
    /// escapes; a pattern `p` matches a path `f` when `fnmatch(f, p) or fnmatch(f, "*/" + p)`,
    /// that is, also under any folder.
    Seed,
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Glob => "glob",
            Self::Seed => "seed",
        })
    }
}
