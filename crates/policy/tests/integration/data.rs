//! Data-driven cases: every file under `tests/data/valid` loads, every file under
//! `tests/data/invalid` fails; the diagnostics of each (rendered by miette and as JSON) are
//! snapshots.

use std::path::{Path, PathBuf};

use metalayer_policy::{PolicyError, Report, load_str};
use miette::{GraphicalReportHandler, GraphicalTheme};

pub(crate) fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn cases(kind: &str) -> Vec<(String, String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir().join(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no cases in {kind}");
    files
        .into_iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            let name = format!("tests/data/{kind}/{stem}.yaml");
            (stem, name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, report)
        .unwrap();
    out
}

#[test]
fn valid_cases_load_and_their_warnings_are_stable() {
    for (stem, name, text) in cases("valid") {
        let loaded = match load_str(&text, &name) {
            Ok(l) => l,
            Err(e) => panic!(
                "{name} should load: {}",
                e.report().map_or(e.to_string(), render)
            ),
        };
        let report = loaded.warnings_report();
        assert_eq!(report.diagnostics(), loaded.warnings.as_slice());
        assert!(loaded.warnings.iter().all(|d| !d.is_error()));
        insta::assert_snapshot!(format!("valid__{stem}"), render(report));
        insta::assert_json_snapshot!(format!("valid__{stem}__json"), report.to_json());
    }
}

/// The code each invalid case must report (besides whatever else it reports).
fn expected_code(stem: &str) -> &'static str {
    match stem {
        "bad_regex" | "lookaround" => "policy::bad-pattern",
        "duplicate_gate_id" | "duplicate_setpoint_id" => "policy::duplicate-id",
        "broken_indentation" | "tab_indentation" | "unclosed_quote" => "policy::yaml",
        "duplicate_key" => "policy::duplicate-key",
        "wrong_type" | "non_numeric_bound" => "policy::schema",
        "both_bounds" => "policy::setpoint-bounds",
        "unknown_version" => "policy::unsupported-version",
        "soft_gate_no_pattern" => "policy::cannot-fire",
        "many_problems" => "policy::bad-pattern",
        "secrets" => "policy::bad-fingerprint",
        other => panic!("add the expected code of new case `{other}` here"),
    }
}

#[test]
fn invalid_cases_fail_with_every_problem_and_stable_diagnostics() {
    for (stem, name, text) in cases("invalid") {
        let report = match load_str(&text, &name) {
            Err(PolicyError::Invalid(r)) => r,
            Err(other) => panic!("{name}: unexpected error {other}"),
            Ok(_) => panic!("{name} should not load"),
        };
        assert!(report.error_count() >= 1, "{name}");
        let code = expected_code(&stem);
        assert!(
            report.diagnostics().iter().any(|d| d.code == code),
            "{name}: expected {code} in {:#?}",
            report.diagnostics()
        );
        for d in report.diagnostics() {
            assert!(d.line >= 1 && d.column >= 1, "{name}: {d:?}");
            assert!(d.span.offset + d.span.len <= text.len(), "{name}: {d:?}");
        }
        insta::assert_snapshot!(format!("invalid__{stem}"), render(&report));
        insta::assert_json_snapshot!(format!("invalid__{stem}__json"), report.to_json());
    }
}

#[test]
fn many_problems_are_reported_in_one_run() {
    let text = std::fs::read_to_string(data_dir().join("invalid/many_problems.yaml")).unwrap();
    let err = load_str(&text, "many_problems.yaml").unwrap_err();
    let report = err.report().unwrap();
    let codes: Vec<&str> = report.diagnostics().iter().map(|d| d.code).collect();
    for code in [
        "policy::schema",
        "policy::bad-pattern",
        "policy::duplicate-id",
        "policy::unknown-key",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let lines: Vec<usize> = report.diagnostics().iter().map(|d| d.line).collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted, "diagnostics are in file order");
}

/// The hook's fast load (no schema pass, no regex parsing, no positions recorded until a
/// diagnostic needs them) reads every valid case into the same policy with the same
/// warnings, at the same lines, as the full load; and it still refuses every invalid case
/// whose problem is not one only the skipped passes find.
#[test]
fn the_fast_load_agrees_with_the_full_load() {
    use metalayer_policy::{LoadOptions, load_str_with};
    for (_, name, text) in cases("valid") {
        let full = load_str(&text, &name).unwrap();
        let fast = load_str_with(&text, &name, LoadOptions::fast()).unwrap();
        assert_eq!(fast.policy, full.policy, "{name}");
        let lines = |l: &metalayer_policy::Loaded| {
            l.warnings
                .iter()
                .map(|d| (d.line, d.column, d.message.clone()))
                .collect::<Vec<_>>()
        };
        // The full load may add schema and regex findings; everything the fast load says,
        // it says at the same place.
        for warning in lines(&fast) {
            assert!(lines(&full).contains(&warning), "{name}: {warning:?}");
        }
    }
    let mut refused = 0;
    for (stem, name, text) in cases("invalid") {
        let full = load_str(&text, &name).unwrap_err();
        if let Err(fast) = load_str_with(&text, &name, LoadOptions::fast()) {
            refused += 1;
            let (Some(fast), Some(full)) = (fast.report(), full.report()) else {
                continue;
            };
            // A type error the skipped schema pass would have placed surfaces in
            // deserialisation, without a place: callers load again in full to explain it.
            for d in fast
                .diagnostics()
                .iter()
                .filter(|d| d.code != "policy::model")
            {
                assert!(
                    full.diagnostics()
                        .iter()
                        .any(|f| (f.line, f.column, &f.message) == (d.line, d.column, &d.message)),
                    "{stem}: fast says {:?} at {}:{}",
                    d.message,
                    d.line,
                    d.column
                );
            }
        }
    }
    assert!(
        refused >= 8,
        "only {refused} invalid cases refused by the fast load"
    );
}
