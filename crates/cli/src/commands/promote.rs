//! `metalayer promote`: a lesson found by `metalayer distill` written down as a rule in
//! AGENTS.md or as a gate in the policy, proven against the recorded history first.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use metalayer_kernel::promote::{self, PromoteError, Target};
use metalayer_kernel::{DistillOptions, distill, find_root, history, parse_since};
use serde_json::json;

/// Arguments of `metalayer promote`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The lesson's id, as `metalayer distill` prints it (`L-1a2b3c4d`).
    #[arg(value_name = "ID")]
    id: String,
    /// What the lesson becomes: `rule` (a bullet in AGENTS.md's lessons section), `ask` or
    /// `deny` (a gate in .control/policy.yaml).
    #[arg(long = "to", value_name = "rule|ask|deny", value_parser = target)]
    to: Target,
    /// Show what would be written (the diff and the replay) and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write the gate even though the replay shows it would have stopped calls that worked
    /// and were not part of the lesson.
    #[arg(long)]
    force: bool,
    /// Read only sessions and ledger lines of the last DURATION (as `distill --since`).
    #[arg(long, value_name = "DURATION", value_parser = since)]
    since: Option<Duration>,
    /// How many distinct sessions a lesson needs (as `distill --min-sessions`).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    min_sessions: u32,
    /// A folder of the repository; its root is found upward. Default: the current directory.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Print the plan as JSON (`lesson`, `target`, `path`, `diff`, `replay`, `gate`,
    /// `written`), or the error (`ok: false`, `error`, `kind`).
    #[arg(long)]
    json: bool,
}

fn target(text: &str) -> Result<Target, String> {
    text.parse::<Target>().map_err(|e| e.to_string())
}

fn since(text: &str) -> Result<Duration, String> {
    parse_since(text).ok_or_else(|| {
        format!("`{text}` is no duration: write a number and s, m, h, d or w (30d, 12h, 2w)")
    })
}

/// Exit status of a refusal (over-broad gate, a result that would not validate).
const REFUSED: u8 = 1;
/// Exit status of an error (no such lesson, not in a repository, unreadable files).
const ERROR: u8 = 2;

pub(crate) fn run(args: &Args) -> ExitCode {
    let report = |code: u8, kind: &str, message: String, extra: serde_json::Value| {
        if args.json {
            let mut value = json!({"ok": false, "kind": kind, "error": message});
            if let (Some(object), serde_json::Value::Object(more)) = (value.as_object_mut(), extra)
            {
                object.extend(more);
            }
            let _ = writeln!(std::io::stdout().lock(), "{value:#}");
        } else {
            let _ = writeln!(std::io::stderr().lock(), "error: {message}");
        }
        ExitCode::from(code)
    };
    let start = match &args.dir {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    let Some(root) = find_root(&start) else {
        return report(
            ERROR,
            "no_repository",
            format!(
                "not inside a repository: no `.git` or `.control` in `{}` or any folder above it",
                start.display()
            ),
            json!({}),
        );
    };
    let options = DistillOptions::new(&root)
        .with_since(args.since)
        .with_min_sessions(usize::try_from(args.min_sessions).unwrap_or(usize::MAX));
    let distillation = match distill(&options) {
        Ok(d) => d,
        Err(e) => return report(ERROR, "no_history", e.to_string(), json!({})),
    };
    if !args.json {
        let mut stderr = std::io::stderr().lock();
        for warning in &distillation.warnings {
            let _ = writeln!(stderr, "warning: {warning}");
        }
    }
    let wanted = args.id.trim();
    let Some(lesson) = distillation
        .lessons
        .iter()
        .find(|l| l.id.as_str().eq_ignore_ascii_case(wanted))
    else {
        let known: Vec<&str> = distillation.lessons.iter().map(|l| l.id.as_str()).collect();
        let listed = if known.is_empty() {
            "there are none at this threshold".to_owned()
        } else {
            format!("the lessons now are {}", known.join(", "))
        };
        return report(
            ERROR,
            "unknown_lesson",
            format!(
                "no lesson `{wanted}` in the recorded history ({listed}); run `metalayer distill` to list them (with the same --since and --min-sessions)"
            ),
            json!({"lessons": known}),
        );
    };
    let (calls, _) = match history(&options) {
        Ok(read) => read,
        Err(e) => return report(ERROR, "no_history", e.to_string(), json!({})),
    };
    let candidate = lesson.candidate();
    let plan = match promote::plan(&root, &candidate, args.to, &calls, args.force) {
        Ok(plan) => plan,
        Err(e @ PromoteError::AlreadyPromoted { .. }) => {
            // Not a failure: the lesson is already where it should be.
            if args.json {
                let value = json!({"ok": true, "already_promoted": true, "written": false, "message": e.to_string()});
                let _ = writeln!(std::io::stdout().lock(), "{value:#}");
            } else {
                let _ = writeln!(std::io::stdout().lock(), "{e}; nothing to do");
            }
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let (code, kind) = match &e {
                PromoteError::OverBroad { .. } => (REFUSED, "over_broad"),
                PromoteError::Unusable { .. } | PromoteError::PolicyInvalid { .. } => {
                    (REFUSED, "invalid")
                }
                PromoteError::NoPolicyFile { .. } => (ERROR, "no_policy_file"),
                _ => (ERROR, "error"),
            };
            let extra = match &e {
                PromoteError::OverBroad { replay, .. } => json!({"replay": replay}),
                _ => json!({}),
            };
            let over_broad = matches!(e, PromoteError::OverBroad { .. });
            let exit = report(code, kind, e.to_string(), extra);
            if over_broad && !args.json {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "hint: narrow the lesson's gate by hand, promote it as a rule (--to rule), or write it anyway with --force"
                );
            }
            return exit;
        }
    };
    let written = if args.dry_run {
        false
    } else {
        match plan.apply() {
            Ok(()) => true,
            Err(e) => return report(ERROR, "write", e.to_string(), json!({})),
        }
    };
    if args.json {
        let mut value = serde_json::to_value(&plan).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.insert("ok".into(), json!(true));
            object.insert("written".into(), json!(written));
        }
        let _ = writeln!(std::io::stdout().lock(), "{value:#}");
    } else {
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "{plan}");
        let _ = writeln!(out);
        let _ = write!(out, "{}", plan.diff());
        let _ = if written {
            writeln!(out, "\nwritten: {}", plan.path().display())
        } else {
            writeln!(
                out,
                "\ndry run: nothing written (run again without --dry-run to write it)"
            )
        };
    }
    ExitCode::SUCCESS
}
