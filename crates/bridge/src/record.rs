//! The lines of a Claude Code transcript, parsed into borrowed, lightweight structs.
//!
//! Only the fields the session model uses are declared; serde skips the others without
//! allocating. Bulky values (`toolUseResult`, tool inputs, tool-result bodies) are kept as
//! `&RawValue` slices of the line and only parsed when needed.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

/// The envelope shared by every record type we read.
#[derive(Debug, Deserialize)]
pub(crate) struct Record<'a> {
    #[serde(borrow, rename = "type")]
    pub(crate) kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) timestamp: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) cwd: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) version: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "gitBranch")]
    pub(crate) git_branch: Option<Cow<'a, str>>,
    #[serde(default, rename = "isSidechain")]
    pub(crate) is_sidechain: Option<bool>,
    /// The record's id, and the id of the record it follows (how an inline subagent's
    /// records chain to one another).
    #[serde(borrow, default)]
    pub(crate) uuid: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "parentUuid")]
    pub(crate) parent_uuid: Option<Cow<'a, str>>,
    #[serde(default, rename = "isMeta")]
    pub(crate) is_meta: Option<bool>,
    #[serde(default, rename = "isCompactSummary")]
    pub(crate) is_compact_summary: Option<bool>,
    #[serde(borrow, default, rename = "toolUseResult")]
    pub(crate) tool_use_result: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub(crate) message: Option<Message<'a>>,
    /// `summary` records.
    #[serde(borrow, default)]
    pub(crate) summary: Option<Cow<'a, str>>,
    /// `system` records: what happened (`compact_boundary`, ...).
    #[serde(borrow, default)]
    pub(crate) subtype: Option<Cow<'a, str>>,
    /// A `compact_boundary` record's figures.
    #[serde(default, rename = "compactMetadata")]
    pub(crate) compact_metadata: Option<CompactMetadata>,
}

/// `compactMetadata` of a `compact_boundary` record.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CompactMetadata {
    /// `auto` or `manual`.
    #[serde(default)]
    pub(crate) trigger: Option<String>,
    /// The tokens of the context before it was compacted.
    #[serde(default, rename = "preTokens")]
    pub(crate) pre_tokens: Option<u64>,
}

/// `message` of `user` and `assistant` records.
#[derive(Debug, Deserialize)]
pub(crate) struct Message<'a> {
    #[serde(borrow, default)]
    pub(crate) id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) model: Option<Cow<'a, str>>,
    /// A string or an array of blocks.
    #[serde(borrow, default)]
    pub(crate) content: Option<&'a RawValue>,
    #[serde(default)]
    pub(crate) usage: Option<Usage>,
}

/// `message.usage`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Usage {
    #[serde(default)]
    pub(crate) input_tokens: Option<u64>,
    #[serde(default)]
    pub(crate) output_tokens: Option<u64>,
    #[serde(default)]
    pub(crate) cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    pub(crate) cache_read_input_tokens: Option<u64>,
}

/// One content block. A struct rather than a tagged enum so that it borrows from the line.
#[derive(Debug, Deserialize)]
pub(crate) struct Block<'a> {
    #[serde(borrow, rename = "type")]
    pub(crate) kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) text: Option<Cow<'a, str>>,
    /// `thinking` blocks.
    #[serde(borrow, default)]
    pub(crate) thinking: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) input: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub(crate) tool_use_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) content: Option<&'a RawValue>,
    #[serde(default)]
    pub(crate) is_error: Option<bool>,
    /// `image` blocks: the picture (read on its own, so that an odd shape never loses the
    /// message).
    #[serde(borrow, default)]
    pub(crate) source: Option<&'a RawValue>,
}

impl Block<'_> {
    /// For an `image` block, a note of what it was: `[image: image/png, 48 KB]` (its type and
    /// decoded size; never its data).
    pub(crate) fn image_note(&self) -> Option<String> {
        #[derive(Deserialize)]
        struct Source<'s> {
            #[serde(borrow, default)]
            media_type: Option<Cow<'s, str>>,
            #[serde(borrow, default)]
            data: Option<Cow<'s, str>>,
        }
        if self.kind.as_deref() != Some("image") {
            return None;
        }
        let source = self
            .source
            .and_then(|raw| serde_json::from_str::<Source<'_>>(raw.get()).ok());
        let media = source
            .as_ref()
            .and_then(|s| s.media_type.as_deref())
            .filter(|m| {
                m.len() <= 64
                    && m.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '+' | '-'))
            })
            .unwrap_or("image");
        Some(match source.as_ref().and_then(|s| s.data.as_deref()) {
            Some(data) => format!("[image: {media}, {}]", size(data.len() / 4 * 3)),
            None => format!("[image: {media}]"),
        })
    }
}

/// A byte count in words: `512 bytes`, `48 KB`, `1.5 MB`.
fn size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        let tenths = bytes.saturating_mul(10) / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// `message.content`: a plain string or blocks.
#[derive(Debug)]
pub(crate) enum Content<'a> {
    Text(Cow<'a, str>),
    Blocks(Vec<Block<'a>>),
}

impl<'a> Content<'a> {
    /// Parses a raw `content` value; `None` for any other JSON shape.
    pub(crate) fn parse(raw: &'a RawValue) -> Option<Self> {
        match raw.get().trim_start().as_bytes().first() {
            Some(b'"') => serde_json::from_str(raw.get()).ok().map(Content::Text),
            Some(b'[') => serde_json::from_str(raw.get()).ok().map(Content::Blocks),
            _ => None,
        }
    }
}

/// The text of a `tool_result` body: a string or an array of blocks whose `text` fields are
/// joined by newlines, an image noted by its type and size (other blocks are skipped).
pub(crate) fn tool_result_text(raw: &RawValue) -> String {
    match Content::parse(raw) {
        Some(Content::Text(text)) => text.into_owned(),
        Some(Content::Blocks(blocks)) => {
            let mut out = String::new();
            for block in &blocks {
                let note = block.image_note();
                let Some(text) = block.text.as_deref().or(note.as_deref()) else {
                    continue;
                };
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(text);
            }
            out
        }
        None => String::new(),
    }
}

/// The input fields of the tools we summarise.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ToolInput<'a> {
    #[serde(borrow, default)]
    pub(crate) command: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) description: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) file_path: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) notebook_path: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) path: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) pattern: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) url: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) query: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) subagent_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) prompt: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) skill: Option<Cow<'a, str>>,
    /// `ExitPlanMode`: the plan, in markdown.
    #[serde(borrow, default)]
    pub(crate) plan: Option<Cow<'a, str>>,
    /// `Edit`: the text replaced and its replacement.
    #[serde(borrow, default)]
    pub(crate) old_string: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) new_string: Option<Cow<'a, str>>,
    /// `MultiEdit`: its replacements, in order, read on their own (an odd list must not
    /// lose the call's path and summary).
    #[serde(borrow, default)]
    pub(crate) edits: Option<&'a serde_json::value::RawValue>,
}

/// One replacement of a `MultiEdit` call.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EditInput<'a> {
    #[serde(borrow, default)]
    pub(crate) old_string: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) new_string: Option<Cow<'a, str>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_string_or_blocks() {
        let line = r#"{"type":"user","message":{"role":"user","content":"hi \"there\""}}"#;
        let rec: Record<'_> = serde_json::from_str(line).unwrap();
        let content = Content::parse(rec.message.unwrap().content.unwrap()).unwrap();
        assert!(matches!(content, Content::Text(t) if t == "hi \"there\""));

        let line = r#"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"a"},{"type":"image","source":{}},{"type":"text","text":"b"}],"is_error":true}]}}"#;
        let rec: Record<'_> = serde_json::from_str(line).unwrap();
        let Some(Content::Blocks(blocks)) = Content::parse(rec.message.unwrap().content.unwrap())
        else {
            panic!("expected blocks");
        };
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].is_error, Some(true));
        assert_eq!(
            tool_result_text(blocks[0].content.unwrap()),
            "a\n[image: image]\nb"
        );
    }

    #[test]
    fn other_shapes_are_none() {
        let raw: &RawValue = serde_json::from_str("42").unwrap();
        assert!(Content::parse(raw).is_none());
        assert_eq!(tool_result_text(raw), "");
    }

    #[test]
    fn images_are_noted_by_type_and_size_never_by_data() {
        let data = "A".repeat(64 * 1024);
        let blocks = format!(
            r#"[{{"type":"image","source":{{"type":"base64","media_type":"image/png","data":"{data}"}}}},
                {{"type":"image","source":"odd"}},
                {{"type":"image","source":{{"type":"url","url":"https://x/y.jpg","media_type":"image/jpeg\nevil"}}}},
                {{"type":"text","text":"see above"}}]"#
        );
        let raw = RawValue::from_string(blocks).unwrap();
        assert_eq!(
            tool_result_text(&raw),
            "[image: image/png, 48 KB]\n[image: image]\n[image: image]\nsee above"
        );
        assert_eq!(size(100), "100 bytes");
        assert_eq!(size(1536 * 1024), "1.5 MB");
    }
}
