//! The tool vocabulary of each harness, mapped onto the gates' (Claude Code's) in one table.
//!
//! A harness names its tools and their input keys in its own words: Copilot's `create` writes
//! `file_text` to `path`, Gemini CLI's `write_file` writes `content` to `file_path`, Codex's
//! and Copilot's `apply_patch` carry a patch. The gates read Claude Code's words: the tools
//! `Bash`, `Write`, `Edit`, `MultiEdit`, `NotebookEdit` (and `ApplyPatch` for a patch), the
//! keys `command`, `file_path` (or `notebook_path`), `content` (or `new_string`,
//! `new_source`). [`call`] turns a harness's tool call into the gates' [`ToolCall`] with the
//! entry of [`vocabulary`] for the tool:
//!
//! - a known tool gets the gates' name, its keys renamed, and a check that the key the gates
//!   rely on (the command of a shell call, the path of a file tool) is a string: a known tool
//!   in its known shape is always read, and one in any other shape fails closed;
//! - a patch is read for the files it adds, updates, deletes and moves to (`file_path`), and
//!   for the lines it adds to each (`content`); a patch that names no file, or has a header
//!   line metalayer does not know, fails closed;
//! - an unknown tool keeps its name and its string fields by their keys, so gates on
//!   `tools: ["*"]` or on a named key still see it; an input that is not an object (Copilot's
//!   `toolArgs` as text) fails closed unless the tool reads a patch.
//!
//! Reading tools are listed too (as the gates' `Read`, their path under `file_path`), so a
//! policy's gates on `tools: [Read]` see every harness's reads, and a tool that only reads
//! (an editor's `view`) never meets the gates on file writes.

use metalayer_gates::ToolCall;
use serde_json::{Map, Value};

use crate::error::KernelError;
use crate::event::kind_of;
use crate::harness::Harness;

/// How the input of a tool is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// An object whose keys are renamed by the entry's `renames`; one of `required` must be a
    /// string.
    Fields,
    /// An `str_replace_editor`-style tool whose `command` key says what it does: `view` reads
    /// (the gates' `Read`), anything else edits.
    Editor,
    /// A patch (`*** Begin Patch` … `*** End Patch`), in one of the `required` keys of an
    /// object, or as the whole input when a harness sends it as text.
    Patch,
}

/// One tool of a harness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ToolSpec {
    /// The harness's name of the tool.
    pub(crate) name: &'static str,
    /// The gates' name of the tool.
    pub(crate) tool: &'static str,
    /// Input keys renamed to the gates' keys: `(harness key, gates key)`.
    pub(crate) renames: &'static [(&'static str, &'static str)],
    /// The keys (after renaming) one of which must hold a string for the call to be checked;
    /// a present one of another type is an error. Empty: nothing is required.
    pub(crate) required: &'static [&'static str],
    /// How the input is read.
    pub(crate) shape: Shape,
}

const fn fields(
    name: &'static str,
    tool: &'static str,
    renames: &'static [(&'static str, &'static str)],
    required: &'static [&'static str],
) -> ToolSpec {
    ToolSpec {
        name,
        tool,
        renames,
        required,
        shape: Shape::Fields,
    }
}

const fn patch(name: &'static str) -> ToolSpec {
    ToolSpec {
        name,
        tool: PATCH_TOOL,
        renames: &[],
        required: &["command", "patch", "input"],
        shape: Shape::Patch,
    }
}

/// The gates' name of a patch tool (Codex's and Copilot's `apply_patch`).
pub(crate) const PATCH_TOOL: &str = "ApplyPatch";

const COMMAND: &[&str] = &["command"];
const FILE_PATH: &[&str] = &["file_path"];
const NO_RENAMES: &[(&str, &str)] = &[];

/// Claude Code's tools: already the gates' words. Codex sends the same names (its shell calls
/// as `Bash`) and `apply_patch`.
const CLAUDE: &[ToolSpec] = &[
    fields("Bash", "Bash", NO_RENAMES, COMMAND),
    // Windows routes shell commands to PowerShell: the same gates apply.
    fields("PowerShell", "Bash", NO_RENAMES, COMMAND),
    fields("Write", "Write", NO_RENAMES, FILE_PATH),
    fields("Edit", "Edit", NO_RENAMES, FILE_PATH),
    fields("MultiEdit", "MultiEdit", NO_RENAMES, FILE_PATH),
    fields(
        "NotebookEdit",
        "NotebookEdit",
        NO_RENAMES,
        &["notebook_path", "file_path"],
    ),
    patch("apply_patch"),
];

/// Gemini CLI's built-in tools (`run_shell_command {command, description, directory}`,
/// `write_file {file_path, content}`, `replace {file_path, old_string, new_string}`).
const GEMINI: &[ToolSpec] = &[
    fields("run_shell_command", "Bash", NO_RENAMES, COMMAND),
    fields(
        "write_file",
        "Write",
        &[("absolute_path", "file_path")],
        FILE_PATH,
    ),
    fields(
        "replace",
        "Edit",
        &[("absolute_path", "file_path")],
        FILE_PATH,
    ),
    fields("read_file", "Read", &[("absolute_path", "file_path")], &[]),
    fields("read_many_files", "Read", NO_RENAMES, &[]),
];

/// Cursor's `preToolUse` tools (its shell and file tools under their current and older
/// names; the input keys of its older tools renamed).
const CURSOR: &[ToolSpec] = &[
    fields("Shell", "Bash", NO_RENAMES, COMMAND),
    fields("terminal", "Bash", NO_RENAMES, COMMAND),
    fields("run_terminal_cmd", "Bash", NO_RENAMES, COMMAND),
    fields("Write", "Write", CURSOR_FILE_KEYS, FILE_PATH),
    fields("write", "Write", CURSOR_FILE_KEYS, FILE_PATH),
    fields("Edit", "Edit", CURSOR_FILE_KEYS, FILE_PATH),
    fields("StrReplace", "Edit", CURSOR_FILE_KEYS, FILE_PATH),
    fields("MultiEdit", "MultiEdit", CURSOR_FILE_KEYS, FILE_PATH),
    fields("edit_file", "Edit", CURSOR_FILE_KEYS, FILE_PATH),
    fields("search_replace", "Edit", CURSOR_FILE_KEYS, FILE_PATH),
    // A deletion is read as a write of the file: the file gates decide on its path.
    fields("Delete", "Write", CURSOR_FILE_KEYS, FILE_PATH),
    fields("delete_file", "Write", CURSOR_FILE_KEYS, FILE_PATH),
    fields("Read", "Read", CURSOR_FILE_KEYS, &[]),
    fields("read_file", "Read", CURSOR_FILE_KEYS, &[]),
];

const CURSOR_FILE_KEYS: &[(&str, &str)] = &[
    ("path", "file_path"),
    ("target_file", "file_path"),
    ("contents", "content"),
    ("code_edit", "content"),
];

/// GitHub Copilot CLI's tools: `bash {command}`, `write_bash {input}` (keystrokes sent to a
/// running shell), `create {path, file_text}`, `edit {path, old_str, new_str}`, `view {path}`,
/// and `apply_patch` (with gpt-5 models), whose `toolArgs` is the patch text itself.
const COPILOT: &[ToolSpec] = &[
    fields("bash", "Bash", NO_RENAMES, COMMAND),
    fields("shell", "Bash", NO_RENAMES, COMMAND),
    fields("powershell", "Bash", NO_RENAMES, COMMAND),
    fields("write_bash", "Bash", &[("input", "command")], COMMAND),
    fields("write_powershell", "Bash", &[("input", "command")], COMMAND),
    fields("create", "Write", COPILOT_FILE_KEYS, FILE_PATH),
    fields("write", "Write", COPILOT_FILE_KEYS, FILE_PATH),
    fields("edit", "Edit", COPILOT_FILE_KEYS, FILE_PATH),
    fields("str_replace", "Edit", COPILOT_FILE_KEYS, FILE_PATH),
    ToolSpec {
        name: "str_replace_editor",
        tool: "Edit",
        renames: COPILOT_EDITOR_KEYS,
        required: FILE_PATH,
        shape: Shape::Editor,
    },
    ToolSpec {
        name: "str_replace_based_edit_tool",
        tool: "Edit",
        renames: COPILOT_EDITOR_KEYS,
        required: FILE_PATH,
        shape: Shape::Editor,
    },
    fields("view", "Read", COPILOT_FILE_KEYS, &[]),
    fields("read", "Read", COPILOT_FILE_KEYS, &[]),
    patch("apply_patch"),
];

const COPILOT_FILE_KEYS: &[(&str, &str)] = &[
    ("path", "file_path"),
    ("file_text", "content"),
    ("old_str", "old_string"),
    ("new_str", "new_string"),
];

/// The editor's `command` (`create`, `str_replace`, `insert`, `view`) is not a shell command:
/// it is kept under another key, away from the gates on `command`.
const COPILOT_EDITOR_KEYS: &[(&str, &str)] = &[
    ("path", "file_path"),
    ("file_text", "content"),
    ("old_str", "old_string"),
    ("new_str", "new_string"),
    ("command", "editor_command"),
];

/// Every tool of a harness that metalayer reads in a known shape.
#[must_use]
pub(crate) fn vocabulary(harness: Harness) -> &'static [ToolSpec] {
    match harness {
        Harness::Claude | Harness::Codex => CLAUDE,
        Harness::Gemini => GEMINI,
        Harness::Cursor => CURSOR,
        Harness::Copilot => COPILOT,
    }
}

/// The input of a tool call as a harness sends it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Input<'a> {
    /// A JSON object (`tool_input`, or Copilot's `toolArgs`).
    Object(&'a Map<String, Value>),
    /// Text that is not a JSON object (Copilot's `apply_patch` sends the patch itself).
    Text(&'a str),
}

/// The gates' tool call for a harness's call of tool `name`.
///
/// # Errors
///
/// [`KernelError::Event`] when a known tool's input is not in its known shape (a command or
/// path that is missing or not a string, a patch that names no file or has a header metalayer
/// does not know), or when an unknown tool's input is not an object.
pub(crate) fn call(
    harness: Harness,
    name: &str,
    input: Input<'_>,
) -> Result<ToolCall, KernelError> {
    let spec = vocabulary(harness).iter().find(|s| s.name == name);
    match (spec, input) {
        (Some(spec), _) if spec.shape == Shape::Patch => {
            let text = match input {
                Input::Text(text) => text,
                Input::Object(map) => patch_text(map, spec, name)?,
            };
            patch_call(text, name)
        }
        (Some(spec), Input::Object(map)) => {
            let tool = match spec.shape {
                Shape::Editor if map.get("command").and_then(Value::as_str) == Some("view") => {
                    "Read"
                }
                _ => spec.tool,
            };
            let required = if tool == "Read" {
                &[][..]
            } else {
                spec.required
            };
            object_call(tool, name, map, spec.renames, required, input_name(harness))
        }
        (None, Input::Object(map)) => {
            object_call(name, name, map, NO_RENAMES, &[], input_name(harness))
        }
        (_, Input::Text(_)) => Err(KernelError::Event(format!(
            "the input of a `{name}` call is text, not a JSON object; it cannot be checked"
        ))),
    }
}

/// What a harness calls a tool call's input, for messages.
fn input_name(harness: Harness) -> &'static str {
    match harness {
        Harness::Copilot => "toolArgs",
        _ => "tool_input",
    }
}

/// A call of `tool` (the harness's `name`) with every string field of `map` by its (renamed)
/// key, and the string fields of objects inside arrays (the `edits` of a `MultiEdit`) by
/// theirs. `input` names the input in messages (`tool_input`).
pub(crate) fn object_call(
    tool: &str,
    name: &str,
    map: &Map<String, Value>,
    renames: &[(&'static str, &'static str)],
    required: &[&str],
    input: &str,
) -> Result<ToolCall, KernelError> {
    let mut call = ToolCall::new(tool);
    let mut found = required.is_empty();
    for (key, value) in map {
        let gates_key = renamed(renames, key);
        let is_required = required.contains(&gates_key);
        match value {
            Value::String(s) => {
                found |= is_required;
                call.push(gates_key, s.as_str());
            }
            Value::Array(items) if !is_required => {
                for item in items {
                    match item {
                        Value::Object(obj) => {
                            for (k, v) in obj {
                                if let Value::String(s) = v {
                                    call.push(renamed(renames, k), s.as_str());
                                }
                            }
                        }
                        Value::String(s) => call.push(gates_key, s.as_str()),
                        _ => {}
                    }
                }
            }
            Value::Null if !is_required => {}
            other if is_required => {
                return Err(KernelError::Event(format!(
                    "`{input}.{key}` of a {name} call must be a string, found {}",
                    kind_of(other)
                )));
            }
            _ => {}
        }
    }
    if found {
        Ok(call)
    } else {
        // Named in the harness's words: the first of its keys that the gates read as each.
        let keys: Vec<String> = required
            .iter()
            .map(|k| {
                let key = renames
                    .iter()
                    .find(|(_, to)| to == k)
                    .map_or(*k, |(from, _)| *from);
                format!("`{input}.{key}`")
            })
            .collect();
        Err(KernelError::Event(format!(
            "a {name} call without {} cannot be checked",
            keys.join(" or ")
        )))
    }
}

/// The gates' key for a harness's input key.
fn renamed<'k>(renames: &[(&str, &'k str)], key: &'k str) -> &'k str {
    renames
        .iter()
        .find(|(from, _)| *from == key)
        .map_or(key, |(_, to)| to)
}

/// The patch text of an object input: the first of the entry's keys that holds a string.
fn patch_text<'a>(
    map: &'a Map<String, Value>,
    spec: &ToolSpec,
    name: &str,
) -> Result<&'a str, KernelError> {
    spec.required
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str))
        .ok_or_else(|| {
            KernelError::Event(format!(
                "a {name} call without its patch (`{}`) cannot be checked",
                spec.required.join("`, `")
            ))
        })
}

/// The file headers of a patch, and what each names.
const PATCH_FILE_HEADERS: [&str; 4] = [
    "*** Add File:",
    "*** Update File:",
    "*** Delete File:",
    "*** Move to:",
];

/// The headers of a patch that name no file.
const PATCH_FRAME_HEADERS: [&str; 3] = ["*** Begin Patch", "*** End Patch", "*** End of File"];

/// The gates' call of a patch: every file it adds, updates, deletes or moves to as a
/// `file_path`, and the lines it adds to each file (without their `+`) as one `content` per
/// file.
fn patch_call(patch: &str, name: &str) -> Result<ToolCall, KernelError> {
    let mut call = ToolCall::new(PATCH_TOOL);
    let mut files = 0_usize;
    let mut added = String::new();
    for line in patch.lines() {
        if line.starts_with("***") {
            if let Some(path) = PATCH_FILE_HEADERS.iter().find_map(|h| line.strip_prefix(h)) {
                let path = path.trim();
                if path.is_empty() {
                    return Err(KernelError::Event(format!(
                        "a {name} patch has a file header without a path (`{line}`)"
                    )));
                }
                if !line.starts_with("*** Move to:") {
                    flush(&mut call, &mut added);
                }
                call.push("file_path", path);
                files += 1;
            } else if PATCH_FRAME_HEADERS.iter().any(|h| line.trim_end() == *h) {
                continue;
            } else {
                return Err(KernelError::Event(format!(
                    "a {name} patch has a header metalayer does not know (`{}`); it cannot be checked",
                    excerpt(line)
                )));
            }
        } else if let Some(text) = line.strip_prefix('+') {
            added.push_str(text);
            added.push('\n');
        }
    }
    flush(&mut call, &mut added);
    if files == 0 {
        return Err(KernelError::Event(format!(
            "a {name} patch that names no file (no `*** Add File:`, `*** Update File:` or \
             `*** Delete File:` line) cannot be checked"
        )));
    }
    Ok(call)
}

/// Adds the lines added to one file as a `content` field.
fn flush(call: &mut ToolCall, added: &mut String) {
    if !added.is_empty() {
        call.push("content", std::mem::take(added));
    }
}

fn excerpt(line: &str) -> String {
    line.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!("an object"),
        }
    }

    fn values(call: &ToolCall, key: &str) -> Vec<String> {
        call.values(key).map(str::to_owned).collect()
    }

    #[test]
    fn every_tool_the_harnesses_are_read_into_is_one_a_policy_may_name() {
        // One list of the gates' tool names: what the vocabularies map onto, what the gate
        // engine treats as file writes and shell, and what `validate` accepts in `tools`.
        let known = metalayer_policy::KNOWN_TOOLS;
        for harness in Harness::ALL {
            for spec in vocabulary(harness) {
                assert!(
                    known.contains(&spec.tool),
                    "{}: `{}` is read as `{}`, which policy::KNOWN_TOOLS does not list",
                    harness.name(),
                    spec.name,
                    spec.tool
                );
            }
        }
        for tool in metalayer_gates::FILE_WRITE_TOOLS
            .iter()
            .chain([&metalayer_gates::SHELL_TOOL, &PATCH_TOOL])
        {
            assert!(
                known.contains(tool),
                "`{tool}` is not in policy::KNOWN_TOOLS"
            );
        }
    }

    #[test]
    fn tool_names_are_unique_within_each_harness() {
        for harness in Harness::ALL {
            let mut names: Vec<&str> = vocabulary(harness).iter().map(|s| s.name).collect();
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(names.len(), before, "{}", harness.name());
        }
    }

    #[test]
    fn every_known_tool_in_its_known_shape_is_read() {
        // Whatever a required key is called in the harness's words, a call that gives it as a
        // string is read, and one without it fails closed.
        for harness in Harness::ALL {
            for spec in vocabulary(harness) {
                let key = spec
                    .required
                    .first()
                    .map(|k| {
                        spec.renames
                            .iter()
                            .find(|(_, to)| to == k)
                            .map_or(*k, |(from, _)| from)
                    })
                    .unwrap_or("file_path");
                let text = if spec.shape == Shape::Patch {
                    "*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\n"
                } else {
                    "a.txt"
                };
                let input = object(json!({ key: text }));
                let call = call(harness, spec.name, Input::Object(&input))
                    .unwrap_or_else(|e| panic!("{} {}: {e}", harness.name(), spec.name));
                assert!(
                    call.tool() == spec.tool || call.tool() == "Read",
                    "{} {}",
                    harness.name(),
                    spec.name
                );
                if !spec.required.is_empty() {
                    let empty = Map::new();
                    assert!(
                        super::call(harness, spec.name, Input::Object(&empty)).is_err(),
                        "{} {} without {key}",
                        harness.name(),
                        spec.name
                    );
                    let wrong = object(json!({ key: 1 }));
                    assert!(
                        super::call(harness, spec.name, Input::Object(&wrong)).is_err(),
                        "{} {} with a number",
                        harness.name(),
                        spec.name
                    );
                }
            }
        }
    }

    #[test]
    fn every_file_writing_tool_maps_onto_a_gated_tool() {
        for harness in Harness::ALL {
            for spec in vocabulary(harness) {
                let gated = spec.tool == "Bash"
                    || spec.tool == "Read"
                    || metalayer_gates::FILE_WRITE_TOOLS.contains(&spec.tool);
                assert!(gated, "{} {} → {}", harness.name(), spec.name, spec.tool);
            }
        }
    }

    #[test]
    fn copilot_file_tools_speak_the_gates_words() {
        let create = object(json!({"path": "/r/a.txt", "file_text": "hello"}));
        let c = call(Harness::Copilot, "create", Input::Object(&create)).unwrap();
        assert_eq!(c.tool(), "Write");
        assert_eq!(values(&c, "file_path"), ["/r/a.txt"]);
        assert_eq!(values(&c, "content"), ["hello"]);
        let edit = object(json!({"path": "/r/a.txt", "old_str": "a", "new_str": "b"}));
        let c = call(Harness::Copilot, "edit", Input::Object(&edit)).unwrap();
        assert_eq!(c.tool(), "Edit");
        assert_eq!(values(&c, "file_path"), ["/r/a.txt"]);
        assert_eq!(values(&c, "old_string"), ["a"]);
        assert_eq!(values(&c, "new_string"), ["b"]);
        let keys = object(json!({"sessionId": "s1", "input": "git reset --hard\n"}));
        let c = call(Harness::Copilot, "write_bash", Input::Object(&keys)).unwrap();
        assert_eq!(c.tool(), "Bash");
        assert_eq!(values(&c, "command"), ["git reset --hard\n"]);
    }

    #[test]
    fn an_editor_view_is_a_read_and_its_command_no_shell_command() {
        let view = object(json!({"command": "view", "path": "/r/.control/policy.yaml"}));
        let c = call(Harness::Copilot, "str_replace_editor", Input::Object(&view)).unwrap();
        assert_eq!(c.tool(), "Read");
        assert!(values(&c, "command").is_empty());
        let create = object(json!({"command": "create", "path": "/r/x", "file_text": "y"}));
        let c = call(
            Harness::Copilot,
            "str_replace_editor",
            Input::Object(&create),
        )
        .unwrap();
        assert_eq!(c.tool(), "Edit");
        assert_eq!(values(&c, "editor_command"), ["create"]);
        assert_eq!(values(&c, "content"), ["y"]);
    }

    #[test]
    fn patches_name_their_files_and_the_lines_they_add() {
        let patch = "*** Begin Patch\n\
                     *** Add File: notes.txt\n+hello\n+world\n\
                     *** Update File: src/lib.rs\n*** Move to: src/main.rs\n@@ fn x\n ctx\n-old\n+new\n\
                     *** Delete File: gone.txt\n\
                     *** End Patch\n";
        let c = call(Harness::Copilot, "apply_patch", Input::Text(patch)).unwrap();
        assert_eq!(c.tool(), PATCH_TOOL);
        assert_eq!(
            values(&c, "file_path"),
            ["notes.txt", "src/lib.rs", "src/main.rs", "gone.txt"]
        );
        assert_eq!(values(&c, "content"), ["hello\nworld\n", "new\n"]);
        // Codex sends the same patch in `tool_input.command`.
        let input = object(json!({"command": patch}));
        let codex = call(Harness::Codex, "apply_patch", Input::Object(&input)).unwrap();
        assert_eq!(codex, c);
        // CRLF line ends and a heredoc around the patch read the same.
        let crlf = format!(
            "apply_patch <<'EOF'\r\n{}EOF\r\n",
            patch.replace('\n', "\r\n")
        );
        let c2 = call(Harness::Codex, "apply_patch", Input::Text(&crlf)).unwrap();
        assert_eq!(values(&c2, "file_path"), values(&c, "file_path"));
    }

    #[test]
    fn unknown_patch_shapes_fail_closed() {
        for patch in [
            "",
            "just some text",
            "*** Begin Patch\n*** End Patch\n",
            "*** Begin Patch\n*** Copy File: a -> b\n*** End Patch\n",
            "*** Begin Patch\n*** Add File:   \n+x\n*** End Patch\n",
        ] {
            assert!(
                call(Harness::Copilot, "apply_patch", Input::Text(patch)).is_err(),
                "{patch:?}"
            );
        }
        let no_patch = object(json!({"other": "x"}));
        assert!(call(Harness::Codex, "apply_patch", Input::Object(&no_patch)).is_err());
        // Text is read only as a patch.
        assert!(call(Harness::Copilot, "bash", Input::Text("ls")).is_err());
        assert!(call(Harness::Copilot, "some_new_tool", Input::Text("x")).is_err());
    }

    #[test]
    fn unknown_tools_keep_their_name_and_fields() {
        let input = object(json!({"url": "https://x", "n": 3, "tags": ["a", "b"]}));
        let c = call(Harness::Claude, "WebFetch", Input::Object(&input)).unwrap();
        assert_eq!(c.tool(), "WebFetch");
        assert_eq!(values(&c, "url"), ["https://x"]);
        assert_eq!(values(&c, "tags"), ["a", "b"]);
    }

    #[test]
    fn multi_edits_are_read_edit_by_edit() {
        let input = object(json!({"file_path": "/r/a", "edits": [
            {"old_string": "a", "new_string": "b"}, {"old_string": "c", "new_string": "d"}]}));
        let c = call(Harness::Claude, "MultiEdit", Input::Object(&input)).unwrap();
        assert_eq!(values(&c, "new_string"), ["b", "d"]);
        let notebook = object(json!({"notebook_path": "/r/n.ipynb", "new_source": "x"}));
        let c = call(Harness::Claude, "NotebookEdit", Input::Object(&notebook)).unwrap();
        assert_eq!(values(&c, "notebook_path"), ["/r/n.ipynb"]);
        assert_eq!(values(&c, "new_source"), ["x"]);
    }
}
