//! The feature-map parsers and the pattern compilers on arbitrary input: no panic, and every
//! path is either in some feature or uncovered, never both.
//!
//! The input is read twice: whole, as a JSON and a YAML map; and line by line, as the patterns
//! of one feature (so that the fnmatch translation and the glob parser see raw patterns, not
//! only the few that survive a JSON parse). A JSON map must read the same through the YAML
//! reader (yaml-rust2 events written as JSON) as through serde_json.
#![no_main]

use libfuzzer_sys::fuzz_target;
use metalayer_regression_map::{Dialect, Feature, FeatureMap};

const PATHS: &[&str] = &[
    "src/lib.rs",
    "src/a/b/c.ts",
    "./x/lib/auth.ts",
    r"win\style\path.md",
    "[weird]/{name},!.txt",
    "é/ü.txt",
    "a",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut maps = Vec::new();
    let from_yaml = FeatureMap::from_yaml_str(text);
    if let Ok(map) = FeatureMap::from_json_str(text) {
        // Differential: JSON is YAML 1.2 (tabs and carriage returns aside, which YAML treats
        // as white space differently), and the YAML reader must read a JSON map the same.
        if !text.contains(['\t', '\r']) && serde_json::from_str::<serde_json::Value>(text).is_ok() {
            match &from_yaml {
                Ok(yaml) => assert_eq!(yaml, &map, "the YAML reading differs from the JSON one"),
                Err(e) => panic!("JSON map refused by the YAML reader: {e}"),
            }
        }
        maps.push(map);
    }
    if let Ok(map) = from_yaml {
        maps.push(map);
    }
    maps.push(FeatureMap::new([Feature::new("lines", text.lines())]));
    let mut extra: Vec<&str> = text.lines().take(4).collect();
    extra.extend_from_slice(PATHS);
    for map in &maps {
        for dialect in [Dialect::Glob, Dialect::Seed] {
            let Ok(matcher) = map.compile(dialect) else { continue };
            for warning in matcher.warnings() {
                let _ = warning.to_string();
            }
            let affected = matcher.affected(extra.iter().copied());
            for path in &affected.uncovered {
                assert!(
                    !affected.features.iter().any(|f| f.files.iter().any(|m| &m.path == path)),
                    "`{path}` is both uncovered and in a feature"
                );
            }
            let _ = matcher.unmatched_patterns(PATHS.iter().copied());
        }
    }
});
