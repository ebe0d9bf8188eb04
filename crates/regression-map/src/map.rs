//! The feature map: features in map order, read from the seed's JSON or from YAML.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{MapAccess, Visitor};
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::dialect::Dialect;
use crate::error::MapError;
use crate::feature::{Feature, FeatureBody, FeatureName};
use crate::matcher::Matcher;

/// A feature map: `{"features": {name: {"patterns": [...], "scenarios": [...], "url"?: ...}}}`.
///
/// Features keep the order in which the file lists them ("map order"). Keys other than
/// `features` (such as the seed's `_doc`) are ignored, and so are unknown keys inside a feature.
/// A name listed twice keeps its first position and its last body, like Python's `json.load`
/// which the seed's hook used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureMap {
    features: Vec<Feature>,
}

/// A reader of one file format of maps.
type MapParser = fn(&str) -> Result<FeatureMap, MapError>;

impl FeatureMap {
    /// A map of these features, in this order (a later duplicate name replaces the body of the
    /// earlier one and keeps its position).
    #[must_use]
    pub fn new(features: impl IntoIterator<Item = Feature>) -> Self {
        let mut map = Self::default();
        for feature in features {
            map.insert(feature);
        }
        map
    }

    fn insert(&mut self, feature: Feature) {
        match self.features.iter_mut().find(|f| f.name == feature.name) {
            Some(slot) => *slot = feature,
            None => self.features.push(feature),
        }
    }

    /// Parses the seed's JSON format.
    ///
    /// # Errors
    ///
    /// [`MapError::Parse`] with the line and column of the problem.
    pub fn from_json_str(s: &str) -> Result<Self, MapError> {
        serde_json::from_str(s).map_err(|e| {
            let known = e.line() > 0;
            MapError::Parse {
                format: "JSON",
                line: known.then(|| e.line()),
                column: known.then(|| e.column()),
                message: strip_location(&e.to_string()),
                source: Box::new(e),
            }
        })
    }

    /// Parses the same shape written in YAML.
    ///
    /// # Errors
    ///
    /// [`MapError::Parse`] with the line and column of the problem.
    pub fn from_yaml_str(s: &str) -> Result<Self, MapError> {
        let json = crate::yaml::to_json(s).map_err(|e| MapError::Parse {
            format: "YAML",
            line: Some(e.line),
            column: Some(e.column),
            message: e.message.clone(),
            source: Box::new(e),
        })?;
        // The map's shape is checked by the same serde path as JSON; its errors are placed at
        // the YAML line and column the offending JSON line came from.
        serde_json::from_str(&json.text).map_err(|e| {
            let at = (e.line() > 0).then(|| json.position(e.line())).flatten();
            MapError::Parse {
                format: "YAML",
                line: at.map(|(line, _)| line),
                column: at.map(|(_, column)| column),
                message: strip_location(&e.to_string()),
                source: Box::new(e),
            }
        })
    }

    /// Reads a map from a file: `.json` as JSON, `.yaml` and `.yml` as YAML.
    ///
    /// # Errors
    ///
    /// [`MapError::Read`], [`MapError::UnknownFormat`] or [`MapError::Parse`].
    pub fn load(path: &Path) -> Result<Self, MapError> {
        let parse = Self::parser_for(path)?;
        let text = std::fs::read_to_string(path).map_err(|source| MapError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        parse(&text)
    }

    /// Reads a map from the text of a file named `path` (read elsewhere: a commit's blob),
    /// in the format its extension says, as [`FeatureMap::load`] does.
    ///
    /// # Errors
    ///
    /// [`MapError::UnknownFormat`] or [`MapError::Parse`].
    pub fn from_file_text(path: &Path, text: &str) -> Result<Self, MapError> {
        Self::parser_for(path)?(text)
    }

    fn parser_for(path: &Path) -> Result<MapParser, MapError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("json") => Ok(Self::from_json_str),
            Some("yaml" | "yml") => Ok(Self::from_yaml_str),
            _ => Err(MapError::UnknownFormat {
                path: path.to_path_buf(),
            }),
        }
    }

    /// The features, in map order.
    #[must_use]
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    /// The feature with this name.
    #[must_use]
    pub fn feature(&self, name: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.name.as_str() == name)
    }

    /// Compiles every pattern of every feature into one [`Matcher`].
    ///
    /// # Errors
    ///
    /// [`MapError::Pattern`] naming the feature and the pattern that does not compile.
    pub fn compile(&self, dialect: Dialect) -> Result<Matcher, MapError> {
        Matcher::new(self, dialect)
    }
}

/// The serde errors repeat the location that [`MapError`] already carries.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message.get(..at).unwrap_or(message).to_owned(),
        None => message.to_owned(),
    }
}

impl Serialize for FeatureMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Features<'a>(&'a [Feature]);
        impl Serialize for Features<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for feature in self.0 {
                    map.serialize_entry(
                        feature.name.as_str(),
                        &FeatureBody::from_feature(feature),
                    )?;
                }
                map.end()
            }
        }
        let mut s = serializer.serialize_struct("FeatureMap", 1)?;
        s.serialize_field("features", &Features(&self.features))?;
        s.end()
    }
}

impl<'de> Deserialize<'de> for FeatureMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            features: OrderedFeatures,
        }
        let raw = Raw::deserialize(deserializer)?;
        Ok(Self::new(
            raw.features
                .0
                .into_iter()
                .map(|(name, body)| body.into_feature(name)),
        ))
    }
}

/// The `features` object, read entry by entry so that map order survives.
struct OrderedFeatures(Vec<(String, FeatureBody)>);

impl<'de> Deserialize<'de> for OrderedFeatures {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor;
        impl<'de> Visitor<'de> for OrderedVisitor {
            type Value = OrderedFeatures;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map from feature names to features")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(access.size_hint().unwrap_or(0));
                while let Some((name, body)) = access.next_entry::<String, Nullable>()? {
                    entries.push((name, body.0.unwrap_or_default()));
                }
                Ok(OrderedFeatures(entries))
            }
        }
        deserializer.deserialize_map(OrderedVisitor)
    }
}

/// A feature body that may be written as `null` (an empty YAML entry `auth:`).
struct Nullable(Option<FeatureBody>);

impl<'de> Deserialize<'de> for Nullable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<FeatureBody>::deserialize(deserializer).map(Nullable)
    }
}

/// The shape of the map, for the JSON Schema.
#[derive(JsonSchema)]
#[schemars(
    title = "Feature map",
    description = "Maps file-path patterns to feature areas and their regression scenarios \
                   (`.control/regression-map.yaml`, or the seed's \
                   `scripts/regression-test-map.json`). Keys other than `features` are ignored."
)]
#[expect(dead_code, reason = "only its schema is used")]
struct MapShape {
    /// Features by name, in the order they are listed.
    features: BTreeMap<String, FeatureBody>,
}

impl JsonSchema for FeatureMap {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("FeatureMap")
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        MapShape::json_schema(generator)
    }
}

/// The JSON Schema of the feature map (for `metalayer schema feature-map`).
#[must_use]
pub fn schema() -> serde_json::Value {
    schemars::schema_for!(FeatureMap).to_value()
}

impl FromIterator<Feature> for FeatureMap {
    fn from_iter<I: IntoIterator<Item = Feature>>(iter: I) -> Self {
        Self::new(iter)
    }
}

impl FeatureMap {
    /// The names of the features, in map order.
    pub fn names(&self) -> impl Iterator<Item = &FeatureName> {
        self.features.iter().map(|f| &f.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = r#"{
        "_doc": "Maps file-path glob patterns to feature areas and E2E test scenarios.",
        "features": {
            "zeta": {"patterns": ["z/**"], "scenarios": ["z works"], "url": "http://z"},
            "alpha": {"patterns": ["a/*"], "description": "ignored"},
            "mid": {"patterns": []}
        }
    }"#;

    #[test]
    fn json_keeps_map_order_and_ignores_other_keys() {
        let map = FeatureMap::from_json_str(SEED).unwrap();
        let names: Vec<_> = map.names().map(FeatureName::as_str).collect();
        assert_eq!(names, ["zeta", "alpha", "mid"]);
        let zeta = map.feature("zeta").unwrap();
        assert_eq!(zeta.url.as_deref(), Some("http://z"));
        assert_eq!(zeta.scenarios, ["z works"]);
        assert!(map.feature("alpha").unwrap().scenarios.is_empty());
    }

    #[test]
    fn duplicate_names_keep_first_position_and_last_body() {
        let map = FeatureMap::from_json_str(
            r#"{"features": {"a": {"patterns": ["1"]}, "b": {}, "a": {"patterns": ["2"]}}}"#,
        )
        .unwrap();
        let names: Vec<_> = map.names().map(FeatureName::as_str).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(map.feature("a").unwrap().patterns, ["2"]);
    }

    #[test]
    fn yaml_same_shape_and_null_body() {
        let map = FeatureMap::from_yaml_str(
            "_doc: x\nfeatures:\n  web:\n    patterns: ['web/**']\n    tests: [npm test]\n  empty:\n",
        )
        .unwrap();
        let names: Vec<_> = map.names().map(FeatureName::as_str).collect();
        assert_eq!(names, ["web", "empty"]);
        assert_eq!(map.feature("web").unwrap().tests, ["npm test"]);
        assert!(map.feature("empty").unwrap().patterns.is_empty());
    }

    #[test]
    fn round_trips_through_json() {
        let map = FeatureMap::from_json_str(SEED).unwrap();
        let text = serde_json::to_string(&map).unwrap();
        assert_eq!(FeatureMap::from_json_str(&text).unwrap(), map);
    }

    #[test]
    fn errors_carry_location() {
        let err =
            FeatureMap::from_json_str("{\"features\": {\"a\": {\"patterns\": 3}}}").unwrap_err();
        let MapError::Parse { line, column, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(*line, Some(1));
        assert!(column.is_some());
        assert!(
            err.to_string()
                .starts_with("invalid JSON feature map at line 1"),
            "{err}"
        );
        let err = FeatureMap::from_yaml_str("features:\n  a:\n    patterns: {x: 1}\n").unwrap_err();
        assert!(
            matches!(err, MapError::Parse { line: Some(3), .. }),
            "{err:?}"
        );
        assert!(
            FeatureMap::from_json_str("{}").is_err(),
            "`features` is required"
        );
    }

    #[test]
    fn schema_describes_features() {
        let schema = schema();
        assert_eq!(schema["title"], "Feature map");
        assert_eq!(schema["required"][0], "features");
        assert_eq!(schema["properties"]["features"]["type"], "object");
    }
}
