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
    /// Exit status: 0 valid (warnings on stderr), 1 invalid.
    Validate(commands::validate::Args),
    /// Print a JSON Schema of one of metalayer's file formats.
    Schema(commands::schema::Args),
    /// Show which features the staged changes (or a range) touch, and why.
    Affected(commands::affected::Args),
    /// Record that the regression scenarios were run for what is staged now (or clear it).
    ///
    /// The regression gate asks before `git commit` when mapped features are affected; a stamp
    /// holds for `regression.stamp_ttl_seconds` (default 600) and only for the staged tree it
    /// was made for.
    Stamp(commands::stamp::Args),
    /// Capture an agent session into docs/conversations by hand (the Stop hook does it after
    /// every turn).
    Capture(commands::capture::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => commands::check::run(&args),
        Command::Hook(args) => commands::hook::run(&args),
        Command::Validate(args) => commands::validate::run(&args),
        Command::Schema(args) => commands::schema::run(&args),
        Command::Capture(args) => commands::capture::run(&args),
        Command::Affected(args) => commands::affected::run(&args),
        Command::Stamp(args) => commands::stamp::run(&args),
    }
}
