//! Rules: what a gate looks for and what it answers.

use std::borrow::Borrow;
use std::fmt;
use std::sync::Arc;

use crate::decision::Decision;

/// The file-writing tools of Claude Code (and `ApplyPatch`, Codex's `apply_patch` as the kernel
/// names it), the default tools of a gate on `file_path` or `content` (with `Bash` as well for
/// `file_path`, whose paths come from the shell writes the normaliser finds).
pub const FILE_WRITE_TOOLS: &[&str] = &["Write", "Edit", "MultiEdit", "NotebookEdit", "ApplyPatch"];

/// The name of the shell tool, whose `command` field is normalised.
pub const SHELL_TOOL: &str = "Bash";

/// The id of a gate (`G1`, `no-force-push`, …). Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GateId(Arc<str>);

impl GateId {
    /// Makes an id.
    #[must_use]
    pub fn new(id: &str) -> Self {
        Self(Arc::from(id))
    }

    /// The id as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for GateId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for GateId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for GateId {
    fn from(id: &str) -> Self {
        Self::new(id)
    }
}

impl From<String> for GateId {
    fn from(id: String) -> Self {
        Self(Arc::from(id))
    }
}

/// Which part of a tool call a rule reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Field {
    /// The shell command (`tool_input.command`): matched against the raw command and the
    /// normalised simple commands.
    Command,
    /// The file a call writes: `file_path` / `notebook_path` / `path` of a file tool, or every
    /// path a shell command writes, moves onto or deletes.
    FilePath,
    /// The text a file tool writes: `content`, `new_string`, `new_source`.
    Content,
    /// The paths a shell command takes out of git's index and leaves on disk (`git rm
    /// --cached`): nothing is written, but the next commit deletes them (policy name
    /// `untracked_path`).
    Untracked,
    /// Any other `tool_input` key, read verbatim.
    Key(String),
}

impl Field {
    /// Parses a policy's `field:` value: `command`, `file_path`, `content`, `untracked_path`,
    /// or any other key.
    #[must_use]
    pub fn parse(name: &str) -> Self {
        match name {
            "command" => Field::Command,
            "file_path" | "path" | "notebook_path" => Field::FilePath,
            "content" => Field::Content,
            "untracked_path" => Field::Untracked,
            other => Field::Key(other.to_owned()),
        }
    }

    /// The `tool_input` keys this field reads.
    #[must_use]
    pub fn keys(&self) -> Vec<&str> {
        match self {
            Field::Command => vec!["command"],
            Field::FilePath => vec!["file_path", "notebook_path", "path"],
            Field::Content => vec!["content", "new_string", "new_source"],
            Field::Untracked => Vec::new(),
            Field::Key(k) => vec![k.as_str()],
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Command => f.write_str("command"),
            Field::FilePath => f.write_str("file_path"),
            Field::Content => f.write_str("content"),
            Field::Untracked => f.write_str("untracked_path"),
            Field::Key(k) => f.write_str(k),
        }
    }
}

/// How a rule's pattern is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
#[non_exhaustive]
pub enum MatchMode {
    /// Searched anywhere (Python's `re.search`): in the raw command and in every normalised
    /// simple command, or anywhere in the field's value. The seed's semantics.
    #[default]
    Anywhere,
    /// Anchored at the start of each executed simple command, with data words (quoted text
    /// holding white space) replaced by a placeholder; for other fields, anchored at the start
    /// of the value.
    Command,
}

/// Which tools a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tools {
    /// The default for the rule's field: `Bash` for [`Field::Command`], the file-writing tools
    /// and `Bash` for [`Field::FilePath`], the file-writing tools for [`Field::Content`], every
    /// tool for other keys.
    Default,
    /// Every tool.
    Any,
    /// These tool names.
    Only(Vec<String>),
}

/// One gate: a pattern over one field of some tools' calls, and the decision when it matches.
///
/// ```
/// use metalayer_gates::{Decision, Field, MatchMode, Rule};
///
/// let rule = Rule::new("G2", Decision::Deny, r"git\s+reset\s+--hard")
///     .with_message("No destructive git reset")
///     .with_mode(MatchMode::Command);
/// assert_eq!(rule.id().as_str(), "G2");
/// assert_eq!(rule.field(), &Field::Command);
/// assert!(rule.applies_to("Bash"));
/// assert!(!rule.applies_to("Write"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    id: GateId,
    decision: Decision,
    pattern: String,
    tools: Tools,
    field: Field,
    mode: MatchMode,
    unless: Option<String>,
    message: Arc<str>,
}

impl Rule {
    /// A rule with the given id, decision and pattern (Rust regex syntax), reading the Bash
    /// command and searching anywhere: the seed's semantics.
    #[must_use]
    pub fn new(id: impl Into<GateId>, decision: Decision, pattern: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            decision,
            pattern: pattern.into(),
            tools: Tools::Default,
            field: Field::Command,
            mode: MatchMode::Anywhere,
            unless: None,
            message: Arc::from(""),
        }
    }

    /// Restricts the rule to these tools (`*` means every tool).
    #[must_use]
    pub fn with_tools<I, S>(mut self, tools: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let list: Vec<String> = tools.into_iter().map(Into::into).collect();
        self.tools = if list.iter().any(|t| t == "*") {
            Tools::Any
        } else {
            Tools::Only(list)
        };
        self
    }

    /// Sets the field the rule reads.
    #[must_use]
    pub fn with_field(mut self, field: Field) -> Self {
        self.field = field;
        self
    }

    /// Sets the match mode.
    #[must_use]
    pub fn with_mode(mut self, mode: MatchMode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets an exception pattern: the rule does not fire on a value that this also matches.
    #[must_use]
    pub fn with_unless(mut self, pattern: impl Into<String>) -> Self {
        self.unless = Some(pattern.into());
        self
    }

    /// Sets the message shown when the rule decides (the policy's `rule:` text).
    #[must_use]
    pub fn with_message(mut self, message: impl Into<Arc<str>>) -> Self {
        // `Into<Arc<str>>`: a `&str` is copied once, straight into the shared text.
        self.message = message.into();
        self
    }

    /// The id.
    #[must_use]
    pub fn id(&self) -> &GateId {
        &self.id
    }

    /// The decision when the rule matches.
    #[must_use]
    pub fn decision(&self) -> Decision {
        self.decision
    }

    /// The pattern.
    #[must_use]
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The exception pattern.
    #[must_use]
    pub fn unless(&self) -> Option<&str> {
        self.unless.as_deref()
    }

    /// The field the rule reads.
    #[must_use]
    pub fn field(&self) -> &Field {
        &self.field
    }

    /// The match mode.
    #[must_use]
    pub fn mode(&self) -> MatchMode {
        self.mode
    }

    /// The message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn message_arc(&self) -> Arc<str> {
        Arc::clone(&self.message)
    }

    /// The tools setting.
    #[must_use]
    pub fn tools(&self) -> &Tools {
        &self.tools
    }

    /// Whether the rule applies to calls of `tool`.
    #[must_use]
    pub fn applies_to(&self, tool: &str) -> bool {
        match &self.tools {
            Tools::Any => true,
            Tools::Only(list) => list.iter().any(|t| t == tool),
            Tools::Default => match &self.field {
                Field::Command => tool == SHELL_TOOL,
                Field::FilePath => tool == SHELL_TOOL || FILE_WRITE_TOOLS.contains(&tool),
                Field::Content => FILE_WRITE_TOOLS.contains(&tool),
                Field::Untracked => tool == SHELL_TOOL,
                Field::Key(_) => true,
            },
        }
    }
}
