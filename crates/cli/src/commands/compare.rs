//! `metalayer compare`: rank competing branches against a ticket.
//!
//! The comparison itself is `metalayer-compare`; this module reads the arguments, turns the
//! base's policy into the comparison's evaluation, lends it the kernel's gates and feature map
//! to review each change, prints progress and the scorecard, and raises the cancel flag on
//! Ctrl-C so that commands are killed and worktrees removed before exiting.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use metalayer_compare::{
    BuildStep, CancelFlag, ChangedFile, CompareError, Comparison, CoverageReport, CoverageStep,
    Evaluation, FileStatus, Finding, Host, HostError, LintStep, MeasureStep, Progress, Review,
    TestStep,
};
use metalayer_kernel::policy::{EvaluateSettings, Policy};
use metalayer_kernel::{Decision, Kernel, PolicySource, ToolCall};

/// Arguments of `metalayer compare`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The ticket, as markdown (`-` reads standard input).
    #[arg(long, value_name = "FILE")]
    ticket: PathBuf,
    /// The base the candidates are measured against; its policy says how.
    #[arg(long, value_name = "REF", default_value = "HEAD")]
    base: String,
    /// How many refs are evaluated at once. Default: the number of CPUs.
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Print the scorecard as JSON.
    #[arg(long)]
    json: bool,
    /// The candidates: branches, tags or commits.
    #[arg(value_name = "REF", required = true)]
    refs: Vec<String>,
}

const EXIT_ERROR: u8 = 1;
const EXIT_INTERRUPTED: u8 = 130;

pub(crate) fn run(args: &Args) -> ExitCode {
    match compare(args) {
        Ok(text) => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            let interrupted = e
                .downcast_ref::<CompareError>()
                .is_some_and(|e| matches!(e, CompareError::Cancelled));
            let _ = writeln!(std::io::stderr().lock(), "error: {e:#}");
            ExitCode::from(if interrupted {
                EXIT_INTERRUPTED
            } else {
                EXIT_ERROR
            })
        }
    }
}

fn compare(args: &Args) -> anyhow::Result<String> {
    let ticket = if args.ticket.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    } else {
        std::fs::read_to_string(&args.ticket).map_err(|e| {
            anyhow::anyhow!("cannot read the ticket `{}`: {e}", args.ticket.display())
        })?
    };
    let cancel = CancelFlag::new();
    let flag = cancel.clone();
    // Ctrl-C (and SIGTERM): kill the running commands, remove the worktrees, then exit 130.
    ctrlc::set_handler(move || flag.cancel())?;
    let cwd = std::env::current_dir()?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let host = CliHost;
    let scorecard = Comparison::new(&cwd, ticket)
        .base(&args.base)
        .candidates(args.refs.iter().cloned())
        .jobs(jobs)
        .cancel_flag(cancel)
        .run(&host)?;
    let mut err = std::io::stderr().lock();
    for p in &scorecard.problems {
        let _ = writeln!(err, "note: {p}");
    }
    Ok(if args.json {
        format!("{}\n", serde_json::to_string_pretty(&scorecard)?)
    } else {
        scorecard.to_markdown()
    })
}

/// The binary's host: the base's policy read by metalayer-policy, its gates and feature map.
struct CliHost;

fn parse_policy(text: &str) -> Result<Policy, HostError> {
    metalayer_kernel::policy::load_str(text, "BASE:.control/policy.yaml")
        .map(|l| l.policy)
        .map_err(|e| metalayer_kernel::policy_error_summary(&e).into())
}

/// The policy's `evaluate:` section as the comparison's evaluation.
fn evaluation(e: &EvaluateSettings) -> Evaluation {
    let mut out = Evaluation::default();
    if let Some(t) = &e.test {
        let t = t.detailed();
        let mut step = TestStep::new(t.command);
        if let Some(j) = t.junit {
            step = step.with_junit(j);
        }
        out.test = Some(step);
    }
    if let Some(c) = &e.coverage {
        let report = match (&c.lcov, &c.cobertura) {
            (Some(l), _) => CoverageReport::Lcov(l.clone()),
            (None, Some(x)) => CoverageReport::Cobertura(x.clone()),
            (None, None) => CoverageReport::Lcov("lcov.info".to_owned()),
        };
        out.coverage = Some(CoverageStep::new(c.command.clone(), report));
    }
    if let Some(l) = &e.lint {
        let l = l.detailed();
        let mut step = LintStep::new(l.command);
        if let Some(s) = l.sarif {
            step = step.with_sarif(s);
        }
        out.lint = Some(step);
    }
    if let Some(b) = &e.build {
        let b = b.detailed();
        out.build = Some(BuildStep::new(b.command, b.artifacts));
    }
    for (name, m) in &e.measure {
        let m = m.detailed();
        out.measure
            .insert(name.clone(), MeasureStep::new(m.command, m.unit));
    }
    if let Some(t) = e.timeout_seconds {
        out.timeout = Duration::from_secs(t);
    }
    out
}

impl Host for CliHost {
    fn evaluation(&self, policy: &str) -> Result<Option<Evaluation>, HostError> {
        let loaded = metalayer_kernel::policy::load_str(policy, "BASE:.control/policy.yaml")
            .map_err(|e| HostError::from(metalayer_kernel::policy_error_summary(&e)))?;
        // The warnings about the section (an unknown key is most likely a typo: `tset:`).
        let say = |d: &metalayer_kernel::policy::Diagnostic| match &d.help {
            Some(help) => format!("line {}: {} ({help})", d.line, d.message),
            None => format!("line {}: {}", d.line, d.message),
        };
        let Some(section) = loaded.policy.evaluate.as_ref() else {
            // `evalute:` for `evaluate:`: say so rather than "no section".
            if let Some(d) = loaded.warnings.iter().find(|d| {
                d.help
                    .as_deref()
                    .is_some_and(|h| h.contains("did you mean `evaluate`?"))
            }) {
                return Err(format!("it has no `evaluate:` section; {}", say(d)).into());
            }
            return Ok(None);
        };
        let mut out = evaluation(section);
        out.notes = loaded
            .warnings
            .iter()
            .filter(|d| d.pointer.starts_with("/evaluate"))
            .map(say)
            .collect();
        Ok(Some(out))
    }

    fn review(
        &self,
        policy: Option<&str>,
        files: &[ChangedFile],
        read_base: &dyn Fn(&std::path::Path) -> Option<String>,
    ) -> Review {
        let policy = policy.and_then(|p| parse_policy(p).ok());
        let kernel = match policy.clone() {
            Some(p) => {
                Kernel::from_policy(p, PolicySource::File(PathBuf::from(".control/policy.yaml")))
            }
            None => Kernel::embedded_default(),
        };
        let mut findings = Vec::new();
        if let Ok(kernel) = kernel {
            for f in files {
                // What the gates would have said to the agent: a written file is a Write, a
                // deleted one an `rm` (a deleted hook or policy is as much a change to them).
                let deleted = f.status == FileStatus::Deleted;
                let call = if deleted {
                    let command = format!("rm -- {}", metalayer_kernel::shell_quote(&f.path));
                    ToolCall::new("Bash").with("command", command.as_str())
                } else {
                    ToolCall::new("Write").with("file_path", f.path.as_str())
                };
                let verdict = kernel.decide(&call);
                if verdict.decision() == Decision::Allow {
                    continue;
                }
                if let Some(m) = verdict.matches().first() {
                    findings.push(Finding {
                        path: f.path.clone(),
                        gate: m.id.to_string(),
                        decision: verdict.decision().to_string(),
                        message: if deleted {
                            format!("{} (the candidate deletes it)", m.message)
                        } else {
                            m.message.to_string()
                        },
                    });
                }
            }
        }
        // The base's feature map, looked up as the regression gate does: the policy's
        // `regression.map`, then the defaults.
        let settings = policy.as_ref().and_then(|p| p.regression.as_ref());
        let features = metalayer_kernel::feature_map_at(settings, policy.is_some(), read_base)
            .ok()
            .flatten()
            .map(|m| {
                m.affected(files.iter().map(|f| f.path.as_str()))
                    .features
                    .iter()
                    .map(|f| f.name.to_string())
                    .collect()
            })
            .unwrap_or_default();
        Review::new(features, findings)
    }

    fn progress(&self, event: &Progress<'_>) {
        let mut err = std::io::stderr().lock();
        let _ = match event {
            Progress::Started { name } => {
                writeln!(err, "compare: `{name}`: checking out and evaluating")
            }
            Progress::Step { name, step, run } => {
                let state = if run.succeeded() {
                    "ok".to_owned()
                } else {
                    run.describe()
                };
                #[expect(clippy::cast_precision_loss, reason = "a duration shown to people")]
                let secs = run.duration_ms as f64 / 1000.0;
                writeln!(err, "compare: `{name}`: {step}: {state} ({secs:.1} s)")
            }
            Progress::Finished { name } => writeln!(err, "compare: `{name}`: done"),
            _ => Ok(()),
        };
    }
}
