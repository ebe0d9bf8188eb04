//! `metalayer validate`: check a policy file and point at every problem.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use metalayer_kernel::policy::{self, PolicyError};
use miette::{GraphicalReportHandler, GraphicalTheme};
use serde_json::json;

/// Arguments of `metalayer validate`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The policy file. Default: `.control/policy.yaml`, searched from the current directory
    /// upward.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Print the result as JSON on standard output (`valid`, `errors`, `warnings`, and each
    /// diagnostic with its line, column, code and help).
    #[arg(long)]
    json: bool,
}

/// Renders a diagnostic the way miette's graphical handler does: colours only on a terminal.
fn render(diagnostic: &dyn miette::Diagnostic) -> String {
    let theme = if std::io::stderr().is_terminal() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    if handler.render_report(&mut out, diagnostic).is_err() {
        out = format!("{diagnostic}\n");
    }
    out
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let path = match &args.file {
        Some(p) => p.clone(),
        None => {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            match policy::find_policy(&cwd) {
                Some(p) => p,
                None => {
                    let message = format!(
                        "no {} found in {} or any folder above it; pass a FILE, or run `metalayer init` to write one",
                        policy::DEFAULT_POLICY_FILE,
                        cwd.display()
                    );
                    return finish(
                        args.json,
                        false,
                        json!({"valid": false, "error": message}),
                        &message,
                    );
                }
            }
        }
    };
    match policy::load_file(&path) {
        Ok(loaded) => {
            if let Some(problem) = metalayer_kernel::feature_map_diagnostic(
                &path,
                loaded.warnings_report().source(),
                &loaded.policy,
            ) {
                return problems(
                    args.json,
                    &path,
                    &loaded,
                    vec![problem],
                    "its feature map cannot be used",
                );
            }
            let examples = metalayer_kernel::check_examples(&loaded.policy);
            if !examples.failures.is_empty() {
                let source = loaded.warnings_report().source();
                let count = examples.failures.len();
                let found = examples
                    .failures
                    .iter()
                    .map(|f| f.diagnostic(source))
                    .collect();
                let summary = format!(
                    "{count} of {} gate example{} not honoured by {} gate",
                    examples.checked,
                    if examples.checked == 1 { "" } else { "s" },
                    if count == 1 { "its" } else { "their" },
                );
                return problems(args.json, &path, &loaded, found, &summary);
            }
            let report = loaded.warnings_report();
            if !args.json && report.warning_count() > 0 {
                let _ = std::io::stderr()
                    .lock()
                    .write_all(render(report).as_bytes());
            }
            let enforced = loaded
                .policy
                .gates
                .hard
                .iter()
                .chain(&loaded.policy.gates.soft)
                .filter(|g| g.is_enforced())
                .count();
            let honoured = match examples.checked {
                0 => String::new(),
                1 => "1 gate example honoured, ".to_owned(),
                n => format!("{n} gate examples honoured, "),
            };
            let summary = format!(
                "{}: valid ({} enforced gate{}, {honoured}{} setpoint{}, {} warning{})",
                path.display(),
                enforced,
                if enforced == 1 { "" } else { "s" },
                loaded.policy.setpoints.len(),
                if loaded.policy.setpoints.len() == 1 {
                    ""
                } else {
                    "s"
                },
                report.warning_count(),
                if report.warning_count() == 1 { "" } else { "s" },
            );
            let mut value = report.to_json();
            set(&mut value, "valid", json!(true));
            set(&mut value, "enforced_gates", json!(enforced));
            set(&mut value, "examples_checked", json!(examples.checked));
            finish(args.json, true, value, &summary)
        }
        Err(PolicyError::Invalid(report)) => {
            if !args.json {
                let _ = std::io::stderr()
                    .lock()
                    .write_all(render(&report).as_bytes());
            }
            let mut value = report.to_json();
            set(&mut value, "valid", json!(false));
            let summary = format!(
                "{}: invalid ({} error{})",
                path.display(),
                report.error_count(),
                if report.error_count() == 1 { "" } else { "s" }
            );
            finish(args.json, false, value, &summary)
        }
        Err(other) => {
            let message = other.to_string();
            let mut text = message.clone();
            let mut source = std::error::Error::source(&other);
            while let Some(s) = source {
                text.push_str(&format!(": {s}"));
                source = s.source();
            }
            finish(
                args.json,
                false,
                json!({"valid": false, "file": path, "error": text}),
                &text,
            )
        }
    }
}

/// A policy that loads but fails a check made on the loaded policy (a feature map the hooks
/// cannot use, gate examples its gates do not honour): invalid, with those problems and the
/// policy's warnings.
fn problems(
    json_output: bool,
    path: &std::path::Path,
    loaded: &policy::Loaded,
    found: Vec<policy::Diagnostic>,
    why: &str,
) -> ExitCode {
    let warnings = loaded.warnings_report();
    let mut diagnostics = found;
    diagnostics.extend(warnings.diagnostics().iter().cloned());
    let report = policy::Report::new(warnings.name(), warnings.source(), diagnostics);
    if !json_output {
        let _ = std::io::stderr()
            .lock()
            .write_all(render(&report).as_bytes());
    }
    let mut value = report.to_json();
    set(&mut value, "valid", json!(false));
    let summary = format!("{}: invalid ({why})", path.display());
    finish(json_output, false, value, &summary)
}

/// Sets a key of a JSON object (the report is always one).
fn set(value: &mut serde_json::Value, key: &str, v: serde_json::Value) {
    if let Some(map) = value.as_object_mut() {
        map.insert(key.to_owned(), v);
    }
}

fn finish(json_output: bool, valid: bool, value: serde_json::Value, summary: &str) -> ExitCode {
    if json_output {
        let _ = writeln!(std::io::stdout().lock(), "{value:#}");
    } else if valid {
        let _ = writeln!(std::io::stdout().lock(), "{summary}");
    } else {
        let _ = writeln!(std::io::stderr().lock(), "error: {summary}");
    }
    if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
