//! A gate into a policy file, as a text insertion.
//!
//! Written here rather than by reading the policy into a YAML tree and writing it back: no
//! YAML library of the workspace writes a file back with its comments, order, quoting and
//! indentation, and a policy is the user's text. So this module finds, line by line, the end
//! of the list the gate belongs to (`gates.hard` or `gates.soft`, block or flow style, created
//! when absent) and inserts the gate there in the file's own style: its line endings, the
//! indentation of its items and keys, flow items where the list is written with them.
//!
//! The scan is deliberately simple, and it does not have to be trusted: every insertion it
//! proposes is read back with the policy loader, and kept only when the result is the old
//! policy with exactly the new gate appended to that list, with no new warning. When the
//! file's own style fails that test, a one-line flow item is tried; when that fails too, the
//! edit is refused and nothing is written.

use std::fmt::Write as _;
use std::path::Path;

use metalayer_policy::{Example, Gate, LoadOptions, Policy};

use super::agents::{line_ending, lines_with_offsets};
use super::{Insertion, PromoteError, push_gate};

/// One line of the file.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// Where it starts.
    at: usize,
    /// Where the next line starts.
    next: usize,
    /// Its text, without the line ending.
    text: &'a str,
    /// Leading spaces.
    indent: usize,
    /// Whether it holds something other than white space and a comment.
    content: bool,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out: Vec<Line<'_>> = lines_with_offsets(text)
        .map(|(at, line)| {
            let indent = line.len() - line.trim_start_matches(' ').len();
            let rest = line.trim_start();
            Line {
                at,
                next: 0,
                text: line,
                indent,
                content: !rest.is_empty() && !rest.starts_with('#'),
            }
        })
        .collect();
    let starts: Vec<usize> = out.iter().skip(1).map(|l| l.at).collect();
    for (line, next) in out.iter_mut().zip(starts.into_iter().chain([text.len()])) {
        line.next = next;
    }
    out
}

/// What follows the `:` of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value {
    /// Nothing (a comment at most): a block value follows, or null.
    Empty,
    /// A flow collection opening at this byte of the file.
    Flow(usize),
    /// A scalar, an anchor, a tag.
    Other,
}

/// The key of a `key: value` line (its text from the indentation on), and what follows.
fn key_of(line: &Line<'_>) -> Option<(String, Value)> {
    let rest = line.text.get(line.indent..)?;
    let (key, after) = if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let close = rest.get(1..)?.find(q)? + 1;
        let after = rest.get(close + 1..)?.trim_start_matches([' ', '\t']);
        (rest.get(1..close)?.to_owned(), after.strip_prefix(':')?)
    } else {
        if rest.starts_with(['-', '#', '[', '{', '?', '&', '*', '!', '|', '>']) {
            return None;
        }
        let colon = rest
            .match_indices(':')
            .map(|(i, _)| i)
            .find(|i| matches!(rest.as_bytes().get(i + 1), None | Some(b' ' | b'\t')))?;
        (
            rest.get(..colon)?.trim_end().to_owned(),
            rest.get(colon + 1..)?,
        )
    };
    let value = after.trim_start_matches([' ', '\t']);
    let offset = line.at + line.text.len() - value.len();
    let value = if value.is_empty() || value.starts_with('#') {
        Value::Empty
    } else if value.starts_with(['[', '{']) {
        Value::Flow(offset)
    } else {
        Value::Other
    };
    Some((key, value))
}

/// Whether a line is a sequence entry (`-` then white space or its end) at its indentation.
fn is_item(line: &Line<'_>) -> bool {
    line.text
        .get(line.indent..)
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

/// The index of the key line `key` at indentation `indent` among `lines[from..to]`.
fn find_key(lines: &[Line<'_>], from: usize, to: usize, indent: usize, key: &str) -> Option<usize> {
    (from..to).find(|&i| {
        lines.get(i).is_some_and(|l| {
            l.content && l.indent == indent && key_of(l).is_some_and(|(k, _)| k == key)
        })
    })
}

/// The lines of the block value of the key at line `key` (indentation `indent`): the index
/// past its last line, and the index of its last line with content, if any. A sequence may
/// sit at the key's own indentation.
fn block_of(lines: &[Line<'_>], key: usize, indent: usize) -> (usize, Option<usize>) {
    let mut last = None;
    let mut end = key + 1;
    for (i, line) in lines.iter().enumerate().skip(key + 1) {
        if !line.content {
            continue;
        }
        if line.indent > indent || (line.indent == indent && is_item(line)) {
            last = Some(i);
            end = i + 1;
        } else {
            break;
        }
    }
    (end, last)
}

/// The byte just past the flow collection opening at `open`, and where its closing bracket
/// is; quotes and comments respected.
fn flow_close(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            b'\'' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    if c == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        break;
                    }
                    i += 1;
                }
            }
            b'#' if i > 0 && matches!(bytes.get(i - 1), Some(b' ' | b'\t' | b'\n' | b'\r')) => {
                while bytes.get(i).is_some_and(|c| *c != b'\n') {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Where to add an entry to the flow collection whose closing bracket is at `close`, and
/// whether it needs a comma first (the collection is not empty and has no trailing comma).
fn flow_end(text: &str, open: usize, close: usize) -> (usize, &'static str) {
    let inner = text.get(open + 1..close).unwrap_or_default();
    let kept = inner.trim_end();
    let at = open + 1 + kept.len();
    let sep = if kept.trim().is_empty() {
        ""
    } else if kept.ends_with(',') {
        " "
    } else {
        ", "
    };
    (at, sep)
}

/// In the flow map opening at `open`, the flow list that is the value of `key`, if any.
fn flow_map_list(text: &str, open: usize, close: usize, key: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = open + 1;
    loop {
        while bytes
            .get(i)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b','))
        {
            i += 1;
        }
        if i >= close {
            return None;
        }
        let rest = text.get(i..close)?;
        let (name, after) = match rest.chars().next()? {
            q @ ('"' | '\'') => {
                let end = rest.get(1..)?.find(q)? + 1;
                (rest.get(1..end)?, end + 1)
            }
            _ => {
                let end = rest.find(':')?;
                (rest.get(..end)?.trim(), end)
            }
        };
        let value_start = i + after + text.get(i + after..)?.find(':')? + 1;
        let value = text.get(value_start..close)?;
        let skip = value.len() - value.trim_start().len();
        let at = value_start + skip;
        let first = bytes.get(at).copied();
        if name == key {
            return (first == Some(b'[')).then_some(at);
        }
        // Skip the value.
        i = match first {
            Some(b'[' | b'{') => flow_close(text, at)? + 1,
            _ => {
                let v = text.get(at..close)?;
                at + v.find(',').unwrap_or(v.len())
            }
        };
    }
}

/// A scalar in single quotes, or in double quotes with escapes when it holds characters that
/// single quotes cannot carry.
fn quote(s: &str) -> String {
    let plain = s
        .chars()
        .all(|c| !c.is_control() && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}'));
    if plain {
        return format!("'{}'", s.replace('\'', "''"));
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn quoted_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", items.join(", "))
}

fn example_values(examples: &[Example]) -> Vec<String> {
    examples.iter().map(Example::describe).collect()
}

/// The gate's keys and values, in the order they are written; `examples` and `origin` as
/// nested maps of lists.
struct Fields {
    scalars: Vec<(&'static str, String)>,
    block: Vec<String>,
    allow: Vec<String>,
    lesson: Option<String>,
    sessions: Vec<String>,
}

fn fields(gate: &Gate) -> Fields {
    let mut scalars = vec![("id", quote(gate.id.as_str())), ("rule", quote(&gate.rule))];
    if let Some(p) = &gate.pattern {
        scalars.push(("pattern", quote(p)));
    }
    if gate.match_mode == Some(metalayer_policy::MatchMode::Command) {
        scalars.push(("match", "command".to_owned()));
    }
    let docs = gate.docs();
    let (block, allow) = docs.examples.as_ref().map_or_else(Default::default, |e| {
        (example_values(&e.block), example_values(&e.allow))
    });
    Fields {
        scalars,
        block,
        allow,
        lesson: docs.origin.as_ref().map(|o| o.lesson.clone()),
        sessions: docs
            .origin
            .as_ref()
            .map(|o| o.sessions.clone())
            .unwrap_or_default(),
    }
}

/// The gate as one flow map.
fn flow_gate(gate: &Gate) -> String {
    let f = fields(gate);
    let mut parts: Vec<String> = f.scalars.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    if !f.block.is_empty() || !f.allow.is_empty() {
        let mut e = Vec::new();
        if !f.block.is_empty() {
            e.push(format!("block: {}", quoted_list(&f.block)));
        }
        if !f.allow.is_empty() {
            e.push(format!("allow: {}", quoted_list(&f.allow)));
        }
        parts.push(format!("examples: {{{}}}", e.join(", ")));
    }
    if let Some(lesson) = &f.lesson {
        let mut o = vec![format!("lesson: {}", quote(lesson))];
        if !f.sessions.is_empty() {
            o.push(format!("sessions: {}", quoted_list(&f.sessions)));
        }
        parts.push(format!("origin: {{{}}}", o.join(", ")));
    }
    format!("{{{}}}", parts.join(", "))
}

/// The gate as a block map item: `-` at `item`, then `dash` (the white space after it), the
/// other keys at `key`, nested lines `unit` deeper.
fn block_gate(gate: &Gate, item: &str, dash: &str, key: &str, unit: &str, nl: &str) -> String {
    let f = fields(gate);
    let mut out = String::new();
    for (i, (k, v)) in f.scalars.iter().enumerate() {
        let lead = if i == 0 {
            format!("{item}-{dash}")
        } else {
            key.to_owned()
        };
        let _ = write!(out, "{lead}{k}: {v}{nl}");
    }
    let list = |out: &mut String, name: &str, items: &[String]| {
        if !items.is_empty() {
            let _ = write!(out, "{key}{unit}{name}:{nl}");
            for x in items {
                let _ = write!(out, "{key}{unit}{unit}- {}{nl}", quote(x));
            }
        }
    };
    if !f.block.is_empty() || !f.allow.is_empty() {
        let _ = write!(out, "{key}examples:{nl}");
        list(&mut out, "block", &f.block);
        list(&mut out, "allow", &f.allow);
    }
    if let Some(lesson) = &f.lesson {
        let _ = write!(
            out,
            "{key}origin:{nl}{key}{unit}lesson: {}{nl}",
            quote(lesson)
        );
        list(&mut out, "sessions", &f.sessions);
    }
    out
}

/// The indentation step of the file: the least indentation of a line with content, or 2.
fn unit_of(lines: &[Line<'_>], root: usize) -> usize {
    lines
        .iter()
        .filter(|l| l.content && l.indent > root)
        .map(|l| l.indent - root)
        .min()
        .unwrap_or(2)
}

/// Text inserted at `at`, on lines of its own: a line ending first when `at` is the end of a
/// last line without one (and then none at the end).
fn on_own_lines(text: &str, at: usize, block: String, nl: &str) -> Insertion {
    if at == 0 || text.get(..at).is_some_and(|t| t.ends_with('\n')) {
        Insertion { at, text: block }
    } else {
        let trimmed = block.strip_suffix(nl).unwrap_or(&block);
        Insertion {
            at,
            text: format!("{nl}{trimmed}"),
        }
    }
}

/// How the items of a block list are written.
struct ItemStyle {
    item: usize,
    dash: String,
    key: Option<usize>,
    flow: bool,
}

/// The style of the first item of the block list at `lines[from..to]`.
fn item_style(lines: &[Line<'_>], from: usize, to: usize) -> Option<ItemStyle> {
    let first = (from..to).find(|&i| lines.get(i).is_some_and(|l| l.content && is_item(l)))?;
    let line = lines.get(first)?;
    let after = line.text.get(line.indent + 1..)?;
    let rest = after.trim_start_matches([' ', '\t']);
    let dash = after.get(..after.len() - rest.len())?.to_owned();
    let flow = rest.starts_with('{') || dash.contains('\t') || dash.is_empty();
    let key = lines
        .get(first + 1..to)?
        .iter()
        .find(|l| l.content)
        .filter(|l| l.indent > line.indent && key_of(l).is_some())
        .map(|l| l.indent)
        .or_else(|| (!flow).then_some(line.indent + 1 + dash.len()));
    Some(ItemStyle {
        item: line.indent,
        dash,
        key,
        flow,
    })
}

/// The insertions to try, the file's own style first.
fn proposals(text: &str, list: &str, gate: &Gate) -> Result<Vec<Insertion>, String> {
    let nl = line_ending(text);
    let lines = lines(text);
    let root = lines
        .iter()
        .find(|l| l.content && !l.text.starts_with("---") && !l.text.starts_with('%'))
        .map_or(0, |l| l.indent);
    let unit = unit_of(&lines, root);
    let sp = |n: usize| " ".repeat(n);
    let flow = flow_gate(gate);
    let block = |item: usize, dash: &str, key: usize| {
        block_gate(gate, &sp(item), dash, &sp(key), &sp(unit), nl)
    };
    // Both styles of a new item at indentation `item`, appended at `at`.
    let both = |at: usize, head: String, item: usize| {
        vec![
            on_own_lines(
                text,
                at,
                format!("{head}{}", block(item, " ", item + 2)),
                nl,
            ),
            on_own_lines(text, at, format!("{head}{}- {flow}{nl}", sp(item)), nl),
        ]
    };
    let Some(g) = find_key(&lines, 0, lines.len(), root, "gates") else {
        // No gates yet: a new section at the end of the file.
        let head = format!("{}gates:{nl}{}{list}:{nl}", sp(root), sp(root + unit));
        return Ok(both(text.len(), head, root + 2 * unit));
    };
    let gates_line = lines.get(g).ok_or("no gates line")?;
    match key_of(gates_line).map(|(_, v)| v) {
        Some(Value::Flow(open)) => {
            let close = flow_close(text, open).ok_or("the flow map of `gates` is not closed")?;
            if text.as_bytes().get(open) != Some(&b'{') {
                return Err("`gates` is a list, not a map of lists".to_owned());
            }
            if let Some(list_open) = flow_map_list(text, open, close, list) {
                let list_close = flow_close(text, list_open).ok_or("a flow list is not closed")?;
                let (at, sep) = flow_end(text, list_open, list_close);
                return Ok(vec![Insertion {
                    at,
                    text: format!("{sep}{flow}"),
                }]);
            }
            let (at, sep) = flow_end(text, open, close);
            return Ok(vec![Insertion {
                at,
                text: format!("{sep}{list}: [{flow}]"),
            }]);
        }
        Some(Value::Other) | None => {
            return Err(format!(
                "`gates` has a value that is not a map; write `gates:` with `{list}:` under it"
            ));
        }
        Some(Value::Empty) => {}
    }
    let (gates_end, gates_last) = block_of(&lines, g, root);
    let Some(first_child) = (g + 1..gates_end).find(|&i| lines.get(i).is_some_and(|l| l.content))
    else {
        // `gates:` with nothing under it.
        let at = gates_line.next;
        let head = format!("{}{list}:{nl}", sp(root + unit));
        return Ok(both(at, head, root + 2 * unit));
    };
    let child = lines.get(first_child).map_or(root + unit, |l| l.indent);
    let Some(k) = find_key(&lines, g + 1, gates_end, child, list) else {
        // No such list yet: a new one at the end of `gates`.
        let last = gates_last
            .and_then(|i| lines.get(i))
            .ok_or("no end of gates")?;
        let head = format!("{}{list}:{nl}", sp(child));
        return Ok(both(last.next, head, child + unit));
    };
    let key_line = lines.get(k).ok_or("no list line")?;
    match key_of(key_line).map(|(_, v)| v) {
        Some(Value::Flow(open)) => {
            if text.as_bytes().get(open) != Some(&b'[') {
                return Err(format!("`gates.{list}` is a map, not a list"));
            }
            let close = flow_close(text, open)
                .ok_or_else(|| format!("the flow list of `gates.{list}` is not closed"))?;
            let (at, sep) = flow_end(text, open, close);
            Ok(vec![Insertion {
                at,
                text: format!("{sep}{flow}"),
            }])
        }
        Some(Value::Other) | None => Err(format!(
            "`gates.{list}` has a value that is not a list (`null`?); write `{list}:` with no value, or `{list}: []`"
        )),
        Some(Value::Empty) => {
            let (end, last) = block_of(&lines, k, child);
            let Some(style) = item_style(&lines, k + 1, end) else {
                // An empty list: the first item right under the key.
                return Ok(both(key_line.next, String::new(), child + unit));
            };
            let at = last
                .and_then(|i| lines.get(i))
                .map_or(key_line.next, |l| l.next);
            let flow_item = on_own_lines(
                text,
                at,
                format!(
                    "{}-{}{flow}{nl}",
                    sp(style.item),
                    if style.dash.is_empty() {
                        " "
                    } else {
                        &style.dash
                    }
                ),
                nl,
            );
            match style.key.filter(|_| !style.flow) {
                Some(key) => Ok(vec![
                    on_own_lines(text, at, block(style.item, &style.dash, key), nl),
                    flow_item,
                ]),
                None => Ok(vec![flow_item]),
            }
        }
    }
}

/// The insertion of `gate` at the end of `gates.<list>` of the policy `text`, checked: the
/// text after it loads as `policy` with the gate appended to that list, with no more than
/// `warnings` warnings.
pub(super) fn insert_gate(
    path: &Path,
    text: &str,
    list: &str,
    gate: &Gate,
    policy: &Policy,
    warnings: usize,
) -> Result<Insertion, PromoteError> {
    let proposals = proposals(text, list, gate).map_err(|why| PromoteError::CannotEdit {
        path: path.to_path_buf(),
        why,
    })?;
    let mut expected = policy.clone();
    push_gate(&mut expected, list, gate.clone());
    let name = path.display().to_string();
    let mut why = String::from("no place to insert the gate");
    for insertion in proposals {
        let Some(after) = insertion.apply(text) else {
            continue;
        };
        match metalayer_policy::load_str_with(&after, &name, LoadOptions::default()) {
            Ok(loaded) if loaded.policy == expected && loaded.warnings.len() <= warnings => {
                return Ok(insertion);
            }
            Ok(loaded) if loaded.policy == expected => {
                why = format!(
                    "it would warn: {}",
                    loaded
                        .warnings
                        .iter()
                        .map(|w| w.message.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
            Ok(_) => {
                why = "the inserted text would change what the rest of the policy means".to_owned();
            }
            Err(e) => why = crate::summary::policy_error_summary(&e),
        }
    }
    Err(PromoteError::Unusable {
        path: path.to_path_buf(),
        why,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_are_read() {
        let text = "gates:\n  hard:  # deny\n  soft: [a]\n  'x': null\n";
        let ls = lines(text);
        assert_eq!(key_of(&ls[0]), Some(("gates".to_owned(), Value::Empty)));
        assert_eq!(key_of(&ls[1]), Some(("hard".to_owned(), Value::Empty)));
        assert_eq!(key_of(&ls[2]), Some(("soft".to_owned(), Value::Flow(31))));
        assert_eq!(key_of(&ls[3]), Some(("x".to_owned(), Value::Other)));
    }

    #[test]
    fn flow_collections_close_past_quotes_and_comments() {
        let text = "[a, ']', \"]\\\"\", {b: [c]} # ]\n]";
        assert_eq!(flow_close(text, 0), Some(text.len() - 1));
    }

    #[test]
    fn scalars_are_quoted_to_read_back() {
        assert_eq!(quote(r"^npm\s+i"), r"'^npm\s+i'");
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(quote("a\nb"), "\"a\\nb\"");
    }
}
