//! The report readers on fixture files.

use std::io::BufReader;
use std::path::PathBuf;

use metalayer_compare::{TestCounts, read_cobertura, read_junit, read_lcov};

fn data(name: &str) -> BufReader<std::fs::File> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    BufReader::new(std::fs::File::open(path).unwrap())
}

#[test]
fn lcov_line_coverage_by_file() {
    let cov = read_lcov(data("coverage.lcov"))
        .unwrap()
        .relative_to("/tmp/wt");
    let files: Vec<_> = cov.files().collect();
    assert_eq!(files, [("src/auth/login.rs", 4, 3), ("src/main.rs", 2, 0)]);
    assert_eq!(cov.percent(), Some(50.0));
    assert_eq!(
        cov.percent_where(|p| metalayer_compare::path_matches(p, "auth")),
        Some(75.0)
    );
}

#[test]
fn cobertura_counts_class_lines_not_method_lines() {
    let cov = read_cobertura(data("coverage.cobertura.xml")).unwrap();
    assert_eq!(
        cov.files().collect::<Vec<_>>(),
        [("auth/login.py", 4, 3), ("util.py", 2, 0)]
    );
    assert_eq!(cov.percent(), Some(50.0));
}

#[test]
fn junit_counts_nested_suites() {
    let counts = read_junit(data("junit.xml")).unwrap();
    assert_eq!(
        counts,
        TestCounts {
            passed: 2,
            failed: 2,
            skipped: 1
        }
    );
}

#[test]
fn broken_reports_are_errors_not_panics() {
    assert!(read_cobertura(&b"<nope/>"[..]).is_err());
    assert!(read_lcov(&b"DA:x,y\n"[..]).is_err());
}
