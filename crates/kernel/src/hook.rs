//! Hook protocols: what a harness sends on standard input and what it must get back.

use std::path::Path;

use metalayer_gates::{Decision, NormalizeOptions, Normalized, SHELL_TOOL, Verdict, normalize};
use metalayer_policy::OnError;

use crate::error::KernelError;
use crate::event::{ToolEvent, parse_object};
use crate::harness::Harness;
use crate::kernel::Kernel;
use crate::outcome::{HookEnv, HookOutcome};

/// The longest excerpt of a matched command quoted in a reason.
const MAX_EXCERPT_CHARS: usize = 200;

/// The reason a verdict gives, naming the deciding gate, its rule and what it matched.
#[must_use]
pub fn verdict_reason(verdict: &Verdict) -> String {
    let mut reason = match verdict.decider() {
        Some(m) => {
            let rule = if m.message.is_empty() {
                String::new()
            } else {
                format!(": {}", m.message)
            };
            format!(
                "Safety shield {}{rule} (matched `{}`)",
                m.id,
                excerpt(&m.subject)
            )
        }
        None => match (verdict.failure(), verdict.unverified()) {
            (Some(failure), _) => format!("Safety shield: the gate engine failed ({failure})"),
            (None, Some(u)) => format!(
                "Safety shield: cannot verify this command: {}",
                u.describe()
            ),
            (None, None) => "Safety shield: no gate objects".to_owned(),
        },
    };
    let others: Vec<&str> = verdict
        .matches()
        .iter()
        .skip(1)
        .map(|m| m.id.as_str())
        .collect();
    if !others.is_empty() {
        reason.push_str(&format!("; also matched {}", others.join(", ")));
    }
    reason
}

fn excerpt(text: &str) -> String {
    let one_line = text.replace('\n', "⏎");
    if one_line.chars().count() <= MAX_EXCERPT_CHARS {
        one_line
    } else {
        let cut: String = one_line.chars().take(MAX_EXCERPT_CHARS).collect();
        format!("{cut}…")
    }
}

/// Runs Claude Code's PreToolUse hook on the raw bytes of an event.
///
/// Deny and ask are printed as `hookSpecificOutput.permissionDecision` with a reason naming
/// the gate, its rule and what it matched; a call no gate objects to gets no output and exit
/// 0. Anything that prevents a safe decision (malformed, oversized or mistyped input, an
/// unreadable or invalid policy, an engine failure) fails closed: exit 2 with the reason on
/// stderr, or what the policy's `on_error` says (`ask` prints an ask, `allow` lets the call
/// through with a warning on stderr).
///
/// ```
/// use metalayer_kernel::{HookEnv, pre_tool_use};
///
/// let env = HookEnv::new(None, std::env::temp_dir());
/// let out = pre_tool_use(br#"{"tool_name":"Bash","tool_input":{"command":"git reset --hard"}}"#, &env);
/// assert_eq!(out.exit_code, 0);
/// assert!(out.stdout.contains(r#""permissionDecision":"deny""#));
///
/// let out = pre_tool_use(b"not json", &env);
/// assert_eq!(out.exit_code, 2);
/// assert!(out.stdout.is_empty());
/// ```
#[must_use]
pub fn pre_tool_use(input: &[u8], env: &HookEnv) -> HookOutcome {
    let harness = env.harness;
    let map = match parse_object(input) {
        Ok(map) => map,
        Err(e) => {
            return fail(
                harness.unwrap_or(Harness::Claude),
                &e,
                on_error_near(env.start(None)),
            );
        }
    };
    let harness = harness.unwrap_or_else(|| Harness::detect(&map));
    let event = match harness.event(&map) {
        Ok(event) => event,
        Err(e) => return fail(harness, &e, on_error_near(env.start(None))),
    };
    let kernel = match Kernel::discover(env.start(event.cwd.as_deref())) {
        Ok(kernel) => kernel,
        Err(e) => return fail(harness, &e, OnError::Deny),
    };
    decide(&kernel, &event, harness, tool_use_id(&map))
}

/// Decides an already parsed event with a kernel, answering in `harness`'s protocol.
#[must_use]
pub fn decide_event(kernel: &Kernel, event: &ToolEvent, harness: Harness) -> HookOutcome {
    decide(kernel, event, harness, None)
}

/// [`decide_event_as`], recording the harness's id of the call with the decision.
fn decide(
    kernel: &Kernel,
    event: &ToolEvent,
    harness: Harness,
    tool_use_id: Option<&str>,
) -> HookOutcome {
    match decision_for(kernel, event) {
        Ok((decision, reason, gates)) => {
            if let Some(root) = kernel.root() {
                crate::ledger::record(root, decision, || {
                    let mut record = crate::ledger::DecisionRecord::new(
                        harness.name(),
                        event.tool.clone(),
                        decision.as_str(),
                        crate::ledger::mask(&subject_of(event)),
                        crate::ledger::mask(&reason),
                    );
                    record.session_id.clone_from(&event.session_id);
                    record.gates = gates;
                    record.tool_use_id = tool_use_id.map(str::to_owned);
                    record
                });
            }
            harness.answer(decision, &reason)
        }
        Err(e) => fail(harness, &e, kernel.policy().on_error),
    }
}

/// The harness's id of a tool call (`tool_use_id` of Claude Code and Codex; the camelCase
/// spellings of other harnesses), when the event has one.
fn tool_use_id(map: &serde_json::Map<String, serde_json::Value>) -> Option<&str> {
    ["tool_use_id", "toolUseId", "toolCallId", "tool_call_id"]
        .iter()
        .find_map(|k| map.get(*k).and_then(serde_json::Value::as_str))
        .filter(|id| !id.is_empty())
}

/// Runs the post-tool-use hook (`metalayer hook post-tool-use`) on the raw bytes of an event:
/// when the call that ran had been asked about, appends its outcome to the ledger (see
/// [`record_outcome`](crate::ledger::record_outcome)). It never blocks and never answers:
/// always exit 0 with nothing on standard output or standard error, whatever goes wrong (a
/// harness that reads standard error at exit 0, as Gemini CLI does, must not take it for a
/// message). It reads only the tail of the ledger, and nothing at all when no call was asked.
///
/// ```
/// use metalayer_kernel::{HookEnv, post_tool_use};
///
/// let env = HookEnv::new(None, std::env::temp_dir());
/// let out = post_tool_use(br#"{"tool_name":"Bash","tool_input":{"command":"ls"}}"#, &env);
/// assert_eq!((out.exit_code, out.stdout.as_str(), out.stderr.as_str()), (0, "", ""));
/// ```
#[must_use]
pub fn post_tool_use(input: &[u8], env: &HookEnv) -> HookOutcome {
    let Ok(map) = parse_object(input) else {
        return HookOutcome::default();
    };
    let harness = env.harness.unwrap_or_else(|| Harness::detect(&map));
    let Some(failed) = call_failed(&map) else {
        // The harness says the call did not run (denied, rejected): nothing ran.
        return HookOutcome::default();
    };
    let Ok(event) = harness.event(&map) else {
        return HookOutcome::default();
    };
    let Some(root) = crate::root::find_root(env.start(event.cwd.as_deref())) else {
        return HookOutcome::default();
    };
    let call = crate::ledger::RanCall::new(harness.name(), &event.tool)
        .session(event.session_id.as_deref())
        .tool_use_id(tool_use_id(&map))
        .failed(failed);
    crate::ledger::record_outcome(&root, &call, || crate::ledger::mask(&subject_of(&event)));
    HookOutcome::default()
}

/// Whether a call that ran failed, from a post-tool event: `Some(true)` for Claude Code's
/// `PostToolUseFailure`, a result saying so (`success: false`, `is_error: true`, a non-zero
/// `exit_code`, `interrupted`, an `error`, Copilot's `resultType: "failure"`), `Some(false)`
/// otherwise; `None` when the harness says it did not run at all (Copilot's `denied`).
fn call_failed(map: &serde_json::Map<String, serde_json::Value>) -> Option<bool> {
    use serde_json::Value;
    if map.get("hook_event_name").and_then(Value::as_str) == Some("PostToolUseFailure") {
        return Some(true);
    }
    let response = ["tool_response", "toolResult", "tool_result", "tool_output"]
        .iter()
        .find_map(|k| map.get(*k));
    let Some(Value::Object(response)) = response else {
        return Some(false);
    };
    if let Some(kind) = response.get("resultType").and_then(Value::as_str) {
        return match kind {
            "success" => Some(false),
            "denied" | "rejected" | "cancelled" | "skipped" => None,
            _ => Some(true),
        };
    }
    let flag = |k: &str| response.get(k).and_then(Value::as_bool);
    let nonzero = |k: &str| {
        response
            .get(k)
            .and_then(Value::as_i64)
            .is_some_and(|c| c != 0)
    };
    let error = response
        .get("error")
        .is_some_and(|e| !(e.is_null() || e.as_str() == Some("") || e == &Value::Bool(false)));
    Some(
        flag("success") == Some(false)
            || flag("is_error") == Some(true)
            || flag("isError") == Some(true)
            || flag("interrupted") == Some(true)
            || nonzero("exit_code")
            || nonzero("exitCode")
            || error,
    )
}

/// What a call is about, for the ledger: its command, else the path it writes.
fn subject_of(event: &ToolEvent) -> String {
    ["command", "file_path", "notebook_path", "path"]
        .iter()
        .find_map(|k| event.call.values(k).next())
        .unwrap_or_default()
        .to_owned()
}

/// The decision and its reason: the gates, then the regression gate on `git commit`.
fn decision_for(
    kernel: &Kernel,
    event: &ToolEvent,
) -> Result<(Decision, String, Vec<String>), KernelError> {
    let verdict = kernel.decide_in(&event.call, event.cwd.as_deref());
    if let Some(failure) = verdict.failure() {
        return Err(KernelError::Event(format!(
            "the gate engine failed: {failure}"
        )));
    }
    let mut decision = verdict.decision();
    let mut reason = verdict_reason(&verdict);
    let mut gates: Vec<String> = verdict
        .matches()
        .iter()
        .map(|m| m.id.as_str().to_owned())
        .collect();
    // The secret check of written content: only when the gates did not deny; the detector is
    // built only when the call writes text.
    if decision != Decision::Deny {
        let action = crate::secrets::content_action(kernel);
        let findings = crate::secrets::written_secrets(
            kernel,
            &event.call,
            verdict.normalized(),
            event.cwd.as_deref(),
        )?;
        if !findings.is_empty() {
            let message = crate::secrets::written_reason(&findings);
            gates.insert(0, "secrets".to_owned());
            if action == metalayer_policy::SecretAction::Ask {
                reason = if decision == Decision::Ask {
                    format!("{reason}\n\n{message}")
                } else {
                    message
                };
                decision = Decision::Ask;
            } else {
                return Ok((Decision::Deny, message, gates));
            }
        }
    }
    // The commit checks (secrets the commit adds, then the regression gate): only when the
    // gates did not deny, for a shell call in a repository, whatever the policy's gate lists
    // hold (the gates normalise the command only when a gate reads it; with none, it is
    // normalised here).
    if decision != Decision::Deny
        && kernel.root().is_some()
        && event.call.tool() == SHELL_TOOL
        && let Some((deny, message, gate)) = commit_gates(kernel, event, verdict.normalized())?
    {
        if deny {
            gates.insert(0, gate.to_owned());
            return Ok((Decision::Deny, message, gates));
        }
        reason = if decision == Decision::Ask {
            format!("{reason}\n\n{message}")
        } else {
            message
        };
        decision = Decision::Ask;
        gates.push(gate.to_owned());
    }
    Ok((decision, reason, gates))
}

/// The commit checks of a shell call, with its command normalised by the gates or, when no
/// gate read it, here: a commit adding a secret (deny or ask, as `secrets.commits` says), then
/// the regression gate's ask. `(deny, message, gate)`.
fn commit_gates(
    kernel: &Kernel,
    event: &ToolEvent,
    normalized: Option<&Normalized>,
) -> Result<Option<(bool, String, &'static str)>, KernelError> {
    let own;
    let normalized = match normalized {
        Some(n) => n,
        None => {
            let command: Vec<&str> = event.call.values("command").collect();
            if command.is_empty() {
                return Ok(None);
            }
            own = normalize(&command.join("\n"), &NormalizeOptions::default());
            &own
        }
    };
    // The hot path: a call without a `git commit` costs one look at each simple command.
    if !crate::staging::has_commit(normalized.commands()) {
        return Ok(None);
    }
    let mut call = crate::regression::ShellCall::new(normalized).in_folder(event.cwd.as_deref());
    for raw in event.call.values("command") {
        call = call.with_raw(raw);
    }
    let action = crate::secrets::commit_action(kernel);
    if action != metalayer_policy::SecretAction::Off
        && let Some(root) = kernel.root()
        && crate::secrets::is_git_repository(root)
        && let Some(contents) = crate::regression::commit_files(root, call)?
    {
        let scanner = crate::secrets::SecretScanner::of(kernel)?;
        let findings =
            crate::secrets::commit_secrets(root, &contents.files, contents.index_as_is, &scanner)?;
        if !findings.is_empty() {
            return Ok(Some((
                action == metalayer_policy::SecretAction::Deny,
                crate::secrets::commit_reason(&findings),
                "secrets",
            )));
        }
    }
    Ok(crate::regression::regression_ask(kernel, call)?.map(|m| (false, m, "regression")))
}

/// The `on_error` of the policy around `start`, if it loads; deny otherwise.
fn on_error_near(start: &Path) -> OnError {
    // Only the policy is needed, not its compiled gates: a policy whose gates do not compile
    // still says what a failure gets.
    let root = crate::root::find_root(start);
    let path = root
        .as_deref()
        .unwrap_or(start)
        .join(metalayer_policy::DEFAULT_POLICY_FILE);
    if !path.exists() {
        return OnError::Deny;
    }
    metalayer_policy::load_file_with(&path, metalayer_policy::LoadOptions::fast())
        .map_or(OnError::Deny, |loaded| loaded.policy.on_error)
}

/// The answer when no safe decision can be made, in the harness's blocking form.
fn fail(harness: Harness, error: &KernelError, on_error: OnError) -> HookOutcome {
    let error = error.with_causes();
    let reason = format!("metalayer could not check this call and blocks it: {error}");
    match on_error {
        OnError::Ask => {
            let mut out = harness.answer(Decision::Ask, &reason);
            out.stderr = format!("metalayer: {error}\n");
            out
        }
        OnError::Allow => HookOutcome {
            stdout: String::new(),
            stderr: format!(
                "metalayer: {error} (allowed because the policy says on_error: allow)\n"
            ),
            exit_code: 0,
        },
        _ => harness.blocked(&reason),
    }
}
