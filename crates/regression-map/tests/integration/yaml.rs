//! YAML maps mean what the same map means in JSON: every map written as JSON (which YAML 1.2
//! reads too) and as block YAML reads equal to the JSON reading, and a map's shape errors are
//! placed at their YAML line.

use metalayer_regression_map::{Feature, FeatureMap, MapError};
use proptest::prelude::*;

/// Strings with the characters YAML treats specially: indicators, quotes, `#`, `: `, unicode,
/// leading spaces, number- and bool-like words.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9_/.*-]{0,12}",
        Just("true".to_owned()),
        Just("null".to_owned()),
        Just("123".to_owned()),
        Just("1.5".to_owned()),
        Just("- dash".to_owned()),
        Just("key: value # not a comment".to_owned()),
        Just("'single' and \"double\"".to_owned()),
        Just("  leading and trailing  ".to_owned()),
        Just("!negated/**".to_owned()),
        Just("[bracket]".to_owned()),
        Just("&anchor *alias".to_owned()),
        Just("ünïcödé ☃".to_owned()),
        Just("line\nbreak".to_owned()),
        Just(String::new()),
    ]
}

fn map() -> impl Strategy<Value = FeatureMap> {
    let feature = (
        text(),
        prop::collection::vec(text(), 0..4),
        prop::collection::vec(text(), 0..3),
        proptest::option::of(text()),
        prop::collection::vec(text(), 0..2),
    )
        .prop_map(|(name, patterns, scenarios, url, tests)| {
            let mut f = Feature::new(name, patterns);
            f.scenarios = scenarios;
            f.url = url;
            f.tests = tests;
            f
        });
    prop::collection::vec(feature, 0..6).prop_map(FeatureMap::new)
}

/// A YAML string: JSON's double-quoted form is a valid YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// The map written in block YAML, every string quoted, lists in block and flow style.
fn block_yaml(map: &FeatureMap) -> String {
    let mut out = String::from("# written by the test\nfeatures:\n");
    if map.features().is_empty() {
        return "features: {}\n".to_owned();
    }
    for (i, f) in map.features().iter().enumerate() {
        out.push_str(&format!("  {}:\n", quoted(f.name.as_str())));
        let list = |out: &mut String, key: &str, items: &[String], flow: bool| {
            if items.is_empty() {
                out.push_str(&format!("    {key}: []\n"));
            } else if flow {
                let items: Vec<String> = items.iter().map(|s| quoted(s)).collect();
                out.push_str(&format!("    {key}: [{}]\n", items.join(", ")));
            } else {
                out.push_str(&format!("    {key}:\n"));
                for item in items {
                    out.push_str(&format!("      - {}\n", quoted(item)));
                }
            }
        };
        list(&mut out, "patterns", &f.patterns, i % 2 == 0);
        list(&mut out, "scenarios", &f.scenarios, i % 2 == 1);
        if let Some(url) = &f.url {
            out.push_str(&format!("    url: {}\n", quoted(url)));
        }
        if !f.tests.is_empty() {
            list(&mut out, "tests", &f.tests, false);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn yaml_reads_what_json_reads(map in map()) {
        let compact = serde_json::to_string(&map).unwrap();
        let pretty = serde_json::to_string_pretty(&map).unwrap();
        let from_json = FeatureMap::from_json_str(&compact).unwrap();
        prop_assert_eq!(&from_json, &map);
        prop_assert_eq!(&FeatureMap::from_yaml_str(&compact).unwrap(), &map);
        prop_assert_eq!(&FeatureMap::from_yaml_str(&pretty).unwrap(), &map);
        let block = block_yaml(&map);
        prop_assert_eq!(&FeatureMap::from_yaml_str(&block).unwrap(), &map, "{}", block);
    }
}

#[test]
fn plain_yaml_as_people_write_it() {
    let yaml = "\
# The feature map.
features:
  auth:
    patterns: [src/auth/**, '!src/auth/vendor/**']
    scenarios:
      - log in with a valid password
      - 'lock out: after five failures'
    url: https://example.test/login
  billing: &billing
    patterns:
      - src/billing/**
    scenarios: [charge a card]
  invoices: *billing
";
    let map = FeatureMap::from_yaml_str(yaml).unwrap();
    let names: Vec<&str> = map.features().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["auth", "billing", "invoices"], "map order kept");
    let auth = map.feature("auth").unwrap();
    assert_eq!(auth.patterns, ["src/auth/**", "!src/auth/vendor/**"]);
    assert_eq!(auth.scenarios[1], "lock out: after five failures");
    assert_eq!(
        map.feature("invoices").unwrap().patterns,
        map.feature("billing").unwrap().patterns,
        "an alias is its anchor's value"
    );
}

#[test]
fn shape_errors_point_at_their_yaml_line() {
    for (yaml, line) in [
        ("features:\n  auth:\n    patterns: 5\n", 3),
        (
            "features:\n  a:\n    patterns: [x]\n  b:\n    scenarios: {k: v}\n",
            5,
        ),
        (
            "features:\n  a:\n    patterns:\n      - x\n      - [nested]\n",
            5,
        ),
        ("features: [a, b]\n", 1),
    ] {
        match FeatureMap::from_yaml_str(yaml) {
            Err(MapError::Parse {
                format: "YAML",
                line: Some(got),
                column: Some(_),
                ..
            }) => assert_eq!(got, line, "{yaml}"),
            other => panic!("{yaml}: {other:?}"),
        }
    }
}

#[test]
fn syntax_errors_point_at_their_yaml_line() {
    for (yaml, line) in [
        ("features:\n  a:\n    patterns: [x, y\n  b: {}\n", 4),
        ("features:\n  a: \"unterminated\n", 3),
        ("features: {}\n---\nfeatures: {}\n", 2),
        ("features:\n\tbad: tab\n", 2),
    ] {
        match FeatureMap::from_yaml_str(yaml) {
            Err(MapError::Parse {
                format: "YAML",
                line: Some(got),
                ..
            }) => assert!(got.abs_diff(line) <= 1, "{yaml}: line {got}, wanted {line}"),
            other => panic!("{yaml}: {other:?}"),
        }
    }
}
