//! The machine-readable session record: `<name>.jsonl` beside each `<name>.md`, one JSON
//! object a line, redacted by the same [`Redactor`] as the markdown.
//!
//! ```text
//! {"type":"session","version":1,"session":"6151b6fd-…","harness":"claude","date":"2026-08-24","started":"2026-08-24T18:20:02Z","title":"run the tests","markdown":"session-2026-08-24-6151b6fd.md"}
//! {"type":"call","tool":"Bash","kind":"shell","subject":"npm test","outcome":"error","error":"npm ERR! missing script: test","at":"2026-08-24T18:21:00Z"}
//! {"type":"call","tool":"Bash","kind":"shell","subject":"pnpm test","outcome":"ok","at":"2026-08-24T18:21:30Z"}
//! {"type":"correction","text":"don't use npm here, use pnpm","at":"2026-08-24T18:22:00Z"}
//! ```
//!
//! The first line is the header; then one line per tool call that has its result, in
//! transcript order: the tool as the harness names it, what its subject is (`shell`: the
//! command; `file`: a path relative to the repository; `other`: a one-line summary of the
//! input), the outcome (`ok`, `error`, `denied` by a hook or a permission rule, `asked` and
//! refused by the person) and the first line of the result when the call did not succeed.
//! Then the user's corrections (prompts that begin "don't", "never", "always", "stop", "no,"
//! or say "use … instead", see [`is_correction`]).
//!
//! Reading is tolerant ([`SessionRecord::parse`]): a line that is not a record line is skipped
//! and reported as a [`RecordWarning`] with its number; lines of a type this version does not
//! know are skipped silently (a later version may add some).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::excerpt::cut;
use crate::redact::Redactor;
use crate::render::{TITLE_CHARS, title};
use crate::session::Session;
use crate::timestamp::Timestamp;

/// The version of the record format written in the header.
pub const RECORD_VERSION: u32 = 1;

/// Longest error line and correction kept, in characters.
pub const RECORD_TEXT_CHARS: usize = 300;

/// What a call's subject is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A shell command (`Bash`, Codex's `exec_command`, Gemini's `run_shell_command`).
    Shell,
    /// A file tool; the subject is the path, relative to the repository when inside it.
    File,
    /// Anything else; the subject is a one-line summary of the input.
    Other,
}

/// The outcome of a tool call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// The call ran and did not fail.
    Ok,
    /// The call ran and failed (or the harness reported an error).
    Error,
    /// A hook, a policy or a permission rule denied the call.
    Denied,
    /// The person was asked and refused the call.
    Asked,
    /// No result seen yet (never written to a record).
    Pending,
}

impl CallOutcome {
    /// The outcome's name in the record (`ok`, `error`, `denied`, `asked`, `pending`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Ok => "ok",
            CallOutcome::Error => "error",
            CallOutcome::Denied => "denied",
            CallOutcome::Asked => "asked",
            CallOutcome::Pending => "pending",
        }
    }
}

/// One tool call of a session record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedCall {
    /// The tool, as the harness names it (`Bash`, `exec_command`, `write_file`, ...).
    pub tool: String,
    /// What the subject is.
    pub kind: SubjectKind,
    /// The command, the path, or a summary of the input (redacted, one line).
    pub subject: String,
    /// What became of the call.
    pub outcome: CallOutcome,
    /// The first line of the result, when the call did not succeed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When the call was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Timestamp>,
}

impl RecordedCall {
    /// A call of `tool` on `subject` with `outcome`, no error line and no time.
    #[must_use]
    pub fn new(
        tool: impl Into<String>,
        kind: SubjectKind,
        subject: impl Into<String>,
        outcome: CallOutcome,
    ) -> Self {
        Self {
            tool: tool.into(),
            kind,
            subject: subject.into(),
            outcome,
            error: None,
            at: None,
        }
    }

    /// Sets the error line.
    #[must_use]
    pub fn with_error(mut self, error: impl Into<String>) -> Self {
        self.error = Some(error.into());
        self
    }

    /// Sets the time.
    #[must_use]
    pub fn with_at(mut self, at: Timestamp) -> Self {
        self.at = Some(at);
        self
    }
}

/// A prompt in which the user corrected the agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Correction {
    /// The prompt's first [`RECORD_TEXT_CHARS`] characters on one line (redacted).
    pub text: String,
    /// When it was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Timestamp>,
}

impl Correction {
    /// A correction with no time.
    #[must_use]
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            at: None,
        }
    }
}

/// The first line of a session record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordHeader {
    /// [`RECORD_VERSION`] when written.
    pub version: u32,
    /// The session id.
    pub session: String,
    /// The harness (`claude`, `codex`, `gemini`).
    pub harness: String,
    /// The session's date, `YYYY-MM-DD` (the date in the markdown file's name).
    pub date: String,
    /// The earliest timestamp of the transcript.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<Timestamp>,
    /// The session's title (as in the markdown).
    #[serde(default)]
    pub title: String,
    /// The markdown file's name (`session-YYYY-MM-DD-<id8>.md`), in the same folder.
    pub markdown: String,
    /// Tool calls the session made past the first [`MAX_CALLS`](crate::MAX_CALLS), which the
    /// record does not list (0, and left out of the file, when it lists them all).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub calls_not_listed: u64,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if"
)]
fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl RecordHeader {
    /// A header of the current version.
    #[must_use]
    pub fn new(
        session: impl Into<String>,
        harness: impl Into<String>,
        date: impl Into<String>,
        markdown: impl Into<String>,
    ) -> Self {
        Self {
            version: RECORD_VERSION,
            session: session.into(),
            harness: harness.into(),
            date: date.into(),
            started: None,
            title: String::new(),
            markdown: markdown.into(),
            calls_not_listed: 0,
        }
    }
}

/// One line of a record file.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line<H, C, K> {
    Session(H),
    Call(C),
    Correction(K),
    #[serde(other)]
    Unknown,
}

/// A line of a record that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordWarning {
    /// The record file, when read from one.
    pub file: Option<PathBuf>,
    /// The line number, from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RecordWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{}:{}: {}", file.display(), self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// A record read back, with the lines that were skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParsedRecord {
    /// What could be read.
    pub record: SessionRecord,
    /// One warning per line skipped (and one when the header is missing).
    pub warnings: Vec<RecordWarning>,
}

/// A session's record: its header, its tool calls and the user's corrections.
///
/// ```
/// use metalayer_bridge::{CallOutcome, RecordHeader, RecordedCall, SessionRecord, SubjectKind};
///
/// let mut record = SessionRecord::new(RecordHeader::new(
///     "6151b6fd", "claude", "2026-08-24", "session-2026-08-24-6151b6fd.md",
/// ));
/// record.calls.push(
///     RecordedCall::new("Bash", SubjectKind::Shell, "npm test", CallOutcome::Error)
///         .with_error("npm ERR! missing script: test"),
/// );
/// let text = record.render();
/// let parsed = SessionRecord::parse(&format!("{text}not json\n"));
/// assert_eq!(parsed.record, record);
/// assert_eq!(parsed.warnings.len(), 1);
/// assert_eq!(parsed.warnings[0].line, 3);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionRecord {
    /// The header (defaults when the record has none).
    pub header: RecordHeader,
    /// The tool calls with a result, in order.
    pub calls: Vec<RecordedCall>,
    /// The user's corrections, in order.
    pub corrections: Vec<Correction>,
}

impl SessionRecord {
    /// A record with a header and nothing else.
    #[must_use]
    pub fn new(header: RecordHeader) -> Self {
        Self {
            header,
            calls: Vec::new(),
            corrections: Vec::new(),
        }
    }

    /// The record of a session whose markdown is `markdown` (the file's name): every call
    /// with a result, every correction among its prompts, each text through `redactor`.
    #[must_use]
    pub fn from_session(session: &Session, markdown: &str, redactor: &Redactor) -> Self {
        let red = |text: &str| redactor.redact(text).into_owned();
        let date = date_of_name(markdown)
            .map(str::to_owned)
            .or_else(|| session.first_timestamp.map(Timestamp::date))
            .unwrap_or_default();
        let header = RecordHeader {
            version: RECORD_VERSION,
            session: red(session.id.as_str()),
            harness: session
                .format
                .unwrap_or(crate::Format::Claude)
                .name()
                .to_owned(),
            date,
            started: session.first_timestamp,
            title: cut(&title(session, redactor), TITLE_CHARS).to_owned(),
            markdown: markdown.to_owned(),
            // Every call is counted by tool; only the first MAX_CALLS are listed.
            calls_not_listed: session
                .tool_counts
                .values()
                .sum::<u64>()
                .saturating_sub(u64::try_from(session.calls.len()).unwrap_or(u64::MAX)),
        };
        let calls = session
            .calls
            .iter()
            .filter(|c| c.outcome != CallOutcome::Pending)
            .map(|c| RecordedCall {
                tool: red(&c.tool),
                kind: c.kind,
                subject: red(&c.subject),
                outcome: c.outcome,
                error: c.error.as_deref().map(red),
                at: c.at,
            })
            .collect();
        let corrections = session
            .prompts
            .iter()
            .filter(|p| is_correction(&p.text.text))
            .filter_map(|p| {
                Some(Correction {
                    text: red(&one_line(&p.text.text)?),
                    at: p.at,
                })
            })
            .collect();
        Self {
            header,
            calls,
            corrections,
        }
    }

    /// The record as JSON lines, the header first, each line ending with a newline.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(256 + self.calls.len() * 96);
        let mut push = |line: &Line<&RecordHeader, &RecordedCall, &Correction>| {
            // Serialising these plain structs cannot fail; a line that did would be left out.
            if let Ok(text) = serde_json::to_string(line) {
                out.push_str(&text);
                out.push('\n');
            }
        };
        push(&Line::Session(&self.header));
        for call in &self.calls {
            push(&Line::Call(call));
        }
        for correction in &self.corrections {
            push(&Line::Correction(correction));
        }
        out
    }

    /// Reads a record, skipping (with a warning naming the line) every line that is not a
    /// record line. Blank lines are ignored; a record without a header line gets a default
    /// header and a warning.
    #[must_use]
    pub fn parse(text: &str) -> ParsedRecord {
        let mut record = SessionRecord::default();
        let mut warnings = Vec::new();
        let mut header = false;
        for (number, line) in text.lines().enumerate() {
            let number = number.saturating_add(1);
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Line<RecordHeader, RecordedCall, Correction>>(line) {
                Ok(Line::Session(h)) if !header => {
                    record.header = h;
                    header = true;
                }
                Ok(Line::Session(_)) => warnings.push(RecordWarning {
                    file: None,
                    line: number,
                    message: "a second header line; skipped".to_owned(),
                }),
                Ok(Line::Call(call)) => record.calls.push(call),
                Ok(Line::Correction(c)) => record.corrections.push(c),
                Ok(Line::Unknown) => {}
                Err(e) => warnings.push(RecordWarning {
                    file: None,
                    line: number,
                    message: format!("not a session record line ({e}); skipped"),
                }),
            }
        }
        if !header {
            warnings.push(RecordWarning {
                file: None,
                line: 1,
                message: "no header line (`\"type\":\"session\"`)".to_owned(),
            });
        }
        ParsedRecord { record, warnings }
    }

    /// Reads a record file ([`SessionRecord::parse`]); the warnings name the file. Bytes that
    /// are not UTF-8 are replaced (and the lines they are in most likely skipped).
    ///
    /// # Errors
    ///
    /// When the file cannot be read.
    pub fn read(path: &Path) -> std::io::Result<ParsedRecord> {
        let bytes = std::fs::read(path)?;
        let mut parsed = Self::parse(&String::from_utf8_lossy(&bytes));
        for warning in &mut parsed.warnings {
            warning.file = Some(path.to_owned());
        }
        Ok(parsed)
    }
}

/// The record file's name for a markdown file's name: `session-….md` → `session-….jsonl`.
///
/// ```
/// assert_eq!(
///     metalayer_bridge::record_name("session-2026-08-24-6151b6fd.md"),
///     "session-2026-08-24-6151b6fd.jsonl"
/// );
/// ```
#[must_use]
pub fn record_name(markdown: &str) -> String {
    let stem = markdown.strip_suffix(".md").unwrap_or(markdown);
    format!("{stem}.jsonl")
}

/// The date in a session file's name (`session-YYYY-MM-DD-…`).
fn date_of_name(name: &str) -> Option<&str> {
    let date = name.strip_prefix("session-")?.get(..10)?;
    let b = date.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    (digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10))
    .then_some(date)
}

/// Words a correction begins with (lower case, after an optional "please").
const CORRECTION_STARTS: &[&str] = &[
    "don't ",
    "don’t ",
    "dont ",
    "do not ",
    "never ",
    "always ",
    "stop ",
    "no,",
    "no.",
    "no!",
    "no -",
    "nope",
    "wrong",
    "that's wrong",
    "that is wrong",
    "not like that",
];

/// Whether a prompt corrects the agent: its first line begins "don't", "do not", "never",
/// "always", "stop", "no,", "wrong" (after an optional "please"), or says to use something
/// instead.
///
/// ```
/// use metalayer_bridge::is_correction;
///
/// assert!(is_correction("Don't use npm here"));
/// assert!(is_correction("no, run the tests first"));
/// assert!(is_correction("please use pnpm instead"));
/// assert!(!is_correction("add a test for the parser"));
/// assert!(!is_correction("nothing else to do"));
/// ```
#[must_use]
pub fn is_correction(prompt: &str) -> bool {
    let first = prompt.trim_start().lines().next().unwrap_or_default();
    let lower = cut(first, 400).to_lowercase();
    let lower = lower.trim_start_matches(['-', '*', '>', ' ']);
    let lower = lower.strip_prefix("please ").unwrap_or(lower);
    CORRECTION_STARTS.iter().any(|s| lower.starts_with(s))
        || (lower.contains(" instead") && (lower.starts_with("use ") || lower.contains(" use ")))
}

/// White space collapsed, cut at [`RECORD_TEXT_CHARS`]; `None` when empty.
fn one_line(text: &str) -> Option<String> {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let kept = cut(&collapsed, RECORD_TEXT_CHARS);
    (!kept.is_empty()).then(|| kept.to_owned())
}

/// The first line of a result that is not blank, trimmed and cut at [`RECORD_TEXT_CHARS`].
pub(crate) fn first_line(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .and_then(one_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_says_how_many_calls_past_the_cap_it_does_not_list() {
        use crate::session::{MAX_CALLS, SessionId};
        let mut session = Session::new(SessionId::new("s"));
        for n in 0..MAX_CALLS + 3 {
            let id = format!("t{n}");
            let call = serde_json::json!({"type": "assistant", "message": {"id": format!("m{n}"),
                "content": [{"type": "tool_use", "id": id, "name": "Read", "input": {"file_path": "a"}}]}});
            session.ingest_line(call.to_string().as_bytes());
            let result = serde_json::json!({"type": "user", "message": {"content": [
                {"type": "tool_result", "tool_use_id": id, "content": "x"}]}});
            session.ingest_line(result.to_string().as_bytes());
        }
        let redactor = Redactor::default();
        let record = SessionRecord::from_session(&session, "session-2026-01-01-s.md", &redactor);
        assert_eq!(record.calls.len(), MAX_CALLS);
        assert_eq!(record.header.calls_not_listed, 3);
        let again = SessionRecord::parse(&record.render());
        assert_eq!(again.record.header.calls_not_listed, 3);
        // A record that lists every call does not write the field.
        let small = SessionRecord::new(RecordHeader::new("s", "claude", "2026-01-01", "m.md"));
        assert!(!small.render().contains("calls_not_listed"));
    }

    #[test]
    fn dates_of_names() {
        assert_eq!(
            date_of_name("session-2026-08-24-6151b6fd.md"),
            Some("2026-08-24")
        );
        assert_eq!(date_of_name("session-20x6-08-24-6151b6fd.md"), None);
        assert_eq!(date_of_name("notes.md"), None);
        assert_eq!(date_of_name("session-2026"), None);
    }

    #[test]
    fn corrections() {
        for yes in [
            "don't run npm",
            "Never push to main",
            "ALWAYS run cargo fmt",
            "stop editing the lock file",
            "No, use the other one",
            "  please do not touch CI",
            "use pnpm instead",
            "why npm? we use pnpm instead of it",
            "Don’t commit",
        ] {
            assert!(is_correction(yes), "{yes}");
        }
        for no in [
            "",
            "add tests",
            "nothing to add",
            "note: always check",
            "now run it",
            "instead of that, explain",
        ] {
            assert!(!is_correction(no), "{no}");
        }
    }

    #[test]
    fn first_lines() {
        assert_eq!(
            first_line("\n\n  error: no  such   file \nmore"),
            Some("error: no such file".to_owned())
        );
        assert_eq!(first_line("  \n "), None);
    }

    #[test]
    fn unknown_types_are_skipped_silently_and_garbage_with_a_warning() {
        let text = concat!(
            r#"{"type":"session","version":1,"session":"s","harness":"codex","date":"2026-01-02","markdown":"m.md"}"#,
            "\n",
            r#"{"type":"future","x":1}"#,
            "\n\n",
            r#"{"type":"call","tool":"Bash","kind":"shell","subject":"ls","outcome":"maybe"}"#,
            "\n",
            r#"{"type":"session","version":1,"session":"t","harness":"codex","date":"2026-01-02","markdown":"m.md"}"#,
            "\n",
            r#"{"type":"call","tool":"Bash","kind":"shell","subject":"ls","outcome":"ok"}"#,
        );
        let parsed = SessionRecord::parse(text);
        assert_eq!(parsed.record.header.session, "s");
        assert_eq!(parsed.record.calls.len(), 1);
        let lines: Vec<usize> = parsed.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [4, 5]);
        assert!(parsed.warnings.first().is_some_and(|w| {
            w.to_string()
                .starts_with("line 4: not a session record line")
        }));
        let none = SessionRecord::parse("");
        assert_eq!(none.warnings.len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics_and_counts_every_bad_line(text in "(\\PC{0,40}\n){0,8}") {
            let parsed = SessionRecord::parse(&text);
            let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
            proptest::prop_assert!(parsed.record.calls.len() + parsed.warnings.len() <= lines + 1);
        }

        #[test]
        fn render_then_parse_round_trips(
            subjects in proptest::collection::vec("\\PC{0,30}", 0..6),
            errors in proptest::collection::vec(proptest::option::of("[a-z :]{1,20}"), 6),
            corrections in proptest::collection::vec("\\PC{1,30}", 0..3),
        ) {
            let mut record = SessionRecord::new(RecordHeader::new("s", "claude", "2026-01-02", "m.md"));
            for (subject, error) in subjects.iter().zip(&errors) {
                let mut call = RecordedCall::new("Bash", SubjectKind::Shell, subject.clone(), CallOutcome::Error);
                call.error = error.clone();
                record.calls.push(call);
            }
            record.corrections = corrections.iter().map(Correction::new).collect();
            let parsed = SessionRecord::parse(&record.render());
            proptest::prop_assert!(parsed.warnings.is_empty());
            proptest::prop_assert_eq!(parsed.record, record);
        }
    }
}
