//! Hook events: reading them safely and turning them into tool calls.

use std::path::PathBuf;

use metalayer_gates::ToolCall;
use serde_json::{Map, Value};

use crate::error::KernelError;

/// The most bytes a hook reads from standard input (8 MiB): larger events are refused, and the
/// hook fails closed.
pub const MAX_EVENT_BYTES: usize = 8 * 1024 * 1024;

/// A PreToolUse event, as far as the gates need it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolEvent {
    /// The harness's tool name, mapped onto the gates' tool names.
    pub tool: String,
    /// The call.
    pub call: ToolCall,
    /// The event's working directory (`cwd`), if given.
    pub cwd: Option<PathBuf>,
    /// The session id, if given.
    pub session_id: Option<String>,
}

/// Parses an event's bytes as one JSON object.
///
/// # Errors
///
/// [`KernelError::Event`] for oversized input, invalid UTF-8, malformed JSON, or JSON that is
/// not an object.
pub fn parse_object(input: &[u8]) -> Result<Map<String, Value>, KernelError> {
    if input.len() > MAX_EVENT_BYTES {
        return Err(KernelError::Event(format!(
            "the hook event is larger than {MAX_EVENT_BYTES} bytes; refusing to examine it"
        )));
    }
    let text = std::str::from_utf8(input)
        .map_err(|e| KernelError::Event(format!("the hook event is not valid UTF-8 ({e})")))?;
    if text.trim().is_empty() {
        return Err(KernelError::Event(
            "the hook received no event on standard input".to_owned(),
        ));
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| KernelError::Event(format!("the hook event is not valid JSON ({e})")))?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(KernelError::Event(format!(
            "the hook event must be a JSON object, found {}",
            kind_of(&other)
        ))),
    }
}

/// The JSON type name of a value, for messages.
#[must_use]
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An optional string field; present but not a string is an error.
pub(crate) fn optional_str<'a>(
    map: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a str>, KernelError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(KernelError::Event(format!(
            "field `{key}` of the hook event must be a string, found {}",
            kind_of(other)
        ))),
    }
}

/// A required string field.
pub(crate) fn required_str<'a>(
    map: &'a Map<String, Value>,
    key: &str,
) -> Result<&'a str, KernelError> {
    optional_str(map, key)?
        .ok_or_else(|| KernelError::Event(format!("the hook event has no `{key}` field")))
}
