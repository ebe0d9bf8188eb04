//! Do the wired hook commands run metalayer? Each command `init` writes (or wrote, in its
//! plain form) is run as the harness runs it, `sh -c COMMAND` in the repository root, with
//! [`PROBE_ENV`] set: metalayer then answers the probe without reading an event or touching
//! a file, and the answer must reach the harness in its blocking form. Commands of another
//! form (a wrapper script, `cargo run …`) are not run: they could do anything.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use metalayer_kernel::Harness;
use metalayer_kernel::{HookForm, PROBE_ENV, parse_hook_command, probe_result};

use super::command::run_shell;
use super::hooks::WiredCommand;
use super::report::AuditCheck;

/// How long one probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest part of a command quoted in a message.
const SHOWN: usize = 80;

fn shown(command: &str) -> String {
    let one_line = command.replace('\n', " ");
    if one_line.chars().count() <= SHOWN {
        one_line
    } else {
        let cut: String = one_line.chars().take(SHOWN).collect();
        format!("{cut}…")
    }
}

/// A nonce for one audit's probes.
fn nonce() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("probe-{:x}-{nanos:x}", std::process::id())
}

/// The checks of every wired command, by settings file: one alert per command that does not
/// run metalayer, a warning per command in the plain form (it fails open) or of another form
/// (not checked), and one ok line per file whose commands all answer.
pub(crate) fn checks(root: &Path, commands: &[WiredCommand], run: bool) -> Vec<AuditCheck> {
    let mut by_file: BTreeMap<&str, Vec<&WiredCommand>> = BTreeMap::new();
    for c in commands {
        by_file.entry(c.file).or_default().push(c);
    }
    let nonce = nonce();
    let root_text = root.display().to_string();
    let mut out = Vec::new();
    for (file, commands) in by_file {
        if !run {
            out.push(AuditCheck::warning(
                file,
                "hook commands not run (--no-commands): not checked that they run metalayer",
            ));
            continue;
        }
        let mut answered = Vec::new();
        let mut binaries = Vec::new();
        let mut problems = Vec::new();
        for c in commands {
            let Some(parsed) = parse_hook_command(&c.command) else {
                problems.push(AuditCheck::warning(
                    file,
                    format!(
                        "{}: `{}` is not the form `metalayer init` writes: not checked that it runs metalayer, nor that a failure to start blocks the call",
                        c.event,
                        shown(&c.command)
                    ),
                ));
                continue;
            };
            let answer_as = parsed.harness.unwrap_or(Harness::Claude);
            let result = run_shell(
                root,
                &c.command,
                &[(PROBE_ENV, &nonce), ("CLAUDE_PROJECT_DIR", &root_text)],
                PROBE_TIMEOUT,
            )
            .and_then(|o| {
                probe_result(parsed.sub, answer_as, &nonce, o.code, &o.stdout, &o.stderr)
            });
            match (result, parsed.form) {
                (Err(why), form) => {
                    let consequence = match (parsed.sub.blocks(), form) {
                        (true, HookForm::Guarded) => {
                            "the harness blocks every gated call until it does; run `metalayer init` again (it records the binary it runs as)"
                        }
                        (true, HookForm::Plain) => {
                            "and in this plain form the harness runs every call unchecked (a hook that cannot start fails open); run `metalayer init`"
                        }
                        (false, _) => "so nothing is recorded from this hook; run `metalayer init`",
                    };
                    problems.push(AuditCheck::alert(
                        file,
                        format!("{}: {why}: {consequence}", c.event),
                    ));
                }
                (Ok(()), HookForm::Plain) if parsed.sub.blocks() => {
                    problems.push(AuditCheck::warning(
                        file,
                        format!(
                            "{}: `{}` runs metalayer, but fails open when it cannot start (moved, not on the harness's PATH): the call then runs unchecked; `metalayer init` rewrites it to block instead",
                            c.event,
                            shown(&c.command)
                        ),
                    ));
                }
                (Ok(()), _) => {
                    answered.push(c.event.clone());
                    if !binaries.contains(&parsed.binary) {
                        binaries.push(parsed.binary.clone());
                    }
                }
            }
        }
        if !answered.is_empty() {
            out.push(AuditCheck::ok(
                file,
                format!(
                    "{} run{} {}",
                    answered.join(", "),
                    if answered.len() == 1 { "s" } else { "" },
                    binaries.join(", ")
                ),
            ));
        }
        out.extend(problems);
    }
    out
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use metalayer_kernel::{HookSub, hook_command};

    fn wired(command: String, sub: HookSub) -> WiredCommand {
        WiredCommand {
            harness: Harness::Claude,
            file: ".claude/settings.json",
            event: "PreToolUse".to_owned(),
            sub,
            command,
        }
    }

    #[test]
    fn a_missing_binary_is_an_alert_and_a_custom_command_is_not_run() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone/metalayer");
        let checks = checks(
            dir.path(),
            &[
                wired(
                    hook_command(Some(&gone), HookSub::PreToolUse, Harness::Claude),
                    HookSub::PreToolUse,
                ),
                wired(
                    format!(
                        "touch {}/ran; metalayer hook pre-tool-use",
                        dir.path().display()
                    ),
                    HookSub::PreToolUse,
                ),
            ],
            true,
        );
        assert_eq!(checks.len(), 2, "{checks:?}");
        assert!(checks[0].fails());
        assert!(
            checks[0]
                .detail
                .contains("does not run metalayer (exit 2: "),
            "{}",
            checks[0].detail
        );
        assert!(
            checks[0].detail.contains("blocks every gated call"),
            "{}",
            checks[0].detail
        );
        assert!(!checks[1].fails());
        assert!(!dir.path().join("ran").exists());
        let skipped = super::checks(dir.path(), &[wired("x".to_owned(), HookSub::Stop)], false);
        assert!(skipped[0].detail.contains("--no-commands"));
    }
}
