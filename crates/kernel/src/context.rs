//! The session-start hook: a short context for the agent when a session starts (Claude Code's
//! and Codex CLI's `SessionStart`, Gemini CLI's `SessionStart`): that the repository is
//! governed and how, its latest captured sessions (title, outcome, link), and the rules most
//! recently promoted from earlier sessions into AGENTS.md.
//!
//! Everything it reads is already in the repository (the policy, the session files' front
//! matter, the ledger, AGENTS.md); it writes nothing. It never blocks a session: a failure is
//! a note on standard error and an empty context.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;

use metalayer_bridge::IndexEntry;
use metalayer_policy::LoadOptions;
use serde::Serialize;

use crate::event::{optional_str, parse_object};
use crate::harness::Harness;
use crate::layout::{AGENTS_DOC, POLICY_FILE};
use crate::ledger::{DECISIONS_FILE, LEDGER_DIR};
use crate::outcome::{HookEnv, HookOutcome};
use crate::promote::{LESSONS_BEGIN, LESSONS_END, rule_text};
use crate::root::find_root;
use crate::stop::DEFAULT_CONVERSATIONS_DIR;

/// How many of the latest sessions the context lists.
pub const LATEST_SESSIONS: usize = 3;
/// How many of the most recently promoted rules it lists.
pub const LATEST_RULES: usize = 5;
/// The longest context, in characters (the agent reads it at every session start).
pub const MAX_CONTEXT_CHARS: usize = 2_000;

/// How many session files (newest names first) are read to find the latest ones.
const SESSION_FILES_READ: usize = 12;
/// How much of a session file is read for its front matter.
const FRONT_MATTER_BYTES: u64 = 8 * 1024;
/// How much of the end of the ledger is read to count the latest sessions' denials.
const LEDGER_TAIL_BYTES: u64 = 2 * 1024 * 1024;
/// The longest title or rule shown.
const LINE_CHARS: usize = 120;

/// The repository's governance, as the context states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Governance {
    /// The policy loads.
    Governed {
        /// The profile it names, if any.
        profile: Option<String>,
        /// Gates that deny.
        deny_gates: usize,
        /// Gates that ask (with a pattern).
        ask_gates: usize,
    },
    /// There is no policy file: the hook falls back to the embedded default.
    Default,
    /// The policy does not load; the message says why.
    Broken(String),
}

/// One recent session, from its file's front matter and the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RecentSession {
    /// The session id.
    pub session_id: String,
    /// The title (the first prompt, redacted).
    pub title: String,
    /// The day it was last updated (`YYYY-MM-DD`), when known.
    pub date: Option<String>,
    /// The harness that ran it, when the file says.
    pub harness: Option<String>,
    /// User turns.
    pub turns: u64,
    /// Files it wrote.
    pub files_written: usize,
    /// Calls denied in it, from the ledger.
    pub denied: usize,
    /// Calls asked about in it, from the ledger.
    pub asked: usize,
    /// The session file, relative to the repository root.
    pub link: String,
}

impl RecentSession {
    /// The outcome in words: turns, files written, denials and asks.
    #[must_use]
    pub fn outcome(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = vec![
            plural(
                usize::try_from(self.turns).unwrap_or(usize::MAX),
                "turn",
                "turns",
            ),
            plural(self.files_written, "file written", "files written"),
        ];
        if self.denied > 0 {
            parts.push(plural(self.denied, "call denied", "calls denied"));
        }
        if self.asked > 0 {
            parts.push(plural(self.asked, "call asked", "calls asked"));
        }
        parts.join(", ")
    }
}

/// What the session-start hook tells the agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SessionContext {
    /// The policy's state.
    pub governance: Governance,
    /// Where sessions are captured, relative to the root.
    pub conversations: String,
    /// The latest sessions, newest first (at most [`LATEST_SESSIONS`]).
    pub sessions: Vec<RecentSession>,
    /// The rules promoted most recently, newest first (at most [`LATEST_RULES`]).
    pub rules: Vec<String>,
    /// Files that could not be read, with why (shown on standard error, not to the agent).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

impl SessionContext {
    /// Reads the context of the repository at `root`; `current` is the session that is
    /// starting (left out of the latest sessions when it is resumed).
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let context = metalayer_kernel::SessionContext::gather(dir.path(), None);
    /// assert!(context.sessions.is_empty());
    /// assert!(context.render().contains("metalayer"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[must_use]
    pub fn gather(root: &Path, current: Option<&str>) -> Self {
        let mut warnings = Vec::new();
        let (governance, output) = governance(root);
        let mut sessions = latest_sessions(root, &output, current, &mut warnings);
        count_decisions(root, &mut sessions);
        let rules = promoted_rules(root, &mut warnings);
        Self {
            governance,
            conversations: output,
            sessions,
            rules,
            warnings,
        }
    }

    /// The context as the agent reads it: a few short paragraphs, at most
    /// [`MAX_CONTEXT_CHARS`] characters.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::new();
        match &self.governance {
            Governance::Governed {
                profile,
                deny_gates,
                ask_gates,
            } => {
                let profile = profile
                    .as_deref()
                    .map(|p| format!(", profile {p}"))
                    .unwrap_or_default();
                let gates = |n: usize, kind: &str| {
                    format!("{n} {kind} gate{}", if n == 1 { "" } else { "s" })
                };
                let _ = write!(
                    out,
                    "This repository is governed by metalayer (`{POLICY_FILE}`{profile}: {}, {}). A hook checks every shell command and file write before it runs: a call that breaks a gate is denied or needs a person's approval, and the reason names the gate. Do not try to get around a denial; take another way or ask the user.",
                    gates(*deny_gates, "deny"),
                    gates(*ask_gates, "ask")
                );
            }
            Governance::Default => out.push_str(
                "This repository has metalayer's hooks but no `.control/policy.yaml`: the built-in governed policy applies. A call that breaks a gate is denied or needs a person's approval, and the reason names the gate.",
            ),
            Governance::Broken(why) => {
                let _ = write!(
                    out,
                    "This repository is governed by metalayer, but `{POLICY_FILE}` does not load ({}): until it is fixed (`metalayer validate`), tool calls are blocked.",
                    one_line(why)
                );
            }
        }
        let _ = write!(
            out,
            " Sessions are recorded in `{}/`.",
            self.conversations.trim_end_matches('/')
        );
        if !self.sessions.is_empty() {
            out.push_str("\n\nLatest sessions:\n");
            for session in &self.sessions {
                let date = session.date.as_deref().unwrap_or("undated");
                let harness = session
                    .harness
                    .as_deref()
                    .map(|h| format!(", {h}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "- {date} \"{}\" ({}{harness}): {}",
                    one_line(&session.title),
                    session.outcome(),
                    session.link
                );
            }
        }
        if !self.rules.is_empty() {
            let _ = writeln!(
                out,
                "{}Rules learned from earlier sessions (newest first; all are in {AGENTS_DOC}):",
                if self.sessions.is_empty() {
                    "\n\n"
                } else {
                    "\n"
                }
            );
            for rule in &self.rules {
                let _ = writeln!(out, "- {}", one_line(rule));
            }
        }
        cut_chars(out.trim_end(), MAX_CONTEXT_CHARS)
    }
}

/// One line of at most [`LINE_CHARS`] characters.
fn one_line(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    cut_chars(&flat, LINE_CHARS)
}

/// `text` cut to `max` characters, with `…` when cut.
fn cut_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((end, _)) if text.chars().count() > max => {
            format!("{}…", text.get(..end).unwrap_or_default())
        }
        _ => text.to_owned(),
    }
}

/// The policy's state and the conversation folder it names.
pub(crate) fn governance(root: &Path) -> (Governance, String) {
    let path = root.join(metalayer_policy::DEFAULT_POLICY_FILE);
    if !path.exists() {
        return (Governance::Default, DEFAULT_CONVERSATIONS_DIR.to_owned());
    }
    match metalayer_policy::load_file_with(&path, LoadOptions::fast()) {
        Ok(loaded) => {
            let policy = loaded.policy;
            let output = policy
                .bridge
                .as_ref()
                .and_then(|b| b.output.clone())
                .unwrap_or_else(|| DEFAULT_CONVERSATIONS_DIR.to_owned());
            let governance = Governance::Governed {
                profile: policy.profile.map(|p| {
                    match p {
                        metalayer_policy::Profile::Baseline => "baseline",
                        metalayer_policy::Profile::Governed => "governed",
                        metalayer_policy::Profile::Autonomous => "autonomous",
                    }
                    .to_owned()
                }),
                deny_gates: policy
                    .gates
                    .hard
                    .iter()
                    .filter(|g| g.pattern.is_some())
                    .count(),
                ask_gates: policy
                    .gates
                    .soft
                    .iter()
                    .filter(|g| g.pattern.is_some())
                    .count(),
            };
            (governance, output)
        }
        Err(e) => (
            Governance::Broken(e.to_string()),
            DEFAULT_CONVERSATIONS_DIR.to_owned(),
        ),
    }
}

/// The first bytes of a file.
fn head(path: &Path, limit: u64) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The `files: [...]` list of a session file's front matter (a YAML flow sequence of JSON
/// strings, as the bridge writes it), counted.
fn files_written(front: &str) -> usize {
    front
        .lines()
        .skip(1)
        .take_while(|l| *l != "---")
        .find_map(|l| l.strip_prefix("files: "))
        .and_then(|list| serde_json::from_str::<Vec<String>>(list).ok())
        .map_or(0, |files| files.len())
}

/// The `harness:` of a session file's front matter.
fn harness_of(front: &str) -> Option<String> {
    front
        .lines()
        .skip(1)
        .take_while(|l| *l != "---")
        .find_map(|l| l.strip_prefix("harness: "))
        .and_then(|v| serde_json::from_str::<String>(v).ok())
}

/// The latest sessions in the conversation folder: the newest file names (they begin with
/// the date), ordered by their last update.
fn latest_sessions(
    root: &Path,
    output: &str,
    current: Option<&str>,
    warnings: &mut Vec<String>,
) -> Vec<RecentSession> {
    let folder = root.join(output);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("session-") && n.ends_with(".md"))
        .collect();
    names.sort_unstable_by(|a, b| b.cmp(a));
    let mut found: Vec<(IndexEntry, RecentSession)> = Vec::new();
    for name in names.into_iter().take(SESSION_FILES_READ) {
        let path = folder.join(&name);
        let front = match head(&path, FRONT_MATTER_BYTES) {
            Ok(text) => text,
            Err(e) => {
                warnings.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let Some(entry) = IndexEntry::from_session_markdown(&name, &front) else {
            warnings.push(format!(
                "{}: no session front matter; left out",
                path.display()
            ));
            continue;
        };
        if current.is_some_and(|c| c == entry.session_id.as_str()) {
            continue;
        }
        let session = RecentSession {
            session_id: entry.session_id.as_str().to_owned(),
            title: entry.topic.clone(),
            date: entry
                .updated
                .or(entry.created)
                .map(|t| t.date().to_string()),
            harness: harness_of(&front),
            turns: entry.turns,
            files_written: files_written(&front),
            denied: 0,
            asked: 0,
            link: format!("{}/{name}", output.trim_end_matches('/')),
        };
        found.push((entry, session));
    }
    found.sort_by(|(a, _), (b, _)| {
        b.updated
            .or(b.created)
            .cmp(&a.updated.or(a.created))
            .then_with(|| b.file_name.cmp(&a.file_name))
    });
    found
        .into_iter()
        .take(LATEST_SESSIONS)
        .map(|(_, s)| s)
        .collect()
}

/// Counts the denials and asks of each listed session in the end of the ledger.
fn count_decisions(root: &Path, sessions: &mut [RecentSession]) {
    if sessions.is_empty() {
        return;
    }
    let path = root.join(LEDGER_DIR).join(DECISIONS_FILE);
    let Ok(mut file) = std::fs::File::open(&path) else {
        return;
    };
    let len = file.metadata().map_or(0, |m| m.len());
    if len > LEDGER_TAIL_BYTES {
        use std::io::Seek as _;
        if file
            .seek(std::io::SeekFrom::Start(len - LEDGER_TAIL_BYTES))
            .is_err()
        {
            return;
        }
    }
    let mut bytes = Vec::new();
    if file.read_to_end(&mut bytes).is_err() {
        return;
    }
    let text = String::from_utf8_lossy(&bytes);
    let mut counts: BTreeMap<&str, (usize, usize)> = sessions
        .iter()
        .map(|s| (s.session_id.as_str(), (0, 0)))
        .collect();
    #[derive(serde::Deserialize)]
    struct Line<'a> {
        #[serde(borrow, default)]
        session_id: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow)]
        decision: std::borrow::Cow<'a, str>,
    }
    for line in text.lines() {
        // Cheap test first: most lines belong to other sessions.
        if !counts.keys().any(|id| line.contains(id)) {
            continue;
        }
        let Ok(record) = serde_json::from_str::<Line<'_>>(line) else {
            continue;
        };
        let Some(id) = record.session_id.as_deref() else {
            continue;
        };
        if let Some((denied, asked)) = counts.get_mut(id) {
            match record.decision.as_ref() {
                "deny" => *denied += 1,
                "ask" => *asked += 1,
                _ => {}
            }
        }
    }
    let counts: BTreeMap<String, (usize, usize)> =
        counts.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    for session in sessions {
        if let Some((denied, asked)) = counts.get(&session.session_id) {
            session.denied = *denied;
            session.asked = *asked;
        }
    }
}

/// The bullets of AGENTS.md's lessons section, newest (last written) first.
fn promoted_rules(root: &Path, warnings: &mut Vec<String>) -> Vec<String> {
    let path = root.join(AGENTS_DOC);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            warnings.push(format!("{}: {e}", path.display()));
            return Vec::new();
        }
    };
    lesson_bullets(&text)
        .into_iter()
        .rev()
        .take(LATEST_RULES)
        .collect()
}

/// The top-level bullets between the lessons markers, in file order, without their `- ` and
/// without the provenance `promote` writes after each rule.
fn lesson_bullets(text: &str) -> Vec<String> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed == LESSONS_BEGIN {
            inside = true;
        } else if trimmed == LESSONS_END {
            inside = false;
        } else if let Some(bullet) = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .filter(|_| inside)
        {
            out.push(rule_text(bullet).to_owned());
        }
    }
    out
}

/// Runs the session-start hook: the context in the harness's form on standard output, exit
/// 0. Never blocks: an unreadable event or repository gives a note on standard error and no
/// context.
#[must_use]
pub fn session_start(input: &[u8], env: &HookEnv) -> HookOutcome {
    // SessionStart events do not tell the harness apart: Claude Code's form unless told.
    let harness = env.harness.unwrap_or(Harness::Claude);
    let (session_id, cwd) = match parse_object(input) {
        Ok(map) => (
            optional_str(&map, "session_id")
                .ok()
                .flatten()
                .map(str::to_owned),
            optional_str(&map, "cwd")
                .ok()
                .flatten()
                .map(std::path::PathBuf::from),
        ),
        Err(e) => {
            return HookOutcome::quiet_failure(format!("metalayer session-start hook: {e}"));
        }
    };
    let start = env
        .project_dir
        .as_deref()
        .or(cwd.as_deref())
        .unwrap_or(&env.cwd);
    let root = find_root(start).unwrap_or_else(|| start.to_path_buf());
    let context = SessionContext::gather(&root, session_id.as_deref());
    let mut outcome = harness.session_context(&context.render());
    for warning in &context.warnings {
        let _ = writeln!(outcome.stderr, "metalayer session-start hook: {warning}");
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bullets_come_only_from_the_marked_section() {
        let text = format!(
            "# Agents\n- a user rule\n{LESSONS_BEGIN}\n- Use pnpm, not npm\n  more\n* Never run make deploy\n{LESSONS_END}\n- after\n"
        );
        assert_eq!(
            lesson_bullets(&text),
            ["Use pnpm, not npm", "Never run make deploy"]
        );
    }

    #[test]
    fn bullets_are_shown_without_the_provenance_promote_writes() {
        let text = format!(
            "{LESSONS_BEGIN}\n- Use pnpm, not npm (lesson `use-pnpm`; sessions: [2026-12-01 claude 3f2a91c0](docs/conversations/s.md), 2026-12-02 codex 77b1e2d4)\n- Keep answers short (really)\n{LESSONS_END}\n"
        );
        assert_eq!(
            lesson_bullets(&text),
            ["Use pnpm, not npm", "Keep answers short (really)"]
        );
    }

    #[test]
    fn cutting_keeps_a_char_boundary() {
        assert_eq!(cut_chars("ééééé", 3), "éé…");
        assert_eq!(cut_chars("abc", 3), "abc");
    }

    #[test]
    fn files_are_counted_from_front_matter() {
        let front = "---\ntitle: \"x\"\nfiles: [\"a.rs\", \"b, c.rs\"]\n---\n";
        assert_eq!(files_written(front), 2);
        assert_eq!(files_written("---\nfiles: []\n---\n"), 0);
    }
}
