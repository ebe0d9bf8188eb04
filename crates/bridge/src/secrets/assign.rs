//! Hand-written matchers for the two built-in assignment rules (`secret-assignment`,
//! `password-assignment`): the same matches and capture groups as their regexes, without
//! compiling them.
//!
//! Why: source code is full of names that end in `key`, `token`, `secret` or `password`, so
//! these two rules run, and match (`token: &str`, `password_hash = …`), in almost every check
//! of written content. Compiling their regexes (Unicode classes under `(?i)`, too large for a
//! precompiled DFA: 1.7 MB dense) was about 20 M of the 51 M instructions of a hook process
//! that checks a 10 KB Rust file (callgrind, December 2026); here the text is searched for
//! its `:` and `=` (memchr), an operator whose name cannot end in a keyword (its last byte
//! tells) is passed over, and only the others have their name and value read.
//!
//! Why it can be exact: every choice the regexes' backtracking could make, after the name, is
//! forced (each optional piece is followed by characters it cannot be confused with), so a
//! match is a run of name characters whose end is followed by the assignment's tail, and whose
//! characters end with a keyword. Only where the match starts depends on the keyword's place.
//!
//! The contract of the fast paths (ARCHITECTURE.md): a matcher is used only for exactly the
//! pattern text below (an edited rule falls back to the regex, and a test fails until this
//! file follows it); `METALAYER_LIBRARY_PATH=1` runs the regexes instead; the unit tests and
//! the `secret_assignment` fuzz target compare every match and group with regex-automata's
//! (pinned in the workspace).

use std::ops::Range;
use std::sync::OnceLock;

use regex_automata::meta::Regex;

/// `secret-assignment` in `rules.toml`, exactly.
pub(crate) const SECRET_ASSIGNMENT: &str = r#"(?i)[A-Za-z0-9_.\-]*(?:key|token|secret|credential|passkey|auth)s?(?-i:(?:_[A-Z0-9]+)*)\\?["']?\]?[ \t]*(?::=|=>|:|=)[ \t]*(?:[bru]?\\?"((?:[^"\\\r\n]|\\[^"\r\n]){6,})\\?"|[bru]?'([^'\r\n]{6,})'|([^\s"'`,;:)\]}=>\\][^\s"'`,;)\]}\\]{5,}))"#;

/// `password-assignment` in `rules.toml`, exactly.
pub(crate) const PASSWORD_ASSIGNMENT: &str = r#"(?i)(?:[A-Za-z0-9_.\-]*(?:pass(?:word|wd|phrase)?|pwd)|(?:\b|[A-Za-z0-9.\-]*_)pw)(?-i:(?:_[A-Z0-9]+)*)\\?["']?\]?[ \t]*(?::=|=>|:|=)[ \t]*(?:[bru]?\\?"((?:[^"\\\r\n]|\\[^"\r\n])+)\\?"|[bru]?'([^'\r\n]+)'|([^\s"'`,;:)\]}=>\\][^\s"'`,;)\]}\\]*))"#;

/// One match: the whole span and the three capture groups (one of them took part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) whole: Range<usize>,
    pub(crate) groups: [Option<Range<usize>>; 3],
}

/// Which of the two rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Assignment {
    /// A name that ends in key, token, secret, credential, passkey or auth (an `s` may
    /// follow), values of six or more characters.
    Secret,
    /// A name that ends in pass, password, passwd, passphrase, pwd, or `pw` after a word
    /// boundary or an underscore; any value.
    Password,
}

impl Assignment {
    /// The matcher for exactly this pattern text, if there is one.
    pub(crate) fn for_pattern(pattern: &str) -> Option<Self> {
        if pattern == SECRET_ASSIGNMENT {
            Some(Self::Secret)
        } else if pattern == PASSWORD_ASSIGNMENT {
            Some(Self::Password)
        } else {
            None
        }
    }

    /// The least number of items of the quoted values, and of characters after the first
    /// one of a bare value.
    fn least(self) -> (usize, usize) {
        match self {
            Self::Secret => (6, 5),
            Self::Password => (1, 0),
        }
    }

    /// Every match, left to right, as `captures_iter` of the regex gives them.
    ///
    /// A match is found from its operator (`memchr2` for `:` and `=`): before it, only
    /// `\\?["']?\]?[ \t]*` can stand between the name and the operator, so the name's end is
    /// found by walking back, and the tail after the name decides the rest. Operators come in
    /// the order of the names before them, which is the order the regex tries them in.
    pub(crate) fn find_iter(self, text: &str) -> impl Iterator<Item = Found> + '_ {
        let bytes = text.as_bytes();
        let mut ops = memchr::memchr2_iter(b':', b'=', bytes);
        let mut at = 0;
        std::iter::from_fn(move || {
            for op in ops.by_ref() {
                if op < at {
                    continue;
                }
                let Some(end) = name_end_before(bytes, op) else {
                    continue;
                };
                if end <= at || !self.may_end_name(bytes.get(end - 1).copied()) {
                    continue;
                }
                let start = name_run_start(bytes, end).max(at);
                if let Some((tail_end, groups)) = tail(text, end, self.least())
                    && let Some(from) = self.name_start(text, start, end)
                {
                    at = tail_end;
                    return Some(Found {
                        whole: from..tail_end,
                        groups,
                    });
                }
            }
            None
        })
    }

    /// Whether a name the rule accepts can end in byte `last`: the last letter of one of its
    /// words (`(?i)`: either case; `ſ` folds to `s` and ends in 0xBF), or an upper-case letter
    /// or digit of a `_[A-Z0-9]+` suffix. Most operators in code follow other names (`id:`,
    /// `x =`, `std::`), and this rejects them before anything else is looked at.
    fn may_end_name(self, last: Option<u8>) -> bool {
        let Some(last) = last else {
            return false;
        };
        if last.is_ascii_uppercase() || last.is_ascii_digit() || last == 0xBF {
            return true;
        }
        match self {
            // key, passkey, token, secret, credential, auth, and a plural `s`.
            Self::Secret => matches!(last, b'y' | b'n' | b't' | b'l' | b'h' | b's'),
            // pass, password, passwd, pwd, passphrase, pw.
            Self::Password => matches!(last, b's' | b'd' | b'e' | b'w'),
        }
    }

    /// Where the match whose name ends at `end` starts: the leftmost start at or after
    /// `from` of a name the rule accepts, `None` when it accepts none.
    fn name_start(self, text: &str, from: usize, end: usize) -> Option<usize> {
        let name = text.get(from..end)?;
        let ends = upper_suffix_starts(name);
        match self {
            Self::Secret => {
                let words = ["key", "token", "secret", "credential", "passkey", "auth"];
                ends.clone()
                    .filter_map(|j| name.get(..j))
                    .any(|head| {
                        ends_with_any(head, &words)
                            || strip_fold_suffix(head, "s")
                                .is_some_and(|h| ends_with_any(h, &words))
                    })
                    .then_some(from)
            }
            Self::Password => {
                let heads = || ends.clone().filter_map(|j| name.get(..j));
                if heads().any(|head| {
                    ends_with_any(head, &["pass", "password", "passwd", "passphrase", "pwd"])
                }) {
                    return Some(from);
                }
                heads().filter_map(|head| pw_start(text, from, head)).min()
            }
        }
    }
}

/// Where a name `head` (starting at `from` in `text`) that ends in `pw` may start under
/// `(?:\b|[A-Za-z0-9.\-]*_)pw`: at the `pw` when a word boundary is before it, else at the
/// first of the name characters (no underscore) before `_pw`.
fn pw_start(text: &str, from: usize, head: &str) -> Option<usize> {
    let before = strip_fold_suffix(head, "pw")?;
    let at = from + before.len();
    let boundary = text
        .get(..at)
        .and_then(|t| t.chars().next_back())
        .is_none_or(|c| !is_word(c));
    let after_underscore = before.strip_suffix('_').map(|rest| {
        let kept = rest
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c != '_' && is_name_char(c))
            .last()
            .map_or(rest.len(), |(i, _)| i);
        from + kept
    });
    [boundary.then_some(at), after_underscore]
        .into_iter()
        .flatten()
        .min()
}

/// Unicode `\w`, as the regexes' `\b` reads it.
fn is_word(c: char) -> bool {
    regex_syntax::try_is_word_character(c).unwrap_or(c.is_alphanumeric() || c == '_')
}

/// A character of `[A-Za-z0-9_.\-]` under `(?i)` with Unicode: ASCII letters fold with
/// `ſ` (U+017F) and the Kelvin sign (U+212A).
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '\u{17F}' | '\u{212A}')
}

/// A character folded as `(?i)` compares it with an ASCII letter.
fn fold(c: char) -> char {
    match c {
        '\u{17F}' => 's',
        '\u{212A}' => 'k',
        _ => c.to_ascii_lowercase(),
    }
}

/// `text` without `suffix` (ASCII lower-case letters) at its end, compared as `(?i)` does.
fn strip_fold_suffix<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let mut chars = text.char_indices().rev();
    let mut start = text.len();
    for want in suffix.chars().rev() {
        let (i, c) = chars.next()?;
        if fold(c) != want {
            return None;
        }
        start = i;
    }
    text.get(..start)
}

fn ends_with_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| strip_fold_suffix(text, w).is_some())
}

/// The lengths `j` of `name` whose rest `name[j..]` is `(?:_[A-Z0-9]+)*` (longest first),
/// computed as they are asked for: nearly every name has only its own length, and this runs
/// for every candidate match (a vector here was an allocation each).
fn upper_suffix_starts(name: &str) -> impl Iterator<Item = usize> + Clone + '_ {
    let bytes = name.as_bytes();
    std::iter::successors(Some(name.len()), move |&j| {
        let mut q = j;
        while q > 0
            && bytes
                .get(q - 1)
                .is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            q -= 1;
        }
        (q != j && q != 0 && bytes.get(q - 1) == Some(&b'_')).then(|| q - 1)
    })
}

/// The length of the name character at byte `i` (`is_name_char`), 0 when there is none:
/// ASCII by a table, and the two non-ASCII characters by their UTF-8 bytes (a lead byte is
/// never a continuation byte, so a scan byte by byte finds only whole characters).
fn name_char_len(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i) {
        Some(&b) if b < 0x80 => {
            usize::from(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        }
        Some(0xC5) if bytes.get(i + 1) == Some(&0xBF) => 2,
        Some(0xE2) if bytes.get(i + 1..i + 3) == Some(&[0x84, 0xAA][..]) => 3,
        _ => 0,
    }
}

/// The end of the name whose tail `\\?["']?\]?[ \t]*` reaches the operator at `op`: walking
/// back over spaces and tabs, at most one `]`, one quote and one backslash, in that order, to
/// a name character. `None` when something else stands there.
fn name_end_before(bytes: &[u8], op: usize) -> Option<usize> {
    let mut i = op;
    while i > 0 && matches!(bytes.get(i - 1), Some(b' ' | b'\t')) {
        i -= 1;
    }
    for optional in [&[b']'][..], b"\"'", b"\\"] {
        if i > 0 && bytes.get(i - 1).is_some_and(|b| optional.contains(b)) {
            i -= 1;
        }
    }
    (i > 0 && name_char_ending(bytes, i) > 0).then_some(i)
}

/// The length of the name character that ends at byte `end` (0 when there is none).
fn name_char_ending(bytes: &[u8], end: usize) -> usize {
    (1..=3)
        .filter(|&n| n <= end)
        .find(|&n| name_char_len(bytes, end - n) == n)
        .unwrap_or(0)
}

/// The start of the run of name characters that ends at `end`.
fn name_run_start(bytes: &[u8], end: usize) -> usize {
    let mut i = end;
    loop {
        match name_char_ending(bytes, i) {
            0 => return i,
            n => i -= n,
        }
    }
}

/// Characters a bare value cannot start with (`[^\s"'`,;:)\]}=>\\]`).
fn bare_start(c: char) -> bool {
    !c.is_whitespace()
        && !matches!(
            c,
            '"' | '\'' | '`' | ',' | ';' | ':' | ')' | ']' | '}' | '=' | '>' | '\\'
        )
}

/// Characters a bare value goes on with (`[^\s"'`,;)\]}\\]`).
fn bare_more(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '"' | '\'' | '`' | ',' | ';' | ')' | ']' | '}' | '\\')
}

/// The tail after a name ending at `at`: `\\?["']?\]?[ \t]*` an operator `[ \t]*` and a
/// value; the end of the match and the groups.
fn tail(
    text: &str,
    at: usize,
    least: (usize, usize),
) -> Option<(usize, [Option<Range<usize>>; 3])> {
    let bytes = text.as_bytes();
    let byte = |i: usize| bytes.get(i).copied();
    let mut i = at;
    if byte(i) == Some(b'\\') {
        i += 1;
    }
    if matches!(byte(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    if byte(i) == Some(b']') {
        i += 1;
    }
    while matches!(byte(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    match (byte(i), byte(i + 1)) {
        (Some(b':'), Some(b'=')) | (Some(b'='), Some(b'>')) => i += 2,
        (Some(b':' | b'='), _) => i += 1,
        _ => return None,
    }
    while matches!(byte(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let (least_quoted, least_bare) = least;
    let prefixed = if matches!(byte(i), Some(b'b' | b'r' | b'u' | b'B' | b'R' | b'U')) {
        i + 1
    } else {
        i
    };
    // [bru]?\\?"((?:[^"\\\r\n]|\\[^"\r\n]){N,})\\?"
    let mut j = prefixed;
    if byte(j) == Some(b'\\') {
        j += 1;
    }
    if byte(j) == Some(b'"') {
        let open = j + 1;
        let rest = text.get(open..).unwrap_or_default();
        let mut items = 0_usize;
        let mut stop = rest.len();
        let mut chars = rest.char_indices().peekable();
        while let Some((k, c)) = chars.next() {
            let escaped = c == '\\'
                && chars
                    .peek()
                    .is_some_and(|&(_, n)| !matches!(n, '"' | '\r' | '\n'));
            if escaped {
                chars.next();
            } else if matches!(c, '"' | '\r' | '\n' | '\\') {
                stop = k;
                break;
            }
            items += 1;
        }
        let q = open + stop;
        let close = match (byte(q), byte(q + 1)) {
            (Some(b'"'), _) => Some(q + 1),
            (Some(b'\\'), Some(b'"')) => Some(q + 2),
            _ => None,
        };
        if let Some(end) = close
            && items >= least_quoted
        {
            return Some((end, [Some(open..q), None, None]));
        }
    }
    // [bru]?'([^'\r\n]{N,})'
    if byte(prefixed) == Some(b'\'') {
        let open = prefixed + 1;
        let rest = text.get(open..).unwrap_or_default();
        let stop = rest
            .char_indices()
            .find(|&(_, c)| matches!(c, '\'' | '\r' | '\n'))
            .map_or(rest.len(), |(k, _)| k);
        let count = rest.get(..stop).map_or(0, |s| s.chars().count());
        if rest.get(stop..).is_some_and(|s| s.starts_with('\'')) && count >= least_quoted {
            return Some((open + stop + 1, [None, Some(open..open + stop), None]));
        }
    }
    // ([^\s"'`,;:)\]}=>\\][^\s"'`,;)\]}\\]{N,})
    let rest = text.get(i..)?;
    let mut chars = rest.char_indices();
    let (_, first) = chars.next()?;
    if !bare_start(first) {
        return None;
    }
    let mut count = 0_usize;
    let mut end = rest.len();
    for (k, c) in chars {
        if !bare_more(c) {
            end = k;
            break;
        }
        count += 1;
    }
    (count >= least_bare).then_some((i + end, [None, None, Some(i..i + end)]))
}

/// What `regex` finds in `text`, in the matchers' shape: the other side of the differential
/// tests and of the fuzz target.
fn regex_find_iter(regex: &Regex, text: &str) -> Vec<Found> {
    let group = |caps: &regex_automata::util::captures::Captures, g: usize| {
        caps.get_group(g).map(|s| s.range())
    };
    regex
        .captures_iter(text)
        .filter_map(|caps| {
            Some(Found {
                whole: caps.get_match()?.range(),
                groups: [group(&caps, 1), group(&caps, 2), group(&caps, 3)],
            })
        })
        .collect()
}

/// Whether both matchers find in `text` exactly what their regexes find (compiled once).
pub(crate) fn agree(text: &str) -> bool {
    static REGEXES: OnceLock<Option<[Regex; 2]>> = OnceLock::new();
    let Some(regexes) = REGEXES.get_or_init(|| {
        Some([
            super::rule::compile(SECRET_ASSIGNMENT).ok()?,
            super::rule::compile(PASSWORD_ASSIGNMENT).ok()?,
        ])
    }) else {
        return false;
    };
    [Assignment::Secret, Assignment::Password]
        .into_iter()
        .zip(regexes)
        .all(|(matcher, regex)| {
            regex_find_iter(regex, text) == matcher.find_iter(text).collect::<Vec<_>>()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_regex(pattern: &str, text: &str) -> Vec<Found> {
        regex_find_iter(&crate::secrets::rule::compile(pattern).unwrap(), text)
    }

    fn same(text: &str) {
        for (matcher, pattern) in [
            (Assignment::Secret, SECRET_ASSIGNMENT),
            (Assignment::Password, PASSWORD_ASSIGNMENT),
        ] {
            assert_eq!(
                matcher.find_iter(text).collect::<Vec<_>>(),
                by_regex(pattern, text),
                "{matcher:?} on {text:?}"
            );
        }
    }

    #[test]
    fn the_built_in_rules_have_their_matchers() {
        let file = crate::secrets::rule::RulesFile::parse(crate::secrets::BUILTIN_RULES).unwrap();
        for (id, matcher) in [
            ("secret-assignment", Assignment::Secret),
            ("password-assignment", Assignment::Password),
        ] {
            let rule = file.rules.iter().find(|r| r.id == id).unwrap();
            assert_eq!(
                Assignment::for_pattern(&rule.regex),
                Some(matcher),
                "{id}: rules.toml and assign.rs differ; change both"
            );
        }
        assert_eq!(Assignment::for_pattern("key=(.*)"), None);
    }

    #[test]
    fn cases_agree_with_the_regexes() {
        for text in [
            "",
            "api_key = \"Zq8nV3kP2mX7wL4r\"",
            "API_KEY=abcdef123",
            "token: &str",
            "let access_token = self.issue(api_key.id(), &password_hash, self.ttl)?;",
            "\"client_secret\": \"s3cr3t-value\"",
            "\\\"api_key\\\": \\\"abcdefgh\\\"",
            "secretKeys_X_Y:= 'abcdefg'",
            "TOKENS_A1_B2 => b\"abcdefgh\"",
            "x: token=abcdef",
            "key=\"abcdefgh\"token=zzzzzz",
            "key=\"ab\\\"cdefgh\"",
            "key=\"abc\\",
            "key=\"abc\\\n",
            "key = \"abcd\"",
            "passkey= abc:def>ghi",
            "auth=>xyz",
            "ſecret = abcdefgh",
            "\u{212A}ey = abcdefgh",
            "tokenſ = abcdefgh",
            "token\u{a0}= abcdefgh",
            "token =\u{a0}abcdefgh",
            "token = abc\u{85}defgh",
            "token = abcdé\u{2028}fgh",
            "primary_key: user_id",
            "token_url: https://example.com/x",
            "password: hunter22",
            "DB_PASS=s3cret",
            "PGPASSWORD=x",
            "passwords = abc",
            "db.pw = 'x'",
            "my_pw = \"x\"",
            "é.pw=x",
            "épw=x",
            "a-b_pw=x",
            "x__pw=x",
            "_pw=x",
            "pw=x",
            "xpw=x",
            "PASSPHRASE_OLD: 'two words'",
            "pwd=",
            "pwd=\"\"",
            "pwd=''",
            "pwd=,",
            "PassWd\\\"]\t:= r'abc'",
            "password = u\"\\\\\\\\\"",
            "pass=`x`",
            "key=abcdef;token=ghijkl",
            "a.b.c.token\t=\t\"1234567\"\r\n",
        ] {
            same(text);
        }
    }

    const PIECES: &[&str] = &[
        "api_",
        "key",
        "KEY",
        "Key",
        "token",
        "TOKENS",
        "secret",
        "credential",
        "passkey",
        "auth",
        "s",
        "S",
        "_X",
        "_A1",
        "_",
        ".",
        "-",
        "ſ",
        "\u{212A}",
        "pass",
        "password",
        "PASSWD",
        "phrase",
        "pwd",
        "pw",
        "PW",
        "é",
        "x",
        "1",
        "\\",
        "\"",
        "'",
        "]",
        " ",
        "\t",
        ":=",
        "=>",
        ":",
        "=",
        ">",
        "b",
        "r",
        "u",
        "U",
        "abcdefgh",
        "ab",
        "\\\"",
        "\\\\",
        "\r",
        "\n",
        "\u{a0}",
        "\u{85}",
        "\u{2028}",
        ",",
        ";",
        ")",
        "}",
        "`",
        "(",
        "$X",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn generated_texts_agree_with_the_regexes(
            picks in proptest::collection::vec(0..PIECES.len(), 0..24),
            noise in "[ -~]{0,6}",
        ) {
            let mut text: String = picks.iter().map(|&i| PIECES[i]).collect();
            text.push_str(&noise);
            same(&text);
        }

        #[test]
        fn any_text_agrees_with_the_regexes(text in "\\PC{0,40}") {
            same(&text);
            proptest::prop_assert!(agree(&text));
        }
    }
}
