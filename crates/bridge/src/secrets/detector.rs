//! The detector: a keyword prefilter, the rules it selects, allowlists, and findings merged
//! into non-overlapping spans.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use super::rule::{
    BUILTIN_RULE_COUNT, CompiledAllowlist, CompiledRule, Found, Rule, RuleId, RulesFile,
    builtin_allowlist, builtin_allowlists, builtin_rule, builtin_rule_id, builtin_rule_tagged,
    lower_for_literals, shannon_entropy,
};
use super::scan_tables::scan_tables;
use crate::error::RedactError;

/// The built-in rules, embedded in the crate.
pub(crate) const BUILTIN_RULES: &str = include_str!("rules.toml");

/// Whether `METALAYER_LIBRARY_PATH=1` forces the plain library paths: the built-in
/// rules parsed from their TOML text instead of the table build.rs generated from it, and no
/// precompiled DFA.
pub(crate) fn library_forced() -> bool {
    static PLAIN: OnceLock<bool> = OnceLock::new();
    *PLAIN.get_or_init(|| std::env::var_os("METALAYER_LIBRARY_PATH").is_some_and(|v| v == "1"))
}

/// Which way a text is scanned. Both find exactly the same spans (the differential tests
/// below check it on every data case and on generated texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Path {
    /// The fast paths for a one-shot process: a rule without keywords whose matches are runs
    /// of one byte set is skipped where the text has no such run (build.rs derives the run),
    /// the DFAs build.rs precompiled gate the rules (a rule whose DFA finds no match is
    /// neither compiled nor run) and answer the allowlists.
    Fast,
    /// Only the library: every selected rule's regex is compiled and run.
    Plain,
}

impl Path {
    /// The fast path unless `METALAYER_LIBRARY_PATH=1`.
    fn fastest() -> Self {
        if library_forced() {
            Self::Plain
        } else {
            Self::Fast
        }
    }
}

/// The built-in rules file: the table build.rs generated from rules.toml (a fresh hook
/// process does not parse TOML), or the TOML itself on the library path.
fn builtin_rules_file() -> Result<RulesFile, RedactError> {
    if library_forced() {
        RulesFile::parse(BUILTIN_RULES)
    } else {
        Ok(super::rule::builtin_rules_file())
    }
}

/// The built-in rules, read on first use; an error here is a bug caught by the tests. On
/// the fast path each rule is made when a text first selects it (see [`Slot::Builtin`]).
fn builtin_engine() -> &'static Result<Engine, RedactError> {
    static BUILTIN: OnceLock<Result<Engine, RedactError>> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        if !library_forced() {
            return Ok(Engine {
                rules: (0..BUILTIN_RULE_COUNT).map(Slot::Builtin).collect(),
                untargeted: builtin_globals()
                    .iter()
                    .filter(|(_, targets)| targets.is_empty())
                    .map(|(allowlist, _)| Arc::clone(allowlist))
                    .collect(),
                prefilter: OnceLock::new(),
            });
        }
        let file = builtin_rules_file()?;
        let mut parts = Parts::default();
        parts.add_file(file)?;
        Ok(parts.into_engine())
    })
}

/// The built-in file's global allowlists, with the rule ids each targets (all when empty).
fn builtin_globals() -> &'static [(Arc<CompiledAllowlist>, Vec<String>)] {
    static GLOBALS: OnceLock<Vec<(Arc<CompiledAllowlist>, Vec<String>)>> = OnceLock::new();
    GLOBALS.get_or_init(|| {
        builtin_allowlist()
            .into_iter()
            .chain(builtin_allowlists())
            .map(|mut allowlist| {
                let targets = std::mem::take(&mut allowlist.target_rules);
                (Arc::new(CompiledAllowlist::new(allowlist)), targets)
            })
            .collect()
    })
}

/// Built-in rule `index` as the engine runs it (its global allowlists attached as
/// [`Parts::into_engine`] attaches them), made on first use, once per process; `None` when
/// it does not make, which build.rs rules out (the scan then fails closed).
fn builtin_made(index: usize) -> Option<&'static CompiledRule> {
    static MADE: OnceLock<Vec<OnceLock<Option<CompiledRule>>>> = OnceLock::new();
    MADE.get_or_init(|| (0..BUILTIN_RULE_COUNT).map(|_| OnceLock::new()).collect())
        .get(index)?
        .get_or_init(|| make_builtin(index))
        .as_ref()
}

/// Makes built-in rule `index` (see [`builtin_made`]).
fn make_builtin(index: usize) -> Option<CompiledRule> {
    let mut rule = CompiledRule::new(builtin_rule(index)?).ok()?;
    attach_globals(&mut rule, builtin_globals());
    Some(rule)
}

/// Appends to the rule's allowlists the global ones that target it (or every rule), in order.
fn attach_globals(rule: &mut CompiledRule, globals: &[(Arc<CompiledAllowlist>, Vec<String>)]) {
    let (id, lists) = (rule.id.as_str(), &mut rule.allowlists);
    let targeted = |targets: &[String]| targets.is_empty() || targets.iter().any(|t| t == id);
    // The list grows once (growing it per global list was 15 K of the 25 K instructions of
    // attaching them to the built-in rules, callgrind).
    lists.reserve_exact(globals.iter().filter(|(_, t)| targeted(t)).count());
    for (allowlist, _) in globals.iter().filter(|(_, t)| targeted(t)) {
        lists.push(Arc::clone(allowlist));
    }
}

/// A rule of an engine.
#[derive(Debug, Clone)]
enum Slot {
    /// Made with the engine (the library path, rules files and rules of a builder).
    Made(Arc<CompiledRule>),
    /// Built-in rule `index` on the fast path: made when a text first selects it, for a hook
    /// process runs a few of the rules (6 of 50 for a 10 KB Rust file full of `token`,
    /// `secret` and `password`), and making all of them was 0.22 M of the 1.92 M
    /// instructions of such a call (callgrind, December 2026). Its id, tags and keywords
    /// are known without making it (build.rs generated them).
    Builtin(usize),
}

impl Slot {
    /// The rule, made now if it was not.
    fn rule(&self) -> Option<&CompiledRule> {
        match self {
            Self::Made(rule) => Some(rule),
            Self::Builtin(index) => builtin_made(*index),
        }
    }

    /// The rule's id, made now if it was not.
    fn rule_id(&self) -> Option<RuleId> {
        match self.rule() {
            Some(rule) => Some(rule.id.clone()),
            None => self.id().map(RuleId::new),
        }
    }

    fn id(&self) -> Option<&str> {
        match self {
            Self::Made(rule) => Some(rule.id.as_str()),
            Self::Builtin(index) => builtin_rule_id(*index),
        }
    }

    fn tagged(&self, tags: &[String]) -> bool {
        match self {
            Self::Made(rule) => rule.tags.iter().any(|t| tags.contains(t)),
            Self::Builtin(index) => tags.iter().any(|t| builtin_rule_tagged(*index, t)),
        }
    }

    /// The numbers of its keywords in [`builtin_words`], for a built-in rule.
    fn keyword_ids(&self) -> Option<&'static [u16]> {
        match self {
            Self::Made(_) => None,
            Self::Builtin(index) => builtin_keyword_ids(*index),
        }
    }

    fn has_keywords(&self) -> bool {
        match self {
            Self::Made(rule) => !rule.keywords.is_empty(),
            Self::Builtin(index) => builtin_keyword_ids(*index).is_some_and(|ids| !ids.is_empty()),
        }
    }
}

/// Rules being assembled: the global allowlists are attached to the rules they target once
/// every rule is known.
#[derive(Debug, Default)]
struct Parts {
    /// Shared from the start (a fresh process would otherwise hold every rule twice, 20 KB
    /// of heap each, while moving them into `Arc`s); changed through `Arc::get_mut` until
    /// the engine is made, while nothing else holds them.
    rules: Vec<Arc<CompiledRule>>,
    /// Global allowlists and the rule ids they target (all rules when empty).
    globals: Vec<(Arc<CompiledAllowlist>, Vec<String>)>,
}

impl Parts {
    fn add_file(&mut self, file: RulesFile) -> Result<(), RedactError> {
        let (rules, globals) = file.into_parts();
        self.rules.reserve(rules.len());
        for rule in rules {
            self.rules.push(Arc::new(CompiledRule::new(rule)?));
        }
        for mut allowlist in globals {
            for target in &allowlist.target_rules {
                if !self.rules.iter().any(|r| r.id.as_str() == target) {
                    return Err(RedactError::UnknownRule {
                        name: target.clone(),
                    });
                }
            }
            let targets = std::mem::take(&mut allowlist.target_rules);
            self.globals
                .push((Arc::new(CompiledAllowlist::new(allowlist)), targets));
        }
        Ok(())
    }

    /// The rules, each of them unshared until the engine is made.
    fn rules_mut(&mut self) -> impl Iterator<Item = &mut CompiledRule> {
        self.rules.iter_mut().filter_map(Arc::get_mut)
    }

    fn into_engine(mut self) -> Engine {
        let globals = std::mem::take(&mut self.globals);
        for rule in self.rules_mut() {
            attach_globals(rule, &globals);
        }
        Engine {
            rules: self.rules.into_iter().map(Slot::Made).collect(),
            untargeted: globals
                .into_iter()
                .filter(|(_, targets)| targets.is_empty())
                .map(|(allowlist, _)| allowlist)
                .collect(),
            prefilter: OnceLock::new(),
        }
    }
}

/// Compiled rules and their keyword prefilter (built on first use).
#[derive(Debug)]
struct Engine {
    rules: Vec<Slot>,
    /// Global allowlists without targets: they also apply to rules added later.
    untargeted: Vec<Arc<CompiledAllowlist>>,
    prefilter: OnceLock<Prefilter>,
}

/// The keyword prefilter: which rules are worth running on a text (the rules with a keyword
/// the text contains, ASCII case-insensitively, and the rules without keywords).
///
/// Two ways to find the keywords, with the same answer:
///
/// - [`KeywordScan`], the fast path: nothing to build but a few small tables (for the
///   built-in rules, none: build.rs made them); each text byte costs two lookups. Building the Aho-Corasick automaton was 1.2 M of the 4.1 M
///   instructions of a denied `git push --force` (the ledger masks the command), for a
///   28-byte text (callgrind, December 2026), and its overlapping search is no faster than
///   the scan at any text size measured, however much was searched before (10 KB of code:
///   11.9 µs for the scan, 23.8 µs for the DFA, 31.7 µs for the NFA; 100 bytes of prose:
///   261, 253 and 376 ns; `keyword_finders_timing` below prints them).
/// - One Aho-Corasick automaton over every keyword, on the library path: a contiguous NFA,
///   replaced by a DFA, faster to search but costlier to build, after [`DFA_AFTER_BYTES`].
#[derive(Debug)]
struct Prefilter {
    /// The keywords, lower-cased, each once.
    words: Vec<Cow<'static, str>>,
    scan: KeywordScan,
    nfa: OnceLock<Option<AhoCorasick>>,
    dfa: OnceLock<Option<AhoCorasick>>,
    /// Text the automaton searched (the library path), which picks NFA or DFA.
    searched: AtomicUsize,
    /// Per keyword, the rules (indexes) that have it: those of keyword `w` are
    /// `owners[owner_starts[w]..owner_starts[w + 1]]`.
    owners: Vec<usize>,
    owner_starts: Vec<usize>,
    /// Rules without keywords.
    always: Vec<usize>,
}

/// Finds keywords (lower-case) in a text without an automaton: a table cell per pair of
/// leading bytes that some keyword starts with (each case of its letters: the text is not
/// lowered byte by byte) naming the group of keywords that start with that pair, and per
/// group the third bytes its keywords go on with. Written beside aho-corasick because
/// building its automaton costs more than scanning a few short texts; the differential tests
/// check that both find the same keywords. The tables are built by `scan_tables.rs`: at run
/// time for an engine with rules of its own, by build.rs for the built-in rules.
#[derive(Debug)]
struct KeywordScan {
    /// Per byte (256 entries): 1 + its row of `cells` when a keyword of two or more bytes
    /// starts with it, either case, else 0; empty when the groups do not fit 16 bits (then
    /// every keyword is reported).
    rows: Cow<'static, [u16]>,
    /// Per row, 256 entries: 1 + the group (in `lower`) of the pair (the row's byte, this
    /// byte), either case, else 0. A byte costs two lookups and no bit counting (the bit
    /// table with ranks it replaces cost 0.28 M instructions for a 10 KB Write, a third of it
    /// counting bits without a popcnt instruction).
    cells: Cow<'static, [u16]>,
    /// Per pair of lower-case bytes: the range of `by_pair` holding its keywords, and the
    /// bytes (either case) that may come third (every byte when one of them has only two).
    lower: Cow<'static, [(u16, u16, [u64; 4])]>,
    /// The keywords of two or more bytes, ordered by their first two bytes.
    by_pair: Cow<'static, [usize]>,
    /// Keywords of one byte: (the byte, keyword index).
    singles: Cow<'static, [(u8, usize)]>,
}

// The built-in rules' keywords and scan tables (`BUILTIN_WORD_TEXT`, `BUILTIN_KEYWORD_IDS`,
// `BUILTIN_ROWS`, `BUILTIN_CELLS`, ...), generated by build.rs with `scan_tables.rs`.
include!(concat!(env!("OUT_DIR"), "/prefilter.rs"));

/// The built-in keywords, in the order build.rs numbered them.
fn builtin_words() -> impl Iterator<Item = Cow<'static, str>> {
    (0..BUILTIN_WORD_ENDS.len()).map(|id| {
        Cow::Borrowed(
            u16::try_from(id)
                .ok()
                .and_then(builtin_word)
                .unwrap_or_default(),
        )
    })
}

/// Built-in keyword number `id`.
fn builtin_word(id: u16) -> Option<&'static str> {
    let id = usize::from(id);
    let from = match id.checked_sub(1) {
        Some(before) => *BUILTIN_WORD_ENDS.get(before)?,
        None => 0,
    };
    let to = *BUILTIN_WORD_ENDS.get(id)?;
    BUILTIN_WORD_TEXT.get(usize::from(from)..usize::from(to))
}

/// The numbers (in [`builtin_words`]) of the keywords of built-in rule `rule`.
fn builtin_keyword_ids(rule: usize) -> Option<&'static [u16]> {
    let from = *BUILTIN_RULE_KEYWORDS.get(rule)?;
    let to = *BUILTIN_RULE_KEYWORDS.get(rule + 1)?;
    BUILTIN_KEYWORD_IDS.get(usize::from(from)..usize::from(to))
}

impl KeywordScan {
    fn new<W: AsRef<str>>(words: &[W]) -> Self {
        let tables = scan_tables(words);
        Self {
            rows: Cow::Owned(tables.rows),
            cells: Cow::Owned(tables.cells),
            lower: Cow::Owned(tables.lower),
            by_pair: Cow::Owned(tables.by_pair),
            singles: Cow::Owned(tables.singles),
        }
    }

    /// The scan of [`builtin_words`], from the tables build.rs made.
    fn builtin() -> Self {
        Self {
            rows: Cow::Borrowed(&BUILTIN_ROWS),
            cells: Cow::Borrowed(&BUILTIN_CELLS),
            lower: Cow::Borrowed(&BUILTIN_LOWER),
            by_pair: Cow::Borrowed(&BUILTIN_BY_PAIR),
            singles: Cow::Borrowed(&BUILTIN_SINGLES),
        }
    }

    /// Calls `hit` with the index of every keyword that occurs in `text`, once each.
    fn find<W: AsRef<str>>(&self, words: &[W], text: &[u8], mut hit: impl FnMut(usize)) {
        let mut seen = vec![false; words.len()];
        let mut unseen = words.len();
        for &(byte, w) in self.singles.iter() {
            if text.iter().any(|b| b.to_ascii_lowercase() == byte)
                && let Some(done) = seen.get_mut(w)
            {
                *done = true;
                unseen = unseen.saturating_sub(1);
                hit(w);
            }
        }
        let Some(rows) = self.rows.first_chunk::<256>() else {
            // Tables without rows (more groups than 16 bits number): every keyword is
            // reported, so every rule runs.
            (0..words.len()).for_each(hit);
            return;
        };
        let row_of = |b: u8| rows.get(usize::from(b)).copied().unwrap_or(0);
        // Borrowed once: through the `Cow`s the loop would test which variant each is for
        // every byte.
        let (cells, lower, by_pair): (&[u16], &[_], &[usize]) =
            (&self.cells, &self.lower, &self.by_pair);
        // Groups whose keywords were all found.
        let mut done = vec![false; lower.len()];
        // `at` is the pair's second byte (the keyword would start one byte back).
        for (before, pair) in text.windows(2).enumerate() {
            let &[first, byte] = pair else {
                continue;
            };
            let at = before + 1;
            let here = row_of(first);
            if here == 0 {
                continue;
            }
            let cell = cells
                .get(usize::from(here - 1) * 256 + usize::from(byte))
                .copied()
                .unwrap_or(0);
            if cell == 0 {
                continue;
            }
            let group = usize::from(cell - 1);
            if done.get(group).copied().unwrap_or(true) {
                continue;
            }
            let Some(&(from, to, thirds)) = lower.get(group) else {
                continue;
            };
            if let Some(&third) = text.get(at + 1)
                && thirds
                    .get(usize::from(third) / 64)
                    .is_some_and(|set| set & (1 << (third % 64)) == 0)
            {
                continue;
            }
            // The keyword would start one byte back; its first two bytes matched.
            let rest = text.get(at + 1..).unwrap_or_default();
            let mut left = false;
            for &w in by_pair
                .get(usize::from(from)..usize::from(to))
                .unwrap_or_default()
            {
                let Some(done) = seen.get_mut(w).filter(|done| !**done) else {
                    continue;
                };
                let tail = words
                    .get(w)
                    .and_then(|word| word.as_ref().as_bytes().get(2..));
                let found = tail.is_some_and(|tail| {
                    rest.get(..tail.len())
                        .is_some_and(|head| head.eq_ignore_ascii_case(tail))
                });
                if found {
                    *done = true;
                    unseen = unseen.saturating_sub(1);
                    hit(w);
                } else {
                    left = true;
                }
            }
            if !left && let Some(done) = done.get_mut(group) {
                *done = true;
            }
            if unseen == 0 {
                return;
            }
        }
    }
}

impl Engine {
    fn prefilter(&self) -> &Prefilter {
        self.prefilter.get_or_init(|| {
            // An engine of built-in rules only (the built-in set, or some of it) takes the
            // keywords and tables build.rs made; keywords of rules it left out find nothing.
            let builtin = !self.rules.is_empty()
                && self.rules.iter().all(|rule| rule.keyword_ids().is_some());
            let (words, ids) = if builtin {
                let ids: Vec<&[u16]> = self
                    .rules
                    .iter()
                    .map(|rule| rule.keyword_ids().unwrap_or_default())
                    .collect();
                (builtin_words().collect(), ids_by_rule(ids))
            } else {
                self.number_keywords()
            };
            let always = self
                .rules
                .iter()
                .enumerate()
                .filter(|(_, rule)| !rule.has_keywords())
                .map(|(index, _)| index)
                .collect();
            let (owners, owner_starts) = owners_of(words.len(), &ids);
            Prefilter {
                scan: if builtin {
                    KeywordScan::builtin()
                } else {
                    KeywordScan::new(&words)
                },
                words,
                nfa: OnceLock::new(),
                dfa: OnceLock::new(),
                searched: AtomicUsize::new(0),
                owners,
                owner_starts,
                always,
            }
        })
    }

    /// The keywords of the rules, each once in the order they first appear, and per rule
    /// (in order) the numbers of its keywords, as (rule, keyword) pairs.
    fn number_keywords(&self) -> (Vec<Cow<'static, str>>, Vec<(usize, usize)>) {
        let mut words: Vec<Cow<'static, str>> = Vec::new();
        let mut ids = Vec::new();
        let builtin: Vec<Cow<'static, str>> = builtin_words().collect();
        let mut known: HashMap<&str, usize, foldhash::fast::FixedState> = HashMap::default();
        for (index, slot) in self.rules.iter().enumerate() {
            let keywords: Vec<&str> = match (slot, slot.keyword_ids()) {
                (_, Some(ids)) => ids
                    .iter()
                    .filter_map(|&id| builtin.get(usize::from(id)).map(|w| w.as_ref()))
                    .collect(),
                (Slot::Made(rule), None) => rule.keywords.iter().map(String::as_str).collect(),
                (Slot::Builtin(_), None) => Vec::new(),
            };
            for word in keywords {
                let at = *known.entry(word).or_insert_with(|| {
                    words.push(Cow::Owned(word.to_owned()));
                    words.len() - 1
                });
                ids.push((index, at));
            }
        }
        (words, ids)
    }

    /// Rules worth running on `text`, in rule order.
    fn wanted(&self, text: &str, path: Path) -> Vec<bool> {
        let prefilter = self.prefilter();
        // The scan numbers keywords with 16 bits.
        if path == Path::Fast && prefilter.words.len() < usize::from(u16::MAX) {
            return self.wanted_by(text, true, 0);
        }
        let before = prefilter.searched.fetch_add(text.len(), Ordering::Relaxed);
        self.wanted_by(text, false, before)
    }

    /// [`Self::wanted`] by the keyword scan or by the automaton (`searched` picks which).
    fn wanted_by(&self, text: &str, scan: bool, searched: usize) -> Vec<bool> {
        let prefilter = self.prefilter();
        let mut wanted = vec![false; self.rules.len()];
        for &index in &prefilter.always {
            if let Some(slot) = wanted.get_mut(index) {
                *slot = true;
            }
        }
        if prefilter.words.is_empty() {
            return wanted;
        }
        let mut seen = vec![false; prefilter.words.len()];
        let mut hit = |word: usize| {
            if let Some(seen) = seen.get_mut(word).filter(|seen| !**seen) {
                *seen = true;
                for &index in prefilter.owners_of(word) {
                    if let Some(slot) = wanted.get_mut(index) {
                        *slot = true;
                    }
                }
            }
        };
        if scan {
            prefilter.scan.find(&prefilter.words, text.as_bytes(), hit);
        } else if let Some(automaton) = prefilter.automaton(searched) {
            for m in automaton.find_overlapping_iter(text) {
                hit(m.pattern().as_usize());
            }
        } else {
            // Should the automaton fail to build, every rule runs: slower, never weaker.
            wanted.iter_mut().for_each(|slot| *slot = true);
        }
        wanted
    }
}

/// Text searched by a prefilter before it builds its DFA.
const DFA_AFTER_BYTES: usize = 256 * 1024;

/// (rule, keyword) pairs from the keyword numbers of each rule.
fn ids_by_rule(ids: Vec<&[u16]>) -> Vec<(usize, usize)> {
    ids.into_iter()
        .enumerate()
        .flat_map(|(rule, words)| words.iter().map(move |&w| (rule, usize::from(w))))
        .collect()
}

/// The owners of each of `words` keywords as one list and where each keyword's part starts
/// (`words + 1` entries), from (rule, keyword) pairs in rule order.
fn owners_of(words: usize, ids: &[(usize, usize)]) -> (Vec<usize>, Vec<usize>) {
    let mut starts = vec![0_usize; words + 1];
    for &(_, word) in ids {
        if let Some(count) = starts.get_mut(word + 1) {
            *count += 1;
        }
    }
    for w in 1..starts.len() {
        let before = starts.get(w - 1).copied().unwrap_or(0);
        if let Some(start) = starts.get_mut(w) {
            *start += before;
        }
    }
    let mut owners = vec![0_usize; ids.len()];
    let mut next = starts.clone();
    for &(rule, word) in ids {
        if let Some(at) = next.get_mut(word)
            && let Some(slot) = owners.get_mut(*at)
        {
            *slot = rule;
            *at += 1;
        }
    }
    (owners, starts)
}

impl Prefilter {
    /// The rules (indexes) with keyword `word`.
    fn owners_of(&self, word: usize) -> &[usize] {
        let from = self.owner_starts.get(word).copied().unwrap_or(0);
        let to = self.owner_starts.get(word + 1).copied().unwrap_or(from);
        self.owners.get(from..to).unwrap_or_default()
    }

    /// The automaton to search with, built on first use: the DFA once enough text was
    /// searched, before that the NFA; `None` when it does not build.
    fn automaton(&self, searched: usize) -> Option<&AhoCorasick> {
        let build = |kind| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .kind(Some(kind))
                .build(self.words.iter().map(|w| w.as_bytes()))
                .ok()
        };
        if searched >= DFA_AFTER_BYTES
            && let Some(dfa) = self.dfa.get_or_init(|| build(AhoCorasickKind::DFA))
        {
            return Some(dfa);
        }
        self.nfa
            .get_or_init(|| build(AhoCorasickKind::ContiguousNFA))
            .as_ref()
    }
}

// `BUILTIN_SCREEN`: per built-in rule, the run of bytes every match holds (build.rs derives
// them; see there why). The rules' keywords are the prefilter's.
include!(concat!(env!("OUT_DIR"), "/screen.rs"));

/// A rule of the screen: the run every match holds (its bytes as a 256-bit set, its least
/// length).
type ScreenRule = Option<([u64; 4], usize)>;

/// Texts longer than this are not screened: searching every keyword one after the other
/// would cost more than building the engine once.
const SCREEN_MAX_BYTES: usize = 1024;

/// Whether `text` certainly holds no secret of the built-in rules, known without building
/// them: it is short, and no rule would run on it, for the keyword scan would not select it
/// (none of its keywords is in the text, ASCII case ignored) or the text lacks the run of
/// bytes every match of it holds (for a rule without keywords, the only test). `false` means
/// only that the engine must look. The fast path only; the tests compare it with the library
/// path.
fn screened(text: &str) -> bool {
    let Some(rules) = &BUILTIN_SCREEN else {
        return false;
    };
    if text.len() > SCREEN_MAX_BYTES {
        return false;
    }
    let lowered = text.as_bytes().to_ascii_lowercase();
    let bytes = text.as_bytes();
    !rules.iter().enumerate().any(|(index, run)| {
        let keywords = builtin_keyword_ids(index).unwrap_or_default();
        let selected = keywords.is_empty()
            || keywords
                .iter()
                .any(|&id| builtin_word(id).is_none_or(|word| holds(&lowered, word.as_bytes())));
        selected
            && run
                .as_ref()
                .is_none_or(|(set, min)| super::rule::has_run(bytes, set, *min))
    })
}

/// Whether `text` (short) holds `word`: each place its first byte is at, compared. For the
/// screen's short texts and short words this beats `memmem::find`, which sets up a searcher
/// for every call: 106 of them were 96 K of the 0.99 M instructions of a denied hook call,
/// whose command the ledger masks (callgrind, December 2026).
fn holds(text: &[u8], word: &[u8]) -> bool {
    let Some((&first, rest)) = word.split_first() else {
        return true;
    };
    memchr::memchr_iter(first, text).any(|at| {
        text.get(at + 1..)
            .and_then(|after| after.get(..rest.len()))
            .is_some_and(|after| after == rest)
    })
}

/// Where [`Detector`]s get their rules: the built-in set shared by the process, or an own set.
#[derive(Debug, Clone)]
enum Source {
    Builtin,
    Own(Arc<Engine>),
}

/// Finds secrets in text: one pass of a keyword automaton selects the rules worth running,
/// their regexes run (compiled on first use), entropy thresholds and allowlists drop what is
/// not a secret, and overlapping findings are merged.
///
/// [`Detector::new`] has the built-in rules, embedded in the crate as a TOML file in
/// gitleaks' rule shape (cloud, forge, registry, chat, payment, observability and AI
/// provider keys, private keys, JWTs, URL credentials, Basic and Bearer authorization,
/// passwords on command lines and in `NAME=value` / `name: value` / `"name": "value"`
/// assignments, values stated in prose and bare high-entropy strings). Values that are
/// references are not secrets: identifiers and attribute paths (`settings.SECRET_KEY`),
/// environment lookups (`os.environ["X"]`, `process.env.X`, `${X}`, `$X`), calls, numbers
/// (`max_tokens=128000`), placeholders and masks. [`Detector::builder`] adds rules (from a
/// rules file or one by one) or leaves out the built-in ones.
///
/// Cloning is cheap; a `Detector` is `Send + Sync`.
///
/// ```
/// use metalayer_bridge::secrets::Detector;
///
/// let detector = Detector::new();
/// let text = "ok\nexport DB_PASS=hunter22 && ./deploy";
/// let findings = detector.find(text);
/// assert_eq!(findings.len(), 1);
/// let finding = &findings[0];
/// assert_eq!(finding.rule().as_str(), "password-assignment");
/// assert_eq!(&text[finding.span()], "hunter22");
/// assert_eq!((finding.line(), finding.column()), (2, 16));
/// assert!(!finding.masked().contains("hunter22"));
/// assert_eq!(detector.redact(text), "ok\nexport DB_PASS=[REDACTED:password-assignment] && ./deploy");
///
/// // References are not secrets, and the text around is never touched.
/// let code = r#"api_key = os.environ["OPENAI_API_KEY"]; max_tokens=128000"#;
/// assert_eq!(detector.redact(code), code);
/// ```
#[derive(Debug, Clone)]
pub struct Detector {
    source: Source,
}

impl Default for Detector {
    fn default() -> Self {
        Self::new()
    }
}

impl Detector {
    /// A detector with the built-in rules. Nothing is parsed or compiled until it is first
    /// used, and then only once per process.
    #[must_use]
    pub fn new() -> Self {
        Self {
            source: Source::Builtin,
        }
    }

    /// A builder, starting with the built-in rules.
    #[must_use]
    pub fn builder() -> DetectorBuilder {
        DetectorBuilder::new()
    }

    /// Checks that the built-in rules parse (they are embedded; the tests make sure they do).
    ///
    /// # Errors
    ///
    /// The parse or validation error of the embedded rules file.
    pub fn check_builtin() -> Result<(), RedactError> {
        match builtin_engine() {
            Ok(engine) => engine.rules.iter().try_for_each(|slot| match slot.rule() {
                Some(rule) => rule.validate(),
                None => Err(RedactError::InvalidRules {
                    source: format!("built-in rule {:?} cannot be made", slot.id()).into(),
                }),
            }),
            Err(e) => Err(RedactError::InvalidRules {
                source: e.to_string().into(),
            }),
        }
    }

    fn engine(&self) -> Option<&Engine> {
        match &self.source {
            Source::Builtin => builtin_engine().as_ref().ok(),
            Source::Own(engine) => Some(engine),
        }
    }

    /// The ids of the rules, in the order they run (an id may appear more than once when
    /// rules were added under the same id).
    pub fn rule_ids(&self) -> impl Iterator<Item = &RuleId> {
        self.engine().into_iter().flat_map(|engine| {
            engine
                .rules
                .iter()
                .filter_map(|slot| Some(&slot.rule()?.id))
        })
    }

    /// The secrets in `text`, in order, never overlapping.
    #[must_use]
    pub fn find(&self, text: &str) -> Vec<Finding> {
        let mut findings = Vec::new();
        self.find_into(text, &mut findings);
        findings
    }

    /// Appends the secrets in `text` to `findings` (which is not cleared), in order, never
    /// overlapping one another.
    pub fn find_into(&self, text: &str, findings: &mut Vec<Finding>) {
        let spans = self.spans(text);
        let mut line = 1;
        let mut line_start = 0;
        let mut scanned = 0;
        for (range, rule) in spans {
            let before = text.get(scanned..range.start).unwrap_or_default();
            for (at, _) in before.match_indices('\n') {
                line += 1;
                line_start = scanned + at + 1;
            }
            scanned = range.start;
            let column = text
                .get(line_start..range.start)
                .map_or(1, |s| s.chars().count() + 1);
            let masked = mask(text.get(range.clone()).unwrap_or_default());
            findings.push(Finding {
                rule,
                span: range,
                line,
                column,
                masked,
            });
        }
    }

    /// Whether `text` holds a secret.
    #[must_use]
    pub fn is_match(&self, text: &str) -> bool {
        !self.spans(text).is_empty()
    }

    /// `text` with every secret replaced by `[REDACTED:<rule id>]`, borrowed unchanged when
    /// there is none. Only the secret is replaced: the name it is assigned to, its quotes and
    /// everything around stay as they were.
    #[must_use]
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let spans = self.spans(text);
        if spans.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (range, rule) in spans {
            out.push_str(text.get(last..range.start).unwrap_or_default());
            out.push_str("[REDACTED:");
            out.push_str(rule.as_str());
            out.push(']');
            last = range.end;
        }
        out.push_str(text.get(last..).unwrap_or_default());
        Cow::Owned(out)
    }

    /// The merged secret spans of `text` with the rule that names each.
    fn spans(&self, text: &str) -> Vec<(Range<usize>, RuleId)> {
        self.spans_by(text, Path::fastest())
    }

    /// [`Self::spans`] by the fast paths or by the plain library path alone.
    fn spans_by(&self, text: &str, path: Path) -> Vec<(Range<usize>, RuleId)> {
        if text.is_empty()
            || (path == Path::Fast && matches!(self.source, Source::Builtin) && screened(text))
        {
            return Vec::new();
        }
        let Some(engine) = self.engine() else {
            return Vec::new();
        };
        let wanted = engine.wanted(text, path);
        let mut scan = Scan {
            text,
            path,
            candidates: Vec::new(),
            verdicts: HashMap::default(),
            lowered: OnceCell::new(),
        };
        for (index, slot) in engine.rules.iter().enumerate() {
            if !wanted.get(index).copied().unwrap_or(false) {
                continue;
            }
            match slot.rule() {
                Some(rule) => scan.collect(rule, index),
                // A rule that cannot be made cannot clear the text: all of it is taken for
                // a secret (never reached: build.rs refuses what would not make).
                None => scan.candidates.push((0, text.len(), index)),
            }
        }
        let mut candidates = scan.candidates;
        if candidates.is_empty() {
            return Vec::new();
        }
        candidates.sort_unstable();
        let mut merged: Vec<(Range<usize>, usize)> = Vec::new();
        for (start, end, index) in candidates {
            match merged.last_mut() {
                Some((range, rule)) if start < range.end => {
                    range.end = range.end.max(end);
                    *rule = (*rule).min(index);
                }
                _ => merged.push((start..end, index)),
            }
        }
        merged
            .into_iter()
            .filter_map(|(range, index)| Some((range, engine.rules.get(index)?.rule_id()?)))
            .collect()
    }
}

/// One text being scanned, with what was found in it so far.
struct Scan<'t> {
    text: &'t str,
    path: Path,
    /// Secrets found: (start, end, rule index).
    candidates: Vec<(usize, usize, usize)>,
    /// Whether a match is a secret, by rule and the text its allowlists look at: code repeats
    /// its names (`password: &str` in every function), and a verdict depends on nothing else.
    /// The fast path only.
    verdicts: HashMap<VerdictKey<'t>, bool, foldhash::fast::FixedState>,
    /// The text lowered for the rules' required literals, made when a rule first needs it.
    lowered: OnceCell<Vec<u8>>,
}

/// What decides whether a match of a rule is a secret: the rule, the whole match, where the
/// secret is in it, and the lines around it when an allowlist of the rule looks at them.
type VerdictKey<'t> = (usize, &'t str, usize, usize, &'t str);

impl<'t> Scan<'t> {
    /// Runs one rule over the text, pushing the secrets it finds.
    fn collect(&mut self, rule: &CompiledRule, index: usize) {
        let text = self.text;
        if self.path == Path::Fast
            && let Some(matcher) = rule.assignment()
        {
            for found in matcher.find_iter(text) {
                let group = |g: usize| {
                    g.checked_sub(1)
                        .and_then(|g| found.groups.get(g))
                        .cloned()
                        .flatten()
                };
                let span = secret_span(rule, found.whole.clone(), found.groups.len() + 1, group);
                self.consider(rule, index, found.whole, span);
            }
            return;
        }
        let lowered = &self.lowered;
        if self.path == Path::Fast
            && !rule.may_match(text, || {
                lowered.get_or_init(|| lower_for_literals(text)).as_slice()
            })
        {
            return;
        }
        let Some(regex) = rule.regex() else {
            return;
        };
        for caps in regex.captures_iter(text) {
            let Some(whole) = caps.get_match() else {
                continue;
            };
            let group = |g: usize| caps.get_group(g).map(|s| s.range());
            let span = secret_span(rule, whole.range(), caps.group_len(), group);
            self.consider(rule, index, whole.range(), span);
        }
    }

    /// Pushes the secret `span` of the match `whole` unless it is empty, too regular for the
    /// rule or allowed by one of its allowlists.
    fn consider(
        &mut self,
        rule: &CompiledRule,
        index: usize,
        whole: Range<usize>,
        span: Option<Range<usize>>,
    ) {
        let text = self.text;
        let Some(span) = span.filter(|s| !s.is_empty()) else {
            return;
        };
        let Some(secret) = text.get(span.clone()) else {
            return;
        };
        let found = Found {
            secret,
            whole: text.get(whole.clone()).unwrap_or_default(),
            line: line_around(text, whole.clone()),
        };
        let is_secret = if self.path == Path::Fast {
            let key = (
                index,
                found.whole,
                span.start.saturating_sub(whole.start),
                span.len(),
                if rule.reads_lines() { found.line } else { "" },
            );
            *self
                .verdicts
                .entry(key)
                .or_insert_with(|| is_secret(rule, &found, Path::Fast))
        } else {
            is_secret(rule, &found, self.path)
        };
        if is_secret {
            self.candidates.push((span.start, span.end, index));
        }
    }
}

/// Whether a match of `rule` is a secret: regular enough for the rule's entropy and allowed
/// by none of its allowlists.
fn is_secret(rule: &CompiledRule, found: &Found<'_>, path: Path) -> bool {
    if rule
        .entropy
        .is_some_and(|least| shannon_entropy(found.secret) < least)
    {
        return false;
    }
    rule.allowlists.is_empty() || !rule.allowed(found, path)
}

/// The secret of a match: the rule's `secretGroup`, else the first group that took part (and
/// is not empty), else the whole match.
fn secret_span(
    rule: &CompiledRule,
    whole: Range<usize>,
    groups: usize,
    group: impl Fn(usize) -> Option<Range<usize>>,
) -> Option<Range<usize>> {
    if rule.secret_group > 0 {
        group(rule.secret_group)
    } else {
        (1..groups)
            .filter_map(&group)
            .find(|span| !span.is_empty())
            .or(Some(whole))
    }
}

/// The lines that `range` of `text` is on.
fn line_around(text: &str, range: Range<usize>) -> &str {
    let start = text
        .get(..range.start)
        .and_then(|head| head.rfind('\n'))
        .map_or(0, |at| at + 1);
    let end = text
        .get(range.end..)
        .and_then(|tail| tail.find('\n'))
        .map_or(text.len(), |at| range.end + at);
    text.get(start..end).unwrap_or_default()
}

/// A masked form of a secret that never contains it: a short prefix of long secrets (where
/// providers put their fixed prefix: `ghp_`, `AKIA`) and a fixed run of asterisks, so that
/// not even the length is told.
fn mask(secret: &str) -> String {
    let shown: String = if secret.chars().count() >= 20 {
        secret.chars().take(4).collect()
    } else {
        String::new()
    };
    format!("{shown}********")
}

/// A secret found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    rule: RuleId,
    span: Range<usize>,
    line: usize,
    column: usize,
    masked: String,
}

impl Finding {
    /// The rule that found it (the first in rule order when several found overlapping
    /// secrets).
    #[must_use]
    pub fn rule(&self) -> &RuleId {
        &self.rule
    }

    /// The byte range of the secret in the text given to [`Detector::find`].
    #[must_use]
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The line the secret starts on, from 1.
    #[must_use]
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column the secret starts at, from 1, in characters.
    #[must_use]
    pub fn column(&self) -> usize {
        self.column
    }

    /// A masked form (`ghp_********`, `********`) that never contains the secret, for
    /// messages and logs.
    #[must_use]
    pub fn masked(&self) -> &str {
        &self.masked
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {}, column {}: {}",
            self.rule, self.line, self.column, self.masked
        )
    }
}

/// Builds a [`Detector`]: the built-in rules (unless turned off), rules files in gitleaks'
/// shape, single rules, and rules left out by id.
///
/// ```
/// use metalayer_bridge::secrets::{Detector, Rule};
///
/// let detector = Detector::builder()
///     .rules_toml(r#"
///         [[rules]]
///         id = "employee-id"
///         regex = '''emp=(E[0-9]{5})'''
///         keywords = ["emp="]
///     "#)?
///     .rule(Rule::new("ticket", r"ACME-[0-9]{6}"))
///     .without("high-entropy-string")
///     .build()?;
/// assert_eq!(detector.redact("emp=E12345 ACME-123456"), "emp=[REDACTED:employee-id] [REDACTED:ticket]");
/// # Ok::<(), metalayer_bridge::RedactError>(())
/// ```
#[derive(Debug, Clone)]
pub struct DetectorBuilder {
    builtin: bool,
    files: Vec<RulesFile>,
    rules: Vec<Rule>,
    without: Vec<String>,
    without_tags: Vec<String>,
}

impl Default for DetectorBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl DetectorBuilder {
    /// A builder with the built-in rules.
    #[must_use]
    pub fn new() -> Self {
        Self {
            builtin: true,
            files: Vec::new(),
            rules: Vec::new(),
            without: Vec::new(),
            without_tags: Vec::new(),
        }
    }

    /// Keeps (the default) or leaves out the built-in rules.
    #[must_use]
    pub fn builtin(mut self, yes: bool) -> Self {
        self.builtin = yes;
        self
    }

    /// Adds the rules and global allowlists of a rules file in gitleaks' TOML shape
    /// (`[[rules]]`, `[[allowlists]]`; the `targetRules` of an allowlist name rules of the
    /// same file).
    ///
    /// # Errors
    ///
    /// [`RedactError::InvalidRules`] when the file is not valid TOML of that shape,
    /// [`RedactError::UnknownRule`] when an allowlist targets a rule the file does not have.
    pub fn rules_toml(mut self, text: &str) -> Result<Self, RedactError> {
        self.files.push(RulesFile::parse(text)?);
        Ok(self)
    }

    /// Adds one rule. Rules with the id of another rule run beside it, never instead.
    #[must_use]
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Leaves out every rule with this id (built-in or added).
    #[must_use]
    pub fn without(mut self, id: &str) -> Self {
        self.without.push(id.to_owned());
        self
    }

    /// Leaves out every rule carrying this tag (built-in or added). The built-in rules tagged
    /// [`CONVERSATION_TAG`](super::CONVERSATION_TAG) are meant for conversation text only:
    /// checks of files leave them out.
    ///
    /// ```
    /// use metalayer_bridge::secrets::{CONVERSATION_TAG, Detector};
    ///
    /// let files = Detector::builder().without_tag(CONVERSATION_TAG).build()?;
    /// let hash = "const ETAG = \"Zq8nV3kP2mX7wL4rT9bY6cJ1\";";
    /// assert!(Detector::new().is_match(hash));
    /// assert!(!files.is_match(hash));
    /// # Ok::<(), metalayer_bridge::RedactError>(())
    /// ```
    #[must_use]
    pub fn without_tag(mut self, tag: &str) -> Self {
        self.without_tags.push(tag.to_owned());
        self
    }

    /// Compiles the added rules (the built-in ones stay compiled on first use and shared).
    ///
    /// # Errors
    ///
    /// The first rule or allowlist that does not compile, or an invalid rules file.
    pub fn build(self) -> Result<Detector, RedactError> {
        if self.builtin
            && self.files.is_empty()
            && self.rules.is_empty()
            && self.without.is_empty()
            && self.without_tags.is_empty()
        {
            return Ok(Detector::new());
        }
        let mut rules: Vec<Slot> = Vec::new();
        let mut untargeted: Vec<Arc<CompiledAllowlist>> = Vec::new();
        if self.builtin {
            match builtin_engine() {
                Ok(engine) => {
                    rules.extend(engine.rules.iter().cloned());
                    untargeted.extend(engine.untargeted.iter().cloned());
                }
                Err(e) => {
                    return Err(RedactError::InvalidRules {
                        source: e.to_string().into(),
                    });
                }
            }
        }
        let mut parts = Parts::default();
        for file in self.files {
            parts.add_file(file)?;
        }
        for rule in self.rules {
            parts.rules.push(Arc::new(CompiledRule::new(rule)?));
        }
        for rule in parts.rules_mut() {
            // The built-in file's untargeted allowlists (text already redacted) apply to
            // added rules too.
            rule.allowlists.extend(untargeted.iter().cloned());
        }
        let added = parts.into_engine();
        for rule in added.rules.iter().filter_map(Slot::rule) {
            rule.validate()?;
        }
        rules.extend(added.rules);
        rules.retain(|slot| {
            !slot
                .id()
                .is_some_and(|id| self.without.iter().any(|w| w == id))
                && !slot.tagged(&self.without_tags)
        });
        Ok(Detector {
            source: Source::Own(Arc::new(Engine {
                rules,
                untargeted,
                prefilter: OnceLock::new(),
            })),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_rules_equal_the_parsed_file() {
        // The fast path (the table build.rs generates) and the plain path (the TOML parse)
        // read the same rules.
        let parsed = RulesFile::parse(BUILTIN_RULES).unwrap();
        let generated = super::super::rule::builtin_rules_file();
        assert_eq!(generated, parsed);
        assert!(generated.rules.len() > 40);
    }

    /// An engine of the built-in rules made as the library path makes it: from the parsed
    /// TOML, every rule made up front.
    fn parsed_builtin_engine() -> Engine {
        let mut parts = Parts::default();
        parts
            .add_file(RulesFile::parse(BUILTIN_RULES).unwrap())
            .unwrap();
        parts.into_engine()
    }

    /// The built-in rules made one by one on first use (the fast path) are those an engine
    /// made from the parsed file has (the library path), global allowlists included; their
    /// ids, tags and keywords are known before any is made.
    #[test]
    fn built_in_rules_made_on_first_use_equal_the_parsed_ones() {
        let parsed = parsed_builtin_engine();
        assert_eq!(parsed.rules.len(), BUILTIN_RULE_COUNT);
        for (index, slot) in parsed.rules.iter().enumerate() {
            let parsed = slot.rule().unwrap();
            let made = make_builtin(index).unwrap();
            assert_eq!(made.shape(), parsed.shape());
            assert_eq!(builtin_rule_id(index), Some(parsed.id.as_str()));
            let lazy = Slot::Builtin(index);
            assert_eq!(lazy.id(), Some(parsed.id.as_str()));
            for tag in ["conversation", "other", ""] {
                let tags = [tag.to_owned()];
                assert_eq!(lazy.tagged(&tags), slot.tagged(&tags), "{tag}");
            }
            assert_eq!(lazy.has_keywords(), !parsed.keywords.is_empty());
        }
        assert!(
            parsed
                .rules
                .iter()
                .any(|slot| slot.tagged(&["conversation".to_owned()]))
        );
        assert_eq!(builtin_rule_id(BUILTIN_RULE_COUNT), None);
        assert!(make_builtin(BUILTIN_RULE_COUNT).is_none());

        let engine = builtin_engine().as_ref().unwrap();
        if !library_forced() {
            assert!(
                engine
                    .rules
                    .iter()
                    .all(|slot| matches!(slot, Slot::Builtin(_)))
            );
            let findings = Detector::new().find("export DB_PASSWORD=hunter22x");
            assert_eq!(findings.len(), 1);
            assert_eq!(findings[0].rule().as_str(), "password-assignment");
        }
        assert_eq!(engine.untargeted.len(), parsed.untargeted.len());
    }

    /// Every text of the per-rule data cases (tests/data/secrets.toml), `{{x*n}}` expanded.
    fn data_texts() -> Vec<String> {
        fn walk(value: &toml::Value, out: &mut Vec<String>) {
            match value {
                toml::Value::String(s) => out.push(s.clone()),
                toml::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
                toml::Value::Table(t) => t.values().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        fn expand(text: &str) -> String {
            let mut out = String::new();
            let mut rest = text;
            while let Some(start) = rest.find("{{") {
                let Some(len) = rest[start..].find("}}") else {
                    break;
                };
                let Some((unit, times)) = rest[start + 2..start + len].rsplit_once('*') else {
                    break;
                };
                out.push_str(&rest[..start]);
                out.push_str(&unit.repeat(times.parse().unwrap()));
                rest = &rest[start + len + 2..];
            }
            out.push_str(rest);
            out
        }
        let data: toml::Value =
            toml::from_str(include_str!("../../tests/data/secrets.toml")).unwrap();
        let mut texts = Vec::new();
        walk(&data, &mut texts);
        texts.iter().map(|t| expand(t)).collect()
    }

    fn detectors() -> Vec<Detector> {
        vec![
            Detector::new(),
            Detector::builder()
                .without_tag(crate::secrets::CONVERSATION_TAG)
                .build()
                .unwrap(),
        ]
    }

    #[test]
    fn fast_and_plain_paths_find_the_same_spans_in_the_data_cases() {
        let texts = data_texts();
        assert!(texts.len() > 200, "{} texts", texts.len());
        let joined = texts.join("\n");
        for detector in detectors() {
            for text in texts.iter().chain([&joined]) {
                same_keywords(&detector, text);
                assert_eq!(
                    detector.spans_by(text, Path::Fast),
                    detector.spans_by(text, Path::Plain),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn the_screen_holds_the_engines_keywords_and_runs() {
        let Ok(engine) = builtin_engine() else {
            panic!("the built-in rules build")
        };
        let Some(rules) = &BUILTIN_SCREEN else {
            panic!("every built-in rule without keywords needs a run")
        };
        assert_eq!(rules.len(), engine.rules.len());
        for (index, (run, slot)) in rules.iter().zip(&engine.rules).enumerate() {
            let rule = slot.rule().unwrap();
            let keywords: Vec<&str> = builtin_keyword_ids(index)
                .unwrap()
                .iter()
                .map(|&id| builtin_word(id).unwrap())
                .collect();
            assert_eq!(keywords, rule.keywords, "{}", rule.id);
            assert_eq!(*run, rule.run, "{}", rule.id);
        }
    }

    #[test]
    fn the_screen_clears_only_texts_without_secrets() {
        // The data cases, each with every byte-level case of its letters, and short pieces.
        let mut texts = data_texts();
        texts.extend(texts.clone().iter().map(|t| t.to_ascii_uppercase()));
        texts.extend(PIECES.iter().map(|p| (*p).to_owned()));
        let detector = Detector::new();
        let mut cleared = 0;
        for text in &texts {
            if screened(text) {
                cleared += 1;
                assert_eq!(detector.spans_by(text, Path::Plain), [], "{text:?}");
            }
        }
        // It is used: commands and prose without keywords are common.
        assert!(cleared > 20, "{cleared} of {} texts screened", texts.len());
        for text in [
            "git push --force origin main",
            "cd /home/user/project && git status --short && cargo test --workspace",
        ] {
            assert!(screened(text), "{text}");
        }
        for text in [
            "export DB_PASS=hunter22",
            "AKIAIOSFODNN7EXAMPLE",
            "x = 'Zm9vYmFyYmF6cXV4cXV1eHh5enp5eXh4d3c'",
            &"a".repeat(SCREEN_MAX_BYTES + 1),
        ] {
            assert!(!screened(text), "{text}");
        }
    }

    proptest::proptest! {
        /// The screen's word search finds what `memmem` finds, at the text's ends too.
        #[test]
        fn holds_is_memmem(text in "[ab-]{0,24}", word in "[ab-]{0,5}") {
            let found = memchr::memmem::find(text.as_bytes(), word.as_bytes()).is_some();
            proptest::prop_assert_eq!(holds(text.as_bytes(), word.as_bytes()), found);
        }
    }

    /// The keyword scan selects the same rules as the Aho-Corasick automata (NFA and DFA).
    fn same_keywords(detector: &Detector, text: &str) {
        let engine = detector.engine().unwrap();
        let scanned = engine.wanted_by(text, true, 0);
        assert_eq!(scanned, engine.wanted_by(text, false, 0), "{text:?}");
        assert_eq!(
            scanned,
            engine.wanted_by(text, false, DFA_AFTER_BYTES),
            "{text:?}"
        );
    }

    /// Pieces of texts near what the rules look for: keywords, assignments, references,
    /// tokens, non-ASCII.
    const PIECES: &[&str] = &[
        "password",
        "PASSWORD",
        "secret",
        "token",
        "api_key",
        "key",
        "auth",
        "pwd",
        "pass",
        " = ",
        ": ",
        "=",
        ":",
        "\"",
        "'",
        "\n",
        " ",
        "\t",
        "-p",
        "--password ",
        "mysql ",
        "curl -u ",
        "https://",
        "://",
        "@",
        "ghp_",
        "AKIA",
        "sk-",
        "xoxb-",
        "eyJ",
        ".",
        "_",
        "-----BEGIN ",
        "PRIVATE KEY-----",
        "AC",
        "SK",
        "os.environ[\"X\"]",
        "${X}",
        "$X",
        "hunter22",
        "Zq8nV3kP2mX7wL4rT9bY6cJ1",
        "a1B2c3D4e5F6g7H8i9J0",
        "0123456789abcdef",
        "xxxxxxxx",
        "[REDACTED:x]",
        "é",
        "ü",
        "<password>",
        "</password>",
        "bearer ",
        "Authorization: Basic ",
        "string",
        "get(token)",
        "max_tokens=128000",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn fast_and_plain_paths_find_the_same_spans(
            picks in proptest::collection::vec(0..PIECES.len(), 0..40),
            noise in "[ -~]{0,20}",
        ) {
            let mut text: String = picks.iter().map(|&i| PIECES[i]).collect();
            text.push_str(&noise);
            for detector in detectors() {
                same_keywords(&detector, &text);
                proptest::prop_assert_eq!(
                    detector.spans_by(&text, Path::Fast),
                    detector.spans_by(&text, Path::Plain)
                );
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// The keyword scan finds exactly the keywords a plain search finds, with keywords of
        /// one byte, keywords sharing their first two bytes, keywords inside others, and
        /// upper-case text.
        #[test]
        fn the_keyword_scan_finds_what_a_plain_search_finds(
            mut words in proptest::collection::vec("[abc_-]{1,4}", 1..12),
            text in "[abcABC_ -]{0,60}",
        ) {
            words.sort();
            words.dedup();
            let (found, expected) = scanned_and_searched(&words, &text);
            proptest::prop_assert_eq!(found, expected, "{:?} in {:?}", words, text);
        }
    }

    /// The prefilter build.rs generated for the built-in rules is the one an engine of them
    /// builds at run time (the library path), and the built-in engines take it.
    #[test]
    fn the_generated_prefilter_is_the_one_built_at_run_time() {
        let engine = parsed_builtin_engine();
        assert!(engine.rules.iter().all(|r| r.keyword_ids().is_none()));
        let (words, ids) = engine.number_keywords();
        assert_eq!(words, builtin_words().collect::<Vec<_>>());
        let generated_ids: Vec<&[u16]> = (0..engine.rules.len())
            .map(|rule| builtin_keyword_ids(rule).unwrap())
            .collect();
        assert_eq!(ids, ids_by_rule(generated_ids));
        assert_eq!(builtin_keyword_ids(engine.rules.len()), None);
        let built = KeywordScan::new(&words);
        let generated = KeywordScan::builtin();
        assert_eq!(built.rows, generated.rows);
        assert_eq!(built.cells, generated.cells);
        assert_eq!(built.lower, generated.lower);
        assert_eq!(built.by_pair, generated.by_pair);
        assert_eq!(built.singles, generated.singles);
        assert!(
            words.len() > 100 && built.lower.len() > 50,
            "{}",
            words.len()
        );

        // The built-in engine and the files' detector (some of its rules) take it.
        let files = Detector::builder()
            .without_tag(crate::secrets::CONVERSATION_TAG)
            .build()
            .unwrap();
        for detector in [Detector::new(), files] {
            let engine = detector.engine().unwrap();
            let generated = engine.rules.iter().all(|r| r.keyword_ids().is_some());
            assert_eq!(generated, !library_forced());
            let prefilter = engine.prefilter();
            assert_eq!(
                matches!(prefilter.scan.cells, Cow::Borrowed(_)),
                !library_forced()
            );
            // Every rule is found by each of its keywords, and only by them.
            for (index, rule) in engine.rules.iter().enumerate() {
                for (w, word) in prefilter.words.iter().enumerate() {
                    let owns = prefilter.owners_of(w).contains(&index);
                    let keywords = &rule.rule().unwrap().keywords;
                    assert_eq!(owns, keywords.iter().any(|k| k == word), "{word}");
                }
            }
        }
    }

    /// The keywords (indexes) the scan finds in `text`, and those a plain search finds.
    fn scanned_and_searched(words: &[String], text: &str) -> (Vec<usize>, Vec<usize>) {
        let scan = KeywordScan::new(words);
        let mut found = Vec::new();
        scan.find(words, text.as_bytes(), |w| found.push(w));
        found.sort_unstable();
        let lower = text.to_ascii_lowercase();
        let expected = (0..words.len())
            .filter(|&w| lower.contains(words[w].as_str()))
            .collect();
        (found, expected)
    }

    /// Many keywords: pairs of every byte value, keywords of every length, many of them
    /// sharing their first two bytes.
    #[test]
    fn the_keyword_scan_finds_what_a_plain_search_finds_with_many_keywords() {
        let mut words: Vec<String> = (0_u32..3000)
            .map(|i| {
                let [a, b, c, d] = i.wrapping_mul(2_654_435_761).to_le_bytes();
                let len = 1 + (i % 5) as usize;
                [a, b, c, d, b'z']
                    .iter()
                    .take(len)
                    .map(|&x| char::from(b'!' + x % 94).to_ascii_lowercase())
                    .collect()
            })
            .collect();
        words.sort();
        words.dedup();
        let text: String = (0_u32..20_000)
            .map(|i| char::from(b'!' + (i.wrapping_mul(40_503) >> 7) as u8 % 94))
            .collect();
        let (found, expected) = scanned_and_searched(&words, &text);
        assert!(expected.len() > 100, "{} found", expected.len());
        assert_eq!(found, expected);
    }

    /// The figures behind choosing the keyword scan over the Aho-Corasick automata (not a
    /// check: timings), printed by `cargo test --release -p metalayer-bridge --lib
    /// keyword_finders_timing -- --ignored --nocapture`.
    #[test]
    #[ignore = "prints timings"]
    #[allow(clippy::print_stdout, clippy::cast_precision_loss)]
    fn keyword_finders_timing() {
        let mut code = String::new();
        let mut i = 0;
        while code.len() < 10 * 1024 {
            code.push_str(&format!(
                "export function handler{i}(req: Request, key: string): Response {{\n  \
                 const token = req.headers.get(\"authorization\");\n  \
                 return cache.get(`user:${{key}}:{i}`) ?? fetchUser(token, {i});\n}}\n\n"
            ));
            i += 1;
        }
        let prose = "I looked at the failing test and the problem is in the parser: it reads \
                     the header twice when the file ends without a newline. I will fix it and \
                     run the suite again. "
            .repeat(60);
        let detector = Detector::new();
        let engine = detector.engine().unwrap();
        for (name, text) in [
            ("code 10 KB", code.as_str()),
            ("code 300 B", &code[..300]),
            ("prose 10 KB", prose.as_str()),
            ("prose 1 KB", &prose[..1000]),
            ("prose 100 B", &prose[..100]),
        ] {
            let rounds = (2_000_000 / text.len()).max(10);
            for (finder, scan, searched) in [
                ("scan", true, 0),
                ("NFA", false, 0),
                ("DFA", false, DFA_AFTER_BYTES),
            ] {
                let _ = engine.wanted_by(text, scan, searched);
                let start = std::time::Instant::now();
                for _ in 0..rounds {
                    std::hint::black_box(engine.wanted_by(
                        std::hint::black_box(text),
                        scan,
                        searched,
                    ));
                }
                let ns = start.elapsed().as_nanos() as f64 / rounds as f64;
                println!(
                    "{name:12} {finder:5} {ns:9.0} ns {:5.2} ns/byte",
                    ns / text.len() as f64
                );
            }
        }
    }

    #[test]
    fn builtin_rules_parse_and_compile() {
        Detector::check_builtin().unwrap();
        let detector = Detector::new();
        let ids: Vec<&str> = detector.rule_ids().map(RuleId::as_str).collect();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(ids.len(), unique.len(), "duplicate built-in ids");
    }

    #[test]
    fn overlapping_findings_merge_under_the_first_rule() {
        let token = format!("ghp_{}", "a1B2".repeat(9));
        let text = format!("GITHUB_TOKEN={token} next");
        let findings = Detector::new().find(&text);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule().as_str(), "github-token");
        assert_eq!(&text[findings[0].span()], token);
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "é\nàé AKIAIOSFODNN7EXAMPLE\nx AKIAIOSFODNN7EXAMPL2";
        let findings = Detector::new().find(text);
        let at: Vec<(usize, usize)> = findings.iter().map(|f| (f.line(), f.column())).collect();
        assert_eq!(at, vec![(2, 4), (3, 3)]);
        assert_eq!(findings[0].masked(), "AKIA********");
        assert_eq!(
            findings[0].to_string(),
            "aws-access-key at line 2, column 4: AKIA********"
        );
    }

    #[test]
    fn masks_never_hold_the_secret() {
        assert_eq!(mask("hunter22"), "********");
        assert_eq!(mask(&"x".repeat(40)), "xxxx********");
    }

    #[test]
    fn builder_errors() {
        let err = Detector::builder()
            .rule(Rule::new("bad", "(unclosed"))
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("`bad`"));
        assert!(std::error::Error::source(&err).is_some());
        assert!(matches!(
            Detector::builder().rules_toml("[[rules]]\nid = 1"),
            Err(RedactError::InvalidRules { .. })
        ));
        assert!(matches!(
            Detector::builder()
                .rules_toml("[[allowlists]]\ntargetRules = [\"nope\"]\nregexes = [\"x\"]")
                .and_then(DetectorBuilder::build),
            Err(RedactError::UnknownRule { .. })
        ));
    }

    #[test]
    fn without_leaves_rules_out() {
        let text = "id AKIAIOSFODNN7EXAMPLE";
        let d = Detector::builder()
            .without("aws-access-key")
            .build()
            .unwrap();
        assert!(d.find(text).is_empty());
        assert!(d.rule_ids().all(|id| id.as_str() != "aws-access-key"));
        let none = Detector::builder().builtin(false).build().unwrap();
        assert_eq!(none.redact(text), text);
    }
}
