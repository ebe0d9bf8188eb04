//! Streaming, tolerant reading of a transcript from a byte offset.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::error::ReadError;
use crate::session::{LineKind, Session};

/// Lines longer than this are skipped without being buffered whole (counted as oversized).
pub const DEFAULT_MAX_LINE: usize = 16 * 1024 * 1024;

/// The buffer size of the underlying `BufReader`.
const BUFFER: usize = 256 * 1024;

/// What one read did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadStats {
    /// The offset reading started at.
    pub start_offset: u64,
    /// The offset to start the next read at: just past the last complete line. A last line
    /// without its newline (still being written) is not consumed: this points at its start.
    pub resume_offset: u64,
    /// Complete lines read.
    pub lines: u64,
    /// Lines taken into the model (user, assistant, system, summary).
    pub records: u64,
    /// Records of other types, skipped.
    pub skipped: u64,
    /// Lines that are not JSON records, skipped.
    pub unparsable: u64,
    /// Lines longer than the line limit, skipped.
    pub oversized: u64,
    /// Bytes of the incomplete last line, left for the next read.
    pub pending_bytes: u64,
}

/// Reads transcript lines from a byte stream into a [`Session`], one line at a time, never
/// holding more than one line (bounded by the line limit) in memory.
///
/// ```
/// use metalayer_bridge::{Session, SessionId, TranscriptReader};
///
/// let jsonl = concat!(
///     r#"{"type":"user","message":{"content":"fix the test"},"timestamp":"2026-08-24T18:20:02Z"}"#, "\n",
///     "garbage\n",
///     r#"{"type":"assistant","message":{"id":"m","content":[{"type":"te"#, // still being written
/// );
/// let mut session = Session::new(SessionId::new("s1"));
/// let stats = TranscriptReader::new(jsonl.as_bytes(), 0).read_into(&mut session)?;
/// assert_eq!((stats.records, stats.unparsable), (1, 1));
/// assert_eq!(stats.resume_offset, jsonl.find("{\"type\":\"assistant").unwrap() as u64);
/// assert_eq!(session.turns, 1);
/// # Ok::<(), metalayer_bridge::ReadError>(())
/// ```
#[derive(Debug)]
pub struct TranscriptReader<R> {
    inner: BufReader<R>,
    start_offset: u64,
    max_line: usize,
}

impl<R: Read> TranscriptReader<R> {
    /// A reader over `reader`, whose first byte is at `start_offset` of the transcript.
    pub fn new(reader: R, start_offset: u64) -> Self {
        Self {
            inner: BufReader::with_capacity(BUFFER, reader),
            start_offset,
            max_line: DEFAULT_MAX_LINE,
        }
    }

    /// Sets the longest line that is parsed ([`DEFAULT_MAX_LINE`] by default).
    #[must_use]
    pub fn with_max_line(mut self, bytes: usize) -> Self {
        self.max_line = bytes;
        self
    }

    /// Reads to the end of the stream, feeding every complete line to `session`.
    ///
    /// # Errors
    ///
    /// [`ReadError::Io`] when the stream fails; the model then holds the lines read so far,
    /// so callers that need all-or-nothing should work on a copy.
    pub fn read_into(&mut self, session: &mut Session) -> Result<ReadStats, ReadError> {
        let mut stats = ReadStats {
            start_offset: self.start_offset,
            resume_offset: self.start_offset,
            ..ReadStats::default()
        };
        let mut line: Vec<u8> = Vec::new();
        let mut partial_len: u64 = 0;
        let mut oversized = false;
        loop {
            let available = match self.inner.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ReadError::Io(e)),
            };
            if available.is_empty() {
                stats.pending_bytes = partial_len;
                break;
            }
            let newline = available.iter().position(|&b| b == b'\n');
            let take = newline.map_or(available.len(), |at| at + 1);
            let chunk = available.get(..take).unwrap_or_default();
            let complete = newline.is_some();
            if complete && line.is_empty() && !oversized {
                // The whole line is in the buffer: parse it in place, without copying.
                count(&mut stats, chunk.len() <= self.max_line, || {
                    session.ingest_line(chunk)
                });
            } else {
                if !oversized && line.len() + chunk.len() > self.max_line {
                    oversized = true;
                    line = Vec::new();
                }
                if !oversized {
                    line.extend_from_slice(chunk);
                }
                if complete {
                    let fits = !oversized;
                    count(&mut stats, fits, || session.ingest_line(&line));
                    line.clear();
                    oversized = false;
                }
            }
            let taken = take as u64;
            self.inner.consume(take);
            if complete {
                stats.resume_offset = stats.resume_offset.saturating_add(partial_len + taken);
                partial_len = 0;
            } else {
                partial_len = partial_len.saturating_add(taken);
            }
        }
        self.start_offset = stats.resume_offset;
        Ok(stats)
    }
}

fn count(stats: &mut ReadStats, fits: bool, ingest: impl FnOnce() -> LineKind) {
    stats.lines = stats.lines.saturating_add(1);
    if !fits {
        stats.oversized = stats.oversized.saturating_add(1);
        return;
    }
    match ingest() {
        LineKind::Record => stats.records = stats.records.saturating_add(1),
        LineKind::Skipped => stats.skipped = stats.skipped.saturating_add(1),
        LineKind::Unparsable => stats.unparsable = stats.unparsable.saturating_add(1),
        LineKind::Blank => {}
    }
}

/// Opens a transcript file and reads it from `offset` into `session`.
///
/// An `offset` past the end of the file (the file was replaced or truncated) reads nothing;
/// see [`ReadStats::resume_offset`], which is then the file length, and
/// [`transcript_len`] to detect it beforehand.
///
/// # Errors
///
/// [`ReadError::Io`] when the file cannot be opened, sought or read.
pub fn read_transcript(
    path: &Path,
    offset: u64,
    session: &mut Session,
) -> Result<ReadStats, ReadError> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let start = offset.min(len);
    file.seek(SeekFrom::Start(start))?;
    TranscriptReader::new(file, start).read_into(session)
}

/// The length of a transcript file in bytes.
///
/// # Errors
///
/// [`ReadError::Io`] when the file's metadata cannot be read.
pub fn transcript_len(path: &Path) -> Result<u64, ReadError> {
    Ok(std::fs::metadata(path)?.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionId;

    /// A reader that hands out at most `n` bytes per call, to cross buffer boundaries.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn prompt(text: &str) -> String {
        format!(
            "{}\n",
            serde_json::json!({"type":"user","message":{"content":text}})
        )
    }

    #[test]
    fn offsets_and_partial_last_line() {
        let complete = format!("{}{}", prompt("first prompt"), prompt("second prompt"));
        let partial = r#"{"type":"user","message":{"content":"thi"#;
        let data = format!("{complete}\n{partial}");
        for step in [1, 3, 7, 1000] {
            let mut s = Session::new(SessionId::new("x"));
            let mut reader = TranscriptReader::new(Trickle(data.as_bytes(), step), 0);
            let stats = reader.read_into(&mut s).unwrap();
            assert_eq!(
                stats.resume_offset,
                complete.len() as u64 + 1,
                "step {step}"
            );
            assert_eq!(stats.pending_bytes, partial.len() as u64);
            assert_eq!(stats.records, 2);
            assert_eq!(stats.lines, 3);
            assert_eq!(s.turns, 2);
        }
    }

    #[test]
    fn oversized_lines_are_skipped() {
        let big = prompt(&"y ".repeat(200));
        let data = format!("{big}{}", prompt("small one"));
        let mut s = Session::new(SessionId::new("x"));
        let stats = TranscriptReader::new(Trickle(data.as_bytes(), 16), 5)
            .with_max_line(100)
            .read_into(&mut s)
            .unwrap();
        assert_eq!(stats.oversized, 1);
        assert_eq!(stats.records, 1);
        assert_eq!(stats.start_offset, 5);
        assert_eq!(stats.resume_offset, 5 + data.len() as u64);
        assert_eq!(s.prompts[0].text.text, "small one");
    }

    #[test]
    fn crlf_and_blank_lines() {
        let data = format!("\r\n{}\r\n\n", prompt("hello there").trim_end());
        let mut s = Session::new(SessionId::new("x"));
        let stats = TranscriptReader::new(data.as_bytes(), 0)
            .read_into(&mut s)
            .unwrap();
        assert_eq!((stats.lines, stats.records, stats.unparsable), (3, 1, 0));
        assert_eq!(s.prompts[0].text.text, "hello there");
    }
}
