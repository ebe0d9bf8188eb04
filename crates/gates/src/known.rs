//! Pattern readings made ahead of time.
//!
//! Every hook call builds its gate set afresh (a compiled form kept on disk could be forged
//! by the agent it governs), and reading the patterns of the governed default policy (the
//! quick reader's pass over each, regex-syntax for the few it cannot vouch for) was 1.0 M of
//! the 2.4 M instructions of an allowed hook call (callgrind, December 2026). A program that
//! ships policies can ship their readings too: [`KnownPatterns::generate`] writes them as
//! Rust source, the program compiles that table into itself, and
//! [`GateSetBuilder::known_patterns`](crate::GateSetBuilder::known_patterns) looks each
//! pattern up before reading it. A pattern the table lacks (a policy the user changed) is read
//! as before; nothing from outside the binary is trusted.
//!
//! # The fast-path contract
//!
//! A hidden strategy beside the readers (ARCHITECTURE.md): a reading is what a gate set
//! would compute for the pattern with the default size limit, the same factors from the same
//! pinned library and reader; `METALAYER_LIBRARY_PATH=1` makes a gate set ignore the table
//! (and the quick reader) and read every pattern with regex-syntax, and CI runs the whole
//! test suite a second time with it set. The program that ships a table checks in a test
//! that it equals a fresh [`KnownPatterns::generate`] (the kernel does), so a change of the
//! readers or of the policies cannot leave a stale one behind.

use crate::error::{BuildError, PatternKind};
use crate::prefilter::{required_literals, size_estimate};
use crate::quick::QuickReader;
use crate::rule::GateId;
use crate::set::{DEFAULT_PATTERN_SIZE_LIMIT, parse_checked};

/// What a gate set makes of one pattern: the sets of literals (bytes, and whether ASCII case
/// is ignored) one of each of which every match holds, best first (none: the pattern is a
/// candidate for every input), and an upper bound of its compiled size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownReading {
    /// The prefilter factors.
    pub factors: &'static [&'static [(&'static [u8], bool)]],
    /// An upper bound of the pattern's compiled size, checked against the builder's
    /// `pattern_size_limit` (a reading above the limit is not used).
    pub size: usize,
}

/// A table of pattern readings, sorted by pattern, made by [`KnownPatterns::generate`].
///
/// ```
/// use metalayer_gates::{Decision, GateSetBuilder, KnownPatterns, Rule, ToolCall};
///
/// // Rust source of the table, for a program to compile in with
/// // `static KNOWN: KnownPatterns = include!("known_patterns.rs");`.
/// let source = KnownPatterns::generate(["git reset --hard"])?;
/// assert!(source.contains("metalayer_gates::KnownPatterns::new(&["));
///
/// // What it holds: the literal every match of the pattern contains, and the size bound.
/// use metalayer_gates::KnownReading;
/// static KNOWN: KnownPatterns = KnownPatterns::new(&[(
///     "git reset --hard",
///     KnownReading { size: 17, factors: &[&[(b"git reset --hard", false)]] },
/// )]);
/// assert!(source.contains(r#"("git reset --hard", metalayer_gates::KnownReading { size: 17, factors: &[&[(b"git reset --hard", false)]] })"#));
/// assert_eq!(KNOWN.get("git reset --hard").map(|r| r.size), Some(17));
/// let gates = GateSetBuilder::new()
///     .known_patterns(KNOWN)
///     .rule(Rule::new("G2", Decision::Deny, "git reset --hard"))
///     .build()?;
/// assert_eq!(gates.decide(&ToolCall::bash("git reset --hard")).decision(), Decision::Deny);
/// # Ok::<(), metalayer_gates::BuildError>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct KnownPatterns(&'static [(&'static str, KnownReading)]);

impl KnownPatterns {
    /// A table of `(pattern, reading)` entries, sorted by pattern (as
    /// [`KnownPatterns::generate`] writes them; an unsorted table finds fewer patterns, never
    /// a wrong reading).
    #[must_use]
    pub const fn new(entries: &'static [(&'static str, KnownReading)]) -> Self {
        Self(entries)
    }

    /// The reading of `pattern`, if the table has it.
    #[must_use]
    pub fn get(&self, pattern: &str) -> Option<&KnownReading> {
        let at = self
            .0
            .binary_search_by(|(known, _)| (*known).cmp(pattern))
            .ok()?;
        self.0.get(at).map(|(_, reading)| reading)
    }

    /// The number of patterns in the table.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the table is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Rust source of an expression of type `metalayer_gates::KnownPatterns` holding the
    /// readings of `patterns` (each once), as a gate set with the default size limit makes
    /// them; a program compiles it in with `include!`.
    ///
    /// # Errors
    ///
    /// [`BuildError::InvalidPattern`] or [`BuildError::PatternTooLarge`] for a pattern a gate
    /// set would refuse (its id is the pattern's position in `patterns`).
    pub fn generate<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<String, BuildError> {
        let mut entries = Vec::new();
        let mut reader = QuickReader::default();
        for (index, pattern) in patterns.into_iter().enumerate() {
            entries.push((pattern, read(&mut reader, pattern, index)?));
        }
        entries.sort_by(|a, b| a.0.cmp(b.0));
        entries.dedup_by(|a, b| a.0 == b.0);
        let mut out = String::new();
        out.push_str("// Generated by metalayer_gates::KnownPatterns::generate; do not edit.\n");
        out.push_str(&format!("// Pattern readings: {}.\n", entries.len()));
        out.push_str("metalayer_gates::KnownPatterns::new(&[\n");
        for (pattern, (factors, size)) in entries {
            out.push_str(&format!(
                "    ({pattern:?}, metalayer_gates::KnownReading {{ size: {size}, factors: &["
            ));
            for (i, factor) in factors.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str("&[");
                for (j, (bytes, folded)) in factor.iter().enumerate() {
                    if j > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&format!("(b{:?}, {folded})", Escaped(bytes)));
                }
                out.push(']');
            }
            out.push_str("] }),\n");
        }
        out.push_str("])\n");
        Ok(out)
    }
}

/// A pattern's factors (owned) and size bound, as [`crate::GateSetBuilder::build`] would
/// find them with the default size limit.
type Reading = (Vec<Vec<(Vec<u8>, bool)>>, usize);

fn read(reader: &mut QuickReader, pattern: &str, index: usize) -> Result<Reading, BuildError> {
    if let Some(a) = reader.analyze(pattern)
        && a.estimate <= DEFAULT_PATTERN_SIZE_LIMIT
    {
        let factors = a
            .factors()
            .map(|f| f.map(|(bytes, folded)| (bytes.to_vec(), folded)).collect())
            .collect();
        return Ok((factors, a.estimate));
    }
    let hir = parse_checked(
        &GateId::new(&index.to_string()),
        pattern,
        PatternKind::Pattern,
        DEFAULT_PATTERN_SIZE_LIMIT,
    )?;
    let size = size_estimate(&hir);
    let factors = required_literals(&hir)
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.into_iter().map(|l| (l.bytes, l.folded)).collect())
        .collect();
    Ok((factors, size))
}

/// Bytes written as the inside of a Rust byte string literal.
struct Escaped<'a>(&'a [u8]);

impl std::fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"")?;
        for &b in self.0 {
            for c in std::ascii::escape_default(b) {
                std::fmt::Write::write_char(f, char::from(c))?;
            }
        }
        f.write_str("\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Decision, GateSetBuilder, Rule, ToolCall};

    static TABLE: KnownPatterns = KnownPatterns::new(&[
        (
            "(?i:rm|del) .* (?i:-r)",
            KnownReading {
                size: 319,
                factors: &[&[(b"rm", true), (b"del", true)], &[(b"-r", true)]],
            },
        ),
        (
            "git reset --hard",
            KnownReading {
                size: 17,
                factors: &[&[(b"git reset --hard", false)]],
            },
        ),
    ]);

    #[test]
    fn generate_writes_what_a_gate_set_reads() {
        let source = KnownPatterns::generate([
            "git reset --hard",
            "(?i:rm|del) .* (?i:-r)",
            "git reset --hard",
        ])
        .unwrap();
        assert!(source.contains("// Pattern readings: 2."), "{source}");
        for (pattern, reading) in TABLE.0 {
            let (factors, size) = read(&mut QuickReader::default(), pattern, 0).unwrap();
            assert_eq!(size, reading.size, "{pattern}");
            let expected: Vec<Vec<(Vec<u8>, bool)>> = reading
                .factors
                .iter()
                .map(|f| f.iter().map(|(b, folded)| (b.to_vec(), *folded)).collect())
                .collect();
            assert_eq!(factors, expected, "{pattern}");
        }
        // A pattern outside the quick reader's subset is read with regex-syntax.
        let source = KnownPatterns::generate([r"(?P<verb>push)\x20--force"]).unwrap();
        assert!(source.contains("(b\" --force\", false)"), "{source}");
    }

    #[test]
    fn generate_refuses_what_a_gate_set_refuses() {
        assert!(matches!(
            KnownPatterns::generate(["ok", "(unclosed"]),
            Err(BuildError::InvalidPattern { ref id, .. }) if id.as_str() == "1"
        ));
        assert!(matches!(
            KnownPatterns::generate(["[a-z]{1000}{1000}"]),
            Err(BuildError::PatternTooLarge { .. })
        ));
    }

    #[test]
    fn a_known_pattern_decides_as_a_read_one() {
        let rules = [
            Rule::new("G2", Decision::Deny, "git reset --hard"),
            Rule::new("rm", Decision::Ask, "(?i:rm|del) .* (?i:-r)"),
        ];
        let known = GateSetBuilder::new()
            .known_patterns(TABLE)
            .rules(rules.clone())
            .build()
            .unwrap();
        let read = GateSetBuilder::new().rules(rules).build().unwrap();
        for command in [
            "git reset --hard",
            "git  reset --hard HEAD~1",
            "RM x -R",
            "del /s -r",
            "git status",
            "rm x",
        ] {
            let call = ToolCall::bash(command);
            assert_eq!(
                known.decide(&call).decision(),
                read.decide(&call).decision(),
                "{command}"
            );
        }
        assert_eq!(TABLE.len(), 2);
        assert!(TABLE.get("git reset").is_none());
    }

    #[test]
    fn a_reading_above_the_size_limit_is_read_again() {
        // The limit refuses the pattern as if there were no table.
        let err = GateSetBuilder::new()
            .known_patterns(TABLE)
            .pattern_size_limit(10)
            .rule(Rule::new("G2", Decision::Deny, "git reset --hard"))
            .build()
            .unwrap_err();
        assert!(matches!(err, BuildError::PatternTooLarge { .. }), "{err}");
    }
}
