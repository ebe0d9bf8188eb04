//! The metalayer kernel: it composes the policy crate and the gate engine into what a hook,
//! the `metalayer` binary or an embedding harness needs.
//!
//! - [`Kernel`]: a policy (a repository's `.control/policy.yaml`, or the embedded governed
//!   default [`DEFAULT_POLICY_YAML`]) with its gates compiled; [`Kernel::decide`] answers a
//!   [`ToolCall`].
//! - [`pre_tool_use`]: Claude Code's PreToolUse hook protocol, failing closed;
//!   [`post_tool_use`]: the outcome of an asked call, into the ledger; never blocks.
//! - [`hook_command`], [`parse_hook_command`], [`probe_answer`], [`probe_result`]: the guarded
//!   hook commands `init` (in `metalayer-setup`) wires, which block when `metalayer` cannot be
//!   started, read back, and probed by `audit`.
//! - [`stop`]: Claude Code's Stop hook, capturing the session with the bridge; never blocks.
//! - [`find_root`]: the repository a hook event belongs to.
//! - [`pre_commit`]: git's pre-commit hook of the autonomous profile, the regression gate
//!   enforced by git, and the refusal of staged changes that add a secret; fails closed.
//! - [`written_secrets`], [`staged_secrets`], [`commit_secrets`], [`range_secrets`],
//!   [`file_secrets`]: secrets in what a tool call writes into a file and in what a commit adds,
//!   found with the bridge's detector and the policy's `secrets:` allowlist ([`SecretScanner`]);
//!   a [`SecretFinding`] carries a masked form and a fingerprint, never the value.
//! - [`promote`]: `metalayer promote`, a lesson learned from recorded sessions into a rule in
//!   AGENTS.md or a gate in the policy, after replaying the history through it; planned
//!   without writing ([`promote::plan`]), written by [`promote::Plan::apply`].
//! - [`distill`]: `metalayer distill`, the [`Lesson`]s that recur across the captured
//!   sessions' records and the decision ledger (a command used instead of another, calls
//!   blocked again and again, asks nearly always approved, the user's corrections, rules of
//!   `AGENTS.md` that sessions break), each with a stable [`LessonId`].
//!
//! ```
//! use metalayer_kernel::{Decision, Kernel, ToolCall};
//!
//! let kernel = Kernel::embedded_default()?;
//! let deny = kernel.decide(&ToolCall::bash("bash -c \"git reset --hard\""));
//! assert_eq!(deny.decision(), Decision::Deny);
//! assert_eq!(deny.decider().map(|m| m.id.as_str()), Some("G2"));
//!
//! let write = ToolCall::new("Write").with("file_path", "/repo/.env.production");
//! assert_eq!(kernel.decide(&write).decision(), Decision::Deny);
//! # Ok::<(), metalayer_kernel::KernelError>(())
//! ```
#![deny(missing_docs)]

mod context;
mod error;
mod event;
mod examples;
mod fs;
mod harness;
mod hook;
mod kernel;
mod layout;
mod ledger;
mod lessons;
mod outcome;
mod precommit;
pub mod promote;
mod protocol;
mod regression;
mod repository;
mod root;
mod rules;
mod secrets;
mod staging;
mod stop;
mod summary;
mod tools;
mod wiring;

pub use context::{
    Governance, LATEST_RULES, LATEST_SESSIONS, MAX_CONTEXT_CHARS, RecentSession, SessionContext,
    session_start,
};
pub use error::KernelError;
pub use event::{MAX_EVENT_BYTES, ToolEvent, parse_object};
pub use examples::{ExampleFailure, ExampleReport, check_examples};
pub use fs::write_atomically;
pub use harness::Harness;
pub use hook::{decide_event, post_tool_use, pre_tool_use, verdict_reason};
pub use kernel::{DEFAULT_POLICY_YAML, EMBEDDED_POLICY_NAME, Kernel, PolicySource};
pub use layout::{
    AGENTS_DOC, CLAUDE_DOC, GOVERNANCE_FILES, HookKind, METALAYER_DOC, POLICY_FILE,
    POST_TOOL_USE_COMMAND, PRE_COMMIT_COMMAND, PRE_TOOL_USE_COMMAND, REGRESSION_MAP_FILE,
    SCHEMAS_DIR, STOP_COMMAND, SchemaKind, git_dir, hooks_dir, settings_path, state_dir,
};
pub use ledger::{
    ALLOWS_FILE, DECISIONS_FILE, DecisionRecord, LEDGER_DIR, OUTCOME_LOOKBACK_BYTES, ROTATE_BYTES,
    RanCall, allow_count, decision_record_schema, ledger_dir, mask, read_records,
    read_records_checked, record, record_outcome,
};
pub use lessons::{
    DEFAULT_MIN_SESSIONS, DistillOptions, Distillation, Lesson, LessonId, LessonKind,
    LessonSession, RELAX_APPROVAL_RATE, USE_INSTEAD_WINDOW, distill, distillation_schema, history,
    parse_since, render_lessons,
};
pub use metalayer_bridge as bridge;
pub use metalayer_gates as gates;
pub use metalayer_gates::{Decision, GateSet, Normalized, ToolCall, Verdict};
pub use metalayer_policy as policy;
pub use metalayer_regression_map as regression_map;
pub use outcome::{HookEnv, HookOutcome, claude_output};
pub use precommit::{PreCommitRefusal, pre_commit, pre_commit_check};
pub use promote::{LESSONS_BEGIN, LESSONS_END};
pub use protocol::{claude_pre_tool_use, tool_call};
pub use regression::{
    DEFAULT_STAMP_TTL_SECONDS, MapLocation, ShellCall, Stamp, clear_stamp, commit_files, describe,
    feature_map, feature_map_at, feature_map_diagnostic, kernel_feature_map, locate_feature_map,
    policy_root, regression_ask, stamp_path, write_stamp,
};
pub use repository::RepositoryState;
pub use root::find_root;
pub use rules::{rule_of, rules_of};
pub use secrets::{
    SecretFinding, SecretScanner, commit_action, commit_reason, commit_secrets, content_action,
    file_secrets, range_secrets, secret_fingerprint, staged_secrets, written_reason,
    written_secrets,
};
pub use stop::{DEFAULT_CONVERSATIONS_DIR, StopEvent, capture, parse_stop, stop};
pub use summary::policy_error_summary;
pub use wiring::{
    HookForm, HookSub, PROBE_ENV, ParsedHook, hook_command, parse_hook_command, probe_answer,
    probe_result, shell_quote,
};
