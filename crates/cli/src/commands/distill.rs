//! `metalayer distill`: lessons that recur across captured sessions and the ledger.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use metalayer_kernel::{DistillOptions, distill, find_root, parse_since, render_lessons};
use serde_json::json;

/// Arguments of `metalayer distill`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A folder of the repository; its root is found upward. Default: the current directory.
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Only sessions and ledger lines of the last DURATION: a number and s, m, h, d or w
    /// (`30d`, `12h`, `2w`).
    #[arg(long, value_name = "DURATION", value_parser = since)]
    since: Option<Duration>,
    /// How many distinct sessions a lesson needs.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    min_sessions: u32,
    /// Print the distillation as JSON (`lessons`, `sessions_read`, `calls_read`,
    /// `ledger_read`, `warnings`); `metalayer schema distill` prints its schema.
    #[arg(long)]
    json: bool,
}

fn since(text: &str) -> Result<Duration, String> {
    parse_since(text).ok_or_else(|| {
        format!("`{text}` is no duration: write a number and s, m, h, d or w (30d, 12h, 2w)")
    })
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let start = match &args.dir {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    let fail = |message: String| {
        if args.json {
            let value = json!({"ok": false, "error": message});
            let _ = writeln!(std::io::stdout().lock(), "{value:#}");
        } else {
            let _ = writeln!(std::io::stderr().lock(), "error: {message}");
        }
        ExitCode::FAILURE
    };
    let Some(root) = find_root(&start) else {
        return fail(format!(
            "not inside a repository: no `.git` or `.control` in `{}` or any folder above it",
            start.display()
        ));
    };
    let options = DistillOptions::new(&root)
        .with_since(args.since)
        .with_min_sessions(usize::try_from(args.min_sessions).unwrap_or(usize::MAX));
    let distillation = match distill(&options) {
        Ok(d) => d,
        Err(e) => return fail(e.to_string()),
    };
    if args.json {
        let mut text = serde_json::to_string_pretty(&distillation).unwrap_or_default();
        text.push('\n');
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    } else {
        let mut stderr = std::io::stderr().lock();
        for warning in &distillation.warnings {
            let _ = writeln!(stderr, "warning: {warning}");
        }
        let _ = std::io::stdout()
            .lock()
            .write_all(render_lessons(&distillation).as_bytes());
    }
    ExitCode::SUCCESS
}
