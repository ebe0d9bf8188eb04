//! YAML text to a JSON value plus a map from JSON pointer to source position.
//!
//! serde_yaml keeps no node positions, so the tree is built from the events of `yaml-rust2`'s
//! parser, iteratively (no recursion), with a nesting limit and a node budget that refuses alias
//! bombs, and with duplicate keys reported at both places.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diagnostic::{Diagnostic, Span};

mod fast;

pub(crate) use fast::{GateSink, library_forced, read_into as read_fast_into};

/// The deepest nesting of maps and lists accepted.
pub const MAX_DEPTH: usize = 64;

/// The most nodes a document may expand to, aliases included.
pub const MAX_NODES: usize = 2_000_000;

/// Nodes that aliases may add beyond the nodes written in the file: this much plus ten times
/// the nodes written.
const ALIAS_ALLOWANCE: usize = 10_000;

/// Where a node sits in the source: its key (for map values) and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NodeSpan {
    /// The key of a map entry, when the node is one.
    pub(crate) key: Option<Span>,
    /// The value.
    pub(crate) value: Span,
}

/// JSON pointer (`/gates/hard/2/pattern`) to source span.
#[derive(Debug, Clone, Default)]
pub(crate) struct SpanMap {
    spans: HashMap<String, NodeSpan>,
}

impl SpanMap {
    /// The span recorded for exactly this pointer.
    #[cfg(test)]
    pub(crate) fn get(&self, pointer: &str) -> Option<&NodeSpan> {
        self.spans.get(pointer)
    }

    /// The value span of this pointer, or of its nearest ancestor that has one (nodes copied by
    /// aliases have no span of their own), or the start of the file.
    pub(crate) fn value_span(&self, pointer: &str) -> Span {
        let mut p = pointer;
        loop {
            if let Some(s) = self.spans.get(p) {
                return s.value;
            }
            match p.rfind('/') {
                Some(i) => p = p.get(..i).unwrap_or(""),
                None => return Span::new(0, 0),
            }
        }
    }

    /// The key span of this pointer if it is a map entry, else its value span.
    pub(crate) fn key_span(&self, pointer: &str) -> Span {
        match self.spans.get(pointer).and_then(|s| s.key) {
            Some(k) => k,
            None => self.value_span(pointer),
        }
    }

    fn insert(&mut self, pointer: String, span: NodeSpan) {
        self.spans.insert(pointer, span);
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub(crate) fn escape_token(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

use std::borrow::Cow;

/// The result of reading the YAML text.
#[derive(Debug)]
pub(crate) struct Tree {
    /// The document as JSON (`Value::Null` for an empty file).
    pub(crate) value: Value,
    /// Positions of every node written in the file.
    pub(crate) spans: SpanMap,
    /// Problems found on the way (duplicate keys, non-string keys, several documents).
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Converts character positions of the parser to byte offsets in the source.
#[derive(Debug)]
pub(crate) struct Positions<'a> {
    source: &'a str,
    ascii: bool,
    /// Where each line starts, computed on first use (a fast load without diagnostics
    /// never needs it).
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Positions<'a> {
    /// Indexes the source.
    pub(crate) fn new(source: &'a str) -> Self {
        Self {
            source,
            ascii: source.is_ascii(),
            line_starts: std::cell::OnceCell::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(
                self.source
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            );
            starts
        })
    }

    /// The byte offset of a parser marker.
    fn offset(&self, m: &Marker) -> usize {
        if self.ascii {
            return m.index().min(self.source.len());
        }
        let start = self
            .line_starts()
            .get(m.line().saturating_sub(1))
            .copied()
            .unwrap_or(self.source.len());
        let line = self.source.get(start..).unwrap_or("");
        let within = line
            .char_indices()
            .nth(m.col())
            .map_or(line.len(), |(i, _)| i);
        start + within
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line = self.line_starts().partition_point(|&s| s <= offset);
        let start = self
            .line_starts()
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let col = self
            .source
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line.max(1), col + 1)
    }

    /// The source text.
    pub(crate) fn source(&self) -> &'a str {
        self.source
    }

    /// The span of a scalar starting at byte `start`: its quotes included, a trailing comment
    /// and white space excluded.
    fn scalar_span(&self, start: usize, style: TScalarStyle, in_flow: bool) -> Span {
        let rest = self.source.get(start..).unwrap_or("");
        let len = match style {
            TScalarStyle::DoubleQuoted => quoted_len(rest, b'"'),
            TScalarStyle::SingleQuoted => quoted_len(rest, b'\''),
            TScalarStyle::Plain => plain_len(rest, in_flow),
            _ => rest.find('\n').unwrap_or(rest.len()),
        };
        Span::new(start, len)
    }

    /// The span of a container from `start` to the end of that line.
    fn container_span(&self, start: usize, end: usize) -> Span {
        let rest = self.source.get(start..end.max(start)).unwrap_or("");
        let line = rest.split('\n').next().unwrap_or("");
        let line = line.split(" #").next().unwrap_or(line);
        Span::new(start, line.trim_end().len())
    }
}

fn quoted_len(rest: &str, quote: u8) -> usize {
    let bytes = rest.as_bytes();
    let mut i = 1;
    while let Some(&b) = bytes.get(i) {
        if quote == b'"' && b == b'\\' {
            i += 2;
            continue;
        }
        if b == quote {
            if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    rest.len()
}

fn plain_len(rest: &str, in_flow: bool) -> usize {
    let line = rest.split('\n').next().unwrap_or("");
    let bytes = line.as_bytes();
    let mut end = line.len();
    for (i, &b) in bytes.iter().enumerate() {
        let next = bytes.get(i + 1).copied();
        let prev = if i == 0 {
            None
        } else {
            bytes.get(i - 1).copied()
        };
        let at_space = |c: Option<u8>| matches!(c, None | Some(b' ' | b'\t'));
        if b == b'#' && matches!(prev, Some(b' ' | b'\t')) {
            end = i;
            break;
        }
        if b == b':' && (at_space(next) || (in_flow && matches!(next, Some(b',' | b']' | b'}')))) {
            end = i;
            break;
        }
        if in_flow && matches!(b, b',' | b']' | b'}') {
            end = i;
            break;
        }
    }
    line.get(..end).map_or(end, |s| s.trim_end().len())
}

/// Resolves a plain scalar as YAML does (core schema, plus the YAML 1.1 spellings PyYAML reads).
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let first = text.as_bytes().first().copied().unwrap_or(b'x');
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::String(text.to_owned());
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::Number(i.into());
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Value::Number(i.into());
    }
    let digits = text.strip_prefix('+').unwrap_or(text);
    if let Ok(i) = digits.parse::<i64>() {
        return Value::Number(i.into());
    }
    if let Ok(u) = digits.parse::<u64>() {
        return Value::Number(u.into());
    }
    if digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && let Some(n) = digits.parse::<f64>().ok().and_then(Number::from_f64)
    {
        return Value::Number(n);
    }
    Value::String(text.to_owned())
}

enum Frame {
    Seq {
        items: Vec<Value>,
        pointer: String,
        anchor: usize,
        start: usize,
        flow: bool,
    },
    Map {
        map: Map<String, Value>,
        pointer: String,
        anchor: usize,
        start: usize,
        flow: bool,
        /// The key read, waiting for its value: text and span.
        key: Option<(String, Span)>,
        /// Where each key was first written, for duplicate-key reports.
        key_spans: HashMap<String, Span>,
    },
}

impl Frame {
    fn flow(&self) -> bool {
        match self {
            Frame::Seq { flow, .. } | Frame::Map { flow, .. } => *flow,
        }
    }
}

/// Counts the nodes of a value (iteratively).
fn count_nodes(value: &Value) -> usize {
    let mut stack = vec![value];
    let mut n = 0usize;
    while let Some(v) = stack.pop() {
        n += 1;
        match v {
            Value::Array(items) => stack.extend(items.iter()),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    n
}

struct Builder<'p, 'a> {
    pos: &'p Positions<'a>,
    /// Whether to record the span of every node (off for the hook's fast load: a failure is
    /// explained by a second, full load).
    record_spans: bool,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Value, usize)>,
    spans: SpanMap,
    diagnostics: Vec<Diagnostic>,
    root: Option<Value>,
    written: usize,
    copied: usize,
}

/// Why building stopped early.
enum Stop {
    Fatal(Box<Diagnostic>),
}

impl Builder<'_, '_> {
    fn diag(&self, code: &'static str, message: String, span: Span) -> Diagnostic {
        let (line, column) = self.pos.line_col(span.offset);
        Diagnostic::error(code, message, span, line, column)
    }

    /// The pointer of the next node and the key it belongs to, if any.
    fn next_pointer(&self) -> (String, Option<Span>, Option<String>) {
        if !self.record_spans {
            return (String::new(), None, None);
        }
        match self.stack.last() {
            None => (String::new(), None, None),
            Some(Frame::Seq { items, pointer, .. }) => {
                (format!("{pointer}/{}", items.len()), None, None)
            }
            Some(Frame::Map {
                pointer,
                key: Some((k, span)),
                ..
            }) => (
                format!("{pointer}/{}", escape_token(k)),
                Some(*span),
                Some(k.clone()),
            ),
            Some(Frame::Map { key: None, .. }) => (String::new(), None, None),
        }
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    /// Adds a finished node to its parent (or makes it the root).
    fn attach(
        &mut self,
        value: Value,
        anchor: usize,
        pointer: String,
        span: NodeSpan,
    ) -> Result<(), Stop> {
        if anchor != 0 {
            let n = count_nodes(&value);
            self.anchors.insert(anchor, (value.clone(), n));
        }
        if self.record_spans {
            self.spans.insert(pointer, span);
        }
        self.push_value(value)
    }

    fn push_value(&mut self, value: Value) -> Result<(), Stop> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(value);
            }
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { map, key, .. }) => {
                if let Some((k, _)) = key.take() {
                    map.insert(k, value);
                }
            }
        }
        Ok(())
    }

    /// Handles a key scalar. Returns false when the key was a duplicate.
    fn take_key(&mut self, text: String, span: Span) {
        let mut duplicate = None;
        if let Some(Frame::Map {
            key,
            key_spans,
            pointer,
            ..
        }) = self.stack.last_mut()
        {
            if let Some(first) = key_spans.get(&text) {
                duplicate = Some((*first, pointer.clone()));
            } else {
                key_spans.insert(text.clone(), span);
            }
            *key = Some((text.clone(), span));
        }
        if let Some((first, pointer)) = duplicate {
            let (fl, fc) = self.pos.line_col(first.offset);
            let mut d = self.diag(
                "policy::duplicate-key",
                format!("duplicate key `{text}` (first written at line {fl}, column {fc})"),
                span,
            );
            d.pointer = format!("{pointer}/{}", escape_token(&text));
            d.label = Some("written again here".to_owned());
            d = d.with_secondary(first, fl, fc, "first written here");
            d.help =
                Some("a YAML map keeps one value per key: remove or rename one of them".to_owned());
            self.diagnostics.push(d);
        }
    }

    fn event(&mut self, event: Event, mark: Marker, events: usize) -> Result<bool, Stop> {
        let offset = self.pos.offset(&mark);
        let in_flow = self.stack.last().is_some_and(Frame::flow);
        match event {
            Event::Scalar(text, style, anchor, _tag) => {
                self.written += 1;
                let span = self.pos.scalar_span(offset, style, in_flow);
                if self.expecting_key() {
                    self.take_key(text, span);
                    return Ok(true);
                }
                let value = if style == TScalarStyle::Plain {
                    resolve_plain(&text)
                } else {
                    Value::String(text)
                };
                let (pointer, key, _) = self.next_pointer();
                self.attach(value, anchor, pointer, NodeSpan { key, value: span })?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.written += 1;
                if self.expecting_key() {
                    let span = Span::new(offset, 1);
                    return Err(Stop::Fatal(Box::new(self.diag(
                        "policy::complex-key",
                        "a map key must be text, found a list or map".to_owned(),
                        span,
                    ))));
                }
                if self.stack.len() >= MAX_DEPTH {
                    let span = Span::new(offset, 1);
                    let mut d = self.diag(
                        "policy::too-deep",
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                        span,
                    );
                    d.help = Some("a policy file nests a few levels deep; this looks like a generated or hostile file".to_owned());
                    return Err(Stop::Fatal(Box::new(d)));
                }
                let (pointer, _, _) = self.next_pointer();
                let flow = self
                    .pos
                    .source()
                    .as_bytes()
                    .get(offset)
                    .is_some_and(|b| matches!(b, b'[' | b'{'));
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        pointer,
                        anchor,
                        start: offset,
                        flow,
                    }
                } else {
                    Frame::Map {
                        map: Map::new(),
                        pointer,
                        anchor,
                        start: offset,
                        flow,
                        key: None,
                        key_spans: HashMap::new(),
                    }
                };
                // The key of the entry that holds this container stays on the parent frame
                // until the container ends.
                self.stack.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(true);
                };
                let (value, anchor, pointer, mut start, flow) = match frame {
                    Frame::Seq {
                        items,
                        pointer,
                        anchor,
                        start,
                        flow,
                    } => (Value::Array(items), anchor, pointer, start, flow),
                    Frame::Map {
                        map,
                        pointer,
                        anchor,
                        start,
                        flow,
                        key_spans,
                        ..
                    } => {
                        let first_key = key_spans.values().map(|s| s.offset).min();
                        let start = if flow {
                            start
                        } else {
                            first_key.map_or(start, |k| k.min(start))
                        };
                        (Value::Object(map), anchor, pointer, start, flow)
                    }
                };
                let end = if flow { offset + 1 } else { offset };
                if start > end {
                    start = end;
                }
                let span = self.pos.container_span(start, end.max(start));
                let key = match self.stack.last() {
                    Some(Frame::Map {
                        key: Some((_, k)), ..
                    }) => Some(*k),
                    _ => None,
                };
                self.attach(value, anchor, pointer, NodeSpan { key, value: span })?;
            }
            Event::Alias(id) => {
                let span = Span::new(offset, 1);
                if self.expecting_key() {
                    return Err(Stop::Fatal(Box::new(self.diag(
                        "policy::complex-key",
                        "a map key must be text, found an alias".to_owned(),
                        span,
                    ))));
                }
                let Some((value, n)) = self.anchors.get(&id) else {
                    return Err(Stop::Fatal(Box::new(self.diag(
                        "policy::yaml",
                        "unknown anchor".to_owned(),
                        span,
                    ))));
                };
                self.copied = self.copied.saturating_add(*n);
                let budget = ALIAS_ALLOWANCE
                    .saturating_add(self.written.saturating_mul(10))
                    .min(MAX_NODES);
                if self.copied > budget
                    || self.copied.saturating_add(self.written) > MAX_NODES
                    || self.copied > events.saturating_mul(10).max(ALIAS_ALLOWANCE)
                {
                    let mut d = self.diag(
                        "policy::alias-budget",
                        format!("aliases expand to more than {budget} nodes"),
                        span,
                    );
                    d.help = Some("this looks like an alias bomb (\"billion laughs\"); write the values out instead".to_owned());
                    return Err(Stop::Fatal(Box::new(d)));
                }
                let value = value.clone();
                if self.record_spans {
                    let (pointer, key, _) = self.next_pointer();
                    self.spans.insert(pointer, NodeSpan { key, value: span });
                }
                self.push_value(value)?;
            }
            Event::DocumentStart => {
                if self.root.is_some() {
                    let span = Span::new(offset, 3);
                    let mut d = self.diag(
                        "policy::several-documents",
                        "the file holds more than one YAML document".to_owned(),
                        span,
                    );
                    d.help = Some("a policy is one document: remove the `---` and what follows, or merge them".to_owned());
                    return Err(Stop::Fatal(Box::new(d)));
                }
            }
            Event::StreamEnd => return Ok(false),
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(true)
    }
}

/// Reads YAML text into a JSON value and its span map.
///
/// # Errors
/// Returns the fatal diagnostic (syntax error, nesting too deep, alias budget exceeded, several
/// documents) together with the non-fatal ones found before it.
pub(crate) fn build(pos: &Positions<'_>, spans: bool) -> Result<Tree, Vec<Diagnostic>> {
    let source = pos.source();
    if !spans
        && !library_forced()
        && let Some(value) = fast::read(source)
    {
        // The block-style subset real policies use, read without yaml-rust2 (same value).
        return Ok(Tree {
            value,
            spans: SpanMap::default(),
            diagnostics: Vec::new(),
        });
    }
    let mut builder = Builder {
        pos,
        record_spans: spans,
        stack: Vec::new(),
        anchors: HashMap::new(),
        spans: SpanMap::default(),
        diagnostics: Vec::new(),
        root: None,
        written: 0,
        copied: 0,
    };
    let mut parser = Parser::new_from_str(source);
    let mut events = 0usize;
    loop {
        match parser.next_token() {
            Ok((event, mark)) => {
                events += 1;
                match builder.event(event, mark, events) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(Stop::Fatal(d)) => {
                        let mut all = builder.diagnostics;
                        all.push(*d);
                        return Err(all);
                    }
                }
            }
            Err(e) => {
                let offset = builder.pos.offset(e.marker());
                let len = source
                    .get(offset..)
                    .and_then(|r| r.chars().next())
                    .map_or(0, char::len_utf8);
                let mut d = builder.diag(
                    "policy::yaml",
                    format!("YAML syntax error: {}", e.info()),
                    Span::new(offset, len),
                );
                d.label = Some(e.info().to_owned());
                d.help = Some(syntax_help(e.info()).to_owned());
                let mut all = builder.diagnostics;
                all.push(d);
                return Err(all);
            }
        }
    }
    Ok(Tree {
        value: builder.root.unwrap_or(Value::Null),
        spans: builder.spans,
        diagnostics: builder.diagnostics,
    })
}

fn syntax_help(info: &str) -> &'static str {
    if info.contains("tab") {
        "YAML indents with spaces only: replace the tab characters with spaces"
    } else if info.contains("quoted") || info.contains("quote") {
        "check that every quoted string is closed on the same line, or escape the quote"
    } else if info.contains("indent")
        || info.contains("expected key")
        || info.contains("mapping values")
        || info.contains("block")
    {
        "check the indentation: keys of one map line up in one column, and list items start with a dash"
    } else {
        "see the YAML near this position"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_at(source: &str, span: Span) -> &str {
        &source[span.offset..span.offset + span.len]
    }

    #[test]
    fn pointers_map_to_key_and_value_spans() {
        let src = "version: \"1.0\"\ngates:\n  hard:\n    - id: G1\n      pattern: 'a''b' # c\n    - {id: G2, rule: x}\n";
        let tree = build(&Positions::new(src), true).unwrap();
        let version = tree.spans.get("/version").unwrap();
        assert_eq!(text_at(src, version.key.unwrap()), "version");
        assert_eq!(text_at(src, version.value), "\"1.0\"");
        let pattern = tree.spans.get("/gates/hard/0/pattern").unwrap();
        assert_eq!(text_at(src, pattern.value), "'a''b'");
        assert_eq!(text_at(src, pattern.key.unwrap()), "pattern");
        let rule = tree.spans.get("/gates/hard/1/rule").unwrap();
        assert_eq!(text_at(src, rule.value), "x");
        let gate = tree.spans.get("/gates/hard/1").unwrap();
        assert_eq!(text_at(src, gate.value), "{id: G2, rule: x}");
        let first = tree.spans.get("/gates/hard/0").unwrap();
        assert_eq!(text_at(src, first.value), "id: G1");
        assert_eq!(tree.value["gates"]["hard"][0]["pattern"], "a'b");
        let pos = Positions::new(src);
        assert_eq!(pos.line_col(pattern.value.offset), (5, 16));
    }

    #[test]
    fn unknown_pointer_falls_back_to_nearest_ancestor() {
        let src = "a:\n  b: 1\n";
        let tree = build(&Positions::new(src), true).unwrap();
        assert_eq!(
            tree.spans.value_span("/a/b/c/d"),
            tree.spans.get("/a/b").unwrap().value
        );
        assert_eq!(
            tree.spans.value_span("/zzz"),
            tree.spans.get("").unwrap().value
        );
    }

    #[test]
    fn non_ascii_positions_are_byte_offsets() {
        let src = "rule: \"é✓\"\nx: ü\n";
        let tree = build(&Positions::new(src), true).unwrap();
        let x = tree.spans.get("/x").unwrap();
        assert_eq!(text_at(src, x.value), "ü");
        assert_eq!(
            text_at(src, tree.spans.get("/rule").unwrap().value),
            "\"é✓\""
        );
        assert_eq!(Positions::new(src).line_col(x.value.offset), (2, 4));
    }

    #[test]
    fn escaped_keys_in_pointers() {
        let src = "\"a/b\": {\"c~d\": 1}\n";
        let tree = build(&Positions::new(src), true).unwrap();
        assert!(tree.spans.get("/a~1b/c~0d").is_some());
    }

    #[test]
    fn scalars_resolve_like_yaml() {
        assert_eq!(resolve_plain("1"), Value::from(1));
        assert_eq!(resolve_plain("1.0"), Value::from(1.0));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("true"), Value::Bool(true));
        assert_eq!(resolve_plain("1.0.2"), Value::from("1.0.2"));
        assert_eq!(resolve_plain("G1"), Value::from("G1"));
        assert_eq!(resolve_plain(".env"), Value::from(".env"));
        assert_eq!(resolve_plain("-"), Value::from("-"));
    }

    #[test]
    fn duplicate_keys_name_both_places() {
        let src = "a: 1\nb: 2\na: 3\n";
        let errs = build(&Positions::new(src), true).unwrap().diagnostics;
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code, "policy::duplicate-key");
        assert_eq!((errs[0].line, errs[0].column), (3, 1));
        assert_eq!(errs[0].secondary[0].line, 1);
    }

    #[test]
    fn aliases_expand_and_bombs_are_refused() {
        let ok = build(&Positions::new("a: &x [1, 2]\nb: *x\n"), true).unwrap();
        assert_eq!(ok.value["b"], serde_json::json!([1, 2]));
        let mut bomb = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let refs = vec![format!("*l{}", i - 1); 10].join(", ");
            bomb.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
        }
        let errs = build(&Positions::new(&bomb), true).unwrap_err();
        assert_eq!(errs.last().unwrap().code, "policy::alias-budget");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = "- ".repeat(20_000) + "x\n";
        let errs = build(&Positions::new(&deep), true).unwrap_err();
        assert_eq!(errs.last().unwrap().code, "policy::too-deep");
        let ok = "- ".repeat(MAX_DEPTH - 1) + "x\n";
        assert!(build(&Positions::new(&ok), true).is_ok());
    }

    #[test]
    fn syntax_errors_have_positions() {
        let errs = build(&Positions::new("a:\n\tb: 1\n"), true).unwrap_err();
        assert_eq!(errs[0].code, "policy::yaml");
        assert_eq!(errs[0].line, 2);
        assert!(errs[0].message.contains("tab"), "{}", errs[0].message);
    }
}
