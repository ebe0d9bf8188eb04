//! Things a map compiles with but that probably do not do what their author meant.

use std::fmt;

use serde::Serialize;

use crate::feature::FeatureName;

/// A compile-time warning about a map, for the CLI to show (`metalayer affected`, `audit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Warning {
    /// The pattern matches every file, so every commit affects the feature.
    MatchesEverything {
        /// The feature.
        feature: FeatureName,
        /// The pattern.
        pattern: String,
    },
    /// The pattern can never match a path (for example a seed class with only an empty range,
    /// `[z-a]`).
    NeverMatches {
        /// The feature.
        feature: FeatureName,
        /// The pattern.
        pattern: String,
    },
    /// The feature has no pattern, so it is never affected.
    NoPatterns {
        /// The feature.
        feature: FeatureName,
    },
    /// Every pattern of the feature is a `!` exclusion, so it is never affected.
    OnlyExclusions {
        /// The feature.
        feature: FeatureName,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MatchesEverything { feature, pattern } => write!(
                f,
                "pattern `{pattern}` in feature `{feature}` matches every file"
            ),
            Self::NeverMatches { feature, pattern } => write!(
                f,
                "pattern `{pattern}` in feature `{feature}` can never match a file"
            ),
            Self::NoPatterns { feature } => {
                write!(
                    f,
                    "feature `{feature}` has no patterns and is never affected"
                )
            }
            Self::OnlyExclusions { feature } => write!(
                f,
                "feature `{feature}` has only `!` exclusions and is never affected"
            ),
        }
    }
}
