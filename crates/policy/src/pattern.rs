//! Checking that a gate's pattern is a Rust regex the gate engine can compile.

use regex_syntax::hir::{self, Hir, HirKind, Visitor};

/// The largest estimated compiled size (in NFA states, roughly) accepted for one pattern.
pub const MAX_PATTERN_SIZE: usize = 100_000;

/// The deepest nesting of groups accepted in one pattern.
const NEST_LIMIT: u32 = 100;

/// Why a pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PatternProblem {
    /// The regex error, in a few words (`unclosed group`).
    pub(crate) label: String,
    /// How to fix it, when there is a known rewrite.
    pub(crate) help: Option<String>,
}

/// Parses `pattern` as a Rust regex and estimates its compiled size.
///
/// # Errors
/// Returns the regex error (with a help line for Python-only syntax such as lookaround and
/// backreferences), or a problem when the pattern would compile to a very large automaton.
pub(crate) fn check(pattern: &str) -> Result<(), PatternProblem> {
    let hir = regex_syntax::ParserBuilder::new()
        .nest_limit(NEST_LIMIT)
        .build()
        .parse(pattern)
        .map_err(|e| PatternProblem {
            label: short_error(&e),
            help: python_help(pattern),
        })?;
    let size = hir::visit(&hir, SizeEstimate::default()).unwrap_or(usize::MAX);
    if size > MAX_PATTERN_SIZE {
        return Err(PatternProblem {
            label: format!("compiles to an estimated {size} states, more than {MAX_PATTERN_SIZE}"),
            help: Some(
                "large counted repetitions (`{1000}`) of Unicode classes (`\\w`, `\\d`) multiply; use smaller counts or ASCII classes such as `[0-9]` or `(?-u:\\w)`"
                    .to_owned(),
            ),
        });
    }
    Ok(())
}

fn short_error(e: &regex_syntax::Error) -> String {
    match e {
        regex_syntax::Error::Parse(p) => p.kind().to_string(),
        regex_syntax::Error::Translate(t) => t.kind().to_string(),
        other => other.to_string(),
    }
}

/// A help line for syntax that Python's `re` accepts and Rust's regex does not.
fn python_help(pattern: &str) -> Option<String> {
    let lookaround = ["(?=", "(?!", "(?<=", "(?<!"]
        .iter()
        .any(|l| pattern.contains(l));
    if lookaround {
        return Some("Rust's regex has no lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`): match the text itself, and put exclusions in the gate's `unless:` pattern instead of a negative lookahead".to_owned());
    }
    let bytes = pattern.as_bytes();
    let backref = bytes
        .windows(2)
        .any(|w| w.first() == Some(&b'\\') && w.get(1).is_some_and(|c| (b'1'..=b'9').contains(c)))
        || pattern.contains("(?P=");
    if backref {
        return Some("Rust's regex has no backreferences (`\\1`, `(?P=name)`): spell the repeated text out, or list the alternatives".to_owned());
    }
    if pattern.contains("(?>") || ["++", "*+", "?+", "}+"].iter().any(|p| pattern.contains(p)) {
        return Some("Rust's regex has no atomic groups or possessive quantifiers: drop the `(?>` or the extra `+`; the regex engine does not backtrack, so they are not needed".to_owned());
    }
    if pattern.contains("\\Z") {
        return Some("Python's `\\Z` is written `\\z` in Rust's regex".to_owned());
    }
    if pattern.contains('{') {
        return Some("a literal `{` is written `\\{` in Rust's regex".to_owned());
    }
    None
}

/// Estimates the size of the compiled automaton: literals count their bytes, classes their
/// ranges, repetitions multiply.
#[derive(Debug, Default)]
struct SizeEstimate {
    /// One accumulator per open composite node.
    stack: Vec<usize>,
    total: usize,
}

fn leaf_size(h: &Hir) -> usize {
    match h.kind() {
        HirKind::Literal(lit) => lit.0.len(),
        HirKind::Class(hir::Class::Unicode(c)) => c.ranges().len().saturating_mul(4).max(1),
        HirKind::Class(hir::Class::Bytes(c)) => c.ranges().len().max(1),
        _ => 1,
    }
}

fn is_composite(h: &Hir) -> bool {
    matches!(
        h.kind(),
        HirKind::Repetition(_) | HirKind::Capture(_) | HirKind::Concat(_) | HirKind::Alternation(_)
    )
}

impl Visitor for SizeEstimate {
    type Output = usize;
    type Err = ();

    fn finish(self) -> Result<usize, ()> {
        Ok(self.total)
    }

    fn visit_pre(&mut self, h: &Hir) -> Result<(), ()> {
        if is_composite(h) {
            self.stack.push(0);
        }
        Ok(())
    }

    fn visit_post(&mut self, h: &Hir) -> Result<(), ()> {
        let size = if is_composite(h) {
            let inner = self.stack.pop().unwrap_or(0);
            match h.kind() {
                HirKind::Repetition(r) => {
                    let copies = r.max.unwrap_or(r.min.saturating_add(1)).max(1);
                    inner.saturating_mul(copies as usize).saturating_add(1)
                }
                _ => inner.saturating_add(1),
            }
        } else {
            leaf_size(h)
        };
        match self.stack.last_mut() {
            Some(top) => *top = top.saturating_add(size),
            None => self.total = self.total.saturating_add(size),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn seed_patterns_compile() {
        for p in [
            "git push.*--force.*(main|master)",
            "git reset --hard",
            "rm -rf\\s+(~/|/Users/|/)",
            "(\\.env|credentials|secrets)",
            "\\.(env|env\\.local|credentials\\.json)$",
        ] {
            assert_eq!(check(p), Ok(()), "{p}");
        }
    }

    #[test]
    fn unclosed_group_is_named() {
        let e = check("rm -rf\\s+(~/|/Users/|/").unwrap_err();
        assert_eq!(e.label, "unclosed group");
        assert_eq!(e.help, None);
    }

    #[test]
    fn lookaround_gets_a_rewrite_hint() {
        let e = check("git push(?!.*--dry-run)").unwrap_err();
        assert!(e.label.contains("look-around"), "{}", e.label);
        assert!(e.help.unwrap().contains("unless:"));
        let e = check("(a)\\1").unwrap_err();
        assert!(e.help.unwrap().contains("backreferences"));
    }

    #[test]
    fn huge_repetitions_are_refused() {
        let e = check("\\w{1000}{1000}").unwrap_err();
        assert!(e.label.contains("estimated"), "{}", e.label);
        assert_eq!(check("[a-z]{1,20}"), Ok(()));
    }
}
