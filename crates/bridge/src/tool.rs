//! Tool calls: one-line summaries of their inputs, their outcome, and the files they touch.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::diff::EditDiff;
use crate::excerpt::{Excerpt, cut};
use crate::record::ToolInput;
use crate::redact::Redactor;
use crate::timestamp::Timestamp;

/// The outcome of a tool call, from the matching `tool_result`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolOutcome {
    /// No result seen yet.
    Pending,
    /// The result did not say `is_error`.
    Ok,
    /// The result said `is_error: true`.
    Error,
}

/// One tool call of the assistant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolCall {
    /// The `tool_use` id (`toolu_…`).
    pub id: String,
    /// The tool's name (`Bash`, `Edit`, ...).
    pub name: String,
    /// A one-line summary of the input (command, path, pattern, ...).
    pub summary: String,
    /// Ok, error, or still pending.
    pub outcome: ToolOutcome,
    /// The start of the result's text.
    pub output: Option<Excerpt>,
    /// When the call was made.
    pub at: Option<Timestamp>,
    /// The list a `TodoWrite` call set, item by item (redacted, each item bounded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checklist: Vec<TodoItem>,
    /// What an edit changed (`Edit`, `MultiEdit`, Codex's `apply_patch`), redacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<EditDiff>,
    /// The plan an `ExitPlanMode` call presented (redacted, whole unless the policy's
    /// `bridge.limits.text_chars` is smaller).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Excerpt>,
    /// The subagent a `Task` call started (its agent id), when its result names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
}

/// One item of a `TodoWrite` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TodoItem {
    /// What is to be done.
    pub content: String,
    /// `pending`, `in_progress` or `completed`, as Claude Code writes it.
    pub status: String,
}

/// Longest `TodoWrite` list kept, and longest item.
const TODO_ITEMS: usize = 100;
const TODO_CHARS: usize = 300;

/// The items of a `TodoWrite` input (`{"todos": [{"content", "status"}]}`).
fn checklist(input: Option<&RawValue>, redactor: &Redactor) -> Vec<TodoItem> {
    #[derive(Deserialize)]
    struct Todos {
        #[serde(default)]
        todos: Vec<Todo>,
    }
    #[derive(Deserialize)]
    struct Todo {
        #[serde(default)]
        content: String,
        #[serde(default)]
        status: String,
    }
    let Some(todos) = input.and_then(|raw| serde_json::from_str::<Todos>(raw.get()).ok()) else {
        return Vec::new();
    };
    let total = todos.todos.len();
    let mut items: Vec<TodoItem> = todos
        .todos
        .into_iter()
        .take(TODO_ITEMS)
        .map(|t| {
            // Every shortening says so where it happens.
            let excerpt = crate::excerpt::Excerpt::redacted(t.content.trim(), TODO_CHARS, redactor);
            let content = match excerpt.omitted_chars() {
                0 => excerpt.text,
                more => format!("{}… ({more} more characters)", excerpt.text),
            };
            TodoItem {
                content,
                status: t.status,
            }
        })
        .collect();
    if total > TODO_ITEMS {
        items.push(TodoItem {
            content: format!("… {} more items not shown", total - TODO_ITEMS),
            status: "not_shown".to_owned(),
        });
    }
    items
}

/// Longest summary kept, in characters.
const SUMMARY_CHARS: usize = 200;

/// Tools whose `file_path` / `notebook_path` / `path` input names a file they touch.
const FILE_TOOLS: &[&str] = &[
    "Read",
    "Write",
    "Edit",
    "MultiEdit",
    "NotebookEdit",
    "NotebookRead",
];

/// The file tools that write the file they name.
const WRITE_TOOLS: &[&str] = &["Write", "Edit", "MultiEdit", "NotebookEdit"];

/// How the text of a result that did not happen begins, when the harness did not mark it
/// `is_error` (a hook's denial, a refused permission, the user's rejection). A write tool's
/// success text never begins so ("File created successfully at: …", "The file … has been
/// updated").
const NOT_DONE: &[&str] = &[
    "PreToolUse:",
    "Hook PreToolUse",
    "Blocked by hook",
    "Permission to use ",
    "The user doesn't want to proceed",
    "The user doesn't want to take this action",
    "<tool_use_error>",
    "Error: ",
    "Safety shield ",
    "metalayer could not check this call",
    "Command blocked by ",
];

/// Whether a tool result says the call did not happen: marked `is_error` (a failure, or a
/// PreToolUse hook's denial, which Claude Code returns as an error result holding the
/// reason), or beginning like a denial or a refusal.
pub(crate) fn not_done(is_error: bool, text: &str) -> bool {
    let text = text.trim_start();
    is_error || NOT_DONE.iter().any(|start| text.starts_with(start))
}

/// How the text of a result begins when a hook, a policy or a permission rule denied the call.
const DENIED: &[&str] = &[
    "PreToolUse:",
    "Hook PreToolUse",
    "Blocked by hook",
    "Command blocked by ",
    "Tool execution blocked",
    "Safety shield ",
    "metalayer could not check this call",
    "Permission to use ",
];

/// How the text of a result begins when the person was asked and refused the call.
const REFUSED: &[&str] = &[
    "The user doesn't want to proceed",
    "The user doesn't want to take this action",
];

/// The outcome of a call for the session record: denied (by a hook or a permission rule),
/// asked (and refused by the person), error, or ok.
pub(crate) fn call_outcome(is_error: bool, text: &str) -> crate::history::CallOutcome {
    use crate::history::CallOutcome;
    let text = text.trim_start();
    if DENIED.iter().any(|start| text.starts_with(start)) {
        CallOutcome::Denied
    } else if REFUSED.iter().any(|start| text.starts_with(start)) {
        CallOutcome::Asked
    } else if not_done(is_error, text) {
        CallOutcome::Error
    } else {
        CallOutcome::Ok
    }
}

/// What a tool call is, for the bits of the model that need more than a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CallKind {
    Other,
    GitCommit,
    /// `git commit --amend`: its commit replaces the last one listed.
    GitAmend,
    /// `git merge` (`--no-ff`, an octopus, ...): git prints no hash for a merge commit, so it
    /// is read from the repository's reflog.
    GitMerge,
    PullRequest,
    /// A `Task` / `Agent` call: the subagent it starts may write its records into the
    /// session's own transcript (older releases, `isSidechain`).
    Agent,
}

/// What a shell command does to this repository's history: a commit (amended or not), a new
/// pull request, or nothing the session lists. The folder each command runs in is followed
/// (`cd`, `pushd`, `git -C`, read lexically from the last of `bases`, the session's working
/// directory): a commit made in a folder outside `bases` (the repository and the working
/// directory) is another repository's, as is one after a `cd` that cannot be followed (no
/// known start, `cd ~`, a variable). `gh pr view`, `list` and `checkout` create nothing.
pub(crate) fn command_kind(command: &str, bases: &[&str]) -> CallKind {
    // `None` when no folder is known: then only the session's own folder is this repository.
    let mut here: Option<String> = bases.last().map(|b| normal_path(b));
    let mut followed = true;
    let inside = |dir: &Option<String>, followed: bool| -> bool {
        if !followed {
            return false;
        }
        match dir {
            Some(dir) => bases.iter().any(|b| {
                let b = normal_path(b);
                dir == &b || dir.strip_prefix(&b).is_some_and(|r| r.starts_with('/'))
            }),
            // No known start: only where the session is.
            None => true,
        }
    };
    for segment in command.split(['\n', ';', '&', '|']) {
        let words: Vec<&str> = segment
            .split_whitespace()
            .map(|w| w.trim_matches(['"', '\'']))
            .skip_while(|w| is_assignment(w))
            .collect();
        match words.as_slice() {
            ["cd", dir, ..] | ["pushd", dir, ..] => {
                if matches!(*dir, "." | "./") {
                    continue;
                }
                match moved_to(here.as_deref(), dir) {
                    Some(to) => here = Some(to),
                    None => followed = false,
                }
            }
            ["cd"] => followed = false,
            ["git", rest @ ..] => {
                let mut at = here.clone();
                let mut ok = followed;
                for w in rest.windows(2) {
                    if w.first() == Some(&"-C")
                        && let Some(dir) = w.get(1)
                        && !matches!(*dir, "." | "./")
                    {
                        match moved_to(at.as_deref(), dir) {
                            Some(to) => at = Some(to),
                            None => ok = false,
                        }
                    }
                }
                // The subcommand: the first word that is neither an option nor the value
                // of `-C` / `-c`.
                let mut verb = None;
                let mut words = rest.iter();
                while let Some(w) = words.next() {
                    if matches!(*w, "-C" | "-c") {
                        words.next();
                    } else if !w.starts_with('-') && !w.contains('=') {
                        verb = Some(w);
                        break;
                    }
                }
                if !inside(&at, ok) {
                    continue;
                }
                match verb.copied() {
                    Some("commit") => {
                        return if rest.contains(&"--amend") {
                            CallKind::GitAmend
                        } else {
                            CallKind::GitCommit
                        };
                    }
                    // They print `[branch hash] subject` as `git commit` does.
                    Some("cherry-pick" | "revert") => return CallKind::GitCommit,
                    Some("merge") => return CallKind::GitMerge,
                    _ => {}
                }
            }
            ["gh", "pr", "create", ..] | ["glab", "mr", "create", ..]
                if inside(&here, followed) =>
            {
                return CallKind::PullRequest;
            }
            _ => {}
        }
    }
    CallKind::Other
}

/// The subject a `git commit -m MSG` / `--message=MSG` in `command` gives its commit (the
/// first line of the first message), read with shell quoting.
fn commit_subject(command: &str) -> Option<String> {
    let words = shell_words(command);
    let mut iter = words.iter();
    while let Some(w) = iter.next() {
        let message = if w == "-m" || w == "--message" {
            iter.next().cloned()
        } else if let Some(m) = w.strip_prefix("--message=") {
            Some(m.to_owned())
        } else if w.starts_with('-') && !w.starts_with("--") && w.ends_with('m') && w.len() > 2 {
            // A cluster ending in the option (`-qam MSG`).
            iter.next().cloned()
        } else {
            w.strip_prefix("-m")
                .filter(|m| !m.is_empty())
                .map(str::to_owned)
        };
        if let Some(m) = message {
            return m.lines().next().map(|l| l.trim().to_owned());
        }
    }
    None
}

/// A command's words, with single and double quotes and backslashes taken out (no
/// expansion): enough to read an option's literal value.
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                word.extend(chars.by_ref().take_while(|&d| d != '\''));
            }
            '"' => {
                in_word = true;
                while let Some(d) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        _ => word.push(d),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            c if c.is_whitespace() || matches!(c, ';' | '&' | '|') => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
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
    words
}

/// `NAME=value` before a command.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// The folder `dir` names from `from` (lexically), or `None` when it cannot be told: a
/// relative path with no known start, `~`, `-`, a variable or a substitution.
fn moved_to(from: Option<&str>, dir: &str) -> Option<String> {
    if dir.is_empty() || dir.starts_with(['~', '-', '$', '`']) || dir.contains(['$', '`', '*']) {
        return None;
    }
    if dir.starts_with('/') {
        return Some(normal_path(dir));
    }
    Some(normal_path(&format!("{}/{dir}", from?)))
}

/// A path with `.` and `..` resolved and no trailing slash (`/` stays `/`).
fn normal_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The parsed facts of one `tool_use` block.
#[derive(Debug)]
pub(crate) struct UseFacts {
    pub(crate) summary: String,
    /// A shell command (its summary is the command).
    pub(crate) shell: bool,
    pub(crate) kind: CallKind,
    pub(crate) file: Option<String>,
    /// The call writes `file` (if its result says it happened).
    pub(crate) writes: bool,
    /// Further files the call writes (a patch may name several).
    pub(crate) also_writes: Vec<String>,
    /// A `TodoWrite` call's list.
    pub(crate) checklist: Vec<TodoItem>,
    /// An edit's change.
    pub(crate) diff: Option<EditDiff>,
    /// An `ExitPlanMode` call's plan, as written (redacted and bounded when kept).
    pub(crate) plan: Option<String>,
    /// A `Task` / `Agent` call's prompt, as written (it opens the subagent's conversation).
    pub(crate) agent_prompt: Option<String>,
    /// A `git commit -m MSG` call's subject (the first line of MSG): how a quiet commit is
    /// found in the reflog.
    pub(crate) commit_subject: Option<String>,
}

/// How much of a tool input is redacted before its summary is made (the summary keeps
/// [`SUMMARY_CHARS`]; a command longer than this is cut first, at white space).
const SUMMARY_WINDOW: usize = 64 * 1024;

/// A one-line summary: redacted first (so that the cut never splits a secret, such as a
/// quoted password with spaces), then white space collapsed, then cut.
pub(crate) fn one_line(text: &str, redactor: &Redactor) -> String {
    let redacted = redactor.redact(cut(text, SUMMARY_WINDOW));
    let collapsed = redacted.split_whitespace().collect::<Vec<_>>().join(" ");
    let kept = cut(&collapsed, SUMMARY_CHARS);
    if kept.len() < collapsed.len() {
        format!("{kept} …")
    } else {
        collapsed
    }
}

/// Makes `path` relative to the first of `bases` it lies inside (the repository, then the
/// session's working directory); a path outside them in a home directory (`/home/NAME/…`,
/// `/Users/NAME/…`, `/root/…`, `C:\Users\NAME\…`) is written `~/…`, so that no user name is
/// written out.
pub(crate) fn relative_to_any(path: &str, bases: &[&str]) -> String {
    for base in bases {
        let relative = relative_to(path, Some(base));
        if relative != path {
            return relative;
        }
    }
    without_home(path)
}

/// `~/…` for a path in a home directory.
pub(crate) fn without_home(path: &str) -> String {
    let unix = path.replace('\\', "/");
    let rest = unix.strip_prefix("/root/").or_else(|| {
        let lower = unix.get(..9).map(str::to_ascii_lowercase);
        let after = if unix.starts_with("/home/") {
            unix.get(6..)
        } else if unix.starts_with("/Users/") {
            unix.get(7..)
        } else if lower.as_deref() == Some("c:/users/") {
            unix.get(9..)
        } else {
            None
        }?;
        after.split_once('/').map(|(_, rest)| rest)
    });
    match rest {
        Some(rest) => format!("~/{rest}"),
        None => path.to_owned(),
    }
}

/// Makes `path` relative to `cwd` when it lies inside it.
pub(crate) fn relative_to(path: &str, cwd: Option<&str>) -> String {
    if let Some(cwd) = cwd
        .map(|c| c.trim_end_matches(['/', '\\']))
        .filter(|c| !c.is_empty())
        && let Some(rest) = path.strip_prefix(cwd)
        && let Some(rest) = rest.strip_prefix(['/', '\\']).filter(|r| !r.is_empty())
    {
        return rest.to_owned();
    }
    path.to_owned()
}

/// Summarises a `tool_use` input and classifies the call.
pub(crate) fn facts(
    name: &str,
    input: Option<&RawValue>,
    bases: &[&str],
    diff_lines: usize,
    redactor: &Redactor,
) -> UseFacts {
    let parsed: ToolInput<'_> = input
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default();
    let path = parsed
        .file_path
        .as_deref()
        .or(parsed.notebook_path.as_deref())
        .or(parsed.path.as_deref());
    let file = FILE_TOOLS
        .contains(&name)
        .then_some(path)
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .map(|p| relative_to_any(p, bases));
    let mut kind = CallKind::Other;
    let shell = matches!(name, "Bash" | "PowerShell");
    let summary = match name {
        "Bash" | "PowerShell" => {
            let command = parsed.command.as_deref().unwrap_or_default();
            kind = command_kind(command, bases);
            one_line(command, redactor)
        }
        _ if file.is_some() => file.clone().unwrap_or_default(),
        "Grep" | "Glob" => {
            let pattern = parsed.pattern.as_deref().unwrap_or_default();
            match parsed.path.as_deref() {
                Some(p) => one_line(
                    &format!("{pattern} in {}", relative_to_any(p, bases)),
                    redactor,
                ),
                None => one_line(pattern, redactor),
            }
        }
        "Task" | "Agent" => {
            kind = CallKind::Agent;
            let what = parsed
                .description
                .as_deref()
                .or(parsed.prompt.as_deref())
                .unwrap_or_default();
            match parsed.subagent_type.as_deref() {
                Some(t) => one_line(&format!("{t}: {what}"), redactor),
                None => one_line(what, redactor),
            }
        }
        "WebFetch" => one_line(parsed.url.as_deref().unwrap_or_default(), redactor),
        "WebSearch" => one_line(parsed.query.as_deref().unwrap_or_default(), redactor),
        "Skill" => one_line(
            parsed
                .skill
                .as_deref()
                .or(parsed.command.as_deref())
                .unwrap_or_default(),
            redactor,
        ),
        "TodoWrite" => String::new(),
        "ExitPlanMode" => {
            let lines = parsed.plan.as_deref().map_or(0, |p| p.lines().count());
            format!("plan of {lines} line{}", if lines == 1 { "" } else { "s" })
        }
        _ => input
            .map(|raw| generic_summary(raw, redactor))
            .unwrap_or_default(),
    };
    let checklist = if name == "TodoWrite" {
        checklist(input, redactor)
    } else {
        Vec::new()
    };
    let diff = match name {
        "Edit" => EditDiff::of_edits(
            &[(
                parsed.old_string.as_deref().unwrap_or_default(),
                parsed.new_string.as_deref().unwrap_or_default(),
            )],
            diff_lines,
            redactor,
        ),
        "MultiEdit" => {
            let list: Vec<crate::record::EditInput<'_>> = parsed
                .edits
                .and_then(|raw| serde_json::from_str(raw.get()).ok())
                .unwrap_or_default();
            let edits: Vec<(&str, &str)> = list
                .iter()
                .map(|e| {
                    (
                        e.old_string.as_deref().unwrap_or_default(),
                        e.new_string.as_deref().unwrap_or_default(),
                    )
                })
                .collect();
            EditDiff::of_edits(&edits, diff_lines, redactor)
        }
        _ => None,
    };
    UseFacts {
        summary,
        shell,
        kind,
        writes: file.is_some() && WRITE_TOOLS.contains(&name),
        file,
        also_writes: Vec::new(),
        checklist,
        diff,
        plan: parsed
            .plan
            .filter(|p| !p.trim().is_empty())
            .map(std::borrow::Cow::into_owned),
        commit_subject: matches!(kind, CallKind::GitCommit | CallKind::GitAmend)
            .then(|| commit_subject(parsed.command.as_deref().unwrap_or_default()))
            .flatten(),
        agent_prompt: parsed
            .prompt
            .filter(|_| kind == CallKind::Agent)
            .map(std::borrow::Cow::into_owned),
    }
}

/// The first three scalar fields of an input object, `key=value`.
fn generic_summary(raw: &RawValue, redactor: &Redactor) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(raw.get())
    else {
        return String::new();
    };
    let parts: Vec<String> = map
        .iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::String(s) => Some(format!("{k}={s}")),
            serde_json::Value::Number(n) => Some(format!("{k}={n}")),
            serde_json::Value::Bool(b) => Some(format!("{k}={b}")),
            _ => None,
        })
        .take(3)
        .collect();
    one_line(&parts.join(" "), redactor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_owned()).unwrap()
    }

    #[test]
    fn summaries_by_tool() {
        let f = facts(
            "Bash",
            Some(&raw(
                r#"{"command":"git add .\n  && git commit -m x","description":"c"}"#,
            )),
            &[],
            120,
            &Redactor::new(),
        );
        assert_eq!(f.summary, "git add . && git commit -m x");
        assert_eq!(f.kind, CallKind::GitCommit);
        assert_eq!(f.file, None);

        let f = facts(
            "Bash",
            Some(&raw(r#"{"command":"gh pr create --fill"}"#)),
            &[],
            120,
            &Redactor::new(),
        );
        assert_eq!(f.kind, CallKind::PullRequest);

        let f = facts(
            "Edit",
            Some(&raw(
                r#"{"file_path":"/home/u/proj/src/lib.rs","old_string":"a"}"#,
            )),
            &["/home/u/proj"],
            120,
            &Redactor::new(),
        );
        assert_eq!(f.file.as_deref(), Some("src/lib.rs"));
        assert_eq!(f.summary, "src/lib.rs");
        assert!(f.writes);

        let f = facts(
            "Read",
            Some(&raw(r#"{"file_path":"/etc/hosts"}"#)),
            &["/home/u/proj"],
            120,
            &Redactor::new(),
        );
        assert_eq!(f.file.as_deref(), Some("/etc/hosts"));
        assert!(!f.writes, "a read is no write");

        let f = facts(
            "Grep",
            Some(&raw(r#"{"pattern":"fn main","path":"/p/src"}"#)),
            &["/p"],
            120,
            &Redactor::new(),
        );
        assert_eq!(f.summary, "fn main in src");
        assert_eq!(f.file, None);

        let f = facts(
            "Task",
            Some(&raw(
                r#"{"subagent_type":"explore","description":"find it"}"#,
            )),
            &[],
            120,
            &Redactor::new(),
        );
        assert_eq!(f.summary, "explore: find it");

        let f = facts(
            "mcp__x__y",
            Some(&raw(r#"{"a":"1","b":2,"c":[1],"d":true,"e":"no"}"#)),
            &[],
            120,
            &Redactor::new(),
        );
        assert_eq!(f.summary, "a=1 b=2 d=true");

        let f = facts("Bash", None, &[], 120, &Redactor::new());
        assert_eq!(f.summary, "");
    }

    #[test]
    fn commits_and_pull_requests_of_this_repository() {
        for (command, kind) in [
            ("git commit -m x", CallKind::GitCommit),
            ("git add . && git commit -am 'a b'", CallKind::GitCommit),
            ("git -c user.name=x commit -m y", CallKind::GitCommit),
            ("git commit --amend --no-edit", CallKind::GitAmend),
            ("git merge --no-ff feature", CallKind::GitMerge),
            ("git merge a b c", CallKind::GitMerge),
            ("git cherry-pick abc123", CallKind::GitCommit),
            ("git revert --no-edit HEAD", CallKind::GitCommit),
            ("cd ../other && git merge x", CallKind::Other),
            ("cd ../other && git commit -m x", CallKind::Other),
            ("cd . && git commit -m x", CallKind::GitCommit),
            ("git -C ../other commit -m x", CallKind::Other),
            ("git log --grep commit", CallKind::Other),
            ("echo git commit", CallKind::Other),
            ("gh pr create --fill", CallKind::PullRequest),
            ("gh pr view 12 --web", CallKind::Other),
            ("gh pr list", CallKind::Other),
            ("glab mr create", CallKind::PullRequest),
        ] {
            assert_eq!(command_kind(command, &[]), kind, "{command}");
        }
        for (command, subject) in [
            ("git commit -m 'Fix the parser'", Some("Fix the parser")),
            (
                "git commit -qam \"Add notes\" && git push",
                Some("Add notes"),
            ),
            ("git commit --message=one", Some("one")),
            ("git commit -m \"Two\\nlines\" -q", Some("Twonlines")),
            ("git commit -q", None),
        ] {
            assert_eq!(commit_subject(command).as_deref(), subject, "{command}");
        }
        // Followed from the session's folder: into the repository or a folder inside it is
        // still this repository; out of it is not.
        let bases = ["/home/u/repo", "/home/u/repo/src"];
        for (command, kind) in [
            (
                "cd /home/u/repo && git add -A && git commit -m x",
                CallKind::GitCommit,
            ),
            ("cd .. && git commit -m x", CallKind::GitCommit),
            ("cd lib && git commit -m x", CallKind::GitCommit),
            ("cd .. && cd .. && git commit -m x", CallKind::Other),
            (
                "cd ../.. && cd repo && git commit -m x",
                CallKind::GitCommit,
            ),
            ("cd '/home/u/repo' && git commit -m x", CallKind::GitCommit),
            ("git -C /home/u/repo commit -m x", CallKind::GitCommit),
            ("git -C . commit -m x", CallKind::GitCommit),
            ("git -C .. commit -m x", CallKind::GitCommit),
            ("git -C ../.. commit -m x", CallKind::Other),
            ("GIT_AUTHOR_NAME=x git commit -m y", CallKind::GitCommit),
            ("cd /tmp/other && git commit -m x", CallKind::Other),
            ("cd ~/other && git commit -m x", CallKind::Other),
            ("cd $DIR && git commit -m x", CallKind::Other),
            ("cd ../../other && gh pr create --fill", CallKind::Other),
            (
                "cd /home/u/repo && gh pr create --fill",
                CallKind::PullRequest,
            ),
            (
                "pushd /home/u/repo/docs && git commit -m x",
                CallKind::GitCommit,
            ),
        ] {
            assert_eq!(command_kind(command, &bases), kind, "{command}");
        }
    }

    #[test]
    fn long_commands_are_cut() {
        let long = format!("{{\"command\":\"echo {}\"}}", "word ".repeat(100));
        let f = facts("Bash", Some(&raw(&long)), &[], 120, &Redactor::new());
        assert!(f.summary.ends_with(" …"));
        assert!(f.summary.chars().count() <= SUMMARY_CHARS + 2);
    }

    #[test]
    fn results_that_did_not_happen() {
        assert!(not_done(true, "File created successfully at: /p/a.rs"));
        assert!(!not_done(false, "File created successfully at: /p/a.rs"));
        assert!(!not_done(
            false,
            "The file /p/denied.rs has been updated. Permission to use is shown below"
        ));
        for text in [
            "PreToolUse:Write hook error: [metalayer hook pre-tool-use]: Safety shield G4",
            "Hook PreToolUse:Edit denied this tool",
            "Permission to use Write has been denied.",
            "The user doesn't want to proceed with this tool use. The tool use was rejected",
            "<tool_use_error>File has not been read yet.</tool_use_error>",
            "  Safety shield G4: no secrets files",
        ] {
            assert!(not_done(false, text), "{text}");
        }
    }

    #[test]
    fn summaries_are_redacted_before_the_cut() {
        // The quoted password straddles the summary limit: redacted whole, never cut in half.
        let command = format!(
            "{} mysql -u root -p\"correct horse battery staple\" db",
            "echo x &&".repeat(19)
        );
        let input = serde_json::json!({ "command": command }).to_string();
        let f = facts("Bash", Some(&raw(&input)), &[], 120, &Redactor::new());
        for word in ["correct", "horse", "battery", "staple"] {
            assert!(!f.summary.contains(word), "{}", f.summary);
        }
    }

    #[test]
    fn home_directories_are_never_written_out() {
        assert_eq!(
            relative_to_any("/home/alice/.ssh/config", &["/p"]),
            "~/.ssh/config"
        );
        assert_eq!(relative_to_any("/Users/bob/x/y.rs", &[]), "~/x/y.rs");
        assert_eq!(relative_to_any("/root/.bashrc", &[]), "~/.bashrc");
        assert_eq!(relative_to_any("C:\\Users\\eve\\a.txt", &[]), "~/a.txt");
        assert_eq!(
            relative_to_any("/home/alice/p/src/a.rs", &["/home/alice/p"]),
            "src/a.rs"
        );
        assert_eq!(relative_to_any("/etc/hosts", &[]), "/etc/hosts");
        assert_eq!(relative_to_any("/home", &[]), "/home");
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative_to("/a/b/c", Some("/a/b/")), "c");
        assert_eq!(relative_to("/a/bc", Some("/a/b")), "/a/bc");
        assert_eq!(relative_to("/a/b", Some("/a/b")), "/a/b");
        assert_eq!(relative_to("x", None), "x");
    }

    #[test]
    fn edits_carry_their_diff_and_other_tools_none() {
        let redactor = Redactor::new();
        let edit = facts(
            "Edit",
            Some(&raw(
                r#"{"file_path":"/p/a.rs","old_string":"x = 1\n","new_string":"x = 2\n"}"#,
            )),
            &["/p"],
            120,
            &redactor,
        );
        let diff = edit.diff.unwrap();
        assert_eq!((diff.added, diff.removed), (1, 1));
        assert!(diff.text.contains("-x = 1\n+x = 2\n"), "{}", diff.text);

        let multi = facts(
            "MultiEdit",
            Some(&raw(
                r#"{"file_path":"/p/a.rs","edits":[{"old_string":"a","new_string":"b"},{"old_string":"c","new_string":"token = \"ghp_0123456789abcdefghijklmnopqrstuvwxyzAB\"","replace_all":true}]}"#,
            )),
            &["/p"],
            120,
            &redactor,
        );
        let diff = multi.diff.unwrap();
        assert_eq!((diff.added, diff.removed), (2, 2));
        assert!(!diff.text.contains("ghp_0123"), "{}", diff.text);

        // An edit whose input is cut short (no strings) or a read has no diff.
        for (name, input) in [
            ("Edit", r#"{"file_path":"/p/a.rs"}"#),
            (
                "MultiEdit",
                r#"{"file_path":"/p/a.rs","edits":"not a list"}"#,
            ),
            (
                "Read",
                r#"{"file_path":"/p/a.rs","old_string":"a","new_string":"b"}"#,
            ),
        ] {
            let f = facts(name, Some(&raw(input)), &["/p"], 120, &redactor);
            assert_eq!(f.diff, None, "{name}");
            assert_eq!(f.file.as_deref(), Some("a.rs"), "{name}");
        }
    }
}
