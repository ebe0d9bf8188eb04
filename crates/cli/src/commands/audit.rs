//! `metalayer audit`: is this repository governed and healthy?

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use metalayer_kernel::find_root;
use metalayer_setup::{AuditOptions, audit, render_audit};
use serde_json::json;

/// Arguments of `metalayer audit`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A folder of the repository to audit; its root is found upward (the nearest folder with
    /// `.git` or `.control`). Default: the current directory.
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Print the report as JSON on standard output: `ok`, `root`, `policy`, `sections` (each
    /// with `checks`: `status`, `subject`, `detail`, `blocking`), `setpoints` (`id`, `name`,
    /// `value`, `status`, `target`, `alert_below`, `alert_above`, `severity`, `measurement`,
    /// `detail`), `failures` and `warnings`.
    #[arg(long)]
    json: bool,
    /// Do not run `command` and `script` measurements (they are reported as unmeasured).
    /// Audit otherwise runs them as shell commands in the repository root (each killed after
    /// its `timeout_seconds`, default 10 s, capped at 600 s): use this for a repository you
    /// do not trust.
    #[arg(long)]
    no_commands: bool,
    /// After how many days without a match in the ledger a gate the repository added itself
    /// (not one the profiles ship) is reported as a candidate to retire or demote. Reported
    /// only once the ledger's history is that old.
    #[arg(long, value_name = "DAYS", default_value_t = 90, value_parser = clap::value_parser!(u64).range(1..=36_500))]
    stale_after: u64,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let start = match &args.dir {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    let Some(root) = find_root(&start) else {
        let message = format!(
            "not inside a repository: no `.git` or `.control` in `{}` or any folder above it; run `git init` and `metalayer init` first",
            start.display()
        );
        if args.json {
            let value = json!({"ok": false, "error": message});
            let _ = writeln!(std::io::stdout().lock(), "{value:#}");
        } else {
            let _ = writeln!(std::io::stderr().lock(), "error: {message}");
        }
        return ExitCode::FAILURE;
    };
    let options = AuditOptions::default()
        .with_commands(!args.no_commands)
        .with_stale_after(std::time::Duration::from_secs(args.stale_after * 86_400));
    let report = audit(&root, &options);
    let text = if args.json {
        // The report itself, not its `Value`: the keys keep the struct's order (`ok` first).
        let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
        text.push('\n');
        text
    } else {
        render_audit(&report)
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
