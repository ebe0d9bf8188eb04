//! The compiled map: every pattern of every feature in one set, matched once per path.

use std::collections::HashSet;
use std::sync::Arc;

use globset::GlobBuilder;

use crate::affected::{Affected, AffectedFeature, FileMatch, PatternRef};
use crate::dialect::Dialect;
use crate::engine::{Engine, EnginePattern, Scratch, glob_required_literal};
use crate::error::MapError;
use crate::feature::{Feature, FeatureName};
use crate::fnmatch::Fnmatch;
use crate::map::FeatureMap;
use crate::normalize::normalize_path;
use crate::warning::Warning;

/// Paths that together stand for "every file" when checking whether a pattern matches
/// everything (they share no character, so no pattern with a required literal matches all).
const EVERY_FILE_PROBES: &[&str] = &[
    "a",
    ".a",
    "a.b",
    "a/b",
    "a/.b/c.d",
    "A B/c-d/e_f/g.h.i",
    "x/y/z/w/v",
];

/// A compiled feature map. Immutable, `Send + Sync`, and cheap to clone.
#[derive(Debug, Clone)]
pub struct Matcher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    dialect: Dialect,
    engine: Engine,
    /// Engine pattern index → the map pattern it stands for.
    globs: Vec<GlobRef>,
    features: Vec<Feature>,
    warnings: Vec<Warning>,
}

#[derive(Debug, Clone, Copy)]
struct GlobRef {
    feature: usize,
    pattern: usize,
    negated: bool,
}

impl Matcher {
    pub(crate) fn new(map: &FeatureMap, dialect: Dialect) -> Result<Self, MapError> {
        let mut globs = Vec::new();
        let mut warnings = Vec::new();
        let mut patterns = Vec::new();
        for (fi, feature) in map.features().iter().enumerate() {
            if feature.patterns.is_empty() {
                warnings.push((
                    fi,
                    Warning::NoPatterns {
                        feature: feature.name.clone(),
                    },
                ));
            } else if feature.patterns.iter().all(|p| p.starts_with('!')) {
                warnings.push((
                    fi,
                    Warning::OnlyExclusions {
                        feature: feature.name.clone(),
                    },
                ));
            }
            for (pi, written) in feature.patterns.iter().enumerate() {
                let (negated, body) = match written.strip_prefix('!') {
                    Some(body) => (true, body),
                    None => (false, written.as_str()),
                };
                if body.is_empty() {
                    return Err(pattern_error(
                        feature,
                        written,
                        "the pattern is empty",
                        None,
                    ));
                }
                let compiled = match dialect {
                    Dialect::Glob => {
                        let glob = GlobBuilder::new(body)
                            .literal_separator(true)
                            .backslash_escape(true)
                            .build()
                            .map_err(|e| {
                                let message = e.kind().to_string();
                                pattern_error(feature, written, &message, Some(Box::new(e)))
                            })?;
                        EnginePattern {
                            literal: glob_required_literal(body),
                            regex: glob.regex().to_owned(),
                            utf8: false,
                        }
                    }
                    Dialect::Seed => {
                        let parsed = Fnmatch::parse(body);
                        let Some(regex) = parsed.to_regex() else {
                            warnings.push((
                                fi,
                                Warning::NeverMatches {
                                    feature: feature.name.clone(),
                                    pattern: written.clone(),
                                },
                            ));
                            continue;
                        };
                        EnginePattern {
                            literal: parsed.required_literal(),
                            regex,
                            utf8: true,
                        }
                    }
                };
                globs.push(GlobRef {
                    feature: fi,
                    pattern: pi,
                    negated,
                });
                patterns.push(compiled);
            }
        }
        let engine = Engine::new(patterns)?;
        for (i, glob) in globs.iter().enumerate() {
            let candidate = !glob.negated
                && patterns_without_literal(&engine, i)
                && EVERY_FILE_PROBES
                    .iter()
                    .all(|p| engine.pattern_matches(i, p));
            if let (true, Some(feature)) = (candidate, map.features().get(glob.feature)) {
                warnings.push((
                    glob.feature,
                    Warning::MatchesEverything {
                        feature: feature.name.clone(),
                        pattern: feature
                            .patterns
                            .get(glob.pattern)
                            .cloned()
                            .unwrap_or_default(),
                    },
                ));
            }
        }
        // Map order; within a feature, the order found.
        warnings.sort_by_key(|(feature, _)| *feature);
        Ok(Self {
            inner: Arc::new(Inner {
                dialect,
                engine,
                globs,
                features: map.features().to_vec(),
                warnings: warnings.into_iter().map(|(_, w)| w).collect(),
            }),
        })
    }

    /// The dialect the map was compiled in.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        self.inner.dialect
    }

    /// The features of the map, in map order.
    #[must_use]
    pub fn features(&self) -> &[Feature] {
        &self.inner.features
    }

    /// Patterns that compile but probably do not do what was meant (a pattern that matches
    /// every file, a feature that can never be affected).
    #[must_use]
    pub fn warnings(&self) -> &[Warning] {
        &self.inner.warnings
    }

    /// Maps paths (repo-relative; `\` and a leading `./` are normalised) to the features they
    /// affect.
    ///
    /// A file belongs to a feature when one of the feature's patterns matches it and none of its
    /// `!` patterns does. Features come in map order; the files of a feature, and the uncovered
    /// files, in input order without duplicates. Empty paths are skipped.
    pub fn affected<'a, I: IntoIterator<Item = &'a str>>(&self, paths: I) -> Affected {
        let inner = &*self.inner;
        let mut scratch = Scratch::default();
        let mut files: Vec<Vec<FileMatch>> = vec![Vec::new(); inner.features.len()];
        let mut seen = HashSet::new();
        let mut uncovered = Vec::new();
        // (feature, pattern) of each positive hit; the features a `!` pattern excluded.
        let mut positive: Vec<(usize, usize)> = Vec::new();
        let mut excluded: Vec<usize> = Vec::new();
        for raw in paths {
            let path = normalize_path(raw);
            if path.is_empty() || !seen.insert(path.clone()) {
                continue;
            }
            inner.engine.matches_into(&path, &mut scratch);
            positive.clear();
            excluded.clear();
            for glob in scratch.hits.iter().filter_map(|&i| inner.globs.get(i)) {
                if glob.negated {
                    excluded.push(glob.feature);
                } else {
                    positive.push((glob.feature, glob.pattern));
                }
            }
            // Ascending (feature, pattern): the first entry of a feature is its first pattern.
            positive.sort_unstable();
            positive.dedup_by_key(|&mut (feature, _)| feature);
            let mut covered = false;
            for &(feature, pattern) in &positive {
                if excluded.contains(&feature) {
                    continue;
                }
                let Some(written) = inner
                    .features
                    .get(feature)
                    .and_then(|f| f.patterns.get(pattern))
                else {
                    continue;
                };
                if let Some(list) = files.get_mut(feature) {
                    list.push(FileMatch {
                        path: path.clone().into_owned(),
                        pattern: written.clone(),
                    });
                    covered = true;
                }
            }
            if !covered {
                uncovered.push(path.into_owned());
            }
        }
        let features = inner
            .features
            .iter()
            .zip(files)
            .filter(|(_, files)| !files.is_empty())
            .map(|(feature, files)| AffectedFeature {
                name: feature.name.clone(),
                files,
                scenarios: feature.scenarios.clone(),
                url: feature.url.clone(),
                tests: feature.tests.clone(),
            })
            .collect();
        Affected {
            features,
            uncovered,
        }
    }

    /// The patterns (exclusions included) that match none of `all_paths`, in map order: likely
    /// typos or stale entries. Pass every tracked file of the repository.
    pub fn unmatched_patterns<'a>(
        &self,
        all_paths: impl IntoIterator<Item = &'a str>,
    ) -> Vec<PatternRef> {
        let inner = &*self.inner;
        let mut scratch = Scratch::default();
        let mut hit = vec![false; inner.globs.len()];
        for raw in all_paths {
            inner
                .engine
                .matches_into(&normalize_path(raw), &mut scratch);
            for &i in &scratch.hits {
                if let Some(slot) = hit.get_mut(i) {
                    *slot = true;
                }
            }
        }
        let mut matched: HashSet<(usize, usize)> = HashSet::new();
        for (glob, _) in inner.globs.iter().zip(&hit).filter(|(_, hit)| **hit) {
            matched.insert((glob.feature, glob.pattern));
        }
        let mut unmatched = Vec::new();
        for (fi, feature) in inner.features.iter().enumerate() {
            for (pi, pattern) in feature.patterns.iter().enumerate() {
                if !matched.contains(&(fi, pi)) {
                    unmatched.push(PatternRef {
                        feature: feature.name.clone(),
                        pattern: pattern.clone(),
                    });
                }
            }
        }
        unmatched
    }

    /// The names of the features, in map order.
    pub fn feature_names(&self) -> impl Iterator<Item = &FeatureName> {
        self.inner.features.iter().map(|f| &f.name)
    }
}

/// Only patterns without a required literal can match every probe; the others are not
/// compiled just to find that out.
fn patterns_without_literal(engine: &Engine, pattern: usize) -> bool {
    !engine.has_literal(pattern)
}

fn pattern_error(
    feature: &Feature,
    pattern: &str,
    message: &str,
    source: Option<crate::error::BoxError>,
) -> MapError {
    MapError::Pattern {
        feature: feature.name.clone(),
        pattern: pattern.to_owned(),
        message: message.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(features: &[(&str, &[&str])]) -> FeatureMap {
        features
            .iter()
            .map(|(name, patterns)| Feature::new(*name, patterns.iter().copied()))
            .collect()
    }

    fn names(affected: &Affected) -> Vec<&str> {
        affected.features.iter().map(|f| f.name.as_str()).collect()
    }

    #[test]
    fn matcher_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone>() {}
        check::<Matcher>();
    }

    #[test]
    fn glob_dialect_keeps_star_within_a_component() {
        let m = map(&[("ts", &["src/*.ts"]), ("deep", &["src/**/*.ts"])])
            .compile(Dialect::Glob)
            .unwrap();
        let a = m.affected(["src/a.ts", "src/x/b.ts", "lib/src/a.ts"]);
        assert_eq!(names(&a), ["ts", "deep"]);
        assert_eq!(a.features[0].files.len(), 1);
        assert_eq!(a.features[1].files.len(), 2);
        assert_eq!(a.uncovered, ["lib/src/a.ts"]);
    }

    #[test]
    fn seed_dialect_crosses_folders() {
        let m = map(&[("ts", &["src/*.ts"]), ("auth", &["lib/auth.ts"])])
            .compile(Dialect::Seed)
            .unwrap();
        let a = m.affected(["src/a/b.ts", "x/lib/auth.ts", "lib/authx.ts"]);
        assert_eq!(names(&a), ["ts", "auth"]);
        assert_eq!(a.features[0].files[0].path, "src/a/b.ts");
        assert_eq!(a.features[1].files[0].path, "x/lib/auth.ts");
        assert_eq!(a.uncovered, ["lib/authx.ts"]);
    }

    #[test]
    fn exclusions_remove_a_file_from_that_feature_only() {
        for dialect in [Dialect::Glob, Dialect::Seed] {
            let m = map(&[("web", &["web/**", "!web/**/*.md"]), ("docs", &["**/*.md"])])
                .compile(dialect)
                .unwrap();
            let a = m.affected(["web/a.ts", "web/x/README.md"]);
            assert_eq!(a.feature("web").unwrap().files.len(), 1, "{dialect}");
            assert_eq!(a.feature("docs").unwrap().files[0].path, "web/x/README.md");
            let only_excluded = m.affected(["web/y/b.md"]);
            assert!(only_excluded.feature("web").is_none(), "{dialect}");
        }
    }

    #[test]
    fn reports_first_matching_pattern_in_feature_order() {
        let m = map(&[("f", &["**/*.rs", "src/**", "src/lib.rs"])])
            .compile(Dialect::Glob)
            .unwrap();
        let a = m.affected(["src/lib.rs", "src/x.txt"]);
        let files = &a.features[0].files;
        assert_eq!(files[0].pattern, "**/*.rs");
        assert_eq!(files[1].pattern, "src/**");
    }

    #[test]
    fn deduplicates_and_normalises_paths() {
        let m = map(&[("f", &["src/**"])]).compile(Dialect::Glob).unwrap();
        let a = m.affected(["src/a", "./src/a", r"src\a", "b", "./b", ""]);
        assert_eq!(a.features[0].files.len(), 1);
        assert_eq!(a.uncovered, ["b"]);
    }

    #[test]
    fn warnings_name_feature_and_pattern() {
        let m = map(&[
            ("all", &["**"]),
            ("none", &[]),
            ("neg", &["!x"]),
            ("ok", &["*"]),
        ])
        .compile(Dialect::Glob)
        .unwrap();
        let text: Vec<String> = m.warnings().iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "pattern `**` in feature `all` matches every file",
                "feature `none` has no patterns and is never affected",
                "feature `neg` has only `!` exclusions and is never affected",
            ]
        );
        let seed = map(&[("all", &["**"]), ("never", &["[z-a]"])])
            .compile(Dialect::Seed)
            .unwrap();
        assert_eq!(seed.warnings().len(), 2);
        assert!(matches!(seed.warnings()[1], Warning::NeverMatches { .. }));
        assert!(seed.affected(["z"]).feature("never").is_none());
    }

    #[test]
    fn invalid_patterns_name_feature_and_pattern() {
        let err = map(&[("ok", &["a"]), ("bad", &["src/[a-"])])
            .compile(Dialect::Glob)
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid pattern `src/[a-` in feature `bad`"),
            "{err}"
        );
        let err = map(&[("bad", &["!"])]).compile(Dialect::Seed).unwrap_err();
        assert!(matches!(err, MapError::Pattern { ref pattern, .. } if pattern == "!"));
    }

    #[test]
    fn unmatched_patterns_in_map_order() {
        for dialect in [Dialect::Glob, Dialect::Seed] {
            let m = map(&[("a", &["src/**", "srcc/**"]), ("b", &["!nope", "docs/*"])])
                .compile(dialect)
                .unwrap();
            let unmatched = m.unmatched_patterns(["src/x", "docs/y"]);
            let got: Vec<_> = unmatched
                .iter()
                .map(|p| (p.feature.as_str(), p.pattern.as_str()))
                .collect();
            assert_eq!(got, [("a", "srcc/**"), ("b", "!nope")], "{dialect}");
        }
    }

    #[test]
    fn empty_map_affects_nothing() {
        for dialect in [Dialect::Glob, Dialect::Seed] {
            let m = FeatureMap::default().compile(dialect).unwrap();
            let a = m.affected(["a"]);
            assert!(a.is_empty());
            assert_eq!(a.uncovered, ["a"]);
        }
    }
}
