//! Markdown and YAML escaping: user text can never inject HTML, break a table, or escape a
//! code fence.

/// A string as a YAML double-quoted scalar (a JSON string is one).
pub(crate) fn yaml_string(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // `<` and `>` escaped too, so that no renderer of the front matter sees markup;
            // and every character YAML does not allow in a document as it is (C0 and C1
            // controls, DEL, U+FEFF, U+FFFE, U+FFFF), escaped the way JSON also reads.
            '<' | '>' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if !yaml_printable(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// YAML 1.2's printable set (also YAML 1.1's), less U+0085 and U+FEFF, which some readers
/// take for a line break or a byte-order mark.
fn yaml_printable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fefe}'
        | '\u{ff00}'..='\u{fffd}' | '\u{10000}'..)
}

/// Escapes HTML's special characters so that text never becomes markup.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// One line of plain text for a heading or a table cell: white space collapsed, control
/// characters (C0, DEL, C1) left out, HTML escaped, and markdown's inline markers
/// (`` ` * _ [ ] | \ # ``) backslash-escaped.
pub(crate) fn inline(text: &str) -> String {
    let collapsed = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(char::is_control, "");
    let mut out = String::with_capacity(collapsed.len());
    for c in escape_html(&collapsed).chars() {
        if matches!(c, '`' | '*' | '_' | '[' | ']' | '|' | '\\' | '#' | '!') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An inline code span that holds `text` whatever backticks it contains, on one line, with
/// `|` escaped so that it is safe in a table cell too.
pub(crate) fn code_span(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let ticks = "`".repeat(longest_run(&collapsed, '`') + 1);
    let pad = if collapsed.starts_with('`') || collapsed.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{}{pad}{ticks}", collapsed.replace('|', "\\|"))
}

/// A fenced code block holding `text` verbatim: the fence is longer than any backtick run
/// inside.
pub(crate) fn fenced(text: &str, info: &str) -> String {
    let fence = "`".repeat(longest_run(text, '`').max(2) + 1);
    format!("{fence}{info}\n{}\n{fence}\n", text.trim_end_matches('\n'))
}

/// Prefixes every line with `> `, escaping HTML.
pub(crate) fn blockquote(text: &str) -> String {
    let mut out = String::new();
    for line in text.trim_end().lines() {
        let line = escape_html(line);
        if line.trim().is_empty() {
            out.push_str(">\n");
        } else {
            out.push_str("> ");
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

fn longest_run(text: &str, c: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for ch in text.chars() {
        if ch == c {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_are_quoted() {
        assert_eq!(yaml_string("a: \"b\"\n#c"), r##""a: \"b\"\n#c""##);
        assert_eq!(yaml_string("<b>"), r#""\u003cb\u003e""#);
        // Characters YAML refuses as they are, escaped so that JSON reads them back too.
        for c in [
            '\u{7f}', '\u{80}', '\u{85}', '\u{9f}', '\u{1}', '\u{1b}', '\u{feff}', '\u{fffe}',
            '\u{ffff}',
        ] {
            let text = format!("a{c}b");
            let quoted = yaml_string(&text);
            assert!(quoted.is_ascii(), "{quoted}");
            assert_eq!(serde_json::from_str::<String>(&quoted).unwrap(), text);
        }
        assert_eq!(yaml_string("é ✓ 𝄞"), "\"é ✓ 𝄞\"");
        assert_eq!(
            serde_json::from_str::<String>(&yaml_string("<b>")).unwrap(),
            "<b>"
        );
    }

    #[test]
    fn inline_leaves_out_control_characters() {
        assert_eq!(
            inline("fix\u{7f} the\u{85} parser\u{1b}[0m"),
            r"fix the parser\[0m"
        );
    }

    #[test]
    fn inline_escapes() {
        assert_eq!(
            inline("a | b <script>\n*x*"),
            r"a \| b &lt;script&gt; \*x\*"
        );
    }

    #[test]
    fn code_spans_and_fences() {
        assert_eq!(code_span("ls | wc"), r"`ls \| wc`");
        assert_eq!(code_span("a `b` c"), "``a `b` c``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(fenced("plain", "text"), "```text\nplain\n```\n");
        assert_eq!(fenced("has ```\nfence", ""), "````\nhas ```\nfence\n````\n");
    }

    #[test]
    fn blockquotes() {
        assert_eq!(blockquote("a\n\n<b>\n"), "> a\n>\n> &lt;b&gt;\n");
    }
}
