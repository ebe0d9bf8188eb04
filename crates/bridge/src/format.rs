//! The transcript formats the bridge reads, told apart from a transcript's first record.

use std::borrow::Cow;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

/// The format of a transcript: which harness wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Format {
    /// Claude Code's transcript (`~/.claude/projects/<project>/<session>.jsonl`): one record
    /// per line, `type` user, assistant, system, summary and others.
    Claude,
    /// A Codex CLI rollout (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl`): one
    /// `{timestamp, type, payload}` record per line, `type` session_meta, turn_context,
    /// response_item, event_msg and others.
    Codex,
    /// A Gemini CLI chat file (`~/.gemini/tmp/<project>/chats/session-*.jsonl`): a metadata
    /// line, then message records (`type` user, gemini, info, ...) written again under the
    /// same `id` as they grow, `$set` metadata updates and `$rewindTo` records.
    Gemini,
}

/// The keys that tell the formats apart.
#[derive(Debug, Deserialize)]
struct Sniff<'a> {
    #[serde(borrow, default, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(default)]
    payload: Option<IgnoredAny>,
    #[serde(default, rename = "projectHash")]
    project_hash: Option<IgnoredAny>,
    #[serde(default, rename = "$set")]
    set: Option<IgnoredAny>,
    #[serde(default, rename = "$rewindTo")]
    rewind: Option<IgnoredAny>,
    #[serde(default)]
    message: Option<IgnoredAny>,
    #[serde(default)]
    content: Option<IgnoredAny>,
}

/// The record types of a Codex rollout.
const CODEX_TYPES: &[&str] = &[
    "session_meta",
    "turn_context",
    "response_item",
    "event_msg",
    "compacted",
    "world_state",
    "token_usage_record",
];

impl Format {
    /// The format of a transcript whose first record is `line`; `None` when the line is no
    /// JSON object.
    ///
    /// ```
    /// use metalayer_bridge::Format;
    ///
    /// let claude = br#"{"type":"user","message":{"content":"hi"}}"#;
    /// let codex = br#"{"timestamp":"2026-12-05T06:58:17Z","type":"session_meta","payload":{"id":"x"}}"#;
    /// let gemini = br#"{"sessionId":"ab94","projectHash":"a904","startTime":"2026-12-05T06:58:21Z"}"#;
    /// assert_eq!(Format::sniff(claude), Some(Format::Claude));
    /// assert_eq!(Format::sniff(codex), Some(Format::Codex));
    /// assert_eq!(Format::sniff(gemini), Some(Format::Gemini));
    /// assert_eq!(Format::sniff(b"not json"), None);
    /// ```
    #[must_use]
    pub fn sniff(line: &[u8]) -> Option<Self> {
        let sniff: Sniff<'_> = serde_json::from_slice(line.trim_ascii()).ok()?;
        let kind = sniff.kind.as_deref();
        if sniff.payload.is_some() && kind.is_some_and(|k| CODEX_TYPES.contains(&k)) {
            return Some(Format::Codex);
        }
        let gemini_message = sniff.message.is_none()
            && sniff.content.is_some()
            && matches!(kind, Some("user" | "gemini" | "info" | "error" | "warning"));
        if sniff.project_hash.is_some()
            || sniff.set.is_some()
            || sniff.rewind.is_some()
            || kind == Some("gemini")
            || gemini_message
        {
            return Some(Format::Gemini);
        }
        Some(Format::Claude)
    }

    /// The session id a transcript's first record names: Codex's `session_meta` `payload.id`,
    /// Gemini CLI's and Claude Code's `sessionId`; `None` when it names none (Claude Code's
    /// file name is then the session id).
    ///
    /// ```
    /// use metalayer_bridge::Format;
    ///
    /// let codex = br#"{"type":"session_meta","payload":{"id":"01a244ff-13ae"}}"#;
    /// assert_eq!(Format::session_id(codex).as_deref(), Some("01a244ff-13ae"));
    /// assert_eq!(Format::session_id(br#"{"sessionId":"ab94","projectHash":"a"}"#).as_deref(), Some("ab94"));
    /// assert_eq!(Format::session_id(br#"{"type":"summary"}"#), None);
    /// ```
    #[must_use]
    pub fn session_id(line: &[u8]) -> Option<String> {
        #[derive(Deserialize)]
        struct Ids<'a> {
            #[serde(borrow, default, rename = "sessionId")]
            session_id: Option<Cow<'a, str>>,
            #[serde(borrow, default)]
            payload: Option<&'a serde_json::value::RawValue>,
        }
        #[derive(Deserialize)]
        struct Payload<'a> {
            #[serde(borrow, default)]
            id: Option<Cow<'a, str>>,
        }
        let ids: Ids<'_> = serde_json::from_slice(line.trim_ascii()).ok()?;
        let from_payload = || {
            let payload: Payload<'_> = serde_json::from_str(ids.payload?.get()).ok()?;
            payload.id.map(Cow::into_owned)
        };
        ids.session_id
            .clone()
            .map(Cow::into_owned)
            .or_else(from_payload)
            .filter(|id| !id.trim().is_empty())
    }

    /// The harness that writes this format (`Claude Code`, `Codex CLI`, `Gemini CLI`).
    #[must_use]
    pub fn harness(self) -> &'static str {
        match self {
            Format::Claude => "Claude Code",
            Format::Codex => "Codex CLI",
            Format::Gemini => "Gemini CLI",
        }
    }

    /// A short name (`claude`, `codex`, `gemini`), as `metalayer init --harness` takes it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::Claude => "claude",
            Format::Codex => "codex",
            Format::Gemini => "gemini",
        }
    }
}
