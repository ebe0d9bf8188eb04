//! `metalayer affected`: which features a change touches, and why.

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Context as _;
use metalayer_kernel::regression_map::{self, Affected};
use serde_json::json;

/// Arguments of `metalayer affected`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The staged changes (what `git commit` would contain; the default).
    #[arg(long, conflicts_with = "range")]
    staged: bool,
    /// The changes of a range: `A..B`, `A...B`, or `BRANCH` (its merge base with HEAD..HEAD).
    #[arg(long, value_name = "RANGE")]
    range: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    match affected(args) {
        Ok(text) => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr().lock(), "error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn affected(args: &Args) -> anyhow::Result<String> {
    let cwd = std::env::current_dir()?;
    let root = metalayer_kernel::find_root(&cwd).context("not inside a git repository")?;
    let kernel = metalayer_kernel::Kernel::discover(&root)?;
    let matcher = metalayer_kernel::kernel_feature_map(&kernel, &root)?.with_context(|| {
        "no feature map: write .control/regression-map.yaml (or the seed's scripts/regression-test-map.json)"
    })?;
    let changes = match &args.range {
        Some(range) => regression_map::range_changes(&root, range)?,
        None => regression_map::staged_changes(&root)?,
    };
    let files = regression_map::changed_paths(&changes);
    let result = matcher.affected(files.iter().map(String::as_str));
    let tracked = regression_map::tracked_paths(&root)?;
    let unmatched = matcher.unmatched_patterns(tracked.iter().map(String::as_str));
    let idle: Vec<String> = matcher
        .feature_names()
        .filter(|n| result.feature(n.as_str()).is_none())
        .map(|n| n.as_str().to_owned())
        .collect();
    let warnings: Vec<String> = matcher.warnings().iter().map(ToString::to_string).collect();
    if args.json {
        let value = json!({
            "changed_files": files,
            "affected": result,
            "features_without_changes": idle,
            "patterns_matching_nothing": unmatched,
            "warnings": warnings,
        });
        return Ok(format!("{value:#}\n"));
    }
    Ok(render(&files, &result, &idle, &unmatched, &warnings))
}

fn render(
    files: &[String],
    result: &Affected,
    idle: &[String],
    unmatched: &[regression_map::PatternRef],
    warnings: &[String],
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} changed file{}",
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    );
    if result.features.is_empty() {
        let _ = writeln!(out, "no feature affected");
    }
    for f in &result.features {
        let _ = writeln!(
            out,
            "\n{} ({} file{})",
            f.name,
            f.files.len(),
            if f.files.len() == 1 { "" } else { "s" }
        );
        for m in &f.files {
            let _ = writeln!(out, "  {}  <- `{}`", m.path, m.pattern);
        }
        for s in &f.scenarios {
            let _ = writeln!(out, "  scenario: {s}");
        }
    }
    if !result.uncovered.is_empty() {
        let _ = writeln!(
            out,
            "\nnot covered by any feature: {}",
            result.uncovered.join(", ")
        );
    }
    if !idle.is_empty() {
        let _ = writeln!(out, "\nfeatures with no changed file: {}", idle.join(", "));
    }
    for p in unmatched {
        let _ = writeln!(
            out,
            "warning: pattern `{}` of feature `{}` matches no tracked file (a typo?)",
            p.pattern, p.feature
        );
    }
    for w in warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}
