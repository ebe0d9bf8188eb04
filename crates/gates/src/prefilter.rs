//! The literal prefilter: which patterns are worth running on an input.
//!
//! For every pattern, the quick reader (crate::quick) or the literal extractor of
//! `regex-syntax` finds up to [`MAX_FACTORS`] *factors*: finite sets of literals such that
//! every match of the pattern contains one literal of each set (`^git .* -c ?core\.hookspath`
//! needs `git`, and `-c`, and `core.hoo` in any case). A literal read from case-insensitive
//! letters (`(?i:rm)`, `[sS]`) is *folded*: kept in lowercase and looked for in a lowercased
//! copy of the input. A search for all those literals then tells which patterns could possibly
//! match (those with a literal of every factor found); the others cannot, so they are neither
//! compiled nor run. One factor alone let every `^git` gate run on every git command. The search is one substring
//! search per literal when there are few, buckets by the literals' first two bytes when there
//! are many (nothing to build), and an Aho-Corasick automaton once a long-lived set has
//! searched often enough to repay building it.
//! Patterns without such a set (`.*x`, `\w+`, …) are always candidates. This keeps the work per
//! decision proportional to the gates that are relevant to the input, not to the size of the
//! policy.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use memchr::memmem;
use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};
use regex_syntax::hir::{Class, Hir, HirKind};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::hash::BuildFastHasher;

/// A literal a prefilter looks for: its bytes, lowercase and matched ignoring ASCII case when
/// `folded`. Not part of the API (the `quick_regex` fuzz target reads it).
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Literal {
    /// The bytes (ASCII letters in lowercase when folded).
    pub bytes: Vec<u8>,
    /// Whether ASCII case is ignored.
    pub folded: bool,
}

impl Literal {
    fn exact(bytes: &[u8]) -> Self {
        Self {
            bytes: bytes.to_vec(),
            folded: false,
        }
    }

    /// Whether the literal occurs in `haystack` (ignoring ASCII case when folded).
    #[must_use]
    pub fn occurs_in(&self, haystack: &[u8]) -> bool {
        if self.bytes.is_empty() {
            return true;
        }
        haystack.windows(self.bytes.len()).any(|w| {
            if self.folded {
                w.eq_ignore_ascii_case(&self.bytes)
            } else {
                w == self.bytes.as_slice()
            }
        })
    }
}

/// A set of literals one of which every match contains.
pub(crate) type Factor = Vec<Literal>;

/// The most factors kept for one pattern.
pub(crate) const MAX_FACTORS: usize = 4;

/// The shortest literal a factor other than a pattern's best may hold: single bytes occur in
/// nearly every input, and would cost the search its buckets.
pub(crate) const MIN_EXTRA: usize = 2;

/// The best factor's score below which the others are kept too: a literal of five bytes or
/// more (`tool24`, `core.hoo`) is rare enough in commands alone, while `git`, `git ` or `rm`
/// are in most of them. Extra factors double what the prefilter lists and searches.
pub(crate) const EXTRAS_BELOW: usize = 5;

/// What the normaliser writes in place of quoted data and of a pipe's input: in many
/// subjects, however long.
const PLACEHOLDERS: [&[u8]; 2] = [b"<data>", b"<stdin>"];

/// Whether a pattern's best factor (its literals and score) is common enough that the
/// pattern's other factors are worth searching too: short, or holding a placeholder.
pub(crate) fn needs_company<'a>(
    literals: impl IntoIterator<Item = &'a [u8]>,
    score: usize,
) -> bool {
    score < EXTRAS_BELOW || literals.into_iter().any(|l| PLACEHOLDERS.contains(&l))
}

/// A factor's score: the length of its shortest literal (longer literals occur in fewer
/// inputs).
fn score(factor: &[Literal]) -> usize {
    factor.iter().map(|l| l.bytes.len()).min().unwrap_or(0)
}

/// Adds `factor` to `factors` (best first, at most [`MAX_FACTORS`]), unless it is there
/// already; on a tie of scores the older factor stays first (in `^git … (?:rm … -f|…)` the
/// subcommand's name, which few commands hold, before its options, which many do).
fn keep(factors: &mut Vec<Factor>, factor: Factor) {
    if factor.is_empty() || factors.contains(&factor) {
        return;
    }
    let s = score(&factor);
    let at = factors
        .iter()
        .position(|f| score(f) < s)
        .unwrap_or(factors.len());
    factors.insert(at, factor);
    factors.truncate(MAX_FACTORS);
}

/// The factors of one pattern, best first, or `None` when the pattern has no usable literal
/// set.
///
/// Candidates are the *required factors* of the pattern (literals that every match contains
/// somewhere, such as `reset` in `^git(?:\s+-\S+)*\s+reset\b`) and, when those are short,
/// the prefix and suffix sets of regex-syntax's extractor. The best is kept whatever its
/// length; the others only when the best is common ([`needs_company`]), and then with
/// literals of [`MIN_EXTRA`] bytes or more.
pub(crate) fn required_literals(hir: &Hir) -> Option<Vec<Factor>> {
    let mut factors = required_factors(hir);
    // A factor of four bytes or more is selective enough; the extractor, which expands
    // classes and repetitions, costs more than the rest of building a pattern.
    if factors.first().is_none_or(|f| score(f) < GOOD_ENOUGH) {
        // Only a set that beats the structural factors is kept (the prefix set on a tie
        // with the suffix set): what they already require, it would repeat.
        let mut extracted: Option<Factor> = None;
        for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
            if let Some(set) = usable(extract(hir, kind)) {
                let set: Factor = set.iter().map(|l| Literal::exact(l)).collect();
                if extracted.as_ref().is_none_or(|e| score(&set) >= score(e)) {
                    extracted = Some(set);
                }
            }
        }
        if let Some(set) = extracted
            && factors.first().is_none_or(|f| score(&set) > score(f))
        {
            factors.insert(0, set);
            factors.truncate(MAX_FACTORS);
        }
    }
    let mut kept = factors.into_iter();
    let best = kept.next()?;
    let extras = needs_company(best.iter().map(|l| l.bytes.as_slice()), score(&best));
    let mut out = vec![best];
    if extras {
        out.extend(kept.filter(|f| score(f) >= MIN_EXTRA));
    }
    Some(out)
}

/// The literal length from which a factor is used without trying the extractor.
const GOOD_ENOUGH: usize = 4;

/// The most literals a factor set may hold before it stops being worth it.
pub(crate) const MAX_FACTOR_LITERALS: usize = 64;

/// The lowercase letter a class stands for when it is exactly one ASCII letter in both cases
/// (`(?i:r)`, `[rR]`); `(?i:k)` and `(?i:s)` also match the Kelvin sign and the long s, so
/// they are not.
fn folded_letter(class: &Class) -> Option<u8> {
    let pair = match class {
        Class::Unicode(c) => match c.ranges() {
            [a, b] if a.start() == a.end() && b.start() == b.end() => {
                (u8::try_from(a.start()).ok()?, u8::try_from(b.start()).ok()?)
            }
            _ => return None,
        },
        Class::Bytes(c) => match c.ranges() {
            [a, b] if a.start() == a.end() && b.start() == b.end() => (a.start(), b.start()),
            _ => return None,
        },
    };
    (pair.0.is_ascii_uppercase() && pair.1 == pair.0.to_ascii_lowercase()).then_some(pair.1)
}

/// Sets of literals one of each of which occurs in every match of `hir`, best first, found
/// structurally: a literal is its own factor (a run of literals and case-insensitive letters
/// one literal, folded when it holds such a letter), a concatenation needs every one of its
/// parts' factors (the best [`MAX_FACTORS`] are kept), an alternation needs, for each rank,
/// the union of its branches' factors of that rank (a branch with fewer gives its last), and
/// a repetition of at least once needs its body's.
fn required_factors(hir: &Hir) -> Vec<Factor> {
    match hir.kind() {
        HirKind::Literal(lit) if !lit.0.is_empty() => vec![vec![Literal::exact(&lit.0)]],
        HirKind::Class(class) => folded_letter(class).map_or_else(Vec::new, |b| {
            vec![vec![Literal {
                bytes: vec![b],
                folded: true,
            }]]
        }),
        HirKind::Capture(cap) => required_factors(&cap.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => required_factors(&rep.sub),
        HirKind::Concat(subs) => {
            let mut factors: Vec<Factor> = Vec::new();
            // Adjacent literals and case-insensitive letters form one longer literal.
            let mut run = Literal {
                bytes: Vec::new(),
                folded: false,
            };
            let flush = |run: &mut Literal, factors: &mut Vec<Factor>| {
                if !run.bytes.is_empty() {
                    if run.folded {
                        run.bytes.make_ascii_lowercase();
                    }
                    let lit = std::mem::replace(
                        run,
                        Literal {
                            bytes: Vec::new(),
                            folded: false,
                        },
                    );
                    keep(factors, vec![lit]);
                }
            };
            for sub in subs {
                match sub.kind() {
                    HirKind::Literal(lit) => {
                        run.bytes.extend_from_slice(&lit.0);
                        continue;
                    }
                    HirKind::Class(class) => {
                        if let Some(b) = folded_letter(class) {
                            run.bytes.push(b);
                            run.folded = true;
                            continue;
                        }
                    }
                    _ => {}
                }
                flush(&mut run, &mut factors);
                for factor in required_factors(sub) {
                    keep(&mut factors, factor);
                }
            }
            flush(&mut run, &mut factors);
            factors
        }
        HirKind::Alternation(subs) => {
            let branches: Vec<Vec<Factor>> = subs.iter().map(required_factors).collect();
            if branches.iter().any(Vec::is_empty) {
                return Vec::new();
            }
            let ranks = branches.iter().map(Vec::len).max().unwrap_or(0);
            let mut factors = Vec::new();
            for rank in 0..ranks {
                let mut union: Factor = Vec::new();
                for branch in &branches {
                    let Some(factor) = branch.get(rank).or_else(|| branch.last()) else {
                        continue;
                    };
                    for lit in factor {
                        if !union.contains(lit) {
                            union.push(lit.clone());
                        }
                    }
                }
                if union.len() <= MAX_FACTOR_LITERALS {
                    keep(&mut factors, union);
                }
            }
            factors
        }
        _ => Vec::new(),
    }
}

fn extract(hir: &Hir, kind: ExtractKind) -> Seq {
    let mut extractor = Extractor::new();
    extractor
        .kind(kind.clone())
        .limit_class(16)
        .limit_repeat(8)
        .limit_literal_len(64)
        .limit_total(128);
    let mut seq = extractor.extract(hir);
    // Shrinking literals keeps them necessary (a prefix of a required prefix is required too)
    // and makes the automaton smaller.
    match kind {
        ExtractKind::Prefix => seq.optimize_for_prefix_by_preference(),
        _ => seq.optimize_for_suffix_by_preference(),
    }
    seq
}

fn usable(seq: Seq) -> Option<Vec<Vec<u8>>> {
    let lits = seq.literals()?;
    if lits.is_empty() || lits.iter().any(|l| l.as_bytes().is_empty()) {
        return None;
    }
    Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// A rough size of the automaton a pattern compiles into, to refuse patterns whose counted
/// repetitions would make the compiler allocate without bound.
pub(crate) fn size_estimate(hir: &Hir) -> usize {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(lit) => lit.0.len().max(1),
        HirKind::Class(Class::Unicode(c)) => 1 + c.ranges().len().min(256),
        HirKind::Class(Class::Bytes(c)) => 1 + c.ranges().len().min(256),
        HirKind::Repetition(rep) => {
            let sub = size_estimate(&rep.sub);
            let min = usize::try_from(rep.min).unwrap_or(usize::MAX);
            let copies = match rep.max {
                Some(max) => usize::try_from(max).unwrap_or(usize::MAX),
                None => min.saturating_add(1),
            };
            sub.saturating_mul(copies.max(1))
        }
        HirKind::Capture(cap) => size_estimate(&cap.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs
            .iter()
            .map(size_estimate)
            .fold(1usize, usize::saturating_add),
    }
}

/// Literals in one byte buffer, named by their ranges of it: one allocation for all the
/// literals of a channel instead of one per literal.
#[derive(Debug, Clone, Default)]
pub(crate) struct Literals {
    bytes: Vec<u8>,
    ranges: Vec<(usize, usize)>,
}

impl Literals {
    fn push(&mut self, literal: &[u8]) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(literal);
        self.ranges.push((start, self.bytes.len()));
    }

    fn len(&self) -> usize {
        self.ranges.len()
    }

    fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    fn get(&self, i: usize) -> Option<&[u8]> {
        let &(start, end) = self.ranges.get(i)?;
        self.bytes.get(start..end)
    }

    fn iter(&self) -> impl ExactSizeIterator<Item = &[u8]> + Clone + '_ {
        self.ranges
            .iter()
            .map(|&(start, end)| self.bytes.get(start..end).unwrap_or_default())
    }
}

/// The factors of a channel's patterns, in pattern order, as [`Prefilter::new`] takes them.
#[derive(Debug, Clone, Default)]
pub(crate) struct LiteralSets {
    literals: Literals,
    /// Whether each literal is folded.
    folded: Vec<bool>,
    /// Each factor's range of `literals`.
    factors: Vec<(usize, usize)>,
    /// Each pattern's range of `factors`; an empty one when it has no literal set.
    patterns: Vec<(usize, usize)>,
}

impl LiteralSets {
    /// Room for `patterns` patterns of a literal or two each, without growing.
    pub(crate) fn with_capacity(patterns: usize) -> Self {
        Self {
            literals: Literals {
                bytes: Vec::with_capacity(patterns.saturating_mul(16)),
                ranges: Vec::with_capacity(patterns.saturating_mul(2)),
            },
            folded: Vec::with_capacity(patterns.saturating_mul(2)),
            factors: Vec::with_capacity(patterns.saturating_mul(2)),
            patterns: Vec::with_capacity(patterns),
        }
    }

    /// Adds the next pattern with its factors: sets of literals (bytes, and whether they are
    /// folded) one of each of which every match contains. Without a factor, the pattern is a
    /// candidate for every input.
    pub(crate) fn push_pattern<'a, F, L>(&mut self, factors: F)
    where
        F: IntoIterator<Item = L>,
        L: IntoIterator<Item = (&'a [u8], bool)>,
    {
        let first = self.factors.len();
        for factor in factors {
            let start = self.literals.len();
            for (literal, folded) in factor {
                self.literals.push(literal);
                self.folded.push(folded);
            }
            if self.literals.len() > start {
                self.factors.push((start, self.literals.len()));
            }
        }
        self.patterns.push((first, self.factors.len()));
    }

    /// Adds the next pattern, without a literal set: it is a candidate for every input.
    pub(crate) fn push_always(&mut self) {
        let at = self.factors.len();
        self.patterns.push((at, at));
    }

    /// Adds the next pattern with exact literal sets (`None`: always a candidate).
    #[cfg(test)]
    fn push(&mut self, factors: Option<&[Vec<Vec<u8>>]>) {
        match factors {
            Some(factors) => self.push_pattern(
                factors
                    .iter()
                    .map(|f| f.iter().map(|l| (l.as_slice(), false))),
            ),
            None => self.push_always(),
        }
    }
}

/// Literals and the way they are searched.
#[derive(Debug)]
struct Searcher {
    automaton: Automaton,
    literals: Literals,
}

impl Searcher {
    fn new(literals: Literals, strategy: Strategy) -> Result<Self, aho_corasick::BuildError> {
        let strategy = match strategy {
            Strategy::Auto if literals.len() <= FINDER_LITERALS => Strategy::Finders,
            Strategy::Auto => Strategy::Buckets,
            chosen => chosen,
        };
        let automaton = if literals.is_empty() {
            Automaton::Nothing
        } else {
            match strategy {
                // Building an Aho-Corasick automaton costs more than the hook's whole
                // decision for a few literals; one substring search per literal is cheaper.
                Strategy::Finders | Strategy::Auto => Automaton::Finders(
                    literals
                        .iter()
                        .map(|l| memmem::Finder::new(l).into_owned())
                        .collect(),
                ),
                // For many literals, an automaton still costs ~3,000 instructions per
                // literal to build, once per hook process; buckets by the first two bytes
                // cost a few instructions each and search a tool call's few hundred bytes as
                // fast.
                Strategy::Buckets => Automaton::Buckets {
                    buckets: Buckets::new(&literals),
                    uses: AtomicU32::new(0),
                    automaton: OnceLock::new(),
                },
            }
        };
        Ok(Self {
            automaton,
            literals,
        })
    }

    fn len(&self) -> usize {
        self.literals.len()
    }

    /// Calls `hit` with the index of every literal that occurs in `haystack` (at least once).
    fn find_each(&self, haystack: &[u8], mut hit: impl FnMut(usize)) {
        match &self.automaton {
            Automaton::Nothing => {}
            Automaton::Finders(finders) => {
                for (literal, finder) in finders.iter().enumerate() {
                    if finder.find(haystack).is_some() {
                        hit(literal);
                    }
                }
            }
            Automaton::Buckets {
                buckets,
                uses,
                automaton,
            } => {
                // A long-lived set (an embedder deciding many calls) repays an automaton,
                // which searches many literals sharing prefixes faster than the buckets.
                let built = if uses.load(Ordering::Relaxed) >= USES_BEFORE_AUTOMATON {
                    automaton
                        .get_or_init(|| contiguous_nfa(&self.literals).ok())
                        .as_ref()
                } else {
                    uses.fetch_add(1, Ordering::Relaxed);
                    None
                };
                match built {
                    Some(ac) => {
                        for m in ac.find_overlapping_iter(haystack) {
                            hit(m.pattern().as_usize());
                        }
                    }
                    None => buckets.find_each(&self.literals, haystack, hit),
                }
            }
        }
    }
}

/// Literal → factors → patterns index over one channel's patterns.
#[derive(Debug)]
pub(crate) struct Prefilter {
    /// The distinct exact literals, in order of first appearance.
    exact: Searcher,
    /// The distinct folded literals (lowercase), searched in a lowercased input.
    folded: Searcher,
    /// For literal `i` (exact ones first, then folded ones), the factors that hold it are
    /// `owners[owner_starts[i]..owner_starts[i + 1]]`, in increasing order.
    owner_starts: Vec<u32>,
    owners: Vec<u32>,
    /// The pattern of each factor.
    factor_pattern: Vec<u32>,
    /// Each pattern's factors, a range of factor numbers (empty for an always-candidate).
    pattern_factors: Vec<(u32, u32)>,
    /// Patterns that are candidates for every input.
    always: Vec<u32>,
}

impl Prefilter {
    /// Builds the prefilter from each pattern's factors.
    pub(crate) fn new(sets: LiteralSets) -> Result<Self, aho_corasick::BuildError> {
        Self::with_strategy(sets, Strategy::Auto)
    }

    /// As [`Prefilter::new`], with the search strategy chosen (tests compare them).
    fn with_strategy(
        sets: LiteralSets,
        strategy: Strategy,
    ) -> Result<Self, aho_corasick::BuildError> {
        let LiteralSets {
            literals: all,
            folded,
            factors,
            patterns,
        } = sets;
        // Distinct literals of each kind keep their first range of the buffer; `pairs`
        // holds (literal, factor) in factor order, folded literals numbered after all the
        // exact ones once both are known.
        let mut exact_ranges: Vec<(usize, usize)> = Vec::with_capacity(all.len());
        let mut folded_ranges: Vec<(usize, usize)> = Vec::new();
        let mut pairs: Vec<(u32, bool, u32)> = Vec::with_capacity(all.len());
        let mut always = Vec::new();
        let mut factor_pattern = Vec::with_capacity(factors.len());
        let mut pattern_factors = Vec::with_capacity(patterns.len());
        {
            let mut index: HashMap<(&[u8], bool), u32, BuildFastHasher> =
                HashMap::with_capacity_and_hasher(all.len(), BuildFastHasher::default());
            for (pattern, &(first, last)) in patterns.iter().enumerate() {
                let pattern = u32::try_from(pattern).unwrap_or(u32::MAX);
                let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                pattern_factors.push((to_u32(first), to_u32(last)));
                if first == last {
                    always.push(pattern);
                    continue;
                }
                for f in first..last {
                    factor_pattern.push(pattern);
                    let Some(&(start, end)) = factors.get(f) else {
                        continue;
                    };
                    for i in start..end {
                        let (Some(&range), Some(lit)) = (all.ranges.get(i), all.get(i)) else {
                            continue;
                        };
                        let is_folded = folded.get(i).copied().unwrap_or(false);
                        let list = if is_folded {
                            &mut folded_ranges
                        } else {
                            &mut exact_ranges
                        };
                        let next = to_u32(list.len());
                        let literal = *index.entry((lit, is_folded)).or_insert_with(|| {
                            list.push(range);
                            next
                        });
                        // A factor naming a literal twice would only mark it twice.
                        if pairs.last() != Some(&(literal, is_folded, to_u32(f))) {
                            pairs.push((literal, is_folded, to_u32(f)));
                        }
                    }
                }
            }
        }
        let exact_count = u32::try_from(exact_ranges.len()).unwrap_or(u32::MAX);
        let pairs: Vec<(u32, u32)> = pairs
            .into_iter()
            .map(|(literal, is_folded, factor)| {
                let key = if is_folded {
                    exact_count.saturating_add(literal)
                } else {
                    literal
                };
                (key, factor)
            })
            .collect();
        let (owner_starts, owners) =
            group_by_literal(exact_ranges.len() + folded_ranges.len(), &pairs);
        // Both kinds name ranges of the one buffer; it is copied only when both are used.
        let (exact_bytes, folded_bytes) = if folded_ranges.is_empty() {
            (all.bytes, Vec::new())
        } else {
            (all.bytes.clone(), all.bytes)
        };
        let exact = Literals {
            bytes: exact_bytes,
            ranges: exact_ranges,
        };
        let folded = Literals {
            bytes: folded_bytes,
            ranges: folded_ranges,
        };
        Ok(Self {
            exact: Searcher::new(exact, strategy)?,
            folded: Searcher::new(folded, strategy)?,
            owner_starts,
            owners,
            factor_pattern,
            pattern_factors,
            always,
        })
    }

    /// The factors that hold literal `i`.
    fn owners_of(&self, i: usize) -> &[u32] {
        let start = self.owner_starts.get(i).map_or(0, |&s| s as usize);
        let end = self.owner_starts.get(i + 1).map_or(0, |&e| e as usize);
        self.owners.get(start..end).unwrap_or_default()
    }

    /// Marks in `candidates` (a bit set over the channel's patterns) every pattern with a
    /// literal of each of its factors in `haystack`.
    pub(crate) fn mark(&self, haystack: &str, candidates: &mut BitSet) {
        let mut found = BitSet::new(self.factor_pattern.len());
        self.exact.find_each(haystack.as_bytes(), |literal| {
            for &f in self.owners_of(literal) {
                found.insert(f);
            }
        });
        if self.folded.len() > 0 {
            // Most commands are lower case already: copied only when one is not.
            let lowered: std::borrow::Cow<'_, str> =
                if haystack.bytes().any(|b| b.is_ascii_uppercase()) {
                    std::borrow::Cow::Owned(haystack.to_ascii_lowercase())
                } else {
                    std::borrow::Cow::Borrowed(haystack)
                };
            let offset = self.exact.len();
            self.folded.find_each(lowered.as_bytes(), |literal| {
                for &f in self.owners_of(offset + literal) {
                    found.insert(f);
                }
            });
        }
        for f in found.iter() {
            let Some(&pattern) = self.factor_pattern.get(f as usize) else {
                continue;
            };
            let Some(&(first, last)) = self.pattern_factors.get(pattern as usize) else {
                continue;
            };
            if (first..last).all(|g| found.contains(g)) {
                candidates.insert(pattern);
            }
        }
    }

    /// Patterns that are candidates for every input.
    pub(crate) fn always(&self) -> &[u32] {
        &self.always
    }
}

/// Groups `(key, value)` pairs by key (`0..keys`), keeping their order within a key: the
/// values of key `k` are `values[starts[k]..starts[k + 1]]`. A counting sort: two passes, no
/// allocation per key.
fn group_by_literal(keys: usize, pairs: &[(u32, u32)]) -> (Vec<u32>, Vec<u32>) {
    let mut starts = vec![0u32; keys + 1];
    for &(key, _) in pairs {
        if let Some(count) = starts.get_mut(key as usize + 1) {
            *count += 1;
        }
    }
    let mut total = 0u32;
    for start in &mut starts {
        total += *start;
        *start = total;
    }
    // `next[k]` is where key `k`'s next value goes.
    let mut next = starts.clone();
    let mut values = vec![0u32; pairs.len()];
    for &(key, value) in pairs {
        if let Some(at) = next.get_mut(key as usize)
            && let Some(slot) = values.get_mut(*at as usize)
        {
            *slot = value;
            *at += 1;
        }
    }
    (starts, values)
}

/// The most literals searched one by one; more go into buckets (or an automaton).
const FINDER_LITERALS: usize = 48;

/// How many searches the buckets do before an automaton replaces them: a hook process
/// decides once, an embedder thousands of times.
const USES_BEFORE_AUTOMATON: u32 = 16;

/// An Aho-Corasick automaton over `literals`: a contiguous NFA builds several times faster
/// than a DFA and searches the short inputs of tool calls about as fast.
fn contiguous_nfa(literals: &Literals) -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(literals.iter())
}

/// How a prefilter searches its literals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strategy {
    /// By the number and length of the literals.
    Auto,
    Finders,
    Buckets,
}

/// Literals of two bytes or more grouped by a hash of their first two bytes: at each
/// position of the input, only the literals of that position's bucket are compared. Literals
/// of one byte are looked for one by one (they are few: a single byte is a pattern's literal
/// only when it has nothing better, such as `$` in `^[^ ]*\$`); before they were, one of them
/// made a hook process build an Aho-Corasick automaton over all the literals, some 180 µs
/// with the default policy.
#[derive(Debug, Clone)]
struct Buckets {
    /// The literal indices of bucket `b` are `entries[starts[b]..starts[b + 1]]`.
    starts: Vec<u32>,
    entries: Vec<u32>,
    /// The literals of one byte, with their indices.
    singles: Vec<(u8, usize)>,
}

/// The number of buckets (a power of two).
const BUCKETS: usize = 4096;

fn bucket_of(first: u8, second: u8) -> usize {
    (usize::from(first).wrapping_mul(31) ^ usize::from(second).wrapping_mul(131)) & (BUCKETS - 1)
}

impl Buckets {
    fn new(literals: &Literals) -> Self {
        let pairs: Vec<(u32, u32)> = literals
            .iter()
            .enumerate()
            .filter_map(|(i, lit)| match (lit, u32::try_from(i)) {
                ([first, second, ..], Ok(i)) => {
                    Some((u32::try_from(bucket_of(*first, *second)).ok()?, i))
                }
                _ => None,
            })
            .collect();
        let (starts, entries) = group_by_literal(BUCKETS, &pairs);
        let singles = literals
            .iter()
            .enumerate()
            .filter_map(|(i, lit)| match lit {
                [only] => Some((*only, i)),
                _ => None,
            })
            .collect();
        Self {
            starts,
            entries,
            singles,
        }
    }

    /// Calls `hit` with the index of every literal that occurs in `haystack` (once per
    /// occurrence).
    fn find_each(&self, literals: &Literals, haystack: &[u8], mut hit: impl FnMut(usize)) {
        for &(byte, i) in &self.singles {
            if memchr::memchr(byte, haystack).is_some() {
                hit(i);
            }
        }
        for (at, pair) in haystack.windows(2).enumerate() {
            let [first, second] = pair else { continue };
            let bucket = bucket_of(*first, *second);
            let (Some(&start), Some(&end)) = (self.starts.get(bucket), self.starts.get(bucket + 1))
            else {
                continue;
            };
            let Some(list) = self.entries.get(start as usize..end as usize) else {
                continue;
            };
            let rest = haystack.get(at..).unwrap_or_default();
            for &i in list {
                let i = i as usize;
                if literals.get(i).is_some_and(|l| rest.starts_with(l)) {
                    hit(i);
                }
            }
        }
    }
}

/// How a prefilter finds its literals in an input.
#[derive(Debug)]
enum Automaton {
    /// No literals: only the always-candidates run.
    Nothing,
    /// One substring searcher per literal.
    Finders(Vec<memmem::Finder<'static>>),
    /// Many literals, bucketed by their first two bytes; after
    /// [`USES_BEFORE_AUTOMATON`] searches, an automaton over them (if it can be built).
    Buckets {
        buckets: Buckets,
        uses: AtomicU32,
        automaton: OnceLock<Option<AhoCorasick>>,
    },
}

/// A small fixed-size bit set.
#[derive(Debug, Clone)]
pub(crate) struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    pub(crate) fn new(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
        }
    }

    pub(crate) fn insert(&mut self, i: u32) {
        let i = i as usize;
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    pub(crate) fn contains(&self, i: u32) -> bool {
        let i = i as usize;
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// The members in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let base = u32::try_from(wi * 64).unwrap_or(u32::MAX);
            let mut bits = w;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let tz = bits.trailing_zeros();
                bits &= bits - 1;
                Some(base + tz)
            })
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn hir(p: &str) -> Hir {
        regex_syntax::parse(p).unwrap()
    }

    /// The bytes of the best factor's literals.
    fn best(p: &str) -> Vec<Vec<u8>> {
        required_literals(&hir(p)).unwrap()[0]
            .iter()
            .map(|l| l.bytes.clone())
            .collect()
    }

    /// Every factor, as (literal, folded) pairs.
    fn factors(p: &str) -> Vec<Vec<(String, bool)>> {
        readable(required_literals(&hir(p)).unwrap_or_default())
    }

    /// Factors as (literal, folded) pairs, for assertions.
    pub(crate) fn readable(factors: Vec<Factor>) -> Vec<Vec<(String, bool)>> {
        factors
            .into_iter()
            .map(|f| {
                f.into_iter()
                    .map(|l| (String::from_utf8(l.bytes).unwrap(), l.folded))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn literals_are_required_prefixes_or_suffixes() {
        let lits = best("git push.*--force.*(main|master)");
        assert!(
            lits.iter()
                .all(|l| b"git push".starts_with(l) || l.starts_with(b"git")),
            "{lits:?}"
        );
        let lits = best(r"\s+\.env$");
        assert!(lits.iter().any(|l| l.ends_with(b".env")), "{lits:?}");
        assert!(required_literals(&hir(r"\w+")).is_none());
        // An inner factor beats a short prefix.
        let lits = best(r"^git(?:\s+-[Cc]\s+\S+|\s+-\S+)*\s+reset\b.*\s--hard");
        assert_eq!(lits, [b"--hard".to_vec()]);
        let lits = best(r"^git\s+(?:push|commit)\s+--no-verify");
        assert_eq!(lits, [b"--no-verify".to_vec()]);
        // Case-insensitive text is a folded literal.
        assert_eq!(factors(r"(?i)ab"), [vec![("ab".to_owned(), true)]]);
        assert_eq!(
            factors(r"\s(?:alpha|beta)\s"),
            [vec![
                ("alpha".to_owned(), false),
                ("beta".to_owned(), false)
            ]]
        );
        assert!(required_literals(&hir(r"a?")).is_none());
    }

    #[test]
    fn every_factor_a_match_needs_is_kept() {
        assert_eq!(
            factors(r"^git (?:[^ ]+ )*?-c ?(?i:am\.x)(?:=| |$)"),
            [
                vec![("git ".to_owned(), false)],
                vec![("am.x".to_owned(), true)],
                vec![("-c".to_owned(), false)],
            ]
        );
        // A long best factor stands alone, unless it is a placeholder of the normaliser.
        assert_eq!(
            factors(r"^git (?:[^ ]+ )*?-c ?(?i:core\.hookspath)(?:=| |$)"),
            [vec![("core.hoo".to_owned(), true)]]
        );
        assert_eq!(
            factors(r"^tool (?:[^ ]+ )*?<data>$"),
            [
                vec![("<data>".to_owned(), false)],
                vec![("tool ".to_owned(), false)]
            ]
        );
        // `(?i:k)` also matches the Kelvin sign: not a folded letter; `[sS]` is.
        assert_eq!(factors(r"(?i:k)[sS]top"), [vec![("stop".to_owned(), true)]]);
        // Rank by rank, the union of the branches' factors.
        assert_eq!(
            factors(r"^(?:git(?: -[^ ]+)* gc|bfg)(?: |$)"),
            [
                vec![("git".to_owned(), false), ("bfg".to_owned(), false)],
                vec![(" gc".to_owned(), false), ("bfg".to_owned(), false)],
            ]
        );
    }

    #[test]
    fn a_pattern_is_a_candidate_only_with_every_factor_found() {
        let mut sets = LiteralSets::default();
        sets.push_pattern([[(&b"git"[..], false)], [(&b"-c"[..], false)]]);
        sets.push_pattern([[(&b"hookspath"[..], true)]]);
        let pf = Prefilter::new(sets).unwrap();
        let marked = |text: &str| {
            let mut c = BitSet::new(2);
            pf.mark(text, &mut c);
            c.iter().collect::<Vec<_>>()
        };
        assert_eq!(marked("git status"), [] as [u32; 0]);
        assert_eq!(marked("git -c x status"), [0]);
        assert_eq!(marked("git -c core.HooksPath=x"), [0, 1]);
    }

    #[test]
    fn size_estimate_grows_with_counted_repetition() {
        assert!(size_estimate(&hir("abc")) < 10);
        assert!(size_estimate(&hir("(?:a{1000}){1000}")) >= 1_000_000);
    }

    #[test]
    fn prefilter_marks_patterns_whose_literals_occur() {
        let sets = vec![
            Some(vec![vec![b"git".to_vec()]]),
            Some(vec![vec![b"rm".to_vec()]]),
            None,
        ];
        let mut literal_sets = LiteralSets::default();
        for set in &sets {
            literal_sets.push(set.as_deref());
        }
        let pf = Prefilter::new(literal_sets).unwrap();
        let mut c = BitSet::new(3);
        pf.mark("sudo git status", &mut c);
        assert_eq!(c.iter().collect::<Vec<_>>(), [0]);
        assert_eq!(pf.always(), [2]);
    }

    /// A pattern's factors for the search tests: literals, with `^` in front for a folded
    /// one (stored in lowercase).
    type Sets = Vec<Option<Vec<Vec<String>>>>;

    /// Every search strategy marks the patterns a naive scan finds.
    fn strategies_agree(sets: Sets, haystack: &str) {
        let sets: Vec<Option<Vec<Factor>>> = sets
            .into_iter()
            .map(|s| {
                s.map(|factors| {
                    factors
                        .into_iter()
                        .map(|f| {
                            f.into_iter()
                                .map(|l| match l.strip_prefix('^') {
                                    Some(folded) => Literal {
                                        bytes: folded.to_ascii_lowercase().into_bytes(),
                                        folded: true,
                                    },
                                    None => Literal::exact(l.as_bytes()),
                                })
                                .collect()
                        })
                        .collect()
                })
            })
            .collect();
        let marks = |strategy| {
            let mut literal_sets = LiteralSets::default();
            for set in &sets {
                match set {
                    Some(factors) => literal_sets.push_pattern(
                        factors
                            .iter()
                            .map(|f| f.iter().map(|l| (l.bytes.as_slice(), l.folded))),
                    ),
                    None => literal_sets.push_always(),
                }
            }
            let p = Prefilter::with_strategy(literal_sets, strategy).unwrap();
            // Past the buckets' first searches, an automaton takes over: every search must
            // mark the same patterns.
            let all: Vec<Vec<u32>> = (0..=USES_BEFORE_AUTOMATON + 1)
                .map(|_| {
                    let mut c = BitSet::new(sets.len());
                    p.mark(haystack, &mut c);
                    c.iter().collect::<Vec<_>>()
                })
                .collect();
            assert!(all.windows(2).all(|w| w[0] == w[1]), "{strategy:?}");
            all[0].clone()
        };
        let naive: Vec<u32> = sets
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.as_ref().is_some_and(|factors| {
                    !factors.is_empty()
                        && factors
                            .iter()
                            .all(|f| f.iter().any(|l| l.occurs_in(haystack.as_bytes())))
                })
            })
            .map(|(i, _)| i as u32)
            .collect();
        for strategy in [Strategy::Auto, Strategy::Finders, Strategy::Buckets] {
            assert_eq!(marks(strategy), naive, "{strategy:?} on {haystack:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn search_strategies_agree_with_a_naive_scan(
            sets in proptest::collection::vec(
                proptest::option::weighted(0.8, proptest::collection::vec(
                    proptest::collection::vec("\\^?[a-cA ]{1,3}", 1..4), 1..3)),
                1..12,
            ),
            haystack in "[a-dA-C ]{0,24}",
        ) {
            strategies_agree(sets, &haystack);
        }

        /// Literals of two bytes or more: the buckets are really used.
        #[test]
        fn bucketed_search_agrees_with_a_naive_scan(
            sets in proptest::collection::vec(
                proptest::option::weighted(0.8, proptest::collection::vec(
                    proptest::collection::vec("\\^?[a-cB é]{2,4}", 1..4), 1..3)),
                1..40,
            ),
            haystack in "[a-dA-Cé ]{0,40}",
        ) {
            strategies_agree(sets, &haystack);
        }
    }

    #[test]
    fn bitset_iterates_in_order() {
        let mut b = BitSet::new(200);
        for i in [199, 3, 64, 0] {
            b.insert(i);
        }
        assert_eq!(b.iter().collect::<Vec<_>>(), [0, 3, 64, 199]);
        assert!(!b.is_empty());
        assert!(BitSet::new(5).is_empty());
    }
}
