//! A quick reader for the everyday subset of regex syntax.
//!
//! Every hook call builds the gate set afresh (a compiled form kept on disk could be forged by
//! the agent it governs), so checking each pattern and finding its prefilter literals is paid
//! on every call. `regex-syntax` spends tens of thousands of instructions per pattern on its
//! AST and HIR; this reader handles the syntax gate patterns are written in (literals, escaped
//! punctuation, `\s`-style classes, bracket classes, groups, `(?i:…)`, alternation,
//! repetition) in one pass, checks it, finds the required factors and bounds the compiled
//! size. Anything else (named groups, flags other than `i`, `\x` escapes, POSIX or nested
//! classes, odd placements) makes it give up, and the caller uses `regex-syntax` as before, so
//! a pattern the reader accepts is one `regex-syntax` accepts too (a property test checks it).
//!
//! # The fast-path contract
//!
//! This reader is a hidden strategy beside the library, under the workspace's contract
//! (ARCHITECTURE.md): the library is pinned exactly (`regex-syntax = "=0.8.12"` in the
//! workspace manifest); `METALAYER_LIBRARY_PATH=1` in the environment makes every pattern go
//! through `regex-syntax` ([`library_forced`]), and CI runs the whole test suite a second time
//! with it set; the fuzz target `quick_regex` compares the reader with `regex-syntax` and the
//! `regex` crate on any pattern and text (accepted means valid, the size bound is never below
//! the library's estimate, and a text the pattern matches holds a literal of each factor), as
//! the property tests below do on generated patterns.

use crate::prefilter::{Literal, MAX_FACTOR_LITERALS, MAX_FACTORS, MIN_EXTRA, needs_company};

/// Whether `METALAYER_LIBRARY_PATH=1` makes a gate set check every pattern with
/// `regex-syntax` instead of this reader; read once per process.
pub(crate) fn library_forced() -> bool {
    static FORCED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FORCED.get_or_init(|| std::env::var_os("METALAYER_LIBRARY_PATH").is_some_and(|v| v == "1"))
}

/// What the quick reader and the library make of one pattern: the entry point of the
/// `quick_regex` fuzz target; not part of the API.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickComparison {
    /// The quick reader's factors (sets of literals, one of each of which every match holds)
    /// and size bound, when it vouches for the pattern with a selective literal set.
    pub analysis: Option<(Vec<Vec<Literal>>, usize)>,
    /// The quick reader's size bound alone, when it reads the pattern.
    pub bound: Option<usize>,
    /// `regex-syntax`'s reading with the gate set's parser settings: its size estimate, or
    /// its error.
    pub library: Result<usize, String>,
}

/// Reads `pattern` with the quick reader and with `regex-syntax` (as a gate set would,
/// whatever `METALAYER_LIBRARY_PATH` says), for differential fuzzing; not part of the API.
#[doc(hidden)]
#[must_use]
pub fn compare_quick_reader(pattern: &str) -> QuickComparison {
    let mut reader = QuickReader::default();
    let analysis = reader
        .analyze(pattern)
        .map(|a| (a.owned_factors(), a.estimate));
    let bound = reader.bound(pattern);
    let library = crate::set::pattern_parser()
        .parse(pattern)
        .map(|hir| crate::prefilter::size_estimate(&hir))
        .map_err(|e| e.to_string());
    QuickComparison {
        analysis,
        bound,
        library,
    }
}

/// The quick reader, with buffers that are reused from one pattern to the next: reading a
/// pattern allocates nothing once they have grown to fit.
///
/// The literals found while reading are bytes appended to one buffer and named by their
/// ranges of it; a set of literals (a *factor*) is a range of the list of those ranges, so
/// a run of literal characters, a union of alternatives or a choice between factors costs a
/// few integer copies, not a `String` or `Vec` each.
#[derive(Debug, Default)]
pub(crate) struct QuickReader {
    /// The bytes of every literal found in the current pattern.
    bytes: Vec<u8>,
    /// Literals, as ranges of `bytes` and whether they are folded (lowercase, matched
    /// ignoring ASCII case); factors are ranges of this list.
    literals: Vec<Lit>,
    /// The factors of the branches of the alternations being read, as a stack (a nested
    /// alternation's branches sit above its parent's, and are gone when it is read).
    branches: Vec<Factors>,
}

/// A literal: a range of the reader's bytes, and whether it is folded.
type Lit = (usize, usize, bool);

/// What the quick reader learnt about a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Analysis<'a> {
    bytes: &'a [u8],
    literals: &'a [Lit],
    /// The factors (ranges of `literals`), best first: the best one's literals are at least
    /// [`MIN_LITERAL`] bytes each (or [`MIN_EXTRA`] when a second factor follows), the
    /// others' at least [`MIN_EXTRA`].
    factors: Factors,
    /// An upper bound of [`crate::prefilter::size_estimate`] of the pattern's HIR.
    pub(crate) estimate: usize,
}

impl<'a> Analysis<'a> {
    /// Sets of literals (bytes, and whether folded) one of each of which occurs in every
    /// match, best first.
    pub(crate) fn factors(
        &self,
    ) -> impl Iterator<Item = impl Iterator<Item = (&'a [u8], bool)> + 'a> + 'a {
        let (bytes, literals) = (self.bytes, self.literals);
        self.factors.into_iter().flatten().map(move |f| {
            literals
                .get(f.range())
                .unwrap_or_default()
                .iter()
                .map(move |&(start, end, folded)| {
                    (bytes.get(start..end).unwrap_or_default(), folded)
                })
        })
    }

    /// The factors, owned.
    fn owned_factors(&self) -> Vec<Vec<Literal>> {
        self.factors()
            .map(|f| {
                f.map(|(bytes, folded)| Literal {
                    bytes: bytes.to_vec(),
                    folded,
                })
                .collect()
            })
            .collect()
    }
}

/// The shortest literal the quick reader's best factor may have, unless a second factor of
/// [`MIN_EXTRA`] bytes or more joins it: shorter ones go through regex-syntax, whose prefix
/// and suffix extraction may find longer ones.
pub(crate) const MIN_LITERAL: usize = 3;

impl QuickReader {
    /// Reads `pattern`; `None` when it is outside the subset or has no selective literal
    /// set, in which case the caller must use `regex-syntax`.
    pub(crate) fn analyze(&mut self, pattern: &str) -> Option<Analysis<'_>> {
        let piece = self.read(pattern)?;
        let [best, rest @ ..] = piece.factors;
        let best = best?;
        // A short best factor is enough beside another one: `(?i:rm|del) .* (?i:-r)`.
        let second = rest.first().copied().flatten();
        if best.score() < MIN_LITERAL && second.is_none_or(|f| f.score() < MIN_EXTRA) {
            return None;
        }
        let mut factors: Factors = [None; MAX_FACTORS];
        let mut kept = factors.iter_mut();
        let best_literals = self.literals.get(best.range()).unwrap_or_default();
        let bytes = &self.bytes;
        let company = needs_company(
            best_literals
                .iter()
                .map(|&(start, end, _)| bytes.get(start..end).unwrap_or_default()),
            best.score(),
        );
        let extras = if company { rest.len() } else { 0 };
        for factor in std::iter::once(best).chain(rest.into_iter().take(extras).flatten()) {
            if factor.score() >= MIN_EXTRA
                && let Some(slot) = kept.next()
            {
                *slot = Some(factor);
            }
        }
        Some(Analysis {
            bytes: &self.bytes,
            literals: &self.literals,
            factors,
            estimate: piece.estimate,
        })
    }

    /// An upper bound of the compiled size of `pattern`, when the reader can check it;
    /// `None` when the caller must use `regex-syntax`.
    pub(crate) fn bound(&mut self, pattern: &str) -> Option<usize> {
        self.read(pattern).map(|piece| piece.estimate)
    }

    fn read(&mut self, pattern: &str) -> Option<Piece> {
        self.bytes.clear();
        self.literals.clear();
        self.branches.clear();
        let mut reader = Reader {
            text: pattern,
            pattern: pattern.as_bytes(),
            pos: 0,
            bytes: &mut self.bytes,
            literals: &mut self.literals,
            branches: &mut self.branches,
        };
        let piece = reader.alternation(0, false)?;
        (reader.pos == reader.pattern.len()).then_some(piece)
    }
}

/// The deepest nesting the reader accepts (regex-syntax's limit is 128 here).
const MAX_DEPTH: usize = 100;
/// The largest repetition count the reader accepts.
const MAX_COUNT: u32 = 1000;
/// The size bound of a class whose ranges are not counted (Unicode classes, negations, case
/// folding): [`crate::prefilter::size_estimate`] caps classes at 1 + 256.
const CLASS_BOUND: usize = 257;
/// The size bound of one case-folded character.
const FOLDED_CHAR_BOUND: usize = 9;

/// A set of literals one of which every match of a piece contains: a range of the reader's
/// literal list, with the length of its shortest literal (the set's score: longer literals
/// occur in fewer inputs). Never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Factor {
    start: u32,
    end: u32,
    score: u32,
}

impl Factor {
    /// The factor's range of the literal list.
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    fn score(self) -> usize {
        self.score as usize
    }
}

/// `n` as the `u32` a [`Factor`] holds (patterns are far smaller than 4 GiB).
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The factors of a piece, every one of which a match needs, best first (the `None`s last).
type Factors = [Option<Factor>; MAX_FACTORS];

/// Adds `factor` to `factors` by its score (after the factors it ties with, as the HIR path
/// does), dropping the worst when they are full.
fn keep(factors: &mut Factors, factor: Factor) {
    let at = factors
        .iter()
        .position(|f| f.is_none_or(|f| f.score < factor.score));
    if let Some(at) = at {
        let mut carry = Some(factor);
        for slot in factors.iter_mut().skip(at) {
            carry = std::mem::replace(slot, carry);
            if carry.is_none() {
                break;
            }
        }
    }
}

/// Whether a factor of `score` would enter `factors` (they are not full, or it beats the
/// last): a literal run that would not is not even listed.
fn fits(factors: &Factors, score: usize) -> bool {
    factors
        .last()
        .copied()
        .flatten()
        .is_none_or(|last| last.score() < score)
}

/// Factors holding only `factor`.
fn one(factor: Factor) -> Factors {
    let mut factors = [None; MAX_FACTORS];
    keep(&mut factors, factor);
    factors
}

/// How many factors there are (they come first).
fn count(factors: &Factors) -> usize {
    factors.iter().take_while(|f| f.is_some()).count()
}

/// What one piece of a pattern (an atom, a repetition, a group, a whole branch) contributes,
/// computed while reading: no syntax tree is built.
#[derive(Debug, Clone, Copy)]
struct Piece {
    factors: Factors,
    /// An upper bound of the HIR size estimate of the piece.
    estimate: usize,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A character matched as written: it joins the literal run of its concatenation.
    Literal(char),
    /// An ASCII letter matched in either case (lowercase here): `(?i:r)` (never `k` or `s`,
    /// which also match the Kelvin sign and the long s there) or `[rR]`. It joins the
    /// literal run, which becomes folded.
    Folded(u8),
    /// A zero-width assertion (`^`, `$`, `\b`…): it cannot be repeated here.
    Assertion,
    Other,
}

impl Piece {
    fn opaque(estimate: usize) -> Self {
        Self {
            factors: [None; MAX_FACTORS],
            estimate,
            kind: Kind::Other,
        }
    }

    fn assertion() -> Self {
        Self {
            factors: [None; MAX_FACTORS],
            estimate: 1,
            kind: Kind::Assertion,
        }
    }

    fn literal(c: char, fold: bool) -> Self {
        if fold && (c.is_alphabetic() || !c.is_ascii()) {
            let lower = c.to_ascii_lowercase();
            match u8::try_from(lower) {
                Ok(b) if b.is_ascii_lowercase() && b != b'k' && b != b's' => Self {
                    factors: [None; MAX_FACTORS],
                    estimate: FOLDED_CHAR_BOUND,
                    kind: Kind::Folded(b),
                },
                _ => Self::opaque(FOLDED_CHAR_BOUND),
            }
        } else {
            Self {
                factors: [None; MAX_FACTORS],
                estimate: c.len_utf8(),
                kind: Kind::Literal(c),
            }
        }
    }
}

struct Reader<'a> {
    text: &'a str,
    pattern: &'a [u8],
    pos: usize,
    /// The [`QuickReader`]'s buffers.
    bytes: &'a mut Vec<u8>,
    literals: &'a mut Vec<Lit>,
    branches: &'a mut Vec<Factors>,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.pattern.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.pattern.get(self.pos + ahead).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// The character at the position (which is always on a character boundary), consumed.
    fn next_char(&mut self) -> Option<char> {
        let c = self.text.get(self.pos..)?.chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Appends `c` to the literal bytes.
    #[inline]
    fn push_char(&mut self, c: char) {
        if let Ok(b) = u8::try_from(c)
            && b.is_ascii()
        {
            self.bytes.push(b);
        } else {
            self.bytes
                .extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }

    /// The factor holding the one literal `bytes[start..end]` (lowercased first when
    /// folded).
    fn single(&mut self, start: usize, end: usize, folded: bool) -> Factor {
        if folded && let Some(text) = self.bytes.get_mut(start..end) {
            text.make_ascii_lowercase();
        }
        self.literals.push((start, end, folded));
        Factor {
            start: small(self.literals.len() - 1),
            end: small(self.literals.len()),
            score: small(end - start),
        }
    }

    /// The union, without duplicates, of the factor of rank `rank` of each of `branches`
    /// (of the branch stack; a branch with fewer factors gives its last, and has one): `None`
    /// past [`MAX_FACTOR_LITERALS`]. Each literal is compared with the union so far, once;
    /// unions taken branch by branch copied the union at every branch and compared it
    /// again (a million instructions for the default policy's patterns, in every hook call).
    fn union_of(&mut self, branches: std::ops::Range<usize>, rank: usize) -> Option<Factor> {
        let start = self.literals.len();
        let mut score = u32::MAX;
        for b in branches {
            let factors = self.branches.get(b)?;
            let last = count(factors).checked_sub(1)?;
            let factor = factors.get(rank.min(last)).copied().flatten()?;
            score = score.min(factor.score);
            for i in factor.range() {
                let (s, e, folded) = *self.literals.get(i)?;
                let lit = self.bytes.get(s..e)?;
                let known = self.literals.get(start..)?;
                if known
                    .iter()
                    .any(|&(ks, ke, kf)| kf == folded && self.bytes.get(ks..ke) == Some(lit))
                {
                    continue;
                }
                if self.literals.len() - start >= MAX_FACTOR_LITERALS {
                    self.literals.truncate(start);
                    return None;
                }
                self.literals.push((s, e, folded));
            }
        }
        Some(Factor {
            start: small(start),
            end: small(self.literals.len()),
            score,
        })
    }

    fn alternation(&mut self, depth: usize, fold: bool) -> Option<Piece> {
        let first = self.concat(depth, fold)?;
        if self.peek() != Some(b'|') {
            return Some(first);
        }
        let mut estimate = 1usize.saturating_add(first.estimate);
        // Nested alternations read inside a branch leave the stack as they found it.
        let base = self.branches.len();
        self.branches.push(first.factors);
        while self.eat(b'|') {
            let Some(branch) = self.concat(depth, fold) else {
                self.branches.truncate(base);
                return None;
            };
            estimate = estimate.saturating_add(branch.estimate);
            self.branches.push(branch.factors);
        }
        let end = self.branches.len();
        // Rank by rank, the union of every branch's factor of that rank (a branch with fewer
        // gives its last): each is needed by every branch, so by the alternation. A branch
        // without one leaves none; a rank whose union grows too large is dropped.
        let ranks = self
            .branches
            .get(base..end)
            .unwrap_or_default()
            .iter()
            .map(count)
            .try_fold(0, |most, n| (n > 0).then_some(most.max(n)))
            .unwrap_or(0);
        // Best first, the dropped ranks out.
        let mut factors: Factors = [None; MAX_FACTORS];
        for rank in 0..ranks {
            if let Some(union) = self.union_of(base..end, rank) {
                keep(&mut factors, union);
            }
        }
        self.branches.truncate(base);
        Some(Piece {
            factors,
            estimate,
            kind: Kind::Other,
        })
    }

    fn concat(&mut self, depth: usize, fold: bool) -> Option<Piece> {
        let mut factors: Factors = [None; MAX_FACTORS];
        // The literal run being read, as a range of the literal bytes: the characters of a
        // run are appended one after the other, as nothing else is read between them. It is
        // folded once it holds a case-insensitive letter.
        let mut run: Option<(usize, usize)> = None;
        let mut run_folded = false;
        let mut estimate = 1usize;
        while let Some(c) = self.peek() {
            if c == b'|' || c == b')' {
                break;
            }
            // Most of a pattern is plain text: take a run of it at once, without an atom
            // each (the last character, if a repetition follows, is left to `atom`).
            if !fold && is_plain(c) {
                let rest = self.pattern.get(self.pos..).unwrap_or_default();
                let mut len = rest.iter().take_while(|&&b| is_plain(b)).count();
                if rest
                    .get(len)
                    .is_some_and(|b| matches!(b, b'*' | b'+' | b'?' | b'{'))
                {
                    len -= 1;
                }
                if let Some(text) = rest.get(..len)
                    && len > 0
                {
                    let start = run.map_or(self.bytes.len(), |(start, _)| start);
                    self.bytes.extend_from_slice(text);
                    run = Some((start, self.bytes.len()));
                    estimate = estimate.saturating_add(len);
                    self.pos += len;
                    continue;
                }
            }
            let atom = self.atom(depth, fold)?;
            let piece = self.repetition(atom, depth)?;
            estimate = estimate.saturating_add(piece.estimate);
            match piece.kind {
                Kind::Literal(c) => {
                    let start = run.map_or(self.bytes.len(), |(start, _)| start);
                    self.push_char(c);
                    run = Some((start, self.bytes.len()));
                    continue;
                }
                Kind::Folded(b) => {
                    let start = run.map_or(self.bytes.len(), |(start, _)| start);
                    self.bytes.push(b);
                    run = Some((start, self.bytes.len()));
                    run_folded = true;
                    continue;
                }
                Kind::Assertion | Kind::Other => {}
            }
            // Anything else (assertions included) ends the literal run.
            if let Some((start, end)) = run.take()
                && fits(&factors, end - start)
            {
                let factor = self.single(start, end, run_folded);
                keep(&mut factors, factor);
            }
            run_folded = false;
            for factor in piece.factors.into_iter().flatten() {
                keep(&mut factors, factor);
            }
        }
        if let Some((start, end)) = run
            && fits(&factors, end - start)
        {
            let factor = self.single(start, end, run_folded);
            keep(&mut factors, factor);
        }
        Some(Piece {
            factors,
            estimate,
            kind: Kind::Other,
        })
    }

    fn atom(&mut self, depth: usize, fold: bool) -> Option<Piece> {
        let c = self.peek()?;
        if !c.is_ascii() {
            return Some(Piece::literal(self.next_char()?, fold));
        }
        self.pos += 1;
        match c {
            b'(' => self.group(depth + 1, fold),
            b'[' => self.class(depth + 1, fold),
            b'.' => Some(Piece::opaque(CLASS_BOUND)),
            b'^' | b'$' => Some(Piece::assertion()),
            b'\\' => {
                let e = self.peek()?;
                self.pos += 1;
                match e {
                    b's' | b'S' | b'd' | b'D' | b'w' | b'W' => Some(Piece::opaque(CLASS_BOUND)),
                    b'b' | b'B' | b'A' | b'z' => Some(Piece::assertion()),
                    _ => Some(Piece::literal(escaped(e)?, fold)),
                }
            }
            b'*' | b'+' | b'?' | b'{' | b'}' | b']' | b')' | b'|' => None,
            _ => Some(Piece::literal(char::from(c), fold)),
        }
    }

    fn group(&mut self, depth: usize, fold: bool) -> Option<Piece> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut fold = fold;
        if self.eat(b'?') {
            if self.eat(b'i') {
                fold = true;
            }
            if !self.eat(b':') {
                return None;
            }
        }
        let mut inner = self.alternation(depth, fold)?;
        inner.kind = Kind::Other;
        self.eat(b')').then_some(inner)
    }

    fn class(&mut self, depth: usize, fold: bool) -> Option<Piece> {
        if depth > MAX_DEPTH {
            return None;
        }
        let negated = self.eat(b'^');
        let mut items = 0usize;
        let mut unicode = false;
        let mut first = true;
        // The class's first two characters, to tell a letter in both cases (`[sS]`).
        let mut pair: [Option<char>; 2] = [None; 2];
        let mut ranged = false;
        loop {
            let c = self.peek()?;
            if c == b']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            items += 1;
            let Some(low) = self.class_item()? else {
                unicode = true;
                if self.peek() == Some(b'-') && self.peek_at(1) != Some(b']') {
                    return None;
                }
                continue;
            };
            if let Some(slot) = pair.get_mut(items - 1) {
                *slot = Some(low);
            }
            if self.peek() == Some(b'-') && self.peek_at(1).is_some_and(|n| n != b']') {
                self.pos += 1;
                ranged = true;
                let high = self.class_item()??;
                if high < low {
                    return None;
                }
            }
        }
        // `[sS]` is exactly the two cases of one letter (no case folding adds the long s
        // here): a folded letter of the literal run.
        if let [Some(a), Some(b)] = pair
            && items == 2
            && !(negated || unicode || fold || ranged)
            && a.is_ascii_alphabetic()
            && a != b
            && a.eq_ignore_ascii_case(&b)
            && let Ok(lower) = u8::try_from(a.to_ascii_lowercase())
        {
            return Some(Piece {
                factors: [None; MAX_FACTORS],
                estimate: 1 + items,
                kind: Kind::Folded(lower),
            });
        }
        Some(Piece::opaque(if negated || unicode || fold {
            CLASS_BOUND
        } else {
            1 + items
        }))
    }

    /// One class item: `Some(Some(c))` a character, `Some(None)` a class escape such as `\s`,
    /// `None` outside the subset.
    fn class_item(&mut self) -> Option<Option<char>> {
        let c = self.peek()?;
        if !c.is_ascii() {
            return Some(Some(self.next_char()?));
        }
        self.pos += 1;
        let next = self.peek();
        match c {
            b'[' => None,
            b'&' if next == Some(b'&') => None,
            b'~' if next == Some(b'~') => None,
            b'-' if next == Some(b'-') => None,
            b'\\' => {
                let e = next?;
                self.pos += 1;
                match e {
                    b's' | b'S' | b'd' | b'D' | b'w' | b'W' => Some(None),
                    _ => escaped(e).map(Some),
                }
            }
            _ => Some(Some(char::from(c))),
        }
    }

    fn repetition(&mut self, atom: Piece, depth: usize) -> Option<Piece> {
        let (min, max) = match self.peek() {
            Some(b'*') => (0, None),
            Some(b'+') => (1, None),
            Some(b'?') => (0, Some(1)),
            Some(b'{') => {
                self.pos += 1;
                let min = self.number()?;
                let max = if self.eat(b',') {
                    if self.peek() == Some(b'}') {
                        None
                    } else {
                        Some(self.number()?)
                    }
                } else {
                    Some(min)
                };
                if self.peek() != Some(b'}') || max.is_some_and(|m| m < min) {
                    return None;
                }
                (min, max)
            }
            _ => return Some(atom),
        };
        self.pos += 1;
        if atom.kind == Kind::Assertion || depth + 1 > MAX_DEPTH {
            return None;
        }
        self.eat(b'?');
        if matches!(self.peek(), Some(b'*' | b'+' | b'?' | b'{')) {
            return None;
        }
        let copies = match max {
            Some(max) => usize::try_from(max).unwrap_or(usize::MAX),
            None => usize::try_from(min).unwrap_or(usize::MAX).saturating_add(1),
        };
        let mut factors: Factors = [None; MAX_FACTORS];
        if min >= 1 {
            match atom.kind {
                Kind::Literal(c) => {
                    let start = self.bytes.len();
                    self.push_char(c);
                    factors = one(self.single(start, self.bytes.len(), false));
                }
                Kind::Folded(b) => {
                    let start = self.bytes.len();
                    self.bytes.push(b);
                    factors = one(self.single(start, self.bytes.len(), true));
                }
                Kind::Assertion | Kind::Other => factors = atom.factors,
            }
        }
        Some(Piece {
            factors,
            estimate: atom.estimate.saturating_mul(copies.max(1)),
            kind: Kind::Other,
        })
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        let mut value: u32 = 0;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            value = value.checked_mul(10)?.checked_add(u32::from(d - b'0'))?;
            self.pos += 1;
        }
        (self.pos > start && value <= MAX_COUNT).then_some(value)
    }
}

/// Whether `b` is an ASCII character that stands for itself outside a class: no
/// metacharacter, nor `]` or `}`, which the reader refuses on their own.
fn is_plain(b: u8) -> bool {
    PLAIN.get(usize::from(b)).copied().unwrap_or(false)
}

/// [`is_plain`] for every byte value (a table: the reader's hottest loop asks it).
#[expect(
    clippy::indexing_slicing,
    reason = "evaluated at compile time, where an index out of range fails the build"
)]
static PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = true;
        b += 1;
    }
    let mut special: &[u8] = b"()[]{}.^$\\*+?|";
    while let [first, rest @ ..] = special {
        table[*first as usize] = false;
        special = rest;
    }
    table
};

/// The character an escape stands for, for the escapes the reader knows.
fn escaped(e: u8) -> Option<char> {
    match e {
        b'n' => Some('\n'),
        b't' => Some('\t'),
        b'r' => Some('\r'),
        b'\\' | b'.' | b'+' | b'*' | b'?' | b'(' | b')' | b'|' | b'[' | b']' | b'{' | b'}'
        | b'^' | b'$' | b'#' | b'&' | b'-' | b'~' | b'/' | b'"' | b'\'' | b':' | b'=' | b'@'
        | b'%' | b'!' | b',' | b';' | b'`' | b'_' | b' ' => Some(char::from(e)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prefilter::size_estimate;
    use proptest::prelude::*;

    /// What the reader learnt, owned.
    #[derive(Debug, PartialEq, Eq)]
    struct Owned {
        factors: Vec<Vec<Literal>>,
        estimate: usize,
    }

    fn analyze_with(reader: &mut QuickReader, p: &str) -> Option<Owned> {
        reader.analyze(p).map(|a| Owned {
            factors: a.owned_factors(),
            estimate: a.estimate,
        })
    }

    fn analyze(p: &str) -> Option<Owned> {
        analyze_with(&mut QuickReader::default(), p)
    }

    /// The best factor's literals.
    fn literals(p: &str) -> Option<Vec<String>> {
        factors(p).map(|f| f[0].iter().map(|(l, _)| l.clone()).collect())
    }

    /// Every factor, as (literal, folded) pairs.
    fn factors(p: &str) -> Option<Vec<Vec<(String, bool)>>> {
        analyze(p).map(|a| crate::prefilter::tests::readable(a.factors))
    }

    /// Whether every factor has a literal in `text`.
    fn required(factors: &[Vec<Literal>], text: &[u8]) -> bool {
        factors.iter().all(|f| f.iter().any(|l| l.occurs_in(text)))
    }

    #[test]
    fn the_switch_follows_the_environment() {
        let set = std::env::var_os("METALAYER_LIBRARY_PATH").is_some_and(|v| v == "1");
        assert_eq!(library_forced(), set);
    }

    #[test]
    fn the_comparison_reads_both_ways() {
        let c = compare_quick_reader(r"git\s+reset\s+--hard");
        let (factors, estimate) = c.analysis.unwrap();
        assert!(!factors.is_empty());
        for l in factors.iter().flatten() {
            assert!(l.occurs_in(b"git reset --hard"), "{l:?}");
        }
        assert!(estimate >= *c.library.as_ref().unwrap());
        assert_eq!(c.bound, Some(estimate));
        let c = compare_quick_reader("(?P<x>a");
        assert_eq!((c.analysis, c.bound), (None, None));
        assert!(c.library.is_err());
    }

    #[test]
    fn finds_the_longest_required_run() {
        assert_eq!(
            literals(r"git reset --hard"),
            Some(vec!["git reset --hard".into()])
        );
        assert_eq!(
            literals(r"^git(?: -[Cc] [^ ]+)* reset(?: [^ ]+)*? --hard(?: |$)"),
            Some(vec![" --hard".into()])
        );
        assert_eq!(
            literals(r"(\.env|credentials|secrets)"),
            Some(vec![".env".into(), "credentials".into(), "secrets".into()])
        );
        assert_eq!(
            literals(r"svc19\s+(?:stop|kill|rm)\s+\S+"),
            Some(vec!["svc19".into()])
        );
    }

    #[test]
    fn gives_up_outside_the_subset_or_without_a_selective_literal() {
        for p in [
            r"(?P<x>abcd)",
            r"(?x)abcd",
            r"abcd\x41",
            r"[[:alpha:]]abcd",
            r"[a&&b]abcd",
            r"abcd**",
            r"^*abcd",
            r"abcd{2,1}",
            r"(abcd",
            r"abcd)",
            r"[abcd",
            r"^[^ ]*(?:\$|`)",
            r"\w+",
            r"(?i:kiss)",
            r"ab",
        ] {
            assert_eq!(analyze(p), None, "{p}");
        }
    }

    #[test]
    fn every_factor_a_match_needs_is_kept() {
        // Not only the longest: `git`, `-c` and the setting's name in any case, when the
        // best is short.
        assert_eq!(
            factors(r"^git (?:[^ ]+ )*?-c ?(?i:am\.x)(?:=| |$)"),
            Some(vec![
                vec![("git ".into(), false)],
                vec![("am.x".into(), true)],
                vec![("-c".into(), false)],
            ])
        );
        assert_eq!(
            factors(r"^git (?:[^ ]+ )*?-c ?(?i:core\.hookspath)(?:=| |$)"),
            Some(vec![vec![("core.hoo".into(), true)]])
        );
        assert_eq!(
            factors(r"^tool (?:[^ ]+ )*?<data>$"),
            Some(vec![
                vec![("<data>".into(), false)],
                vec![("tool ".into(), false)]
            ])
        );
        // An alternation needs, rank by rank, one of its branches' factors.
        assert_eq!(
            factors(r"^git(?: -[^ ]+)* (?:gc|prune)"),
            Some(vec![
                vec![("git".into(), false)],
                vec![("gc".into(), false), ("prune".into(), false)],
            ])
        );
        // Case-insensitive letters make a folded literal, except `k` and `s` (the Kelvin
        // sign and the long s match them too).
        assert_eq!(
            factors(r"^(?i:remove-item|rmdir|del) x"),
            Some(vec![
                vec![
                    ("remove-item".into(), true),
                    ("rmdir".into(), true),
                    ("del".into(), true)
                ],
                vec![(" x".into(), false)],
            ])
        );
        assert_eq!(literals(r"(?i:desk)top"), Some(vec!["top".into()]));
        // A class of one letter in both cases is a folded letter too; two short factors
        // together are enough.
        assert_eq!(
            factors(r"^(?i:rd|del) (?:-[rR]|/[sS])"),
            Some(vec![
                vec![("rd".into(), true), ("del".into(), true)],
                vec![("-r".into(), true), ("/s".into(), true)],
            ])
        );
        assert_eq!(analyze(r"^(?i:rd|del) (?:-r|/)"), None);
    }

    #[test]
    fn the_governed_style_patterns_are_read() {
        for p in [
            r"^git(?: -[Cc] [^ ]+| --(?:git-dir|work-tree|namespace) [^ ]+| -[^ ]+)* push(?: [^ ]+)*? --no-verify",
            r"^shred (?:[^ ]+ )*?(?:/+[^/ ]*|~[^/ ]*|\$HOME|\$\{HOME\})/*\*?",
            r"^git (?:[^ ]+ )*?-c ?(?i:core\.hookspath)=",
            r"(?:^|/)secret22\.(?:json|ya?ml)$",
            r"tool24\s+(?:--force|-f)\b",
        ] {
            assert!(analyze(p).is_some(), "{p}");
        }
    }

    #[test]
    fn plain_bytes_are_those_read_as_themselves() {
        let mut bytes = Vec::new();
        let mut literals = Vec::new();
        for b in 0..=u8::MAX {
            let text = [b];
            let Ok(text) = std::str::from_utf8(&text) else {
                assert!(!is_plain(b), "{b}");
                continue;
            };
            let mut reader = Reader {
                text,
                pattern: text.as_bytes(),
                pos: 0,
                bytes: &mut bytes,
                literals: &mut literals,
                branches: &mut Vec::new(),
            };
            let read = reader.atom(0, false).map(|p| p.kind);
            assert_eq!(
                is_plain(b),
                read == Some(Kind::Literal(char::from(b))),
                "{b}: {read:?}"
            );
        }
    }

    fn atom() -> impl Strategy<Value = String> {
        prop_oneof![
            30 => "[a-z]{1,6}".prop_map(String::from),
            6 => Just(" ".to_owned()),
            6 => Just(r"\s+".to_owned()),
            6 => Just(r"\S".to_owned()),
            6 => Just(r"\.".to_owned()),
            6 => Just(r"\$".to_owned()),
            6 => Just(r"\b".to_owned()),
            6 => Just(".".to_owned()),
            6 => Just("^".to_owned()),
            6 => Just("$".to_owned()),
            6 => Just("[^ ]".to_owned()),
            6 => Just("[a-zA-Z0-9_-]".to_owned()),
            6 => Just("[]a]".to_owned()),
            6 => Just("é".to_owned()),
            3 => Just("[rR]".to_owned()),
            3 => Just("[sS]".to_owned()),
            3 => Just("K".to_owned()),
            1 => Just("{".to_owned()),
            1 => Just("]".to_owned()),
            1 => Just("[z-a]".to_owned()),
            1 => Just("[".to_owned()),
            1 => Just(")".to_owned()),
        ]
    }

    fn pattern() -> impl Strategy<Value = String> {
        let leaf = prop::collection::vec(atom(), 1..4).prop_map(|v| v.concat());
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
                prop::collection::vec(inner.clone(), 2..4)
                    .prop_map(|v| format!("(?:{})", v.join("|"))),
                inner.clone().prop_map(|s| format!("({s})")),
                inner.clone().prop_map(|s| format!("(?i:{s})")),
                (
                    inner.clone(),
                    prop_oneof![
                        Just("*"),
                        Just("+"),
                        Just("?"),
                        Just("*?"),
                        Just("{2}"),
                        Just("{1,3}"),
                        Just("{2,}"),
                        Just("**")
                    ]
                )
                    .prop_map(|(s, q)| format!("(?:{s}){q}")),
            ]
        })
    }

    #[test]
    fn the_generator_exercises_both_paths() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        let mut runner = TestRunner::deterministic();
        let accepted = (0..1000)
            .filter(|_| analyze(&pattern().new_tree(&mut runner).unwrap().current()).is_some())
            .count();
        assert!(
            (100..900).contains(&accepted),
            "{accepted} of 1000 accepted"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// What the reader accepts, regex-syntax accepts; its size bound is never below
        /// regex-syntax's estimate; and every match of the pattern (drawn at random from its
        /// HIR) contains one literal of each of the reader's factors, and of each of the
        /// library path's (`required_literals` on the HIR).
        #[test]
        fn accepted_patterns_are_valid_bounded_and_their_literals_required(
            p in pattern(),
            seeds in prop::collection::vec(any::<u64>(), 8),
        ) {
            if let Ok(hir) = crate::set::pattern_parser().parse(&p)
                && let Some(factors) = crate::prefilter::required_literals(&hir)
                && let Ok(re) = regex::bytes::Regex::new(&p)
            {
                for &seed in &seeds {
                    let mut rng = seed | 1;
                    let mut sample = Vec::new();
                    generate(&hir, &mut rng, &mut sample);
                    if re.is_match(&sample) {
                        prop_assert!(
                            required(&factors, &sample),
                            "{p} matched {:?} without one of each of {factors:?}",
                            String::from_utf8_lossy(&sample)
                        );
                    }
                }
            }
            if let Some(a) = analyze(&p) {
                let parsed = regex_syntax::Parser::new().parse(&p);
                prop_assert!(parsed.is_ok(), "{p}: {parsed:?}");
                let hir = parsed.unwrap();
                prop_assert!(a.estimate >= size_estimate(&hir), "{p}");
                let re = regex::bytes::Regex::new(&p).unwrap();
                for seed in seeds {
                    let mut rng = seed | 1;
                    let mut sample = Vec::new();
                    generate(&hir, &mut rng, &mut sample);
                    if re.is_match(&sample) {
                        prop_assert!(
                            required(&a.factors, &sample),
                            "{p} matched {:?} without one of each of {:?}",
                            String::from_utf8_lossy(&sample), a.factors
                        );
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// A reader that has read another pattern answers as a fresh one: nothing of the
        /// previous pattern leaks through the reused buffers.
        #[test]
        fn a_reused_reader_answers_as_a_fresh_one(p in pattern(), q in pattern()) {
            let mut reader = QuickReader::default();
            let _ = reader.analyze(&q);
            let _ = reader.bound(&q);
            prop_assert_eq!(analyze_with(&mut reader, &p), analyze(&p));
            prop_assert_eq!(reader.bound(&p), QuickReader::default().bound(&p));
        }
    }

    fn next(rng: &mut u64) -> u64 {
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        *rng
    }

    /// Appends a string the HIR (mostly) matches: assertions are ignored, so the caller
    /// checks the sample really matches.
    fn generate(hir: &regex_syntax::hir::Hir, rng: &mut u64, out: &mut Vec<u8>) {
        use regex_syntax::hir::{Class, HirKind};
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(lit) => out.extend_from_slice(&lit.0),
            HirKind::Class(Class::Unicode(c)) => {
                let ranges = c.ranges();
                if ranges.is_empty() {
                    return;
                }
                let r = ranges[(next(rng) % ranges.len() as u64) as usize];
                let span = u64::from(r.end()) - u64::from(r.start()) + 1;
                // Mostly ASCII-sized steps, so samples stay readable and literal-rich.
                let offset = (next(rng) % span.min(128)) as u32;
                let ch = char::from_u32(u32::from(r.start()) + offset).unwrap_or(r.start());
                out.extend_from_slice(ch.to_string().as_bytes());
            }
            HirKind::Class(Class::Bytes(c)) => {
                if let Some(r) = c.ranges().first() {
                    out.push(r.start());
                }
            }
            HirKind::Repetition(rep) => {
                let max = rep.max.unwrap_or(rep.min + 3).min(rep.min + 3);
                let count = rep.min + (next(rng) % u64::from(max - rep.min + 1)) as u32;
                for _ in 0..count {
                    generate(&rep.sub, rng, out);
                }
            }
            HirKind::Capture(cap) => generate(&cap.sub, rng, out),
            HirKind::Concat(subs) => subs.iter().for_each(|s| generate(s, rng, out)),
            HirKind::Alternation(subs) => {
                generate(&subs[(next(rng) % subs.len() as u64) as usize], rng, out);
            }
        }
    }
}
