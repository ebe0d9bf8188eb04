//! Snapshots: an `Affected` rendered as JSON, the warnings, and the committed JSON Schema.

use std::path::Path;

use metalayer_regression_map::{Dialect, FeatureMap};

#[test]
fn affected_as_json() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/regression-map.yaml");
    let matcher = FeatureMap::load(&path)
        .unwrap()
        .compile(Dialect::Glob)
        .unwrap();
    let affected = matcher.affected([
        "lib/auth.ts",
        "app/(chat)/page.tsx",
        "app/(chat)/README.md",
        "lib/db/schema.ts",
        "db/001.sql",
        "package.json",
    ]);
    insta::assert_json_snapshot!(affected);
}

#[test]
fn warnings_as_json() {
    let map = FeatureMap::from_yaml_str(
        "features:\n  all: {patterns: ['**']}\n  none: {patterns: []}\n  neg: {patterns: ['!a']}\n",
    )
    .unwrap();
    insta::assert_json_snapshot!(map.compile(Dialect::Glob).unwrap().warnings());
}

#[test]
fn feature_map_schema() {
    insta::assert_json_snapshot!(metalayer_regression_map::schema());
}
