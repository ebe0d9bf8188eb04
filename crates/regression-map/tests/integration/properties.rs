//! Property: the answer for a set of files is the union of the answers for each file alone.

use metalayer_regression_map::{Affected, Dialect, Feature, FeatureMap, FileMatch, Matcher};
use proptest::prelude::*;

/// Patterns over a small alphabet so that random paths hit them often.
fn pattern() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("a".to_owned()),
        Just("b".to_owned()),
        Just("*".to_owned()),
        Just("**".to_owned()),
        Just("?".to_owned()),
        Just("[ab]".to_owned()),
        Just("x.rs".to_owned()),
    ];
    (any::<bool>(), prop::collection::vec(piece, 1..4)).prop_map(|(negated, parts)| {
        format!("{}{}", if negated { "!" } else { "" }, parts.join("/"))
    })
}

fn path() -> impl Strategy<Value = String> {
    let part = prop_oneof![Just("a"), Just("b"), Just("c"), Just("x.rs"), Just("ab")];
    prop::collection::vec(part, 1..5).prop_map(|parts| parts.join("/"))
}

fn map() -> impl Strategy<Value = FeatureMap> {
    prop::collection::vec(prop::collection::vec(pattern(), 0..4), 1..6).prop_map(|features| {
        features
            .into_iter()
            .enumerate()
            .map(|(i, patterns)| Feature::new(format!("f{i}"), patterns))
            .collect()
    })
}

/// The union of the per-file answers, merged the way `affected` documents it.
fn union(matcher: &Matcher, paths: &[String]) -> Affected {
    let mut per_feature: Vec<Vec<FileMatch>> = vec![Vec::new(); matcher.features().len()];
    let mut uncovered: Vec<String> = Vec::new();
    for path in paths {
        let one = matcher.affected([path.as_str()]);
        for feature in one.features {
            let index = matcher
                .features()
                .iter()
                .position(|f| f.name == feature.name)
                .unwrap();
            for file in feature.files {
                if !per_feature[index].contains(&file) {
                    per_feature[index].push(file);
                }
            }
        }
        for file in one.uncovered {
            if !uncovered.contains(&file) {
                uncovered.push(file);
            }
        }
    }
    let whole = matcher.affected(paths.iter().map(String::as_str));
    let features = matcher
        .features()
        .iter()
        .zip(per_feature)
        .filter(|(_, files)| !files.is_empty())
        .map(|(feature, files)| {
            let mut f = whole
                .feature(feature.name.as_str())
                .cloned()
                .unwrap_or_else(|| {
                    panic!(
                        "`{}` is affected by a single file but not by the set",
                        feature.name
                    )
                });
            f.files = files;
            f
        })
        .collect();
    Affected {
        features,
        uncovered,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn set_answer_is_union_of_single_answers(
        map in map(),
        paths in prop::collection::vec(path(), 0..12),
        seed in any::<bool>(),
    ) {
        let dialect = if seed { Dialect::Seed } else { Dialect::Glob };
        let matcher = map.compile(dialect).unwrap();
        let whole = matcher.affected(paths.iter().map(String::as_str));
        prop_assert_eq!(&whole, &union(&matcher, &paths));
        // Every file is either in some feature or uncovered, never both.
        for path in &paths {
            let in_feature = whole.features.iter().any(|f| f.files.iter().any(|m| &m.path == path));
            prop_assert_ne!(in_feature, whole.uncovered.contains(path));
        }
    }

    #[test]
    fn input_order_does_not_change_which_features(
        map in map(),
        mut paths in prop::collection::vec(path(), 0..12),
    ) {
        let matcher = map.compile(Dialect::Glob).unwrap();
        let before: Vec<_> = matcher.affected(paths.iter().map(String::as_str)).features.into_iter().map(|f| f.name).collect();
        paths.reverse();
        let after: Vec<_> = matcher.affected(paths.iter().map(String::as_str)).features.into_iter().map(|f| f.name).collect();
        prop_assert_eq!(before, after);
    }
}

/// A feature's files by the naive rule-by-rule evaluation: one `globset::GlobMatcher` per
/// pattern, a file in when a positive pattern matches and no `!` pattern does.
fn naive_glob(map: &FeatureMap, path: &str) -> Vec<String> {
    let glob = |p: &str| {
        globset::GlobBuilder::new(p)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .unwrap()
            .compile_matcher()
    };
    map.features()
        .iter()
        .filter(|f| {
            let (neg, pos): (Vec<&String>, Vec<&String>) =
                f.patterns.iter().partition(|p| p.starts_with('!'));
            pos.iter().any(|p| glob(p).is_match(path))
                && !neg.iter().any(|p| glob(&p[1..]).is_match(path))
        })
        .map(|f| f.name.to_string())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn compiled_set_equals_naive_glob_evaluation(map in map(), path in path()) {
        let matcher = map.compile(Dialect::Glob).unwrap();
        let got: Vec<String> = matcher
            .affected([path.as_str()])
            .features
            .iter()
            .map(|f| f.name.to_string())
            .collect();
        prop_assert_eq!(got, naive_glob(&map, &path));
    }
}
