//! `metalayer hook <event>`.

use std::io::{Read, Write};
use std::process::ExitCode;

use metalayer_kernel::{
    HookEnv, HookOutcome, HookSub, MAX_EVENT_BYTES, PROBE_ENV, post_tool_use, pre_commit,
    pre_tool_use, probe_answer, session_start, stop,
};

/// Arguments of `metalayer hook`.
#[derive(Debug, PartialEq, Eq, clap::Args)]
pub(crate) struct Args {
    /// The hook event.
    #[arg(value_enum)]
    event: Event,
    /// The harness whose protocol to speak. Default: detected from the event (camelCase
    /// `toolName`: Copilot; `BeforeTool`: Gemini CLI; Cursor's event names: Cursor; `turn_id`:
    /// Codex), else Claude Code.
    #[arg(long, value_enum)]
    harness: Option<Harness>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Event {
    /// Before a tool call: deny, ask, or say nothing. Never an explicit allow.
    PreToolUse,
    /// After a tool call ran (PostToolUse, PostToolUseFailure, AfterTool, postToolUse): when
    /// the call had been asked about, record in the ledger that it ran, its result and the
    /// time since the ask. Never blocks: always exits 0 and prints nothing.
    PostToolUse,
    /// After each turn: capture the session into docs/conversations. Never blocks: always
    /// exits 0 and prints no decision; failures go to stderr and the bridge log.
    #[value(alias = "subagent-stop")]
    Stop,
    /// When a session starts (SessionStart): prints the context the agent starts with (the
    /// repository is governed and how, its latest captured sessions, the rules learned from
    /// earlier sessions) in the harness's form. Never blocks: always exits 0.
    SessionStart,
    /// git's pre-commit hook (installed by `metalayer init --profile autonomous`): exit 1 with
    /// the affected features and their scenarios when the staged files touch mapped features
    /// and no valid `metalayer stamp` covers them, or when it cannot decide; exit 0 otherwise.
    /// Reads no standard input.
    PreCommit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Harness {
    /// Claude Code.
    Claude,
    /// OpenAI Codex CLI (Claude Code's format; asks become denials naming the confirmation).
    Codex,
    /// Gemini CLI (`BeforeTool`; top-level `decision`).
    Gemini,
    /// Cursor (`beforeShellExecution` and file events; `permission`).
    Cursor,
    /// GitHub Copilot (`preToolUse`; camelCase; `permissionDecision`).
    Copilot,
}

impl Harness {
    fn kernel(self) -> metalayer_kernel::Harness {
        match self {
            Harness::Claude => metalayer_kernel::Harness::Claude,
            Harness::Codex => metalayer_kernel::Harness::Codex,
            Harness::Gemini => metalayer_kernel::Harness::Gemini,
            Harness::Cursor => metalayer_kernel::Harness::Cursor,
            Harness::Copilot => metalayer_kernel::Harness::Copilot,
        }
    }
}

/// The arguments of `metalayer hook EVENT [--harness H]` read without building the whole
/// command line interface, or `None` for anything else (clap reads it then, with its help and
/// errors).
///
/// Why: the hook runs before every tool call of every agent, and building clap's model of
/// every subcommand was about 230 k of the 1.2 M instructions of an allowed call (callgrind,
/// December 2026). A test checks that it reads every form it accepts as clap does.
pub(crate) fn quick_args<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Option<Args> {
    use clap::ValueEnum as _;
    let words: Vec<&str> = args
        .iter()
        .map(|a| a.as_ref().to_str())
        .collect::<Option<_>>()?;
    let (hook, rest) = words.get(1..)?.split_first()?;
    if *hook != "hook" {
        return None;
    }
    let event = |w: &str| (!w.starts_with('-')).then(|| Event::from_str(w, false).ok())?;
    let harness = |w: &str| Harness::from_str(w, false).ok();
    match rest {
        [e] => Some(Args {
            event: event(e)?,
            harness: None,
        }),
        [e, flag] => {
            let h = flag.strip_prefix("--harness=")?;
            Some(Args {
                event: event(e)?,
                harness: Some(harness(h)?),
            })
        }
        [e, "--harness", h] => Some(Args {
            event: event(e)?,
            harness: Some(harness(h)?),
        }),
        _ => None,
    }
}

/// The events' names as typed (for the quick reader's test).
#[cfg(test)]
pub(crate) fn event_names() -> Vec<String> {
    use clap::ValueEnum as _;
    Event::value_variants()
        .iter()
        .filter_map(|e| e.to_possible_value().map(|v| v.get_name().to_owned()))
        .collect()
}

/// The harnesses' names as typed (for the quick reader's test).
#[cfg(test)]
pub(crate) fn harness_names() -> Vec<String> {
    use clap::ValueEnum as _;
    Harness::value_variants()
        .iter()
        .filter_map(|h| h.to_possible_value().map(|v| v.get_name().to_owned()))
        .collect()
}

/// Reads standard input, at most `MAX_EVENT_BYTES + 1` bytes.
fn read_stdin() -> std::io::Result<Vec<u8>> {
    let mut input = Vec::new();
    let limit = u64::try_from(MAX_EVENT_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    std::io::stdin()
        .lock()
        .take(limit)
        .read_to_end(&mut input)?;
    Ok(input)
}

pub(crate) fn run(args: &Args) -> ExitCode {
    // A panic must not exit with 101, which the harness treats as "no decision".
    let outcome = std::panic::catch_unwind(|| handle(args)).unwrap_or_else(|_| match args.event {
        Event::PreToolUse => args
            .harness
            .map_or(metalayer_kernel::Harness::Claude, Harness::kernel)
            .blocked("metalayer: internal error while checking this call; blocking it"),
        Event::PostToolUse => HookOutcome::default(),
        Event::Stop => HookOutcome::quiet_failure("metalayer stop hook: internal error"),
        Event::SessionStart => {
            HookOutcome::quiet_failure("metalayer session-start hook: internal error")
        }
        Event::PreCommit => {
            let mut out = HookOutcome::quiet_failure(
                "metalayer pre-commit: internal error; refusing the commit",
            );
            out.exit_code = 1;
            out
        }
    });
    emit(&outcome)
}

fn handle(args: &Args) -> HookOutcome {
    let harness = args
        .harness
        .map_or(metalayer_kernel::Harness::Claude, Harness::kernel);
    // `metalayer audit` checking that the wired command runs metalayer: answer, read nothing.
    if let Some(nonce) = std::env::var_os(PROBE_ENV).filter(|v| !v.is_empty()) {
        let sub = match args.event {
            Event::PreToolUse => Some(HookSub::PreToolUse),
            Event::PostToolUse => Some(HookSub::PostToolUse),
            Event::Stop => Some(HookSub::Stop),
            Event::SessionStart => Some(HookSub::SessionStart),
            Event::PreCommit => None,
        };
        if let Some(sub) = sub {
            return probe_answer(sub, harness, &nonce.to_string_lossy());
        }
    }
    if let Event::PreCommit = args.event {
        // git gives a pre-commit hook no input: standard input may be a terminal.
        let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
        return pre_commit(&cwd);
    }
    let env = match args.harness {
        Some(h) => HookEnv::from_process().with_harness(h.kernel()),
        None => HookEnv::from_process(),
    };
    let input = match read_stdin() {
        Ok(input) => input,
        Err(e) => {
            return match args.event {
                Event::PreToolUse => harness.blocked(&format!(
                    "metalayer: cannot read the hook event from standard input ({e}); blocking the call"
                )),
                Event::PostToolUse => HookOutcome::default(),
                Event::Stop | Event::PreCommit => HookOutcome::quiet_failure(format!(
                    "metalayer stop hook: cannot read the event ({e})"
                )),
                Event::SessionStart => HookOutcome::quiet_failure(format!(
                    "metalayer session-start hook: cannot read the event ({e})"
                )),
            };
        }
    };
    match args.event {
        Event::PreToolUse => pre_tool_use(&input, &env),
        Event::PostToolUse => post_tool_use(&input, &env),
        Event::Stop | Event::PreCommit => stop(&input, &env),
        Event::SessionStart => session_start(&input, &env),
    }
}

fn emit(outcome: &HookOutcome) -> ExitCode {
    let mut code = u8::try_from(outcome.exit_code).unwrap_or(2);
    if !outcome.stdout.is_empty() {
        let mut out = std::io::stdout().lock();
        if out
            .write_all(outcome.stdout.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            // The decision could not be delivered: make the failure a blocking one.
            code = 2;
        }
    }
    if !outcome.stderr.is_empty() {
        let _ = std::io::stderr()
            .lock()
            .write_all(outcome.stderr.as_bytes());
    }
    ExitCode::from(code)
}
