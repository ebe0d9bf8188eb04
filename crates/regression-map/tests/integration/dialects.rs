//! Both dialects on whole maps: the seed's fnmatch quirks against CPython's own answers, the
//! glob dialect of the YAML map, exclusions, order, dedup, uncovered files, unmatched patterns.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use metalayer_regression_map::{Dialect, Feature, FeatureMap, MapError};

fn data(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn names(affected: &metalayer_regression_map::Affected) -> Vec<&str> {
    affected.features.iter().map(|f| f.name.as_str()).collect()
}

/// Every (pattern, path) pair of `seed_fnmatch_cases.json`, whose expected values CPython's
/// `fnmatch` computed, through one map with one feature per pattern.
#[test]
fn seed_dialect_agrees_with_cpython_fnmatch() {
    let text = std::fs::read_to_string(data("seed_fnmatch_cases.json")).unwrap();
    let cases: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut patterns: Vec<String> = Vec::new();
    for case in cases["cases"].as_array().unwrap() {
        let (pattern, path, hit) = (
            case[0].as_str().unwrap(),
            case[1].as_str().unwrap(),
            case[2].as_bool().unwrap(),
        );
        if !patterns.iter().any(|p| p == pattern) {
            patterns.push(pattern.to_owned());
        }
        let entry = expected.entry(path.to_owned()).or_default();
        if hit {
            entry.insert(pattern.to_owned());
        }
    }
    assert!(expected.len() > 40 && patterns.len() > 30);
    // Feature names are the patterns themselves.
    let map: FeatureMap = patterns
        .iter()
        .map(|p| Feature::new(p.as_str(), [p.as_str()]))
        .collect();
    let matcher = map.compile(Dialect::Seed).unwrap();
    let mut disagreements = Vec::new();
    for (path, want) in &expected {
        if path.contains('\\') {
            // Input paths are normalised (`\` is read as `/`); CPython saw the raw name.
            continue;
        }
        let got: BTreeSet<String> = matcher
            .affected([path.as_str()])
            .features
            .iter()
            .map(|f| f.name.to_string())
            .collect();
        if &got != want {
            disagreements.push(format!("{path}: got {got:?}, want {want:?}"));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    let backslash = matcher.affected(["x\\y"]);
    assert!(
        backslash.feature("x\\y").is_none(),
        "`x\\y` is read as `x/y`"
    );
    assert_eq!(backslash.features[0].files[0].path, "x/y");
}

#[test]
fn seed_map_file_end_to_end() {
    let map = FeatureMap::load(&data("regression-test-map.json")).unwrap();
    let matcher = map.compile(Dialect::Seed).unwrap();
    let staged = [
        "web/lib/auth.ts",           // under another folder: the `*/` retry
        "app/(auth)/login/page.tsx", // `*` crosses `/`
        "components/chat-input.tsx",
        "components/ui/dialog/x.tsx", // `components/ui/*` crosses into sub-folders
        "db/migrations/001.sql",      // `*.sql` anywhere
        "README.md",
        "web/lib/auth.ts", // duplicate
    ];
    let affected = matcher.affected(staged);
    assert_eq!(
        names(&affected),
        ["auth", "chat", "ui-components", "database"]
    );
    let auth = affected.feature("auth").unwrap();
    let auth_files: Vec<_> = auth
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.pattern.as_str()))
        .collect();
    assert_eq!(
        auth_files,
        [
            ("web/lib/auth.ts", "lib/auth.ts"),
            ("app/(auth)/login/page.tsx", "app/(auth)/*")
        ]
    );
    assert_eq!(auth.url.as_deref(), Some("http://localhost:3000/login"));
    assert_eq!(auth.scenarios.len(), 2);
    assert_eq!(affected.uncovered, ["README.md"]);
    assert!(matcher.warnings().is_empty());
}

#[test]
fn glob_map_file_end_to_end() {
    let map = FeatureMap::load(&data("regression-map.yaml")).unwrap();
    let matcher = map.compile(Dialect::Glob).unwrap();
    let affected = matcher.affected([
        "web/lib/auth.ts", // no `*/` retry in the glob dialect
        "app/(auth)/login/page.tsx",
        "app/(chat)/page.tsx",
        "app/(chat)/NOTES.md",        // excluded from chat by `!**/*.md`
        "components/ui/dialog/x.tsx", // `*` stays in one component
        "components/ui/button.tsx",
        "db/migrations/001.sql",
    ]);
    assert_eq!(
        names(&affected),
        ["auth", "chat", "ui-components", "database"]
    );
    assert_eq!(affected.feature("chat").unwrap().files.len(), 1);
    assert_eq!(
        affected.feature("chat").unwrap().tests,
        ["npm run test:chat"]
    );
    assert_eq!(
        affected.feature("ui-components").unwrap().files[0].path,
        "components/ui/button.tsx"
    );
    assert_eq!(
        affected.uncovered,
        [
            "web/lib/auth.ts",
            "app/(chat)/NOTES.md",
            "components/ui/dialog/x.tsx"
        ]
    );
}

#[test]
fn the_same_map_reads_differently_in_each_dialect() {
    let map =
        FeatureMap::from_json_str(r#"{"features": {"ts": {"patterns": ["src/*.ts"]}}}"#).unwrap();
    let seed = map.compile(Dialect::Seed).unwrap();
    let glob = map.compile(Dialect::Glob).unwrap();
    for (path, in_seed, in_glob) in [
        ("src/a.ts", true, true),
        ("src/a/b.ts", true, false),
        ("x/src/a.ts", true, false),
        ("src/a.tsx", false, false),
    ] {
        assert_eq!(!seed.affected([path]).is_empty(), in_seed, "seed {path}");
        assert_eq!(!glob.affected([path]).is_empty(), in_glob, "glob {path}");
    }
}

#[test]
fn map_order_not_input_order_and_files_in_input_order() {
    let map = FeatureMap::from_yaml_str(
        "features:\n  z: {patterns: ['z/**']}\n  a: {patterns: ['a/**', 'z/**']}\n",
    )
    .unwrap();
    let m = map.compile(Dialect::Glob).unwrap();
    let affected = m.affected(["a/2", "z/1", "a/1", "a/2"]);
    assert_eq!(names(&affected), ["z", "a"]);
    let a: Vec<_> = affected.features[1]
        .files
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(a, ["a/2", "z/1", "a/1"]);
}

#[test]
fn unmatched_patterns_find_typos() {
    let map = FeatureMap::load(&data("regression-map.yaml")).unwrap();
    let m = map.compile(Dialect::Glob).unwrap();
    let tracked = [
        "app/(auth)/page.tsx",
        "lib/auth.ts",
        "lib/ai/x.ts",
        "components/ui/b.tsx",
    ];
    let unmatched: Vec<String> = m
        .unmatched_patterns(tracked)
        .iter()
        .map(|p| format!("{}:{}", p.feature, p.pattern))
        .collect();
    assert_eq!(
        unmatched,
        [
            "auth:middleware.ts",
            "chat:app/(chat)/**",
            "chat:components/chat*.tsx",
            "chat:!**/*.md",
            "database:lib/db/**",
            "database:**/*.sql",
        ]
    );
}

#[test]
fn load_reports_the_file_and_format() {
    let err = FeatureMap::load(Path::new("/nonexistent/map.json")).unwrap_err();
    assert!(matches!(err, MapError::Read { .. }));
    assert!(err.to_string().contains("/nonexistent/map.json"), "{err}");
    let err = FeatureMap::load(Path::new("map.toml")).unwrap_err();
    assert!(matches!(err, MapError::UnknownFormat { .. }), "{err}");
}
