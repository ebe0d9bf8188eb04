//! A lexer for the subset of shell syntax that matters to a gate.
//!
//! It turns a command string into words and operators the way a POSIX shell (and bash) would
//! split it, removing quotes and escapes from words, recording command substitutions, and reading
//! here-document bodies. It never fails: input that a shell would reject is lexed as well as it
//! can be, because a gate must still decide on it.
//!
//! Lexing is on the path of every decision, so it allocates little: a word whose text is one
//! contiguous run of the source (`git`, `'reset'`, `"--hard"`) borrows it, and substitution
//! bodies live in one table per lex rather than one vector per word.

mod cases;

use std::borrow::Cow;
use std::ops::Range;

pub(crate) use cases::{CaseReader, Step, is_reserved};

/// How deeply command substitutions are read as commands to find where they end; deeper ones
/// are matched by their parentheses alone. The normaliser stops unwrapping long before this
/// depth (and asks), so the simpler reading never decides what runs.
const MAX_NESTING: u8 = 16;

/// One word after quote removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word<'a> {
    /// The text after quote and escape removal. Expansions the gate cannot evaluate (`$VAR`,
    /// `${…}`, `$(…)`, `` `…` ``) are kept in their source form.
    pub(crate) text: Cow<'a, str>,
    /// The bodies of the command substitutions (`$(…)`, `` `…` ``, `<(…)`, `>(…)`) found in the
    /// word: a range of [`Lexed::substitutions`].
    pub(crate) substitutions: Range<u32>,
    /// The word holds an expansion whose value is only known at run time.
    pub(crate) dynamic: bool,
    /// Some part of the word was quoted or escaped.
    pub(crate) quoted: bool,
    /// The word is an unquoted `NAME=value` assignment.
    pub(crate) assignment: bool,
    /// The word's source holds a `{…}` with a `,` or `..` inside: bash may brace-expand it
    /// into several words (`git {reset,--hard}`).
    pub(crate) braces: bool,
}

impl AsRef<str> for Word<'_> {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl Default for Word<'_> {
    fn default() -> Self {
        Word {
            // Borrowed: nothing to free when it is replaced.
            text: Cow::Borrowed(""),
            substitutions: 0..0,
            dynamic: false,
            quoted: false,
            assignment: false,
            braces: false,
        }
    }
}

impl<'a> Word<'a> {
    /// A word the normaliser makes up: unquoted, no expansion.
    pub(crate) fn plain(text: impl Into<Cow<'a, str>>) -> Self {
        Word {
            text: text.into(),
            ..Word::default()
        }
    }

    /// The same word owning its text, its substitutions dropped (for words that leave their
    /// lex, such as the words `env -S` splits a string into).
    pub(crate) fn into_owned(self) -> Word<'static> {
        Word {
            text: Cow::Owned(self.text.into_owned()),
            substitutions: 0..0,
            dynamic: self.dynamic,
            quoted: self.quoted,
            assignment: self.assignment,
            braces: self.braces,
        }
    }
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

/// What a command separator says about the command after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sep {
    /// `;`, `&`, newline: the next command runs whatever this one did.
    End,
    /// `&&`: the next command runs when this one succeeded.
    And,
    /// `||`: the next command runs when this one failed.
    Or,
}

/// A token of the command string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    Word(Word<'a>),
    /// `;`, `&`, `&&`, `||`, newline: the end of a command, and whether the next one runs
    /// on its status.
    Separator(Sep),
    /// `;;`, `;&`, `;;&`: the end of a command and of a `case` item; patterns follow.
    CaseEnd,
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
pub(crate) struct Lexed<'a> {
    pub(crate) tokens: Vec<Token<'a>>,
    pub(crate) heredocs: Vec<HereDoc>,
    /// The substitution bodies of all words, in source order; each word names its range.
    pub(crate) substitutions: Vec<Cow<'a, str>>,
    /// The text spells `case`: only then may the tokens need a [`CaseReader`].
    pub(crate) has_case: bool,
    /// Some word may be brace-expanded ([`Word::braces`]).
    pub(crate) any_braces: bool,
}

impl<'a> Lexed<'a> {
    /// The substitution bodies found in `word`.
    pub(crate) fn substitutions_of(&self, word: &Word<'_>) -> &[Cow<'a, str>] {
        let Range { start, end } = word.substitutions;
        self.substitutions
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }
}

struct PendingHereDoc<'a> {
    index: usize,
    delimiter: Cow<'a, str>,
    strip_tabs: bool,
}

/// The text of a word being read: a range of the source while it is one contiguous run of it,
/// bytes of its own once it is not.
#[derive(Default)]
struct Text {
    from: usize,
    to: usize,
    /// Set once `bytes` holds the text.
    spilled: bool,
    bytes: Vec<u8>,
}

impl Text {
    /// Appends `src[from..to]`.
    #[inline]
    fn source(&mut self, src: &[u8], from: usize, to: usize) {
        if self.spilled {
            self.bytes
                .extend_from_slice(src.get(from..to).unwrap_or_default());
        } else if self.from == self.to {
            self.from = from;
            self.to = to.max(from);
        } else if self.to == from {
            self.to = to.max(from);
        } else {
            self.spill(src);
            self.bytes
                .extend_from_slice(src.get(from..to).unwrap_or_default());
        }
    }

    /// Appends a byte that is not the next byte of the source run (an escape's value).
    fn byte(&mut self, src: &[u8], b: u8) {
        if !self.spilled {
            self.spill(src);
        }
        self.bytes.push(b);
    }

    fn spill(&mut self, src: &[u8]) {
        let run = src.get(self.from..self.to).unwrap_or_default();
        // Most words are short: one allocation instead of a series of reallocations.
        self.bytes = Vec::with_capacity(run.len().max(32));
        self.bytes.extend_from_slice(run);
        self.spilled = true;
    }

    fn as_bytes<'s>(&'s self, src: &'s [u8]) -> &'s [u8] {
        if self.spilled {
            &self.bytes
        } else {
            src.get(self.from..self.to).unwrap_or_default()
        }
    }

    #[inline]
    fn into_cow(self, src: &str) -> Cow<'_, str> {
        if self.spilled {
            Cow::Owned(into_string(self.bytes))
        } else {
            source_text(src, self.from, self.to)
        }
    }
}

/// `src[from..to]` as text: borrowed when the range falls on character boundaries (it always
/// does when it is delimited by ASCII bytes), replaced like [`into_string`] otherwise, empty when
/// the range is out of bounds.
fn source_text(src: &str, from: usize, to: usize) -> Cow<'_, str> {
    match src.get(from..to) {
        Some(s) => Cow::Borrowed(s),
        None => match src.as_bytes().get(from..to) {
            Some(bytes) => String::from_utf8_lossy(bytes),
            None => Cow::Borrowed(""),
        },
    }
}

/// `CLOSING`: the lexer only looks for the `)` that ends a command substitution (its tokens
/// are read for their structure and not kept). A type parameter, so that the main lexer's code
/// is its own and the compiler can inline it whole.
struct Lexer<'a, const CLOSING: bool> {
    text: &'a str,
    src: &'a [u8],
    pos: usize,
    out: Lexed<'a>,
    pending: Vec<PendingHereDoc<'a>>,
    /// The previous token was a here-document operator: the next word is its delimiter.
    heredoc_op: Option<(usize, bool)>,
    /// The source holds a `{`: only then can a word be brace-expanded (one search per lex,
    /// not one per word).
    any_brace: bool,
    /// How many command substitutions this lexer is inside.
    nesting: u8,
    /// The structure of the tokens, when `CLOSING`.
    closing: Option<CaseReader>,
    /// Where that `)` is, once found.
    closed_at: Option<usize>,
}

/// Lexes a command string.
pub(crate) fn lex(src: &str) -> Lexed<'_> {
    let mut lexer = Lexer::<'_, false> {
        text: src,
        src: src.as_bytes(),
        pos: 0,
        out: Lexed {
            // About one token per five bytes, in an allocation small enough for the allocator's
            // fast path.
            tokens: Vec::with_capacity(src.len() / 5 + 4),
            heredocs: Vec::new(),
            substitutions: Vec::new(),
            // The source spells `case` somewhere: the normaliser reads the tokens with a
            // [`CaseReader`] (exact either way; one search per lex, not one test per word).
            has_case: case_finder().find(src.as_bytes()).is_some(),
            any_braces: false,
        },
        pending: Vec::new(),
        heredoc_op: None,
        nesting: 0,
        closing: None,
        any_brace: memchr::memchr(b'{', src.as_bytes()).is_some(),
        closed_at: None,
    };
    lexer.run();
    lexer.out
}

/// The shell functions `src` defines (`NAME() { BODY; }`, `function NAME { BODY; }`), as
/// (name, body) pairs; found in the text, so that a call can be read with its arguments.
pub(crate) fn function_bodies(src: &str) -> Vec<(String, String)> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    // Most commands define nothing: a search for `()` (then `( )`) and for `function` rules
    // them out, with searchers built once.
    static FINDERS: std::sync::OnceLock<[memchr::memmem::Finder<'static>; 3]> =
        std::sync::OnceLock::new();
    let [parens, spaced, keyword] = FINDERS.get_or_init(|| {
        [
            memchr::memmem::Finder::new(b"()"),
            memchr::memmem::Finder::new(b"( )"),
            memchr::memmem::Finder::new(b"function"),
        ]
    });
    if parens.find(bytes).is_none() && spaced.find(bytes).is_none() && keyword.find(bytes).is_none()
    {
        return out;
    }
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let word_start = i == 0
            || bytes
                .get(i - 1)
                .is_some_and(|p| !is_name_char(*p) && *p != b'-');
        if !word_start || !(is_name_start(b)) {
            i += 1;
            continue;
        }
        let end = i + bytes
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&c| is_name_char(c) || c == b'-')
            .count();
        let name = src.get(i..end).unwrap_or_default();
        let skip_blank = |mut k: usize| {
            while bytes.get(k).is_some_and(|c| matches!(c, b' ' | b'\t')) {
                k += 1;
            }
            k
        };
        // `function NAME [()] {` or `NAME () {`.
        let (fname, mut k) = if name == "function" {
            let n0 = skip_blank(end);
            let n1 = n0
                + bytes
                    .get(n0..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|&&c| is_name_char(c) || c == b'-')
                    .count();
            (src.get(n0..n1).unwrap_or_default(), n1)
        } else {
            (name, end)
        };
        k = skip_blank(k);
        let mut parens = false;
        if bytes.get(k) == Some(&b'(') {
            let close = skip_blank(k + 1);
            if bytes.get(close) == Some(&b')') {
                parens = true;
                k = close + 1;
            }
        }
        if fname.is_empty() || (!parens && name != "function") {
            i = end.max(i + 1);
            continue;
        }
        while bytes.get(k).is_some_and(|c| c.is_ascii_whitespace()) {
            k += 1;
        }
        if bytes.get(k) == Some(&b'{') {
            let close = find_closing(bytes, k, b'{', b'}');
            if out.len() < 64 {
                out.push((
                    fname.to_owned(),
                    src.get(k + 1..close).unwrap_or_default().to_owned(),
                ));
            }
            i = close.max(i + 1);
        } else {
            i = end.max(i + 1);
        }
    }
    out
}

/// The searcher for `case`, built once.
fn case_finder() -> &'static memchr::memmem::Finder<'static> {
    static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    FINDER.get_or_init(|| memchr::memmem::Finder::new(b"case"))
}

/// Where the command substitution whose `(` is at `open` in `text` ends: the `)` that closes
/// it, found by reading the commands inside as the shell does (quotes, comments,
/// here-documents, nested substitutions, and `case` patterns, whose `)` closes nothing), or
/// the end of the text. `nesting` is how many substitutions `text[open..]` is already inside.
///
/// Out of line: the main lexer's loop stays one function, and only a substitution pays.
#[cold]
#[inline(never)]
fn substitution_end(text: &str, open: usize, nesting: u8) -> usize {
    if nesting >= MAX_NESTING {
        return find_closing(text.as_bytes(), open, b'(', b')');
    }
    let mut inner = Lexer::<'_, true> {
        text,
        src: text.as_bytes(),
        pos: open + 1,
        out: Lexed::default(),
        pending: Vec::new(),
        heredoc_op: None,
        nesting: nesting + 1,
        closing: Some(CaseReader::default()),
        any_brace: false,
        closed_at: None,
    };
    inner.run();
    inner.closed_at.unwrap_or(text.len())
}

/// Byte class: white space and operators: a byte that ends a word.
pub(crate) const META: u8 = 1;
/// Byte class: quotes, escapes and expansions: a byte that ends a plain run inside a word.
pub(crate) const QUOTING: u8 = 2;
/// Byte class: a byte that ends a plain run inside double quotes.
pub(crate) const DOUBLE_QUOTED: u8 = 4;
/// Byte class: a byte of a shell name (`[A-Za-z0-9_]`).
pub(crate) const NAME: u8 = 8;
/// Byte class: ASCII white space as [`char::is_whitespace`] sees it.
pub(crate) const WHITE: u8 = 16;
/// Byte class: a byte of a non-ASCII character.
pub(crate) const HIGH: u8 = 32;
/// Byte class: the start of an expansion (`$`, `` ` ``).
pub(crate) const EXPANSION: u8 = 64;
/// Byte class: a path separator.
pub(crate) const SLASH: u8 = 128;

/// The classes of every byte, so that scanning a run costs one load per byte. A unit test
/// checks it against [`class_of`].
#[rustfmt::skip]
static CLASSES: [u8; 256] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 17, 16, 16, 17, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    17, 0, 6, 0, 70, 0, 1, 2, 1, 1, 0, 0, 0, 0, 0, 128,
    8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 0, 1, 1, 0, 1, 0,
    0, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
    8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 0, 6, 0, 0, 8,
    70, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
    8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 0, 1, 0, 0, 0,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
];

/// The classes of a byte (a set of the class constants above).
pub(crate) fn class(b: u8) -> u8 {
    CLASSES.get(usize::from(b)).copied().unwrap_or(0)
}

/// The classes of a byte, by definition (what [`CLASSES`] tabulates).
#[cfg(test)]
fn class_of(b: u8) -> u8 {
    let mut c = 0;
    if b" \t\r\n;&|()<>".contains(&b) {
        c |= META;
    }
    if b"\\'\"$`".contains(&b) {
        c |= QUOTING;
    }
    if b"\"\\$`".contains(&b) {
        c |= DOUBLE_QUOTED;
    }
    if b.is_ascii_alphanumeric() || b == b'_' {
        c |= NAME;
    }
    if b.is_ascii() && char::from(b).is_whitespace() {
        c |= WHITE;
    }
    if !b.is_ascii() {
        c |= HIGH;
    }
    if b == b'$' || b == b'`' {
        c |= EXPANSION;
    }
    if b == b'/' {
        c |= SLASH;
    }
    c
}

fn is_meta(b: u8) -> bool {
    class(b) & META != 0
}

/// The length of the run at the start of `bytes` of bytes in none of the `classes`.
fn run_length(bytes: &[u8], classes: u8) -> usize {
    bytes
        .iter()
        .position(|&c| class(c) & classes != 0)
        .unwrap_or(bytes.len())
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_char(b: u8) -> bool {
    class(b) & NAME != 0
}

/// Turns collected bytes into a string; invalid UTF-8 (only possible through `$'\xHH'`) is
/// replaced rather than rejected.
fn into_string(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// A length as a `u32` index (saturating; no command string comes near 4 GiB).
fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'a, const CLOSING: bool> Lexer<'a, CLOSING> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.src.get(self.pos + k).copied()
    }

    fn slice(&self, from: usize, to: usize) -> &'a [u8] {
        self.src.get(from..to).unwrap_or_default()
    }

    #[inline]
    fn push(&mut self, token: Token<'a>) {
        if !CLOSING {
            self.out.tokens.push(token);
        } else {
            self.structure(&token);
        }
    }

    /// Reads a token of a substitution's commands for its structure only.
    #[cold]
    #[inline(never)]
    fn structure(&mut self, token: &Token<'a>) {
        if let Some(reader) = &mut self.closing
            && reader.step(token) == Step::Unmatched
        {
            // The `)` just read.
            self.closed_at = Some(self.pos.saturating_sub(1));
        }
    }

    /// Records a substitution body.
    fn substitution(&mut self, body: Cow<'a, str>) {
        self.out.substitutions.push(body);
    }

    /// Records the substitutions in `src[from..to]`, text expanded like a double-quoted string.
    fn substitutions_in(&mut self, from: usize, to: usize) {
        if CLOSING {
            // Only the structure is read: the bodies are not kept, and collecting them would
            // lex every nested level again.
            return;
        }
        let nesting = self.nesting;
        match source_text(self.text, from, to) {
            Cow::Borrowed(inner) => {
                collect_substitutions(inner, &mut self.out.substitutions, nesting);
            }
            Cow::Owned(inner) => {
                let mut found = Vec::new();
                collect_substitutions(&inner, &mut found, nesting);
                self.out
                    .substitutions
                    .extend(found.into_iter().map(|s| Cow::Owned(s.into_owned())));
            }
        }
    }

    fn run(&mut self) {
        while let Some(b) = self.peek() {
            if CLOSING && self.closed_at.is_some() {
                return;
            }
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.push(Token::Separator(Sep::End));
                    self.read_heredoc_bodies();
                }
                b'#' => self.skip_comment(),
                b';' => {
                    self.pos += 1;
                    if matches!(self.peek(), Some(b';' | b'&')) {
                        while matches!(self.peek(), Some(b';' | b'&')) {
                            self.pos += 1;
                        }
                        self.push(Token::CaseEnd);
                    } else {
                        self.push(Token::Separator(Sep::End));
                    }
                }
                b'&' => self.ampersand(),
                b'|' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'|') => {
                            self.pos += 1;
                            self.push(Token::Separator(Sep::Or));
                        }
                        Some(b'&') => {
                            self.pos += 1;
                            self.push(Token::Pipe);
                        }
                        _ => self.push(Token::Pipe),
                    }
                }
                b'(' => {
                    if self.peek_at(1) == Some(b'(') && is_arithmetic(self.src, self.pos) {
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
                self.push(Token::Separator(Sep::And));
            }
            Some(b'>') => {
                self.pos += 1;
                if self.peek() == Some(b'>') {
                    self.pos += 1;
                }
                self.push(Token::Redirect(Redirect::Write));
            }
            _ => self.push(Token::Separator(Sep::End)),
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
        let first = index(self.out.substitutions.len());
        self.substitutions_in(start + 2, end.saturating_sub(1));
        self.pos = (end + 1).min(self.src.len());
        let word = Word {
            text: Cow::Borrowed("(("),
            substitutions: first..index(self.out.substitutions.len()),
            ..Word::default()
        };
        self.push(Token::Word(word));
        self.push(Token::Separator(Sep::End));
    }

    /// Given `open_pos` pointing at an opening byte, returns the position of the matching close,
    /// honouring quotes and nesting; the end of input if there is none.
    fn find_closing(&self, open_pos: usize, open: u8, close: u8) -> usize {
        find_closing(self.src, open_pos, open, close)
    }

    fn word(&mut self) {
        let mut word = Word::default();
        let mut text = Text::default();
        let first_sub = index(self.out.substitutions.len());
        let start = self.pos;
        while let Some(b) = self.peek() {
            if is_meta(b) {
                // Process substitution `<(…)` / `>(…)` inside or at the start of a word.
                if (b == b'<' || b == b'>') && self.peek_at(1) == Some(b'(') {
                    let end = substitution_end(self.text, self.pos + 1, self.nesting);
                    self.substitution(source_text(self.text, self.pos + 2, end));
                    let after = (end + 1).min(self.src.len());
                    text.source(self.src, self.pos, after);
                    word.dynamic = true;
                    self.pos = after;
                    continue;
                }
                // `2>file`, `2>&1`: a word of digits right before a redirection is its fd.
                if (b == b'<' || b == b'>') && self.pos > start {
                    let bytes = text.as_bytes(self.src);
                    if !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit) {
                        // The fd's substitutions (none: it is all digits) are dropped with it.
                        self.out.substitutions.truncate(first_sub as usize);
                        return;
                    }
                }
                // `a[1<<EOF]=1`: the subscript of an array assignment is arithmetic, its `<`,
                // `>` and `(` are no operators.
                if let Some(close) = self.subscript_end(start) {
                    text.source(self.src, self.pos, close + 1);
                    self.pos = close + 1;
                    continue;
                }
                break;
            }
            match b {
                b'\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'\n') => self.pos += 1,
                        Some(_) => {
                            text.source(self.src, self.pos, self.pos + 1);
                            word.quoted = true;
                            self.pos += 1;
                        }
                        None => {}
                    }
                }
                b'\'' => {
                    word.quoted = true;
                    self.pos += 1;
                    let rest = self.src.get(self.pos..).unwrap_or_default();
                    let len = memchr::memchr(b'\'', rest).unwrap_or(rest.len());
                    text.source(self.src, self.pos, self.pos + len);
                    // Past the closing quote, if there is one.
                    self.pos = (self.pos + len + 1).min(self.src.len());
                }
                b'"' => {
                    word.quoted = true;
                    self.pos += 1;
                    self.double_quoted(&mut text, &mut word);
                }
                b'$' => self.dollar(&mut text, &mut word, false),
                b'`' => self.backtick(&mut text, &mut word),
                _ => {
                    // A run of plain bytes (most of most words) is taken in one go.
                    let rest = self.src.get(self.pos..).unwrap_or_default();
                    let run = run_length(rest, META | QUOTING).max(1);
                    text.source(self.src, self.pos, self.pos + run);
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
        word.text = text.into_cow(self.text);
        if word.text.is_empty()
            && !word.quoted
            && !word.dynamic
            && self.heredoc_op.is_none()
            && raw.contains(&b'\n')
            && raw.iter().all(|&b| matches!(b, b'\\' | b'\n'))
        {
            // Only line continuations (`rm -rf \⏎ /`): the shell joins the lines, no word.
            return;
        }
        word.assignment = is_assignment(raw);
        // Only a word that starts with an unquoted `~` names a home folder: `'~'`, `"~/x"`
        // and `\~` are a folder named `~` here (`rm -rf '~'` removes `./~`).
        if word.text.starts_with('~') && raw.first() != Some(&b'~') {
            word.text = Cow::Owned(format!("./{}", word.text));
        }
        word.braces = self.any_brace && !word.assignment && may_brace_expand(raw);
        self.out.any_braces |= word.braces;
        word.substitutions = first_sub..index(self.out.substitutions.len());
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

    /// When the word from `start` to here is `NAME[` with its bracket still open, and a `]`
    /// followed by `=` or `+=` closes it on this line: where that `]` is.
    fn subscript_end(&self, start: usize) -> Option<usize> {
        let so_far = self.slice(start, self.pos);
        let (&first, rest) = so_far.split_first()?;
        let name = rest.iter().take_while(|&&b| is_name_char(b)).count();
        if !is_name_start(first) || rest.get(name) != Some(&b'[') {
            return None;
        }
        let opened = so_far.iter().filter(|&&b| b == b'[').count();
        let closed = so_far.iter().filter(|&&b| b == b']').count();
        if opened <= closed {
            return None;
        }
        let mut depth = opened - closed;
        let mut i = self.pos;
        while let Some(&b) = self.src.get(i) {
            match b {
                b'\n' => return None,
                b'[' => depth += 1,
                b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        let after = self.src.get(i + 1..).unwrap_or_default();
                        return (after.starts_with(b"=") || after.starts_with(b"+=")).then_some(i);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    fn double_quoted(&mut self, text: &mut Text, word: &mut Word<'a>) {
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.pos += 1;
                    return;
                }
                b'\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'$' | b'`' | b'"' | b'\\') => {
                            text.source(self.src, self.pos, self.pos + 1);
                            self.pos += 1;
                        }
                        Some(b'\n') => self.pos += 1,
                        // The backslash stays.
                        _ => text.source(self.src, self.pos - 1, self.pos),
                    }
                }
                b'$' => self.dollar(text, word, true),
                b'`' => self.backtick(text, word),
                _ => {
                    let rest = self.src.get(self.pos..).unwrap_or_default();
                    let run = run_length(rest, DOUBLE_QUOTED).max(1);
                    text.source(self.src, self.pos, self.pos + run);
                    self.pos += run;
                }
            }
        }
    }

    fn backtick(&mut self, text: &mut Text, word: &mut Word<'a>) {
        let start = self.pos;
        self.pos += 1;
        let mut body = Text::default();
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'`' => break,
                b'\\' => {
                    if let Some(n) = self.peek() {
                        if matches!(n, b'`' | b'\\' | b'$') {
                            body.source(self.src, self.pos, self.pos + 1);
                        } else {
                            body.source(self.src, self.pos - 1, self.pos + 1);
                        }
                        self.pos += 1;
                    }
                }
                _ => body.source(self.src, self.pos - 1, self.pos),
            }
        }
        let body = body.into_cow(self.text);
        self.substitution(body);
        word.dynamic = true;
        text.source(self.src, start, self.pos);
    }

    /// `$…` in a word; `in_dquote` tells whether `$'…'` and `$"…"` are quotes here.
    fn dollar(&mut self, text: &mut Text, word: &mut Word<'a>, in_dquote: bool) {
        let start = self.pos;
        match self.peek_at(1) {
            Some(b'(') => {
                if self.peek_at(2) == Some(b'(') && is_arithmetic(self.src, self.pos + 1) {
                    // `$(( arithmetic ))`.
                    let end = self.find_closing(self.pos + 2, b'(', b')');
                    let close = self.find_closing(self.pos + 1, b'(', b')');
                    self.substitutions_in(self.pos + 3, end);
                    self.pos = (close.max(end) + 1).min(self.src.len());
                } else {
                    let end = substitution_end(self.text, self.pos + 1, self.nesting);
                    self.substitution(source_text(self.text, self.pos + 2, end));
                    self.pos = (end + 1).min(self.src.len());
                }
                word.dynamic = true;
                text.source(self.src, start, self.pos);
            }
            Some(b'[') => {
                // `$[ arithmetic ]`, the old spelling of `$(( ))`: its `<<` is a shift.
                let end = find_closing(self.src, self.pos + 1, b'[', b']');
                self.substitutions_in(self.pos + 2, end);
                self.pos = (end + 1).min(self.src.len());
                word.dynamic = true;
                text.source(self.src, start, self.pos);
            }
            Some(b'{') => {
                let end = parameter_end(self.text, self.pos + 1, in_dquote, self.nesting);
                self.substitutions_in(self.pos + 2, end);
                self.pos = (end + 1).min(self.src.len());
                word.dynamic = true;
                text.source(self.src, start, self.pos);
            }
            Some(b'\'') if !in_dquote => {
                word.quoted = true;
                self.pos += 2;
                self.ansi_c(text);
            }
            Some(b'"') if !in_dquote => {
                word.quoted = true;
                self.pos += 2;
                self.double_quoted(text, word);
            }
            Some(c) if is_name_start(c) => {
                self.pos += 1;
                while self.peek().is_some_and(is_name_char) {
                    self.pos += 1;
                }
                word.dynamic = true;
                text.source(self.src, start, self.pos);
            }
            Some(c) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => {
                self.pos += 2;
                word.dynamic = true;
                text.source(self.src, start, self.pos);
            }
            _ => {
                text.source(self.src, self.pos, self.pos + 1);
                self.pos += 1;
            }
        }
    }

    /// The inside of `$'…'`, with bash's escapes.
    fn ansi_c(&mut self, text: &mut Text) {
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\'' => return,
                b'\\' => {
                    let Some(e) = self.peek() else { return };
                    self.pos += 1;
                    let value = match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        b'a' => 7,
                        b'b' => 8,
                        b'e' | b'E' => 27,
                        b'f' => 12,
                        b'v' => 11,
                        b'x' => self.radix_digits(16, 2).unwrap_or(b'x'),
                        b'0'..=b'7' => {
                            self.pos -= 1;
                            self.radix_digits(8, 3).unwrap_or(b'0')
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
                            for &b in ch.encode_utf8(&mut tmp).as_bytes() {
                                text.byte(self.src, b);
                            }
                            continue;
                        }
                        other => other,
                    };
                    text.byte(self.src, value);
                }
                _ => text.source(self.src, self.pos - 1, self.pos),
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
            // In a body whose delimiter is unquoted, a backslash-newline joins two lines, also
            // to spell the delimiter (`E\` then `OF`).
            let quoted = self.out.heredocs.get(doc.index).is_some_and(|d| d.quoted);
            let mut joined: Vec<u8> = Vec::new();
            loop {
                if self.pos >= self.src.len() {
                    break;
                }
                let line_end = self
                    .src
                    .get(self.pos..)
                    .and_then(|rest| memchr::memchr(b'\n', rest))
                    .map_or(self.src.len(), |i| self.pos + i);
                let line_start = self.pos;
                self.pos = (line_end + 1).min(self.src.len());
                let mut line = self.src.get(line_start..line_end).unwrap_or_default();
                if doc.strip_tabs {
                    while let Some((b'\t', rest)) = line.split_first() {
                        line = rest;
                    }
                }
                let continued =
                    !quoted && line.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1;
                if continued {
                    joined.clear();
                    joined.extend_from_slice(line.get(..line.len() - 1).unwrap_or_default());
                    while self.pos < self.src.len() {
                        let next_end = self
                            .src
                            .get(self.pos..)
                            .and_then(|rest| memchr::memchr(b'\n', rest))
                            .map_or(self.src.len(), |i| self.pos + i);
                        let next = self.src.get(self.pos..next_end).unwrap_or_default();
                        self.pos = (next_end + 1).min(self.src.len());
                        let more = next.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1;
                        if more {
                            joined
                                .extend_from_slice(next.get(..next.len() - 1).unwrap_or_default());
                        } else {
                            joined.extend_from_slice(next);
                            break;
                        }
                    }
                    line = &joined;
                }
                let trimmed = line.strip_suffix(b"\r").unwrap_or(line);
                let delimiter = doc.delimiter.as_bytes();
                if trimmed == delimiter {
                    break;
                }
                if CLOSING
                    && !continued
                    && trimmed.starts_with(delimiter)
                    && trimmed.get(delimiter.len()) == Some(&b')')
                {
                    // Inside `$( … )`, bash ends the body at `EOF)` too, and the `)` closes
                    // the substitution.
                    self.pos = line_end - (line.len() - delimiter.len());
                    break;
                }
                body.extend_from_slice(line);
                body.push(b'\n');
            }
            if let Some(target) = self.out.heredocs.get_mut(doc.index) {
                target.body = into_string(body);
                if !target.quoted && !CLOSING {
                    let mut found = Vec::new();
                    collect_substitutions(&target.body, &mut found, self.nesting);
                    target
                        .substitutions
                        .extend(found.into_iter().map(Cow::into_owned));
                }
            }
        }
    }
}

/// Whether a word's source may be brace-expanded: an unquoted `{` (not `${`) with an unquoted
/// `,` or `..` inside before its unquoted `}` (`git {reset,--hard}`, `rm {-rf,~}`), where a
/// quoted `'{"a":1,"b":2}'` is not.
fn may_brace_expand(raw: &[u8]) -> bool {
    if memchr::memchr(b'{', raw).is_none() {
        return false;
    }
    // One bit per open brace, innermost lowest: set for `${`, whose commas are its own.
    let mut open: u64 = 0;
    let mut depth = 0u32;
    let mut found = false;
    let (mut single, mut double) = (false, false);
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        match b {
            b'\\' if !single => i += 1,
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            _ if single || double => {}
            b'{' if depth < 64 => {
                let param = i > 0 && raw.get(i - 1) == Some(&b'$');
                open = (open << 1) | u64::from(param);
                depth += 1;
            }
            b'}' if depth > 0 => {
                if found && open & 1 == 0 {
                    return true;
                }
                open >>= 1;
                depth -= 1;
            }
            b',' if depth > 0 && open & 1 == 0 => found = true,
            b'.' if depth > 0 && open & 1 == 0 && raw.get(i + 1) == Some(&b'.') => found = true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Whether the `((` at `open` is arithmetic: its two parentheses close together, as `))`.
/// Otherwise it is two subshells (`((true) && rm -rf ~)`), as bash reads it.
fn is_arithmetic(src: &[u8], open: usize) -> bool {
    let outer = find_closing(src, open, b'(', b')');
    let inner = find_closing(src, open + 1, b'(', b')');
    outer < src.len() && inner + 1 == outer
}

/// Where the parameter expansion whose `{` is at `open` ends: the first `}` that is not
/// quoted, escaped or inside a nested `${…}`, `$(…)` or `` `…` `` (a bare `{` opens nothing:
/// `${x:-{a}b}` is `{a` then `b}`). Single quotes quote only outside double quotes
/// (`"${x:-'}'}"` ends at the first `}`). The end of the text when there is none.
fn parameter_end(text: &str, open: usize, in_dquote: bool, nesting: u8) -> usize {
    let src = text.as_bytes();
    if nesting >= MAX_NESTING {
        return find_closing(src, open, b'{', b'}');
    }
    let mut i = open + 1;
    while let Some(&c) = src.get(i) {
        match c {
            b'\\' => i += 1,
            b'\'' if !in_dquote => {
                i += 1;
                while src.get(i).is_some_and(|&q| q != b'\'') {
                    i += 1;
                }
            }
            b'"' | b'`' => {
                i += 1;
                while let Some(&q) = src.get(i) {
                    if q == b'\\' {
                        i += 1;
                    } else if q == c {
                        break;
                    } else if q == b'$' && c == b'"' && src.get(i + 1) == Some(&b'(') {
                        i = substitution_end(text, i + 1, nesting);
                    }
                    i += 1;
                }
            }
            b'$' if src.get(i + 1) == Some(&b'(') => i = substitution_end(text, i + 1, nesting),
            b'$' if src.get(i + 1) == Some(&b'{') => {
                i = parameter_end(text, i + 1, in_dquote, nesting + 1);
            }
            b'}' => return i,
            _ => {}
        }
        i += 1;
    }
    src.len()
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
pub(crate) fn collect_substitutions<'t>(text: &'t str, out: &mut Vec<Cow<'t, str>>, nesting: u8) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'\\' => i += 2,
            b'$' if bytes.get(i + 1) == Some(&b'(') => {
                let end = substitution_end(text, i + 1, nesting);
                if bytes.get(i + 2) != Some(&b'(') {
                    out.push(source_text(text, i + 2, end));
                }
                i = end + 1;
            }
            b'`' => {
                let mut j = i + 1;
                let mut body = Vec::new();
                while let Some(&q) = bytes.get(j) {
                    if q == b'\\' {
                        if let Some(&n) = bytes.get(j + 1) {
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
                out.push(Cow::Owned(into_string(body)));
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
    let i = rest
        .iter()
        .position(|&b| !is_name_char(b))
        .unwrap_or(rest.len());
    match rest.get(i) {
        Some(b'=') => true,
        Some(b'+') => rest.get(i + 1) == Some(&b'='),
        // Array element assignment `a[i]=x`, `a[i]+=x`.
        Some(b'[') => rest
            .get(i..)
            .is_some_and(|r| r.windows(2).any(|w| w == b"]=") || r.windows(3).any(|w| w == b"]+=")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str) -> Vec<String> {
        lex(src)
            .tokens
            .into_iter()
            .map(|t| match t {
                Token::Word(w) => w.text.into_owned(),
                Token::Separator(Sep::End) => ";".into(),
                Token::Separator(Sep::And) => "&&".into(),
                Token::Separator(Sep::Or) => "||".into(),
                Token::CaseEnd => ";;".into(),
                Token::Pipe => "|".into(),
                Token::Open => "(".into(),
                Token::Close => ")".into(),
                Token::Redirect(r) => format!("{r:?}"),
            })
            .collect()
    }

    #[test]
    fn the_byte_table_matches_the_definition() {
        for b in 0..=u8::MAX {
            assert_eq!(class(b), class_of(b), "byte {b:#04x}");
        }
        assert_eq!(class(b'|'), META);
        assert_eq!(class(b'"'), QUOTING | DOUBLE_QUOTED);
        assert_eq!(class(b'\''), QUOTING);
        assert_eq!(class(b'a'), NAME);
        assert_eq!(class(b'\x0b'), WHITE);
        assert_eq!(class(b'$'), QUOTING | DOUBLE_QUOTED | EXPANSION);
        assert_eq!(class(0xc3), HIGH);
        assert_eq!(class(b'/'), SLASH);
        assert_eq!(class(b'-'), 0);
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
    fn a_word_borrows_its_text_when_it_is_one_run_of_the_source() {
        let lexed = lex(r#"git 'reset' "--hard" \rm $'x y' g\it 'a''b' "a\$b" $(id) \"#);
        let texts: Vec<(&str, bool)> = lexed
            .tokens
            .iter()
            .filter_map(|t| match t {
                Token::Word(w) => Some((&*w.text, matches!(w.text, Cow::Borrowed(_)))),
                _ => None,
            })
            .collect();
        assert_eq!(
            texts,
            [
                ("git", true),
                ("reset", true),
                ("--hard", true),
                ("rm", true),
                ("x y", true),
                ("git", false),
                ("ab", false),
                ("a$b", false),
                ("$(id)", true),
                // A lone backslash at the end: an empty word, as before.
                ("", true),
            ]
        );
    }

    #[test]
    fn escapes_keep_characters_whole_and_replace_invalid_bytes() {
        assert_eq!(words("echo \\é \"\\é\" 'é'x"), ["echo", "é", "\\é", "éx"]);
        assert_eq!(
            words(r"echo $'\xff' $'\xc3\xa9' $'\u00e9'"),
            ["echo", "\u{fffd}", "é", "é"]
        );
    }

    #[test]
    fn operators_split_commands() {
        assert_eq!(
            words("a && b || c; d | e & f"),
            ["a", "&&", "b", "||", "c", ";", "d", "|", "e", ";", "f"]
        );
        assert_eq!(words("(a)"), ["(", "a", ")"]);
        assert_eq!(words("echo hi >> .env"), ["echo", "hi", "Write", ".env"]);
        assert_eq!(words("cmd 2>&1"), ["cmd", "Dup", "1"]);
        assert_eq!(words("cmd &> log"), ["cmd", "Write", "log"]);
    }

    #[test]
    fn substitutions_are_recorded() {
        let lexed = lex("echo $(git reset --hard) `rm -rf /` ${X:-$(id)}");
        let subs: Vec<Vec<&str>> = lexed
            .tokens
            .iter()
            .filter_map(|t| match t {
                Token::Word(w) => Some(lexed.substitutions_of(w).iter().map(|s| &**s).collect()),
                _ => None,
            })
            .collect();
        assert_eq!(
            subs,
            [
                vec![],
                vec!["git reset --hard"],
                vec!["rm -rf /"],
                vec!["id"]
            ]
        );
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
