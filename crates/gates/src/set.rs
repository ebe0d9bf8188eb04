//! The compiled gate set and its verdicts.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use regex_automata::meta::{self, Regex};
use regex_automata::{Anchored, Input, MatchKind, PatternID, PatternSet};

use crate::call::ToolCall;
use crate::decision::Decision;
use crate::error::{BuildError, PatternKind};
use crate::hash::BuildFastHasher;
use crate::known::KnownPatterns;
use crate::model::git::GitState;
use crate::normalize::{NormalizeOptions, Normalized, normalize_in};
use crate::path::clean_path;
use crate::prefilter::{BitSet, LiteralSets, Prefilter, required_literals, size_estimate};
use crate::quick::{self, QuickReader};
use crate::rule::{FILE_WRITE_TOOLS, Field, GateId, MatchMode, Rule, SHELL_TOOL, Tools};

/// Builds a [`GateSet`].
///
/// ```
/// use metalayer_gates::{Decision, GateSetBuilder, Rule, ToolCall};
///
/// let gates = GateSetBuilder::new()
///     .rule(Rule::new("G2", Decision::Deny, "git reset --hard").with_message("No destructive git reset"))
///     .build()?;
/// let verdict = gates.decide(&ToolCall::bash("git 'reset' \"--hard\""));
/// assert_eq!(verdict.decision(), Decision::Deny);
/// assert_eq!(verdict.decider().map(|m| m.id.as_str()), Some("G2"));
/// # Ok::<(), metalayer_gates::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct GateSetBuilder {
    /// Shared with the sets built from it, so building copies no rule; adding a rule after a
    /// build copies the list once.
    rules: Arc<Vec<Rule>>,
    max_rules: usize,
    pattern_size_limit: usize,
    nfa_size_limit: usize,
    cache_capacity: usize,
    normalize: NormalizeOptions,
    known: KnownPatterns,
}

/// The default of [`GateSetBuilder::pattern_size_limit`].
pub(crate) const DEFAULT_PATTERN_SIZE_LIMIT: usize = 500_000;

impl Default for GateSetBuilder {
    fn default() -> Self {
        Self {
            rules: Arc::new(Vec::new()),
            max_rules: 100_000,
            pattern_size_limit: DEFAULT_PATTERN_SIZE_LIMIT,
            nfa_size_limit: 64 * (1 << 20),
            cache_capacity: 256,
            normalize: NormalizeOptions::default(),
            known: KnownPatterns::default(),
        }
    }
}

impl GateSetBuilder {
    /// An empty builder with the default limits.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a rule.
    #[must_use]
    pub fn rule(mut self, rule: Rule) -> Self {
        Arc::make_mut(&mut self.rules).push(rule);
        self
    }

    /// Adds rules.
    #[must_use]
    pub fn rules(mut self, rules: impl IntoIterator<Item = Rule>) -> Self {
        if self.rules.is_empty() {
            // Collecting a `Vec`'s own iterator keeps its buffer: a thousand rules are not
            // copied into a second one.
            self.rules = Arc::new(rules.into_iter().collect());
        } else {
            Arc::make_mut(&mut self.rules).extend(rules);
        }
        self
    }

    /// The most rules a set may hold (default 100,000).
    #[must_use]
    pub fn max_rules(mut self, limit: usize) -> Self {
        self.max_rules = limit;
        self
    }

    /// The largest estimated automaton size of one pattern (default 500,000), which refuses
    /// patterns such as `(?:a{1000}){1000}` before anything is allocated for them.
    #[must_use]
    pub fn pattern_size_limit(mut self, limit: usize) -> Self {
        self.pattern_size_limit = limit;
        self
    }

    /// The heap limit, in bytes, of one compiled group of candidate patterns (default 64 MiB).
    #[must_use]
    pub fn nfa_size_limit(mut self, bytes: usize) -> Self {
        self.nfa_size_limit = bytes;
        self
    }

    /// How many compiled groups of candidate patterns are cached (default 256).
    #[must_use]
    pub fn cache_capacity(mut self, entries: usize) -> Self {
        self.cache_capacity = entries.max(1);
        self
    }

    /// Options of the shell normaliser.
    #[must_use]
    pub fn normalize_options(mut self, options: NormalizeOptions) -> Self {
        self.normalize = options;
        self
    }

    /// Readings of patterns made ahead of time ([`KnownPatterns`]): a pattern found there is
    /// not read again (unless `METALAYER_LIBRARY_PATH=1`, which reads every pattern with
    /// regex-syntax).
    #[must_use]
    pub fn known_patterns(mut self, known: KnownPatterns) -> Self {
        self.known = known;
        self
    }

    /// Checks every pattern, extracts the literals of the prefilter and builds the set.
    ///
    /// Patterns are parsed and size-checked here, so every syntax error and over-large pattern
    /// is reported now; their automata are compiled on first use, for the group of patterns
    /// the prefilter selects, and cached.
    ///
    /// # Errors
    ///
    /// [`BuildError`] for an invalid or over-large pattern, a duplicate or empty id, or more
    /// rules than [`GateSetBuilder::max_rules`].
    pub fn build(&self) -> Result<GateSet, BuildError> {
        if self.rules.len() > self.max_rules {
            return Err(BuildError::TooManyRules {
                count: self.rules.len(),
                limit: self.max_rules,
            });
        }
        let mut seen: HashSet<&str, BuildFastHasher> =
            HashSet::with_capacity_and_hasher(self.rules.len(), BuildFastHasher::default());
        for rule in self.rules.iter() {
            if rule.id().as_str().is_empty() {
                return Err(BuildError::EmptyId);
            }
            if !seen.insert(rule.id().as_str()) {
                return Err(BuildError::DuplicateId {
                    id: rule.id().clone(),
                });
            }
        }
        drop(seen);

        // Group rules into channels by what they read and how.
        let mut groups: Vec<Group<'_>> = Vec::new();
        // One reader for every pattern: its buffers are reused. Off when the environment
        // forces the library path (every pattern then goes through regex-syntax).
        let mut reader = (!quick::library_forced()).then(QuickReader::default);
        // A reading made ahead of time, when the fast paths are on and it fits the limit.
        let fast = reader.is_some();
        let known = |pattern: &str| {
            fast.then(|| self.known.get(pattern))
                .flatten()
                .filter(|r| r.size <= self.pattern_size_limit)
        };
        for (index, rule) in self.rules.iter().enumerate() {
            let (field, anchored) = (rule.field(), rule.mode() == MatchMode::Command);
            let slot = match groups
                .iter()
                .position(|g| g.field == field && g.anchored == anchored)
            {
                Some(slot) => slot,
                None => {
                    groups.push(Group {
                        field,
                        anchored,
                        rules: Vec::new(),
                        // Room for every rule left: one channel usually holds most of them.
                        literals: LiteralSets::with_capacity(self.rules.len() - index),
                    });
                    groups.len() - 1
                }
            };
            let Some(group) = groups.get_mut(slot) else {
                continue;
            };
            // The quick reader checks everyday patterns in a fraction of regex-syntax's
            // time; whatever it cannot vouch for goes through regex-syntax.
            if let Some(reading) = known(rule.pattern()) {
                group
                    .literals
                    .push_pattern(reading.factors.iter().map(|f| f.iter().copied()));
            } else {
                match reader.as_mut().and_then(|q| q.analyze(rule.pattern())) {
                    Some(a) if a.estimate <= self.pattern_size_limit => {
                        group.literals.push_pattern(a.factors());
                    }
                    _ => match required_literals(&self.parse(
                        rule,
                        rule.pattern(),
                        PatternKind::Pattern,
                    )?) {
                        Some(factors) => group.literals.push_pattern(
                            factors
                                .iter()
                                .map(|f| f.iter().map(|l| (l.bytes.as_slice(), l.folded))),
                        ),
                        None => group.literals.push_always(),
                    },
                }
            }
            if let Some(unless) = rule.unless()
                && known(unless).is_none()
                && reader
                    .as_mut()
                    .and_then(|q| q.bound(unless))
                    .is_none_or(|b| b > self.pattern_size_limit)
            {
                self.parse(rule, unless, PatternKind::Unless)?;
            }
            let index = u32::try_from(index).map_err(|_| BuildError::TooManyRules {
                count: self.rules.len(),
                limit: u32::MAX as usize,
            })?;
            group.rules.push(index);
        }
        let mut channels = Vec::with_capacity(groups.len());
        for group in groups {
            let prefilter = Prefilter::new(group.literals).map_err(|e| BuildError::Prefilter {
                message: e.to_string(),
                source: Box::new(e),
            })?;
            let tools = channel_tools(&self.rules, &group.rules);
            channels.push(Channel {
                field: group.field.clone(),
                anchored: group.anchored,
                rules: group.rules,
                prefilter,
                tools,
                cache: Mutex::new(Default::default()),
            });
        }
        let unless = self.rules.iter().map(|_| Default::default()).collect();
        Ok(GateSet(Arc::new(Inner {
            rules: Arc::clone(&self.rules),
            channels,
            unless,
            normalize: self.normalize.clone(),
            nfa_size_limit: self.nfa_size_limit,
            cache_capacity: self.cache_capacity,
        })))
    }

    fn parse(
        &self,
        rule: &Rule,
        pattern: &str,
        kind: PatternKind,
    ) -> Result<regex_syntax::hir::Hir, BuildError> {
        parse_checked(rule.id(), pattern, kind, self.pattern_size_limit)
    }
}

/// `pattern` parsed with regex-syntax, as the gate set's parser reads it, and its size
/// checked against `limit`; the errors name gate `id`.
pub(crate) fn parse_checked(
    id: &GateId,
    pattern: &str,
    kind: PatternKind,
    limit: usize,
) -> Result<regex_syntax::hir::Hir, BuildError> {
    let hir = pattern_parser()
        .parse(pattern)
        .map_err(|e| BuildError::InvalidPattern {
            id: id.clone(),
            kind,
            pattern: pattern.to_owned(),
            message: first_line_of_error(&e),
            source: Box::new(e),
        })?;
    let estimate = size_estimate(&hir);
    if estimate > limit {
        return Err(BuildError::PatternTooLarge {
            id: id.clone(),
            kind,
            estimate,
            limit,
        });
    }
    Ok(hir)
}

/// The rules of one channel while a set is built: the channel-local pattern `i` is rule
/// `rules[i]`, with the `i`-th literal set of `literals`.
struct Group<'a> {
    field: &'a Field,
    anchored: bool,
    rules: Vec<u32>,
    literals: LiteralSets,
}

/// The last line of regex-syntax's multi-line error text, which says what is wrong.
/// The parser every pattern the quick reader does not vouch for goes through (and the
/// reference of the `quick_regex` fuzz target).
pub(crate) fn pattern_parser() -> regex_syntax::Parser {
    regex_syntax::ParserBuilder::new().nest_limit(128).build()
}

fn first_line_of_error(e: &regex_syntax::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map_or_else(
            || text.clone(),
            |l| l.trim_start().trim_start_matches("error: ").to_owned(),
        )
}

/// The tools any rule of a channel applies to; `None` when some rule applies to every tool.
fn channel_tools(rules: &[Rule], members: &[u32]) -> Option<BTreeSet<String>> {
    // Most rules use their field's default tools: those are added once, at the end.
    let (mut shell, mut file_tools) = (false, false);
    let mut named: BTreeSet<&str> = BTreeSet::new();
    for &m in members {
        let rule = rules.get(m as usize)?;
        match rule.tools() {
            Tools::Any => return None,
            Tools::Only(list) => named.extend(list.iter().map(String::as_str)),
            Tools::Default => match rule.field() {
                Field::Command => shell = true,
                Field::FilePath => (shell, file_tools) = (true, true),
                Field::Content => file_tools = true,
                Field::Untracked => shell = true,
                Field::Key(_) => return None,
            },
        }
    }
    if shell {
        named.insert(SHELL_TOOL);
    }
    if file_tools {
        named.extend(FILE_WRITE_TOOLS);
    }
    Some(named.into_iter().map(str::to_owned).collect())
}

/// An immutable, compiled set of gates. Cheap to clone; `Send + Sync`.
#[derive(Debug, Clone)]
pub struct GateSet(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    rules: Arc<Vec<Rule>>,
    channels: Vec<Channel>,
    /// Each rule's `unless` pattern, compiled on first use: for any text, and in byte mode
    /// for ASCII texts ([`Mode`]), each for short texts and for any ([`Reach`]).
    unless: Vec<[[OnceLock<Option<Regex>>; 2]; 2]>,
    normalize: NormalizeOptions,
    nfa_size_limit: usize,
    cache_capacity: usize,
}

/// The patterns of `regex` that match `text` (anchored at its start, or anywhere), in `set`.
///
/// In an anchored overlapping search, regex-automata 0.4.19's PikeVM (which the meta regex
/// searches with when it has no lazy DFA, and falls back to when the lazy DFA gives up, as on
/// a Unicode `\b` beside a non-ASCII byte) also reports a pattern that matches only after the
/// start, when another pattern's match is still going on there: `["[A-Z]", "0x"]` on `"0A"`
/// reports `[A-Z]`. A pattern's own anchored search is right, so in an anchored search each
/// reported pattern is checked that way (a denied call's deciding gate, rarely more than one).
fn matching(regex: &Regex, text: &str, anchored: bool, set: &mut PatternSet) {
    set.clear();
    let mode = if anchored {
        Anchored::Yes
    } else {
        Anchored::No
    };
    regex.which_overlapping_matches(&Input::new(text).anchored(mode), set);
    if anchored {
        let wrong: Vec<PatternID> = set
            .iter()
            .filter(|&pid| !regex.is_match(Input::new(text).anchored(Anchored::Pattern(pid))))
            .collect();
        if !wrong.is_empty() {
            let right: Vec<PatternID> = set.iter().filter(|pid| !wrong.contains(pid)).collect();
            set.clear();
            for pid in right {
                set.insert(pid);
            }
        }
    }
}

/// How a group of patterns is compiled for the texts it searches.
///
/// A fast path under the workspace's contract (ARCHITECTURE.md): compiling the patterns that
/// decide a call was most of a denied governed hook call (2.3 M of 5.6 M instructions), and
/// the Unicode classes of everyday patterns (`[^ ]`, `\s`, `(?i)`) compile to UTF-8 automata
/// many states long. On a text of ASCII bytes only, a pattern matches exactly where the same
/// pattern compiled without Unicode (its classes and case folding over bytes) does: every
/// class, `.`, `\w`/`\s`/`\d`, `\b` and case-insensitive letter agrees with its Unicode form
/// on ASCII characters, and a non-ASCII literal matches neither. So ASCII texts (nearly every
/// command) are searched with the byte-mode automaton; a pattern byte mode refuses (`\p{…}`,
/// a non-ASCII class) is compiled as written. `METALAYER_LIBRARY_PATH=1` compiles every
/// pattern as written; the tests compare both modes on generated texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Mode {
    /// The pattern as written (Unicode-aware).
    Unicode,
    /// Without Unicode, over bytes: for ASCII texts only.
    Ascii,
}

impl Mode {
    /// The mode for searching `texts`.
    fn for_texts<'t>(mut texts: impl Iterator<Item = &'t str>) -> Self {
        if !crate::quick::library_forced() && texts.all(str::is_ascii) {
            Self::Ascii
        } else {
            Self::Unicode
        }
    }

    /// The syntax settings of this mode (the defaults of regex-automata's meta regex, which
    /// the Unicode mode keeps).
    fn syntax(self) -> regex_automata::util::syntax::Config {
        let config = regex_automata::util::syntax::Config::new();
        match self {
            Self::Unicode => config,
            Self::Ascii => config.unicode(false).utf8(false),
        }
    }

    /// This mode's one of a pair held per mode (unicode first).
    fn pick<T>(self, [unicode, ascii]: [T; 2]) -> T {
        match self {
            Self::Unicode => unicode,
            Self::Ascii => ascii,
        }
    }

    /// `build` in this mode; in byte mode, a pattern it refuses is built as written (for ASCII
    /// texts it is the same).
    fn build<T, E>(self, build: impl Fn(Mode) -> Result<T, E>) -> Result<T, E> {
        match self {
            Self::Ascii => build(Self::Ascii).or_else(|_| build(Self::Unicode)),
            Self::Unicode => build(Self::Unicode),
        }
    }
}

/// Which of the meta regex's engines a compiled group carries, by the length of the texts
/// it searches.
///
/// Short texts (commands, paths: every text at most [`SHORT_TEXT_BYTES`]) get no lazy DFA:
/// building it (with the reverse automaton it needs) was 0.7 M of the 4.1 M instructions of
/// a denied hook call under the governed policy, which compiles the gate that decides
/// (callgrind, December 2026), and the PikeVM searches a command as fast. Longer texts
/// (written content) keep it, since the PikeVM's cost grows with text times automaton.
/// Which engines search never changes what matches; `METALAYER_LIBRARY_PATH=1` keeps the
/// defaults for every text, and a property test compares both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Reach {
    /// Every text at most [`SHORT_TEXT_BYTES`]: no lazy DFA.
    Short,
    /// Any text: the meta regex's defaults.
    Any,
}

/// The longest text searched without a lazy DFA ([`Reach::Short`]).
const SHORT_TEXT_BYTES: usize = 4096;

impl Reach {
    fn for_texts<'t>(mut texts: impl Iterator<Item = &'t str>) -> Self {
        if !crate::quick::library_forced() && texts.all(|t| t.len() <= SHORT_TEXT_BYTES) {
            Self::Short
        } else {
            Self::Any
        }
    }

    fn configure(self, config: meta::Config) -> meta::Config {
        match self {
            Self::Short => config.hybrid(false),
            Self::Any => config,
        }
    }

    /// This reach's one of a pair held per reach (short first).
    fn pick<T>(self, [short, any]: [T; 2]) -> T {
        match self {
            Self::Short => short,
            Self::Any => any,
        }
    }
}

/// The rules that read one field in one mode, with their prefilter.
#[derive(Debug)]
struct Channel {
    field: Field,
    anchored: bool,
    /// Global rule indices; a channel-local pattern index points into this.
    rules: Vec<u32>,
    prefilter: Prefilter,
    /// Tools some rule of the channel applies to (`None`: any tool).
    tools: Option<BTreeSet<String>>,
    /// Compiled groups of candidate patterns, keyed by channel-local indices, one map per
    /// [`Mode`] and [`Reach`].
    cache: Mutex<[[Compiled; 2]; 2]>,
}

/// Compiled groups of candidate patterns, keyed by channel-local indices.
type Compiled = HashMap<Box<[u32]>, Arc<Regex>>;

/// One gate that matched a call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GateMatch {
    /// The gate.
    pub id: GateId,
    /// Its decision.
    pub decision: Decision,
    /// Its message (the policy's `rule:` text).
    pub message: Arc<str>,
    /// The field it read.
    pub field: Field,
    /// The text it matched: the raw command, a normalised simple command, or a path.
    pub subject: String,
}

/// Why a command could not be fully examined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unverified {
    /// Nesting (`bash -c`, substitutions, `eval`, inline code) went deeper than the limit.
    DepthExceeded,
    /// The command held more simple commands than the normaliser examines.
    Truncated,
    /// A word computed at run time sits where git reads its subcommand or an option of a
    /// subcommand that can destroy work, or among the options of a delete or permission change
    /// of the root or a home folder ([`Normalized::computed_argument`]).
    ComputedArgument,
    /// A recursive delete takes a path that is the root or a home directory when variables
    /// the command does not set are empty ([`Normalized::computed_root`]).
    ComputedRoot,
}

impl Unverified {
    /// A sentence for a person.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Unverified::DepthExceeded => {
                "the command nests shells, substitutions or inline code deeper than the gate examines"
            }
            Unverified::Truncated => {
                "the command holds more simple commands than the gate examines"
            }
            Unverified::ComputedArgument => {
                "a subcommand or option of a command that can destroy work (git, rm, chmod, chown, find) is computed when the command runs, so what it does cannot be checked"
            }
            Unverified::ComputedRoot => {
                "a recursive delete takes a path made of variables the command does not set, and it is the root or a home directory when they are empty; set them in the command or write the path out"
            }
        }
    }
}

/// The answer for one tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    decision: Decision,
    matches: Vec<GateMatch>,
    unverified: Option<Unverified>,
    failure: Option<String>,
    normalized: Option<Normalized>,
}

impl Verdict {
    /// The decision: deny if any matching gate denies, else ask if any asks (or the command
    /// could not be examined fully), else allow.
    #[must_use]
    pub fn decision(&self) -> Decision {
        self.decision
    }

    /// Every gate that matched, deciding ones first, then by id. Independent of rule order.
    #[must_use]
    pub fn matches(&self) -> &[GateMatch] {
        &self.matches
    }

    /// The gate that decided: the first match of the highest decision (lowest id among
    /// equals). `None` when nothing matched.
    #[must_use]
    pub fn decider(&self) -> Option<&GateMatch> {
        self.matches.first().filter(|m| m.decision == self.decision)
    }

    /// Set when the command could not be examined fully; the decision is then at least ask.
    #[must_use]
    pub fn unverified(&self) -> Option<Unverified> {
        self.unverified
    }

    /// Set when the engine itself failed (a group of patterns would not compile within the
    /// limits); the decision is then deny.
    #[must_use]
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    /// The normalised shell command, when the call's command was normalised.
    #[must_use]
    pub fn normalized(&self) -> Option<&Normalized> {
        self.normalized.as_ref()
    }
}

/// The texts a channel reads from a call. File paths use `/` as the separator (Windows
/// harnesses send `\`), so one pattern serves both; a path with empty, `.` or `..`
/// components is read both as written and cleaned ([`clean_path`]), so `.git//hooks/x` or
/// `.git/info/../hooks/x` meet a pattern written for `.git/hooks/`.
fn subjects<'a>(
    call: &'a ToolCall,
    normalized: &'a [Normalized],
    field: &'a Field,
    anchored: bool,
) -> Vec<Cow<'a, str>> {
    match field {
        Field::Command => {
            let mut out: Vec<Cow<'a, str>> = Vec::new();
            if !anchored {
                out.extend(call.values("command").map(Cow::Borrowed));
            }
            for n in normalized {
                for c in n.commands() {
                    out.push(Cow::Borrowed(if anchored {
                        c.precise_text()
                    } else {
                        c.text()
                    }));
                }
            }
            out
        }
        Field::FilePath => {
            let mut out: Vec<Cow<'a, str>> = field
                .keys()
                .into_iter()
                .flat_map(|k| call.values(k))
                .map(slashed)
                .collect();
            for n in normalized {
                out.extend(n.writes().iter().map(|p| slashed(p)));
                out.extend(n.writes_in_folder().iter().map(|p| slashed(p)));
            }
            with_clean_paths(out)
        }
        Field::Untracked => with_clean_paths(
            normalized
                .iter()
                .flat_map(|n| n.untracked())
                .map(|p| slashed(p))
                .collect(),
        ),
        _ => field
            .keys()
            .into_iter()
            .flat_map(|k| call.values(k))
            .map(Cow::Borrowed)
            .collect(),
    }
}

/// `path` with Windows separators written as `/`.
fn slashed(path: &str) -> Cow<'_, str> {
    if path.contains('\\') {
        Cow::Owned(path.replace('\\', "/"))
    } else {
        Cow::Borrowed(path)
    }
}

/// `paths` followed by the lexically cleaned form of each that has one (`a/../.env`).
fn with_clean_paths(mut paths: Vec<Cow<'_, str>>) -> Vec<Cow<'_, str>> {
    let given = paths.len();
    for k in 0..given {
        if let Some(clean) = paths.get(k).and_then(|p| clean_path(p)) {
            paths.push(Cow::Owned(clean));
        }
    }
    paths
}

impl GateSet {
    /// The rules, in the order they were added.
    #[must_use]
    pub fn rules(&self) -> &[Rule] {
        &self.0.rules
    }

    /// How many rules the set holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.rules.len()
    }

    /// Whether the set holds no rule.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.rules.is_empty()
    }

    /// Decides a tool call.
    ///
    /// For each group of rules reading the same field in the same mode, the literal prefilter
    /// picks the rules that could match any of the call's subjects, and one multi-pattern
    /// automaton over just those rules (compiled once and cached) reports every rule that
    /// matches each subject, overlapping matches included.
    #[must_use]
    pub fn decide(&self, call: &ToolCall) -> Verdict {
        self.decide_in(call, None)
    }

    /// [`GateSet::decide`] for a call run in a repository whose state `git` tells, so that a
    /// forced `git push` without a refspec is read as the branch it updates (see
    /// [`normalize_in`](crate::normalize_in)).
    #[must_use]
    pub fn decide_in(&self, call: &ToolCall, git: Option<&dyn GitState>) -> Verdict {
        let inner = &*self.0;
        let tool = call.tool();
        let applies = |channel: &Channel| channel.tools.as_ref().is_none_or(|t| t.contains(tool));
        // Normalise the shell command once, when a channel that applies reads it.
        let needs_shell = inner
            .channels
            .iter()
            .any(|c| applies(c) && matches!(c.field, Field::Command | Field::FilePath))
            && call.values("command").next().is_some();
        let normalized: Vec<Normalized> = if needs_shell {
            call.values("command")
                .map(|c| normalize_in(c, &inner.normalize, git))
                .collect()
        } else {
            Vec::new()
        };
        // (rule index, subject) of every hit, first subject per rule.
        let mut hits: Vec<(u32, String)> = Vec::new();
        let mut failure = None;
        for channel in inner.channels.iter().filter(|c| applies(c)) {
            let mut texts = subjects(call, &normalized, &channel.field, channel.anchored);
            if texts.is_empty() {
                continue;
            }
            texts.dedup();
            if let Err(e) = self.run_channel(channel, tool, &texts, &mut hits) {
                failure = Some(e);
            }
        }

        let mut matches: Vec<GateMatch> = hits
            .into_iter()
            .filter_map(|(r, subject)| {
                let rule = inner.rules.get(r as usize)?;
                Some(GateMatch {
                    id: rule.id().clone(),
                    decision: rule.decision(),
                    message: rule.message_arc(),
                    field: rule.field().clone(),
                    subject,
                })
            })
            .collect();
        matches.sort_by(|a, b| b.decision.cmp(&a.decision).then_with(|| a.id.cmp(&b.id)));
        matches.dedup_by(|a, b| a.id == b.id);

        let mut normalized = normalized;
        let normalized = if normalized.len() == 1 {
            normalized.pop()
        } else {
            None
        };
        let unverified = normalized.as_ref().and_then(|n| {
            if n.depth_exceeded() {
                Some(Unverified::DepthExceeded)
            } else if n.truncated() {
                Some(Unverified::Truncated)
            } else if n.computed_argument() {
                Some(Unverified::ComputedArgument)
            } else if n.computed_root() {
                Some(Unverified::ComputedRoot)
            } else {
                None
            }
        });
        let mut decision = matches.first().map_or(Decision::Allow, |m| m.decision);
        if unverified.is_some() {
            decision = decision.max(Decision::Ask);
        }
        if failure.is_some() {
            decision = Decision::Deny;
        }
        Verdict {
            decision,
            matches,
            unverified,
            failure,
            normalized,
        }
    }

    fn run_channel(
        &self,
        channel: &Channel,
        tool: &str,
        texts: &[Cow<'_, str>],
        hits: &mut Vec<(u32, String)>,
    ) -> Result<(), String> {
        let inner = &*self.0;
        let mut candidates = BitSet::new(channel.rules.len());
        // One search over all subjects joined costs a fraction of one per subject (the
        // literals are few, the subjects short). A literal found across a joint only adds a
        // candidate, which the automaton then checks: never a missed match.
        match texts {
            [one] => channel.prefilter.mark(one, &mut candidates),
            _ => channel.prefilter.mark(&texts.join("\n"), &mut candidates),
        }
        for &p in channel.prefilter.always() {
            candidates.insert(p);
        }
        if candidates.is_empty() {
            return Ok(());
        }
        let subset: Vec<u32> = candidates
            .iter()
            .filter(|&p| {
                channel
                    .rules
                    .get(p as usize)
                    .and_then(|&r| inner.rules.get(r as usize))
                    .is_some_and(|rule| rule.applies_to(tool))
            })
            .collect();
        if subset.is_empty() {
            return Ok(());
        }
        let mode = Mode::for_texts(texts.iter().map(AsRef::as_ref));
        let reach = Reach::for_texts(texts.iter().map(AsRef::as_ref));
        let regex = self.compiled(channel, &subset, mode, reach)?;
        let mut set = PatternSet::new(regex.pattern_len());
        for text in texts {
            matching(&regex, text, channel.anchored, &mut set);
            for pid in set.iter() {
                let Some(&local) = subset.get(pid.as_usize()) else {
                    continue;
                };
                let Some(&rule_index) = channel.rules.get(local as usize) else {
                    continue;
                };
                if hits.iter().any(|(r, _)| *r == rule_index) {
                    continue;
                }
                if self.excepted(rule_index, text)? {
                    continue;
                }
                hits.push((rule_index, text.clone().into_owned()));
            }
        }
        Ok(())
    }

    /// Whether the rule's `unless` pattern matches `text`.
    fn excepted(&self, rule_index: u32, text: &str) -> Result<bool, String> {
        let inner = &*self.0;
        let Some(rule) = inner.rules.get(rule_index as usize) else {
            return Ok(false);
        };
        let Some(pattern) = rule.unless() else {
            return Ok(false);
        };
        let Some(slots) = inner.unless.get(rule_index as usize) else {
            return Ok(false);
        };
        let mode = Mode::for_texts(std::iter::once(text));
        let reach = Reach::for_texts(std::iter::once(text));
        let regex =
            mode.pick(reach.pick(slots.each_ref()).each_ref())
                .get_or_init(|| {
                    mode.build(|mode| {
                        Regex::builder()
                            .configure(reach.configure(
                                Regex::config().nfa_size_limit(Some(inner.nfa_size_limit)),
                            ))
                            .syntax(mode.syntax())
                            .build(pattern)
                            .map_err(Box::new)
                    })
                    .ok()
                })
                .as_ref();
        match regex {
            Some(r) => Ok(r.is_match(text)),
            None => Err(format!(
                "the unless pattern of gate `{}` could not be compiled within the size limit",
                rule.id()
            )),
        }
    }

    /// The compiled automaton of a group of candidate patterns (channel-local indices).
    fn compiled(
        &self,
        channel: &Channel,
        subset: &[u32],
        mode: Mode,
        reach: Reach,
    ) -> Result<Arc<Regex>, String> {
        let inner = &*self.0;
        let mut cache = channel
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let cache = mode.pick(reach.pick(cache.each_mut()).each_mut());
        if let Some(regex) = cache.get(subset) {
            return Ok(Arc::clone(regex));
        }
        let patterns: Vec<&str> = subset
            .iter()
            .filter_map(|&p| channel.rules.get(p as usize))
            .filter_map(|&r| inner.rules.get(r as usize))
            .map(Rule::pattern)
            .collect();
        let config = reach.configure(
            Regex::config()
                .match_kind(MatchKind::All)
                .nfa_size_limit(Some(inner.nfa_size_limit))
                .onepass_size_limit(Some(inner.nfa_size_limit))
                .dfa_size_limit(Some(inner.nfa_size_limit)),
        );
        let built = mode.build(|mode| {
            meta::Builder::new()
                .configure(config.clone())
                .syntax(mode.syntax())
                .build_many(&patterns)
                .map_err(Box::new)
        });
        let regex = built.map_err(|e| {
            format!(
                "{} candidate gate pattern(s) could not be compiled together: {e}",
                patterns.len()
            )
        })?;
        let regex = Arc::new(regex);
        if cache.len() >= inner.cache_capacity {
            cache.clear();
        }
        cache.insert(subset.into(), Arc::clone(&regex));
        Ok(regex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pieces of patterns with the constructs whose meaning Unicode changes.
    const PIECES: &[&str] = &[
        "[^ ]+",
        "[^ ]",
        r"\s+",
        r"\S",
        r"\w+",
        r"\W",
        r"\d",
        r"\b",
        r"\B",
        ".",
        "(?s:.)",
        "(?i:reset)",
        "(?i)k",
        "(?i:s)",
        "(?i:[a-z])",
        "[[:alpha:]]+",
        "[^a-z]",
        "[^\n]*",
        "git",
        " ",
        "-",
        "--hard",
        "(?:--force|-[a-zA-Z]*f)",
        "x*",
        "^",
        "$",
        "é",
        "(?:a|b)",
        r"[\x00-\x1f]",
        "K",
        "ſ",
    ];

    /// The PikeVM's anchored overlapping search reports `[A-Z]` on `"0A"` beside `0x`; the
    /// check of each reported pattern drops it, with or without a lazy DFA.
    #[test]
    fn an_anchored_search_reports_only_patterns_matching_at_the_start() {
        for reach in [Reach::Short, Reach::Any] {
            let regex = meta::Builder::new()
                .configure(reach.configure(Regex::config().match_kind(MatchKind::All)))
                .build_many(&["[A-Z]", "0x", "0"])
                .unwrap();
            let mut set = PatternSet::new(3);
            for (text, anchored, want) in [
                ("0A", true, vec![2]),
                ("0A", false, vec![0, 2]),
                ("0x", true, vec![1, 2]),
                ("A", true, vec![0]),
                ("é0A", true, vec![]),
            ] {
                matching(&regex, text, anchored, &mut set);
                let got: Vec<usize> = set.iter().map(|p| p.as_usize()).collect();
                assert_eq!(got, want, "{reach:?} {text:?} anchored: {anchored}");
            }
        }
        // The library's own answer, which the check mends (if it is ever fixed, this says so).
        let bare = meta::Builder::new()
            .configure(Regex::config().match_kind(MatchKind::All).hybrid(false))
            .build_many(&["[A-Z]", "0x"])
            .unwrap();
        let mut set = PatternSet::new(2);
        bare.which_overlapping_matches(&Input::new("0A").anchored(Anchored::Yes), &mut set);
        assert!(
            set.contains(PatternID::must(0)),
            "regex-automata answers right now"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// A group compiled for short texts (no lazy DFA) matches exactly where one with the
        /// meta regex's defaults does, in both modes, anchored or not.
        #[test]
        fn both_reaches_find_the_same_patterns(
            picks in proptest::collection::vec(0..PIECES.len(), 1..6),
            text in "[ -~\t\né]{0,40}",
        ) {
            let pattern: String = picks.iter().map(|&p| PIECES[p]).collect();
            let mode = Mode::for_texts(std::iter::once(text.as_str()));
            let patterns = [pattern.as_str(), "git", "[^ ]+ -[a-z]*f"];
            let build = |reach: Reach| {
                meta::Builder::new()
                    .configure(reach.configure(Regex::config().match_kind(MatchKind::All)))
                    .syntax(mode.syntax())
                    .build_many(&patterns)
                    .ok()
            };
            let (Some(short), Some(any)) = (build(Reach::Short), build(Reach::Any)) else {
                return Ok(());
            };
            for anchored in [false, true] {
                let mut a = PatternSet::new(3);
                let mut b = PatternSet::new(3);
                matching(&short, &text, anchored, &mut a);
                matching(&any, &text, anchored, &mut b);
                proptest::prop_assert_eq!(
                    a.iter().collect::<Vec<_>>(),
                    b.iter().collect::<Vec<_>>(),
                    "{:?} on {:?}, anchored: {}", pattern, text, anchored
                );
                // And what each pattern alone finds.
                for (pid, alone) in patterns.iter().enumerate() {
                    let Ok(single) = meta::Builder::new().syntax(mode.syntax()).build(alone) else {
                        continue;
                    };
                    let input = Input::new(text.as_str()).anchored(if anchored {
                        Anchored::Yes
                    } else {
                        Anchored::No
                    });
                    proptest::prop_assert_eq!(
                        a.contains(PatternID::must(pid)),
                        single.is_match(input),
                        "{:?} on {:?}, anchored: {}", alone, text, anchored
                    );
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// On ASCII texts, the byte-mode compile matches exactly where the pattern as
        /// written does (the reason [`Mode::Ascii`] is sound).
        #[test]
        fn byte_mode_agrees_with_unicode_on_ascii_texts(
            picks in proptest::collection::vec(0..PIECES.len(), 1..6),
            text in "[ -~\t\n]{0,40}",
        ) {
            let pattern: String = picks.iter().map(|&p| PIECES[p]).collect();
            let build = |mode: Mode| {
                meta::Builder::new()
                    .configure(Regex::config().match_kind(MatchKind::All))
                    .syntax(mode.syntax())
                    .build_many(&[pattern.as_str(), "git"])
                    .ok()
            };
            let (Some(unicode), Some(ascii)) = (build(Mode::Unicode), build(Mode::Ascii)) else {
                return Ok(());
            };
            for anchored in [Anchored::No, Anchored::Yes] {
                let input = Input::new(text.as_str()).anchored(anchored);
                let mut a = PatternSet::new(2);
                let mut b = PatternSet::new(2);
                unicode.which_overlapping_matches(&input, &mut a);
                ascii.which_overlapping_matches(&input, &mut b);
                proptest::prop_assert_eq!(
                    a.iter().collect::<Vec<_>>(),
                    b.iter().collect::<Vec<_>>(),
                    "{:?} on {:?}", pattern, text
                );
                proptest::prop_assert_eq!(unicode.is_match(input.clone()), ascii.is_match(input));
            }
        }
    }

    #[test]
    fn ascii_texts_use_byte_mode_and_others_the_pattern_as_written() {
        assert_eq!(Mode::for_texts(["git reset --hard"].into_iter()), {
            if crate::quick::library_forced() {
                Mode::Unicode
            } else {
                Mode::Ascii
            }
        });
        assert_eq!(
            Mode::for_texts(["git commit -m 'é'"].into_iter()),
            Mode::Unicode
        );
        // A pattern byte mode refuses is compiled as written.
        let gates = GateSetBuilder::new()
            .rule(Rule::new("letters", Decision::Deny, r"rm \p{L}+"))
            .build()
            .unwrap();
        assert_eq!(
            gates.decide(&ToolCall::bash("rm abc")).decision(),
            Decision::Deny
        );
        assert_eq!(
            gates.decide(&ToolCall::bash("rm ébc")).decision(),
            Decision::Deny
        );
        // `[^ ]` takes a whole character in a non-ASCII text and one byte in an ASCII one:
        // both read the same commands.
        let gates = GateSetBuilder::new()
            .rule(Rule::new("G", Decision::Deny, "^rm -[^ ]f [^ ]$").with_mode(MatchMode::Command))
            .build()
            .unwrap();
        assert_eq!(
            gates.decide(&ToolCall::bash("rm -rf /")).decision(),
            Decision::Deny
        );
        assert_eq!(
            gates.decide(&ToolCall::bash("rm -éf /")).decision(),
            Decision::Deny
        );
        assert_eq!(
            gates.decide(&ToolCall::bash("rm -rf é")).decision(),
            Decision::Deny
        );
        assert_eq!(
            gates.decide(&ToolCall::bash("rm -rf éé")).decision(),
            Decision::Allow
        );
    }

    fn seed() -> GateSet {
        GateSetBuilder::new()
            .rule(Rule::new(
                "G1",
                Decision::Deny,
                "git push.*--force.*(main|master)",
            ))
            .rule(Rule::new("G2", Decision::Deny, "git reset --hard"))
            .rule(Rule::new("G3", Decision::Deny, r"rm -rf\s+(~/|/Users/|/)"))
            .rule(Rule::new(
                "G4",
                Decision::Deny,
                r"(\.env|credentials|secrets)",
            ))
            .build()
            .unwrap()
    }

    #[test]
    fn seed_patterns_see_through_quoting_and_spacing() {
        let g = seed();
        for cmd in [
            "git reset  --hard",
            "git \"reset\" --hard",
            "rm   -rf /",
            "sudo git push --force origin main",
        ] {
            assert_eq!(
                g.decide(&ToolCall::bash(cmd)).decision(),
                Decision::Deny,
                "{cmd}"
            );
        }
        for cmd in ["git status", "git push origin feature/x"] {
            assert_eq!(
                g.decide(&ToolCall::bash(cmd)).decision(),
                Decision::Allow,
                "{cmd}"
            );
        }
    }

    #[test]
    fn seed_gates_ignore_other_tools() {
        let g = seed();
        let call = ToolCall::new("Write")
            .with("file_path", ".env")
            .with("command", "git reset --hard");
        assert_eq!(g.decide(&call).decision(), Decision::Allow);
    }

    #[test]
    fn deny_beats_ask_whatever_the_order() {
        let a = Rule::new("A", Decision::Ask, "git");
        let d = Rule::new("D", Decision::Deny, "reset");
        for rules in [vec![a.clone(), d.clone()], vec![d, a]] {
            let g = GateSetBuilder::new().rules(rules).build().unwrap();
            let v = g.decide(&ToolCall::bash("git reset"));
            assert_eq!(v.decision(), Decision::Deny);
            assert_eq!(v.decider().unwrap().id.as_str(), "D");
            assert_eq!(v.matches().len(), 2);
        }
    }

    #[test]
    fn unless_excepts_a_match() {
        let g = GateSetBuilder::new()
            .rule(
                Rule::new("env", Decision::Deny, r"(^|/)\.env(\.[^/]*)?$")
                    .with_field(Field::FilePath)
                    .with_unless(r"\.(example|sample|template)$"),
            )
            .build()
            .unwrap();
        let write = |p: &str| {
            g.decide(&ToolCall::new("Write").with("file_path", p))
                .decision()
        };
        assert_eq!(write("/repo/.env"), Decision::Deny);
        assert_eq!(write("config/.env.production"), Decision::Deny);
        assert_eq!(write("/repo/.env.example"), Decision::Allow);
        // Windows paths: separators are normalised before matching (found by proptest).
        assert_eq!(write(r"C:\repo\.env"), Decision::Deny);
        assert_eq!(write(r"C:\repo\.env.sample"), Decision::Allow);
        assert_eq!(write("src/env.rs"), Decision::Allow);
        let bash = |c: &str| g.decide(&ToolCall::bash(c)).decision();
        assert_eq!(bash("echo A=1 >> .env"), Decision::Deny);
        assert_eq!(bash("cat .env.example"), Decision::Allow);
    }

    #[test]
    fn precise_mode_ignores_data() {
        let g = GateSetBuilder::new()
            .rule(
                Rule::new("G2", Decision::Deny, r"git\s+reset\s+--hard")
                    .with_mode(MatchMode::Command),
            )
            .build()
            .unwrap();
        let d = |c: &str| g.decide(&ToolCall::bash(c)).decision();
        assert_eq!(d("git reset --hard"), Decision::Deny);
        assert_eq!(d("bash -c 'git reset --hard'"), Decision::Deny);
        assert_eq!(d(r#"echo "never run git reset --hard""#), Decision::Allow);
        assert_eq!(
            d(r#"git commit -m "explain git reset --hard""#),
            Decision::Allow
        );
    }

    #[test]
    fn too_deep_asks() {
        let g = seed();
        let mut cmd = "ls".to_owned();
        for _ in 0..12 {
            cmd = format!("bash -c \"$(echo {cmd})\"");
        }
        let v = g.decide(&ToolCall::bash(cmd));
        assert_eq!(v.unverified(), Some(Unverified::DepthExceeded));
        assert_eq!(v.decision(), Decision::Ask);
    }

    #[test]
    fn build_errors_name_the_gate() {
        let err = GateSetBuilder::new()
            .rule(Rule::new("G9", Decision::Deny, "rm -rf\\s+(~/"))
            .build()
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("gate `G9`: pattern `rm -rf\\s+(~/` does not compile"),
            "{err}"
        );
        let err = GateSetBuilder::new()
            .rule(Rule::new("big", Decision::Deny, "(?:a{1000}){1000}"))
            .build()
            .unwrap_err();
        assert!(matches!(err, BuildError::PatternTooLarge { .. }), "{err}");
        let err = GateSetBuilder::new()
            .rule(Rule::new("x", Decision::Deny, "a"))
            .rule(Rule::new("x", Decision::Deny, "b"))
            .build()
            .unwrap_err();
        assert!(matches!(err, BuildError::DuplicateId { .. }));
        let err = GateSetBuilder::new()
            .max_rules(1)
            .rule(Rule::new("x", Decision::Deny, "a"))
            .rule(Rule::new("y", Decision::Deny, "b"))
            .build()
            .unwrap_err();
        assert!(matches!(
            err,
            BuildError::TooManyRules { count: 2, limit: 1 }
        ));
    }

    #[test]
    fn paths_are_cleaned_lexically() {
        for (path, clean) in [
            (".git//hooks/pre-commit", Some(".git/hooks/pre-commit")),
            ("./.git/./hooks/x", Some(".git/hooks/x")),
            (".git/info/../hooks/x", Some(".git/hooks/x")),
            (
                "/r/.github/hooks/../../.github/hooks/",
                Some("/r/.github/hooks/"),
            ),
            ("/../etc/x", Some("/etc/x")),
            ("../../a/./b", Some("../../a/b")),
            ("a/..", Some(".")),
            ("a/b/.", Some("a/b")),
            ("/home/u/proj/.env", None),
            ("relative/path.txt", None),
            ("..hidden/x", None),
        ] {
            assert_eq!(clean_path(path).as_deref(), clean, "{path}");
        }
    }

    #[test]
    fn file_gates_see_through_empty_and_dot_components() {
        let gates = GateSetBuilder::new()
            .rule(
                Rule::new("H", Decision::Deny, r"(?:^|/)\.git/hooks(?:/|$)")
                    .with_field(Field::FilePath),
            )
            .build()
            .unwrap();
        for path in [
            "/r/.git//hooks/pre-commit",
            "/r/.git/./hooks/pre-commit",
            "/r/.git/objects/../hooks/pre-commit",
            r"C:\r\.git\\hooks\pre-commit",
        ] {
            let call = ToolCall::new("Write").with("file_path", path);
            assert_eq!(gates.decide(&call).decision(), Decision::Deny, "{path}");
        }
        for command in [
            "echo true > .git//hooks/pre-commit",
            "chmod -x ./.git/./hooks/pre-commit",
        ] {
            let call = ToolCall::bash(command);
            assert_eq!(gates.decide(&call).decision(), Decision::Deny, "{command}");
        }
        let call = ToolCall::new("Write").with("file_path", "/r/.git/hooks/../config");
        assert_eq!(gates.decide(&call).decision(), Decision::Deny, "as written");
        let call = ToolCall::new("Write").with("file_path", "/r/.git/hooksy/x");
        assert_eq!(gates.decide(&call).decision(), Decision::Allow);
    }

    #[test]
    fn gate_set_is_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<GateSet>();
    }
}
