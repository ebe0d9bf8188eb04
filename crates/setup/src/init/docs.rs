//! The markdown files `init` writes: `METALAYER.md` (the control loop of the repository, from
//! the profile's policy), and `AGENTS.md` / `CLAUDE.md` where the repository has none.

use std::fmt::Write as _;

use metalayer_policy::{Measurement, Policy, Setpoint, Target};

use super::marker::html_comment;
use super::profile::Profile;
use metalayer_kernel::Harness;
use metalayer_kernel::{AGENTS_DOC, HookKind, METALAYER_DOC, POLICY_FILE, REGRESSION_MAP_FILE};

/// Escapes a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn target(t: Option<&Target>) -> String {
    match t {
        Some(Target::Number(n)) => format!("{n}"),
        Some(Target::Bool(b)) => b.to_string(),
        None => "(none)".to_owned(),
    }
}

fn alert(s: &Setpoint) -> String {
    match (s.alert_below, s.alert_above) {
        (Some(b), Some(a)) => format!("below {b} or above {a}"),
        (Some(b), None) => format!("below {b}"),
        (None, Some(a)) => format!("above {a}"),
        (None, None) => "(none)".to_owned(),
    }
}

fn measurement(s: &Setpoint) -> String {
    match &s.measurement {
        Some(Measurement::Text(t)) => t.clone(),
        Some(Measurement::Structured { spec, .. }) => format!("`{spec}` (built in)"),
        None => "(by hand)".to_owned(),
    }
}

fn severity(s: &Setpoint) -> &'static str {
    match s.severity {
        metalayer_policy::Severity::Blocking => "blocking",
        metalayer_policy::Severity::Informational => "informational",
        metalayer_policy::Severity::Advisory => "advisory",
    }
}

/// What the harness's settings wire, in words, from [`Profile::hook_kinds`].
fn hooks_words(profile: Profile, harness: Harness) -> String {
    let settings = metalayer_kernel::settings_path(harness);
    let kinds = profile.hook_kinds(harness);
    let mut out = match harness {
        Harness::Claude => format!(
            "- `{settings}`: a PreToolUse hook (`metalayer hook pre-tool-use`) for Bash and the file tools (Write, Edit, MultiEdit, NotebookEdit)"
        ),
        Harness::Codex => format!(
            "- `{settings}`: a PreToolUse hook (`metalayer hook pre-tool-use --harness codex`) for Bash and apply_patch (every file edit)"
        ),
        Harness::Gemini => format!(
            "- `{settings}`: a BeforeTool hook (`metalayer hook pre-tool-use --harness gemini`) for run_shell_command, write_file and replace"
        ),
        Harness::Cursor => format!(
            "- `{settings}`: a beforeShellExecution hook (`metalayer hook pre-tool-use --harness cursor`) for shell commands"
        ),
        Harness::Copilot => format!(
            "- `{settings}`: a preToolUse hook (`metalayer hook pre-tool-use --harness copilot`) for every tool"
        ),
    };
    if kinds.contains(&HookKind::OutcomeRecord) {
        let event = match harness {
            Harness::Claude => "PostToolUse and PostToolUseFailure hooks",
            Harness::Gemini => "an AfterTool hook",
            Harness::Copilot => "a postToolUse hook",
            _ => "a PostToolUse hook",
        };
        let _ = write!(
            out,
            "; {event} (`metalayer hook post-tool-use`) that record in the ledger whether a call the gate asked about then ran, and how it ended"
        );
    }
    if kinds.contains(&HookKind::SessionCapture) {
        let event = match harness {
            Harness::Gemini => "an AfterAgent hook",
            _ => "a Stop hook",
        };
        let _ = write!(
            out,
            ", and {event} (`metalayer hook stop`) that captures each session into the conversation folder"
        );
    }
    if kinds.contains(&HookKind::SessionContext) {
        out.push_str(
            "; a SessionStart hook (`metalayer hook session-start`) tells the agent at the start of each session that the repository is governed, its latest sessions and the rules learned from earlier ones",
        );
    }
    if !kinds.contains(&HookKind::FileGate) {
        out.push_str(
            "; no file gate: this harness reports file edits only after the write (afterFileEdit), too late to refuse them",
        );
    }
    if profile.session_capture() && !kinds.contains(&HookKind::SessionCapture) {
        out.push_str("; no session capture: metalayer cannot capture this harness's sessions yet");
    }
    out.push_str(".\n");
    if kinds.contains(&HookKind::PreCommit) {
        out.push_str(
            "- `.git/hooks/pre-commit`: `metalayer hook pre-commit`, the regression gate enforced by git itself (it refuses a commit that touches mapped features until `metalayer stamp`).\n",
        );
    }
    let names: Vec<&str> = kinds
        .iter()
        .map(|k| crate::audit::hooks::kind_name(*k))
        .collect();
    let _ = writeln!(
        out,
        "\n`hooks_wired` (S12) counts these hook kinds: {} ({}).",
        names.join(", "),
        kinds.len()
    );
    out
}

/// `METALAYER.md` for a profile's policy.
pub(crate) fn metalayer_md(profile: Profile, harness: Harness, policy: &Policy) -> String {
    let mut out = html_comment(profile.name());
    let _ = write!(
        out,
        "# The control loop of this repository\n\n\
         This repository is governed by [metalayer](https://crates.io/crates/metalayer), profile \
         **{profile}**: {desc}.\n\n\
         Every tool call of an AI coding agent is checked before it runs against the gates of \
         `{POLICY_FILE}`. A hard gate denies the call, a soft gate asks a person; a call that no gate \
         matches runs as usual. Every deny and ask is recorded in `.control/ledger/` (local, \
         git-ignored), and the setpoints below say what a healthy repository looks like.\n\n\
         ## What runs, and when\n\n{hooks}",
        profile = profile.name(),
        desc = profile.description(),
        hooks = hooks_words(profile, harness),
    );
    let on_error = match policy.on_error {
        metalayer_policy::OnError::Deny => "deny (fail closed)",
        metalayer_policy::OnError::Ask => "ask",
        metalayer_policy::OnError::Allow => "allow",
    };
    let _ = write!(
        out,
        "\nWhen a hook cannot decide (an invalid policy, a malformed event), it answers: \
         {on_error} (`on_error`).\n\n## Gates\n\n\
         | id | rule | decision |\n|---|---|---|\n"
    );
    for (list, gate) in policy.gates.iter() {
        let decision = match (list, gate.is_enforced()) {
            ("hard", true) => "deny",
            ("soft", true) => "ask",
            _ => "documentation only",
        };
        let _ = writeln!(out, "| {} | {} | {decision} |", gate.id, cell(&gate.rule));
    }
    out.push_str(
        "\n## Setpoints\n\n`metalayer audit` measures each one; a blocking setpoint out of bounds fails the audit.\n\n\
         | id | name | target | alert when | measured by | severity |\n|---|---|---|---|---|---|\n",
    );
    for s in &policy.setpoints {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            s.id,
            cell(&s.name),
            target(s.target.as_ref()),
            alert(s),
            cell(&measurement(s)),
            severity(s)
        );
    }
    out.push_str("\n## The regression gate\n\n");
    match &policy.regression {
        Some(r) => {
            let map = r.map.as_deref().unwrap_or(REGRESSION_MAP_FILE);
            let ttl = r
                .stamp_ttl_seconds
                .unwrap_or(metalayer_kernel::DEFAULT_STAMP_TTL_SECONDS);
            let _ = writeln!(
                out,
                "Before a `git commit`, the files it contains are mapped through `{map}` to features; \
                 when a feature is touched, the agent is asked to run its scenarios first. After \
                 running them, `metalayer stamp` records it for {ttl} seconds and only for what is \
                 staged. `metalayer affected` previews the mapping. The example map maps nothing \
                 until you add your features to it."
            );
        }
        None => out.push_str(
            "Off in this profile (no `regression:` section). Adding a feature map at \
             `.control/regression-map.yaml` turns it on.\n",
        ),
    }
    out.push_str("\n## Session capture\n\n");
    let bridge = policy.bridge.clone().unwrap_or_default();
    if bridge.enabled == Some(false) {
        out.push_str("Off in this profile (`bridge: {enabled: false}`).\n");
    } else {
        let _ = writeln!(
            out,
            "After every turn, the session is written to `{}/` as markdown, secrets redacted, \
             with an index `Conversations.md`.",
            bridge
                .output
                .as_deref()
                .unwrap_or(metalayer_kernel::DEFAULT_CONVERSATIONS_DIR)
        );
    }
    let _ = write!(
        out,
        "\n## How to change them\n\n\
         1. Edit `{POLICY_FILE}`: add, remove or loosen gates (`id`, `rule`, `pattern`; see the \
         comments at the top of the file) and setpoints (`target`, `alert_below`, \
         `alert_above`, `severity`).\n\
         2. `metalayer validate` checks the file and points at every problem with its line.\n\
         3. `metalayer check -- CMD` shows the decision a command would get, and which gate decided.\n\
         4. `metalayer audit` checks the governance files, the hooks and the setpoints.\n\
         5. Commit the change: the policy is part of the repository and reviewed like code.\n\n\
         Changes to `.control/` and the harness settings are themselves gated: an agent must ask \
         before editing them. `metalayer init --force` rewrites the files `init` generated (those \
         whose first line still says so); delete that line to make a file yours.\n"
    );
    out
}

/// The agent instructions shared by `AGENTS.md` and `CLAUDE.md`.
fn instructions() -> String {
    format!(
        "## Control commands\n\n\
         This repository is governed by metalayer; `{METALAYER_DOC}` describes its control loop.\n\n\
         - Before each tool call, a hook checks it against `{POLICY_FILE}`. When a call is denied, \
         do not work around the gate (another spelling, a script, a different tool): say what you \
         wanted to do and why, and let a person decide.\n\
         - When the hook asks before `git commit`, run the regression scenarios it lists, then \
         record it with `metalayer stamp`, then commit.\n\
         - `metalayer check -- CMD` shows what a command would get; `metalayer audit` checks the \
         repository's health.\n\
         - Do not edit `.control/`, the harness settings or the git hooks unless asked to.\n"
    )
}

/// `AGENTS.md` for a repository that has none.
pub(crate) fn agents_md(profile: Profile) -> String {
    format!(
        "{}# Instructions for AI coding agents\n\n{}",
        html_comment(profile.name()),
        instructions()
    )
}

/// `CLAUDE.md` for a repository that has none.
pub(crate) fn claude_md(profile: Profile) -> String {
    format!(
        "{}# Instructions for Claude Code\n\nSee also `{AGENTS_DOC}`.\n\n{}",
        html_comment(profile.name()),
        instructions()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(profile: Profile) -> Policy {
        metalayer_policy::load_str(profile.policy_yaml(), "p")
            .unwrap()
            .policy
    }

    #[test]
    fn metalayer_md_lists_every_gate_and_setpoint_with_its_decision() {
        let p = policy(Profile::Governed);
        let md = metalayer_md(Profile::Governed, Harness::Claude, &p);
        assert!(md.starts_with("<!-- generated by metalayer init (profile governed)"));
        assert!(md.contains("| G1 | No force push to main/master | deny |"));
        assert!(md.contains(
            "| G5 | Prefer feature branches over direct main commits | documentation only |"
        ));
        assert!(md.contains("| G9 |") && md.contains("| ask |"));
        assert!(md.contains("| S12 | hooks_wired | 5 | below 5 |"));
        assert!(md.contains("a SessionStart hook (`metalayer hook session-start`)"));
        assert!(md.contains("metalayer validate") && md.contains("metalayer audit"));
        assert!(md.contains("Stop hook"));
        let base = metalayer_md(
            Profile::Baseline,
            Harness::Claude,
            &policy(Profile::Baseline),
        );
        assert!(base.contains("Off in this profile (no `regression:` section)"));
        assert!(base.contains("Off in this profile (`bridge: {enabled: false}`)"));
        assert!(!base.contains("Stop hook"));
        let auto = metalayer_md(
            Profile::Autonomous,
            Harness::Claude,
            &policy(Profile::Autonomous),
        );
        assert!(auto.contains(
            "| G8 | Discarding uncommitted changes needs a person's confirmation | deny |"
        ));
        assert!(auto.contains("for 300 seconds"));
        assert!(auto.contains(".git/hooks/pre-commit"));
    }

    #[test]
    fn other_harnesses_say_there_is_no_capture() {
        let md = metalayer_md(
            Profile::Governed,
            Harness::Copilot,
            &policy(Profile::Governed),
        );
        assert!(md.contains("preToolUse"));
        assert!(md.contains("no session capture"));
        assert!(md.contains("counts these hook kinds: shell gate, file gate, outcome record (3)"));
        assert!(!md.contains("metalayer capture --transcript"));
        let gemini = metalayer_md(
            Profile::Governed,
            Harness::Gemini,
            &policy(Profile::Governed),
        );
        assert!(gemini.contains("an AfterAgent hook (`metalayer hook stop`)"));
        assert!(!gemini.contains("no session capture"));
        assert!(gemini.contains(
            "counts these hook kinds: shell gate, file gate, session capture, session context, outcome record (5)"
        ));
        let cursor = metalayer_md(
            Profile::Autonomous,
            Harness::Cursor,
            &policy(Profile::Autonomous),
        );
        assert!(cursor.contains("no file gate"));
        assert!(cursor.contains(".git/hooks/pre-commit"));
        assert!(
            cursor.contains("counts these hook kinds: shell gate, pre-commit regression gate (2)")
        );
        let codex = metalayer_md(
            Profile::Baseline,
            Harness::Codex,
            &policy(Profile::Baseline),
        );
        assert!(codex.contains("for Bash and apply_patch"));
        assert!(!codex.contains("no session capture:") && !codex.contains("no file gate"));
    }

    #[test]
    fn agent_docs_carry_the_marker_and_the_commands() {
        for text in [agents_md(Profile::Governed), claude_md(Profile::Governed)] {
            assert!(super::super::marker::is_generated(&text));
            assert!(text.contains("## Control commands"));
            assert!(text.contains("metalayer stamp"));
        }
    }
}
