//! Capture an AI coding agent's session (a Claude Code transcript, JSONL) into a markdown
//! note, incrementally and with secrets redacted.
//!
//! The Stop hook fires after every turn. Each run of [`Capture::run`] reads only the bytes
//! added to the transcript since the last run, merges them into the saved [`Session`] model,
//! and rewrites `session-YYYY-MM-DD-<id8>.md` and the index `Conversations.md` atomically.
//!
//! ```
//! use metalayer_bridge::{Capture, CaptureOptions, SessionId, Timestamp};
//!
//! let dir = tempfile::tempdir()?;
//! let transcript = dir.path().join("6151b6fd.jsonl");
//! std::fs::write(&transcript, concat!(
//!     r#"{"type":"user","sessionId":"6151b6fd","gitBranch":"main","cwd":"/p","timestamp":"2026-08-24T18:20:02Z","#,
//!     r#""message":{"role":"user","content":"deploy with key AKIAIOSFODNN7EXAMPLE"}}"#, "\n",
//!     r#"{"type":"assistant","timestamp":"2026-08-24T18:25:00Z","message":{"id":"msg_1","#,
//!     r#""content":[{"type":"text","text":"Deployed."}],"usage":{"input_tokens":3,"output_tokens":5}}}"#, "\n",
//! ))?;
//! let options = CaptureOptions::new(
//!     &transcript,
//!     SessionId::new("6151b6fd"),
//!     dir.path().join("docs/conversations"),
//!     dir.path().join(".git/metalayer"),
//! )
//! .with_now(Timestamp::from_unix_seconds(0));
//! let report = Capture::run(&options)?;
//! assert!(report.session_file.ends_with("session-2026-08-24-6151b6fd.md"));
//! let note = std::fs::read_to_string(&report.session_file)?;
//! assert!(note.contains("deploy with key [REDACTED:aws-access-key]"));
//! assert!(!note.contains("AKIAIOSFODNN7EXAMPLE"));
//! assert!(std::fs::read_to_string(&report.index_file)?.contains("session-2026-08-24-6151b6fd.md"));
//!
//! // Nothing new: nothing is rewritten.
//! assert!(!Capture::run(&options)?.updated);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Parts
//!
//! - [`TranscriptReader`] / [`read_transcript`]: streaming and tolerant. `user`,
//!   `assistant`, `system` and `summary` records are read; unknown record types and lines
//!   that are not JSON are skipped and counted ([`ReadStats`]); a last line without its
//!   newline is left for the next run. Lines are parsed in place into borrowed structs, so
//!   memory stays bounded by one line whatever the transcript's size.
//! - [`Session`]: the model (branch, cwd, version, model, timestamps, prompts, thread, tool
//!   calls with outcomes, files written (only by calls whose result says they happened:
//!   not failed ones, nor those a hook denied), commits, pull requests, token usage counted once
//!   per assistant message id, turns). Whole by default: [`Limits`] shorten a tool's output
//!   (and, when set, long texts, edit diffs and the thread) into [`Excerpt`]s cut at white
//!   space, and every shortening is said in the markdown. Every text is redacted as it is
//!   taken in, before it is cut, so the model never holds a secret.
//! - [`secrets`]: the secret detection engine (rules as data in gitleaks' shape, a keyword
//!   prefilter, findings with positions), shared with anything else that must keep secrets
//!   out of what it writes. [`Redactor`] applies it to every string; extra rules with
//!   [`Redactor::with_extra`], [`Redactor::with_rule`] or [`Redactor::with_rules_toml`].
//! - [`render_session`], [`file_name`], [`render_index`], [`IndexEntry`], [`merge`]: the
//!   markdown, escaped so that transcript text cannot inject HTML, break a table or a code
//!   fence.
//! - [`SessionRecord`]: the machine-readable record written beside each session file
//!   (`<name>.jsonl`): a header, every tool call with its normalised subject and outcome
//!   (`ok`, `error`, `denied`, `asked`) and the first line of its error, and the user's
//!   corrections ([`is_correction`]), redacted like the markdown. [`SessionRecord::parse`]
//!   reads one back, skipping corrupt lines with a [`RecordWarning`].
//! - [`Capture`]: the whole job, with the bookkeeping in `state_dir` (created 0700; a state
//!   file per session holding offsets, fingerprints and counts but no conversation text,
//!   and lock files, all 0600) and only the session files and the index in `output_dir`.
//!   When the transcript has grown, the model is derived again from it; when it has not,
//!   nothing is read or written. The index is rebuilt from the session files' front matter. The index is updated under an operating-system file lock
//!   ([`std::fs::File::try_lock`]; released when its holder exits, however it exits), so
//!   parallel captures never lose an entry; files are replaced atomically through `tempfile`
//!   (an unpredictable temporary name, never a planted symlink). A missing, unreadable or
//!   garbage transcript returns an error and changes nothing.
#![deny(missing_docs)]

mod atomic;
mod capture;
mod codex;
mod diff;
mod error;
mod excerpt;
mod format;
mod gemini;
mod history;
mod index;
mod limits;
mod lock;
mod markdown;
mod reader;
mod record;
mod redact;
mod render;
pub mod secrets;
mod session;
mod timestamp;
mod tool;
mod vcs;

pub use capture::{Capture, CaptureOptions, CaptureReport};
pub use diff::EditDiff;
pub use error::{CaptureError, ReadError, RedactError};
pub use excerpt::Excerpt;
pub use format::Format;
pub use history::{
    CallOutcome, Correction, ParsedRecord, RECORD_TEXT_CHARS, RECORD_VERSION, RecordHeader,
    RecordWarning, RecordedCall, SessionRecord, SubjectKind, is_correction, record_name,
};
pub use index::{INDEX_FILE, IndexEntry, TOPIC_CHARS, merge, render_index};
pub use limits::{DIFF_LINES, Limits, OUTPUT_CHARS};
pub use reader::{DEFAULT_MAX_LINE, ReadStats, TranscriptReader, read_transcript, transcript_len};
pub use redact::Redactor;
pub use render::{TITLE_CHARS, file_name, render_session};
pub use session::{
    LineKind, MAX_CALLS, MAX_LIST, MAX_PROMPTS, Notice, NoticeKind, Session, SessionId, Subagent,
    ThreadItem, TokenUsage, Utterance,
};
pub use timestamp::Timestamp;
pub use tool::{TodoItem, ToolCall, ToolOutcome};
pub use vcs::Commit;
