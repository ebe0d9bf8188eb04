//! Which hooks a repository wires: each harness's settings file and git's pre-commit hook,
//! read the way `init` writes them (the README's "Wiring the hook" shapes).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value};

use metalayer_kernel::Harness;
use metalayer_kernel::hooks_dir;
use metalayer_kernel::{HookKind, PRE_COMMIT_COMMAND, settings_path};
use metalayer_kernel::{HookSub, parse_hook_command};

use super::report::AuditCheck;

/// The hooks found: the kinds wired, one check per settings file or git hook seen, and every
/// hook command that runs metalayer.
#[derive(Debug, Default)]
pub(crate) struct WiredHooks {
    pub(crate) kinds: BTreeSet<HookKind>,
    pub(crate) checks: Vec<AuditCheck>,
    pub(crate) commands: Vec<WiredCommand>,
}

/// A hook command of a harness's settings that runs (or says it runs) a metalayer hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WiredCommand {
    /// The harness whose settings file holds it.
    pub(crate) harness: Harness,
    /// The settings file, relative to the root.
    pub(crate) file: &'static str,
    /// The event it is wired to (`PreToolUse`).
    pub(crate) event: String,
    /// The metalayer hook it runs.
    pub(crate) sub: HookSub,
    /// The command.
    pub(crate) command: String,
}

/// The name of a hook kind, in words.
pub(crate) fn kind_name(kind: HookKind) -> &'static str {
    match kind {
        HookKind::ShellGate => "shell gate",
        HookKind::FileGate => "file gate",
        HookKind::SessionCapture => "session capture",
        HookKind::OutcomeRecord => "outcome record",
        HookKind::PreCommit => "pre-commit regression gate",
        HookKind::SessionContext => "session context",
    }
}

/// Whether a hook command runs metalayer's hook subcommand `sub` (`pre-tool-use`, `stop`,
/// `pre-commit`): one `init` writes (see [`metalayer_kernel::hook_command`]), or one that names
/// `metalayer` (a path such as `/usr/local/bin/metalayer` or `cargo run -p metalayer --`
/// counts) and then the words `hook <sub>`. Whether it really runs metalayer is for the
/// audit's probe to find out.
pub(crate) fn runs_hook(command: &str, sub: &str) -> bool {
    if let Some(parsed) = parse_hook_command(command) {
        return parsed.sub.name() == sub;
    }
    let words: Vec<&str> = command.split_whitespace().collect();
    let Some(start) = words.iter().position(|w| w.contains("metalayer")) else {
        return false;
    };
    words
        .get(start..)
        .unwrap_or_default()
        .windows(2)
        .any(|pair| pair.first() == Some(&"hook") && pair.get(1) == Some(&sub))
}

/// Whether a hook command runs any of metalayer's harness hooks.
pub(crate) fn runs_metalayer(command: &str) -> bool {
    HookSub::ALL.iter().any(|s| runs_hook(command, s.name()))
}

/// Whether a matcher selects a tool name. `*`, `""`, `.*` or no matcher select every tool; any
/// other matcher is split on `|` and `,` and each alternative is compared with the name after
/// dropping `^`, `$`, `(` and `)`. This reads the exact-name lists that `init` writes and
/// simple anchored alternatives; a real regular expression such as `Ed.*` is not evaluated and
/// selects nothing (the audit then under-counts rather than over-counts).
pub(crate) fn matcher_selects(matcher: Option<&str>, tool: &str) -> bool {
    let Some(matcher) = matcher.map(str::trim) else {
        return true;
    };
    if matches!(matcher, "" | "*" | ".*" | ".+") {
        return true;
    }
    matcher
        .split(['|', ','])
        .map(|alt| {
            alt.trim()
                .trim_matches(|c| matches!(c, '^' | '$' | '(' | ')'))
        })
        .any(|alt| alt == tool)
}

/// The command strings of one hook entry list (`[{matcher?, hooks: [{command}]}]` in Claude's
/// shape, or `[{command}]` / `[{bash}]` in Cursor's and Copilot's), each with its matcher.
fn entries(value: Option<&Value>) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    let Some(list) = value.and_then(Value::as_array) else {
        return out;
    };
    for entry in list {
        let matcher = entry
            .get("matcher")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut push = |handler: &Value| {
            for key in ["command", "bash"] {
                if let Some(c) = handler.get(key).and_then(Value::as_str) {
                    out.push((matcher.clone(), c.to_owned()));
                }
            }
        };
        match entry.get("hooks").and_then(Value::as_array) {
            Some(handlers) => handlers.iter().for_each(&mut push),
            None => push(entry),
        }
    }
    out
}

/// The hook kinds one harness's settings wire.
pub(crate) fn kinds_in(harness: Harness, settings: &Value) -> BTreeSet<HookKind> {
    let empty = Map::new();
    let hooks = settings
        .get("hooks")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut kinds = BTreeSet::new();
    let mut gate = |event: &str, shell: &[&str], file: &[&str]| {
        for (matcher, command) in entries(hooks.get(event)) {
            if !runs_hook(&command, "pre-tool-use") {
                continue;
            }
            if shell.iter().any(|t| matcher_selects(matcher.as_deref(), t)) {
                kinds.insert(HookKind::ShellGate);
            }
            if file.iter().any(|t| matcher_selects(matcher.as_deref(), t)) {
                kinds.insert(HookKind::FileGate);
            }
        }
    };
    for event in events(harness, HookSub::PreToolUse) {
        let (shell, file): (&[&str], &[&str]) = match (harness, *event) {
            (Harness::Claude, _) => (&["Bash"], &["Write", "Edit"]),
            // Codex's file edits are `apply_patch` calls; its matcher aliases `Edit` and
            // `Write` select them too.
            (Harness::Codex, _) => (&["Bash"], &["apply_patch", "Edit", "Write"]),
            (Harness::Gemini, _) => (&["run_shell_command"], &["write_file", "replace"]),
            (Harness::Cursor, "beforeShellExecution") => (&["Bash"], &[]),
            (Harness::Cursor, _) => (&["Shell"], &["Write", "Edit"]),
            // Copilot's preToolUse has no matcher: it sees every tool.
            (Harness::Copilot, _) => (&["bash"], &["create", "edit"]),
        };
        gate(event, shell, file);
    }
    for (sub, kind) in [
        (HookSub::PostToolUse, HookKind::OutcomeRecord),
        (HookSub::Stop, HookKind::SessionCapture),
        (HookSub::SessionStart, HookKind::SessionContext),
    ] {
        for event in events(harness, sub) {
            if entries(hooks.get(*event))
                .iter()
                .any(|(_, c)| runs_hook(c, sub.name()))
            {
                kinds.insert(kind);
            }
        }
    }
    kinds
}

/// The events of a harness's settings where a metalayer hook belongs.
fn events(harness: Harness, sub: HookSub) -> &'static [&'static str] {
    match (harness, sub) {
        (Harness::Claude | Harness::Codex, HookSub::PreToolUse) => &["PreToolUse"],
        (Harness::Claude, HookSub::PostToolUse) => &["PostToolUse", "PostToolUseFailure"],
        (Harness::Codex, HookSub::PostToolUse) => &["PostToolUse"],
        (Harness::Claude | Harness::Codex, HookSub::Stop) => &["Stop", "SubagentStop"],
        (Harness::Gemini, HookSub::PreToolUse) => &["BeforeTool"],
        (Harness::Gemini, HookSub::PostToolUse) => &["AfterTool"],
        (Harness::Gemini, HookSub::Stop) => &["AfterAgent"],
        (Harness::Cursor, HookSub::PreToolUse) => &["beforeShellExecution", "preToolUse"],
        (Harness::Cursor, HookSub::PostToolUse) => &["postToolUse"],
        (Harness::Cursor, HookSub::Stop) => &["stop"],
        (Harness::Copilot, HookSub::PreToolUse) => &["preToolUse"],
        (Harness::Copilot, HookSub::PostToolUse) => &["postToolUse"],
        (Harness::Copilot, HookSub::Stop) => &["sessionEnd"],
        (Harness::Claude | Harness::Codex | Harness::Gemini, HookSub::SessionStart) => {
            &["SessionStart"]
        }
        (Harness::Cursor | Harness::Copilot, HookSub::SessionStart) => &["sessionStart"],
    }
}

/// Every command of a harness's settings that runs (or names) a metalayer hook, with its
/// event, wherever in the settings' hook events it is.
fn metalayer_commands(harness: Harness, file: &'static str, settings: &Value) -> Vec<WiredCommand> {
    let Some(hooks) = settings.get("hooks").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (event, list) in hooks {
        for (_, command) in entries(Some(list)) {
            let sub = HookSub::ALL
                .into_iter()
                .find(|s| runs_hook(&command, s.name()));
            if let Some(sub) = sub {
                out.push(WiredCommand {
                    harness,
                    file,
                    event: event.clone(),
                    sub,
                    command,
                });
            }
        }
    }
    out
}

/// `line L column C: message` for a JSON error.
fn json_error(e: &serde_json::Error) -> String {
    let message = e.to_string();
    // serde_json appends " at line L column C"; say it first, once.
    let bare = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m);
    format!("line {} column {}: {bare}", e.line(), e.column())
}

/// Reads every harness's settings file and git's pre-commit hook.
pub(crate) fn wired(root: &Path) -> WiredHooks {
    let mut found = WiredHooks::default();
    for harness in Harness::ALL {
        let rel = settings_path(harness);
        let path = root.join(rel);
        if !path.exists() {
            continue;
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                found
                    .checks
                    .push(AuditCheck::invalid(rel, format!("cannot be read: {e}")));
                continue;
            }
        };
        let value: Value = match serde_json::from_str(&text) {
            Ok(value) => value,
            Err(e) => {
                found.checks.push(AuditCheck::invalid(
                    rel,
                    format!("not valid JSON, {}", json_error(&e)),
                ));
                continue;
            }
        };
        let kinds = kinds_in(harness, &value);
        let commands = metalayer_commands(harness, rel, &value);
        if kinds.is_empty() && (harness == Harness::Copilot || !commands.is_empty()) {
            // A file of metalayer's own, or hooks that name metalayer where it does not
            // belong: whatever ran the gate from here is gone.
            found.checks.push(AuditCheck::alert(
                rel,
                format!(
                    "{} settings run no metalayer gate; run `metalayer init --harness {}`",
                    harness.name(),
                    harness.name()
                ),
            ));
        } else if kinds.is_empty() {
            found.checks.push(AuditCheck::warning(
                rel,
                format!("{} settings wire no metalayer hook", harness.name()),
            ));
        } else {
            let names: Vec<&str> = kinds.iter().map(|k| kind_name(*k)).collect();
            found.checks.push(AuditCheck::ok(
                rel,
                format!("{}: {}", harness.name(), names.join(", ")),
            ));
        }
        found.kinds.extend(kinds);
        found.commands.extend(commands);
    }
    if let Some(check) = pre_commit(root, &mut found.kinds) {
        found.checks.push(check);
    }
    found
}

/// Git's pre-commit hook, when there is one.
fn pre_commit(root: &Path, kinds: &mut BTreeSet<HookKind>) -> Option<AuditCheck> {
    let path = hooks_dir(root)?.join("pre-commit");
    let text = std::fs::read_to_string(&path).ok()?;
    let shown = path
        .strip_prefix(root)
        .unwrap_or(&path)
        .display()
        .to_string();
    if !text.lines().any(|l| runs_hook(l, "pre-commit")) {
        return Some(AuditCheck::ok(
            shown,
            format!("does not run `{PRE_COMMIT_COMMAND}`"),
        ));
    }
    if !is_executable(&path) {
        return Some(AuditCheck::warning(
            shown,
            "runs metalayer but is not executable, so git skips it (chmod +x)",
        ));
    }
    kinds.insert(HookKind::PreCommit);
    Some(AuditCheck::ok(shown, kind_name(HookKind::PreCommit)))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn readme_claude_shape_wires_three_kinds() {
        let settings = json!({"hooks": {
            "PreToolUse": [{"matcher": "Bash|Write|Edit|MultiEdit|NotebookEdit",
                "hooks": [{"type": "command", "command": "metalayer hook pre-tool-use", "timeout": 10}]}],
            "Stop": [{"hooks": [{"type": "command", "command": "metalayer hook stop", "timeout": 60}]}]
        }});
        let kinds = kinds_in(Harness::Claude, &settings);
        assert_eq!(
            kinds.into_iter().collect::<Vec<_>>(),
            vec![
                HookKind::ShellGate,
                HookKind::FileGate,
                HookKind::SessionCapture
            ]
        );
    }

    #[test]
    fn a_bash_only_matcher_is_no_file_gate() {
        let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
            {"type": "command", "command": "metalayer hook pre-tool-use --harness codex"}]}]}});
        let kinds = kinds_in(Harness::Codex, &settings);
        assert_eq!(
            kinds.into_iter().collect::<Vec<_>>(),
            vec![HookKind::ShellGate]
        );
    }

    #[test]
    fn codex_apply_patch_and_its_aliases_are_a_file_gate() {
        for matcher in ["Bash|apply_patch", "Bash|Edit", "Bash, Write"] {
            let settings = json!({"hooks": {"PreToolUse": [{"matcher": matcher, "hooks": [
                {"type": "command", "command": "metalayer hook pre-tool-use --harness codex"}]}]}});
            assert_eq!(
                kinds_in(Harness::Codex, &settings)
                    .into_iter()
                    .collect::<Vec<_>>(),
                vec![HookKind::ShellGate, HookKind::FileGate],
                "{matcher}"
            );
        }
        // `apply_patch` is Codex's: Claude Code has no such tool.
        let claude = json!({"hooks": {"PreToolUse": [{"matcher": "Bash|apply_patch", "hooks": [
            {"type": "command", "command": "metalayer hook pre-tool-use"}]}]}});
        assert_eq!(
            kinds_in(Harness::Claude, &claude)
                .into_iter()
                .collect::<Vec<_>>(),
            vec![HookKind::ShellGate]
        );
    }

    #[test]
    fn an_absent_matcher_selects_every_tool() {
        let settings = json!({"hooks": {"PreToolUse": [{"hooks": [
            {"type": "command", "command": "/usr/local/bin/metalayer hook pre-tool-use"}]}]}});
        let kinds = kinds_in(Harness::Claude, &settings);
        assert!(kinds.contains(&HookKind::ShellGate) && kinds.contains(&HookKind::FileGate));
    }

    #[test]
    fn other_commands_do_not_count() {
        let settings = json!({"hooks": {
            "PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "echo metalayer"}]}],
            "Stop": [{"hooks": [{"type": "command", "command": "metalayer hook pre-tool-use"}]}]
        }});
        assert!(kinds_in(Harness::Claude, &settings).is_empty());
    }

    #[test]
    fn gemini_cursor_and_copilot_shapes() {
        let gemini = json!({"hooks": {"BeforeTool": [{"matcher": "run_shell_command|write_file|replace", "hooks": [
            {"type": "command", "command": "metalayer hook pre-tool-use --harness gemini", "timeout": 10000}]}]}});
        assert_eq!(kinds_in(Harness::Gemini, &gemini).len(), 2);
        let cursor = json!({"version": 1, "hooks": {"beforeShellExecution": [
            {"command": "metalayer hook pre-tool-use --harness cursor"}]}});
        assert_eq!(
            kinds_in(Harness::Cursor, &cursor)
                .into_iter()
                .collect::<Vec<_>>(),
            vec![HookKind::ShellGate]
        );
        let copilot = json!({"version": 1, "hooks": {"preToolUse": [
            {"type": "command", "bash": "metalayer hook pre-tool-use --harness copilot", "timeoutSec": 10}]}});
        assert_eq!(kinds_in(Harness::Copilot, &copilot).len(), 2);
    }

    #[test]
    fn matchers() {
        assert!(matcher_selects(None, "Bash"));
        assert!(matcher_selects(Some(""), "Bash"));
        assert!(matcher_selects(Some("*"), "Write"));
        assert!(matcher_selects(Some("Edit, Write"), "Write"));
        assert!(matcher_selects(Some("^(Bash|Write)$"), "Write"));
        assert!(!matcher_selects(Some("Bash"), "Write"));
        assert!(!matcher_selects(Some("NotebookEdit"), "Edit"));
    }

    #[test]
    fn hook_commands() {
        assert!(runs_hook("metalayer hook stop", "stop"));
        assert!(runs_hook(
            "cargo run -q -p metalayer -- hook pre-tool-use",
            "pre-tool-use"
        ));
        assert!(runs_hook(
            "exec metalayer hook pre-commit \"$@\"",
            "pre-commit"
        ));
        assert!(!runs_hook("metalayer hook stop", "pre-tool-use"));
        assert!(!runs_hook("hook stop", "stop"));
    }
}
