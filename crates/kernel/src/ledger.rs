//! The decision ledger: every deny and ask as one JSON line under `.control/ledger/`, and a
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

/// One deny or ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct DecisionRecord {
    /// Seconds since the Unix epoch.
    pub time: u64,
    /// The session, when the harness said.
    pub session_id: Option<String>,
    /// The harness (`claude`, `codex`, …).
    pub harness: String,
    /// The tool (`Bash`, `Write`, …).
    pub tool: String,
    /// `deny` or `ask`.
    pub decision: String,
    /// Every gate that matched, the deciding one first.
    pub gates: Vec<String>,
    /// The shell command or the file path, with secrets masked and cut to 2,000 characters.
    pub subject: String,
    /// The reason given to the harness.
    pub reason: String,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
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
        .redact(subject)
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
    record.time = now();
    let Ok(mut line) = serde_json::to_vec(&record) else {
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
    let dir = ledger_dir(root);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
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
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .flat_map(|text| {
            text.lines()
                .filter_map(|l| serde_json::from_str::<DecisionRecord>(l).ok())
                .collect::<Vec<_>>()
        })
        .collect()
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
