//! Reading the reports the commands write: JUnit (through `junit-parser`), LCOV (through
//! `lcov`), Cobertura XML (through `quick-xml`; no maintained Cobertura reader exists), and the
//! findings of a lint command (SARIF, cargo's JSON messages, or `file:line:` lines).

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::Serialize;

/// Test counts from a JUnit XML report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TestCounts {
    /// Test cases that passed.
    pub passed: u64,
    /// Test cases that failed or errored.
    pub failed: u64,
    /// Test cases that were skipped.
    pub skipped: u64,
}

/// Reads test counts from JUnit XML, counting the test cases of every (nested) suite.
///
/// # Errors
/// The parser's message when the XML is not a JUnit report.
pub fn read_junit(reader: impl BufRead) -> Result<TestCounts, String> {
    fn walk(suite: &junit_parser::TestSuite, counts: &mut TestCounts) {
        for case in &suite.cases {
            match case.status {
                junit_parser::TestStatus::Success => counts.passed += 1,
                junit_parser::TestStatus::Error(_) | junit_parser::TestStatus::Failure(_) => {
                    counts.failed += 1;
                }
                junit_parser::TestStatus::Skipped(_) => counts.skipped += 1,
            }
        }
        for inner in &suite.suites {
            walk(inner, counts);
        }
    }
    let suites = junit_parser::from_reader(reader).map_err(|e| e.to_string())?;
    let mut counts = TestCounts::default();
    for suite in &suites.suites {
        walk(suite, &mut counts);
    }
    Ok(counts)
}

/// Line coverage by file: lines found and lines hit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    files: BTreeMap<String, (u64, u64)>,
}

impl Coverage {
    /// Adds the lines of one file (merged with earlier records of the same file).
    pub fn add(&mut self, path: impl Into<String>, found: u64, hit: u64) {
        let entry = self.files.entry(path.into()).or_default();
        entry.0 += found;
        entry.1 += hit;
    }

    /// The files, with lines found and hit.
    pub fn files(&self) -> impl Iterator<Item = (&str, u64, u64)> {
        self.files.iter().map(|(p, (f, h))| (p.as_str(), *f, *h))
    }

    /// Line coverage in percent of the files `filter` accepts; `None` when they have no line.
    pub fn percent_where(&self, filter: impl Fn(&str) -> bool) -> Option<f64> {
        let (found, hit) = self
            .files
            .iter()
            .filter(|(p, _)| filter(p))
            .fold((0u64, 0u64), |(f, h), (_, (ff, hh))| (f + ff, h + hh));
        #[expect(clippy::cast_precision_loss, reason = "a percentage")]
        (found > 0).then(|| hit as f64 * 100.0 / found as f64)
    }

    /// Line coverage of the whole project in percent.
    pub fn percent(&self) -> Option<f64> {
        self.percent_where(|_| true)
    }

    /// Makes every path relative to `root` (reports often hold absolute paths of the worktree).
    pub fn relative_to(self, root: &str) -> Self {
        let root = root.trim_end_matches('/');
        let files = self
            .files
            .into_iter()
            .map(|(p, v)| {
                let rel = p
                    .strip_prefix(root)
                    .map_or(p.as_str(), |r| r.trim_start_matches('/'))
                    .trim_start_matches("./")
                    .to_owned();
                (rel, v)
            })
            .fold(
                BTreeMap::new(),
                |mut acc: BTreeMap<String, (u64, u64)>, (p, (f, h))| {
                    let e = acc.entry(p).or_default();
                    e.0 += f;
                    e.1 += h;
                    acc
                },
            );
        Self { files }
    }
}

/// Whether a file path belongs to a coverage criterion's path: a path prefix (`src/auth`
/// covers `src/auth/login.rs`), or a bare module name matching a path component or a file stem
/// (`auth` covers `src/auth/mod.rs` and `lib/auth.py`), whatever its case; a path is matched
/// as written.
pub fn path_matches(file: &str, wanted: &str) -> bool {
    let wanted = wanted.trim_start_matches("./").trim_end_matches('/');
    if wanted.is_empty() {
        return true;
    }
    if wanted.contains('/') {
        return file == wanted
            || file.starts_with(&format!("{wanted}/"))
            || file.contains(&format!("/{wanted}/"))
            || file.ends_with(&format!("/{wanted}"));
    }
    // A module name (`Auth module`, `the auth package`) is a word: its case is the writer's.
    file.split('/').any(|component| {
        component.eq_ignore_ascii_case(wanted)
            || component
                .split_once('.')
                .is_some_and(|(stem, _)| stem.eq_ignore_ascii_case(wanted))
    })
}

/// Reads an LCOV tracefile. Line counts come from the `DA` records (LF/LH are ignored when DA
/// records exist, since some tools write them inconsistently).
///
/// # Errors
/// The reader's message on a malformed record.
pub fn read_lcov(reader: impl BufRead) -> Result<Coverage, String> {
    use lcov::Record;
    let mut coverage = Coverage::default();
    let mut path: Option<String> = None;
    let (mut da_found, mut da_hit, mut lf, mut lh) = (0u64, 0u64, None, None);
    for record in lcov::Reader::new(reader) {
        match record.map_err(|e| e.to_string())? {
            Record::SourceFile { path: p } => {
                path = Some(p.to_string_lossy().into_owned());
                (da_found, da_hit, lf, lh) = (0, 0, None, None);
            }
            Record::LineData { count, .. } => {
                da_found += 1;
                if count > 0 {
                    da_hit += 1;
                }
            }
            Record::LinesFound { found } => lf = Some(u64::from(found)),
            Record::LinesHit { hit } => lh = Some(u64::from(hit)),
            Record::EndOfRecord => {
                if let Some(p) = path.take() {
                    let (found, hit) = if da_found > 0 {
                        (da_found, da_hit)
                    } else {
                        (lf.unwrap_or(0), lh.unwrap_or(0))
                    };
                    coverage.add(p, found, hit);
                }
            }
            _ => {}
        }
    }
    Ok(coverage)
}

/// Reads a Cobertura XML report: the `<line hits=..>` of each `<class filename=..>`, with the
/// `<source>` folders left off (paths are taken as relative to the project).
///
/// # Errors
/// The XML reader's message.
pub fn read_cobertura(reader: impl BufRead) -> Result<Coverage, String> {
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(reader);
    let mut buf = Vec::new();
    let mut coverage = Coverage::default();
    let mut class: Option<String> = None;
    let mut in_methods = 0usize;
    let mut saw_root = false;
    loop {
        let event = xml.read_event_into(&mut buf).map_err(|e| e.to_string())?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                let attr = |key: &str| -> Option<String> {
                    e.attributes()
                        .flatten()
                        .find(|a| AsRef::<str>::as_ref(&a.key.local_name()) == key)
                        .and_then(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .ok()
                                .map(|v| v.into_owned())
                        })
                };
                match AsRef::<str>::as_ref(&name) {
                    "coverage" => saw_root = true,
                    "class" => {
                        class = attr("filename");
                        if let (Some(p), Event::Empty(_)) = (&class, &event) {
                            coverage.add(p.clone(), 0, 0);
                            class = None;
                        }
                    }
                    "methods" if matches!(event, Event::Start(_)) => in_methods += 1,
                    "line" if in_methods == 0 => {
                        if let Some(p) = &class {
                            let hits: u64 = attr("hits").and_then(|h| h.parse().ok()).unwrap_or(0);
                            coverage.add(p.clone(), 1, u64::from(hits > 0));
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => match AsRef::<str>::as_ref(&e.local_name()) {
                "class" => class = None,
                "methods" => in_methods = in_methods.saturating_sub(1),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_root {
        return Err("not a Cobertura report: no `<coverage>` element".to_owned());
    }
    Ok(coverage)
}

/// Counts the findings of a lint command: the `results` of a SARIF log when `sarif` is given;
/// else, in its output, cargo's JSON diagnostics (`"reason":"compiler-message"` with level
/// warning or error); else lines shaped `path:line:` or starting with `warning:` / `error:`.
pub fn count_lint_findings(output: &str, sarif: Option<&str>) -> Result<u64, String> {
    if let Some(sarif) = sarif {
        let value: serde_json::Value =
            serde_json::from_str(sarif).map_err(|e| format!("SARIF: {e}"))?;
        let runs = value
            .get("runs")
            .and_then(serde_json::Value::as_array)
            .ok_or("SARIF: no `runs` array")?;
        return Ok(runs
            .iter()
            .filter_map(|r| r.get("results").and_then(serde_json::Value::as_array))
            .map(|r| r.len() as u64)
            .sum());
    }
    let mut json_seen = false;
    let mut json_count = 0u64;
    for line in output.lines() {
        let line = line.trim();
        if line.starts_with('{')
            && let Ok(v) = serde_json::from_str::<serde_json::Value>(line)
            && v.get("reason").is_some()
        {
            json_seen = true;
            if v.get("reason").and_then(serde_json::Value::as_str) == Some("compiler-message") {
                let level = v
                    .pointer("/message/level")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("");
                if matches!(level, "warning" | "error") {
                    json_count += 1;
                }
            }
        }
    }
    if json_seen {
        return Ok(json_count);
    }
    Ok(output.lines().filter(|l| is_finding_line(l)).count() as u64)
}

fn is_finding_line(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with("warning:")
        || t.starts_with("error:")
        || t.starts_with("warning[")
        || t.starts_with("error[")
    {
        // cargo's summary lines ("warning: `x` generated 3 warnings") are not findings.
        return !(t.contains("generated") && t.contains("warning"));
    }
    // path:line: or path:line:col:
    let mut parts = t.splitn(3, ':');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(path), Some(line), Some(_))
            if !path.is_empty() && !path.contains(' ') && path.contains('.')
                && !line.is_empty() && line.chars().all(|c| c.is_ascii_digit())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_matching() {
        assert!(path_matches("src/auth/login.rs", "auth"));
        assert!(path_matches("lib/auth.py", "auth"));
        assert!(!path_matches("src/authz.rs", "auth"));
        assert!(path_matches("src/auth/login.rs", "src/auth"));
        assert!(path_matches("src/auth/login.rs", "src/auth/"));
        assert!(!path_matches("src/authz/x.rs", "src/auth"));
        // A module name is a word; a path is as the file system spells it.
        assert!(path_matches("src/auth/login.rs", "Auth"));
        assert!(path_matches("src/AuthService.ts", "authservice"));
        assert!(!path_matches("src/auth/login.rs", "src/Auth"));
    }

    #[test]
    fn lint_lines() {
        let out = "src/a.rs:3:1: unused\nwarning: x\nwarning: `app` (lib) generated 1 warning\nall good\n";
        assert_eq!(count_lint_findings(out, None), Ok(2));
        let cargo = "{\"reason\":\"compiler-message\",\"message\":{\"level\":\"warning\"}}\n{\"reason\":\"build-finished\"}\n";
        assert_eq!(count_lint_findings(cargo, None), Ok(1));
        let sarif = r#"{"runs":[{"results":[{},{}]},{"results":[{}]}]}"#;
        assert_eq!(count_lint_findings("", Some(sarif)), Ok(3));
    }
}
