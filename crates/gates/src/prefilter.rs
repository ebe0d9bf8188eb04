//! The literal prefilter: which patterns are worth running on an input.
//!
//! For every pattern, the quick reader (crate::quick) or the literal extractor of
//! `regex-syntax` finds a finite set of literals such that every match of the pattern contains
//! one of them. A search for all those literals then tells which patterns could possibly
//! match; the others cannot, so they are neither compiled nor run. The search is one substring
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

/// The literals of one pattern, or `None` when the pattern has no usable literal set.
///
/// Candidates are the prefix and suffix sets of regex-syntax's extractor and the *required
/// factors* of the pattern (a literal that every match contains somewhere, such as `reset` in
/// `^git(?:\s+-\S+)*\s+reset\b`); the set whose shortest literal is longest wins, since
/// longer literals occur in fewer inputs.
pub(crate) fn required_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let score = |lits: &Vec<Vec<u8>>| lits.iter().map(Vec::len).min().unwrap_or(0);
    let factor = required_factor(hir);
    // A factor of four bytes or more is selective enough; the extractor, which expands
    // classes and repetitions, costs more than the rest of building a pattern.
    if factor.as_ref().is_some_and(|f| score(f) >= GOOD_ENOUGH) {
        return factor;
    }
    [ExtractKind::Prefix, ExtractKind::Suffix]
        .into_iter()
        .filter_map(|kind| usable(extract(hir, kind)))
        .chain(factor)
        .max_by_key(score)
}

/// The literal length from which a factor is used without trying the extractor.
const GOOD_ENOUGH: usize = 4;

/// The most literals a factor set may hold before it stops being worth it.
pub(crate) const MAX_FACTOR_LITERALS: usize = 64;

/// A set of literals one of which occurs in every match of `hir`, found structurally: a
/// literal is its own factor, a concatenation needs any one of its parts' factors (the best is
/// kept), an alternation needs the union of all its branches' factors, and a repetition of at
/// least once needs its body's.
fn required_factor(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let score = |set: &Vec<Vec<u8>>| set.iter().map(Vec::len).min().unwrap_or(0);
    match hir.kind() {
        HirKind::Literal(lit) if !lit.0.is_empty() => Some(vec![lit.0.to_vec()]),
        HirKind::Capture(cap) => required_factor(&cap.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => required_factor(&rep.sub),
        HirKind::Concat(subs) => {
            // Adjacent literals form one longer literal.
            let mut best: Option<Vec<Vec<u8>>> = None;
            let mut run: Vec<u8> = Vec::new();
            let consider = |set: Vec<Vec<u8>>, best: &mut Option<Vec<Vec<u8>>>| {
                if best.as_ref().is_none_or(|b| score(&set) >= score(b)) {
                    *best = Some(set);
                }
            };
            for sub in subs {
                if let HirKind::Literal(lit) = sub.kind() {
                    run.extend_from_slice(&lit.0);
                    continue;
                }
                if !run.is_empty() {
                    consider(vec![std::mem::take(&mut run)], &mut best);
                }
                if let Some(set) = required_factor(sub) {
                    consider(set, &mut best);
                }
            }
            if !run.is_empty() {
                consider(vec![run], &mut best);
            }
            best
        }
        HirKind::Alternation(subs) => {
            let mut union: Vec<Vec<u8>> = Vec::new();
            for sub in subs {
                let set = required_factor(sub)?;
                for lit in set {
                    if !union.contains(&lit) {
                        union.push(lit);
                    }
                }
                if union.len() > MAX_FACTOR_LITERALS {
                    return None;
                }
            }
            (!union.is_empty()).then_some(union)
        }
        _ => None,
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

/// The literal sets of a channel's patterns, in pattern order, as [`Prefilter::new`] takes
/// them.
#[derive(Debug, Clone, Default)]
pub(crate) struct LiteralSets {
    literals: Literals,
    /// Each pattern's range of `literals`; `None` when it has no literal set.
    sets: Vec<Option<(usize, usize)>>,
}

impl LiteralSets {
    /// Room for `patterns` patterns of a literal or two each, without growing.
    pub(crate) fn with_capacity(patterns: usize) -> Self {
        Self {
            literals: Literals {
                bytes: Vec::with_capacity(patterns.saturating_mul(16)),
                ranges: Vec::with_capacity(patterns.saturating_mul(2)),
            },
            sets: Vec::with_capacity(patterns),
        }
    }

    /// Adds the next pattern, with a set of literals one of which every match contains.
    pub(crate) fn push_set<'a>(&mut self, literals: impl IntoIterator<Item = &'a [u8]>) {
        let start = self.literals.len();
        for literal in literals {
            self.literals.push(literal);
        }
        self.sets.push(Some((start, self.literals.len())));
    }

    /// Adds the next pattern, without a literal set: it is a candidate for every input.
    pub(crate) fn push_always(&mut self) {
        self.sets.push(None);
    }

    /// Adds the next pattern with `set` (`None`: always a candidate).
    #[cfg(test)]
    fn push(&mut self, set: Option<&[Vec<u8>]>) {
        match set {
            Some(lits) => self.push_set(lits.iter().map(Vec::as_slice)),
            None => self.push_always(),
        }
    }
}

/// Literal → patterns index over one channel's patterns.
#[derive(Debug)]
pub(crate) struct Prefilter {
    automaton: Automaton,
    /// The distinct literals, in order of first appearance.
    literals: Literals,
    /// For literal `i`, the patterns that require it are
    /// `owners[owner_starts[i]..owner_starts[i + 1]]`, in increasing order.
    owner_starts: Vec<u32>,
    owners: Vec<u32>,
    /// Patterns that are candidates for every input.
    always: Vec<u32>,
}

impl Prefilter {
    /// Builds the prefilter from each pattern's literal set.
    pub(crate) fn new(sets: LiteralSets) -> Result<Self, aho_corasick::BuildError> {
        Self::with_strategy(sets, Strategy::Auto)
    }

    /// As [`Prefilter::new`], with the search strategy chosen (tests compare them).
    fn with_strategy(
        sets: LiteralSets,
        strategy: Strategy,
    ) -> Result<Self, aho_corasick::BuildError> {
        let LiteralSets {
            literals: mut all,
            sets,
        } = sets;
        // Distinct literals keep their first range of the buffer: `distinct[i]` is the range
        // of literal `i`; `pairs` holds (literal, pattern) in pattern order.
        let mut distinct: Vec<(usize, usize)> = Vec::with_capacity(all.len());
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(all.len());
        let mut always = Vec::new();
        {
            let mut index: HashMap<&[u8], u32, BuildFastHasher> =
                HashMap::with_capacity_and_hasher(all.len(), BuildFastHasher::default());
            for (pattern, set) in sets.iter().enumerate() {
                let pattern = u32::try_from(pattern).unwrap_or(u32::MAX);
                let Some((start, end)) = *set else {
                    always.push(pattern);
                    continue;
                };
                for i in start..end {
                    let (Some(&range), Some(lit)) = (all.ranges.get(i), all.get(i)) else {
                        continue;
                    };
                    let next = u32::try_from(distinct.len()).unwrap_or(u32::MAX);
                    let literal = *index.entry(lit).or_insert_with(|| {
                        distinct.push(range);
                        next
                    });
                    // A set naming a literal twice would only mark its pattern twice.
                    if pairs.last() != Some(&(literal, pattern)) {
                        pairs.push((literal, pattern));
                    }
                }
            }
        }
        all.ranges = distinct;
        let literals = all;
        let (owner_starts, owners) = group_by_literal(literals.len(), &pairs);
        let shortest = literals.iter().map(<[u8]>::len).min().unwrap_or(0);
        let strategy = match strategy {
            Strategy::Auto if literals.len() <= FINDER_LITERALS => Strategy::Finders,
            Strategy::Auto if shortest >= 2 => Strategy::Buckets,
            Strategy::Auto => Strategy::AhoCorasick,
            Strategy::Buckets if shortest < 2 => Strategy::AhoCorasick,
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
                Strategy::AhoCorasick => Automaton::AhoCorasick(contiguous_nfa(&literals)?),
            }
        };
        Ok(Self {
            automaton,
            literals,
            owner_starts,
            owners,
            always,
        })
    }

    /// The patterns that require literal `i`.
    fn owners_of(&self, i: usize) -> &[u32] {
        let start = self.owner_starts.get(i).map_or(0, |&s| s as usize);
        let end = self.owner_starts.get(i + 1).map_or(0, |&e| e as usize);
        self.owners.get(start..end).unwrap_or_default()
    }

    /// Marks in `candidates` (a bit set over the channel's patterns) every pattern whose
    /// literals occur in `haystack`.
    pub(crate) fn mark(&self, haystack: &str, candidates: &mut BitSet) {
        let mut hit = |literal: usize| {
            for &p in self.owners_of(literal) {
                candidates.insert(p);
            }
        };
        match &self.automaton {
            Automaton::Nothing => {}
            Automaton::Finders(finders) => {
                for (literal, finder) in finders.iter().enumerate() {
                    if finder.find(haystack.as_bytes()).is_some() {
                        hit(literal);
                    }
                }
            }
            Automaton::AhoCorasick(ac) => {
                for m in ac.find_overlapping_iter(haystack) {
                    hit(m.pattern().as_usize());
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
                    None => buckets.find_each(&self.literals, haystack.as_bytes(), hit),
                }
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
    AhoCorasick,
}

/// Literals (each at least two bytes) grouped by a hash of their first two bytes: at each
/// position of the input, only the literals of that position's bucket are compared.
#[derive(Debug, Clone)]
struct Buckets {
    /// The literal indices of bucket `b` are `entries[starts[b]..starts[b + 1]]`.
    starts: Vec<u32>,
    entries: Vec<u32>,
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
        Self { starts, entries }
    }

    /// Calls `hit` with the index of every literal that occurs in `haystack` (once per
    /// occurrence).
    fn find_each(&self, literals: &Literals, haystack: &[u8], mut hit: impl FnMut(usize)) {
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
    /// One automaton over all literals.
    AhoCorasick(AhoCorasick),
    /// Many literals, each at least two bytes, bucketed by their first two; after
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
mod tests {
    use super::*;

    fn hir(p: &str) -> Hir {
        regex_syntax::parse(p).unwrap()
    }

    #[test]
    fn literals_are_required_prefixes_or_suffixes() {
        let lits = required_literals(&hir("git push.*--force.*(main|master)")).unwrap();
        assert!(
            lits.iter()
                .all(|l| b"git push".starts_with(l) || l.starts_with(b"git")),
            "{lits:?}"
        );
        let lits = required_literals(&hir(r"\s+\.env$")).unwrap();
        assert!(lits.iter().any(|l| l.ends_with(b".env")), "{lits:?}");
        assert!(required_literals(&hir(r"\w+")).is_none());
        // An inner factor beats a short prefix.
        let lits = required_literals(&hir(r"^git(?:\s+-[Cc]\s+\S+|\s+-\S+)*\s+reset\b.*\s--hard"))
            .unwrap();
        assert_eq!(lits, [b"--hard".to_vec()]);
        let lits = required_literals(&hir(r"^git\s+(?:push|commit)\s+--no-verify")).unwrap();
        assert_eq!(lits, [b"--no-verify".to_vec()]);
        // The extractor still serves where there is no good factor: case-insensitive text.
        let lits = required_literals(&hir(r"(?i)ab")).unwrap();
        assert_eq!(lits.len(), 4, "{lits:?}");
        let lits = required_factor(&hir(r"\s(?:alpha|beta)\s")).unwrap();
        assert_eq!(lits, [b"alpha".to_vec(), b"beta".to_vec()]);
        assert!(required_literals(&hir(r"a?")).is_none());
    }

    #[test]
    fn size_estimate_grows_with_counted_repetition() {
        assert!(size_estimate(&hir("abc")) < 10);
        assert!(size_estimate(&hir("(?:a{1000}){1000}")) >= 1_000_000);
    }

    #[test]
    fn prefilter_marks_patterns_whose_literals_occur() {
        let sets = vec![
            Some(vec![b"git".to_vec()]),
            Some(vec![b"rm".to_vec()]),
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

    /// Every search strategy marks the patterns a naive scan finds.
    fn strategies_agree(sets: Vec<Option<Vec<String>>>, haystack: &str) {
        let sets: Vec<Option<Vec<Vec<u8>>>> = sets
            .into_iter()
            .map(|s| s.map(|lits| lits.into_iter().map(String::into_bytes).collect()))
            .collect();
        let marks = |strategy| {
            let mut literal_sets = LiteralSets::default();
            for set in &sets {
                literal_sets.push(set.as_deref());
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
                s.as_ref().is_some_and(|lits| {
                    lits.iter().any(|l| {
                        haystack
                            .as_bytes()
                            .windows(l.len())
                            .any(|w| w == l.as_slice())
                    })
                })
            })
            .map(|(i, _)| i as u32)
            .collect();
        for strategy in [
            Strategy::Auto,
            Strategy::Finders,
            Strategy::Buckets,
            Strategy::AhoCorasick,
        ] {
            assert_eq!(marks(strategy), naive, "{strategy:?} on {haystack:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn search_strategies_agree_with_a_naive_scan(
            sets in proptest::collection::vec(
                proptest::option::weighted(0.8, proptest::collection::vec("[a-c ]{1,3}", 1..4)),
                1..12,
            ),
            haystack in "[a-d ]{0,24}",
        ) {
            strategies_agree(sets, &haystack);
        }

        /// Literals of two bytes or more: the buckets are really used.
        #[test]
        fn bucketed_search_agrees_with_a_naive_scan(
            sets in proptest::collection::vec(
                proptest::option::weighted(0.8, proptest::collection::vec("[a-c é]{2,4}", 1..4)),
                1..40,
            ),
            haystack in "[a-dé ]{0,40}",
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
