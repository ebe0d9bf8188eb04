//! The hook's fast load (`LoadOptions::fast()`, which reads the block-style subset without
//! yaml-rust2) loads every policy exactly as the same load with positions (always yaml-rust2).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use metalayer_policy::{LoadOptions, Loaded, PolicyError, load_str_with};
use proptest::prelude::*;

/// The fast options, but reading with positions (so with yaml-rust2).
fn with_spans() -> LoadOptions {
    let mut options = LoadOptions::fast();
    options.spans = true;
    options
}

fn outcome(result: Result<Loaded, PolicyError>) -> Result<Loaded, (String, Vec<String>)> {
    result.map_err(|e| {
        let codes = e.report().map_or_else(Vec::new, |r| {
            r.diagnostics()
                .iter()
                .map(|d| format!("{} {}:{} {}", d.code, d.line, d.column, d.message))
                .collect()
        });
        (e.to_string(), codes)
    })
}

/// Loads `text` both ways and asserts the same outcome; returns it.
fn same_both_ways(text: &str) -> Result<Loaded, (String, Vec<String>)> {
    let fast = outcome(load_str_with(text, "p.yaml", LoadOptions::fast()));
    let slow = outcome(load_str_with(text, "p.yaml", with_spans()));
    assert_eq!(fast, slow, "fast load differs on {text:?}");
    fast
}

fn policy_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("../kernel/policies/governed.yaml")];
    for kind in ["valid", "invalid"] {
        let dir = root.join("tests/data").join(kind);
        files.extend(
            std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml")),
        );
    }
    files.sort();
    files
}

#[test]
fn data_files_load_the_same_both_ways() {
    let files = policy_files();
    assert!(files.len() > 20);
    let mut loaded = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        loaded += usize::from(same_both_ways(&text).is_ok());
    }
    assert!(loaded >= 10, "{loaded}");
}

#[test]
fn a_thousand_gate_policy_loads_the_same_both_ways() {
    // The shape of `metalayer_benches::policy_yaml_with_gates(1000)`.
    let mut text = String::from("version: \"1.0\"\nprofile: governed\ngates:\n  hard:\n");
    for i in 0..1000 {
        writeln!(
            text,
            "    - id: N{i}\n      rule: \"Synthetic gate N{i}\"\n      pattern: 'svc{i}\\s+(?:stop|kill|rm)\\s+\\S+'"
        )
        .unwrap();
    }
    let loaded = same_both_ways(&text).unwrap();
    assert_eq!(loaded.policy.gates.hard.len(), 1000);
    assert_eq!(
        loaded.policy.gates.hard[7].pattern.as_deref(),
        Some(r"svc7\s+(?:stop|kill|rm)\s+\S+")
    );
}

#[test]
fn problems_found_on_the_fast_path_point_at_their_lines() {
    // A duplicate key: the fast reader gives up, the builder reports it with its position.
    let err = same_both_ways("version: \"1.0\"\nversion: \"1.0\"\n").unwrap_err();
    assert!(
        err.1
            .iter()
            .any(|d| d.starts_with("policy::duplicate-key 2:1")),
        "{err:?}"
    );
    // A semantic problem in a file the fast reader reads: the load again has positions.
    let err = same_both_ways(
        "version: \"1.0\"\ngates:\n  hard:\n    - id: G1\n      rule: a\n      pattern: x\n    - id: G1\n      rule: b\n      pattern: y\n",
    )
    .unwrap_err();
    assert!(err.1.iter().any(|d| d.contains(" 7:")), "{err:?}");
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// One character of the governed policy replaced, inserted or deleted.
    #[test]
    fn mutated_policies_load_the_same_both_ways(
        at in any::<prop::sample::Index>(),
        op in 0u8..3,
        c in prop::sample::select(&[' ', '\n', ':', '#', '-', '\'', '"', '[', '{', ',', '\\', 'x', '1', '&', '|'][..]),
    ) {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../kernel/policies/governed.yaml"),
        )
        .unwrap();
        let mut chars: Vec<char> = text.chars().collect();
        let i = at.index(chars.len());
        match op {
            0 => chars[i] = c,
            1 => chars.insert(i, c),
            _ => {
                chars.remove(i);
            }
        }
        let _outcome = same_both_ways(&chars.into_iter().collect::<String>());
    }
}

/// The fast load hands the entries of `gates.hard` and `gates.soft` over one at a time; what
/// needs the whole document (a duplicate id across lists, any diagnostic, an entry that is not
/// a gate) still comes out as the load with positions says.
#[test]
fn streamed_gate_lists_load_the_same_both_ways() {
    let head = "version: \"1.0\"\ngates:\n";
    let cases = [
        // Clean: both lists streamed.
        "  hard:\n    - id: G1\n      rule: a\n      pattern: x\n  soft:\n    - id: G2\n      rule: b\n      pattern: y\n",
        // A duplicate id across the two streamed lists, and across a streamed and a kept list.
        "  hard:\n    - id: G1\n      pattern: x\n  soft:\n    - id: G1\n      pattern: y\n",
        "  hard:\n    - id: G1\n      pattern: x\n  governed:\n    - id: G1\n      rule: doc\n",
        "  governed:\n    - id: G1\n      rule: doc\n  hard:\n    - id: G1\n      pattern: x\n",
        // Diagnostics inside a streamed entry: a warning, errors.
        "  hard:\n    - id: G1\n      pattern: x\n      colour: red\n",
        "  hard:\n    - id: G1\n      pattern: x\n      tools: [Bsh]\n",
        "  soft:\n    - id: G1\n      pattern: x\n      field: content\n      match: command\n",
        "  hard:\n    - id: G1\n      tools: [Bash]\n",
        "  hard:\n    - id: G1\n      rule: documentation only\n",
        // Entries that are not gates.
        "  hard:\n    - just text\n",
        "  hard:\n    - rule: no id\n      pattern: x\n",
        "  hard:\n    - id: G1\n      pattern: x\n      match: sometimes\n",
        // A flow list is kept whole; a block list next to it is streamed.
        "  hard: [{id: G1, pattern: x}]\n  soft:\n    - id: G2\n      pattern: y\n",
        // Empty lists.
        "  hard:\n  soft: []\n",
    ];
    let mut loaded = 0;
    for case in cases {
        loaded += usize::from(same_both_ways(&format!("{head}{case}")).is_ok());
    }
    assert_eq!(loaded, 6, "clean cases and warning-only cases load");
    // `gates` below the top level is not the policy's gates.
    let nested =
        "version: \"1.0\"\nmetadata:\n  gates:\n    hard:\n      - id: X1\n        pattern: x\n";
    let loaded = same_both_ways(nested).unwrap();
    assert!(loaded.policy.gates.hard.is_empty());
    assert!(loaded.policy.extra.contains_key("metadata"));
}

/// Found by fuzzing (policy_yaml_fast): in a flow collection, yaml-rust2 refuses a plain
/// scalar that goes on after a space with `-` and then an indicator (`[ )  -]`), where the
/// fast reader read `)  -`; it now leaves such text to yaml-rust2.
#[test]
fn a_dash_after_a_space_in_a_flow_scalar_loads_the_same_both_ways() {
    for text in [
        "- [ )  -] ",
        "x: [a -]",
        "x: [a -, b]",
        "x: [a  -]",
        "x: {a: b -}",
        "x: [a - ]",
        "x: [a - b]",
        "x: [a -b]",
        "x: [-a]",
        "x: a -",
        "x: a - b",
        "- a -",
        "x: [a - #]",
    ] {
        let _ = same_both_ways(text);
    }
}

/// Without warnings, every file loads to the same policy (or fails with the same errors) as
/// the fast load, with no warning reported.
#[test]
fn data_files_load_the_same_without_warnings() {
    let errors = |e: &PolicyError| -> Vec<String> {
        e.report()
            .unwrap()
            .errors()
            .map(|d| format!("{} {}:{}", d.code, d.line, d.column))
            .collect()
    };
    for path in policy_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let quiet = load_str_with(&text, "p.yaml", LoadOptions::fast().without_warnings());
        match (quiet, load_str_with(&text, "p.yaml", LoadOptions::fast())) {
            (Ok(quiet), Ok(fast)) => {
                assert_eq!(quiet.policy, fast.policy, "{}", path.display());
                assert!(quiet.warnings.is_empty(), "{}", path.display());
            }
            (Err(quiet), Err(fast)) => {
                let report = quiet.report().unwrap();
                assert_eq!(
                    report.diagnostics().len(),
                    report.error_count(),
                    "{}",
                    path.display()
                );
                assert_eq!(errors(&quiet), errors(&fast), "{}", path.display());
            }
            (quiet, fast) => panic!("{}: {quiet:?} against {fast:?}", path.display()),
        }
    }
}
