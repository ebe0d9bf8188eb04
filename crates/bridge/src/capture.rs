//! One capture run: read the transcript, model it, render the session file and the index,
//! and save a state that holds no conversation text.
//!
//! The state (`bridge-<session>.state` in the state folder) holds the transcript's length,
//! where its last complete line ends, fingerprints (SHA-1) of its first bytes and of the
//! redacted last assistant message, a few counts and the session file's name: enough to see
//! that nothing is new, nothing to restore a conversation from. When something is new, the
//! model is derived again from the transcript itself, from offset 0 (reading is streaming and
//! bounded, so a 100 MB transcript takes well under the budget of one run). The index is
//! rebuilt from the front matter of the session files under a lock, so no sidecar with
//! conversation text (titles, topics) is kept either.

use std::fs;
use std::io::{BufRead as _, BufReader, Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha1::{Digest as _, Sha1};

use crate::atomic::{Access, write_atomic};
use crate::error::CaptureError;
use crate::history::{SessionRecord, record_name};
use crate::index::{INDEX_FILE, IndexEntry, merge, render_index};
use crate::limits::Limits;
use crate::lock::{LockFile, WAIT_AT_MOST};
use crate::reader::{ReadStats, TranscriptReader};
use crate::redact::Redactor;
use crate::render::{file_name, render_session};
use crate::session::{Session, SessionId};
use crate::timestamp::Timestamp;

/// Version of the state files; other versions are ignored (the transcript is read again).
/// Version 3: the state keeps offsets, fingerprints and counts, never conversation text
/// (version 1 held the whole session), and files touched are the writes whose result says they
/// happened (versions 1 and 2 counted denied and failed calls); older states are read again
/// from the transcript.
const STATE_VERSION: u32 = 3;
/// How many leading bytes of the transcript are fingerprinted, to notice a transcript that
/// was replaced by another of the same length.
const HEAD_BYTES: u64 = 4096;
/// Longest front matter read from a session file when the index is rebuilt.
const FRONT_MATTER_BYTES: u64 = 64 * 1024;

/// What a capture needs. Build with [`CaptureOptions::new`] and the `with_*` methods.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CaptureOptions {
    /// The transcript (`transcript_path` of the Stop event).
    pub transcript: PathBuf,
    /// The session id (`session_id` of the Stop event).
    pub session_id: SessionId,
    /// Where the session files and `Conversations.md` go (e.g. `docs/conversations`).
    pub output_dir: PathBuf,
    /// Where the bookkeeping goes (offsets, fingerprints and counts, locks), e.g. a
    /// folder in the git directory.
    pub state_dir: PathBuf,
    /// The Stop event's `last_assistant_message`, shown when the transcript lags behind it.
    pub last_assistant_message: Option<String>,
    /// The current time, used only when the transcript has no timestamps (fixed in tests).
    pub now: Timestamp,
    /// The redactor applied to everything written.
    pub redactor: Redactor,
    /// The repository the session worked in: file paths inside it are written relative to
    /// it (see [`Session::with_root`]).
    pub root: Option<PathBuf>,
    /// How much of the session is kept (the whole session, tool output shortened, by
    /// default).
    pub limits: Limits,
}

impl CaptureOptions {
    /// Options with the built-in redaction rules, no last message, and the wall clock.
    pub fn new(
        transcript: impl Into<PathBuf>,
        session_id: SessionId,
        output_dir: impl Into<PathBuf>,
        state_dir: impl Into<PathBuf>,
    ) -> Self {
        Self {
            transcript: transcript.into(),
            session_id,
            output_dir: output_dir.into(),
            state_dir: state_dir.into(),
            last_assistant_message: None,
            now: Timestamp::now(),
            redactor: Redactor::new(),
            root: None,
            limits: Limits::default(),
        }
    }

    /// Sets the repository the session worked in.
    #[must_use]
    pub fn with_root(mut self, root: impl Into<PathBuf>) -> Self {
        self.root = Some(root.into());
        self
    }

    /// Sets the Stop event's `last_assistant_message`.
    #[must_use]
    pub fn with_last_assistant_message(mut self, message: Option<String>) -> Self {
        self.last_assistant_message = message;
        self
    }

    /// Sets the current time.
    #[must_use]
    pub fn with_now(mut self, now: Timestamp) -> Self {
        self.now = now;
        self
    }

    /// Sets the redactor (for extra rules from the policy).
    #[must_use]
    pub fn with_redactor(mut self, redactor: Redactor) -> Self {
        self.redactor = redactor;
        self
    }

    /// Sets how much of the session is kept (the policy's `bridge.limits`). A change of the
    /// limits writes the session again at the next run, even with nothing new.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// What a capture did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CaptureReport {
    /// The session file.
    pub session_file: PathBuf,
    /// The index file.
    pub index_file: PathBuf,
    /// The session record (`<name>.jsonl` beside the session file, see
    /// [`SessionRecord`]).
    pub record_file: PathBuf,
    /// What reading found (all zero when nothing was new).
    pub stats: ReadStats,
    /// False when there was nothing new and no file was touched.
    pub updated: bool,
    /// Sessions in the index after the run (0 when not updated).
    pub indexed: usize,
}

/// What the bridge keeps between runs: positions, fingerprints and counts, never text.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct State {
    version: u32,
    /// The transcript's length at the last run.
    len: u64,
    /// Just past the last complete line read (a line still being written starts there).
    offset: u64,
    /// SHA-1 of the transcript's first [`HEAD_BYTES`] bytes.
    head: String,
    /// SHA-1 of the redacted `last_assistant_message` of the last run.
    last_message: Option<String>,
    /// The session file's name (`session-<date>-<id8>.md`), kept once chosen.
    file_name: String,
    /// [`Limits::fingerprint`] of the limits the files were written with.
    #[serde(default)]
    limits: String,
    /// Lines, records and turns read (for diagnostics).
    lines: u64,
    records: u64,
    turns: u64,
}

/// The capture of one transcript.
#[derive(Debug, Clone, Copy, Default)]
pub struct Capture;

impl Capture {
    /// Runs a capture (see the crate docs for the steps).
    ///
    /// # Errors
    ///
    /// - [`CaptureError::Transcript`] when the transcript cannot be read and
    ///   [`CaptureError::NoRecords`] when it holds no conversation record: nothing is written.
    /// - [`CaptureError::Write`] or [`CaptureError::LockTimeout`] when a file cannot be written
    ///   or a lock not taken.
    pub fn run(options: &CaptureOptions) -> Result<CaptureReport, CaptureError> {
        let transcript_err = |source| CaptureError::Transcript {
            path: options.transcript.clone(),
            source,
        };
        let stem = options.session_id.file_stem();
        let state_path = options.state_dir.join(format!("bridge-{stem}.state"));
        let index_file = options.output_dir.join(INDEX_FILE);

        let mut file = fs::File::open(&options.transcript).map_err(transcript_err)?;
        let len = file.metadata().map_err(transcript_err)?.len();
        let head = head_fingerprint(&mut file, len).map_err(transcript_err)?;
        let last_message = options
            .last_assistant_message
            .as_deref()
            .map(|m| fingerprint(options.redactor.redact(m).as_bytes()));
        let limits = options.limits.fingerprint();
        let saved = |state_path: &Path| {
            read_json::<State>(state_path).filter(|s| s.version == STATE_VERSION && s.head == head)
        };

        // Fast path: nothing new since the last run. (The state is replaced atomically, so it
        // is read without the lock.)
        if let Some(state) = saved(&state_path) {
            let session_file = options.output_dir.join(&state.file_name);
            let record_file = options.output_dir.join(record_name(&state.file_name));
            // A session captured before records were written gets its record now.
            if state.len == len
                && state.last_message == last_message
                && state.limits == limits
                && session_file.is_file()
                && record_file.is_file()
                && index_file.is_file()
            {
                return Ok(CaptureReport {
                    session_file,
                    index_file,
                    record_file,
                    stats: ReadStats {
                        start_offset: state.offset,
                        resume_offset: state.offset,
                        pending_bytes: len.saturating_sub(state.offset),
                        ..ReadStats::default()
                    },
                    updated: false,
                    indexed: 0,
                });
            }
        }

        // Something is new: derive the model again from the transcript, before anything is
        // created (a missing or garbage transcript changes nothing).
        let mut session = Session::new(options.session_id.clone())
            .with_redactor(options.redactor.clone())
            .with_limits(options.limits);
        if let Some(root) = options.root.as_deref().and_then(Path::to_str) {
            session = session.with_root(root);
        }
        file.seek(SeekFrom::Start(0)).map_err(transcript_err)?;
        let stats = TranscriptReader::new(file, 0)
            .read_into(&mut session)
            .map_err(|crate::error::ReadError::Io(e)| transcript_err(e))?;
        if !session.has_records() {
            return Err(CaptureError::NoRecords {
                path: options.transcript.clone(),
                unparsable: stats.unparsable,
            });
        }
        session.set_last_assistant_message(options.last_assistant_message.as_deref());
        if session.format == Some(crate::format::Format::Claude) {
            read_subagents(options, &mut session);
        }

        create_private_dir(&options.state_dir)?;
        let _session_lock = LockFile::acquire(
            &options.state_dir.join(format!("bridge-{stem}.lock")),
            WAIT_AT_MOST,
        )?;
        let saved = saved(&state_path);
        // A parallel run captured a longer transcript while this one was reading: its notes
        // are newer than these. (A transcript that really shrank is captured again.)
        let len_now = fs::metadata(&options.transcript).map_or(len, |m| m.len());
        if let Some(state) = saved.as_ref().filter(|s| s.len > len && len_now >= s.len) {
            return Ok(CaptureReport {
                session_file: options.output_dir.join(&state.file_name),
                record_file: options.output_dir.join(record_name(&state.file_name)),
                index_file,
                stats,
                updated: false,
                indexed: 0,
            });
        }
        let name = saved.map(|s| s.file_name).unwrap_or_else(|| {
            if session.first_timestamp.is_some() {
                file_name(&session)
            } else {
                format!("session-{}-{}.md", options.now.date(), session.id.short())
            }
        });
        create_dir(&options.output_dir)?;
        let session_file = options.output_dir.join(&name);
        write_atomic(
            &session_file,
            render_session(&session, &options.redactor).as_bytes(),
            Access::Shared,
        )?;
        // The machine-readable record beside it, redacted by the same redactor.
        let record_file = options.output_dir.join(record_name(&name));
        write_atomic(
            &record_file,
            SessionRecord::from_session(&session, &name, &options.redactor)
                .render()
                .as_bytes(),
            Access::Shared,
        )?;

        let entry =
            IndexEntry::from_session(&session, &options.redactor).with_file_name(name.clone());
        let indexed = update_index(options, entry)?;

        let state = State {
            version: STATE_VERSION,
            len,
            offset: stats.resume_offset,
            head,
            last_message,
            file_name: name,
            limits,
            lines: stats.lines,
            records: stats.records,
            turns: session.turns,
        };
        write_json(&state_path, &state)?;
        remove_legacy_state(&options.state_dir);
        Ok(CaptureReport {
            session_file,
            index_file,
            record_file,
            stats,
            updated: true,
            indexed,
        })
    }
}

/// Merges `entry` into the index under the index lock; returns the number of entries.
///
/// The entries come from the front matter of the session files in the output folder, so
/// that parallel captures (each of which wrote its file before taking the lock) all land in
/// the index, and no copy of titles is kept anywhere else.
fn update_index(options: &CaptureOptions, entry: IndexEntry) -> Result<usize, CaptureError> {
    let _lock = LockFile::acquire(&options.state_dir.join("bridge-index.lock"), WAIT_AT_MOST)?;
    let entries = merge(scan_sessions(&options.output_dir), entry);
    write_atomic(
        &options.output_dir.join(INDEX_FILE),
        render_index(&entries).as_bytes(),
        Access::Shared,
    )?;
    Ok(entries.len())
}

/// Index entries from the session files' front matter.
fn scan_sessions(dir: &Path) -> Vec<IndexEntry> {
    let Ok(read) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut entries = Vec::new();
    for item in read.flatten() {
        let name = item.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with("session-") && name.ends_with(".md")) {
            continue;
        }
        if let Some(text) = front_matter(&item.path())
            && let Some(entry) = IndexEntry::from_session_markdown(name, &text)
        {
            entries = merge(entries, entry);
        }
    }
    entries
}

/// The YAML front matter of a file (its `---` lines included), read no further.
fn front_matter(path: &Path) -> Option<String> {
    let file = fs::File::open(path).ok()?;
    let mut reader = BufReader::new(file.take(FRONT_MATTER_BYTES));
    let mut text = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        text.push_str(&line);
        let opened = text.len() > line.len();
        if !opened && line.trim_end() != "---" {
            return None;
        }
        if opened && line.trim_end() == "---" {
            return Some(text);
        }
    }
}

/// The first state format kept the whole conversation (`bridge-<id>.json`), the Stop
/// event's last message (`bridge-<id>.cursor`) and the index titles (`bridge-index.json`):
/// remove them wherever they are left.
fn remove_legacy_state(state_dir: &Path) {
    let Ok(read) = fs::read_dir(state_dir) else {
        return;
    };
    for item in read.flatten() {
        let name = item.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with("bridge-")
            && (name.ends_with(".json") || name.ends_with(".cursor"))
            && item.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = fs::remove_file(item.path());
        }
    }
}

/// SHA-1 of the transcript's first [`HEAD_BYTES`] bytes.
fn head_fingerprint(file: &mut fs::File, len: u64) -> std::io::Result<String> {
    let mut head = Vec::new();
    (&mut *file)
        .take(len.min(HEAD_BYTES))
        .read_to_end(&mut head)?;
    Ok(fingerprint(&head))
}

fn fingerprint(bytes: &[u8]) -> String {
    Sha1::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn create_dir(dir: &Path) -> Result<(), CaptureError> {
    fs::create_dir_all(dir).map_err(|source| CaptureError::Write {
        path: dir.to_owned(),
        source,
    })
}

/// Creates the state folder (and its parents) readable by the owner only.
fn create_private_dir(dir: &Path) -> Result<(), CaptureError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|source| CaptureError::Write {
        path: dir.to_owned(),
        source,
    })
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    let bytes = fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), CaptureError> {
    let bytes = serde_json::to_vec(value).map_err(|e| CaptureError::Write {
        path: path.to_owned(),
        source: std::io::Error::other(e),
    })?;
    write_atomic(path, &bytes, Access::Private)
}

/// Most subagent transcripts read for one session.
const MAX_SUBAGENTS: usize = 200;

/// Reads the transcripts of the session's subagents into it: Claude Code writes them to
/// `<session>/subagents/agent-<id>.jsonl` beside the session's transcript (older releases:
/// `agent-<id>.jsonl` beside it, told apart by their `sessionId`). Internal ones
/// (`agent-acompact-…`, compaction) are left out; one that cannot be read is skipped.
fn read_subagents(options: &CaptureOptions, session: &mut Session) {
    let Some(dir) = options.transcript.parent() else {
        return;
    };
    let session_id = session.id.to_string();
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    if let Some(stem) = options.transcript.file_stem() {
        found.extend(agent_files(&dir.join(stem).join("subagents")));
    }
    for (id, path) in agent_files(dir) {
        if first_session_id(&path).as_deref() == Some(session_id.as_str())
            && !found.iter().any(|(known, _)| *known == id)
        {
            found.push((id, path));
        }
    }
    found.sort();
    for (agent_id, path) in found.into_iter().take(MAX_SUBAGENTS) {
        let Ok(file) = fs::File::open(&path) else {
            continue;
        };
        let mut sub = Session::new(SessionId::new(agent_id.as_str()))
            .with_redactor(options.redactor.clone())
            .with_limits(*session.limits())
            .as_subagent();
        if let Some(root) = options.root.as_deref().and_then(Path::to_str) {
            sub = sub.with_root(root);
        }
        if TranscriptReader::new(file, 0).read_into(&mut sub).is_ok() && sub.has_records() {
            session.add_subagent(&agent_id, sub);
        }
    }
}

/// The `agent-<id>.jsonl` files of a folder, with their agent ids.
fn agent_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let id = name.strip_prefix("agent-")?.strip_suffix(".jsonl")?;
            (!id.starts_with("acompact") && crate::session::is_agent_id(id))
                .then(|| (id.to_owned(), entry.path()))
        })
        .collect()
}

/// The `sessionId` of a transcript's first record.
fn first_session_id(path: &Path) -> Option<String> {
    #[derive(Deserialize)]
    struct First {
        #[serde(default, rename = "sessionId")]
        session_id: Option<String>,
    }
    let file = fs::File::open(path).ok()?;
    let mut line = String::new();
    BufReader::new(file)
        .take(1024 * 1024)
        .read_line(&mut line)
        .ok()?;
    serde_json::from_str::<First>(&line).ok()?.session_id
}
