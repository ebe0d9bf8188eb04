//! One capture run: read the new part of a transcript, merge it into the saved model,
//! render the session file and the index, and save the state.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic::{Access, write_atomic};
use crate::error::CaptureError;
use crate::index::{INDEX_FILE, IndexEntry, merge, render_index};
use crate::lock::{LockFile, WAIT_AT_MOST};
use crate::reader::{ReadStats, TranscriptReader};
use crate::redact::Redactor;
use crate::render::{file_name, render_session};
use crate::session::{Session, SessionId};
use crate::timestamp::Timestamp;

/// Version of the state files; other versions are ignored (the transcript is read again).
const STATE_VERSION: u32 = 1;

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
    /// Where the bookkeeping goes (offsets, saved models, index sidecar, locks), e.g. a
    /// folder in the git directory.
    pub state_dir: PathBuf,
    /// The Stop event's `last_assistant_message`, shown when the transcript lags behind it.
    pub last_assistant_message: Option<String>,
    /// The current time, used only when the transcript has no timestamps (fixed in tests).
    pub now: Timestamp,
    /// The redactor applied to everything written.
    pub redactor: Redactor,
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
        }
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
}

/// What a capture did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CaptureReport {
    /// The session file.
    pub session_file: PathBuf,
    /// The index file.
    pub index_file: PathBuf,
    /// What reading found (all zero when nothing was new).
    pub stats: ReadStats,
    /// False when there was nothing new and no file was touched.
    pub updated: bool,
    /// Sessions in the index after the run (0 when not updated).
    pub indexed: usize,
}

/// The saved model and how far it read.
#[derive(Debug, Serialize, Deserialize)]
struct State {
    version: u32,
    offset: u64,
    file_name: String,
    session: Session,
}

/// A small file that says how far the last run read, to skip work when nothing is new.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Cursor {
    version: u32,
    offset: u64,
    file_name: String,
    last_assistant_message: Option<String>,
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
        let state_path = options.state_dir.join(format!("bridge-{stem}.json"));
        let cursor_path = options.state_dir.join(format!("bridge-{stem}.cursor"));
        let index_file = options.output_dir.join(INDEX_FILE);

        // Check the transcript before creating anything.
        let mut file = fs::File::open(&options.transcript).map_err(transcript_err)?;
        let len = file.metadata().map_err(transcript_err)?.len();

        create_dir(&options.state_dir)?;
        let _session_lock = LockFile::acquire(
            &options.state_dir.join(format!("bridge-{stem}.lock")),
            WAIT_AT_MOST,
        )?;

        // Fast path: nothing new since the last run.
        if let Some(cursor) = read_json::<Cursor>(&cursor_path) {
            let session_file = options.output_dir.join(&cursor.file_name);
            if cursor.version == STATE_VERSION
                && cursor.offset == len
                && cursor.last_assistant_message == options.last_assistant_message
                && session_file.is_file()
                && index_file.is_file()
            {
                return Ok(CaptureReport {
                    session_file,
                    index_file,
                    stats: ReadStats {
                        start_offset: len,
                        resume_offset: len,
                        ..ReadStats::default()
                    },
                    updated: false,
                    indexed: 0,
                });
            }
        }

        let saved = read_json::<State>(&state_path).filter(|s| {
            s.version == STATE_VERSION && s.offset <= len && s.session.id == options.session_id
        });
        let (offset, saved_name, mut session) = match saved {
            Some(s) => (
                s.offset,
                Some(s.file_name),
                s.session.with_redactor(options.redactor.clone()),
            ),
            None => (
                0,
                None,
                Session::new(options.session_id.clone()).with_redactor(options.redactor.clone()),
            ),
        };
        use std::io::{Seek, SeekFrom};
        file.seek(SeekFrom::Start(offset)).map_err(transcript_err)?;
        let stats = TranscriptReader::new(file, offset)
            .read_into(&mut session)
            .map_err(|crate::error::ReadError::Io(e)| transcript_err(e))?;
        if !session.has_records() {
            return Err(CaptureError::NoRecords {
                path: options.transcript.clone(),
                unparsable: stats.unparsable,
            });
        }
        session.set_last_assistant_message(options.last_assistant_message.as_deref());

        let name = saved_name.unwrap_or_else(|| {
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

        let entry =
            IndexEntry::from_session(&session, &options.redactor).with_file_name(name.clone());
        let indexed = update_index(options, entry)?;

        let state = State {
            version: STATE_VERSION,
            offset: stats.resume_offset,
            file_name: name.clone(),
            session,
        };
        write_json(&state_path, &state)?;
        let cursor = Cursor {
            version: STATE_VERSION,
            offset: stats.resume_offset,
            file_name: name,
            last_assistant_message: options.last_assistant_message.clone(),
        };
        write_json(&cursor_path, &cursor)?;
        Ok(CaptureReport {
            session_file,
            index_file,
            stats,
            updated: true,
            indexed,
        })
    }
}

/// Merges `entry` into the index under the index lock; returns the number of entries.
fn update_index(options: &CaptureOptions, entry: IndexEntry) -> Result<usize, CaptureError> {
    let _lock = LockFile::acquire(&options.state_dir.join("bridge-index.lock"), WAIT_AT_MOST)?;
    let sidecar = options.state_dir.join("bridge-index.json");
    let entries = read_json::<Vec<IndexEntry>>(&sidecar)
        .unwrap_or_else(|| scan_sessions(&options.output_dir));
    let entries = merge(entries, entry);
    write_json(&sidecar, &entries)?;
    write_atomic(
        &options.output_dir.join(INDEX_FILE),
        render_index(&entries).as_bytes(),
        Access::Shared,
    )?;
    Ok(entries.len())
}

/// Rebuilds index entries from the session files' front matter (when the sidecar is lost,
/// e.g. in a fresh clone).
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
        if let Ok(text) = fs::read_to_string(item.path())
            && let Some(entry) = IndexEntry::from_session_markdown(name, &text)
        {
            entries = merge(entries, entry);
        }
    }
    entries
}

fn create_dir(dir: &Path) -> Result<(), CaptureError> {
    fs::create_dir_all(dir).map_err(|source| CaptureError::Write {
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
