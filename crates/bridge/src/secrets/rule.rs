//! Secret rules as data, in gitleaks' rule shape, and their compiled form.
//!
//! The TOML model is serde's; regexes are compiled on first use (one `OnceLock` per rule and
//! per allowlist), so a process that never meets a keyword of a rule never compiles it.

use std::fmt;
use std::sync::{Arc, OnceLock};

use regex_automata::Input;
use regex_automata::dfa::{Automaton, dense};
use regex_automata::meta::Regex;
use regex_automata::util::syntax;
use serde::Deserialize;

use super::assign::Assignment;
use super::detector::Path;
use crate::error::RedactError;

/// The id of a secret rule (`github-token`, `password-assignment`, ...), shown in place of a
/// redacted secret: `[REDACTED:<id>]`. Cheap to clone.
///
/// ```
/// use metalayer_bridge::secrets::RuleId;
///
/// let id = RuleId::new("github-token");
/// assert_eq!(id.as_str(), "github-token");
/// assert_eq!(id.to_string(), "github-token");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(Arc<str>);

impl RuleId {
    /// Wraps an id.
    #[must_use]
    pub fn new(id: &str) -> Self {
        Self(Arc::from(id))
    }

    /// The id as written in the rules file.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for RuleId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// What an allowlist's regexes are matched against (gitleaks' `regexTarget`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum AllowTarget {
    /// The secret alone (the default).
    #[default]
    Secret,
    /// The whole match of the rule's regex.
    Match,
    /// The line (or lines) the match is on.
    Line,
}

/// Matches that are not secrets, for one rule or (in a rules file's `[[allowlists]]`) for
/// several: a match is allowed when one of the `regexes` matches the [`AllowTarget`] or the
/// secret contains one of the `stopwords` (case-insensitive).
///
/// ```
/// use metalayer_bridge::secrets::{Allowlist, AllowTarget, Detector, Rule};
///
/// let rule = Rule::new("ticket", r"TICKET-([0-9]{6})")
///     .with_allowlist(Allowlist::new().with_regex(r"\A0+\z"));
/// let detector = Detector::builder().builtin(false).rule(rule).build()?;
/// assert_eq!(detector.find("see TICKET-123456").len(), 1);
/// assert!(detector.find("see TICKET-000000").is_empty());
/// # let _ = AllowTarget::Match;
/// # Ok::<(), metalayer_bridge::RedactError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Allowlist {
    /// What the allowlist is for.
    #[serde(default)]
    pub description: String,
    /// What the regexes are matched against.
    #[serde(default)]
    pub regex_target: AllowTarget,
    /// Regexes (Rust dialect); any one matching allows the match.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// Words; a secret containing any of them (case-insensitive) is allowed.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// In a file's global `[[allowlists]]`: the rules it applies to (all when empty).
    #[serde(default)]
    pub target_rules: Vec<String>,
}

impl Allowlist {
    /// An empty allowlist (allows nothing), targeting the secret.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a regex.
    #[must_use]
    pub fn with_regex(mut self, regex: &str) -> Self {
        self.regexes.push(regex.to_owned());
        self
    }

    /// Adds a stopword.
    #[must_use]
    pub fn with_stopword(mut self, word: &str) -> Self {
        self.stopwords.push(word.to_owned());
        self
    }

    /// Sets what the regexes are matched against.
    #[must_use]
    pub fn with_target(mut self, target: AllowTarget) -> Self {
        self.regex_target = target;
        self
    }
}

/// One secret rule, in gitleaks' shape: `id`, `description`, `regex`, `keywords`,
/// `secretGroup`, `entropy`, `allowlists` (the older single `allowlist` table is read too;
/// `tags` are kept).
///
/// The secret is the capture group `secretGroup` when it is set (non-zero), else the first
/// capture group that took part in the match, else the whole match. A rule with keywords
/// runs only on texts that contain one of them (ASCII case-insensitive); a rule without
/// keywords runs on every text.
///
/// ```
/// use metalayer_bridge::secrets::{Detector, Rule};
///
/// let rule = Rule::new("acme-key", r"acme_(?:live|test)_([A-Za-z0-9]{20})")
///     .with_keywords(["acme_"])
///     .with_entropy(3.0);
/// let detector = Detector::builder().rule(rule).build()?;
/// let text = format!("use acme_live_{}", "a1B2c3D4e5".repeat(2));
/// assert_eq!(detector.redact(&text), "use acme_live_[REDACTED:acme-key]");
/// // Too regular to be a secret.
/// assert_eq!(detector.redact("acme_test_aaaaaaaaaaaaaaaaaaaa"), "acme_test_aaaaaaaaaaaaaaaaaaaa");
/// # Ok::<(), metalayer_bridge::RedactError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Rule {
    /// The id, shown in redactions and findings.
    pub id: String,
    /// What the rule finds.
    #[serde(default)]
    pub description: String,
    /// The regex (Rust dialect).
    pub regex: String,
    /// Literals, one of which a text must contain for the rule to run (case-insensitive).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The capture group holding the secret (0: the first group that took part, else the
    /// whole match).
    #[serde(default)]
    pub secret_group: usize,
    /// The least Shannon entropy (bits per character) a secret must have.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// gitleaks' older single allowlist table.
    #[serde(default)]
    pub allowlist: Option<Allowlist>,
    /// Matches that are not secrets.
    #[serde(default)]
    pub allowlists: Vec<Allowlist>,
    /// Free-form tags.
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Rule {
    /// A rule with an id and a regex, no keywords (it runs on every text), the default
    /// secret group, no entropy threshold and no allowlist.
    #[must_use]
    pub fn new(id: &str, regex: &str) -> Self {
        Self {
            id: id.to_owned(),
            description: String::new(),
            regex: regex.to_owned(),
            keywords: Vec::new(),
            secret_group: 0,
            entropy: None,
            allowlist: None,
            allowlists: Vec::new(),
            tags: Vec::new(),
        }
    }

    /// Sets the description.
    #[must_use]
    pub fn with_description(mut self, description: &str) -> Self {
        self.description = description.to_owned();
        self
    }

    /// Adds keywords.
    #[must_use]
    pub fn with_keywords<I, S>(mut self, keywords: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.keywords
            .extend(keywords.into_iter().map(|k| k.as_ref().to_owned()));
        self
    }

    /// Sets the secret group.
    #[must_use]
    pub fn with_secret_group(mut self, group: usize) -> Self {
        self.secret_group = group;
        self
    }

    /// Sets the entropy threshold.
    #[must_use]
    pub fn with_entropy(mut self, bits_per_char: f64) -> Self {
        self.entropy = Some(bits_per_char);
        self
    }

    /// Adds an allowlist.
    #[must_use]
    pub fn with_allowlist(mut self, allowlist: Allowlist) -> Self {
        self.allowlists.push(allowlist);
        self
    }
}

/// A rules file: `[[rules]]` and global `[[allowlists]]` (or gitleaks' older `[allowlist]`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RulesFile {
    /// gitleaks files carry a title; it is read and ignored (compared by the tests only).
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    pub(crate) rules: Vec<Rule>,
    #[serde(default)]
    allowlist: Option<Allowlist>,
    #[serde(default)]
    allowlists: Vec<Allowlist>,
}

impl RulesFile {
    /// Parses a rules file.
    pub(crate) fn parse(text: &str) -> Result<Self, RedactError> {
        toml::from_str(text).map_err(|e| RedactError::InvalidRules {
            source: Box::new(e),
        })
    }

    /// The rules and the global allowlists (the older single table first).
    pub(crate) fn into_parts(self) -> (Vec<Rule>, impl Iterator<Item = Allowlist>) {
        (
            self.rules,
            self.allowlist.into_iter().chain(self.allowlists),
        )
    }
}

// `builtin_rules_file()`: the built-in rules file as Rust code, generated by build.rs from
// rules.toml (see there why).
include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Bytes aligned for `dense::DFA::from_bytes` (state ids are `u32`).
#[derive(Debug)]
#[repr(C)]
pub(crate) struct AlignedDfa<B: ?Sized> {
    _align: [u32; 0],
    bytes: B,
}

/// One precompiled entry: the patterns, whether its DFAs answer exactly (else they are a
/// rule's gate: built from a prefix of its regex, they match wherever the regex does), and the
/// DFAs (the patterns match where any of them does).
type Precompiled = (
    &'static [&'static str],
    bool,
    &'static [&'static AlignedDfa<[u8]>],
);

// `PRECOMPILED_DFAS`: the match-only DFAs of the built-in rules' regexes (or of a prefix) and
// allowlists, built and serialized by build.rs (see there why).
include!(concat!(env!("OUT_DIR"), "/precompiled_dfas.rs"));

// `MIN_RUNS`: for the built-in rules without keywords whose every match is a run of bytes of
// one ASCII set, the set and the shortest run (see build.rs why).
include!(concat!(env!("OUT_DIR"), "/min_runs.rs"));

// `REQUIRED_LITERALS`: per built-in rule, literals one of which every match contains,
// ignoring case (build.rs derives them from the regex; see there why).
include!(concat!(env!("OUT_DIR"), "/required_literals.rs"));

/// The literals one of which every match of `pattern` contains, when build.rs found them.
fn required_literals(pattern: &str) -> Option<&'static [&'static str]> {
    REQUIRED_LITERALS
        .iter()
        .find(|(p, _)| *p == pattern)
        .map(|(_, literals)| *literals)
}

/// `text` lowered as build.rs folds the patterns it takes literals from: ASCII letters to
/// lower case, `ſ` to `s` and the Kelvin sign to `k` (Unicode case folding puts them in the
/// classes of `s` and `k`).
pub(crate) fn lower_for_literals(text: &str) -> Vec<u8> {
    // A byte-wise pass (which the compiler vectorises) lowers the ASCII letters and leaves
    // every other byte alone. Positions are never read from the result, only which literals
    // it holds, so `ſ` and the Kelvin sign are folded in a second pass, only when there is one
    // (a char-by-char pass whenever the text held any 0xC5 or 0xE2 lead byte, as `…` and `→`
    // do, cost 40 µs on 10 KB of this repository's code, more than all the rules).
    let mut out = text.as_bytes().to_vec();
    for b in &mut out {
        *b |= u8::from(b.is_ascii_uppercase()) << 5;
    }
    const LONG_S: &[u8] = "\u{17F}".as_bytes();
    const KELVIN: &[u8] = "\u{212A}".as_bytes();
    if memchr::memmem::find(&out, LONG_S).is_none() && memchr::memmem::find(&out, KELVIN).is_none()
    {
        return out;
    }
    let mut folded = Vec::with_capacity(out.len());
    let mut rest = out.as_slice();
    while let Some((&first, tail)) = rest.split_first() {
        if rest.starts_with(LONG_S) {
            folded.push(b's');
            rest = rest.get(LONG_S.len()..).unwrap_or_default();
        } else if rest.starts_with(KELVIN) {
            folded.push(b'k');
            rest = rest.get(KELVIN.len()..).unwrap_or_default();
        } else {
            folded.push(first);
            rest = tail;
        }
    }
    folded
}

/// The run a match of `pattern` needs (its bytes as a 256-bit set, its shortest length), when
/// build.rs derived one.
fn min_run(pattern: &str) -> Option<([u64; 4], usize)> {
    MIN_RUNS
        .iter()
        .find(|(p, _, _)| *p == pattern)
        .map(|(_, set, min)| (*set, *min))
}

/// Whether `text` holds `min` or more consecutive bytes of `set`.
///
/// Looks at the last byte of each window of `min` bytes first: where it is not in `set`, no
/// run can cover it and the window moves past it (about one byte in `min` is read in text
/// without long runs); where it is, the bytes before it are checked back to the first one not
/// known to be in `set`.
pub(crate) fn has_run(text: &[u8], set: &[u64; 4], min: usize) -> bool {
    if min <= 1 {
        return has_run_plain(text, set, min);
    }
    let member = |at: usize| {
        text.get(at).is_some_and(|&b| {
            set.get(usize::from(b) / 64)
                .is_some_and(|word| word & (1 << (b % 64)) != 0)
        })
    };
    // The window is `start..start + min`; its first `good` bytes are known to be in `set`.
    let mut start = 0_usize;
    let mut good = 0_usize;
    loop {
        let last = start + min - 1;
        if last >= text.len() {
            return false;
        }
        if !member(last) {
            start = last + 1;
            good = 0;
            continue;
        }
        let known = start + good;
        match (known..last).rev().find(|&at| !member(at)) {
            None => return true,
            Some(miss) => {
                good = last - miss;
                start = miss + 1;
            }
        }
    }
}

/// [`has_run`] byte by byte (the reference its property test compares with).
fn has_run_plain(text: &[u8], set: &[u64; 4], min: usize) -> bool {
    let mut run = 0_usize;
    for &b in text {
        let member = set
            .get(usize::from(b) / 64)
            .is_some_and(|word| word & (1 << (b % 64)) != 0);
        if member {
            run += 1;
            if run >= min {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// A DFA read from bytes build.rs embedded.
type StaticDfa = dense::DFA<&'static [u32]>;

/// Match-only DFAs precompiled by build.rs, each loaded (without copying) when first asked:
/// the patterns match where any of them does.
#[derive(Debug)]
struct Dfas {
    parts: &'static [&'static AlignedDfa<[u8]>],
    /// Each part once loaded; boxed, since most parts of most rules are never loaded and
    /// a DFA's header is some 600 bytes of heap a fresh process would touch for nothing.
    loaded: Vec<OnceLock<Option<Box<StaticDfa>>>>,
    /// Whether they answer for the patterns exactly (else only "no match" is sure).
    exact: bool,
}

impl Dfas {
    /// Whether part `part` matches somewhere in `haystack` (loading it first); `None` when it
    /// cannot tell (it does not load, or it gave up on a non-ASCII byte next to a Unicode
    /// `\b`).
    fn part_is_match(&self, part: usize, haystack: &str) -> Option<bool> {
        let aligned = self.parts.get(part)?;
        let dfa = self.loaded.get(part)?.get_or_init(|| {
            dense::DFA::from_bytes(&aligned.bytes)
                .ok()
                .map(|(dfa, _)| Box::new(dfa))
        });
        let input = Input::new(haystack).earliest(true);
        dfa.as_ref()?
            .try_search_fwd(&input)
            .ok()
            .map(|found| found.is_some())
    }
}

/// The precompiled DFAs of exactly these patterns (compiled as [`compile_many`] compiles
/// them), `None` when build.rs made none or on the library path.
fn precompiled<P: AsRef<str>>(patterns: &[P]) -> Option<Dfas> {
    if super::detector::library_forced() {
        return None;
    }
    load_precompiled(patterns)
}

/// The precompiled DFAs of exactly these patterns, whatever the environment says.
fn load_precompiled<P: AsRef<str>>(patterns: &[P]) -> Option<Dfas> {
    let (_, exact, parts) = PRECOMPILED_DFAS.iter().find(|(known, _, _)| {
        known.len() == patterns.len() && known.iter().zip(patterns).all(|(k, p)| *k == p.as_ref())
    })?;
    Some(Dfas {
        parts,
        loaded: parts.iter().map(|_| OnceLock::new()).collect(),
        exact: *exact,
    })
}

/// Whether `dfas` match somewhere in `haystack`, loading them one by one until one says yes;
/// `None` when one of them cannot tell (it does not load, or it gave up on a non-ASCII byte
/// next to a Unicode `\b`) and none said yes.
fn dfa_is_match(dfas: &Dfas, haystack: &str) -> Option<bool> {
    let mut unsure = false;
    for part in 0..dfas.parts.len() {
        match dfas.part_is_match(part, haystack) {
            Some(true) => return Some(true),
            Some(false) => {}
            None => unsure = true,
        }
    }
    (!unsure).then_some(false)
}

/// Compiles a pattern: ASCII-only classes and word boundaries when the pattern allows it
/// (the fast DFA path), Unicode otherwise (negated classes such as `[^\s]` or `.` must not
/// split a UTF-8 character).
pub(crate) fn compile(pattern: &str) -> Result<Regex, Box<regex_automata::meta::BuildError>> {
    compile_many(&[pattern])
}

/// Compiles several patterns into one regex that matches when any of them does.
fn compile_many<P: AsRef<str>>(
    patterns: &[P],
) -> Result<Regex, Box<regex_automata::meta::BuildError>> {
    let build = |unicode: bool| {
        Regex::builder()
            .syntax(syntax::Config::new().unicode(unicode))
            .build_many(patterns)
            .map_err(Box::new)
    };
    build(false).or_else(|_| build(true))
}

/// An allowlist with its regexes compiled on first use.
#[derive(Debug)]
pub(crate) struct CompiledAllowlist {
    target: AllowTarget,
    patterns: Vec<String>,
    regex: OnceLock<Option<Regex>>,
    /// The precompiled DFAs of the patterns (an exact `is_match`), looked up on first use.
    dfa: OnceLock<Option<Dfas>>,
    /// The sizes of its exact precompiled DFAs, one per part (loading one validates it);
    /// empty when there are none (then a check compiles the regexes).
    part_bytes: Vec<usize>,
    stopwords: Vec<String>,
}

impl CompiledAllowlist {
    /// What it was made from, without what is made on first use (for the tests).
    #[cfg(test)]
    pub(crate) fn shape(&self) -> String {
        format!(
            "{:?} {:?} {:?} {:?}",
            self.target, self.patterns, self.part_bytes, self.stopwords
        )
    }

    pub(crate) fn new(allowlist: Allowlist) -> Self {
        let part_bytes = load_precompiled(&allowlist.regexes)
            .filter(|d| d.exact)
            .map(|d| d.parts.iter().map(|p| p.bytes.len()).collect())
            .unwrap_or_default();
        let mut stopwords = allowlist.stopwords;
        stopwords.iter_mut().for_each(|w| w.make_ascii_lowercase());
        Self {
            target: allowlist.regex_target,
            patterns: allowlist.regexes,
            regex: OnceLock::new(),
            dfa: OnceLock::new(),
            part_bytes,
            stopwords,
        }
    }

    /// Compiles now, to report a bad regex at build time.
    pub(crate) fn validate(&self, rule: Option<&str>) -> Result<(), RedactError> {
        if self.patterns.is_empty() {
            return Ok(());
        }
        match compile_many(&self.patterns) {
            Ok(regex) => {
                let _ = self.regex.set(Some(regex));
                Ok(())
            }
            Err(e) => Err(RedactError::InvalidAllowlist {
                rule: rule.map(str::to_owned),
                patterns: self.patterns.join(" | "),
                source: e,
            }),
        }
    }

    fn regex(&self) -> Option<&Regex> {
        if self.patterns.is_empty() {
            return None;
        }
        self.regex
            .get_or_init(|| compile_many(&self.patterns).ok())
            .as_ref()
    }

    /// Whether this allowlist allows a match.
    pub(crate) fn allows(&self, found: &Found<'_>, path: Path) -> bool {
        if self.stopped(found.secret) {
            return true;
        }
        if self.patterns.is_empty() {
            return false;
        }
        let haystack = found.target(self.target);
        if path == Path::Fast
            && let Some(dfas) = self.dfas()
            && let Some(yes) = dfa_is_match(dfas, haystack)
        {
            return yes;
        }
        self.regex().is_some_and(|regex| regex.is_match(haystack))
    }

    /// Whether one of its stopwords is in `secret`.
    fn stopped(&self, secret: &str) -> bool {
        if self.stopwords.is_empty() {
            return false;
        }
        let lower = secret.to_ascii_lowercase();
        self.stopwords.iter().any(|w| lower.contains(w.as_str()))
    }

    /// Its exact precompiled DFAs (looked up on first use; `None` on the library path).
    fn dfas(&self) -> Option<&Dfas> {
        self.dfa
            .get_or_init(|| precompiled(&self.patterns).filter(|d| d.exact))
            .as_ref()
    }
}

/// A match of a rule, in the three shapes an allowlist may look at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found<'t> {
    /// The secret (the rule's secret group).
    pub(crate) secret: &'t str,
    /// The whole match.
    pub(crate) whole: &'t str,
    /// The lines the match is on.
    pub(crate) line: &'t str,
}

impl<'t> Found<'t> {
    fn target(&self, target: AllowTarget) -> &'t str {
        match target {
            AllowTarget::Secret => self.secret,
            AllowTarget::Match => self.whole,
            AllowTarget::Line => self.line,
        }
    }
}

/// A rule with its regex compiled on first use and its allowlists (its own and the global
/// ones that target it).
#[derive(Debug)]
pub(crate) struct CompiledRule {
    pub(crate) id: RuleId,
    pub(crate) keywords: Vec<String>,
    pattern: String,
    regex: OnceLock<Option<Regex>>,
    /// The precompiled DFA of the pattern or of a prefix of it (a gate: no match, no
    /// finding), looked up on first use.
    gate: OnceLock<Option<Dfas>>,
    /// The run of bytes every match is (build.rs derived it): a text without one is skipped
    /// before the DFA is even loaded.
    pub(crate) run: Option<([u64; 4], usize)>,
    /// Literals one of which every match contains, ignoring case (build.rs derived them): a
    /// text without any is skipped before the DFA is even loaded.
    literals: Option<&'static [&'static str]>,
    /// The hand-written matcher of exactly this pattern, when there is one (the fast path).
    assignment: Option<Assignment>,
    pub(crate) secret_group: usize,
    pub(crate) entropy: Option<f64>,
    pub(crate) allowlists: Vec<Arc<CompiledAllowlist>>,
    /// The precompiled DFAs of all its allowlists, smallest first, as (allowlist, part):
    /// the fast path tries them in this order, so that a match allowed by a small DFA never
    /// loads a large one (see [`Self::order_allowlists`]); made on the first check, since
    /// most rules of a scan never reach their allowlists.
    allow_order: OnceLock<Vec<(usize, usize)>>,
    pub(crate) tags: Vec<String>,
}

impl CompiledRule {
    /// Checks the parts that need no compilation (taking the rule's strings, not copying
    /// them: a hook process builds every built-in rule).
    pub(crate) fn new(rule: Rule) -> Result<Self, RedactError> {
        let Rule {
            id,
            regex,
            mut keywords,
            secret_group,
            entropy,
            allowlist,
            allowlists,
            tags,
            ..
        } = rule;
        if id.trim().is_empty() {
            return Err(RedactError::MissingId { regex });
        }
        if let Some(entropy) = entropy
            && !(entropy.is_finite() && entropy >= 0.0)
        {
            return Err(RedactError::InvalidEntropy { name: id, entropy });
        }
        let allowlists = allowlist
            .into_iter()
            .chain(allowlists)
            .map(|a| Arc::new(CompiledAllowlist::new(a)))
            .collect();
        keywords.retain(|k| !k.is_empty());
        keywords.iter_mut().for_each(|k| k.make_ascii_lowercase());
        Ok(Self {
            id: RuleId::new(&id),
            keywords,
            run: min_run(&regex),
            literals: required_literals(&regex),
            assignment: Assignment::for_pattern(&regex),
            pattern: regex,
            regex: OnceLock::new(),
            gate: OnceLock::new(),
            secret_group,
            entropy,
            allowlists,
            allow_order: OnceLock::new(),
            tags,
        })
    }

    /// What it was made from, without what is made on first use (for the tests).
    #[cfg(test)]
    pub(crate) fn shape(&self) -> String {
        let allowlists: Vec<String> = self.allowlists.iter().map(|a| a.shape()).collect();
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {} {:?} {:?} {allowlists:?}",
            self.id,
            self.keywords,
            self.pattern,
            self.run,
            self.literals,
            self.assignment,
            self.secret_group,
            self.entropy,
            self.tags,
        )
    }

    /// Compiles the regex and the allowlists now, to report errors at build time.
    pub(crate) fn validate(&self) -> Result<(), RedactError> {
        let regex = compile(&self.pattern).map_err(|e| RedactError::InvalidPattern {
            name: self.id.to_string(),
            pattern: self.pattern.clone(),
            source: e,
        })?;
        let groups = regex
            .group_info()
            .group_len(regex_automata::PatternID::ZERO);
        if self.secret_group >= groups.max(1) && self.secret_group != 0 {
            return Err(RedactError::SecretGroup {
                name: self.id.to_string(),
                group: self.secret_group,
                groups: groups.saturating_sub(1),
            });
        }
        let _ = self.regex.set(Some(regex));
        for allowlist in &self.allowlists {
            allowlist.validate(Some(self.id.as_str()))?;
        }
        Ok(())
    }

    /// Whether the rule's regex may match `text`: false only when the text lacks the run of
    /// bytes every match is, or when its precompiled DFA finds no match there (then the regex
    /// is not even compiled).
    pub(crate) fn may_match<'t>(&self, text: &str, lowered: impl FnOnce() -> &'t [u8]) -> bool {
        if let Some((set, min)) = &self.run
            && !has_run(text.as_bytes(), set, *min)
        {
            return false;
        }
        if let Some(literals) = self.literals {
            let lowered = lowered();
            if !literals
                .iter()
                .any(|l| memchr::memmem::find(lowered, l.as_bytes()).is_some())
            {
                return false;
            }
        }
        match self.gate.get_or_init(|| precompiled(&[&self.pattern])) {
            Some(dfa) => dfa_is_match(dfa, text).unwrap_or(true),
            None => true,
        }
    }

    /// The order the fast path checks the allowlists in (they are all known once the rule
    /// is in an engine): every precompiled DFA of every allowlist by size (loading validates
    /// the whole DFA, so size is what a first check costs). A match is allowed when any of
    /// them matches, so the order changes the cost, never the answer.
    fn order_allowlists(&self) -> Vec<(usize, usize)> {
        let mut order: Vec<(usize, usize, usize)> = self
            .allowlists
            .iter()
            .enumerate()
            .flat_map(|(list, a)| {
                a.part_bytes
                    .iter()
                    .enumerate()
                    .map(move |(part, &bytes)| (bytes, list, part))
            })
            .collect();
        order.sort_unstable();
        order
            .into_iter()
            .map(|(_, list, part)| (list, part))
            .collect()
    }

    /// Whether one of its allowlists looks at the lines around a match.
    pub(crate) fn reads_lines(&self) -> bool {
        self.allowlists
            .iter()
            .any(|a| a.target == AllowTarget::Line && !a.patterns.is_empty())
    }

    /// Whether one of its allowlists allows `found`.
    pub(crate) fn allowed(&self, found: &Found<'_>, path: Path) -> bool {
        if path == Path::Plain {
            return self.allowlists.iter().any(|a| a.allows(found, path));
        }
        if self.allowlists.iter().any(|a| a.stopped(found.secret)) {
            return true;
        }
        // Allowlists a DFA part could not answer for, as a bit set (`unsure_many` past 64).
        let mut unsure = 0_u64;
        let mut unsure_many: Vec<usize> = Vec::new();
        for &(list, part) in self.allow_order.get_or_init(|| self.order_allowlists()) {
            let Some(allowlist) = self.allowlists.get(list) else {
                continue;
            };
            let Some(dfas) = allowlist.dfas() else {
                // The library path was forced after the order was made.
                return self.allowlists.iter().any(|a| a.allows(found, Path::Plain));
            };
            match dfas.part_is_match(part, found.target(allowlist.target)) {
                Some(true) => return true,
                Some(false) => {}
                None if list < 64 => unsure |= 1 << list,
                None => unsure_many.push(list),
            }
        }
        self.allowlists.iter().enumerate().any(|(list, a)| {
            let was_unsure = if list < 64 {
                unsure & (1 << list) != 0
            } else {
                unsure_many.contains(&list)
            };
            let answered = !a.part_bytes.is_empty() && !was_unsure;
            !answered
                && !a.patterns.is_empty()
                && a.regex()
                    .is_some_and(|regex| regex.is_match(found.target(a.target)))
        })
    }

    /// The hand-written matcher that stands for the regex on the fast path, if any.
    pub(crate) fn assignment(&self) -> Option<Assignment> {
        self.assignment
    }

    /// The regex, compiled on first use (`None` when it does not compile).
    pub(crate) fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| compile(&self.pattern).ok())
            .as_ref()
    }
}

/// Shannon entropy of `text` in bits per character.
///
/// ```
/// use metalayer_bridge::secrets::shannon_entropy;
///
/// assert_eq!(shannon_entropy(""), 0.0);
/// assert_eq!(shannon_entropy("aaaa"), 0.0);
/// assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
/// ```
#[must_use]
pub fn shannon_entropy(text: &str) -> f64 {
    let mut ascii = [0_u32; 128];
    let mut other: Vec<(char, u32)> = Vec::new();
    let mut total = 0_u32;
    for c in text.chars() {
        total = total.saturating_add(1);
        match ascii.get_mut(c as usize) {
            Some(slot) => *slot = slot.saturating_add(1),
            None => match other.iter_mut().find(|(k, _)| *k == c) {
                Some((_, n)) => *n = n.saturating_add(1),
                None => other.push((c, 1)),
            },
        }
    }
    if total == 0 {
        return 0.0;
    }
    let total = f64::from(total);
    ascii
        .iter()
        .copied()
        .chain(other.iter().map(|&(_, n)| n))
        .filter(|&n| n > 0)
        .map(|n| {
            let p = f64::from(n) / total;
            -p * libm::log2(p)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn entropy_values() {
        assert!((shannon_entropy("ab") - 1.0).abs() < 1e-9);
        assert!((shannon_entropy("éaéa") - 1.0).abs() < 1e-9);
        assert!(shannon_entropy("hunter22") > 2.5);
    }

    #[test]
    fn rules_are_checked() {
        assert!(matches!(
            CompiledRule::new(Rule::new(" ", "x")),
            Err(RedactError::MissingId { .. })
        ));
        assert!(matches!(
            CompiledRule::new(Rule::new("a", "x").with_entropy(f64::NAN)),
            Err(RedactError::InvalidEntropy { .. })
        ));
        let bad_group = CompiledRule::new(Rule::new("a", "(x)").with_secret_group(2)).unwrap();
        assert!(matches!(
            bad_group.validate(),
            Err(RedactError::SecretGroup {
                group: 2,
                groups: 1,
                ..
            })
        ));
        let bad_allow =
            CompiledRule::new(Rule::new("a", "x").with_allowlist(Allowlist::new().with_regex("(")))
                .unwrap();
        assert!(matches!(
            bad_allow.validate(),
            Err(RedactError::InvalidAllowlist { .. })
        ));
    }

    #[test]
    fn runs_are_derived_and_hold() {
        let file = RulesFile::parse(crate::secrets::BUILTIN_RULES).unwrap();
        let with_runs: Vec<(&Rule, [u64; 4], usize)> = file
            .rules
            .iter()
            .filter_map(|r| min_run(&r.regex).map(|(set, min)| (r, set, min)))
            .collect();
        // The keyword-less rule, the Twilio rules (keyword `ac`), the long provider tokens.
        for id in ["high-entropy-string", "twilio-auth-token", "github-token"] {
            assert!(with_runs.iter().any(|(r, _, _)| r.id == id), "{id}");
        }
        let hex = "0123456789abcdef".repeat(2);
        let texts = [
            "git push --force origin main".to_owned(),
            "token aZ3kP9mQ2xW7vL4nR8tY6uB1 here".to_owned(),
            "a/very/long/path/name/that/goes/on.txt".to_owned(),
            "short words only, nothing long at all".to_owned(),
            String::new(),
            format!("sid AC{hex} and token {hex}"),
            format!("ghp_{}", "a1B2".repeat(9)),
            format!("SK{hex}"),
        ];
        for (rule, set, min) in with_runs {
            assert!(min >= 2, "{}", rule.id);
            assert!(rule.keywords.is_empty() || min >= 16, "{}", rule.id);
            let regex = compile(&rule.regex).unwrap();
            // Every match holds such a run; a text without one cannot match.
            for text in &texts {
                if regex.is_match(text) {
                    assert!(has_run(text.as_bytes(), &set, min), "{}: {text}", rule.id);
                }
            }
        }
        assert!(min_run("[A-Za-z0-9_\\-+/=.]{23,255}[A-Za-z0-9_\\-+/=]").is_some());
        assert!(has_run(b"xx abcdef", &[0, !0, 0, 0], 6));
        assert!(!has_run(b"abcde fghij", &[0, !0, 0, 0], 6));
    }

    /// Pieces of texts near the rules' required literals: their words in both cases, the
    /// characters Unicode case folding adds to `s` and `k`, separators.
    const LITERAL_PIECES: &[&str] = &[
        "storepass",
        "keypass",
        "src",
        "dest",
        "db-",
        "a1-",
        "in",
        "out",
        "pass:",
        "-Pa\u{17F}\u{17F}",
        "\"pw\"",
        "'pw'",
        "password",
        "PassWord",
        "pa\u{17F}sword",
        "passwd",
        "pwd",
        "PWD",
        "pass",
        "passphrase",
        "--",
        "-",
        "=",
        ":",
        " ",
        "\t",
        ">",
        "<",
        "</",
        "x1Y2z3",
        "hunter22",
        "\"",
        "'",
        "aws_",
        "secret",
        "_access",
        "_key",
        "\u{212A}ey",
        "AccountKey",
        "bearer",
        "Bearer ",
        "https://",
        "http://",
        "@",
        "sentry",
        "mysql",
        "docker",
        "login",
        "-p",
        "curl",
        "-u",
        "private",
        " KEY",
        "-----BEGIN",
        "-----",
        "\"private_key_id\"",
        "é",
    ];

    #[test]
    fn required_literals_are_derived_and_hold() {
        let file = RulesFile::parse(crate::secrets::BUILTIN_RULES).unwrap();
        let literals = |id: &str| {
            let rule = file.rules.iter().find(|r| r.id == id).unwrap();
            required_literals(&rule.regex)
        };
        assert_eq!(
            literals("password-xml"),
            Some(&["passwd>", "password>", "pwd>"][..])
        );
        assert_eq!(literals("aws-secret-key"), Some(&["secret"][..]));
        // Literals that are only the keywords are left out: the keyword scan found them.
        assert_eq!(literals("github-token"), None);
        // The `-` before the option's name is joined to it.
        assert_eq!(
            literals("password-flag"),
            Some(
                &[
                    "-deststorepass",
                    "-keypass",
                    "-pass",
                    "-pwd",
                    "-srcstorepass",
                    "-storepass"
                ][..]
            )
        );
        for (_, literals) in REQUIRED_LITERALS {
            assert!(
                literals
                    .iter()
                    .all(|l| l.len() >= 3 && *l == l.to_lowercase())
            );
        }
        assert_eq!(
            lower_for_literals("Pa\u{17F}S \u{212A}EY é"),
            "pass key é".as_bytes()
        );
        assert_eq!(
            lower_for_literals("The PASSWORD → …"),
            "the password → …".as_bytes()
        );
        let regex =
            |id: &str| compile(&file.rules.iter().find(|r| r.id == id).unwrap().regex).unwrap();
        for (id, text) in [
            ("password-xml", "<db:Password>hunter2</db:Password>"),
            ("password-xml", "<pa\u{17F}sword>hunter2</pa\u{17F}sword>"),
            ("password-flag", "psql --db-Password=hunter22"),
            ("password-flag", "keytool -DestStorePass hunter22"),
            ("password-flag", "openssl rsa -passin pass:hunter22"),
            ("password-flag", "x --a1-b2-pwd 'hunter 22'"),
            ("password-flag", "-PA\u{17F}\u{17F}=hunter22"),
            (
                "aws-secret-key",
                "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ),
            (
                "aws-secret-key",
                "aws_\u{17F}ecret_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ),
        ] {
            assert!(regex(id).is_match(text), "{id}: {text}");
            let lowered = lower_for_literals(text);
            assert!(
                literals(id)
                    .unwrap()
                    .iter()
                    .any(|l| memchr::memmem::find(&lowered, l.as_bytes()).is_some()),
                "{id}: {text}"
            );
        }
    }

    proptest! {
        /// A text without any of a rule's required literals never matches the rule.
        #[test]
        fn a_text_without_the_literals_never_matches(
            picks in proptest::collection::vec(0..LITERAL_PIECES.len(), 0..24),
        ) {
            let text: String = picks.iter().map(|&i| LITERAL_PIECES[i]).collect();
            let lowered = lower_for_literals(&text);
            let file = RulesFile::parse(crate::secrets::BUILTIN_RULES).unwrap();
            for rule in &file.rules {
                if let Some(literals) = required_literals(&rule.regex)
                    && !literals
                        .iter()
                        .any(|l| memchr::memmem::find(&lowered, l.as_bytes()).is_some())
                {
                    prop_assert!(!compile(&rule.regex).unwrap().is_match(&text), "{}", rule.id);
                }
            }
        }

        /// The skipping search finds a run exactly where the byte-by-byte one does.
        #[test]
        fn has_run_agrees_with_the_plain_scan(
            text in proptest::collection::vec(proptest::sample::select(b"ab-_ \xe9".to_vec()), 0..80),
            set in proptest::array::uniform4(proptest::num::u64::ANY),
            min in 0_usize..12,
        ) {
            prop_assert_eq!(has_run(&text, &set, min), has_run_plain(&text, &set, min));
        }

        #[test]
        fn a_text_without_the_run_never_matches(
            text in "(?:[A-Za-z0-9_+/=. -]|AC|SK|ghp_|xoxb-|sk-|[0-9a-f]{8}){0,40}",
        ) {
            let file = RulesFile::parse(crate::secrets::BUILTIN_RULES).unwrap();
            for rule in &file.rules {
                if let Some((set, min)) = min_run(&rule.regex)
                    && !has_run(text.as_bytes(), &set, min)
                {
                    prop_assert!(!compile(&rule.regex).unwrap().is_match(&text), "{}", rule.id);
                }
            }
        }
    }

    #[test]
    fn precompiled_dfas_load_and_agree_with_the_regexes() {
        // Every DFA build.rs made loads (same regex-automata version, aligned bytes), and
        // answers `is_match` as the regex compiled from the same patterns does.
        assert!(PRECOMPILED_DFAS.len() > 40, "{}", PRECOMPILED_DFAS.len());
        let texts = [
            "",
            "password = hunter22",
            "AKIAIOSFODNN7EXAMPLE é",
            "${X}",
            "\u{e9}x",
        ];
        for (patterns, exact, parts) in PRECOMPILED_DFAS {
            let dfas = load_precompiled(patterns).unwrap();
            assert_eq!(dfas.exact, *exact);
            for part in *parts {
                dense::DFA::from_bytes(&part.bytes).unwrap();
            }
            let regex = compile_many(patterns).unwrap();
            for text in texts {
                if let Some(yes) = dfa_is_match(&dfas, text) {
                    if *exact {
                        assert_eq!(yes, regex.is_match(text), "{patterns:?} on {text:?}");
                    } else {
                        // A gate: it may let a text through, never stop one that matches.
                        assert!(yes || !regex.is_match(text), "{patterns:?} on {text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn unicode_only_when_needed() {
        // `\w` stays ASCII (fast); a negated class gets Unicode so that it never splits a
        // character.
        let ascii = compile(r"\w+").unwrap();
        assert_eq!(ascii.find("é").map(|m| m.range()), None);
        let negated = compile(r"[^\s]+").unwrap();
        assert_eq!(negated.find("é").map(|m| m.range()), Some(0..2));
    }
}
