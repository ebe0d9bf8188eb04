//! The hook commands `init` writes into a harness's settings file, and reading them back.
//!
//! A harness runs a hook command through a shell. When `metalayer` cannot be started (not on
//! the harness's `PATH`, moved, deleted, not executable), the shell exits 127, and Claude Code
//! and Codex treat that as a non-blocking error: the tool call runs. A gate that silently
//! disappears is the one failure a governance layer must not have, so every command `init`
//! writes
//!
//! - names the binary by the absolute path it was installed from (quoted for the shell, so a
//!   path with spaces works), and
//! - wraps it in a POSIX-shell guard that turns any failure into the harness's blocking
//!   answer: exit 2 with a reason on standard error for Claude Code, Codex and Gemini CLI (when
//!   metalayer itself exits 2, its own reason is already on standard error and the guard adds
//!   nothing), the harness's JSON deny with exit 0 for Copilot and Cursor. A hook that must
//!   never block (post-tool-use, stop) gets a guard that exits 1 with the reason instead, a
//!   non-blocking error that every harness shows.
//!
//! Codex runs hook commands with the user's login shell (`$SHELL -lc`), which may not be a
//! POSIX shell, so its commands hand the guard to `sh -c` and pass the binary as `$0`.
//!
//! [`PROBE_ENV`] lets `metalayer audit` check that a wired command really runs metalayer:
//! with it set, `metalayer hook` reads nothing, records nothing and answers a probe.

use std::path::Path;

use crate::harness::Harness;
use crate::outcome::HookOutcome;

/// The environment variable that turns `metalayer hook <event>` into a probe: it reads no
/// event, touches no file, and answers with the variable's value (a nonce) and its version on
/// standard error; the pre-tool-use hook answers it with the harness's blocking form, so that
/// the audit also sees the block reach the harness. A probe never lets a call through: a
/// harness started with the variable set has every call blocked.
pub const PROBE_ENV: &str = "METALAYER_PROBE";

/// A `metalayer hook` event that a harness's settings run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HookSub {
    /// `metalayer hook pre-tool-use`: the gate; its failure must block the call.
    PreToolUse,
    /// `metalayer hook post-tool-use`: records the outcome of an asked call; never blocks.
    PostToolUse,
    /// `metalayer hook stop`: session capture; never blocks.
    Stop,
    /// `metalayer hook session-start`: the context a session starts with; never blocks.
    SessionStart,
}

impl HookSub {
    /// Every event, in the order the settings list them.
    pub const ALL: [HookSub; 4] = [
        HookSub::PreToolUse,
        HookSub::PostToolUse,
        HookSub::Stop,
        HookSub::SessionStart,
    ];

    /// The subcommand (`pre-tool-use`, `post-tool-use`, `stop`, `session-start`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            HookSub::PreToolUse => "pre-tool-use",
            HookSub::PostToolUse => "post-tool-use",
            HookSub::Stop => "stop",
            HookSub::SessionStart => "session-start",
        }
    }

    /// Whether a failure of this hook must block the tool call (only the gate's).
    #[must_use]
    pub fn blocks(self) -> bool {
        self == HookSub::PreToolUse
    }

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "pre-tool-use" => Some(HookSub::PreToolUse),
            "post-tool-use" => Some(HookSub::PostToolUse),
            "stop" | "subagent-stop" => Some(HookSub::Stop),
            "session-start" => Some(HookSub::SessionStart),
            _ => None,
        }
    }
}

/// Quotes a word for a POSIX shell: in single quotes, each `'` written `'\''`. A word made
/// only of characters no shell treats specially is left as it is.
#[must_use]
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'/' | b'.' | b'_' | b'-' | b'+' | b'@' | b':' | b',')
        });
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The `--harness NAME` argument: none for Claude Code, the default.
fn harness_arg(harness: Harness) -> String {
    match harness {
        Harness::Claude => String::new(),
        other => format!(" --harness {}", other.name()),
    }
}

/// The guard after `metalayer hook SUB …`: what the shell does when metalayer exits non-zero.
fn guard(sub: HookSub, harness: Harness) -> String {
    let name = sub.name();
    if !sub.blocks() {
        return format!(
            "|| {{ s=$?; echo \"metalayer hook {name} could not run (exit $s); run metalayer audit\" >&2; exit 1; }}"
        );
    }
    let reason = |code: &str| {
        format!(
            "metalayer hook {name} could not run (exit {code}): this call is blocked; run metalayer audit"
        )
    };
    match harness {
        Harness::Claude | Harness::Codex | Harness::Gemini => format!(
            "|| {{ s=$?; [ $s -eq 2 ] || echo \"{}\" >&2; exit 2; }}",
            reason("$s")
        ),
        Harness::Copilot => format!(
            "|| {{ s=$?; printf '{{\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"{}\"}}\\n' \"$s\"; exit 0; }}",
            reason("%s")
        ),
        Harness::Cursor => format!(
            "|| {{ s=$?; printf '{{\"permission\":\"deny\",\"user_message\":\"{r}\",\"agent_message\":\"{r}\"}}\\n' \"$s\" \"$s\"; exit 0; }}",
            r = reason("%s")
        ),
    }
}

/// The command a harness's settings run for `sub`, with `binary` (an absolute path; `None`:
/// `metalayer`, found on the harness's `PATH`) and the guard for the harness.
///
/// ```
/// use std::path::Path;
/// use metalayer_kernel::{Harness, HookSub, hook_command};
///
/// let claude = hook_command(Some(Path::new("/opt/my tools/metalayer")), HookSub::PreToolUse, Harness::Claude);
/// assert_eq!(
///     claude,
///     "'/opt/my tools/metalayer' hook pre-tool-use || { s=$?; [ $s -eq 2 ] || echo \"metalayer hook pre-tool-use could not run (exit $s): this call is blocked; run metalayer audit\" >&2; exit 2; }"
/// );
/// let codex = hook_command(Some(Path::new("/usr/bin/metalayer")), HookSub::PreToolUse, Harness::Codex);
/// assert!(codex.starts_with("sh -c '\"$0\" hook pre-tool-use --harness codex || {"));
/// assert!(codex.ends_with("' /usr/bin/metalayer"));
/// ```
#[must_use]
pub fn hook_command(binary: Option<&Path>, sub: HookSub, harness: Harness) -> String {
    let bin = binary.map_or_else(
        || "metalayer".to_owned(),
        |p| shell_quote(&p.to_string_lossy()),
    );
    let tail = format!(
        "hook {}{} {}",
        sub.name(),
        harness_arg(harness),
        guard(sub, harness)
    );
    match harness {
        // The guard goes to `sh`, whatever the login shell Codex runs the command with.
        Harness::Codex => format!("sh -c '\"$0\" {tail}' {bin}"),
        _ => format!("{bin} {tail}"),
    }
}

/// How a hook command that runs metalayer is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookForm {
    /// Exactly what [`hook_command`] writes (for the binary it names).
    Guarded,
    /// `BINARY hook SUB [--harness NAME]` and nothing else, `BINARY` named `metalayer`: the
    /// wiring of earlier versions, which fails open when the binary cannot be started.
    Plain,
}

/// A hook command read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedHook {
    /// The binary as the shell sees it (unquoted): an absolute path, or a name looked up on
    /// `PATH`.
    pub binary: String,
    /// The event.
    pub sub: HookSub,
    /// The `--harness` argument, if any.
    pub harness: Option<Harness>,
    /// Guarded or plain.
    pub form: HookForm,
}

impl ParsedHook {
    /// The binary as `init` would record it: `None` for a bare `metalayer`.
    #[must_use]
    pub fn binary_path(&self) -> Option<&Path> {
        (self.binary != "metalayer").then(|| Path::new(&self.binary))
    }
}

/// Reads a hook command written by [`hook_command`] (for any binary) or in the plain form of
/// earlier versions; anything else (a wrapper script, `cargo run …`, a command edited by
/// hand) is `None`.
#[must_use]
pub fn parse_hook_command(command: &str) -> Option<ParsedHook> {
    let command = command.trim();
    let words = shell_words(command)?;
    let (binary, rest): (String, Vec<String>) = match words.as_slice() {
        [sh, c, script, bin] if sh == "sh" && c == "-c" => {
            let inner = shell_words(script)?;
            let (first, rest) = inner.split_first()?;
            if first != "$0" {
                return None;
            }
            (bin.clone(), rest.to_vec())
        }
        [bin, rest @ ..] => (bin.clone(), rest.to_vec()),
        [] => return None,
    };
    let (hook, rest) = rest.split_first()?;
    let (sub, rest) = rest.split_first()?;
    if hook != "hook" {
        return None;
    }
    let sub = HookSub::from_name(sub)?;
    let (harness, rest) = match rest {
        [flag, name, rest @ ..] if flag == "--harness" => {
            let harness = Harness::ALL.into_iter().find(|h| h.name() == name)?;
            (Some(harness), rest)
        }
        _ => (None, rest),
    };
    let mut parsed = ParsedHook {
        binary,
        sub,
        harness,
        form: HookForm::Plain,
    };
    let as_written = parsed.harness.unwrap_or(Harness::Claude);
    if hook_command(parsed.binary_path(), sub, as_written) == command {
        parsed.form = HookForm::Guarded;
        return Some(parsed);
    }
    let name = Path::new(&parsed.binary)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let plain = rest.is_empty()
        && matches!(name, "metalayer" | "metalayer.exe")
        && !command.starts_with("sh ");
    plain.then_some(parsed)
}

/// Splits a command into words the way a POSIX shell would for the simple commands this
/// module writes: white space separates words; single quotes, double quotes (with `\"`, `\\`,
/// `` \` `` and `\$` escapes) and backslashes quote. `None` for an unterminated quote.
fn shell_words(command: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$' | '`') => word.push(c),
                            c => {
                                word.push('\\');
                                word.push(c);
                            }
                        },
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next()?);
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// The answer of `metalayer hook SUB` to a probe ([`PROBE_ENV`]): for the gate, the
/// harness's blocking answer whose reason names the nonce; for the other hooks, exit 0 with
/// the nonce on standard error.
#[must_use]
pub fn probe_answer(sub: HookSub, harness: Harness, nonce: &str) -> HookOutcome {
    let text = format!(
        "metalayer probe {nonce}: metalayer {} answers `hook {}`",
        env!("CARGO_PKG_VERSION"),
        sub.name()
    );
    if sub.blocks() {
        let mut out = harness.blocked(&text);
        if out.stderr.is_empty() {
            out.stderr = format!("{text}\n");
        }
        out
    } else {
        HookOutcome::quiet_failure(text)
    }
}

/// Whether what a hook command did under a probe is metalayer's answer: the nonce, with the
/// exit code and output the harness reads as a block for the gate (exit 2 for Claude Code,
/// Codex and Gemini CLI; a JSON deny with exit 0 for Copilot and Cursor), exit 0 otherwise.
///
/// # Errors
///
/// What is wrong with the answer, for `audit` to show.
pub fn probe_result(
    sub: HookSub,
    harness: Harness,
    nonce: &str,
    exit: Option<i32>,
    stdout: &str,
    stderr: &str,
) -> Result<(), String> {
    let answered = stderr.contains(nonce) || stdout.contains(nonce);
    let first_line = |text: &str| {
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_owned)
    };
    if !answered {
        let exit = exit.map_or_else(|| "a signal".to_owned(), |c| format!("exit {c}"));
        let said = first_line(stderr)
            .or_else(|| first_line(stdout))
            .map_or_else(String::new, |l| format!(": {l}"));
        return Err(format!("the command does not run metalayer ({exit}{said})"));
    }
    let want = match (sub.blocks(), harness) {
        (true, Harness::Copilot | Harness::Cursor) => {
            if exit == Some(0) && stdout.contains("\"deny\"") {
                return Ok(());
            }
            "a JSON deny with exit 0"
        }
        (true, _) => {
            if exit == Some(2) {
                return Ok(());
            }
            "exit 2"
        }
        (false, _) => {
            if exit == Some(0) {
                return Ok(());
            }
            "exit 0"
        }
    };
    Err(format!(
        "metalayer answered, but the command ended with {} instead of {want}",
        exit.map_or_else(|| "a signal".to_owned(), |c| format!("exit {c}"))
    ))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn bins() -> Vec<Option<PathBuf>> {
        vec![
            None,
            Some(PathBuf::from("/usr/local/bin/metalayer")),
            Some(PathBuf::from("/home/a b/it's/metalayer")),
        ]
    }

    #[test]
    fn every_command_reads_back_as_guarded() {
        for bin in bins() {
            for sub in HookSub::ALL {
                for harness in Harness::ALL {
                    let cmd = hook_command(bin.as_deref(), sub, harness);
                    let parsed = parse_hook_command(&cmd).unwrap_or_else(|| panic!("{cmd}"));
                    assert_eq!(parsed.form, HookForm::Guarded, "{cmd}");
                    assert_eq!(parsed.sub, sub);
                    assert_eq!(parsed.binary_path(), bin.as_deref(), "{cmd}");
                    let want = (harness != Harness::Claude).then_some(harness);
                    assert_eq!(parsed.harness, want);
                }
            }
        }
    }

    #[test]
    fn the_plain_form_of_earlier_versions_is_recognised() {
        for (cmd, sub, harness) in [
            ("metalayer hook pre-tool-use", HookSub::PreToolUse, None),
            (
                "metalayer hook pre-tool-use --harness codex",
                HookSub::PreToolUse,
                Some(Harness::Codex),
            ),
            ("/opt/bin/metalayer hook stop", HookSub::Stop, None),
            (
                "  metalayer hook post-tool-use  ",
                HookSub::PostToolUse,
                None,
            ),
        ] {
            let parsed = parse_hook_command(cmd).unwrap();
            assert_eq!(parsed.form, HookForm::Plain, "{cmd}");
            assert_eq!((parsed.sub, parsed.harness), (sub, harness));
        }
        for other in [
            "cargo run -q -p metalayer -- hook pre-tool-use",
            "echo metalayer hook pre-tool-use",
            "metalayer hook pre-tool-use; true",
            "metalayer hook pre-tool-use || true",
            "./my-gate hook pre-tool-use",
            "metalayer hook pre-commit",
            "metalayer 'unterminated",
            "",
        ] {
            assert_eq!(parse_hook_command(other), None, "{other}");
        }
        // A guarded command edited by hand is no longer init's.
        let edited =
            hook_command(None, HookSub::PreToolUse, Harness::Claude).replace("exit 2;", "exit 0;");
        assert_eq!(parse_hook_command(&edited), None);
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("/usr/bin/metalayer"), "/usr/bin/metalayer");
        assert_eq!(shell_quote("/a b/m"), "'/a b/m'");
        assert_eq!(shell_quote("/it's"), r"'/it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(
            shell_words(r#"a 'b c' "d \"e\" \$f" g\ h"#).unwrap(),
            ["a", "b c", "d \"e\" $f", "g h"]
        );
    }

    #[test]
    fn probe_answers_read_back() {
        for harness in Harness::ALL {
            for sub in HookSub::ALL {
                let out = probe_answer(sub, harness, "n0nce");
                assert_eq!(
                    probe_result(
                        sub,
                        harness,
                        "n0nce",
                        Some(out.exit_code),
                        &out.stdout,
                        &out.stderr
                    ),
                    Ok(()),
                    "{} {}",
                    harness.name(),
                    sub.name()
                );
                // A probe never lets a gated call through silently.
                if sub.blocks() {
                    assert!(out.exit_code == 2 || out.stdout.contains("deny"));
                }
            }
        }
        let nonce = "probe-1234abcd";
        let err = probe_result(
            HookSub::PreToolUse,
            Harness::Claude,
            nonce,
            Some(127),
            "",
            "sh: 1: metalayer: not found\n",
        )
        .unwrap_err();
        assert_eq!(
            err,
            "the command does not run metalayer (exit 127: sh: 1: metalayer: not found)"
        );
        let err = probe_result(
            HookSub::PreToolUse,
            Harness::Claude,
            nonce,
            Some(0),
            "",
            nonce,
        )
        .unwrap_err();
        assert!(err.contains("instead of exit 2"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn the_guard_blocks_in_the_harness_form_when_the_binary_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone dir/metalayer");
        let run = |cmd: &str| {
            std::process::Command::new("sh")
                .arg("-c")
                .arg(cmd)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap()
        };
        for harness in Harness::ALL {
            let out = run(&hook_command(Some(&missing), HookSub::PreToolUse, harness));
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            match harness {
                Harness::Copilot => {
                    assert_eq!(out.status.code(), Some(0));
                    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                    assert_eq!(v["permissionDecision"], "deny");
                    assert!(
                        v["permissionDecisionReason"]
                            .as_str()
                            .unwrap()
                            .contains("(exit 127)")
                    );
                }
                Harness::Cursor => {
                    assert_eq!(out.status.code(), Some(0));
                    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                    assert_eq!(v["permission"], "deny");
                }
                _ => {
                    assert_eq!(out.status.code(), Some(2), "{}", harness.name());
                    assert!(
                        stderr.contains("could not run (exit 127): this call is blocked"),
                        "{stderr}"
                    );
                }
            }
            for sub in [HookSub::PostToolUse, HookSub::Stop] {
                let out = run(&hook_command(Some(&missing), sub, harness));
                assert_eq!(
                    out.status.code(),
                    Some(1),
                    "{} {}",
                    harness.name(),
                    sub.name()
                );
                assert!(out.stdout.is_empty());
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_guard_keeps_metalayers_own_exit_2_and_reason() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("with space/metalayer");
        std::fs::create_dir_all(fake.parent().unwrap()).unwrap();
        std::fs::write(&fake, "#!/bin/sh\necho \"own reason: $*\" >&2\nexit 2\n").unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        for harness in [Harness::Claude, Harness::Codex, Harness::Gemini] {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(hook_command(Some(&fake), HookSub::PreToolUse, harness))
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.starts_with("own reason: hook pre-tool-use"),
                "{stderr}"
            );
            assert!(!stderr.contains("could not run"), "{stderr}");
        }
    }
}
