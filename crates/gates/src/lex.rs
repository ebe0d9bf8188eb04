//! A lexer for the subset of shell syntax that matters to a gate.
//!
//! It turns a command string into words and operators the way a POSIX shell (and bash) would
//! split it, removing quotes and escapes from words, recording command substitutions, and reading
//! here-document bodies. It never fails: input that a shell would reject is lexed as well as it
//! can be, because a gate must still decide on it.

/// One word after quote removal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Word {
    /// The text after quote and escape removal. Expansions the gate cannot evaluate (`$VAR`,
    /// `${…}`, `$(…)`, `` `…` ``) are kept in their source form.
    pub(crate) text: String,
    /// The word holds an expansion whose value is only known at run time.
    pub(crate) dynamic: bool,
    /// Some part of the word was quoted or escaped.
    pub(crate) quoted: bool,
    /// Bodies of command substitutions (`$(…)`, `` `…` ``, `<(…)`, `>(…)`) found in the word.
    pub(crate) substitutions: Vec<String>,
    /// The word is an unquoted `NAME=value` assignment.
    pub(crate) assignment: bool,
}

/// What a redirection operator does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Redirect {
    /// `<`: read a file.
    Read,
    /// `>`, `>>`, `>|`, `&>`, `&>>`, `<>`: write a file.
    Write,
    /// `>&`, `<&`: duplicate a descriptor (or write a file when followed by a name).
    Dup,
    /// `<<`, `<<-`: a here-document; the index points into [`Lexed::heredocs`].
    HereDoc(usize),
    /// `<<<`: a here-string.
    HereString,
}

/// A token of the command string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    Word(Word),
    /// `;`, `&`, `&&`, `||`, newline, `;;` and friends: the end of a command.
    Separator,
    /// `|` or `|&`: the next command reads this one's output.
    Pipe,
    /// `(`.
    Open,
    /// `)`.
    Close,
    /// A redirection operator; the target is the next word.
    Redirect(Redirect),
}

/// A here-document body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HereDoc {
    /// The body text.
    pub(crate) body: String,
    /// The delimiter was quoted, so the body is not expanded.
    pub(crate) quoted: bool,
    /// Command substitutions in an unquoted body (they run).
    pub(crate) substitutions: Vec<String>,
}

/// The lexed command string.
#[derive(Debug, Default)]
pub(crate) struct Lexed {
    pub(crate) tokens: Vec<Token>,
    pub(crate) heredocs: Vec<HereDoc>,
}

struct PendingHereDoc {
    index: usize,
    delimiter: String,
    strip_tabs: bool,
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    out: Lexed,
    pending: Vec<PendingHereDoc>,
    /// The previous token was a here-document operator: the next word is its delimiter.
    heredoc_op: Option<(usize, bool)>,
}

/// Lexes a command string.
pub(crate) fn lex(src: &str) -> Lexed {
    let mut lexer = Lexer {
        src: src.as_bytes(),
        pos: 0,
        out: Lexed {
            tokens: Vec::with_capacity(src.len() / 4 + 4),
            heredocs: Vec::new(),
        },
        pending: Vec::new(),
        heredoc_op: None,
    };
    lexer.run();
    lexer.out
}

fn is_meta(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
    )
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Turns collected bytes into a string; invalid UTF-8 (only possible through `$'\xHH'`) is
/// replaced rather than rejected.
fn into_string(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.src.get(self.pos + k).copied()
    }

    fn slice(&self, from: usize, to: usize) -> &[u8] {
        self.src.get(from..to).unwrap_or_default()
    }

    fn push(&mut self, token: Token) {
        self.out.tokens.push(token);
    }

    fn run(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.push(Token::Separator);
                    self.read_heredoc_bodies();
                }
                b'#' => self.skip_comment(),
                b';' => {
                    self.pos += 1;
                    while matches!(self.peek(), Some(b';' | b'&')) {
                        self.pos += 1;
                    }
                    self.push(Token::Separator);
                }
                b'&' => self.ampersand(),
                b'|' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'|') => {
                            self.pos += 1;
                            self.push(Token::Separator);
                        }
                        Some(b'&') => {
                            self.pos += 1;
                            self.push(Token::Pipe);
                        }
                        _ => self.push(Token::Pipe),
                    }
                }
                b'(' => {
                    if self.peek_at(1) == Some(b'(') {
                        // `(( arithmetic ))`: nothing runs, but substitutions inside may.
                        self.arithmetic_command();
                    } else {
                        self.pos += 1;
                        self.push(Token::Open);
                    }
                }
                b')' => {
                    self.pos += 1;
                    self.push(Token::Close);
                }
                b'<' | b'>' => {
                    if self.peek_at(1) == Some(b'(') {
                        // Process substitution is a word.
                        self.word();
                    } else {
                        self.redirect();
                    }
                }
                _ => self.word(),
            }
        }
        // A here-document whose body never came: treat what is pending as empty bodies.
        self.pending.clear();
    }

    fn skip_comment(&mut self) {
        while let Some(b) = self.peek() {
            if b == b'\n' {
                break;
            }
            self.pos += 1;
        }
    }

    fn ampersand(&mut self) {
        self.pos += 1;
        match self.peek() {
            Some(b'&') => {
                self.pos += 1;
                self.push(Token::Separator);
            }
            Some(b'>') => {
                self.pos += 1;
                if self.peek() == Some(b'>') {
                    self.pos += 1;
                }
                self.push(Token::Redirect(Redirect::Write));
            }
            _ => self.push(Token::Separator),
        }
    }

    fn redirect(&mut self) {
        let first = self.peek();
        self.pos += 1;
        let kind = match (first, self.peek()) {
            (Some(b'<'), Some(b'<')) => {
                self.pos += 1;
                match self.peek() {
                    Some(b'<') => {
                        self.pos += 1;
                        Redirect::HereString
                    }
                    Some(b'-') => {
                        self.pos += 1;
                        self.heredoc_operator(true)
                    }
                    _ => self.heredoc_operator(false),
                }
            }
            (Some(b'<'), Some(b'&')) => {
                self.pos += 1;
                Redirect::Dup
            }
            (Some(b'<'), Some(b'>')) => {
                self.pos += 1;
                Redirect::Write
            }
            (Some(b'<'), _) => Redirect::Read,
            (_, Some(b'>' | b'|')) => {
                self.pos += 1;
                Redirect::Write
            }
            (_, Some(b'&')) => {
                self.pos += 1;
                Redirect::Dup
            }
            _ => Redirect::Write,
        };
        self.push(Token::Redirect(kind));
    }

    fn heredoc_operator(&mut self, strip_tabs: bool) -> Redirect {
        let index = self.out.heredocs.len();
        self.out.heredocs.push(HereDoc::default());
        self.heredoc_op = Some((index, strip_tabs));
        Redirect::HereDoc(index)
    }

    fn arithmetic_command(&mut self) {
        let start = self.pos;
        let end = self.find_closing(self.pos + 1, b'(', b')');
        let inner = self.slice(start + 2, end.saturating_sub(1)).to_vec();
        self.pos = (end + 1).min(self.src.len());
        let mut word = Word {
            text: String::from("(("),
            ..Word::default()
        };
        collect_substitutions(&inner, &mut word.substitutions);
        self.push(Token::Word(word));
        self.push(Token::Separator);
    }

    /// Given `open_pos` pointing at an opening byte, returns the position of the matching close,
    /// honouring quotes and nesting; the end of input if there is none.
    fn find_closing(&self, open_pos: usize, open: u8, close: u8) -> usize {
        find_closing(self.src, open_pos, open, close)
    }

    fn word(&mut self) {
        let mut word = Word::default();
        // Most words are short: one allocation instead of a series of reallocations.
        let mut buf: Vec<u8> = Vec::with_capacity(32);
        let start = self.pos;
        while let Some(b) = self.peek() {
            if is_meta(b) {
                // Process substitution `<(…)` / `>(…)` inside or at the start of a word.
                if (b == b'<' || b == b'>') && self.peek_at(1) == Some(b'(') {
                    let end = self.find_closing(self.pos + 1, b'(', b')');
                    let body = self.slice(self.pos + 2, end);
                    word.substitutions.push(into_string(body.to_vec()));
                    buf.extend_from_slice(self.slice(self.pos, (end + 1).min(self.src.len())));
                    word.dynamic = true;
                    self.pos = (end + 1).min(self.src.len());
                    continue;
                }
                // `2>file`, `2>&1`: a word of digits right before a redirection is its fd.
                if (b == b'<' || b == b'>')
                    && !buf.is_empty()
                    && buf.iter().all(u8::is_ascii_digit)
                    && self.pos > start
                {
                    return;
                }
                break;
            }
            match b {
                b'\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'\n') => self.pos += 1,
                        Some(c) => {
                            buf.push(c);
                            word.quoted = true;
                            self.pos += 1;
                        }
                        None => {}
                    }
                }
                b'\'' => {
                    word.quoted = true;
                    self.pos += 1;
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        if c == b'\'' {
                            break;
                        }
                        buf.push(c);
                    }
                }
                b'"' => {
                    word.quoted = true;
                    self.pos += 1;
                    self.double_quoted(&mut buf, &mut word);
                }
                b'$' => self.dollar(&mut buf, &mut word, false),
                b'`' => self.backtick(&mut buf, &mut word),
                _ => {
                    // A run of plain bytes (most of most words) is copied in one go.
                    let rest = self.src.get(self.pos..).unwrap_or_default();
                    let run = rest
                        .iter()
                        .position(|&c| {
                            is_meta(c) || matches!(c, b'\\' | b'\'' | b'"' | b'$' | b'`')
                        })
                        .unwrap_or(rest.len())
                        .max(1);
                    buf.extend_from_slice(rest.get(..run).unwrap_or_default());
                    self.pos += run;
                }
            }
        }
        if self.pos == start {
            // Not a word after all (cannot happen with the callers' checks); make progress.
            self.pos += 1;
            return;
        }
        let raw = self.slice(start, self.pos);
        word.assignment = is_assignment(raw);
        word.text = into_string(buf);
        if let Some((index, strip_tabs)) = self.heredoc_op.take() {
            let delimiter = word.text.clone();
            if let Some(doc) = self.out.heredocs.get_mut(index) {
                doc.quoted = word.quoted;
            }
            self.pending.push(PendingHereDoc {
                index,
                delimiter,
                strip_tabs,
            });
        }
        self.push(Token::Word(word));
    }

    fn double_quoted(&mut self, buf: &mut Vec<u8>, word: &mut Word) {
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.pos += 1;
                    return;
                }
                b'\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(n @ (b'$' | b'`' | b'"' | b'\\')) => {
                            buf.push(n);
                            self.pos += 1;
                        }
                        Some(b'\n') => self.pos += 1,
                        _ => buf.push(b'\\'),
                    }
                }
                b'$' => self.dollar(buf, word, true),
                b'`' => self.backtick(buf, word),
                _ => {
                    buf.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn backtick(&mut self, buf: &mut Vec<u8>, word: &mut Word) {
        let start = self.pos;
        self.pos += 1;
        let mut body = Vec::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'`' => break,
                b'\\' => {
                    if let Some(n) = self.peek() {
                        if !matches!(n, b'`' | b'\\' | b'$') {
                            body.push(b'\\');
                        }
                        body.push(n);
                        self.pos += 1;
                    }
                }
                _ => body.push(c),
            }
        }
        word.substitutions.push(into_string(body));
        word.dynamic = true;
        buf.extend_from_slice(self.slice(start, self.pos));
    }

    /// `$…` in a word; `in_dquote` tells whether `$'…'` and `$"…"` are quotes here.
    fn dollar(&mut self, buf: &mut Vec<u8>, word: &mut Word, in_dquote: bool) {
        let start = self.pos;
        match self.peek_at(1) {
            Some(b'(') => {
                if self.peek_at(2) == Some(b'(') {
                    // `$(( arithmetic ))`.
                    let end = self.find_closing(self.pos + 2, b'(', b')');
                    let close = self.find_closing(self.pos + 1, b'(', b')');
                    let inner = self.slice(self.pos + 3, end).to_vec();
                    collect_substitutions(&inner, &mut word.substitutions);
                    self.pos = (close.max(end) + 1).min(self.src.len());
                } else {
                    let end = self.find_closing(self.pos + 1, b'(', b')');
                    let body = self.slice(self.pos + 2, end).to_vec();
                    word.substitutions.push(into_string(body));
                    self.pos = (end + 1).min(self.src.len());
                }
                word.dynamic = true;
                buf.extend_from_slice(self.slice(start, self.pos));
            }
            Some(b'{') => {
                let end = self.find_closing(self.pos + 1, b'{', b'}');
                let inner = self.slice(self.pos + 2, end).to_vec();
                collect_substitutions(&inner, &mut word.substitutions);
                self.pos = (end + 1).min(self.src.len());
                word.dynamic = true;
                buf.extend_from_slice(self.slice(start, self.pos));
            }
            Some(b'\'') if !in_dquote => {
                word.quoted = true;
                self.pos += 2;
                self.ansi_c(buf);
            }
            Some(b'"') if !in_dquote => {
                word.quoted = true;
                self.pos += 2;
                self.double_quoted(buf, word);
            }
            Some(c) if is_name_start(c) => {
                self.pos += 1;
                while self.peek().is_some_and(is_name_char) {
                    self.pos += 1;
                }
                word.dynamic = true;
                buf.extend_from_slice(self.slice(start, self.pos));
            }
            Some(c) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => {
                self.pos += 2;
                word.dynamic = true;
                buf.extend_from_slice(self.slice(start, self.pos));
            }
            _ => {
                buf.push(b'$');
                self.pos += 1;
            }
        }
    }

    /// The inside of `$'…'`, with bash's escapes.
    fn ansi_c(&mut self, buf: &mut Vec<u8>) {
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\'' => return,
                b'\\' => {
                    let Some(e) = self.peek() else { return };
                    self.pos += 1;
                    match e {
                        b'n' => buf.push(b'\n'),
                        b't' => buf.push(b'\t'),
                        b'r' => buf.push(b'\r'),
                        b'a' => buf.push(7),
                        b'b' => buf.push(8),
                        b'e' | b'E' => buf.push(27),
                        b'f' => buf.push(12),
                        b'v' => buf.push(11),
                        b'x' => {
                            let value = self.radix_digits(16, 2);
                            buf.push(value.unwrap_or(b'x'));
                        }
                        b'0'..=b'7' => {
                            self.pos -= 1;
                            let value = self.radix_digits(8, 3);
                            buf.push(value.unwrap_or(b'0'));
                        }
                        b'u' | b'U' => {
                            let max = if e == b'u' { 4 } else { 8 };
                            let mut value: u32 = 0;
                            let mut n = 0;
                            while n < max {
                                let Some(d) = self.peek().and_then(|d| (d as char).to_digit(16))
                                else {
                                    break;
                                };
                                value = value * 16 + d;
                                self.pos += 1;
                                n += 1;
                            }
                            let ch = char::from_u32(value).unwrap_or('\u{FFFD}');
                            let mut tmp = [0u8; 4];
                            buf.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                        }
                        other => buf.push(other),
                    }
                }
                _ => buf.push(c),
            }
        }
    }

    fn radix_digits(&mut self, radix: u32, max: usize) -> Option<u8> {
        let mut value: u32 = 0;
        let mut n = 0;
        while n < max {
            let Some(d) = self.peek().and_then(|d| (d as char).to_digit(radix)) else {
                break;
            };
            value = value * radix + d;
            self.pos += 1;
            n += 1;
        }
        if n == 0 {
            None
        } else {
            Some((value & 0xff) as u8)
        }
    }

    /// After a newline: read the bodies of the here-documents opened on the line just ended.
    fn read_heredoc_bodies(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for doc in pending {
            let mut body: Vec<u8> = Vec::new();
            loop {
                if self.pos >= self.src.len() {
                    break;
                }
                let line_end = self
                    .src
                    .get(self.pos..)
                    .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
                    .map_or(self.src.len(), |i| self.pos + i);
                let line_start = self.pos;
                self.pos = (line_end + 1).min(self.src.len());
                let mut line = self.src.get(line_start..line_end).unwrap_or_default();
                if doc.strip_tabs {
                    while let Some((b'\t', rest)) = line.split_first() {
                        line = rest;
                    }
                }
                let trimmed = line.strip_suffix(b"\r").unwrap_or(line);
                if trimmed == doc.delimiter.as_bytes() {
                    break;
                }
                body.extend_from_slice(line);
                body.push(b'\n');
            }
            if let Some(target) = self.out.heredocs.get_mut(doc.index) {
                if !target.quoted {
                    collect_substitutions(&body, &mut target.substitutions);
                }
                target.body = into_string(body);
            }
        }
    }
}

/// Finds the byte that closes the bracket at `open_pos`, skipping quoted text and nested pairs.
/// Returns `src.len()` when the bracket is never closed.
fn find_closing(src: &[u8], open_pos: usize, open: u8, close: u8) -> usize {
    let mut depth = 0usize;
    let mut i = open_pos;
    while let Some(&c) = src.get(i) {
        match c {
            b'\\' => i += 1,
            b'\'' if open != b'{' => {
                i += 1;
                while src.get(i).is_some_and(|&q| q != b'\'') {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while let Some(&q) = src.get(i) {
                    if q == b'\\' {
                        i += 1;
                    } else if q == b'"' {
                        break;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while let Some(&q) = src.get(i) {
                    if q == b'\\' {
                        i += 1;
                    } else if q == b'`' {
                        break;
                    }
                    i += 1;
                }
            }
            _ if c == open => depth += 1,
            _ if c == close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    src.len()
}

/// Collects the command substitutions of text that is expanded like a double-quoted string
/// (here-document bodies, `${…}` and arithmetic contents).
pub(crate) fn collect_substitutions(text: &[u8], out: &mut Vec<String>) {
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        match c {
            b'\\' => i += 2,
            b'$' if text.get(i + 1) == Some(&b'(') => {
                let end = find_closing(text, i + 1, b'(', b')');
                if text.get(i + 2) != Some(&b'(') {
                    out.push(into_string(
                        text.get(i + 2..end).unwrap_or_default().to_vec(),
                    ));
                }
                i = end + 1;
            }
            b'`' => {
                let mut j = i + 1;
                let mut body = Vec::new();
                while let Some(&q) = text.get(j) {
                    if q == b'\\' {
                        if let Some(&n) = text.get(j + 1) {
                            body.push(n);
                        }
                        j += 2;
                        continue;
                    }
                    if q == b'`' {
                        break;
                    }
                    body.push(q);
                    j += 1;
                }
                out.push(into_string(body));
                i = j + 1;
            }
            _ => i += 1,
        }
    }
}

/// `NAME=…` or `NAME+=…` with an unquoted name.
fn is_assignment(raw: &[u8]) -> bool {
    let Some((&first, rest)) = raw.split_first() else {
        return false;
    };
    if !is_name_start(first) {
        return false;
    }
    for (i, &b) in rest.iter().enumerate() {
        if b == b'=' {
            return true;
        }
        if b == b'+' && rest.get(i + 1) == Some(&b'=') {
            return true;
        }
        if b == b'[' {
            // Array element assignment `a[i]=x`.
            return rest
                .get(i..)
                .is_some_and(|r| r.windows(2).any(|w| w == b"]="));
        }
        if !is_name_char(b) {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str) -> Vec<String> {
        lex(src)
            .tokens
            .into_iter()
            .map(|t| match t {
                Token::Word(w) => w.text,
                Token::Separator => ";".into(),
                Token::Pipe => "|".into(),
                Token::Open => "(".into(),
                Token::Close => ")".into(),
                Token::Redirect(r) => format!("{r:?}"),
            })
            .collect()
    }

    #[test]
    fn quotes_and_escapes_are_removed() {
        assert_eq!(words(r#"git 'reset' "--hard""#), ["git", "reset", "--hard"]);
        assert_eq!(words(r"g\it re\set"), ["git", "reset"]);
        assert_eq!(words(r#"echo "a \"b\" \$c""#), ["echo", r#"a "b" $c"#]);
        assert_eq!(words(r"echo $'a\tb\x41'"), ["echo", "a\tbA"]);
        assert_eq!(words("echo 'it''s'"), ["echo", "its"]);
    }

    #[test]
    fn operators_split_commands() {
        assert_eq!(
            words("a && b || c; d | e & f"),
            ["a", ";", "b", ";", "c", ";", "d", "|", "e", ";", "f"]
        );
        assert_eq!(words("(a)"), ["(", "a", ")"]);
        assert_eq!(words("echo hi >> .env"), ["echo", "hi", "Write", ".env"]);
        assert_eq!(words("cmd 2>&1"), ["cmd", "Dup", "1"]);
        assert_eq!(words("cmd &> log"), ["cmd", "Write", "log"]);
    }

    #[test]
    fn substitutions_are_recorded() {
        let lexed = lex("echo $(git reset --hard) `rm -rf /` ${X:-$(id)}");
        let subs: Vec<String> = lexed
            .tokens
            .iter()
            .filter_map(|t| match t {
                Token::Word(w) => Some(w.substitutions.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(subs, ["git reset --hard", "rm -rf /", "id"]);
    }

    #[test]
    fn heredoc_bodies_are_read() {
        let lexed = lex("cat > f <<'EOF'\nline $(x)\nEOF\necho done");
        assert_eq!(lexed.heredocs.len(), 1);
        assert_eq!(lexed.heredocs[0].body, "line $(x)\n");
        assert!(lexed.heredocs[0].quoted);
        assert!(lexed.heredocs[0].substitutions.is_empty());
        let lexed = lex("bash <<EOF\nrm -rf $(pwd)\nEOF");
        assert_eq!(lexed.heredocs[0].substitutions, ["pwd"]);
    }

    #[test]
    fn assignments_are_flagged() {
        let lexed = lex("FOO=1 A+=2 a[1]=x 'B=2' git");
        let flags: Vec<bool> = lexed
            .tokens
            .iter()
            .filter_map(|t| match t {
                Token::Word(w) => Some(w.assignment),
                _ => None,
            })
            .collect();
        assert_eq!(flags, [true, true, true, false, false]);
    }

    #[test]
    fn unterminated_input_does_not_hang_or_panic() {
        for src in [
            "'abc", "\"abc", "$(abc", "`abc", "${abc", "a <<EOF", "$'\\", "\\", "((", "$((",
        ] {
            let _ = lex(src);
        }
    }
}
