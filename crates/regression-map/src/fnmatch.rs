//! Python `fnmatch` patterns (the seed dialect), translated into regular expressions.
//!
//! The translation follows CPython's `fnmatch.translate`: `*` is any run of characters
//! (including `/`; consecutive stars are one), `?` is one character, `[...]` is a class whose
//! first `]` (after an optional `!`) is literal, `[!...]` negates, `a-z` is a range, a reversed
//! range such as `z-a` is dropped, an unclosed `[` is a literal `[`, and every other character,
//! `\` included, stands for itself.

use std::fmt::Write as _;

/// One element of a parsed fnmatch pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Star,
    Any,
    Literal(char),
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// A parsed seed pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fnmatch {
    tokens: Vec<Token>,
}

impl Fnmatch {
    /// Parses a pattern; every string is a valid fnmatch pattern.
    pub(crate) fn parse(pattern: &str) -> Self {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            i += 1;
            match c {
                '*' => {
                    if tokens.last() != Some(&Token::Star) {
                        tokens.push(Token::Star);
                    }
                }
                '?' => tokens.push(Token::Any),
                '[' => {
                    let mut j = i;
                    if chars.get(j) == Some(&'!') {
                        j += 1;
                    }
                    if chars.get(j) == Some(&']') {
                        j += 1;
                    }
                    while chars.get(j).is_some_and(|&c| c != ']') {
                        j += 1;
                    }
                    match chars.get(i..j) {
                        Some(stuff) if j < chars.len() => {
                            tokens.push(class(stuff));
                            i = j + 1;
                        }
                        _ => tokens.push(Token::Literal('[')),
                    }
                }
                c => tokens.push(Token::Literal(c)),
            }
        }
        Self { tokens }
    }

    /// The longest run of literal characters, which every matching path contains.
    pub(crate) fn required_literal(&self) -> Option<String> {
        self.tokens
            .split(|t| !matches!(t, Token::Literal(_)))
            .map(|run| {
                run.iter()
                    .filter_map(|t| match t {
                        Token::Literal(c) => Some(*c),
                        _ => None,
                    })
                    .collect::<String>()
            })
            .fold(None, |best: Option<String>, run| match best {
                Some(b) if b.len() >= run.len() => Some(b),
                _ if run.is_empty() => None,
                _ => Some(run),
            })
    }

    /// The regular expression for `fnmatch(f, p) or fnmatch(f, "*/" + p)`, to be run anchored at
    /// the start of the path; `None` when the pattern can never match (an empty class).
    pub(crate) fn to_regex(&self) -> Option<String> {
        let mut re = String::from(r"(?s)\A(?:.*/)?");
        for token in &self.tokens {
            match token {
                Token::Star => re.push_str(".*"),
                Token::Any => re.push('.'),
                Token::Literal(c) => push_literal(&mut re, *c),
                Token::Class { negated, ranges } => {
                    if ranges.is_empty() {
                        if *negated {
                            re.push('.');
                            continue;
                        }
                        return None;
                    }
                    re.push('[');
                    if *negated {
                        re.push('^');
                    }
                    for &(lo, hi) in ranges {
                        push_escaped(&mut re, lo);
                        if lo != hi {
                            re.push('-');
                            push_escaped(&mut re, hi);
                        }
                    }
                    re.push(']');
                }
            }
        }
        re.push_str(r"\z");
        Some(re)
    }
}

/// Reads the inside of `[...]` the way CPython does.
fn class(stuff: &[char]) -> Token {
    let (negated, body) = match stuff.split_first() {
        Some(('!', rest)) => (true, rest),
        _ => (false, stuff),
    };
    let mut ranges = Vec::new();
    let mut k = 0;
    while let Some(&lo) = body.get(k) {
        match (body.get(k + 1), body.get(k + 2)) {
            (Some('-'), Some(&hi)) => {
                // A reversed range is dropped, endpoints included (CPython removes it).
                if lo <= hi {
                    ranges.push((lo, hi));
                }
                k += 3;
            }
            _ => {
                ranges.push((lo, lo));
                k += 1;
            }
        }
    }
    Token::Class { negated, ranges }
}

fn push_literal(re: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || c == '/' || c == '_' {
        re.push(c);
    } else {
        push_escaped(re, c);
    }
}

fn push_escaped(re: &mut String, c: char) {
    // `write!` to a String cannot fail.
    let _ = write!(re, r"\x{{{:x}}}", u32::from(c));
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta::Regex;

    /// `fnmatch(f, p) or fnmatch(f, "*/" + p)` through the translated regex.
    fn seed_match(pattern: &str, path: &str) -> bool {
        match Fnmatch::parse(pattern).to_regex() {
            None => false,
            Some(re) => Regex::new(&re).unwrap().is_match(path),
        }
    }

    #[test]
    fn star_crosses_slashes_and_double_star_is_star() {
        assert!(seed_match("src/*.ts", "src/a/b.ts"));
        assert!(seed_match("src/**.ts", "src/a/b.ts"));
        assert!(seed_match("src/**/*.ts", "src/a/b.ts"));
        assert!(
            !seed_match("src/**/*.ts", "src/b.ts"),
            "`/` between the stars is required"
        );
        assert!(seed_match("*", "a/b/c"));
        assert!(!seed_match("src/*.ts", "src/a.tsx"));
    }

    #[test]
    fn matches_under_any_folder() {
        assert!(seed_match("lib/auth.ts", "lib/auth.ts"));
        assert!(seed_match("lib/auth.ts", "x/lib/auth.ts"));
        assert!(seed_match("lib/auth.ts", "x/y/lib/auth.ts"));
        assert!(!seed_match("lib/auth.ts", "xlib/auth.ts"));
        assert!(!seed_match("lib/auth.ts", "lib/auth.tsx"));
    }

    #[test]
    fn question_mark_is_one_character_of_any_kind() {
        assert!(seed_match("a?c", "abc"));
        assert!(seed_match("a?c", "a/c"));
        assert!(seed_match("a?c", "aéc"));
        assert!(!seed_match("a?c", "ac"));
    }

    #[test]
    fn classes_follow_cpython() {
        assert!(seed_match("[ab].ts", "a.ts"));
        assert!(!seed_match("[ab].ts", "c.ts"));
        assert!(seed_match("[!ab].ts", "c.ts"));
        assert!(!seed_match("[!ab].ts", "a.ts"));
        assert!(seed_match("[]].ts", "].ts"));
        assert!(seed_match("[!]].ts", "a.ts"));
        assert!(seed_match("[a-c].ts", "b.ts"));
        assert!(seed_match("[a-].ts", "-.ts"));
        assert!(seed_match("[-a].ts", "-.ts"));
        assert!(seed_match("[^a].ts", "^.ts"), "`^` is literal in fnmatch");
        assert!(!seed_match("[^a].ts", "b.ts"));
        assert!(
            seed_match("[a-c-e].ts", "-.ts"),
            "a `-` right after a range is literal"
        );
        assert!(seed_match("[a-c-e].ts", "e.ts"));
        assert!(!seed_match("[a-c-e].ts", "d.ts"));
        assert!(seed_match(r"[\].ts", r"\.ts"));
    }

    #[test]
    fn reversed_and_empty_ranges() {
        assert!(!seed_match("[z-a]", "m"));
        assert_eq!(Fnmatch::parse("[z-a]").to_regex(), None);
        assert!(seed_match("[z-ab]", "b"));
        assert!(!seed_match("[z-ab]", "z"));
        assert!(
            seed_match("[!z-a]", "q"),
            "a negated empty class is any character"
        );
        assert!(seed_match("[c-a-b]", "-"));
    }

    #[test]
    fn unclosed_bracket_and_specials_are_literal() {
        assert!(seed_match("a[b", "a[b"));
        assert!(seed_match("a[!", "a[!"));
        assert!(seed_match("f(x)+{1}.$^|", "f(x)+{1}.$^|"));
        assert!(!seed_match("a.b", "axb"));
        assert!(seed_match(r"a\*", r"a\zz"), "backslash does not escape");
    }

    #[test]
    fn required_literal_is_the_longest_literal_run() {
        let lit = |p: &str| Fnmatch::parse(p).required_literal();
        assert_eq!(lit("src/*.ts").as_deref(), Some("src/"));
        assert_eq!(lit("lib/auth.ts").as_deref(), Some("lib/auth.ts"));
        assert_eq!(lit("a[bc]defg?h").as_deref(), Some("defg"));
        assert_eq!(lit("a[b").as_deref(), Some("a[b"));
        assert_eq!(lit("**"), None);
        assert_eq!(lit("?"), None);
    }
}
