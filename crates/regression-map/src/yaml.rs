//! YAML feature maps read with yaml-rust2, the YAML crate the policy crate uses too (one YAML
//! backend for the workspace; serde_yaml is deprecated).
//!
//! The parser's events are written out as JSON text, one token per line, and that text goes
//! through the same serde path as a JSON map, so both formats mean the same thing by
//! construction (map order included). Each JSON line remembers the YAML position it came from,
//! so an error in the map's shape (`patterns` not a list, say) is reported at its line and
//! column in the YAML file.
//!
//! Scalars follow YAML 1.2's core schema: plain `true`/`false`, `null`/`~`/empty, integers and
//! floats are typed, everything else (and every quoted scalar) is a string. Anchors and aliases
//! are expanded. Only one document is read; complex keys (a list or map as a key) are refused.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A problem reading the YAML itself (not the map's shape).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub(crate) struct YamlError {
    /// What is wrong.
    pub(crate) message: String,
    /// 1-based line.
    pub(crate) line: usize,
    /// 1-based column.
    pub(crate) column: usize,
}

/// JSON text for a YAML document, with the YAML position (1-based line and column) of each of
/// its lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct Json {
    /// The JSON text, one token per line.
    pub(crate) text: String,
    /// `positions[n]`: the YAML line and column of JSON line `n + 1`.
    pub(crate) positions: Vec<(usize, usize)>,
}

impl Json {
    /// The YAML position of 1-based JSON line `line`.
    pub(crate) fn position(&self, line: usize) -> Option<(usize, usize)> {
        line.checked_sub(1)
            .and_then(|at| self.positions.get(at))
            .copied()
    }

    fn line(&mut self, token: &str, at: (usize, usize)) {
        self.text.push_str(token);
        self.text.push('\n');
        self.positions.push(at);
    }
}

/// A container being written.
struct Open {
    map: bool,
    items: usize,
    /// In a map: the next scalar is a key.
    key_next: bool,
}

/// An anchored node being written: where its text starts, to be kept for its aliases.
struct Capture {
    anchor: usize,
    depth: usize,
    text_start: usize,
    lines_start: usize,
}

/// The writer of JSON lines from parser events.
#[derive(Default)]
struct Writer {
    json: Json,
    stack: Vec<Open>,
    captures: Vec<Capture>,
    anchors: HashMap<usize, (String, usize)>,
    wrote_root: bool,
}

fn at(mark: Marker) -> (usize, usize) {
    (mark.line().max(1), mark.col() + 1)
}

fn fail(message: impl Into<String>, mark: Marker) -> YamlError {
    let (line, column) = at(mark);
    YamlError {
        message: message.into(),
        line,
        column,
    }
}

impl Writer {
    fn expecting_key(&self) -> bool {
        self.stack.last().is_some_and(|o| o.map && o.key_next)
    }

    /// Writes what goes before a value: a comma after an earlier list item. (In a map the
    /// comma goes before the key.)
    fn before_value(&mut self, mark: Marker) {
        if self
            .stack
            .last()
            .is_some_and(|open| !open.map && open.items > 0)
        {
            self.json.line(",", at(mark));
        }
    }

    /// Counts a finished value in its container.
    fn after_value(&mut self) {
        match self.stack.last_mut() {
            Some(open) => {
                open.items += 1;
                open.key_next = open.map;
            }
            None => self.wrote_root = true,
        }
    }

    fn start_capture(&mut self, anchor: usize) {
        if anchor > 0 {
            self.captures.push(Capture {
                anchor,
                depth: self.stack.len(),
                text_start: self.json.text.len(),
                lines_start: self.json.positions.len(),
            });
        }
    }

    fn end_capture(&mut self) {
        if let Some(capture) = self.captures.last()
            && capture.depth == self.stack.len()
        {
            let text = self
                .json
                .text
                .get(capture.text_start..)
                .unwrap_or_default()
                .to_owned();
            let lines = self.json.positions.len() - capture.lines_start;
            self.anchors.insert(capture.anchor, (text, lines));
            self.captures.pop();
        }
    }

    fn event(&mut self, event: Event, mark: Marker) -> Result<bool, YamlError> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                if self.expecting_key() {
                    let comma = self.stack.last().is_some_and(|o| o.items > 0);
                    if comma {
                        self.json.line(",", at(mark));
                    }
                    self.json.line(&format!("{}:", quote(&text)), at(mark));
                    if let Some(open) = self.stack.last_mut() {
                        open.key_next = false;
                    }
                    return Ok(true);
                }
                self.before_value(mark);
                let string_tag = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let token = if style == TScalarStyle::Plain && !string_tag {
                    plain(&text)
                } else {
                    quote(&text)
                };
                self.start_capture(anchor);
                self.json.line(&token, at(mark));
                self.end_capture();
                self.after_value();
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.expecting_key() {
                    return Err(fail(
                        "a list or map as a key is not supported in a feature map",
                        mark,
                    ));
                }
                self.before_value(mark);
                let map = matches!(event, Event::MappingStart(..));
                self.start_capture(anchor);
                self.json.line(if map { "{" } else { "[" }, at(mark));
                self.stack.push(Open {
                    map,
                    items: 0,
                    key_next: map,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let map = self.stack.pop().is_some_and(|o| o.map);
                self.json.line(if map { "}" } else { "]" }, at(mark));
                self.end_capture();
                self.after_value();
            }
            Event::Alias(id) => {
                let Some((text, lines)) = self.anchors.get(&id).cloned() else {
                    return Err(fail("an alias of an unknown anchor", mark));
                };
                if self.expecting_key() {
                    return Err(fail(
                        "an alias as a key is not supported in a feature map",
                        mark,
                    ));
                }
                self.before_value(mark);
                self.json.text.push_str(&text);
                self.json
                    .positions
                    .extend(std::iter::repeat_n(at(mark), lines));
                self.after_value();
            }
            // The parser starts every document with this event, so a second one is refused
            // before any of its values is written.
            Event::DocumentStart => {
                if self.wrote_root {
                    return Err(fail(
                        "more than one document; a feature map is one document",
                        mark,
                    ));
                }
            }
            Event::StreamEnd => return Ok(false),
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(true)
    }
}

/// Reads `source` as YAML into JSON lines.
pub(crate) fn to_json(source: &str) -> Result<Json, YamlError> {
    let mut writer = Writer::default();
    let mut parser = Parser::new_from_str(source);
    loop {
        match parser.next_token() {
            Ok((event, mark)) => {
                if !writer.event(event, mark)? {
                    break;
                }
            }
            Err(e) => {
                let (line, column) = at(*e.marker());
                return Err(YamlError {
                    message: e.info().to_owned(),
                    line,
                    column,
                });
            }
        }
    }
    if !writer.wrote_root {
        writer.json.line("null", (1, 1));
    }
    Ok(writer.json)
}

/// A JSON string.
fn quote(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// A plain scalar under YAML 1.2's core schema, as a JSON token.
fn plain(text: &str) -> String {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return "null".to_owned(),
        "true" | "True" | "TRUE" => return "true".to_owned(),
        "false" | "False" | "FALSE" => return "false".to_owned(),
        _ => {}
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return i.to_string();
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return i.to_string();
    }
    let digits = text.strip_prefix('+').unwrap_or(text);
    if let Ok(i) = digits.parse::<i64>() {
        return i.to_string();
    }
    if let Ok(u) = digits.parse::<u64>() {
        return u.to_string();
    }
    let numeric = digits
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && digits.bytes().any(|b| b.is_ascii_digit());
    if numeric
        && let Ok(f) = digits.parse::<f64>()
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return n.to_string();
    }
    quote(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(source: &str) -> serde_json::Value {
        serde_json::from_str(&to_json(source).unwrap().text).unwrap()
    }

    #[test]
    fn block_flow_anchors_and_scalars() {
        let v = value(
            "# comment\nb: &x [1, -2.5, true, ~, 'q', \"d\\n\"]\na:\n  - *x\n  - {k: v, '1': 2}\nc: |\n  text\n",
        );
        assert_eq!(
            v.to_string(),
            r#"{"a":[[1,-2.5,true,null,"q","d\n"],{"1":2,"k":"v"}],"b":[1,-2.5,true,null,"q","d\n"],"c":"text\n"}"#
        );
        // Order is kept in the JSON text (serde_json's Value sorts, the text does not).
        let text = to_json("z: 1\na: 2\n").unwrap().text;
        assert!(text.find("\"z\"") < text.find("\"a\""), "{text}");
    }

    #[test]
    fn strings_that_look_like_numbers_stay_strings_when_quoted_or_tagged() {
        assert_eq!(
            value("['1', !!str 2, 1.0, 0x1F, 1e3, .inf, 1_000]").to_string(),
            r#"["1","2",1.0,31,1000.0,".inf","1_000"]"#
        );
    }

    #[test]
    fn errors_carry_positions() {
        let e = to_json("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.line >= 1, "{e:?}");
        let e = to_json("? [a]\n: 1\n").unwrap_err();
        assert!(e.message.contains("as a key"), "{e:?}");
        let e = to_json("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(
            (e.line, e.message.contains("more than one")),
            (2, true),
            "{e:?}"
        );
        let json = to_json("a:\n  b: [x,\n    y]\n").unwrap();
        let line_of_y = json.text.lines().position(|l| l == "\"y\"").unwrap() + 1;
        assert_eq!(json.position(line_of_y), Some((3, 5)));
    }

    #[test]
    fn empty_documents_are_null() {
        assert_eq!(value(""), serde_json::Value::Null);
        assert_eq!(value("# only a comment\n"), serde_json::Value::Null);
    }
}
