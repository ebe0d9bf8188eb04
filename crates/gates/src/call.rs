//! The tool call a gate set decides on.

/// A tool call: the tool's name and the string fields of its input.
///
/// The engine reads fields by key (see [`Field::keys`](crate::Field::keys)); a key may occur
/// more than once (the `new_string` of each edit of a `MultiEdit`, say), and every occurrence
/// is checked.
///
/// ```
/// use metalayer_gates::ToolCall;
///
/// let call = ToolCall::bash("git status");
/// assert_eq!(call.tool(), "Bash");
/// assert_eq!(call.values("command").collect::<Vec<_>>(), ["git status"]);
///
/// let call = ToolCall::new("Write").with("file_path", "/repo/.env").with("content", "A=1");
/// assert_eq!(call.values("file_path").next(), Some("/repo/.env"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ToolCall {
    tool: String,
    fields: Vec<(String, String)>,
}

impl ToolCall {
    /// A call of `tool` with no fields yet.
    #[must_use]
    pub fn new(tool: impl Into<String>) -> Self {
        Self {
            tool: tool.into(),
            fields: Vec::new(),
        }
    }

    /// A `Bash` call of `command`.
    #[must_use]
    pub fn bash(command: impl Into<String>) -> Self {
        Self::new(crate::rule::SHELL_TOOL).with("command", command)
    }

    /// Adds a field.
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.push(key, value);
        self
    }

    /// Adds a field in place.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.fields.push((key.into(), value.into()));
    }

    /// The tool's name.
    #[must_use]
    pub fn tool(&self) -> &str {
        &self.tool
    }

    /// Every value of `key`.
    pub fn values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every field, in insertion order.
    #[must_use]
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }
}
