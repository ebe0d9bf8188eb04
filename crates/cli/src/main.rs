//! `metalayer`: the governance layer for AI coding agents.
//!
//! This binary only parses arguments, prints and chooses exit codes; the logic lives in the
//! `metalayer-kernel` crate and the crates it composes.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The governance layer for AI coding agents.
///
/// metalayer checks every tool call of an agent (Claude Code, Codex, Gemini CLI, Cursor,
/// Copilot) against the gates of `.control/policy.yaml` before it runs: force pushes to main,
/// destructive resets, recursive deletes of home, writes to secrets files and the like are
/// denied or put to a person, however the command is quoted or wrapped. Without a policy file
/// it uses an embedded default (the governed profile).
///
/// Start with `metalayer check -- git push --force origin main` to see a decision, and
/// `metalayer validate` to check a policy.
#[derive(Debug, Parser)]
#[command(
    name = "metalayer",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decide one tool call and explain the decision.
    ///
    /// Exit status: 0 allow, 1 deny, 2 ask, 3 error (for scripts).
    ///
    /// Examples:
    ///   metalayer check -- git push --force origin main
    ///   metalayer check -- "bash -c 'git reset --hard'"
    ///   metalayer check --tool Write --file-path config/.env.production
    ///   metalayer check --json -- rm -rf ~/
    #[command(verbatim_doc_comment)]
    Check(commands::check::Args),
    /// Speak an agent harness's hook protocol on standard input and output.
    ///
    /// Wire it into the harness's settings file as the README shows for each harness.
    Hook(commands::hook::Args),
    /// Check a policy file and point at every problem.
    ///
    /// Besides syntax, structure and patterns, every gate's `examples` are run through that
    /// gate alone, with the hook's engine: each call under `block` must be stopped by it, each
    /// call under `allow` let through. A gate of `gates.hard` with its examples:
    ///
    ///   id: no-npm
    ///   rule: This project uses pnpm
    ///   pattern: '\bnpm\s+(install|i|ci)\b'
    ///   examples:
    ///     block: ['npm install left-pad', 'sudo npm ci']
    ///     allow: ['pnpm install left-pad', {tool: Bash, command: 'echo npm install'}]
    ///
    /// Exit status: 0 valid (warnings on stderr), 1 invalid.
    #[command(verbatim_doc_comment)]
    Validate(commands::validate::Args),
    /// Print a JSON Schema of one of metalayer's file formats.
    Schema(commands::schema::Args),
    /// Show which features the staged changes (or a range) touch, and why.
    Affected(commands::affected::Args),
    /// Find secrets in what a commit adds (the staged changes, a range) or in files.
    ///
    /// Uses the same rules as the hooks (a Write of a secret is denied, a commit adding one is
    /// refused) and the allowlist of .control/policy.yaml (`secrets.allow`: paths, rule ids,
    /// fingerprints). Each finding shows file:line:column, the rule, a masked form and the
    /// value's fingerprint (`sha256:` + 16 hex digits), never the value itself; put a
    /// fingerprint under `secrets.allow.fingerprints` to allow a known fake value.
    ///
    /// Exit status: 0 nothing found, 1 secrets found, 2 error.
    ///
    /// Examples:
    ///   metalayer scan                       # the staged changes
    ///   metalayer scan --range origin/main..HEAD --sarif > secrets.sarif
    ///   metalayer scan src/ config/app.yaml --json
    #[command(verbatim_doc_comment)]
    Scan(commands::scan::Args),
    /// Record that the regression scenarios were run for what is staged now (or clear it).
    ///
    /// The regression gate asks before `git commit` when mapped features are affected; a stamp
    /// holds for `regression.stamp_ttl_seconds` (default 600) and only for the staged tree it
    /// was made for.
    Stamp(commands::stamp::Args),
    /// Capture an agent session into docs/conversations by hand (the Stop hook does it after
    /// every turn).
    Capture(commands::capture::Args),
    /// Install metalayer into a repository: policy, schemas, docs and the harness's hooks.
    ///
    /// Writes .control/policy.yaml for the profile, an example .control/regression-map.yaml
    /// (governed, autonomous), schemas/*.json, METALAYER.md (the control loop in plain words),
    /// AGENTS.md and CLAUDE.md where missing, .control/ledger/.gitignore, and merges the hooks
    /// into the harness's settings file (.claude/settings.json for Claude Code): every key and
    /// hook you already have is kept. The autonomous profile also installs .git/hooks/pre-commit.
    ///
    /// It never overwrites a file of yours: files it generates say so on their first line, and
    /// only those are rewritten, with --force. A second run changes nothing.
    ///
    /// The hooks run this binary by its absolute path, guarded so that a binary that cannot be
    /// started blocks the call (exit 2, or the harness's JSON deny) instead of letting it run.
    /// Codex, Gemini CLI and Copilot CLI run a project's hooks only once it is trusted: init
    /// says how; --print codex-trust prints Codex's trust records for ~/.codex/config.toml,
    /// --print codex-requirements its managed form for /etc/codex/requirements.toml.
    ///
    /// The policy's hooks_wired setpoint (S12) wants the hooks the harness can wire: Claude
    /// Code gets shell and file gates, the outcome record (PostToolUse) and session capture;
    /// Codex, Gemini and Copilot shell and file gates and the outcome record; Cursor the shell
    /// gate only (plus the git hook with autonomous). Without session capture, the policy
    /// leaves out S13 and S14. An existing policy is kept; init says so when its S12 no longer
    /// matches the hooks wired.
    ///
    /// Profiles:
    ///   baseline    gates only (PreToolUse); no regression gate, no session capture
    ///   governed    gates, regression gate on git commit, Stop-hook session capture, setpoints
    ///   autonomous  governed with more denials and 300 s stamps, plus the git pre-commit hook
    ///
    /// Examples:
    ///   metalayer init
    ///   metalayer init --dry-run
    ///   metalayer init path/to/repo --profile autonomous
    ///   metalayer init --harness gemini --json
    ///   metalayer init --harness codex --print codex-trust   # to merge into ~/.codex/config.toml
    ///   metalayer init --force        # rewrite the generated files you changed
    ///
    /// Exit status: 0 done (or nothing to do), 1 error (a refused settings file: nothing written).
    #[command(verbatim_doc_comment)]
    Init(commands::init::Args),
    /// Check that this repository is governed and healthy: files, hooks, setpoints.
    ///
    /// Sections: 1 Policy (`.control/policy.yaml` present and valid), 2 Governance docs
    /// (METALAYER.md, CLAUDE.md, AGENTS.md), 3 Schemas (present; a stale one is a warning),
    /// 4 Hooks (each harness's settings file and `.git/hooks/pre-commit`: which of shell gate,
    /// file gate, session capture, outcome record and pre-commit gate they wire; that each
    /// wired command runs metalayer, probed with METALAYER_PROBE; that the harness trusts and
    /// will run them), 5 Regression gate (the
    /// feature map parses), 6 Bridge (output folder and index), 7 Ledger (decision counts), then
    /// every setpoint of the policy, measured:
    ///   builtin: governance_files_present, hooks_wired, sessions_captured,
    ///     bridge_freshness_seconds, gate_pass_rate (allows / decisions of the ledger),
    ///     shield_intervention_rate (denies / decisions)
    ///   command / script: run with `sh` in the repository root (default timeout 10 s, or the
    ///     setpoint's timeout_seconds); the last line printed is the value
    ///   file_check: 1 if the file exists, else 0
    ///   free text, function, otel_gauge: reported as unmeasured, never as passing
    /// A setpoint is in alert below alert_below or above alert_above. A blocking setpoint in
    /// alert, or whose command fails, fails the audit; other setpoints only warn.
    ///
    /// Exit status: 0 nothing blocking fails, 1 something does (the last line names each),
    /// or not inside a repository; 2 usage error.
    #[command(verbatim_doc_comment)]
    Audit(commands::audit::Args),
    /// Rank competing branches against a ticket's acceptance criteria.
    ///
    /// Each REF and the base are checked out into temporary worktrees (removed afterwards, also
    /// on Ctrl-C) and measured with the commands of the `evaluate:` section of the BASE's
    /// .control/policy.yaml (never a candidate's): test, coverage, lint, build, named measures,
    /// each under `timeout_seconds`. The ticket's task-list items (under an "Acceptance
    /// Criteria" heading when there is one) become checks: tests pass, coverage >= N%, no new
    /// dependencies (or none > SIZE), a measure < or > a bound, build output size, lint clean,
    /// build succeeds; anything else is manual. Progress goes to standard error.
    ///
    /// Examples:
    ///   metalayer compare --ticket TICKET.md agent-a agent-b agent-c
    ///   gh issue view 42 --json body -q .body | metalayer compare --ticket - --base main a b
    ///   metalayer compare --ticket T.md --jobs 2 --json a b > scorecard.json
    ///
    /// Exit status: 0 scorecard written, 1 error (unknown base, no repository), 130 interrupted.
    #[command(verbatim_doc_comment)]
    Compare(commands::compare::Args),
    /// Find lessons that recur across the captured sessions and the decision ledger.
    ///
    /// Reads the session records the bridge writes beside each session note
    /// (docs/conversations/session-*.jsonl, or the policy's bridge.output), the ledger
    /// (.control/ledger/decisions*.jsonl) and the bullets of AGENTS.md. Kinds of lessons:
    ///   use_instead     a command fails and another program with the same arguments works
    ///                   right after (npm test fails, pnpm test works): "use B, not A"
    ///   repeated_block  the same kind of call denied or refused again and again
    ///   relax_ask       a gate asks and people approve nearly every time (>= 90%)
    ///   correction      the user corrects the agent about the same thing ("don't…",
    ///                   "never…", "always…", "use … instead", "stop…", "no, …")
    ///   broken_rule     a rule of AGENTS.md ("never use npm") that calls keep breaking
    /// A lesson needs --min-sessions distinct sessions (default 3). Each has a stable id
    /// (L-xxxxxxxx, the same in every run), a suggested rule, and for commands a suggested
    /// gate pattern with the commands it must block and let through. Corrupt record or
    /// ledger lines are skipped with a warning naming the file and line.
    ///
    /// Examples:
    ///   metalayer distill
    ///   metalayer distill --since 30d --min-sessions 2
    ///   metalayer distill --json | jq '.lessons[] | {id, kind, rule}'
    ///
    /// Exit status: 0 done (lessons or none), 1 error (no records and no ledger, not inside a
    /// repository).
    #[command(verbatim_doc_comment)]
    Distill(commands::distill::Args),
    /// Write a lesson down: a rule in AGENTS.md, or an ask or deny gate in the policy.
    ///
    /// ID is a lesson of `metalayer distill` (read with the same --since and --min-sessions).
    ///   --to rule  adds the lesson's rule to the marked lessons section of AGENTS.md, with
    ///              the sessions it came from; your own text is never touched
    ///   --to ask   adds a gate to gates.soft of .control/policy.yaml (comments and order
    ///   --to deny  kept; gates.hard for deny) with a pattern derived from the real commands,
    ///              `examples` to block and to allow from history, and its origin
    /// Before writing a gate, every recorded call is replayed through the policy with the new
    /// gate: a gate that would have stopped calls that worked and were not part of the lesson
    /// is refused (exit 1) unless --force. Nothing is written when the result would not
    /// validate or would not honour its own examples; a second promotion changes nothing.
    ///
    /// Examples:
    ///   metalayer distill
    ///   metalayer promote L-1a2b3c4d --to rule --dry-run
    ///   metalayer promote L-1a2b3c4d --to deny
    ///   metalayer promote L-1a2b3c4d --to ask --json | jq .replay
    ///
    /// Exit status: 0 written, already there or dry run; 1 refused (over-broad gate, a result
    /// that would not validate); 2 error (no such lesson, no history, no policy file).
    #[command(verbatim_doc_comment)]
    Promote(commands::promote::Args),
}

fn main() -> ExitCode {
    // The hook, on every tool call: its few forms without clap's whole model.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(hook) = commands::hook::quick_args(&args) {
        return commands::hook::run(&hook);
    }
    let cli = Cli::parse_from(args);
    match cli.command {
        Command::Check(args) => commands::check::run(&args),
        Command::Hook(args) => commands::hook::run(&args),
        Command::Validate(args) => commands::validate::run(&args),
        Command::Schema(args) => commands::schema::run(&args),
        Command::Capture(args) => commands::capture::run(&args),
        Command::Affected(args) => commands::affected::run(&args),
        Command::Stamp(args) => commands::stamp::run(&args),
        Command::Scan(args) => commands::scan::run(&args),
        Command::Init(args) => commands::init::run(&args),
        Command::Audit(args) => commands::audit::run(&args),
        Command::Compare(args) => commands::compare::run(&args),
        Command::Distill(args) => commands::distill::run(&args),
        Command::Promote(args) => commands::promote::run(&args),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::{Cli, Command, commands};

    fn by_clap(args: &[&str]) -> Option<commands::hook::Args> {
        match Cli::try_parse_from(args).ok()?.command {
            Command::Hook(a) => Some(a),
            _ => None,
        }
    }

    /// Every form the hook's quick reader accepts, it reads as clap does; the rest it leaves
    /// to clap.
    #[test]
    fn the_quick_hook_arguments_are_clap_s() {
        let events: Vec<String> = commands::hook::event_names()
            .into_iter()
            .chain(["subagent-stop".to_owned()])
            .collect();
        let harnesses = commands::hook::harness_names();
        for e in &events {
            let mut forms: Vec<Vec<String>> =
                vec![vec!["metalayer".into(), "hook".into(), e.clone()]];
            for h in &harnesses {
                forms.push(vec![
                    "metalayer".into(),
                    "hook".into(),
                    e.clone(),
                    "--harness".into(),
                    h.clone(),
                ]);
                forms.push(vec![
                    "metalayer".into(),
                    "hook".into(),
                    e.clone(),
                    format!("--harness={h}"),
                ]);
            }
            for form in forms {
                let form: Vec<&str> = form.iter().map(String::as_str).collect();
                let quick = commands::hook::quick_args(&form);
                assert!(quick.is_some(), "{form:?}");
                assert_eq!(quick, by_clap(&form), "{form:?}");
            }
        }
        for other in [
            &["metalayer", "hook"][..],
            &["metalayer", "hook", "--help"],
            &["metalayer", "hook", "Pre-Tool-Use"],
            &["metalayer", "hook", "pre-tool-use", "--harness"],
            &["metalayer", "hook", "pre-tool-use", "--harness", "vim"],
            &["metalayer", "hook", "--harness", "codex", "pre-tool-use"],
            &["metalayer", "hook", "pre-tool-use", "extra"],
            &["metalayer", "check", "--", "hook"],
            &["metalayer"],
        ] {
            assert_eq!(commands::hook::quick_args(other), None, "{other:?}");
        }
        // What the quick reader leaves, clap still reads.
        assert!(by_clap(&["metalayer", "hook", "--harness", "codex", "pre-tool-use"]).is_some());
    }
}
