//! A fast reader for the block-style YAML that policies are written in.
//!
//! The hook parses the policy on every tool call, and `yaml-rust2` (through [`super::build`])
//! costs about 180 instructions per byte. This reader handles the subset real policies use and
//! builds the same [`Value`] directly; it records no positions, so it serves only the fast load
//! (`spans == false`), whose diagnostics are explained by a second, full read.
//!
//! The subset: block mappings and sequences by indentation (`key: value`, `- item`, compact
//! `- key: value` maps, a sequence at the same indentation as its key), plain scalars resolved
//! by [`super::resolve_plain`], single- and double-quoted scalars on one line (every escape
//! `yaml-rust2` knows), flow sequences and maps of those on one line, comments, blank lines and
//! one leading `---`.
//!
//! Anything else gives up (`None`), and the caller reads the text with `yaml-rust2`: block
//! scalars (`|`, `>`), anchors, aliases, tags, directives, multi-line scalars and flow
//! collections, `? ` keys, tabs, carriage returns and other control characters, a byte-order
//! mark, a second document, duplicate keys (the builder reports them), empty flow entries,
//! `:` inside a flow plain scalar, and nesting deeper than [`MAX_NESTING`]. Giving up is always
//! safe; what this reader must never do is return a value that differs from the builder's, or
//! a value where the builder reports a problem.
//!
//! # The fast-path contract
//!
//! This reader is a hidden strategy beside the library, under the workspace's contract
//! (ARCHITECTURE.md): the library is pinned exactly (`yaml-rust2 = "=0.13.1"` in the workspace
//! manifest), so a new release is a reviewed change; `METALAYER_LIBRARY_PATH=1` in the
//! environment makes every load use `yaml-rust2` ([`library_forced`]), and CI runs the whole
//! test suite a second time with it set; the fuzz target `policy_yaml_fast` compares the two on
//! any text, and the tests below compare them on every policy in the repository.
//!
//! [`read_into`] hands the entries of the top-level `gates.hard` and `gates.soft` block lists
//! to a [`GateSink`] as it finishes each, instead of keeping them in the value: the loader
//! checks and deserialises each gate while its map is the only one alive.

use serde_json::map::Entry;
use serde_json::{Map, Value};

use super::resolve_plain;

/// The deepest nesting of maps and lists this reader handles (the builder allows 64).
const MAX_NESTING: usize = 32;

/// The longest key this reader handles, in bytes (`yaml-rust2` refuses simple keys over 1,024
/// characters).
const MAX_KEY_LEN: usize = 512;

/// The text is outside the subset: read it with `yaml-rust2`.
struct GiveUp;

type Read<T> = Result<T, GiveUp>;

/// Takes the entries of `gates.hard` and `gates.soft` one at a time, as the reader finishes
/// each, so that a policy's gates are never all held as maps at once (a thousand of them are
/// most of a policy, and of the memory a hook call touches).
pub(crate) trait GateSink {
    /// Takes one entry of the list `list` (`hard` or `soft`). `Err` gives up the fast read:
    /// the caller then reads the text again, whole, without a sink.
    fn entry(&mut self, list: &'static str, entry: Value) -> Result<(), ()>;
}

/// What the node the reader reads next is, for the sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Next {
    /// Anything else.
    #[default]
    Other,
    /// The value of the top-level `gates` key.
    Gates,
    /// The value of `gates.hard` or `gates.soft`.
    List(&'static str),
}

/// The environment variable that makes every fast path of the workspace give way to its
/// library (`1`); read once per process.
pub(crate) const LIBRARY_PATH_VARIABLE: &str = "METALAYER_LIBRARY_PATH";

/// Whether `METALAYER_LIBRARY_PATH=1` makes the loader read every text with `yaml-rust2`.
pub(crate) fn library_forced() -> bool {
    static FORCED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FORCED.get_or_init(|| std::env::var_os(LIBRARY_PATH_VARIABLE).is_some_and(|v| v == "1"))
}

/// Reads `source` if it is in the subset, else `None`.
pub(crate) fn read(source: &str) -> Option<Value> {
    read_into(source, None)
}

/// [`read`], handing the entries of `gates.hard` and `gates.soft` to `sink` instead of keeping
/// them: those lists are empty in the value returned. With `None`, the same as [`read`].
pub(crate) fn read_into(source: &str, sink: Option<&mut dyn GateSink>) -> Option<Value> {
    let bytes = source.as_bytes();
    // Tabs, carriage returns, NUL (the end of the stream for `yaml-rust2`) and other control
    // characters, and the byte-order mark, are left to `yaml-rust2`.
    // Without short-circuit, so that the loop is vectorised.
    let odd = bytes.iter().fold(false, |odd, &b| {
        odd | ((b < 0x20) & (b != b'\n')) | (b == 0x7f)
    });
    if odd {
        return None;
    }
    if !source.is_ascii() && source.contains('\u{feff}') {
        return None;
    }
    let mut reader = Reader {
        text: source,
        src: bytes,
        pos: 0,
        line_start: 0,
        depth: 0,
        sink,
        next: Next::Other,
    };
    reader.document().ok()
}

struct Reader<'a, 's> {
    text: &'a str,
    src: &'a [u8],
    /// Where the entries of `gates.hard` and `gates.soft` go, if anywhere.
    sink: Option<&'s mut dyn GateSink>,
    /// What the next collection read is (set by a map before each of its values).
    next: Next,
    /// The next byte to read.
    pos: usize,
    /// Where the current line starts.
    line_start: usize,
    /// Containers open.
    depth: usize,
}

/// Whether `b` (followed by `next`) may start a plain scalar. Indicators give up, and so does
/// `-` unless a character that is neither blank nor a flow indicator follows it.
fn plain_start(b: u8, next: Option<u8>) -> bool {
    match b {
        b'-' => !matches!(
            next,
            None | Some(b' ' | b'\n' | b',' | b'[' | b']' | b'{' | b'}')
        ),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => false,
        _ => true,
    }
}

/// Whether a `:` followed by `next` ends a block key.
fn colon_ends(next: Option<u8>) -> bool {
    matches!(next, None | Some(b' ' | b'\n'))
}

/// The length of `bytes[..end]` without its trailing spaces.
fn trimmed_len(bytes: &[u8], end: usize) -> usize {
    let head = bytes.get(..end).unwrap_or_default();
    head.iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1)
}

/// Where a block plain scalar stopped.
struct Plain {
    /// The end of its text (trailing spaces excluded).
    end: usize,
    /// Whether it stopped at `: ` (it is a key).
    key: bool,
}

impl Reader<'_, '_> {
    fn byte(&self, i: usize) -> Option<u8> {
        self.src.get(i).copied()
    }

    fn cur(&self) -> Option<u8> {
        self.byte(self.pos)
    }

    fn slice(&self, start: usize, end: usize) -> Read<&str> {
        self.text.get(start..end).ok_or(GiveUp)
    }

    fn enter(&mut self) -> Read<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(GiveUp);
        }
        Ok(())
    }

    fn skip_spaces(&mut self) -> usize {
        let start = self.pos;
        while self.cur() == Some(b' ') {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Moves past the end of the current line.
    fn finish_line(&mut self) {
        while let Some(b) = self.cur() {
            self.pos += 1;
            if b == b'\n' {
                break;
            }
        }
        self.line_start = self.pos;
    }

    /// After a value: spaces, an optional comment, the end of the line.
    fn end_line(&mut self) -> Read<()> {
        let spaces = self.skip_spaces();
        match self.cur() {
            None | Some(b'\n') => {}
            Some(b'#') if spaces > 0 => {}
            Some(_) => return Err(GiveUp),
        }
        self.finish_line();
        Ok(())
    }

    /// Skips blank and comment lines; returns the indentation of the next content line (the
    /// reader then stands on its first character) or `None` at the end. Idempotent. A document
    /// marker gives up, except a leading `---` when `leading` is set.
    fn next_line(&mut self, mut leading: bool) -> Read<Option<usize>> {
        loop {
            let mut i = self.pos;
            while self.byte(i) == Some(b' ') {
                i += 1;
            }
            match self.byte(i) {
                None => {
                    self.pos = i;
                    return Ok(None);
                }
                Some(b'\n' | b'#') => {
                    self.pos = i;
                    self.finish_line();
                }
                Some(b) => {
                    let indent = i - self.line_start;
                    self.pos = i;
                    if indent == 0 && matches!(b, b'-' | b'.') && self.marker_like() {
                        if !(leading && self.leading_marker()) {
                            return Err(GiveUp);
                        }
                        leading = false;
                        self.finish_line();
                        continue;
                    }
                    return Ok(Some(indent));
                }
            }
        }
    }

    /// Whether the line starts with `---` or `...`.
    fn marker_like(&self) -> bool {
        let s = self.src.get(self.pos..self.pos + 3);
        s == Some(b"---") || s == Some(b"...")
    }

    /// Whether the line is `---`, maybe followed by spaces and a comment.
    fn leading_marker(&self) -> bool {
        if self.src.get(self.pos..self.pos + 3) != Some(b"---") {
            return false;
        }
        let mut i = self.pos + 3;
        match self.byte(i) {
            None | Some(b'\n') => return true,
            Some(b' ') => {}
            Some(_) => return false,
        }
        while self.byte(i) == Some(b' ') {
            i += 1;
        }
        matches!(self.byte(i), None | Some(b'\n' | b'#'))
    }

    fn document(&mut self) -> Read<Value> {
        let Some(indent) = self.next_line(true)? else {
            return Ok(Value::Null);
        };
        let value = self.block(indent)?;
        if self.next_line(false)?.is_some() {
            return Err(GiveUp);
        }
        Ok(value)
    }

    /// Whether the reader stands on a block sequence entry (`-` then a blank).
    fn at_dash(&self) -> bool {
        self.cur() == Some(b'-') && matches!(self.byte(self.pos + 1), None | Some(b' ' | b'\n'))
    }

    /// A block node whose first line starts at column `col`.
    fn block(&mut self, col: usize) -> Read<Value> {
        if self.at_dash() {
            self.seq(col)
        } else {
            self.map(col, None)
        }
    }

    /// The node after `key:` or `-` with nothing else on the line: a block more indented, a
    /// sequence at the same column (after a key, `indentless`), or null.
    fn nested(&mut self, col: usize, indentless: bool) -> Read<Value> {
        match self.next_line(false)? {
            Some(c) if c > col => self.block(c),
            Some(c) if c == col && indentless && self.at_dash() => self.seq(col),
            _ => Ok(Value::Null),
        }
    }

    fn seq(&mut self, col: usize) -> Read<Value> {
        let role = std::mem::take(&mut self.next);
        self.enter()?;
        let mut items = Vec::new();
        loop {
            self.pos += 1;
            let item = self.item(col)?;
            match (role, self.sink.as_mut()) {
                (Next::List(list), Some(sink)) => sink.entry(list, item).map_err(|()| GiveUp)?,
                _ => items.push(item),
            }
            match self.next_line(false)? {
                Some(c) if c == col && self.at_dash() => {}
                Some(c) if c > col => return Err(GiveUp),
                _ => break,
            }
        }
        self.depth -= 1;
        Ok(Value::Array(items))
    }

    /// A sequence entry, the reader standing after its `-`.
    fn item(&mut self, col: usize) -> Read<Value> {
        self.skip_spaces();
        match self.cur() {
            None | Some(b'\n' | b'#') => {
                self.finish_line();
                self.nested(col, false)
            }
            Some(b'-') if self.at_dash() => Err(GiveUp),
            Some(b'"' | b'\'') => {
                let c2 = self.pos - self.line_start;
                let text = self.quoted()?;
                if self.cur() == Some(b':') && colon_ends(self.byte(self.pos + 1)) {
                    if text.len() > MAX_KEY_LEN {
                        return Err(GiveUp);
                    }
                    self.pos += 1;
                    self.map(c2, Some(text))
                } else {
                    self.end_line()?;
                    Ok(Value::String(text))
                }
            }
            Some(b'[' | b'{') => {
                let value = self.flow()?;
                self.end_line()?;
                Ok(value)
            }
            Some(b) if plain_start(b, self.byte(self.pos + 1)) => {
                let c2 = self.pos - self.line_start;
                let start = self.pos;
                let plain = self.plain_block()?;
                if plain.key {
                    let key = self.plain_key(start, plain.end)?;
                    self.map(c2, Some(key))
                } else {
                    let value = resolve_plain(self.slice(start, plain.end)?);
                    self.end_line()?;
                    Ok(value)
                }
            }
            Some(_) => Err(GiveUp),
        }
    }

    /// A block map at column `col`; its first key may be read already (the reader then stands
    /// after its `:`).
    fn map(&mut self, col: usize, mut first: Option<String>) -> Read<Value> {
        let role = std::mem::take(&mut self.next);
        self.enter()?;
        let top = self.depth == 1;
        let mut map = Map::new();
        loop {
            let key = match first.take() {
                Some(key) => key,
                None => self.key()?,
            };
            self.next = match (role, key.as_str()) {
                _ if self.sink.is_none() => Next::Other,
                (_, "gates") if top => Next::Gates,
                (Next::Gates, "hard") => Next::List("hard"),
                (Next::Gates, "soft") => Next::List("soft"),
                _ => Next::Other,
            };
            let value = self.after_colon(col)?;
            self.next = Next::Other;
            match map.entry(key) {
                Entry::Vacant(e) => {
                    e.insert(value);
                }
                Entry::Occupied(_) => return Err(GiveUp),
            }
            match self.next_line(false)? {
                Some(c) if c == col => {}
                Some(c) if c > col => return Err(GiveUp),
                _ => break,
            }
        }
        self.depth -= 1;
        Ok(Value::Object(map))
    }

    /// A block key and its `:`.
    fn key(&mut self) -> Read<String> {
        match self.cur() {
            Some(b'"' | b'\'') => {
                let key = self.quoted()?;
                if key.len() > MAX_KEY_LEN
                    || self.cur() != Some(b':')
                    || !colon_ends(self.byte(self.pos + 1))
                {
                    return Err(GiveUp);
                }
                self.pos += 1;
                Ok(key)
            }
            Some(b) if plain_start(b, self.byte(self.pos + 1)) => {
                let start = self.pos;
                let plain = self.plain_block()?;
                if !plain.key {
                    return Err(GiveUp);
                }
                self.plain_key(start, plain.end)
            }
            _ => Err(GiveUp),
        }
    }

    /// A plain key from `start` to `end`, the reader standing on its `:`.
    fn plain_key(&mut self, start: usize, end: usize) -> Read<String> {
        // `key : value` and very long keys are left to yaml-rust2.
        if end != self.pos || end - start > MAX_KEY_LEN {
            return Err(GiveUp);
        }
        let key = self.slice(start, end)?.to_owned();
        self.pos += 1;
        Ok(key)
    }

    /// The value after a block key's `:`.
    fn after_colon(&mut self, col: usize) -> Read<Value> {
        self.skip_spaces();
        let value = match self.cur() {
            None | Some(b'\n' | b'#') => {
                self.finish_line();
                return self.nested(col, true);
            }
            Some(b'"' | b'\'') => Value::String(self.quoted()?),
            Some(b'[' | b'{') => self.flow()?,
            Some(b) if plain_start(b, self.byte(self.pos + 1)) => {
                let start = self.pos;
                let plain = self.plain_block()?;
                if plain.key {
                    return Err(GiveUp);
                }
                resolve_plain(self.slice(start, plain.end)?)
            }
            Some(_) => return Err(GiveUp),
        };
        self.end_line()?;
        Ok(value)
    }

    /// Scans a plain scalar in block context to the end of the line, a ` #` comment, or `: `
    /// (a key; the reader then stands on the `:`).
    fn plain_block(&mut self) -> Read<Plain> {
        let start = self.pos;
        let rest = self.src.get(start..).unwrap_or_default();
        let mut i = 0;
        let stop = loop {
            let found = rest
                .get(i..)
                .and_then(|r| r.iter().position(|&b| matches!(b, b'\n' | b':' | b' ')));
            let Some(j) = found.map(|k| i + k) else {
                break rest.len();
            };
            match rest.get(j) {
                Some(b':') if colon_ends(rest.get(j + 1).copied()) => {
                    self.pos = start + j;
                    return Ok(Plain {
                        end: start + trimmed_len(rest, j),
                        key: true,
                    });
                }
                Some(b' ') if rest.get(j + 1) == Some(&b'#') => break j,
                Some(b':' | b' ') => i = j + 1,
                _ => break j,
            }
        };
        self.pos = start + stop;
        Ok(Plain {
            end: start + trimmed_len(rest, stop),
            key: false,
        })
    }

    /// A plain scalar in a flow collection: it stops at a flow indicator, a `:` or the end of
    /// the line (the caller decides what is allowed there); the reader stands on that stop.
    fn plain_flow(&mut self) -> Read<&str> {
        let start = self.pos;
        let mut i = start;
        let mut end = start;
        loop {
            match self.byte(i) {
                None | Some(b'\n' | b',' | b'[' | b']' | b'{' | b'}' | b':') => break,
                Some(b' ') => {
                    match self.byte(i + 1) {
                        Some(b'#') => break,
                        // yaml-rust2 takes `-` after a space for the start of a new scalar and
                        // refuses it when only an indicator or the end follows (`[a -]`,
                        // `[a - ]`); left to it.
                        Some(b'-') if self.dash_ends(i + 2) => return Err(GiveUp),
                        _ => {}
                    }
                    i += 1;
                }
                Some(_) => {
                    i += 1;
                    end = i;
                }
            }
        }
        self.pos = i;
        self.slice(start, end)
    }

    /// Whether, from `i` on, only spaces come before an indicator, a comment or the end of the
    /// line.
    fn dash_ends(&self, mut i: usize) -> bool {
        while self.byte(i) == Some(b' ') {
            i += 1;
        }
        matches!(
            self.byte(i),
            None | Some(b'\n' | b'#' | b',' | b'[' | b']' | b'{' | b'}')
        )
    }

    /// A flow sequence or map on one line, the reader standing on its `[` or `{`.
    fn flow(&mut self) -> Read<Value> {
        // A flow list of gates is kept whole, like any other value.
        self.next = Next::Other;
        self.enter()?;
        let open = self.cur();
        self.pos += 1;
        self.skip_spaces();
        let value = if open == Some(b'[') {
            let mut items = Vec::new();
            if self.cur() == Some(b']') {
                self.pos += 1;
            } else {
                loop {
                    items.push(self.flow_node()?);
                    if self.flow_next(b']')? {
                        break;
                    }
                }
            }
            Value::Array(items)
        } else {
            let mut map = Map::new();
            if self.cur() == Some(b'}') {
                self.pos += 1;
            } else {
                loop {
                    let key = self.flow_key()?;
                    self.skip_spaces();
                    let value = self.flow_node()?;
                    match map.entry(key) {
                        Entry::Vacant(e) => {
                            e.insert(value);
                        }
                        Entry::Occupied(_) => return Err(GiveUp),
                    }
                    if self.flow_next(b'}')? {
                        break;
                    }
                }
            }
            Value::Object(map)
        };
        self.depth -= 1;
        Ok(value)
    }

    /// After a flow entry: `,` and another entry (false), or the closing bracket (true).
    fn flow_next(&mut self, close: u8) -> Read<bool> {
        self.skip_spaces();
        match self.cur() {
            Some(b',') => {
                self.pos += 1;
                self.skip_spaces();
                // A trailing comma or an empty entry is left to yaml-rust2.
                if matches!(self.cur(), Some(b',' | b']' | b'}')) {
                    return Err(GiveUp);
                }
                Ok(false)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(GiveUp),
        }
    }

    /// A flow map key and its `: `.
    fn flow_key(&mut self) -> Read<String> {
        let key = match self.cur() {
            Some(b'"' | b'\'') => self.quoted()?,
            Some(b) if plain_start(b, self.byte(self.pos + 1)) => self.plain_flow()?.to_owned(),
            _ => return Err(GiveUp),
        };
        if key.len() > MAX_KEY_LEN
            || self.cur() != Some(b':')
            || self.byte(self.pos + 1) != Some(b' ')
            || self.src.get(self.pos.wrapping_sub(1)) == Some(&b' ')
        {
            return Err(GiveUp);
        }
        self.pos += 1;
        Ok(key)
    }

    /// A scalar or collection inside a flow collection.
    fn flow_node(&mut self) -> Read<Value> {
        match self.cur() {
            Some(b'[' | b'{') => self.flow(),
            Some(b'"' | b'\'') => Ok(Value::String(self.quoted()?)),
            Some(b) if plain_start(b, self.byte(self.pos + 1)) => {
                let text = self.plain_flow()?;
                Ok(resolve_plain(text))
            }
            _ => Err(GiveUp),
        }
    }

    /// A quoted scalar closed on its line, the reader standing on its opening quote.
    fn quoted(&mut self) -> Read<String> {
        if self.cur() == Some(b'"') {
            self.double()
        } else {
            self.single()
        }
    }

    fn single(&mut self) -> Read<String> {
        let start = self.pos + 1;
        let mut i = start;
        let mut out: Option<String> = None;
        let mut run = start;
        loop {
            match self.byte(i) {
                None | Some(b'\n') => return Err(GiveUp),
                Some(b'\'') if self.byte(i + 1) == Some(b'\'') => {
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(self.text.get(run..=i).ok_or(GiveUp)?);
                    i += 2;
                    run = i;
                }
                Some(b'\'') => {
                    return self.close_quoted(out, run, i);
                }
                Some(_) => {
                    // memchr: a governed policy's patterns are long single-quoted scalars,
                    // and the byte loop was 0.17 M of the 1.37 M instructions of a hook call
                    // (callgrind, December 2026).
                    let rest = self.src.get(i + 1..).unwrap_or_default();
                    i += 1 + memchr::memchr2(b'\'', b'\n', rest).unwrap_or(rest.len());
                }
            }
        }
    }

    /// Ends a quoted scalar whose closing quote is at `close`: the text unescaped so far (if
    /// any escape was met) plus the plain run from `run`; the reader moves past the quote.
    fn close_quoted(&mut self, out: Option<String>, run: usize, close: usize) -> Read<String> {
        let tail = self.slice(run, close)?;
        let s = match out {
            Some(mut s) => {
                s.push_str(tail);
                s
            }
            None => tail.to_owned(),
        };
        self.pos = close + 1;
        Ok(s)
    }

    fn double(&mut self) -> Read<String> {
        let start = self.pos + 1;
        let mut i = start;
        let mut out: Option<String> = None;
        let mut run = start;
        loop {
            match self.byte(i) {
                None | Some(b'\n') => return Err(GiveUp),
                Some(b'"') => {
                    return self.close_quoted(out, run, i);
                }
                Some(b'\\') => {
                    let head = self.slice(run, i)?;
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(head);
                    let (c, len) = self.escape(i + 1)?;
                    s.push(c);
                    i += 1 + len;
                    run = i;
                }
                Some(_) => {
                    let rest = self.src.get(i + 1..).unwrap_or_default();
                    i += 1 + memchr::memchr3(b'"', b'\\', b'\n', rest).unwrap_or(rest.len());
                }
            }
        }
    }

    /// The character of the escape whose letter is at `i`, and how many bytes it spans.
    fn escape(&self, i: usize) -> Read<(char, usize)> {
        let digits = match self.byte(i) {
            Some(b'0') => return Ok(('\0', 1)),
            Some(b'a') => return Ok(('\x07', 1)),
            Some(b'b') => return Ok(('\x08', 1)),
            Some(b't') => return Ok(('\t', 1)),
            Some(b'n') => return Ok(('\n', 1)),
            Some(b'v') => return Ok(('\x0b', 1)),
            Some(b'f') => return Ok(('\x0c', 1)),
            Some(b'r') => return Ok(('\r', 1)),
            Some(b'e') => return Ok(('\x1b', 1)),
            Some(b' ') => return Ok((' ', 1)),
            Some(b'"') => return Ok(('"', 1)),
            Some(b'/') => return Ok(('/', 1)),
            Some(b'\\') => return Ok(('\\', 1)),
            Some(b'N') => return Ok(('\u{85}', 1)),
            Some(b'_') => return Ok(('\u{a0}', 1)),
            Some(b'L') => return Ok(('\u{2028}', 1)),
            Some(b'P') => return Ok(('\u{2029}', 1)),
            Some(b'x') => 2,
            Some(b'u') => 4,
            Some(b'U') => 8,
            _ => return Err(GiveUp),
        };
        let hex = self.src.get(i + 1..i + 1 + digits).ok_or(GiveUp)?;
        let mut code = 0u32;
        for &h in hex {
            let d = char::from(h).to_digit(16).ok_or(GiveUp)?;
            code = (code << 4) | d;
        }
        let c = char::from_u32(code).ok_or(GiveUp)?;
        Ok((c, 1 + digits))
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::path::{Path, PathBuf};

    use proptest::prelude::*;

    use super::*;
    use crate::tree::{Positions, build};

    /// What the builder reads, when it reads the text without any diagnostic.
    fn builder(src: &str) -> Option<Value> {
        match build(&Positions::new(src), true) {
            Ok(tree) if tree.diagnostics.is_empty() => Some(tree.value),
            _ => None,
        }
    }

    /// Whenever the fast reader answers, the builder agrees. Returns the fast answer.
    fn agrees(src: &str) -> Option<Value> {
        let fast = read(src);
        if let Some(v) = &fast {
            assert_eq!(
                builder(src).as_ref(),
                Some(v),
                "fast reader differs on {src:?}"
            );
        }
        fast
    }

    /// The fast reader reads `src`, to what the builder reads.
    fn accepted(src: &str) -> Value {
        let v = agrees(src).unwrap_or_else(|| panic!("fast reader gave up on {src:?}"));
        assert!(builder(src).is_some());
        v
    }

    fn yaml_files() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("../kernel/policies")];
        for sub in ["tests/data", "tests/data/valid", "tests/data/invalid"] {
            dirs.push(root.join(sub));
        }
        let mut files: Vec<PathBuf> = dirs
            .iter()
            .filter_map(|d| std::fs::read_dir(d).ok())
            .flatten()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn the_switch_follows_the_environment() {
        let set = std::env::var_os(LIBRARY_PATH_VARIABLE).is_some_and(|v| v == "1");
        assert_eq!(library_forced(), set);
        // Forced or not, a load gives the same policy.
        let src = include_str!("../../../kernel/policies/governed.yaml");
        let loaded = crate::load_str_with(src, "governed.yaml", crate::LoadOptions::fast());
        assert_eq!(
            loaded.map(|l| l.policy).ok(),
            crate::load_str(src, "governed.yaml").map(|l| l.policy).ok()
        );
    }

    #[test]
    fn real_policies_are_read_fast_and_equal() {
        let files = yaml_files();
        assert!(files.len() >= 20, "{files:?}");
        let mut fast = 0;
        for path in &files {
            let src = std::fs::read_to_string(path).unwrap();
            let expected = builder(&src);
            // Every file the builder reads cleanly is in the subset; the others (syntax
            // errors, tabs, duplicate keys) give up.
            assert_eq!(read(&src), expected, "{}", path.display());
            fast += usize::from(expected.is_some());
        }
        assert!(fast >= 20, "{fast}");
    }

    #[test]
    fn the_governed_policy_is_read_fast() {
        let src = include_str!("../../../kernel/policies/governed.yaml");
        let v = accepted(src);
        assert_eq!(v["version"], "1.0");
    }

    /// Files named in `FASTYAML_FILES` (`:`-separated; the benches' 1,000-gate policy, the
    /// shared naive-hook policy): read fast, to the builder's value. Also the callgrind target.
    #[test]
    #[ignore = "reads the files named in FASTYAML_FILES"]
    fn files_named_in_the_environment_are_read_fast() {
        let files = std::env::var("FASTYAML_FILES").unwrap();
        for path in files.split(':') {
            let src = std::fs::read_to_string(path).unwrap();
            accepted(&src);
        }
    }

    /// The shape of `metalayer_benches::policy_yaml_with_gates`.
    fn policy_with_gates(n: usize) -> String {
        let mut s = String::from("version: \"1.0\"\nprofile: governed\nsetpoints:\n");
        s.push_str("  - id: S13\n    name: \"bridge_freshness_seconds\"\n    target: 120\n    alert_above: 3600\n    measurement: \"seconds since last conversation bridge run\"\n    severity: informational\n");
        s.push_str("gates:\n  hard:\n");
        for i in 0..n {
            let pattern = match i % 4 {
                0 => format!(r"tool{i}\s+(?:--force|-f)\b"),
                1 => format!(r"deploy-{i}\b.*\bprod(?:uction)?\b"),
                2 => format!(r"(?:^|/)secret{i}\.(?:json|ya?ml)$"),
                _ => format!(r"svc{i}\s+(?:stop|kill|rm)\s+\S+ 'it''s'"),
            };
            let pattern = pattern.replace('\'', "''");
            writeln!(
                s,
                "    - id: N{i}\n      rule: \"Synthetic gate N{i}\"\n      pattern: '{pattern}'"
            )
            .unwrap();
        }
        s
    }

    #[test]
    fn a_thousand_gates_are_read_fast() {
        let src = policy_with_gates(1000);
        let v = accepted(&src);
        assert_eq!(v["gates"]["hard"].as_array().unwrap().len(), 1000);
        assert_eq!(
            v["gates"]["hard"][3]["pattern"],
            r"svc3\s+(?:stop|kill|rm)\s+\S+ 'it''s'"
        );
        assert_eq!(v["setpoints"][0]["target"], 120);
    }

    #[test]
    fn the_subset_is_read() {
        let cases = [
            "",
            "# only a comment\n\n",
            "---\n",
            "--- # start\na: 1\n",
            "a: 1\nb: -2\nc: 1.5\nd: 1e3\ne: 0x1F\nf: 0o17\ng: +5\nh: 1.0.2\n",
            "a: true\nb: False\nc: NULL\nd: ~\ne:\nf: yes\ng: .inf\n",
            "a: 'it''s'\nb: \"tab\\there \\\"q\\\" \\\\ \\/ \\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\0\\e\"\n",
            "a: \"1\"\nb: '~'\n'c d': \"e: f # g\"\n\"h\": i\n",
            "a: b # comment\nc: d#e\nf: http://x.y/z\ng: a:b\nh: C# and F#\n",
            "a:\n  b:\n    c: 1\n  d: [1, two, \"3\", 'four', -5]\n",
            "a: {type: builtin, spec: x}\nb: {}\nc: []\nd: [ ]\ne: { }\n",
            "a: [[1, 2], {b: c}, [], {}]\n",
            "- a\n- 1\n-\n- - x\n",
            "- id: G1\n  rule: x\n-   id: G2\n    rule: y\n- 'k': v\n- \"k2\": v\n",
            "a:\n- x\n- y\nb:\n  - z\n",
            "- a:\n  - x\n  b: 1\n- c:\n- d\n",
            "a:\n    # indented comment\n  b: 1\n# column 0\n  c: 2\n",
            "a: 1   \nb: 'x'   # c\n",
            "x:\n  -\n    y: 1\n  - [a, b] # c\n",
            "\"a/b\": {\"c~d\": 1}\n",
            "rule: \"é✓\"\nx: ü\n",
            "a: -x\nb: --force\nc: -1\nd: '-'\n",
            "a: b c  d\n",
            "  a: 1\n  b: 2\n",
            "1: one\ntrue: yes\nnull: z\n",
        ];
        for src in cases {
            if src.contains("- - x") {
                // A nested sequence on one line gives up.
                assert_eq!(agrees(src), None);
                continue;
            }
            accepted(src);
        }
    }

    #[test]
    fn outside_the_subset_gives_up() {
        let cases = [
            "a: |\n  text\n",
            "a: >\n  text\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n---\nb: 2\n",
            "a: 1\n...\n",
            "a: multi\n  line\n",
            "a: 'multi\n  line'\n",
            "a: [1,\n  2]\n",
            "? a\n: b\n",
            "a:\n\tb: 1\n",
            "a: 1\r\nb: 2\r\n",
            "a: 1\nb: 2\na: 3\n",
            "a: {b: 1, b: 2}\n",
            "a: [1, 2,]\n",
            "a: [1, , 2]\n",
            "a: {b: }\n",
            "a: [b: c]\n",
            "a: [http://x]\n",
            "a : 1\n",
            "a: b: c\n",
            "a: \"b\" c\n",
            "[a]: b\n",
            "just a scalar\n",
            "a: 1\n  b: 2\n",
            "a:\n    b: 1\n  c: 2\n",
            "- a\n  - b\n",
            "a: \"\\q\"\n",
            "a: \"\\ud800\"\n",
            "\u{feff}a: 1\n",
            "a: \0\n",
            "a: @x\n",
            "a: `x`\n",
            "a: [a #c]\n",
            "a: 'x'#c\n",
        ];
        for src in cases {
            assert_eq!(read(src), None, "{src:?}");
        }
        let deep = "a:\n".to_owned()
            + &(1..40)
                .map(|i| format!("{}a:\n", " ".repeat(i)))
                .collect::<String>();
        assert_eq!(read(&deep), None);
        let long_key = format!("{}: 1\n", "k".repeat(600));
        assert_eq!(read(&long_key), None);
    }

    /// A scalar and how to write it.
    #[derive(Debug, Clone)]
    enum Scalar {
        /// Written as is (safe in block context; `flow` when also safe in flow context).
        Plain {
            text: String,
            flow: bool,
        },
        Single(String),
        Double(String),
    }

    #[derive(Debug, Clone)]
    enum Node {
        Scalar(Scalar),
        Map(Vec<(Scalar, Node)>),
        Seq(Vec<Node>),
        FlowSeq(Vec<Flow>),
        FlowMap(Vec<(Scalar, Flow)>),
    }

    #[derive(Debug, Clone)]
    enum Flow {
        Scalar(Scalar),
        Seq(Vec<Scalar>),
        Map(Vec<(Scalar, Scalar)>),
    }

    const BLOCK_PLAIN: &[&str] = &[
        "http://x.y/z",
        "a:b",
        "C#",
        "x[y]",
        "a, b",
        "x{not,flow}",
        "a#b",
    ];
    const FLOW_PLAIN: &[&str] = &[
        "1",
        "-3",
        "0",
        "007",
        "0x1F",
        "0o17",
        "+5",
        "1.5",
        "-0.5",
        ".5",
        "1e3",
        "1.0.2",
        "true",
        "False",
        "TRUE",
        "null",
        "Null",
        "~",
        "yes",
        "no",
        ".inf",
        ".nan",
        "G1",
        "git push",
        "a  b",
        "-x",
        "--force",
        ".env",
        "é✓",
        "a'b",
        "a\"b",
        "a&b",
        "a*b",
        "a!b",
        "x-",
        "99999999999999999999",
        "-9223372036854775809",
        "1_000",
        "0b11",
        "+",
        "-.",
        "12e",
    ];

    fn scalar() -> impl Strategy<Value = Scalar> {
        let text = "[a-z0-9 :#'\"\\\\{}\\[\\],é\\-]{0,10}";
        prop_oneof![
            4 => proptest::sample::select(FLOW_PLAIN).prop_map(|t| Scalar::Plain { text: t.to_owned(), flow: true }),
            1 => proptest::sample::select(BLOCK_PLAIN).prop_map(|t| Scalar::Plain { text: t.to_owned(), flow: false }),
            1 => Just(Scalar::Plain { text: String::new(), flow: false }),
            2 => text.prop_map(Scalar::Single),
            2 => "[a-z0-9 :#'\"\\\\{}\\[\\],é\\-\n\t\u{1}\u{85}\u{2028}]{0,10}".prop_map(Scalar::Double),
        ]
    }

    fn flow_scalar() -> impl Strategy<Value = Scalar> {
        scalar().prop_filter("safe in flow", |s| match s {
            Scalar::Plain { text, flow } => *flow && !text.is_empty(),
            _ => true,
        })
    }

    fn key() -> impl Strategy<Value = Scalar> {
        prop_oneof![
            4 => "[a-z_][a-z0-9_ -]{0,6}[a-z0-9]".prop_map(|t| Scalar::Plain { text: t, flow: true }),
            1 => proptest::sample::select(&["1", "true", "null", "~", "-x", "a.b", "é"][..])
                .prop_map(|t| Scalar::Plain { text: t.to_owned(), flow: true }),
            1 => "[a-z :#'\"]{0,6}".prop_map(Scalar::Single),
            1 => "[a-z :#'\"\\\\\n]{0,6}".prop_map(Scalar::Double),
        ]
    }

    fn unique<T>(entries: Vec<(Scalar, T)>) -> Vec<(Scalar, T)> {
        let mut seen = std::collections::HashSet::new();
        entries
            .into_iter()
            .filter(|(k, _)| seen.insert(key_text(k)))
            .collect()
    }

    fn key_text(k: &Scalar) -> String {
        match k {
            Scalar::Plain { text, .. } | Scalar::Single(text) | Scalar::Double(text) => {
                text.clone()
            }
        }
    }

    fn flow() -> impl Strategy<Value = Flow> {
        prop_oneof![
            3 => flow_scalar().prop_map(Flow::Scalar),
            1 => proptest::collection::vec(flow_scalar(), 0..4).prop_map(Flow::Seq),
            1 => proptest::collection::vec((key(), flow_scalar()), 0..4)
                .prop_map(|e| Flow::Map(unique(e))),
        ]
    }

    fn node() -> impl Strategy<Value = Node> {
        let leaf = prop_oneof![
            4 => scalar().prop_map(Node::Scalar),
            1 => proptest::collection::vec(flow(), 0..4).prop_map(Node::FlowSeq),
            1 => proptest::collection::vec((key(), flow()), 0..4)
                .prop_map(|e| Node::FlowMap(unique(e))),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                proptest::collection::vec((key(), inner.clone()), 1..5)
                    .prop_map(|e| Node::Map(unique(e))),
                proptest::collection::vec(inner, 1..5).prop_map(Node::Seq),
            ]
        })
    }

    /// Style choices while writing, from a seed.
    struct Dice(u64);

    impl Dice {
        fn roll(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    fn write_scalar(s: &Scalar, out: &mut String) {
        match s {
            Scalar::Plain { text, .. } => out.push_str(text),
            Scalar::Single(t) => {
                out.push('\'');
                out.push_str(&t.replace('\'', "''"));
                out.push('\'');
            }
            Scalar::Double(t) => {
                out.push('"');
                for c in t.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\t' => out.push_str("\\t"),
                        '\u{85}' => out.push_str("\\N"),
                        '\u{2028}' => out.push_str("\\L"),
                        'é' => out.push_str("\\u00e9"),
                        c if (c as u32) < 0x20 => write!(out, "\\x{:02x}", c as u32).unwrap(),
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
        }
    }

    fn write_flow(f: &Flow, out: &mut String) {
        match f {
            Flow::Scalar(s) => write_scalar(s, out),
            Flow::Seq(items) => write_list(out, '[', items, ']', write_scalar),
            Flow::Map(entries) => write_list(out, '{', entries, '}', |(k, v), out| {
                write_scalar(k, out);
                out.push_str(": ");
                write_scalar(v, out);
            }),
        }
    }

    /// `open`, the items written by `write` and separated by `, `, then `close`.
    fn write_list<T>(
        out: &mut String,
        open: char,
        items: &[T],
        close: char,
        mut write: impl FnMut(&T, &mut String),
    ) {
        out.push(open);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write(item, out);
        }
        out.push(close);
    }

    fn comment_lines(dice: &mut Dice, out: &mut String) {
        match dice.roll(8) {
            0 => out.push('\n'),
            1 => {
                let indent = dice.roll(9) as usize;
                writeln!(out, "{}# note: - x 'y", " ".repeat(indent)).unwrap();
            }
            _ => {}
        }
    }

    fn end_of_line(dice: &mut Dice, out: &mut String) {
        if dice.roll(6) == 0 {
            out.push_str("  # trailing: x");
        }
        out.push('\n');
    }

    /// Writes the value of a map entry, after its `key:`.
    fn write_value(node: &Node, indent: usize, dice: &mut Dice, out: &mut String) {
        let step = if dice.roll(3) == 0 { 4 } else { 2 };
        match node {
            Node::Scalar(Scalar::Plain { text, .. }) if text.is_empty() => {
                end_of_line(dice, out);
            }
            Node::Scalar(s) => {
                out.push(' ');
                write_scalar(s, out);
                end_of_line(dice, out);
            }
            Node::FlowSeq(items) => {
                out.push(' ');
                write_list(out, '[', items, ']', write_flow);
                end_of_line(dice, out);
            }
            Node::FlowMap(entries) => {
                out.push(' ');
                write_list(out, '{', entries, '}', |(k, f), out| {
                    write_scalar(k, out);
                    out.push_str(": ");
                    write_flow(f, out);
                });
                end_of_line(dice, out);
            }
            Node::Map(entries) => {
                end_of_line(dice, out);
                write_map(entries, indent + step, false, dice, out);
            }
            Node::Seq(items) => {
                end_of_line(dice, out);
                // A sequence may sit at the same column as its key.
                let at = if dice.roll(3) == 0 {
                    indent
                } else {
                    indent + step
                };
                write_seq(items, at, dice, out);
            }
        }
    }

    fn write_map(
        entries: &[(Scalar, Node)],
        indent: usize,
        first_inline: bool,
        dice: &mut Dice,
        out: &mut String,
    ) {
        for (i, (k, v)) in entries.iter().enumerate() {
            if i > 0 || !first_inline {
                if i > 0 {
                    comment_lines(dice, out);
                }
                out.push_str(&" ".repeat(indent));
            }
            write_scalar(k, out);
            out.push(':');
            write_value(v, indent, dice, out);
        }
    }

    fn write_seq(items: &[Node], indent: usize, dice: &mut Dice, out: &mut String) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                comment_lines(dice, out);
            }
            out.push_str(&" ".repeat(indent));
            out.push('-');
            match item {
                Node::Map(entries) if dice.roll(3) > 0 => {
                    let gap = 1 + dice.roll(3) as usize;
                    out.push_str(&" ".repeat(gap));
                    write_map(entries, indent + 1 + gap, true, dice, out);
                }
                Node::Map(entries) => {
                    end_of_line(dice, out);
                    write_map(entries, indent + 2, false, dice, out);
                }
                Node::Seq(items) => {
                    end_of_line(dice, out);
                    write_seq(items, indent + 2, dice, out);
                }
                // `- value` is written like `key: value`.
                other => write_value(other, indent, dice, out),
            }
        }
    }

    fn document(root: &Node, seed: u64) -> String {
        let mut dice = Dice(seed | 1);
        let mut out = String::new();
        match dice.roll(4) {
            0 => out.push_str("---\n"),
            1 => out.push_str("# policy\n\n"),
            _ => {}
        }
        match root {
            Node::Map(entries) => write_map(entries, 0, false, &mut dice, &mut out),
            Node::Seq(items) => write_seq(items, 0, &mut dice, &mut out),
            other => {
                out.push_str("root:");
                write_value(other, 0, &mut dice, &mut out);
            }
        }
        comment_lines(&mut dice, &mut out);
        out
    }

    const MUTANTS: &[char] = &[
        ' ', '\n', ':', '#', '-', '\'', '"', '[', ']', '{', '}', ',', '\\', 'a', '1', '&', '*',
        '|', '>', '?', '!', '%', '\t', '.', '~',
    ];

    /// Replaces, inserts or deletes one character.
    fn mutate(src: &str, at: usize, op: u8, c: char) -> String {
        let chars: Vec<char> = src.chars().collect();
        let at = at % (chars.len() + 1);
        let mut out: Vec<char> = chars.clone();
        match op % 3 {
            0 if at < chars.len() => out[at] = c,
            1 => out.insert(at, c),
            _ if at < chars.len() => {
                out.remove(at);
            }
            _ => out.push(c),
        }
        out.into_iter().collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 512,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn generated_documents_are_read_like_the_builder(
            root in node(),
            seed in any::<u64>(),
            mutations in proptest::collection::vec(
                (any::<usize>(), any::<u8>(), proptest::sample::select(MUTANTS)),
                8,
            ),
        ) {
            let src = document(&root, seed);
            // The generator writes only the subset: the fast reader must read it.
            accepted(&src);
            for (at, op, c) in mutations {
                agrees(&mutate(&src, at, op, c));
            }
        }
    }
}
