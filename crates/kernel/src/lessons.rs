//! `metalayer distill`: lessons that recur across captured sessions and the decision ledger.
//!
//! The inputs are the session records the bridge writes beside each session note
//! ([`SessionRecord`], `<conversations>/session-*.jsonl`), the decision ledger
//! (`.control/ledger/decisions*.jsonl`) and the bullets of `AGENTS.md`. Everything is
//! deterministic: the same history gives the same lessons, in the same order, with the same
//! ids ([`LessonId`], a hash of the kind and the key). A lesson is reported once it was seen in
//! at least [`DistillOptions::min_sessions`] distinct sessions (the rule of three by default).
//!
//! | kind | seen when | key |
//! |---|---|---|
//! | [`LessonKind::UseInstead`] | a shell command fails and, within the next few shell calls, another program with the same arguments works (`npm test` fails, `pnpm test` works) | `npm -> pnpm` |
//! | [`LessonKind::RepeatedBlock`] | a call is denied (by a gate, a hook or a permission rule) or asked and refused | the command (`git push`) or `file:<name>` |
//! | [`LessonKind::RelaxAsk`] | a gate asks, and the ledger shows the asked calls ran nearly every time ([`RELAX_APPROVAL_RATE`]) | the gate id |
//! | [`LessonKind::Correction`] | the user corrects the agent ("don't…", "never…", "use … instead") | the main word of the corrections |
//! | [`LessonKind::BrokenRule`] | a bullet of `AGENTS.md` forbids something ("never use npm", "use pnpm, not npm") and calls do it | the forbidden word |
//!
//! ```
//! use metalayer_kernel::{DistillOptions, LessonKind, distill};
//! use metalayer_kernel::bridge::{CallOutcome, RecordHeader, RecordedCall, SessionRecord, SubjectKind};
//!
//! let repo = tempfile::tempdir()?;
//! let folder = repo.path().join("docs/conversations");
//! std::fs::create_dir_all(&folder)?;
//! for n in 0..3 {
//!     let markdown = format!("session-2026-12-0{}-0000000{n}.md", n + 1);
//!     let mut record = SessionRecord::new(RecordHeader::new(
//!         format!("0000000{n}"), "claude", format!("2026-12-0{}", n + 1), markdown.as_str(),
//!     ));
//!     record.calls.push(RecordedCall::new("Bash", SubjectKind::Shell, "npm test", CallOutcome::Error));
//!     record.calls.push(RecordedCall::new("Bash", SubjectKind::Shell, "pnpm test", CallOutcome::Ok));
//!     std::fs::write(folder.join(metalayer_kernel::bridge::record_name(&markdown)), record.render())?;
//! }
//! let found = distill(&DistillOptions::new(repo.path()))?;
//! assert_eq!(found.sessions_read, 3);
//! let lesson = &found.lessons[0];
//! assert_eq!(found.lesson(&lesson.id), Some(lesson));
//! assert_eq!(lesson.kind, LessonKind::UseInstead);
//! assert_eq!(lesson.key, "npm -> pnpm");
//! assert_eq!(lesson.sessions.len(), 3);
//! assert_eq!(lesson.block, ["npm test"]);
//! assert_eq!(lesson.allow, ["pnpm test"]);
//! assert_eq!(lesson.gate.as_deref(), Some(r"\bnpm\b"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use metalayer_bridge::{CallOutcome, RecordedCall, SessionRecord, SubjectKind, Timestamp};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::error::KernelError;
use crate::layout::AGENTS_DOC;
use crate::ledger::{DecisionRecord, read_records_checked};
use crate::promote::{Candidate, HistoryCall, Outcome, SessionRef};

/// The default threshold: a lesson needs this many distinct sessions (the rule of three).
pub const DEFAULT_MIN_SESSIONS: usize = 3;

/// An ask is a candidate to relax when at least this share of its asks were approved.
pub const RELAX_APPROVAL_RATE: f64 = 0.9;

/// How many shell calls after a failure are looked at for the command that worked instead.
pub const USE_INSTEAD_WINDOW: usize = 3;

/// Sessions listed per lesson in the human form (the JSON lists all).
const SESSIONS_SHOWN: usize = 5;

/// Most examples, blocked and allowed commands kept per lesson.
const MAX_EXAMPLES: usize = 5;

/// What `distill` reads, and how much evidence a lesson needs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DistillOptions {
    /// The repository's root.
    pub root: PathBuf,
    /// Only sessions (and ledger lines) of the last this long; all when `None`.
    pub since: Option<Duration>,
    /// Distinct sessions a lesson needs ([`DEFAULT_MIN_SESSIONS`]).
    pub min_sessions: usize,
    /// The current time in seconds since the Unix epoch (`since` counts back from it); the
    /// wall clock when `None`.
    pub now: Option<i64>,
    /// The folder of session records, relative to the root; the policy's `bridge.output`
    /// (else `docs/conversations`) when `None`.
    pub sessions_dir: Option<PathBuf>,
}

impl DistillOptions {
    /// Everything under `root`, the default threshold, the wall clock.
    #[must_use]
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            since: None,
            min_sessions: DEFAULT_MIN_SESSIONS,
            now: None,
            sessions_dir: None,
        }
    }

    /// Only the last `since`.
    #[must_use]
    pub fn with_since(mut self, since: Option<Duration>) -> Self {
        self.since = since;
        self
    }

    /// Sets the threshold (at least 1).
    #[must_use]
    pub fn with_min_sessions(mut self, min_sessions: usize) -> Self {
        self.min_sessions = min_sessions.max(1);
        self
    }

    /// Sets the current time (seconds since the Unix epoch).
    #[must_use]
    pub fn with_now(mut self, now: i64) -> Self {
        self.now = Some(now);
        self
    }

    /// Sets the folder of session records, relative to the root.
    #[must_use]
    pub fn with_sessions_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.sessions_dir = Some(dir.into());
        self
    }
}

/// The kind of a lesson.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LessonKind {
    /// A command fails and a different one works instead: "use B, not A".
    UseInstead,
    /// The same kind of call is denied or refused again and again.
    RepeatedBlock,
    /// A gate asks, and people approve nearly every time: a candidate to relax.
    RelaxAsk,
    /// The user corrects the agent about the same thing again and again.
    Correction,
    /// A rule of `AGENTS.md` that sessions keep breaking.
    BrokenRule,
}

impl LessonKind {
    /// The kind's name (`use_instead`, `repeated_block`, `relax_ask`, `correction`,
    /// `broken_rule`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LessonKind::UseInstead => "use_instead",
            LessonKind::RepeatedBlock => "repeated_block",
            LessonKind::RelaxAsk => "relax_ask",
            LessonKind::Correction => "correction",
            LessonKind::BrokenRule => "broken_rule",
        }
    }
}

impl fmt::Display for LessonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A lesson's stable id: `L-` and the first 8 hex digits of SHA-256 of its kind and key, so
/// the same lesson has the same id in every run and every clone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct LessonId(String);

impl LessonId {
    /// The id of the lesson of `kind` about `key`.
    ///
    /// ```
    /// use metalayer_kernel::{LessonId, LessonKind};
    ///
    /// let id = LessonId::of(LessonKind::UseInstead, "npm -> pnpm");
    /// assert_eq!(id, LessonId::of(LessonKind::UseInstead, "npm -> pnpm"));
    /// assert_ne!(id, LessonId::of(LessonKind::Correction, "npm -> pnpm"));
    /// assert!(id.as_str().starts_with("L-") && id.as_str().len() == 10);
    /// ```
    #[must_use]
    pub fn of(kind: LessonKind, key: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(kind.as_str().as_bytes());
        hasher.update([0]);
        hasher.update(key.as_bytes());
        let digest = hasher.finalize();
        let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
        Self(format!("L-{hex}"))
    }

    /// An id as a user typed it (`L-1a2b3c4d`, any case); `None` when it is not one.
    ///
    /// ```
    /// use metalayer_kernel::LessonId;
    ///
    /// assert_eq!(LessonId::parse("l-1A2B3C4D").map(|i| i.to_string()).as_deref(), Some("L-1a2b3c4d"));
    /// assert_eq!(LessonId::parse("L-123"), None);
    /// ```
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let hex = text
            .strip_prefix("L-")
            .or_else(|| text.strip_prefix("l-"))?;
        (hex.len() == 8 && hex.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| Self(format!("L-{}", hex.to_ascii_lowercase())))
    }

    /// The id as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LessonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A session a lesson was seen in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct LessonSession {
    /// The session id.
    pub id: String,
    /// The harness (`claude`, `codex`, `gemini`, ...).
    pub harness: String,
    /// The session's date, `YYYY-MM-DD`.
    pub date: String,
    /// The session note, relative to the repository root (none for a session only the
    /// ledger knows).
    pub markdown: Option<String>,
}

/// A lesson: what recurs, where, and the rule (and gate) it suggests.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Lesson {
    /// Stable id (the same across runs).
    pub id: LessonId,
    /// What kind of lesson.
    pub kind: LessonKind,
    /// What it is about, normalised (`npm -> pnpm`, `git push`, a gate id, a word).
    pub key: String,
    /// One sentence: what was seen, how often.
    pub summary: String,
    /// The suggested `AGENTS.md` rule.
    pub rule: String,
    /// How many times it was seen.
    pub occurrences: usize,
    /// The distinct sessions it was seen in, oldest first.
    pub sessions: Vec<LessonSession>,
    /// The harnesses of those sessions.
    pub harnesses: Vec<String>,
    /// A few examples (commands, paths, the user's words).
    pub examples: Vec<String>,
    /// Commands a gate for this lesson should block (seen in history).
    pub block: Vec<String>,
    /// Related commands that worked, which such a gate must let through.
    pub allow: Vec<String>,
    /// A suggested gate pattern (a regular expression), when the lesson is about a command.
    pub gate: Option<String>,
    /// For [`LessonKind::RelaxAsk`]: the share of asks that were approved.
    pub approval_rate: Option<f64>,
}

impl Lesson {
    /// What `promote` writes down for this lesson: its rule, the sessions it came from (with
    /// their notes), the commands a gate must stop and let through, and the suggested pattern.
    #[must_use]
    pub fn candidate(&self) -> Candidate {
        let mut candidate = Candidate::new(
            self.id.as_str(),
            self.kind.as_str(),
            &self.summary,
            &self.rule,
        )
        .with_block(&self.block)
        .with_allow(&self.allow);
        for session in &self.sessions {
            let mut reference = SessionRef::new(&session.id, &session.harness, &session.date);
            if let Some(markdown) = &session.markdown {
                reference = reference.with_markdown(markdown);
            }
            candidate = candidate.with_session(reference);
        }
        if let Some(pattern) = &self.gate {
            candidate = candidate.with_pattern(pattern);
        }
        candidate
    }
}

/// What `distill` found.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Distillation {
    /// The lessons, most sessions first.
    pub lessons: Vec<Lesson>,
    /// Session records read (after `since`).
    pub sessions_read: usize,
    /// Tool calls in them.
    pub calls_read: usize,
    /// Ledger lines read (after `since`).
    pub ledger_read: usize,
    /// Lines and files skipped, each naming the file (and line).
    pub warnings: Vec<String>,
}

impl Distillation {
    /// The lesson with id `id`, if it was found.
    #[must_use]
    pub fn lesson(&self, id: &LessonId) -> Option<&Lesson> {
        self.lessons.iter().find(|l| &l.id == id)
    }
}

/// The JSON Schema of `metalayer distill --json` ([`Distillation`]).
#[must_use]
pub fn distillation_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Distillation)).unwrap_or_default()
}

/// Parses a `--since` duration: a number and a unit, `s`, `m`, `h`, `d` or `w` (`30d`, `12h`,
/// `2w`).
///
/// ```
/// use std::time::Duration;
/// use metalayer_kernel::parse_since;
///
/// assert_eq!(parse_since("12h"), Some(Duration::from_secs(12 * 3600)));
/// assert_eq!(parse_since("2w"), Some(Duration::from_secs(14 * 86_400)));
/// assert_eq!(parse_since("30"), None);
/// ```
#[must_use]
pub fn parse_since(text: &str) -> Option<Duration> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let number: u64 = text
        .get(..text.len().saturating_sub(unit.len_utf8()))?
        .parse()
        .ok()?;
    let seconds = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => return None,
    };
    Some(Duration::from_secs(number.checked_mul(seconds)?))
}

/// Reads the session records and the ledger of `options.root` and finds the lessons.
///
/// A record or ledger line that cannot be read is skipped with a warning naming it.
///
/// # Errors
///
/// [`KernelError::NoSessions`] when there is neither a session record nor a ledger line to
/// read.
pub fn distill(options: &DistillOptions) -> Result<Distillation, KernelError> {
    let mut warnings = Vec::new();
    let rules = agents_rules(&options.root, &mut warnings);
    let mut acc = Accumulator::new(rules);
    let read = visit_history(options, &mut warnings, |item| match item {
        Item::Record(info, record) => acc.take_record(info, record),
        Item::Ledger(line) => acc.take_ledger(line),
    })?;
    let lessons = acc.finish(options.min_sessions);
    Ok(Distillation {
        lessons,
        sessions_read: read.sessions,
        calls_read: read.calls,
        ledger_read: read.ledger,
        warnings,
    })
}

/// Every recorded call of the history `options` selects (the session records' calls, then
/// the ledger's denials and asks), for `promote` to replay a gate against; with the
/// warnings about what could not be read.
///
/// # Errors
///
/// [`KernelError::NoSessions`] when there is neither a session record nor a ledger line to
/// read.
pub fn history(options: &DistillOptions) -> Result<(Vec<HistoryCall>, Vec<String>), KernelError> {
    let mut warnings = Vec::new();
    let mut calls = Vec::new();
    visit_history(options, &mut warnings, |item| match item {
        Item::Record(info, record) => {
            calls.extend(record.calls.iter().filter_map(|call| {
                Some(HistoryCall::new(
                    &info.id,
                    &info.harness,
                    &call.tool,
                    &call.subject,
                    outcome_of(call.outcome)?,
                ))
            }));
        }
        Item::Ledger(line) => {
            let outcome = match line.decision.as_str() {
                "deny" => Outcome::Denied,
                "ask" => Outcome::Asked,
                _ => return,
            };
            calls.push(HistoryCall::new(
                line.session_id.as_deref().unwrap_or("ledger"),
                &line.harness,
                &line.tool,
                &line.subject,
                outcome,
            ));
        }
    })?;
    Ok((calls, warnings))
}

/// The replay's outcome of a recorded call; none for a call whose result was never seen.
fn outcome_of(outcome: CallOutcome) -> Option<Outcome> {
    match outcome {
        CallOutcome::Ok => Some(Outcome::Ok),
        CallOutcome::Error => Some(Outcome::Error),
        CallOutcome::Denied => Some(Outcome::Denied),
        CallOutcome::Asked => Some(Outcome::Asked),
        CallOutcome::Pending => None,
    }
}

/// One piece of the history, as [`visit_history`] reads it.
enum Item<'a> {
    /// A session record, with what a lesson says of its session.
    Record(LessonSession, &'a SessionRecord),
    /// A ledger line.
    Ledger(&'a DecisionRecord),
}

/// How much of the history was read.
struct Read {
    sessions: usize,
    calls: usize,
    ledger: usize,
}

/// Reads the session records (in name order) and the ledger of the period `options`
/// selects, handing each to its visitor; what cannot be read becomes a warning naming it.
fn visit_history(
    options: &DistillOptions,
    warnings: &mut Vec<String>,
    mut visit: impl FnMut(Item<'_>),
) -> Result<Read, KernelError> {
    let root = &options.root;
    let folder_rel = options
        .sessions_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(crate::context::governance(root).1));
    let folder = root.join(&folder_rel);
    let now = options
        .now
        .unwrap_or_else(|| Timestamp::now().unix_seconds());
    let cutoff = options
        .since
        .map(|d| now.saturating_sub(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)));

    let mut names: Vec<String> = match std::fs::read_dir(&folder) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.starts_with("session-") && n.ends_with(".jsonl"))
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort_unstable();
    let mut read = Read {
        sessions: 0,
        calls: 0,
        ledger: 0,
    };
    for name in &names {
        let path = folder.join(name);
        let parsed = match SessionRecord::read(&path) {
            Ok(parsed) => parsed,
            Err(e) => {
                warnings.push(format!("{}: cannot be read: {e}", path.display()));
                continue;
            }
        };
        warnings.extend(parsed.warnings.iter().map(ToString::to_string));
        let record = parsed.record;
        if record.header.calls_not_listed > 0 {
            warnings.push(format!(
                "{}: the session made {} more tool calls than its record lists (the first {}); lessons from its later calls are missing",
                path.display(),
                record.header.calls_not_listed,
                metalayer_bridge::MAX_CALLS
            ));
        }
        let info = session_info(&record, name, &folder_rel);
        if let Some(cutoff) = cutoff
            && session_time(&record) < cutoff
        {
            continue;
        }
        read.sessions = read.sessions.saturating_add(1);
        read.calls = read.calls.saturating_add(record.calls.len());
        visit(Item::Record(info, &record));
    }

    let (ledger, ledger_warnings) = read_records_checked(root);
    warnings.extend(ledger_warnings);
    for line in &ledger {
        if cutoff.is_some_and(|c| i64::try_from(line.time).unwrap_or(i64::MAX) < c) {
            continue;
        }
        read.ledger = read.ledger.saturating_add(1);
        visit(Item::Ledger(line));
    }
    if read.sessions == 0 && read.ledger == 0 {
        return Err(KernelError::NoSessions {
            folder,
            since: options.since.is_some(),
        });
    }
    Ok(read)
}

/// The human form of a distillation: one block per lesson.
#[must_use]
pub fn render_lessons(distillation: &Distillation) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} lesson{} from {} session{} ({} tool calls) and {} ledger line{}",
        distillation.lessons.len(),
        plural(distillation.lessons.len()),
        distillation.sessions_read,
        plural(distillation.sessions_read),
        distillation.calls_read,
        distillation.ledger_read,
        plural(distillation.ledger_read),
    );
    for lesson in &distillation.lessons {
        let _ = writeln!(
            out,
            "\n{}  {}  {} time{} in {} session{} ({})",
            lesson.id,
            lesson.kind,
            lesson.occurrences,
            plural(lesson.occurrences),
            lesson.sessions.len(),
            plural(lesson.sessions.len()),
            lesson.harnesses.join(", ")
        );
        let _ = writeln!(out, "  {}", lesson.summary);
        let _ = writeln!(out, "  rule: {}", lesson.rule);
        if let Some(gate) = &lesson.gate {
            let _ = writeln!(out, "  gate: {gate}");
        }
        for session in lesson.sessions.iter().take(SESSIONS_SHOWN) {
            let _ = writeln!(
                out,
                "  - {} {} {}",
                session.date,
                session.harness,
                session.markdown.as_deref().unwrap_or(&session.id)
            );
        }
        if lesson.sessions.len() > SESSIONS_SHOWN {
            let _ = writeln!(
                out,
                "  - and {} more (--json lists them)",
                lesson.sessions.len() - SESSIONS_SHOWN
            );
        }
    }
    if !distillation.lessons.is_empty() {
        let _ = writeln!(
            out,
            "\npromote one with `metalayer promote ID --to rule|ask|deny`"
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// When a session started, in seconds (its first timestamp, else its date at midnight).
fn session_time(record: &SessionRecord) -> i64 {
    record
        .header
        .started
        .or_else(|| Timestamp::parse(&format!("{}T00:00:00Z", record.header.date)))
        .map_or(i64::MIN, Timestamp::unix_seconds)
}

fn session_info(record: &SessionRecord, name: &str, folder: &Path) -> LessonSession {
    let markdown = if record.header.markdown.is_empty() {
        name.strip_suffix(".jsonl")
            .map_or_else(|| name.to_owned(), |s| format!("{s}.md"))
    } else {
        record.header.markdown.clone()
    };
    // A record without a header: the id and date from its name (`session-<date>-<id8>`).
    let stem = name.strip_prefix("session-").unwrap_or(name);
    let stem = stem.strip_suffix(".jsonl").unwrap_or(stem);
    let id = if record.header.session.is_empty() {
        stem.get(11..).unwrap_or(stem).to_owned()
    } else {
        record.header.session.clone()
    };
    let date = if record.header.date.is_empty() {
        stem.get(..10).unwrap_or_default().to_owned()
    } else {
        record.header.date.clone()
    };
    LessonSession {
        id,
        harness: if record.header.harness.is_empty() {
            "unknown".to_owned()
        } else {
            record.header.harness.clone()
        },
        date,
        markdown: Some(folder.join(markdown).to_string_lossy().replace('\\', "/")),
    }
}

/// Evidence for one lesson while reading.
#[derive(Debug, Default)]
struct Evidence {
    occurrences: usize,
    /// Session ids.
    sessions: BTreeSet<String>,
    examples: Vec<String>,
    block: Vec<String>,
    allow: Vec<String>,
    /// For asks: how many were asked and how many ran.
    asked: usize,
    ran: usize,
    /// Extra detail: gate ids, the rule's text.
    detail: BTreeSet<String>,
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if list.len() < MAX_EXAMPLES && !item.is_empty() && !list.iter().any(|i| i == item) {
        list.push(item.to_owned());
    }
}

impl Evidence {
    fn saw(&mut self, session: &str) {
        self.occurrences = self.occurrences.saturating_add(1);
        if !self.sessions.contains(session) {
            self.sessions.insert(session.to_owned());
        }
    }
}

/// A rule of AGENTS.md that forbids something.
#[derive(Debug, Clone)]
struct ForbiddingRule {
    /// The bullet's text.
    text: String,
    /// What it forbids, lower case: a program (`npm`) or a path.
    word: String,
}

/// Reads what the lessons are collected from.
#[derive(Debug)]
struct Accumulator {
    rules: Vec<ForbiddingRule>,
    /// Sessions seen, by id.
    sessions: BTreeMap<String, LessonSession>,
    lessons: BTreeMap<(LessonKind, String), Evidence>,
    /// Blocks seen in records per (key, session), to count a block once when the ledger has
    /// it too.
    record_blocks: BTreeMap<(String, String), usize>,
    ledger_blocks: BTreeMap<(String, String), usize>,
}

impl Accumulator {
    fn new(rules: Vec<ForbiddingRule>) -> Self {
        Self {
            rules,
            sessions: BTreeMap::new(),
            lessons: BTreeMap::new(),
            record_blocks: BTreeMap::new(),
            ledger_blocks: BTreeMap::new(),
        }
    }

    fn evidence(&mut self, kind: LessonKind, key: String) -> &mut Evidence {
        self.lessons.entry((kind, key)).or_default()
    }

    fn take_record(&mut self, info: LessonSession, record: &SessionRecord) {
        let session = info.id.clone();
        self.sessions.entry(session.clone()).or_insert(info);
        let shell: Vec<&RecordedCall> = record
            .calls
            .iter()
            .filter(|c| c.kind == SubjectKind::Shell)
            .collect();
        // Use B instead of A: each call that worked answers one failure (the latest before
        // it), so two failed tries before one fix are one occurrence.
        let mut answered: BTreeSet<usize> = BTreeSet::new();
        for (at, failed) in shell.iter().enumerate().rev() {
            if failed.outcome != CallOutcome::Error {
                continue;
            }
            let Some(a) = CommandKey::of(&failed.subject) else {
                continue;
            };
            let after = at.saturating_add(1);
            for (offset, next) in shell
                .iter()
                .skip(after)
                .take(USE_INSTEAD_WINDOW)
                .enumerate()
            {
                let Some(b) = CommandKey::of(&next.subject) else {
                    continue;
                };
                if b.program == a.program {
                    if next.outcome == CallOutcome::Ok {
                        break; // the same program worked after all
                    }
                    continue;
                }
                if next.outcome == CallOutcome::Ok && a.args == b.args {
                    if !answered.insert(after.saturating_add(offset)) {
                        break;
                    }
                    let key = format!("{} -> {}", a.program, b.program);
                    let evidence = self.evidence(LessonKind::UseInstead, key);
                    evidence.saw(&session);
                    let example = format!("`{}` failed, `{}` worked", failed.subject, next.subject);
                    push_unique(&mut evidence.examples, &example);
                    push_unique(&mut evidence.block, &failed.subject);
                    push_unique(&mut evidence.allow, &next.subject);
                    if let Some(error) = &failed.error {
                        evidence.detail.insert(error.clone());
                    }
                    break;
                }
            }
        }
        // Blocks, and broken rules.
        for call in &record.calls {
            if matches!(call.outcome, CallOutcome::Denied | CallOutcome::Asked) {
                if let Some(key) = block_key(call.kind, &call.subject) {
                    let evidence = self.evidence(LessonKind::RepeatedBlock, key.clone());
                    evidence.sessions.insert(session.clone());
                    push_unique(&mut evidence.examples, &call.subject);
                    push_unique(&mut evidence.block, &call.subject);
                    if let Some(error) = &call.error {
                        evidence.detail.insert(error.clone());
                    }
                    let count = self
                        .record_blocks
                        .entry((key, session.clone()))
                        .or_default();
                    *count = count.saturating_add(1);
                }
                continue;
            }
            let mut broken = Vec::new();
            for rule in &self.rules {
                if breaks(rule, call) {
                    broken.push(rule.clone());
                }
            }
            for rule in broken {
                let evidence = self.evidence(LessonKind::BrokenRule, rule.word.clone());
                evidence.saw(&session);
                evidence.detail.insert(rule.text.clone());
                push_unique(&mut evidence.examples, &call.subject);
                if call.kind == SubjectKind::Shell {
                    push_unique(&mut evidence.block, &call.subject);
                }
            }
        }
        // Corrections.
        for correction in &record.corrections {
            let Some(key) = correction_key(&correction.text) else {
                continue;
            };
            let evidence = self.evidence(LessonKind::Correction, key);
            evidence.saw(&session);
            push_unique(&mut evidence.examples, &correction.text);
        }
    }

    fn take_ledger(&mut self, line: &DecisionRecord) {
        let session = line.session_id.clone();
        if let Some(id) = &session {
            self.sessions
                .entry(id.clone())
                .or_insert_with(|| LessonSession {
                    id: id.clone(),
                    harness: line.harness.clone(),
                    date: Timestamp::from_unix_seconds(i64::try_from(line.time).unwrap_or(0))
                        .date(),
                    markdown: None,
                });
        }
        let kind = if line.tool == "Bash" || line.tool.eq_ignore_ascii_case("shell") {
            SubjectKind::Shell
        } else {
            SubjectKind::File
        };
        match line.decision.as_str() {
            "deny" | "ask" => {
                if line.decision == "ask" {
                    let key = ask_key(line);
                    let evidence = self.evidence(LessonKind::RelaxAsk, key);
                    evidence.asked = evidence.asked.saturating_add(1);
                    if let Some(id) = &session {
                        evidence.sessions.insert(id.clone());
                    }
                    push_unique(&mut evidence.examples, &line.subject);
                    evidence.detail.insert(line.reason.clone());
                }
                let Some(key) = block_key(kind, &line.subject) else {
                    return;
                };
                let evidence = self.evidence(LessonKind::RepeatedBlock, key.clone());
                if let Some(id) = &session {
                    evidence.sessions.insert(id.clone());
                }
                push_unique(&mut evidence.examples, &line.subject);
                if line.decision == "deny" {
                    push_unique(&mut evidence.block, &line.subject);
                }
                for gate in line.gates.iter().take(1) {
                    evidence.detail.insert(format!("gate {gate}"));
                }
                let id = session.unwrap_or_else(|| format!("ledger@{}", line.time));
                let count = self.ledger_blocks.entry((key, id)).or_default();
                *count = count.saturating_add(1);
            }
            "ran" => {
                let key = ask_key(line);
                let evidence = self.evidence(LessonKind::RelaxAsk, key.clone());
                evidence.ran = evidence.ran.saturating_add(1);
                push_unique(&mut evidence.allow, &line.subject);
                // An ask that ran was no block.
                if let Some(key) = block_key(kind, &line.subject) {
                    let id = session.unwrap_or_else(|| format!("ledger@{}", line.time));
                    if let Some(count) = self.ledger_blocks.get_mut(&(key, id)) {
                        *count = count.saturating_sub(1);
                    }
                }
            }
            _ => {}
        }
    }

    fn finish(mut self, min_sessions: usize) -> Vec<Lesson> {
        // A block is counted once per session, whichever of the record and the ledger saw it
        // more often.
        let mut block_counts: BTreeMap<String, (usize, BTreeSet<String>)> = BTreeMap::new();
        for ((key, session), &n) in &self.record_blocks {
            let from_ledger = self
                .ledger_blocks
                .get(&(key.clone(), session.clone()))
                .copied()
                .unwrap_or(0);
            let entry = block_counts.entry(key.clone()).or_default();
            entry.0 = entry.0.saturating_add(n.max(from_ledger));
            if n.max(from_ledger) > 0 {
                entry.1.insert(session.clone());
            }
        }
        for ((key, session), &n) in &self.ledger_blocks {
            if !self
                .record_blocks
                .contains_key(&(key.clone(), session.clone()))
            {
                let entry = block_counts.entry(key.clone()).or_default();
                entry.0 = entry.0.saturating_add(n);
                if n > 0 && !session.starts_with("ledger@") {
                    entry.1.insert(session.clone());
                }
            }
        }
        let mut out = Vec::new();
        let lessons = std::mem::take(&mut self.lessons);
        for ((kind, key), mut evidence) in lessons {
            if kind == LessonKind::RepeatedBlock {
                let (count, sessions) = block_counts.remove(&key).unwrap_or_default();
                evidence.occurrences = count;
                evidence.sessions = sessions;
            }
            if kind == LessonKind::RelaxAsk {
                evidence.occurrences = evidence.asked;
            }
            if evidence.sessions.len() < min_sessions || evidence.occurrences == 0 {
                continue;
            }
            if let Some(lesson) = self.lesson(kind, key, evidence) {
                out.push(lesson);
            }
        }
        out.sort_by(|a, b| {
            b.sessions
                .len()
                .cmp(&a.sessions.len())
                .then(b.occurrences.cmp(&a.occurrences))
                .then(a.kind.cmp(&b.kind))
                .then(a.key.cmp(&b.key))
        });
        out
    }

    fn lesson(&self, kind: LessonKind, key: String, evidence: Evidence) -> Option<Lesson> {
        let mut sessions: Vec<LessonSession> = evidence
            .sessions
            .iter()
            .map(|id| {
                self.sessions.get(id).cloned().unwrap_or(LessonSession {
                    id: id.clone(),
                    harness: "unknown".to_owned(),
                    date: String::new(),
                    markdown: None,
                })
            })
            .collect();
        sessions.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
        let harnesses: Vec<String> = sessions
            .iter()
            .map(|s| s.harness.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let n = sessions.len();
        let times = evidence.occurrences;
        let mut approval_rate = None;
        let (summary, rule, gate) = match kind {
            LessonKind::UseInstead => {
                let (a, b) = key.split_once(" -> ")?;
                (
                    format!(
                        "`{a}` failed and `{b}` worked right after, {times} time{} in {n} sessions",
                        plural(times)
                    ),
                    format!("Use `{b}`, not `{a}`."),
                    Some(program_pattern(a)),
                )
            }
            LessonKind::RepeatedBlock => {
                let gates: Vec<&str> = evidence
                    .detail
                    .iter()
                    .filter_map(|d| d.strip_prefix("gate "))
                    .collect();
                let by = if gates.is_empty() {
                    String::new()
                } else {
                    format!(" by {}", gates.join(", "))
                };
                let what = key
                    .strip_prefix("file:")
                    .map_or_else(|| format!("`{key}`"), |f| format!("writes to `{f}`"));
                (
                    format!(
                        "{what} denied or refused{by} {times} time{} in {n} sessions",
                        plural(times)
                    ),
                    match key.strip_prefix("file:") {
                        Some(f) => format!("Do not write to `{f}`: it is blocked."),
                        None => format!("Do not run `{key}`: it is blocked; ask the user."),
                    },
                    (!key.starts_with("file:")).then(|| command_pattern(&key)),
                )
            }
            LessonKind::RelaxAsk => {
                #[expect(
                    clippy::cast_precision_loss,
                    reason = "counts of asks are far below 2^52"
                )]
                let rate = evidence.ran as f64 / evidence.asked.max(1) as f64;
                if rate < RELAX_APPROVAL_RATE {
                    return None;
                }
                approval_rate = Some(rate);
                (
                    format!(
                        "gate {key} asked {times} time{} in {n} sessions and was approved {} of them ({:.0}%)",
                        plural(times),
                        evidence.ran.min(times),
                        (rate * 100.0).min(100.0)
                    ),
                    format!(
                        "Calls that gate {key} asks about are approved nearly always: relax it to allow, or narrow it."
                    ),
                    None,
                )
            }
            LessonKind::Correction => {
                let first = evidence.examples.first().cloned().unwrap_or_default();
                (
                    format!(
                        "the user corrected the agent about `{key}` {times} time{} in {n} sessions",
                        plural(times)
                    ),
                    capitalise(&first),
                    None,
                )
            }
            LessonKind::BrokenRule => {
                let rule = evidence.detail.iter().next().cloned().unwrap_or_default();
                (
                    format!(
                        "AGENTS.md says \"{rule}\", yet calls used `{key}` {times} time{} in {n} sessions",
                        plural(times)
                    ),
                    rule,
                    (!evidence.block.is_empty()).then(|| program_pattern(&key)),
                )
            }
        };
        Some(Lesson {
            id: LessonId::of(kind, &key),
            kind,
            key,
            summary,
            rule,
            occurrences: times,
            sessions,
            harnesses,
            examples: evidence.examples,
            block: evidence.block,
            allow: evidence.allow,
            gate,
            approval_rate,
        })
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A command reduced to what identifies it: its program and its first argument.
#[derive(Debug, PartialEq, Eq)]
struct CommandKey {
    /// The program's name (no folder).
    program: String,
    /// The words after it (flags included), up to the end of the simple command.
    args: Vec<String>,
}

/// Words before a command that do not name it.
const PREFIXES: &[&str] = &["sudo", "env", "time", "nohup", "exec", "command"];

impl CommandKey {
    /// The first simple command of `command` that is not `cd`, `export` or `source`,
    /// without environment assignments and `sudo`-like prefixes.
    fn of(command: &str) -> Option<Self> {
        for segment in command.split(['\n', ';', '&', '|', '(', ')']) {
            let mut words = segment
                .split_whitespace()
                .skip_while(|w| is_assignment(w) || PREFIXES.contains(w))
                .map(|w| w.trim_matches(['"', '\'']));
            let Some(first) = words.next() else { continue };
            let program = first.rsplit('/').next().unwrap_or(first).to_owned();
            if program.is_empty()
                || matches!(
                    program.as_str(),
                    "cd" | "pushd" | "popd" | "export" | "source" | "." | "set" | "echo" | "true"
                )
            {
                continue;
            }
            return Some(Self {
                program,
                args: words.map(str::to_owned).collect(),
            });
        }
        None
    }

    /// The program and its first argument when that is a word (`git push`, `npm test`), else
    /// the program.
    fn short(&self) -> String {
        match self.args.first() {
            Some(arg) if is_word(arg) => format!("{} {arg}", self.program),
            _ => self.program.clone(),
        }
    }

    /// [`CommandKey::short`] and the first two flags after it (`git push --force`): what a
    /// blocked command is, without its variable arguments.
    fn with_flags(&self) -> String {
        let mut out = self.short();
        for flag in self
            .args
            .iter()
            .filter(|a| a.starts_with('-') && a.len() > 1 && !a.contains('='))
            .take(2)
        {
            out.push(' ');
            out.push_str(flag);
        }
        out
    }
}

fn is_word(arg: &str) -> bool {
    !arg.is_empty()
        && !arg.starts_with('-')
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// What a denied or refused call is about: `git push --force` for a command (the program,
/// its first word and first flags), `file:<name>` for a path.
fn block_key(kind: SubjectKind, subject: &str) -> Option<String> {
    match kind {
        SubjectKind::Shell => CommandKey::of(subject).map(|k| k.with_flags()),
        SubjectKind::File => {
            let name = subject.trim().rsplit(['/', '\\']).next()?;
            (!name.is_empty()).then(|| format!("file:{name}"))
        }
        SubjectKind::Other => None,
    }
}

/// What an ask is about: its deciding gate, else the tool and command.
fn ask_key(line: &DecisionRecord) -> String {
    line.gates.first().cloned().unwrap_or_else(|| {
        let what =
            CommandKey::of(&line.subject).map_or_else(|| line.subject.clone(), |k| k.short());
        format!("{}:{what}", line.tool)
    })
}

/// A gate pattern for a program: the program as a whole word.
fn program_pattern(program: &str) -> String {
    format!(r"\b{}\b", escape(program))
}

/// A gate pattern for `program arg` (or a program alone).
fn command_pattern(short: &str) -> String {
    let words: Vec<String> = short.split_whitespace().map(escape).collect();
    format!(r"\b{}\b", words.join(r"\s+"))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Words that say nothing about what a correction is about.
const STOP_WORDS: &[&str] = &[
    "a", "about", "again", "all", "always", "an", "and", "any", "anything", "are", "as", "be",
    "before", "but", "by", "call", "can", "do", "does", "don't", "don’t", "dont", "ever", "for",
    "from", "here", "i", "in", "instead", "is", "it", "its", "it's", "just", "me", "more", "my",
    "never", "no", "not", "of", "on", "or", "our", "please", "run", "running", "so", "stop",
    "that", "the", "them", "then", "there", "this", "to", "try", "trying", "use", "using", "was",
    "we", "when", "with", "without", "wrong", "you", "your", "nope",
];

/// What a correction is about: the first word in backticks, else the first word that is no
/// stop word, lower case, without punctuation.
fn correction_key(text: &str) -> Option<String> {
    if let Some(rest) = text.split_once('`').map(|(_, r)| r)
        && let Some((quoted, _)) = rest.split_once('`')
        && let Some(word) = quoted.split_whitespace().next()
    {
        return Some(word.to_lowercase());
    }
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '!' | '?' | '(' | ')'))
        .map(|w| {
            w.trim_matches(|c: char| {
                !c.is_alphanumeric() && c != '-' && c != '_' && c != '.' && c != '/'
            })
        })
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .find(|w| w.chars().count() >= 2 && !STOP_WORDS.contains(&w.as_str()))
}

/// The forbidding bullets of AGENTS.md.
fn agents_rules(root: &Path, warnings: &mut Vec<String>) -> Vec<ForbiddingRule> {
    let path = root.join(AGENTS_DOC);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            warnings.push(format!("{}: cannot be read: {e}", path.display()));
            return Vec::new();
        }
    };
    text.lines()
        .filter_map(|line| {
            let bullet = line
                .trim_start()
                .strip_prefix("- ")
                .or_else(|| line.trim_start().strip_prefix("* "))?
                .trim();
            let word = forbidden_word(bullet)?;
            Some(ForbiddingRule {
                text: bullet.to_owned(),
                word,
            })
        })
        .collect()
}

/// What a rule forbids: "never use `npm`", "don't run make deploy", "do not edit
/// `Cargo.lock`", "avoid npm", "use pnpm, not npm", "use pnpm instead of npm".
fn forbidden_word(rule: &str) -> Option<String> {
    let lower = rule.to_lowercase();
    let lower = lower.trim_start_matches(['*', '_']);
    let clean = |w: &str| -> Option<String> {
        let w = w.trim_matches(|c: char| {
            !c.is_alphanumeric() && c != '-' && c != '_' && c != '.' && c != '/'
        });
        let w = w.trim_end_matches('.');
        (w.len() >= 2 && !STOP_WORDS.contains(&w)).then(|| w.to_owned())
    };
    // "use B, not A" / "use B instead of A".
    for marker in [", not ", " not ", " instead of "] {
        if lower.starts_with("use ")
            && let Some((_, rest)) = lower.split_once(marker)
        {
            return rest.split_whitespace().next().and_then(clean);
        }
    }
    for lead in ["never ", "don't ", "don’t ", "do not ", "avoid ", "no "] {
        if let Some(rest) = lower.strip_prefix(lead) {
            let mut words = rest.split_whitespace();
            let mut word = words.next()?;
            if matches!(
                word,
                "use"
                    | "run"
                    | "call"
                    | "invoke"
                    | "edit"
                    | "touch"
                    | "modify"
                    | "write"
                    | "commit"
                    | "change"
            ) {
                word = words.next()?;
            }
            return clean(word);
        }
    }
    None
}

/// Whether a call does what a rule forbids: a command whose program (or first argument) is
/// the word, or a file tool on a path that is or ends with it.
fn breaks(rule: &ForbiddingRule, call: &RecordedCall) -> bool {
    match call.kind {
        SubjectKind::Shell => call
            .subject
            .split(['\n', ';', '&', '|'])
            .filter_map(CommandKey::of)
            .any(|k| k.program.eq_ignore_ascii_case(&rule.word)),
        SubjectKind::File => {
            let path = call.subject.to_lowercase();
            (rule.word.contains('.') || rule.word.contains('/'))
                && (path == rule.word || path.ends_with(&format!("/{}", rule.word)))
        }
        SubjectKind::Other => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_keys() {
        let k = CommandKey::of("cd web && FOO=1 sudo npm test -- --watch").unwrap();
        assert_eq!(k.program, "npm");
        assert_eq!(k.short(), "npm test");
        assert_eq!(
            CommandKey::of("/usr/bin/python3 x.py").unwrap().short(),
            "python3"
        );
        assert_eq!(
            CommandKey::of("git push --force origin main")
                .unwrap()
                .short(),
            "git push"
        );
        assert_eq!(
            CommandKey::of("git push --force origin main -u")
                .unwrap()
                .with_flags(),
            "git push --force -u"
        );
        assert_eq!(CommandKey::of("cd x"), None);
        assert_eq!(CommandKey::of(""), None);
    }

    #[test]
    fn forbidden_words() {
        for (rule, word) in [
            ("Never use npm in this repository", Some("npm")),
            ("never run `make deploy`", Some("make")),
            ("Do not edit Cargo.lock by hand.", Some("cargo.lock")),
            ("Use pnpm, not npm.", Some("npm")),
            ("use pnpm instead of yarn", Some("yarn")),
            ("Always run the tests", None),
            ("Write docs", None),
        ] {
            assert_eq!(forbidden_word(rule).as_deref(), word, "{rule}");
        }
    }

    #[test]
    fn correction_keys() {
        for (text, key) in [
            ("don't use npm here, use pnpm", "npm"),
            ("Never push to main", "push"),
            ("always run `cargo fmt` first", "cargo"),
            ("No, use pnpm instead", "pnpm"),
        ] {
            assert_eq!(correction_key(text).as_deref(), Some(key), "{text}");
        }
    }

    #[test]
    fn since() {
        assert_eq!(parse_since("30d"), Some(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_since("5m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_since("d"), None);
        assert_eq!(parse_since("3y"), None);
        assert_eq!(parse_since("99999999999999999999w"), None);
    }

    #[test]
    fn patterns() {
        assert_eq!(program_pattern("npm"), r"\bnpm\b");
        assert_eq!(command_pattern("git push"), r"\bgit\s+push\b");
        assert_eq!(program_pattern("c++"), r"\bc\+\+\b");
    }

    proptest::proptest! {
        #[test]
        fn ids_are_stable_and_distinct_by_kind(key in "\\PC{0,40}") {
            let a = LessonId::of(LessonKind::UseInstead, &key);
            proptest::prop_assert_eq!(&a, &LessonId::of(LessonKind::UseInstead, &key));
            proptest::prop_assert_ne!(&a, &LessonId::of(LessonKind::RepeatedBlock, &key));
            proptest::prop_assert_eq!(a.as_str().len(), 10);
        }

        #[test]
        fn keys_never_panic(text in "\\PC{0,80}") {
            let _ = CommandKey::of(&text).map(|k| k.short());
            let _ = correction_key(&text);
            let _ = forbidden_word(&text);
            let _ = parse_since(&text);
        }
    }
}
