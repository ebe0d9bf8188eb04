//! `metalayer check`: one decision, explained.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use metalayer_kernel::{Decision, Kernel, PolicySource, ToolCall, Verdict};
use serde_json::json;

/// Arguments of `metalayer check`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The tool of the call (Bash, Write, Edit, MultiEdit, NotebookEdit, Read, ...).
    /// Default: Bash when a command is given, Write when only --file-path is.
    #[arg(long, value_name = "TOOL")]
    tool: Option<String>,
    /// The file the call writes (`tool_input.file_path`).
    #[arg(long, value_name = "PATH")]
    file_path: Option<String>,
    /// The text the call writes (`tool_input.content`).
    #[arg(long, value_name = "TEXT")]
    content: Option<String>,
    /// The policy file to use. Default: `.control/policy.yaml` of the repository around the
    /// current directory, else the embedded default policy.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Print the decision as JSON.
    #[arg(long)]
    json: bool,
    /// The shell command. Several words are joined with spaces; pass the command as one
    /// quoted argument to keep its own quoting.
    #[arg(last = true, value_name = "CMD")]
    command: Vec<String>,
}

const EXIT_ALLOW: u8 = 0;
const EXIT_DENY: u8 = 1;
const EXIT_ASK: u8 = 2;
const EXIT_ERROR: u8 = 3;

pub(crate) fn run(args: &Args) -> ExitCode {
    match decide(args) {
        Ok((kernel, verdict)) => {
            let text = if args.json {
                format!("{}\n", to_json(&kernel, &verdict))
            } else {
                render(&kernel, &verdict)
            };
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::from(match verdict.decision() {
                Decision::Allow => EXIT_ALLOW,
                Decision::Deny => EXIT_DENY,
                Decision::Ask => EXIT_ASK,
            })
        }
        Err(e) => {
            if args.json {
                let value = json!({"decision": "error", "error": format!("{e:#}")});
                let _ = writeln!(std::io::stdout().lock(), "{value}");
            } else {
                let _ = writeln!(std::io::stderr().lock(), "error: {e:#}");
            }
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn decide(args: &Args) -> anyhow::Result<(Kernel, Verdict)> {
    let kernel = match &args.policy {
        Some(path) => Kernel::from_file(path)?,
        None => Kernel::discover(&std::env::current_dir()?)?,
    };
    let command = (!args.command.is_empty()).then(|| args.command.join(" "));
    let tool = match (&args.tool, &command, &args.file_path) {
        (Some(tool), _, _) => tool.clone(),
        (None, Some(_), _) => "Bash".to_owned(),
        (None, None, Some(_)) => "Write".to_owned(),
        (None, None, None) => anyhow::bail!(
            "nothing to check: give a command after `--` (metalayer check -- git status) or a --file-path"
        ),
    };
    let mut call = ToolCall::new(tool);
    if let Some(command) = command {
        call.push("command", command);
    }
    if let Some(path) = &args.file_path {
        call.push("file_path", path.as_str());
    }
    if let Some(content) = &args.content {
        call.push("content", content.as_str());
    }
    let cwd = std::env::current_dir().ok();
    let verdict = kernel.decide_in(&call, cwd.as_deref());
    Ok((kernel, verdict))
}

fn policy_name(kernel: &Kernel) -> String {
    match kernel.source() {
        PolicySource::File(path) => path.display().to_string(),
        _ => metalayer_kernel::EMBEDDED_POLICY_NAME.to_owned(),
    }
}

fn render(kernel: &Kernel, verdict: &Verdict) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "decision: {}", verdict.decision());
    for (i, m) in verdict.matches().iter().enumerate() {
        let role = if i == 0 && m.decision == verdict.decision() {
            "decided by"
        } else {
            "also matched"
        };
        let _ = writeln!(out, "  {role} {} ({}): {}", m.id, m.decision, m.message);
        let _ = writeln!(out, "    matched {} `{}`", m.field, m.subject);
    }
    if let Some(u) = verdict.unverified() {
        let _ = writeln!(out, "  cannot verify: {}", u.describe());
    }
    if let Some(f) = verdict.failure() {
        let _ = writeln!(out, "  engine failure: {f}");
    }
    if let Some(n) = verdict.normalized() {
        let _ = writeln!(out, "normalised commands:");
        for c in n.commands() {
            let _ = writeln!(out, "  {}", c.precise_text());
        }
        if !n.writes().is_empty() {
            let _ = writeln!(out, "writes: {}", n.writes().join(", "));
        }
        if !n.writes_in_folder().is_empty() {
            let _ = writeln!(
                out,
                "writes, from the folder a cd moved to: {}",
                n.writes_in_folder().join(", ")
            );
        }
        if !n.untracked().is_empty() {
            let _ = writeln!(
                out,
                "untracked (out of git's index, left on disk): {}",
                n.untracked().join(", ")
            );
        }
    }
    let _ = writeln!(out, "policy: {}", policy_name(kernel));
    out
}

fn to_json(kernel: &Kernel, verdict: &Verdict) -> serde_json::Value {
    let matches: Vec<serde_json::Value> = verdict
        .matches()
        .iter()
        .map(|m| {
            json!({
                "id": m.id.as_str(),
                "decision": m.decision.as_str(),
                "rule": &*m.message,
                "field": m.field.to_string(),
                "matched": m.subject,
            })
        })
        .collect();
    let normalized = verdict.normalized().map(|n| {
        json!({
            "commands": n.commands().iter().map(|c| json!({
                "text": c.text(),
                "precise": c.precise_text(),
                "depth": c.depth(),
                "inline_code": c.origin() == metalayer_kernel::gates::Origin::InlineCode,
            })).collect::<Vec<_>>(),
            "writes": n.writes(),
            "writes_in_folder": n.writes_in_folder(),
            "untracked": n.untracked(),
        })
    });
    json!({
        "decision": verdict.decision().as_str(),
        "decided_by": verdict.decider().map(|m| m.id.as_str()),
        "reason": metalayer_kernel::verdict_reason(verdict),
        "matches": matches,
        "unverified": verdict.unverified().map(|u| u.describe()),
        "failure": verdict.failure(),
        "normalized": normalized,
        "policy": policy_name(kernel),
    })
}
