//! The index of sessions (`Conversations.md`): entries, a pure merge, and rendering.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::excerpt::cut;
use crate::markdown::{code_span, inline, yaml_string};
use crate::redact::Redactor;
use crate::render::{file_name, title};
use crate::session::{Session, SessionId};
use crate::timestamp::{Timestamp, format_duration};

/// The index file's name.
pub const INDEX_FILE: &str = "Conversations.md";
/// Longest topic in the index, in characters.
pub const TOPIC_CHARS: usize = 60;

/// A title shortened to at most [`TOPIC_CHARS`] characters.
fn topic(title: &str) -> String {
    if title.chars().count() <= TOPIC_CHARS {
        return title.to_owned();
    }
    let kept = cut(title, TOPIC_CHARS - 3);
    let kept = if kept.is_empty() {
        title.chars().take(TOPIC_CHARS - 3).collect()
    } else {
        kept.to_owned()
    };
    format!("{kept}...")
}

/// One session in the index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IndexEntry {
    /// The session file's name (the link target, and the entry's key).
    pub file_name: String,
    /// The session id.
    pub session_id: SessionId,
    /// The first timestamp.
    pub created: Option<Timestamp>,
    /// The last timestamp.
    pub updated: Option<Timestamp>,
    /// The branch.
    pub branch: Option<String>,
    /// User prompts.
    pub turns: u64,
    /// Seconds from the first to the last timestamp.
    pub duration_seconds: i64,
    /// The topic (redacted title, at most [`TOPIC_CHARS`] characters).
    pub topic: String,
}

impl IndexEntry {
    /// The entry for a session, its strings redacted.
    #[must_use]
    pub fn from_session(session: &Session, redactor: &Redactor) -> Self {
        let topic = topic(&title(session, redactor));
        Self {
            file_name: file_name(session),
            session_id: SessionId::new(redactor.redact(session.id.as_str())),
            created: session.first_timestamp,
            updated: session.last_timestamp.or(session.first_timestamp),
            branch: session
                .branch
                .as_deref()
                .map(|b| redactor.redact(b).into_owned()),
            turns: session.turns,
            duration_seconds: session.duration_seconds(),
            topic,
        }
    }

    /// Overrides the file name (when the capture keeps a name chosen by an earlier run).
    #[must_use]
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = file_name.into();
        self
    }

    /// Rebuilds an entry from the YAML front matter of a session file written by
    /// [`render_session`](crate::render_session), or `None` when the text has none of ours.
    #[must_use]
    pub fn from_session_markdown(file_name: &str, text: &str) -> Option<Self> {
        let mut lines = text.lines();
        if lines.next()? != "---" {
            return None;
        }
        let mut fields: BTreeMap<&str, &str> = BTreeMap::new();
        for line in lines.take_while(|l| *l != "---") {
            if let Some((key, value)) = line.split_once(": ") {
                fields.insert(key, value);
            }
        }
        let string = |key: &str| -> Option<String> {
            fields
                .get(key)
                .and_then(|v| serde_json::from_str::<String>(v).ok())
        };
        let number = |key: &str| fields.get(key).and_then(|v| v.trim().parse::<i64>().ok());
        let session_id = string("session_id")?;
        let topic = string("title").unwrap_or_default();
        Some(Self {
            file_name: file_name.to_owned(),
            session_id: SessionId::new(session_id),
            created: string("created").and_then(|t| Timestamp::parse(&t)),
            updated: string("updated").and_then(|t| Timestamp::parse(&t)),
            branch: string("branch"),
            turns: number("turns")
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0),
            duration_seconds: number("duration_seconds").unwrap_or(0),
            topic: crate::index::topic(&topic),
        })
    }

    /// Whether `self` should win over `other` for the same file: the later `updated`, then
    /// the more turns, then the greater entry overall (so the choice never depends on order).
    fn supersedes(&self, other: &Self) -> bool {
        (self.updated, self.turns, self) > (other.updated, other.turns, other)
    }
}

/// Merges `new` into `entries`: one entry per file name (the newer one wins), sorted newest
/// first. Idempotent (`merge(merge(e, n), n) == merge(e, n)`) and order-independent (merging
/// the same entries in any order gives the same list).
#[must_use]
pub fn merge(entries: Vec<IndexEntry>, new: IndexEntry) -> Vec<IndexEntry> {
    let mut by_file: BTreeMap<String, IndexEntry> = BTreeMap::new();
    for entry in entries.into_iter().chain(std::iter::once(new)) {
        match by_file.get(&entry.file_name) {
            Some(kept) if !entry.supersedes(kept) => {}
            _ => {
                by_file.insert(entry.file_name.clone(), entry);
            }
        }
    }
    let mut merged: Vec<IndexEntry> = by_file.into_values().collect();
    merged.sort_by(|a, b| (b.created, &b.file_name).cmp(&(a.created, &a.file_name)));
    merged
}

/// Renders `Conversations.md`: front matter, then a table of every session, newest first,
/// with relative links to the session files. Deterministic (no wall clock).
#[must_use]
pub fn render_index(entries: &[IndexEntry]) -> String {
    let sorted = entries.iter().cloned().fold(Vec::new(), merge_one);
    let mut out = String::new();
    out.push_str("---\n");
    let _ = writeln!(out, "title: {}", yaml_string("Conversations"));
    out.push_str("type: moc\n");
    let _ = writeln!(out, "sessions: {}", sorted.len());
    if let Some(updated) = sorted.iter().filter_map(|e| e.updated).max() {
        let _ = writeln!(out, "updated: {}", yaml_string(&updated.to_string()));
    }
    out.push_str("---\n\n# Conversations\n\n");
    let _ = writeln!(out, "**Total sessions indexed**: {}\n", sorted.len());
    if sorted.is_empty() {
        out.push_str("_No sessions yet._\n");
        return out;
    }
    out.push_str("| Date | Session | Branch | Turns | Duration | Topic |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for e in &sorted {
        let date = e.created.map_or_else(
            || "—".to_owned(),
            |t| format!("{} {}", t.date(), t.time_of_day()),
        );
        let link_text = inline(&e.session_id.short());
        let link = if safe_link(&e.file_name) {
            format!("[{link_text}]({})", e.file_name)
        } else {
            link_text
        };
        let branch = e
            .branch
            .as_deref()
            .map_or_else(|| "—".to_owned(), code_span);
        let _ = writeln!(
            out,
            "| {date} | {link} | {branch} | {} | {} | {} |",
            e.turns,
            inline(&format_duration(e.duration_seconds)),
            inline(&e.topic)
        );
    }
    out
}

fn merge_one(acc: Vec<IndexEntry>, entry: IndexEntry) -> Vec<IndexEntry> {
    merge(acc, entry)
}

/// A link target we are willing to write: a plain file name.
fn safe_link(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(file: &str, created: i64, updated: i64, turns: u64) -> IndexEntry {
        IndexEntry {
            file_name: file.to_owned(),
            session_id: SessionId::new(file.trim_start_matches("session-")),
            created: Some(Timestamp::from_unix_seconds(created)),
            updated: Some(Timestamp::from_unix_seconds(updated)),
            branch: Some("main".to_owned()),
            turns,
            duration_seconds: updated - created,
            topic: format!("topic {file}"),
        }
    }

    #[test]
    fn newer_entry_wins_and_newest_first() {
        let merged = merge(
            vec![entry("a", 100, 200, 1), entry("b", 300, 300, 1)],
            entry("a", 100, 500, 3),
        );
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].file_name, "b");
        assert_eq!(merged[1].turns, 3);
        let stale = merge(merged.clone(), entry("a", 100, 150, 9));
        assert_eq!(stale, merged);
    }

    #[test]
    fn unsafe_link_targets_are_not_linked() {
        let mut e = entry("session-x.md", 0, 0, 1);
        e.file_name = "../../etc/passwd".to_owned();
        let out = render_index(&[e]);
        assert!(!out.contains("](../"));
    }

    #[test]
    fn front_matter_round_trip() {
        let mut s = Session::new(SessionId::new("abcdef12-3456"));
        s.ingest_line(br#"{"type":"user","gitBranch":"feat/x","timestamp":"2026-08-24T18:20:02Z","message":{"content":"a \"quoted\" | topic"}}"#);
        s.ingest_line(br#"{"type":"system","timestamp":"2026-08-24T19:25:02Z"}"#);
        let r = Redactor::new();
        let e = IndexEntry::from_session(&s, &r);
        let md = crate::render_session(&s, &r);
        let back = IndexEntry::from_session_markdown(&e.file_name, &md).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.duration_seconds, 3900);
        assert!(IndexEntry::from_session_markdown("x", "# no front matter").is_none());
    }

    fn arb_entry() -> impl Strategy<Value = IndexEntry> {
        ("[a-e]", 0_i64..5, 0_i64..5, 0_u64..3).prop_map(|(f, c, u, t)| entry(&f, c, c + u, t))
    }

    proptest! {
        #[test]
        fn merge_is_order_independent_and_idempotent(
            entries in proptest::collection::vec(arb_entry(), 0..12),
            seed in any::<u64>(),
        ) {
            let forward = entries.iter().cloned().fold(Vec::new(), merge);
            let mut shuffled = entries.clone();
            // A deterministic shuffle from the seed.
            let mut state = seed;
            for i in (1..shuffled.len()).rev() {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let j = (state >> 33) as usize % (i + 1);
                shuffled.swap(i, j);
            }
            let backward = shuffled.into_iter().fold(Vec::new(), merge);
            prop_assert_eq!(&forward, &backward);
            for e in &entries {
                prop_assert_eq!(&merge(forward.clone(), e.clone()), &forward);
            }
            let files: std::collections::BTreeSet<_> = entries.iter().map(|e| e.file_name.clone()).collect();
            prop_assert_eq!(forward.len(), files.len());
        }
    }
}
