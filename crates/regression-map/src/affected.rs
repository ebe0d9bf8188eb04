//! The answer of the matcher: which features a set of files affects.

use serde::Serialize;

use crate::feature::FeatureName;

/// The features affected by a set of files, and the files no feature covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Affected {
    /// The affected features, in map order.
    pub features: Vec<AffectedFeature>,
    /// The files that no feature covers, in input order, without duplicates.
    pub uncovered: Vec<String>,
}

impl Affected {
    /// True when no feature is affected.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// The affected feature with this name.
    #[must_use]
    pub fn feature(&self, name: &str) -> Option<&AffectedFeature> {
        self.features.iter().find(|f| f.name.as_str() == name)
    }
}

/// A feature that a set of files affects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AffectedFeature {
    /// The feature.
    pub name: FeatureName,
    /// The files of the feature, in input order, without duplicates.
    pub files: Vec<FileMatch>,
    /// The feature's regression scenarios.
    pub scenarios: Vec<String>,
    /// The feature's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The feature's tests.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<String>,
}

/// A file and the pattern that put it in a feature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileMatch {
    /// The normalised repo-relative path.
    pub path: String,
    /// The first pattern of the feature (in the feature's order) that matched the file.
    pub pattern: String,
}

/// A pattern of a feature, as written in the map.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PatternRef {
    /// The feature.
    pub feature: FeatureName,
    /// The pattern, with its `!` if it is an exclusion.
    pub pattern: String,
}
