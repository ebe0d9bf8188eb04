//! Evaluating one ref in its worktree: the commands of the evaluation and what they leave.

use std::collections::BTreeMap;
use std::io::{BufReader, Write};
use std::path::Path;

use crate::evaluation::{CoverageReport, Evaluation};
use crate::reports::{self, Coverage, TestCounts};
use crate::run::{self, CancelFlag, CommandRun};

/// A coverage report reader.
type ReadCoverage = fn(BufReader<std::fs::File>) -> Result<Coverage, String>;

/// What the commands measured for one ref.
#[derive(Debug, Default)]
pub(crate) struct Measured {
    pub(crate) runs: BTreeMap<String, CommandRun>,
    pub(crate) junit: Option<Result<TestCounts, String>>,
    pub(crate) coverage: Option<Result<Coverage, String>>,
    pub(crate) lint: Option<Result<u64, String>>,
    /// Per artifact: (raw, gzip) bytes, `None` when missing.
    pub(crate) artifacts: Vec<(String, Option<(u64, u64)>)>,
    pub(crate) measures: BTreeMap<String, Result<f64, String>>,
    /// Why the evaluation could not run at all (no worktree, interrupted).
    pub(crate) failure: Option<String>,
}

/// Runs every step of `evaluation` in `dir`: build, test, coverage, lint, then each measure.
/// `on_step` sees each command as it ends.
pub(crate) fn evaluate(
    evaluation: &Evaluation,
    dir: &Path,
    env: &[(&str, &str)],
    cancel: &CancelFlag,
    scratch: &Path,
    on_step: &dyn Fn(&str, &CommandRun),
) -> Measured {
    let mut m = Measured::default();
    let step = |name: String, command: &str, m: &mut Measured| -> Option<bool> {
        if cancel.is_cancelled() {
            return None;
        }
        let r = run::run(command, dir, env, evaluation.timeout, cancel, scratch);
        on_step(&name, &r);
        let ok = r.completed();
        m.runs.insert(name, r);
        Some(ok)
    };
    let file = |rel: &str| dir.join(rel);
    if let Some(build) = &evaluation.build {
        step("build".into(), &build.command, &mut m);
        m.artifacts = build
            .artifacts
            .iter()
            .map(|a| (a.clone(), size_of(&file(a))))
            .collect();
    }
    if let Some(test) = &evaluation.test
        && step("test".into(), &test.command, &mut m) == Some(true)
        && let Some(junit) = &test.junit
    {
        m.junit = Some(
            std::fs::File::open(file(junit))
                .map_err(|e| format!("JUnit report `{junit}`: {e}"))
                .and_then(|f| {
                    reports::read_junit(BufReader::new(f))
                        .map_err(|e| format!("JUnit report `{junit}`: {e}"))
                }),
        );
    }
    if let Some(cov) = &evaluation.coverage
        && step("coverage".into(), &cov.command, &mut m).is_some()
    {
        let (path, read): (&str, ReadCoverage) = match &cov.report {
            CoverageReport::Lcov(p) => (p, reports::read_lcov),
            CoverageReport::Cobertura(p) => (p, reports::read_cobertura),
        };
        let root = dir.to_string_lossy().into_owned();
        let canonical = dir
            .canonicalize()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        m.coverage = Some(
            std::fs::File::open(file(path))
                .map_err(|e| format!("coverage report `{path}`: {e}"))
                .and_then(|f| {
                    read(BufReader::new(f)).map_err(|e| format!("coverage report `{path}`: {e}"))
                })
                .map(|c| c.relative_to(&canonical).relative_to(&root)),
        );
    }
    if let Some(lint) = &evaluation.lint
        && step("lint".into(), &lint.command, &mut m) == Some(true)
        && let Some(r) = m.runs.get("lint")
    {
        let sarif = match &lint.sarif {
            Some(p) => match std::fs::read_to_string(file(p)) {
                Ok(t) => Some(t),
                Err(e) => {
                    m.lint = Some(Err(format!("SARIF file `{p}`: {e}")));
                    None
                }
            },
            None => None,
        };
        if m.lint.is_none() {
            m.lint = Some(reports::count_lint_findings(&r.stdout, sarif.as_deref()));
        }
    }
    for (name, measure) in &evaluation.measure {
        let key = format!("measure.{name}");
        if step(key.clone(), &measure.command, &mut m).is_none() {
            break;
        }
        if let Some(r) = m.runs.get(&key) {
            let value = if r.succeeded() {
                last_number(&r.stdout)
                    .ok_or_else(|| format!("`{}` printed no number", measure.command))
            } else {
                Err(r.describe())
            };
            m.measures.insert(name.clone(), value);
        }
    }
    if cancel.is_cancelled() {
        m.failure = Some("interrupted".to_owned());
    }
    m
}

/// The last number in a command's output.
pub(crate) fn last_number(text: &str) -> Option<f64> {
    text.split(|c: char| {
        !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+')
    })
    .rev()
    .filter_map(|w| {
        w.trim_matches(|c| c == '.' || c == 'e' || c == 'E')
            .parse::<f64>()
            .ok()
    })
    .find(|n| n.is_finite())
}

/// The raw and gzip size of a file, or of every file under a folder.
pub(crate) fn size_of(path: &Path) -> Option<(u64, u64)> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if meta.is_file() {
        return Some((meta.len(), gzip_size(path).unwrap_or(0)));
    }
    if !meta.is_dir() {
        return None;
    }
    let mut total = (0, 0);
    let mut stack = vec![path.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file()
                && let Some((raw, gz)) = size_of(&entry.path())
            {
                total.0 += raw;
                total.1 += gz;
            }
        }
    }
    Some(total)
}

struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn gzip_size(path: &Path) -> std::io::Result<u64> {
    let mut file = std::fs::File::open(path)?;
    let mut encoder = flate2::write::GzEncoder::new(Counter(0), flate2::Compression::default());
    std::io::copy(&mut file, &mut encoder)?;
    Ok(encoder.finish()?.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(last_number("took 1.25 s\n"), Some(1.25));
        assert_eq!(last_number("a 1\nb 2.5e3\n"), Some(2500.0));
        assert_eq!(last_number("none"), None);
    }
}
