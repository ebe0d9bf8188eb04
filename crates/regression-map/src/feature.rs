//! A feature area of the map: its name, the patterns of the files it owns and its scenarios.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The name of a feature, the key of its entry in the map (`auth`, `payments`).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct FeatureName(String);

impl FeatureName {
    /// Wraps a name.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The name as a string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FeatureName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for FeatureName {
    fn from(name: &str) -> Self {
        Self::new(name)
    }
}

impl From<String> for FeatureName {
    fn from(name: String) -> Self {
        Self(name)
    }
}

impl AsRef<str> for FeatureName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// One feature of the map.
///
/// A pattern that starts with `!` excludes the files it matches from this feature, whatever
/// its other patterns say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The feature's name (its key in the map).
    pub name: FeatureName,
    /// Path patterns, in the map's dialect; a leading `!` negates.
    pub patterns: Vec<String>,
    /// The regression scenarios to run when the feature is affected (free text).
    pub scenarios: Vec<String>,
    /// An optional URL to test against (the seed's `url`).
    pub url: Option<String>,
    /// Optional test commands or test names for the feature (an extension of the seed's format).
    pub tests: Vec<String>,
}

impl Feature {
    /// A feature with this name and these patterns, no scenarios, URL or tests.
    #[must_use]
    pub fn new<I, S>(name: impl Into<FeatureName>, patterns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            name: name.into(),
            patterns: patterns.into_iter().map(Into::into).collect(),
            scenarios: Vec::new(),
            url: None,
            tests: Vec::new(),
        }
    }
}

/// The body of a feature as it is written in the map (everything but the name, which is the key).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(
    rename = "Feature",
    title = "Feature",
    description = "One feature: the patterns of its files and what to test when one of them changes."
)]
pub(crate) struct FeatureBody {
    /// Path patterns of the files the feature owns. In `.control/regression-map.yaml` these are
    /// globs (`*` stays within one path component, `**` crosses); in the seed's
    /// `scripts/regression-test-map.json` they are Python fnmatch patterns that also match under
    /// any folder. A leading `!` excludes the matched files from the feature.
    #[serde(default)]
    pub(crate) patterns: Vec<String>,
    /// Regression scenarios to run when a file of the feature changes.
    #[serde(default)]
    pub(crate) scenarios: Vec<String>,
    /// URL to test against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) url: Option<String>,
    /// Test commands or test names for the feature.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) tests: Vec<String>,
}

impl FeatureBody {
    pub(crate) fn into_feature(self, name: String) -> Feature {
        Feature {
            name: FeatureName(name),
            patterns: self.patterns,
            scenarios: self.scenarios,
            url: self.url,
            tests: self.tests,
        }
    }

    pub(crate) fn from_feature(feature: &Feature) -> Self {
        Self {
            patterns: feature.patterns.clone(),
            scenarios: feature.scenarios.clone(),
            url: feature.url.clone(),
            tests: feature.tests.clone(),
        }
    }
}
