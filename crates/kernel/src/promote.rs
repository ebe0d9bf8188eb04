//! `metalayer promote`: a lesson learned from recorded sessions becomes a rule in AGENTS.md
//! or a gate in `.control/policy.yaml`.
//!
//! [`plan`] works out the edit without writing anything; [`Plan::apply`] writes it. The
//! lesson comes in as a [`Candidate`] (what `metalayer distill` found: its id, the rule in
//! words, the sessions it was seen in, the commands that failed and those that worked), and
//! the recorded history as [`HistoryCall`]s.
//!
//! - [`Target::Rule`] adds the rule as a bullet to the marked section of AGENTS.md (between
//!   [`LESSONS_BEGIN`] and [`LESSONS_END`], created under `## Lessons learned` at the end of
//!   the file when absent), with where it came from: the lesson id and the sessions, linked to
//!   their markdown. The user's text outside the section is never touched.
//! - [`Target::Ask`] and [`Target::Deny`] add a gate to the end of `gates.soft` or
//!   `gates.hard`, as a text insertion that keeps every comment, the order and the file's
//!   indentation, line endings and list style. The gate's pattern is derived from the real
//!   commands (their common normalised prefix, escaped, with the differing subcommands as an
//!   alternation: `^npm\s+(install|i)(\s|$)`), or is the candidate's suggested pattern; it
//!   carries `examples` (the commands it must block and those it must let through) and its
//!   `origin` (the lesson and its sessions).
//!
//! Before a gate is written, the policy with the new gate is compiled with the engine the
//! hook uses and every recorded call is replayed through it ([`ReplayReport`]): a gate that
//! would have stopped a call that worked and is not part of the lesson is refused
//! ([`PromoteError::OverBroad`]) unless forced.
//!
//! Nothing is lost: the text after the edit is the text before with one insertion, checked
//! before anything is written; an edit whose result would not load, would change what any
//! other part of the policy means, would add a warning, or whose gate would not honour its
//! own examples is refused, and nothing is written.
//!
//! ```
//! use metalayer_kernel::promote::{self, Candidate, HistoryCall, Outcome, SessionRef, Target};
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::create_dir(dir.path().join(".control"))?;
//! std::fs::write(
//!     dir.path().join(".control/policy.yaml"),
//!     "version: \"1.0\"\ngates:\n  hard:  # deny\n    - id: G1\n      pattern: \"git push.*--force\"\n",
//! )?;
//! let lesson = Candidate::new("use-pnpm", "failed-then-worked", "npm fails here", "Use pnpm, not npm")
//!     .with_session(SessionRef::new("3f2a91c0", "claude", "2026-12-01"))
//!     .with_block(["npm install left-pad", "npm i react"])
//!     .with_allow(["pnpm install left-pad"]);
//! let history = [
//!     HistoryCall::new("3f2a91c0", "claude", "Bash", "npm install left-pad", Outcome::Error),
//!     HistoryCall::new("3f2a91c0", "claude", "Bash", "pnpm install left-pad", Outcome::Ok),
//!     HistoryCall::new("77b1e2d4", "claude", "Bash", "npm test", Outcome::Ok),
//! ];
//! let plan = promote::plan(dir.path(), &lesson, Target::Deny, &history, false)?;
//! assert_eq!(plan.gate().and_then(|g| g.pattern.as_deref()), Some(r"^npm\s+(install|i)(\s|$)"));
//! assert_eq!(plan.replay().map(|r| r.blocked_lesson.len()), Some(1));
//! assert!(plan.after().starts_with(plan.before().trim_end()));
//! plan.apply()?;
//! // Promoting the same lesson again says it is there.
//! let again = promote::plan(dir.path(), &lesson, Target::Deny, &history, false);
//! assert!(matches!(again, Err(promote::PromoteError::AlreadyPromoted { .. })));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod agents;
mod derive;
mod yaml;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use metalayer_gates::{Decision, ToolCall};
use metalayer_policy::{Example, Gate, GateExamples, GateOrigin, LoadOptions, MatchMode, Policy};
use serde::Serialize;

use crate::kernel::{Kernel, PolicySource};
use crate::layout::AGENTS_DOC;

pub use agents::rule_text;

/// The marker line that opens the section of AGENTS.md where `metalayer promote` writes rules.
pub const LESSONS_BEGIN: &str = "<!-- metalayer:lessons:begin -->";
/// The marker line that closes it.
pub const LESSONS_END: &str = "<!-- metalayer:lessons:end -->";
/// The heading `promote` writes above the section when AGENTS.md has none.
pub const LESSONS_HEADING: &str = "## Lessons learned";
/// At most this many of a lesson's commands become the gate's `examples` of each kind (all
/// of them are checked).
pub const MAX_EXAMPLES: usize = 5;

/// One recorded session a lesson was seen in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SessionRef {
    /// The session id.
    pub id: String,
    /// The harness that ran it (`claude`, `codex`, `gemini`, ...).
    pub harness: String,
    /// The day (`YYYY-MM-DD`).
    pub date: String,
    /// Its markdown file, relative to the repository root, when it was captured.
    pub markdown: Option<String>,
}

impl SessionRef {
    /// A session by id, harness and day.
    #[must_use]
    pub fn new(id: impl Into<String>, harness: impl Into<String>, date: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            harness: harness.into(),
            date: date.into(),
            markdown: None,
        }
    }

    /// Sets the session's markdown file (relative to the repository root).
    #[must_use]
    pub fn with_markdown(mut self, path: impl Into<String>) -> Self {
        self.markdown = Some(path.into());
        self
    }
}

/// A lesson to promote: what `metalayer distill` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Candidate {
    /// The lesson's stable id.
    pub id: String,
    /// Its kind, as distill names it (`failed-then-worked`, `denied-again`, ...).
    pub kind: String,
    /// What happened, in words.
    pub summary: String,
    /// The suggested rule, one line (the gate's reason, or the bullet in AGENTS.md).
    pub rule: String,
    /// The sessions it was seen in.
    pub sessions: Vec<SessionRef>,
    /// Commands a gate must stop (from the history).
    pub block: Vec<String>,
    /// Related commands that worked, which a gate must let through.
    pub allow: Vec<String>,
    /// A suggested pattern, used instead of one derived from [`Candidate::block`].
    pub pattern: Option<String>,
}

impl Candidate {
    /// A lesson with an id, a kind, a summary and a rule; no sessions or commands yet.
    #[must_use]
    pub fn new(
        id: impl Into<String>,
        kind: impl Into<String>,
        summary: impl Into<String>,
        rule: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            kind: kind.into(),
            summary: summary.into(),
            rule: rule.into(),
            sessions: Vec::new(),
            block: Vec::new(),
            allow: Vec::new(),
            pattern: None,
        }
    }

    /// Adds a session.
    #[must_use]
    pub fn with_session(mut self, session: SessionRef) -> Self {
        self.sessions.push(session);
        self
    }

    /// Adds commands a gate must stop.
    #[must_use]
    pub fn with_block<I, S>(mut self, commands: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.block.extend(commands.into_iter().map(Into::into));
        self
    }

    /// Adds commands a gate must let through.
    #[must_use]
    pub fn with_allow<I, S>(mut self, commands: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allow.extend(commands.into_iter().map(Into::into));
        self
    }

    /// Sets the suggested pattern.
    #[must_use]
    pub fn with_pattern(mut self, pattern: impl Into<String>) -> Self {
        self.pattern = Some(pattern.into());
        self
    }
}

/// Where a lesson is promoted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// A rule in AGENTS.md's lessons section.
    Rule,
    /// A gate of `gates.soft`: the call needs a person's approval.
    Ask,
    /// A gate of `gates.hard`: the call is denied.
    Deny,
}

impl Target {
    /// The name, as the command line writes it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rule => "rule",
            Self::Ask => "ask",
            Self::Deny => "deny",
        }
    }

    /// The gate list and the decision of a gate target.
    fn gate_list(self) -> Option<(&'static str, Decision)> {
        match self {
            Self::Rule => None,
            Self::Ask => Some(("soft", Decision::Ask)),
            Self::Deny => Some(("hard", Decision::Deny)),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Target {
    type Err = PromoteError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rule" => Ok(Self::Rule),
            "ask" => Ok(Self::Ask),
            "deny" => Ok(Self::Deny),
            _ => Err(PromoteError::UnknownTarget {
                given: s.to_owned(),
            }),
        }
    }
}

/// How a recorded call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// It ran and worked.
    Ok,
    /// It ran and failed.
    Error,
    /// A gate denied it.
    Denied,
    /// A gate asked about it.
    Asked,
}

impl Outcome {
    /// The name, as session records write it (`ok`, `error`, `denied`, `asked`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Error => "error",
            Self::Denied => "denied",
            Self::Asked => "asked",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Outcome {
    type Err = String;

    /// Reads `ok`, `error`, `denied` (or `deny`), `asked` (or `ask`); the error is the text.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ok" => Ok(Self::Ok),
            "error" => Ok(Self::Error),
            "denied" | "deny" => Ok(Self::Denied),
            "asked" | "ask" => Ok(Self::Asked),
            _ => Err(s.to_owned()),
        }
    }
}

/// One recorded tool call, for the replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct HistoryCall {
    /// The session it was made in.
    pub session: String,
    /// The harness.
    pub harness: String,
    /// The tool (`Bash`, `Write`, ...).
    pub tool: String,
    /// The command of a shell call, the path of a file call.
    pub subject: String,
    /// How it ended.
    pub outcome: Outcome,
}

impl HistoryCall {
    /// A recorded call.
    #[must_use]
    pub fn new(
        session: impl Into<String>,
        harness: impl Into<String>,
        tool: impl Into<String>,
        subject: impl Into<String>,
        outcome: Outcome,
    ) -> Self {
        Self {
            session: session.into(),
            harness: harness.into(),
            tool: tool.into(),
            subject: subject.into(),
            outcome,
        }
    }

    /// The call as the gate engine sees it: a shell tool's subject is its `command`, any
    /// other tool's its `file_path`.
    fn tool_call(&self) -> ToolCall {
        const SHELLS: &[&str] = &[
            "bash",
            "shell",
            "run_shell_command",
            "exec_command",
            "local_shell",
            "powershell",
        ];
        let tool = self.tool.as_str();
        if SHELLS.contains(&tool.to_ascii_lowercase().as_str()) {
            ToolCall::bash(self.subject.as_str())
        } else {
            ToolCall::new(tool).with("file_path", self.subject.as_str())
        }
    }
}

/// What the new gate would have done to the recorded history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ReplayReport {
    /// Calls replayed.
    pub checked: usize,
    /// Calls the gate would have stopped that are part of the lesson: listed in its block
    /// commands, or ones that failed, were denied or were asked about.
    pub blocked_lesson: Vec<HistoryCall>,
    /// Calls the gate would have stopped that worked and are not part of the lesson.
    pub collateral: Vec<HistoryCall>,
}

/// Why a lesson cannot be promoted. Nothing was written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PromoteError {
    /// Not `rule`, `ask` or `deny`.
    #[error("unknown target `{given}`: expected `rule`, `ask` or `deny`")]
    UnknownTarget {
        /// What was given.
        given: String,
    },
    /// The repository has no policy file: the hook uses the embedded default.
    #[error(
        "`{}` does not exist: this repository runs on the embedded default policy; run `metalayer init` to write it, then promote again",
        path.display()
    )]
    NoPolicyFile {
        /// The policy file that is missing.
        path: PathBuf,
    },
    /// The policy does not load as it is: it is not edited.
    #[error("`{}` does not load, so it is not edited: {summary}", path.display())]
    PolicyInvalid {
        /// The policy file.
        path: PathBuf,
        /// Its problems, with their lines.
        summary: String,
    },
    /// The lesson is already in the file.
    #[error("lesson `{lesson}` is already promoted: {place} in `{}`", path.display())]
    AlreadyPromoted {
        /// The lesson.
        lesson: String,
        /// The file.
        path: PathBuf,
        /// Where: the gate or the line.
        place: String,
    },
    /// The lesson has no rule text.
    #[error("lesson `{lesson}` has no rule text to promote")]
    NoRule {
        /// The lesson.
        lesson: String,
    },
    /// No pattern could be derived from the lesson's commands.
    #[error("lesson `{lesson}`: {why}; give a pattern")]
    NoPattern {
        /// The lesson.
        lesson: String,
        /// Why.
        why: String,
    },
    /// The file's shape leaves no place to insert into without rewriting it.
    #[error("cannot edit `{}`: {why}; nothing was written", path.display())]
    CannotEdit {
        /// The file.
        path: PathBuf,
        /// What is in the way, and what to do.
        why: String,
    },
    /// The edited file would not load, would mean something else, would warn, or its gate
    /// would not honour its examples.
    #[error("the edited `{}` would be wrong, so nothing was written: {why}", path.display())]
    Unusable {
        /// The file.
        path: PathBuf,
        /// What would be wrong.
        why: String,
    },
    /// The gate would have stopped calls that worked and are not part of the lesson.
    #[error(
        "gate `{gate}` is too broad: it would have stopped {} recorded call(s) that worked and are not part of the lesson: {}; narrow the pattern, or use --force",
        collateral.len(),
        list_calls(collateral)
    )]
    OverBroad {
        /// The gate.
        gate: String,
        /// The calls.
        collateral: Vec<HistoryCall>,
        /// The whole replay.
        replay: ReplayReport,
    },
    /// The file changed between planning and applying.
    #[error("`{}` changed since the plan was made; plan again", path.display())]
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// The file is a symlink; `promote` does not write through links.
    #[error("`{}` is a symlink; promote does not write through links: edit its target by hand", path.display())]
    Symlink {
        /// The file.
        path: PathBuf,
    },
    /// Reading or writing failed.
    #[error("{action} `{}`: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Writing failed.
    #[error(transparent)]
    Write(#[from] crate::KernelError),
    /// A check that the edit only inserts text failed (a bug; nothing was written).
    #[error("internal error: the edit of `{}` is not a pure insertion; nothing was written", path.display())]
    NotAnInsertion {
        /// The file.
        path: PathBuf,
    },
}

/// Up to five calls, for a message.
fn list_calls(calls: &[HistoryCall]) -> String {
    let mut shown: Vec<String> = calls
        .iter()
        .take(5)
        .map(|c| format!("`{}` (session {})", c.subject, c.session))
        .collect();
    if calls.len() > 5 {
        shown.push(format!("and {} more", calls.len() - 5));
    }
    shown.join(", ")
}

/// One insertion: `text` at byte `at` of the file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Insertion {
    at: usize,
    text: String,
}

impl Insertion {
    /// The text after the insertion, if `at` is a char boundary of `before`.
    fn apply(&self, before: &str) -> Option<String> {
        let head = before.get(..self.at)?;
        let tail = before.get(self.at..)?;
        let mut out = String::with_capacity(before.len() + self.text.len());
        out.push_str(head);
        out.push_str(&self.text);
        out.push_str(tail);
        Some(out)
    }
}

/// Whether `after` is `before` with one piece of text inserted (every byte of `before`
/// kept, in order, contiguous around one place).
#[must_use]
pub fn is_insertion(before: &str, after: &str) -> bool {
    let (b, a) = (before.as_bytes(), after.as_bytes());
    if a.len() < b.len() {
        return false;
    }
    let prefix = b.iter().zip(a).take_while(|(x, y)| x == y).count();
    let added = a.len() - b.len();
    b.get(prefix..) == a.get(prefix + added..)
}

/// The computed edit: which file, its text before and after, and for a gate the gate and the
/// replay. Nothing is written until [`Plan::apply`].
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    lesson: String,
    target: Target,
    path: PathBuf,
    /// Whether the file is created.
    created: bool,
    /// The rule text (the bullet, or the gate's `rule`).
    rule: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    gate: Option<Gate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replay: Option<ReplayReport>,
    /// Whether the replay found collateral and the plan was forced.
    forced: bool,
    diff: String,
    #[serde(skip)]
    before: String,
    #[serde(skip)]
    after: String,
}

impl Plan {
    /// The lesson.
    #[must_use]
    pub fn lesson(&self) -> &str {
        &self.lesson
    }

    /// Where it is promoted to.
    #[must_use]
    pub fn target(&self) -> Target {
        self.target
    }

    /// The file written.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file does not exist yet and is created.
    #[must_use]
    pub fn creates_file(&self) -> bool {
        self.created
    }

    /// The file's text now (empty when it does not exist).
    #[must_use]
    pub fn before(&self) -> &str {
        &self.before
    }

    /// The file's text after the edit.
    #[must_use]
    pub fn after(&self) -> &str {
        &self.after
    }

    /// The new gate, for a gate target.
    #[must_use]
    pub fn gate(&self) -> Option<&Gate> {
        self.gate.as_ref()
    }

    /// What the new gate would have done to the recorded history, for a gate target.
    #[must_use]
    pub fn replay(&self) -> Option<&ReplayReport> {
        self.replay.as_ref()
    }

    /// Whether the gate was kept although the replay found calls it should not stop.
    #[must_use]
    pub fn forced(&self) -> bool {
        self.forced
    }

    /// The edit as a unified diff.
    #[must_use]
    pub fn diff(&self) -> &str {
        &self.diff
    }

    /// Writes the edit atomically (a temporary file with an unpredictable name in the same
    /// folder, renamed over the file; its permissions kept).
    ///
    /// # Errors
    ///
    /// [`PromoteError::Changed`] when the file changed since the plan was made;
    /// [`PromoteError::Symlink`] when it became a symlink; [`PromoteError::Write`] when writing
    /// fails. Nothing is written then.
    pub fn apply(&self) -> Result<(), PromoteError> {
        if !is_insertion(&self.before, &self.after) {
            return Err(PromoteError::NotAnInsertion {
                path: self.path.clone(),
            });
        }
        let now = read_optional(&self.path)?;
        let unchanged = match &now {
            None => self.created,
            Some(text) => !self.created && *text == self.before,
        };
        if !unchanged {
            return Err(PromoteError::Changed {
                path: self.path.clone(),
            });
        }
        crate::fs::write_atomically(&self.path, self.after.as_bytes(), false)?;
        Ok(())
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.path.display();
        let created = if self.created { " (new file)" } else { "" };
        match (&self.gate, self.target) {
            (Some(gate), target) => {
                let list = if target == Target::Ask {
                    "soft"
                } else {
                    "hard"
                };
                writeln!(
                    f,
                    "lesson `{}` → {target} gate `{}` at the end of gates.{list} in {file}{created}",
                    self.lesson, gate.id
                )?;
                writeln!(f, "  rule:     {}", gate.rule)?;
                writeln!(
                    f,
                    "  pattern:  {} (match: command)",
                    gate.pattern.as_deref().unwrap_or_default()
                )?;
                if let Some(examples) = &gate.docs().examples {
                    writeln!(
                        f,
                        "  examples: {} to block, {} to allow",
                        examples.block.len(),
                        examples.allow.len()
                    )?;
                }
            }
            (None, _) => {
                writeln!(
                    f,
                    "lesson `{}` → rule in the lessons section of {file}{created}",
                    self.lesson
                )?;
                writeln!(f, "  rule: {}", self.rule)?;
            }
        }
        if let Some(replay) = &self.replay {
            writeln!(
                f,
                "  replay:   {} recorded call(s); it would have stopped {} of the lesson and {} other(s) that worked{}",
                replay.checked,
                replay.blocked_lesson.len(),
                replay.collateral.len(),
                if self.forced { " (forced)" } else { "" }
            )?;
            for call in replay.collateral.iter().take(10) {
                writeln!(
                    f,
                    "    would stop `{}` (session {})",
                    call.subject, call.session
                )?;
            }
        }
        Ok(())
    }
}

/// Works out how to promote `candidate` to `target` in the repository at `root`, without
/// writing: the rule into its `AGENTS.md`, a gate into its `.control/policy.yaml`. The
/// repository is found from `root` upward as the hook finds it ([`crate::find_root`]), so a
/// subfolder names its repository. `history` is every recorded call, replayed through the
/// policy with a new gate; `force` keeps a gate that would have stopped calls that worked.
///
/// # Errors
///
/// See [`PromoteError`]: among others, the embedded default policy (no file), a lesson
/// already promoted, an over-broad gate, an edit that would not validate.
pub fn plan(
    root: &Path,
    candidate: &Candidate,
    target: Target,
    history: &[HistoryCall],
    force: bool,
) -> Result<Plan, PromoteError> {
    let root = crate::root::find_root(root).unwrap_or_else(|| root.to_path_buf());
    let path = match target {
        Target::Rule => root.join(AGENTS_DOC),
        Target::Ask | Target::Deny => root.join(metalayer_policy::DEFAULT_POLICY_FILE),
    };
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(PromoteError::Symlink { path });
    }
    let before = read_optional(&path)?;
    plan_text(&path, before.as_deref(), candidate, target, history, force)
}

/// [`plan`] for a file's text in memory: `before` is its text, `None` when it does not
/// exist. `path` names the file in messages and is where [`Plan::apply`] writes.
///
/// ```
/// use metalayer_kernel::promote::{Candidate, Target, plan_text};
/// let lesson = Candidate::new("L1", "correction", "said twice", "Run tests with `just test`");
/// let before = "# Agents\n\nBe kind.\n";
/// let plan = plan_text("AGENTS.md".as_ref(), Some(before), &lesson, Target::Rule, &[], false)?;
/// assert!(plan.after().starts_with(before));
/// assert!(plan.after().contains("- Run tests with `just test` (lesson `L1`)"));
/// # Ok::<(), metalayer_kernel::promote::PromoteError>(())
/// ```
///
/// # Errors
///
/// As [`plan`].
pub fn plan_text(
    path: &Path,
    before: Option<&str>,
    candidate: &Candidate,
    target: Target,
    history: &[HistoryCall],
    force: bool,
) -> Result<Plan, PromoteError> {
    let rule = one_line(&candidate.rule);
    if rule.is_empty() {
        return Err(PromoteError::NoRule {
            lesson: candidate.id.clone(),
        });
    }
    let Some((list, decision)) = target.gate_list() else {
        let text = before.unwrap_or_default();
        let insertion = agents::insert_rule(path, text, candidate, &rule)?;
        return finish(
            path, candidate, target, before, insertion, rule, None, None, false,
        );
    };
    let Some(text) = before else {
        return Err(PromoteError::NoPolicyFile {
            path: path.to_path_buf(),
        });
    };
    let loaded =
        metalayer_policy::load_str_with(text, &path.display().to_string(), LoadOptions::default())
            .map_err(|e| PromoteError::PolicyInvalid {
                path: path.to_path_buf(),
                summary: crate::summary::policy_error_summary(&e),
            })?;
    let policy = loaded.policy;
    if let Some(gate) = policy.gates.iter().map(|(_, g)| g).find(|g| {
        g.docs()
            .origin
            .as_ref()
            .is_some_and(|o| o.lesson == candidate.id)
    }) {
        return Err(PromoteError::AlreadyPromoted {
            lesson: candidate.id.clone(),
            path: path.to_path_buf(),
            place: format!("gate `{}`", gate.id),
        });
    }
    let gate = new_gate(&policy, candidate, &rule)?;
    let insertion = yaml::insert_gate(path, text, list, &gate, &policy, loaded.warnings.len())?;
    let after = insertion
        .apply(text)
        .ok_or_else(|| PromoteError::NotAnInsertion {
            path: path.to_path_buf(),
        })?;
    let mut new_policy = policy;
    let index = push_gate(&mut new_policy, list, gate.clone());
    check_examples_of(path, &new_policy, list, index, &gate, candidate, decision)?;
    let replay = replay(path, new_policy, &gate, candidate, history)?;
    let forced = !replay.collateral.is_empty();
    if forced && !force {
        return Err(PromoteError::OverBroad {
            gate: gate.id.to_string(),
            collateral: replay.collateral.clone(),
            replay,
        });
    }
    debug_assert!(is_insertion(text, &after));
    finish(
        path,
        candidate,
        target,
        before,
        insertion,
        rule,
        Some(gate),
        Some(replay),
        forced,
    )
}

/// Assembles the plan, checking that the edit is one insertion.
#[expect(
    clippy::too_many_arguments,
    reason = "one private constructor of the plan"
)]
fn finish(
    path: &Path,
    candidate: &Candidate,
    target: Target,
    before: Option<&str>,
    insertion: Insertion,
    rule: String,
    gate: Option<Gate>,
    replay: Option<ReplayReport>,
    forced: bool,
) -> Result<Plan, PromoteError> {
    let text = before.unwrap_or_default();
    let after = insertion
        .apply(text)
        .filter(|after| is_insertion(text, after))
        .ok_or_else(|| PromoteError::NotAnInsertion {
            path: path.to_path_buf(),
        })?;
    let name = path.display().to_string();
    let diff = similar::TextDiff::from_lines(text, after.as_str())
        .unified_diff()
        .context_radius(3)
        .header(&name, &name)
        .to_string();
    Ok(Plan {
        lesson: candidate.id.clone(),
        target,
        path: path.to_path_buf(),
        created: before.is_none(),
        rule,
        gate,
        replay,
        forced,
        diff,
        before: text.to_owned(),
        after,
    })
}

/// Text on one line, white space collapsed.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The gate for the lesson: an id free in the policy, the pattern, examples and origin.
fn new_gate(policy: &Policy, candidate: &Candidate, rule: &str) -> Result<Gate, PromoteError> {
    let pattern = match &candidate.pattern {
        Some(p) if !p.trim().is_empty() => p.clone(),
        _ => derive::pattern(&candidate.block).map_err(|why| PromoteError::NoPattern {
            lesson: candidate.id.clone(),
            why,
        })?,
    };
    let base = derive::gate_id(&candidate.id);
    let mut id = base.clone();
    let mut n = 2;
    while policy.gates.get(&id).is_some() {
        id = format!("{base}-{n}");
        n += 1;
    }
    let mut gate = Gate::new(id, format!("{rule} (lesson {})", candidate.id)).with_pattern(pattern);
    gate.match_mode = Some(MatchMode::Command);
    let examples = |commands: &[String]| -> Vec<Example> {
        let mut seen = Vec::new();
        for c in commands {
            let c = c.trim();
            if !c.is_empty()
                && !seen
                    .iter()
                    .any(|s: &Example| *s == Example::Value(c.to_owned()))
            {
                seen.push(Example::Value(c.to_owned()));
            }
            if seen.len() == MAX_EXAMPLES {
                break;
            }
        }
        seen
    };
    let block = examples(&candidate.block);
    let allow = examples(&candidate.allow);
    if !block.is_empty() || !allow.is_empty() {
        gate.docs_mut().examples = Some(GateExamples::new(block, allow));
    }
    gate.docs_mut().origin = Some(GateOrigin::new(
        candidate.id.clone(),
        candidate.sessions.iter().map(|s| s.id.clone()).collect(),
    ));
    Ok(gate)
}

/// Appends the gate to its list; its index.
fn push_gate(policy: &mut Policy, list: &str, gate: Gate) -> usize {
    let gates = if list == "soft" {
        &mut policy.gates.soft
    } else {
        &mut policy.gates.hard
    };
    gates.push(gate);
    gates.len() - 1
}

/// The new gate honours its examples and every command of the lesson.
fn check_examples_of(
    path: &Path,
    policy: &Policy,
    list: &str,
    index: usize,
    gate: &Gate,
    candidate: &Candidate,
    decision: Decision,
) -> Result<(), PromoteError> {
    let unusable = |why: String| PromoteError::Unusable {
        path: path.to_path_buf(),
        why,
    };
    let own = format!("/gates/{list}/{index}/");
    let report = crate::examples::check_examples(policy);
    if let Some(failure) = report.failures.iter().find(|f| f.pointer.starts_with(&own)) {
        return Err(unusable(failure.message()));
    }
    let Some(rule) = crate::rules::rule_of(gate, decision) else {
        return Err(unusable("the gate has no pattern".to_owned()));
    };
    let set = metalayer_gates::GateSetBuilder::new()
        .rule(rule)
        .build()
        .map_err(|e| unusable(format!("the gate does not compile: {e}")))?;
    let stops = |command: &str| {
        set.decide(&ToolCall::bash(command))
            .matches()
            .iter()
            .any(|m| m.id.as_ref() == gate.id.as_str() && m.decision != Decision::Allow)
    };
    if let Some(missed) = candidate.block.iter().find(|c| !stops(c)) {
        return Err(unusable(format!(
            "gate `{}` does not stop the lesson's command `{missed}`",
            gate.id
        )));
    }
    if let Some(caught) = candidate.allow.iter().find(|c| stops(c)) {
        return Err(unusable(format!(
            "gate `{}` stops `{caught}`, a command of the lesson that worked",
            gate.id
        )));
    }
    Ok(())
}

/// Replays the history through the policy with the new gate, compiled as the hook compiles it.
fn replay(
    path: &Path,
    policy: Policy,
    gate: &Gate,
    candidate: &Candidate,
    history: &[HistoryCall],
) -> Result<ReplayReport, PromoteError> {
    let kernel =
        Kernel::from_policy(policy, PolicySource::File(path.to_path_buf())).map_err(|e| {
            PromoteError::Unusable {
                path: path.to_path_buf(),
                why: e.to_string(),
            }
        })?;
    let mut report = ReplayReport::default();
    for call in history {
        report.checked += 1;
        let verdict = kernel.decide(&call.tool_call());
        let stopped = verdict
            .matches()
            .iter()
            .any(|m| m.id.as_ref() == gate.id.as_str() && m.decision != Decision::Allow);
        if !stopped {
            continue;
        }
        let of_lesson = call.outcome != Outcome::Ok
            || candidate
                .block
                .iter()
                .any(|c| c.trim() == call.subject.trim());
        if of_lesson {
            report.blocked_lesson.push(call.clone());
        } else {
            report.collateral.push(call.clone());
        }
    }
    Ok(report)
}

/// A file's text, `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<String>, PromoteError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(PromoteError::Io {
            action: "cannot read",
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertions_are_recognised() {
        assert!(is_insertion("abc", "abXYc"));
        assert!(is_insertion("abc", "abc"));
        assert!(is_insertion("", "x"));
        assert!(is_insertion("aaa", "aaaa"));
        assert!(!is_insertion("abc", "abd"));
        assert!(!is_insertion("abc", "ab"));
        assert!(!is_insertion("abc", "Xabd"));
    }

    #[test]
    fn targets_parse_and_print() {
        for t in [Target::Rule, Target::Ask, Target::Deny] {
            assert_eq!(t.to_string().parse::<Target>().ok(), Some(t));
        }
        for o in [Outcome::Ok, Outcome::Error, Outcome::Denied, Outcome::Asked] {
            assert_eq!(o.to_string().parse::<Outcome>(), Ok(o));
        }
        assert_eq!("Deny".parse::<Outcome>(), Ok(Outcome::Denied));
        assert!(matches!(
            "gate".parse::<Target>(),
            Err(PromoteError::UnknownTarget { .. })
        ));
    }
}
