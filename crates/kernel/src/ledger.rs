//! The decision ledger: every deny and ask as one JSON line under `.control/ledger/`, the
//! outcome of each asked call that then ran (a `ran` line, from the post-tool-use hook), and a
//! tally of allows. Best effort: a full disk or a read-only tree never changes a decision.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use metalayer_bridge::Redactor;
use metalayer_gates::Decision;
use serde::{Deserialize, Serialize};

/// The ledger folder, relative to the repository root.
pub const LEDGER_DIR: &str = ".control/ledger";

/// The file of deny and ask records.
pub const DECISIONS_FILE: &str = "decisions.jsonl";

/// The tally of allows: one byte per allowed call, so that parallel hooks count without a
/// lock (each append of one byte is atomic) and the count is the file's size.
pub const ALLOWS_FILE: &str = "allows.tally";

/// Past this size the decisions file is rotated to `decisions-<unix seconds>.jsonl`.
pub const ROTATE_BYTES: u64 = 8 * 1024 * 1024;

/// The longest command kept in a record.
const MAX_COMMAND_CHARS: usize = 2000;

/// How far back from the end of the decisions file the post-tool-use hook looks for the ask a
/// call ran after (an outcome follows its ask within the same session, so the tail is enough,
/// and reading it stays cheap on every tool call).
pub const OUTCOME_LOOKBACK_BYTES: u64 = 256 * 1024;

/// One deny or ask, or the outcome of an asked call that ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct DecisionRecord {
    /// Seconds since the Unix epoch.
    pub time: u64,
    /// Milliseconds since the Unix epoch (records written since outcomes are recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_ms: Option<u64>,
    /// The session, when the harness said.
    pub session_id: Option<String>,
    /// The harness (`claude`, `codex`, …).
    pub harness: String,
    /// The tool (`Bash`, `Write`, …).
    pub tool: String,
    /// `deny` or `ask`; `ran` for the outcome of an asked call that then ran.
    pub decision: String,
    /// Every gate that matched, the deciding one first.
    pub gates: Vec<String>,
    /// The shell command or the file path, with secrets masked and cut to 2,000 characters.
    pub subject: String,
    /// The reason given to the harness (for a `ran` line: what became of the ask).
    pub reason: String,
    /// The harness's id of the tool call, when it gives one (Claude Code, Codex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_use_id: Option<String>,
    /// For a `ran` line: `ok` or `error`, as the harness reported the call's result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// For a `ran` line: milliseconds from the ask to the outcome (the person's answer and the
    /// call's run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_ask_ms: Option<u64>,
}

impl DecisionRecord {
    /// A record of a decision (`deny` or `ask`) made now; the ledger sets the time.
    #[must_use]
    pub fn new(
        harness: impl Into<String>,
        tool: impl Into<String>,
        decision: impl Into<String>,
        subject: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            time: 0,
            time_ms: None,
            session_id: None,
            harness: harness.into(),
            tool: tool.into(),
            decision: decision.into(),
            gates: Vec::new(),
            subject: subject.into(),
            reason: reason.into(),
            tool_use_id: None,
            result: None,
            since_ask_ms: None,
        }
    }

    /// The time of the record in milliseconds.
    fn millis(&self) -> u64 {
        self.time_ms.unwrap_or(self.time.saturating_mul(1000))
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The ledger folder of a repository.
#[must_use]
pub fn ledger_dir(root: &Path) -> PathBuf {
    root.join(LEDGER_DIR)
}

/// Masks secrets and shortens a subject for the ledger.
#[must_use]
pub fn mask(subject: &str) -> String {
    // One redactor per process: its rules and prefilter are built once.
    static REDACTOR: std::sync::OnceLock<Redactor> = std::sync::OnceLock::new();
    let masked = REDACTOR
        .get_or_init(Redactor::new)
        .redact_secrets(subject)
        .into_owned();
    if masked.chars().count() > MAX_COMMAND_CHARS {
        let cut: String = masked.chars().take(MAX_COMMAND_CHARS).collect();
        format!("{cut}…")
    } else {
        masked
    }
}

/// Records a decision. Denies and asks append one line (one `write` of the whole line to a
/// file opened for appending, so lines of parallel hooks never interleave); allows add one
/// byte to the tally. Every error is swallowed: the ledger never changes a decision.
pub fn record(root: &Path, decision: Decision, make: impl FnOnce() -> DecisionRecord) {
    let dir = ledger_dir(root);
    if !dir.is_dir() {
        if std::fs::create_dir_all(&dir).is_err() {
            return;
        }
        // The ledger is local history, never committed: it ignores itself.
        let _ = std::fs::write(dir.join(".gitignore"), "# metalayer's decision ledger\n*\n");
    }
    if decision == Decision::Allow {
        let _ = append(&dir.join(ALLOWS_FILE), b".");
        return;
    }
    let mut record = make();
    let ms = now_ms();
    record.time = ms / 1000;
    record.time_ms = Some(ms);
    append_record(&dir, &record);
}

/// Appends one record to the decisions file, rotating it first when it is too large.
fn append_record(dir: &Path, record: &DecisionRecord) {
    let Ok(mut line) = serde_json::to_vec(record) else {
        return;
    };
    line.push(b'\n');
    let path = dir.join(DECISIONS_FILE);
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > ROTATE_BYTES) {
        // A rename is atomic; of two hooks rotating at once, the second finds no file.
        let _ = std::fs::rename(&path, dir.join(format!("decisions-{}.jsonl", now())));
    }
    let _ = append(&path, &line);
}

/// A call that ran, as the post-tool-use hook saw it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RanCall<'a> {
    /// The session, when the harness said.
    pub session_id: Option<&'a str>,
    /// The harness's id of the tool call, when it gives one.
    pub tool_use_id: Option<&'a str>,
    /// The harness (`claude`, `codex`, …).
    pub harness: &'a str,
    /// The tool, with the gates' names (`Bash`, `Write`, …).
    pub tool: &'a str,
    /// `true` when the harness reported the call as failed.
    pub failed: bool,
}

impl<'a> RanCall<'a> {
    /// A call of `tool` through `harness` that ran.
    #[must_use]
    pub fn new(harness: &'a str, tool: &'a str) -> Self {
        Self {
            session_id: None,
            tool_use_id: None,
            harness,
            tool,
            failed: false,
        }
    }

    /// Sets the session.
    #[must_use]
    pub fn session(mut self, session_id: Option<&'a str>) -> Self {
        self.session_id = session_id;
        self
    }

    /// Sets the harness's id of the call.
    #[must_use]
    pub fn tool_use_id(mut self, tool_use_id: Option<&'a str>) -> Self {
        self.tool_use_id = tool_use_id;
        self
    }

    /// Sets whether the call failed.
    #[must_use]
    pub fn failed(mut self, failed: bool) -> Self {
        self.failed = failed;
        self
    }
}

/// Records that an asked call ran: when the tail of the decisions file
/// ([`OUTCOME_LOOKBACK_BYTES`]) holds an `ask` of the same session for this call (the same
/// `tool_use_id` when both have one, else the same tool and subject) that no earlier `ran`
/// line answers, appends a `ran` line with its gates, the call's result and the time since the
/// ask. `subject` gives the call's masked subject, and is only called when a candidate ask has
/// no `tool_use_id` to match on. Calls that were not asked leave no line. Returns whether a
/// line was written; every error is swallowed, as everywhere in the ledger.
pub fn record_outcome(root: &Path, call: &RanCall<'_>, subject: impl FnOnce() -> String) -> bool {
    let dir = ledger_dir(root);
    let Some(tail) = read_tail(&dir.join(DECISIONS_FILE), OUTCOME_LOOKBACK_BYTES) else {
        return false;
    };
    // The cheap test first: most calls were never asked about.
    if !contains(&tail, br#""decision":"ask""#)
        || call
            .session_id
            .is_some_and(|s| !contains(&tail, s.as_bytes()))
    {
        return false;
    }
    let records: Vec<DecisionRecord> = String::from_utf8_lossy(&tail)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let mut subject = Some(subject);
    let mut masked: Option<String> = None;
    let mut same_call = |r: &DecisionRecord| -> bool {
        if r.session_id.as_deref() != call.session_id || r.tool != call.tool {
            return false;
        }
        if let (Some(theirs), Some(ours)) = (r.tool_use_id.as_deref(), call.tool_use_id) {
            return theirs == ours;
        }
        if masked.is_none() {
            masked = subject.take().map(|f| f());
        }
        masked.as_deref() == Some(r.subject.as_str())
    };
    // Newest first: a `ran` line answers the newest ask before it.
    let mut answered = 0_usize;
    let mut ask = None;
    for r in records.iter().rev() {
        match r.decision.as_str() {
            "ran" if same_call(r) => answered += 1,
            "ask" if same_call(r) => {
                if answered == 0 {
                    ask = Some(r);
                    break;
                }
                answered -= 1;
            }
            _ => {}
        }
    }
    let Some(ask) = ask else {
        return false;
    };
    let ms = now_ms();
    let result = if call.failed { "error" } else { "ok" };
    let record = DecisionRecord {
        time: ms / 1000,
        time_ms: Some(ms),
        session_id: call.session_id.map(str::to_owned),
        harness: call.harness.to_owned(),
        tool: call.tool.to_owned(),
        decision: "ran".to_owned(),
        gates: ask.gates.clone(),
        subject: ask.subject.clone(),
        reason: format!("asked, approved and ran ({result})"),
        tool_use_id: call
            .tool_use_id
            .map(str::to_owned)
            .or_else(|| ask.tool_use_id.clone()),
        result: Some(result.to_owned()),
        since_ask_ms: Some(ms.saturating_sub(ask.millis())),
    };
    append_record(&dir, &record);
    true
}

/// The last `max` bytes of a file, from the start of a line; `None` when it cannot be read.
fn read_tail(path: &Path, max: u64) -> Option<Vec<u8>> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let start = len.saturating_sub(max);
    file.seek(SeekFrom::Start(start)).ok()?;
    let mut bytes = Vec::new();
    file.take(max).read_to_end(&mut bytes).ok()?;
    if start > 0 {
        // Drop the partial first line.
        let cut = bytes
            .iter()
            .position(|b| *b == b'\n')
            .map_or(bytes.len(), |i| i + 1);
        bytes.drain(..cut);
    }
    Some(bytes)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

fn append(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(bytes)
}

/// Reads every decision record of the ledger (rotated files included), oldest file first;
/// lines that do not parse are skipped.
#[must_use]
pub fn read_records(root: &Path) -> Vec<DecisionRecord> {
    read_records_checked(root).0
}

/// Reads every decision record of the ledger like [`read_records`], and says which lines were
/// skipped: one warning per line that is not a decision record, and per file that cannot be
/// read, naming the file and the line.
#[must_use]
pub fn read_records_checked(root: &Path) -> (Vec<DecisionRecord>, Vec<String>) {
    let dir = ledger_dir(root);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (Vec::new(), Vec::new());
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("decisions") && n.ends_with(".jsonl"))
        })
        .collect();
    // Rotated files (`decisions-<time>`) sort before the current `decisions.jsonl`.
    files.sort_by_key(|p| {
        (
            p.file_name().is_some_and(|n| n == DECISIONS_FILE),
            p.clone(),
        )
    });
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    for path in &files {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                warnings.push(format!("{}: cannot be read: {e}", path.display()));
                continue;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let mut lines = text.lines().enumerate().peekable();
        while let Some((number, line)) = lines.next() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<DecisionRecord>(line) {
                Ok(record) => records.push(record),
                // A last line still being written by a hook is no corruption.
                Err(e) if lines.peek().is_some() || !e.is_eof() => warnings.push(format!(
                    "{}:{}: not a ledger line ({e}); skipped",
                    path.display(),
                    number.saturating_add(1)
                )),
                Err(_) => {}
            }
        }
    }
    (records, warnings)
}

/// The JSON Schema of a ledger line ([`DecisionRecord`]), generated from the type.
#[must_use]
pub fn decision_record_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(DecisionRecord)).unwrap_or_default()
}

/// How many calls were allowed, from the tally.
#[must_use]
pub fn allow_count(root: &Path) -> u64 {
    std::fs::metadata(ledger_dir(root).join(ALLOWS_FILE)).map_or(0, |m| m.len())
}
