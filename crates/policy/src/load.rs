//! Loading a policy: read, parse with positions, validate, deserialize, check.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize as _;
use serde_json::Value;

use crate::check;
use crate::diagnostic::{Diagnostic, Report, Span};
use crate::error::PolicyError;
use crate::model::{Gate, Policy};
use crate::schema;
use crate::tree::{self, GateSink, Positions};

/// The largest policy file read, in bytes (4 MiB). Larger files are refused before parsing.
pub const MAX_POLICY_BYTES: usize = 4 * 1024 * 1024;

/// Where a repository keeps its policy, relative to its root.
pub const DEFAULT_POLICY_FILE: &str = ".control/policy.yaml";

/// A policy that loaded, with the warnings found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The policy.
    pub policy: Policy,
    /// Problems that do not stop the policy from loading (unknown keys, non-standard shapes).
    pub warnings: Vec<Diagnostic>,
    report: Report,
}

impl Loaded {
    /// The warnings as a [`Report`] that renders them pointing into the file.
    pub fn warnings_report(&self) -> &Report {
        &self.report
    }
}

/// How thoroughly a policy is checked while loading.
///
/// [`LoadOptions::full`] (the default, what [`load_str`] and [`load_file`] use) runs every
/// check. [`LoadOptions::fast`] skips the two costly passes whose findings a caller can get
/// elsewhere: the JSON Schema validation (type errors still fail, through deserialisation) and
/// the parsing of every regex (for a caller that compiles the patterns itself, as the hook
/// does), and it records no positions until a diagnostic needs them (then the text is read
/// again with positions, so every diagnostic still points at its line). A caller of the fast
/// path loads again with full checks to explain any failure.
///
/// [`LoadOptions::without_warnings`] is for a caller that never shows warnings (the hook, on
/// every tool call): a policy whose only findings are warnings then loads without them and is
/// not read a second time to place them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadOptions {
    /// Validate against the JSON Schema.
    pub schema: bool,
    /// Parse every `pattern`, `unless` and redaction pattern as a Rust regex.
    pub patterns: bool,
    /// Record the position of every node while reading (needed only for diagnostics).
    pub spans: bool,
    /// Collect warnings; off, [`Loaded::warnings`] is empty and only errors are reported.
    pub warnings: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self::full()
    }
}

impl LoadOptions {
    /// Every check.
    #[must_use]
    pub fn full() -> Self {
        Self {
            schema: true,
            patterns: true,
            spans: true,
            warnings: true,
        }
    }

    /// Structure, semantics and deserialisation only; no schema pass, no regex parsing.
    #[must_use]
    pub fn fast() -> Self {
        Self {
            schema: false,
            patterns: false,
            spans: false,
            warnings: true,
        }
    }

    /// These options without warnings: only errors are looked for and reported.
    #[must_use]
    pub fn without_warnings(self) -> Self {
        Self {
            warnings: false,
            ..self
        }
    }

    /// The diagnostics these options report of those found.
    fn reported(self, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if !self.warnings {
            diagnostics.retain(Diagnostic::is_error);
        }
        diagnostics
    }
}

/// Parses and checks policy text. `name` is the file name used in reports.
///
/// # Errors
/// [`PolicyError::TooLarge`] over [`MAX_POLICY_BYTES`], or [`PolicyError::Invalid`] with every
/// problem found (syntax, structure, semantics) and the warnings.
pub fn load_str(source: &str, name: &str) -> Result<Loaded, PolicyError> {
    load_str_with(source, name, LoadOptions::full())
}

/// [`load_str`] with the checks chosen by `options`.
///
/// # Errors
/// As [`load_str`], for the checks that run.
pub fn load_str_with(
    source: &str,
    name: &str,
    options: LoadOptions,
) -> Result<Loaded, PolicyError> {
    load_text(Cow::Borrowed(source), name, options)
}

/// Loads text the caller may own: a file's text moves into the report instead of being copied.
fn load_text(
    source: Cow<'_, str>,
    name: &str,
    options: LoadOptions,
) -> Result<Loaded, PolicyError> {
    if source.len() > MAX_POLICY_BYTES {
        return Err(PolicyError::TooLarge {
            name: name.to_owned(),
            size: source.len() as u64,
            limit: MAX_POLICY_BYTES,
        });
    }
    match read(&source, options) {
        Ok((policy, warnings)) => Ok(Loaded {
            policy,
            report: Report::from_owned(name, source.into_owned(), warnings.clone()),
            warnings,
        }),
        Err(diagnostics) => Err(PolicyError::Invalid(Report::from_owned(
            name,
            source.into_owned(),
            diagnostics,
        ))),
    }
}

/// Reads and checks a text: the policy with its warnings, or every problem found.
fn read(source: &str, options: LoadOptions) -> Result<(Policy, Vec<Diagnostic>), Vec<Diagnostic>> {
    let pos = Positions::new(source);
    if !options.spans
        && !options.schema
        && !tree::library_forced()
        && let Some(policy) = read_streaming(&pos, options)
    {
        return Ok((policy, Vec::new()));
    }
    let tree = tree::build(&pos, options.spans)?;
    let mut diagnostics = tree.diagnostics;
    if options.schema {
        diagnostics.extend(schema::validate(&tree.value, &tree.spans, &pos));
    }
    diagnostics.extend(check::check(
        &tree.value,
        &tree.spans,
        &pos,
        options.patterns,
    ));
    let mut diagnostics = options.reported(diagnostics);
    diagnostics.sort_by_key(|d| {
        (
            d.span.offset,
            d.severity == crate::DiagnosticSeverity::Warning,
        )
    });
    if !options.spans && !diagnostics.is_empty() {
        // Diagnostics need the positions the fast path did not record.
        return read(
            source,
            LoadOptions {
                spans: true,
                ..options
            },
        );
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    match to_policy(tree.value) {
        Ok(policy) => Ok((policy, diagnostics)),
        Err(message) => {
            let mut d = Diagnostic::error("policy::model", message, Span::new(0, 0), 1, 1);
            d.help = Some(
                "the file passed the schema but does not fit the policy model; please report it"
                    .to_owned(),
            );
            diagnostics.push(d);
            Err(diagnostics)
        }
    }
}

/// The fast path's gates, read, checked and deserialised one at a time as the reader meets
/// them.
struct Streamed<'p, 'a> {
    pos: &'p Positions<'a>,
    options: LoadOptions,
    hard: Vec<Gate>,
    soft: Vec<Gate>,
}

impl GateSink for Streamed<'_, '_> {
    fn entry(&mut self, list: &'static str, entry: Value) -> Result<(), ()> {
        // Anything unusual (not a map, any diagnostic, a model error) gives up streaming:
        // the whole text is then read and checked as a tree, which explains it.
        let Value::Object(map) = &entry else {
            return Err(());
        };
        let found = check::gate_entry(map, list, self.pos, self.options.patterns);
        if !self.options.reported(found).is_empty() {
            return Err(());
        }
        let gate = Gate::deserialize(entry).map_err(|_| ())?;
        if list == "hard" {
            self.hard.push(gate);
        } else {
            self.soft.push(gate);
        }
        Ok(())
    }
}

/// The fast load of a text in the fast reader's subset with nothing to report, streaming the
/// entries of `gates.hard` and `gates.soft` so that they are never all held as maps at once;
/// `None` when anything needs the whole tree (the caller then reads it as a tree).
fn read_streaming(pos: &Positions<'_>, options: LoadOptions) -> Option<Policy> {
    let mut streamed = Streamed {
        pos,
        options,
        hard: Vec::new(),
        soft: Vec::new(),
    };
    let value = tree::read_fast_into(pos.source(), Some(&mut streamed))?;
    let Streamed { hard, soft, .. } = streamed;
    let spans = tree::SpanMap::default();
    let reported = options.reported(check::check(&value, &spans, pos, options.patterns));
    if !reported.is_empty() || duplicate_id(&hard, &soft, &value) {
        return None;
    }
    let mut policy = to_policy(value).ok()?;
    // A list the reader streamed is empty in the tree, and the other way round.
    if !hard.is_empty() {
        policy.gates.hard = hard;
    }
    if !soft.is_empty() {
        policy.gates.soft = soft;
    }
    Some(policy)
}

/// Whether a gate id occurs twice among the streamed gates and the gate lists left in the tree.
fn duplicate_id(hard: &[Gate], soft: &[Gate], tree: &Value) -> bool {
    let streamed = hard.iter().chain(soft).map(|g| g.id.as_str());
    let kept = tree
        .get("gates")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|lists| lists.values().filter_map(Value::as_array).flatten())
        .filter_map(|e| e.get("id").and_then(Value::as_str));
    // Hashing a thousand short ids costs a fraction of sorting them.
    let mut seen = HashSet::with_capacity(hard.len() + soft.len());
    !streamed.chain(kept).all(|id| seen.insert(id))
}

/// Deserializes the checked document, keeping non-standard shapes verbatim.
fn to_policy(mut value: Value) -> Result<Policy, String> {
    let Some(top) = value.as_object_mut() else {
        return Err("the policy is not a map".to_owned());
    };
    for key in [
        "gates",
        "setpoints",
        "regression",
        "bridge",
        "evaluate",
        "secrets",
        "profile",
    ] {
        if top.get(key).is_some_and(Value::is_null) {
            top.remove(key);
        }
    }
    let map_setpoints = match top.get("setpoints") {
        Some(Value::Object(_)) => top.remove("setpoints"),
        _ => None,
    };
    let mut policy: Policy = serde_json::from_value(value).map_err(|e| e.to_string())?;
    if let Some(sp) = map_setpoints {
        policy.extra.insert("setpoints".to_owned(), sp);
    }
    Ok(policy)
}

/// Reads and checks a policy file.
///
/// # Errors
/// [`PolicyError::Io`] when the file cannot be read, [`PolicyError::TooLarge`] when it is over
/// [`MAX_POLICY_BYTES`] (checked from its metadata, before reading it),
/// [`PolicyError::NotUtf8`], or [`PolicyError::Invalid`].
pub fn load_file(path: &Path) -> Result<Loaded, PolicyError> {
    load_file_with(path, LoadOptions::full())
}

/// [`load_file`] with the checks chosen by `options`.
///
/// # Errors
/// As [`load_file`], for the checks that run.
pub fn load_file_with(path: &Path, options: LoadOptions) -> Result<Loaded, PolicyError> {
    use std::io::Read as _;
    let name = path.display().to_string();
    let io = |source| PolicyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > MAX_POLICY_BYTES as u64 {
        return Err(PolicyError::TooLarge {
            name,
            size,
            limit: MAX_POLICY_BYTES,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // Read at most one byte past the limit, in case the file grew after the metadata call.
    file.take(MAX_POLICY_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > MAX_POLICY_BYTES {
        return Err(PolicyError::TooLarge {
            name,
            size: bytes.len() as u64,
            limit: MAX_POLICY_BYTES,
        });
    }
    let text = String::from_utf8(bytes).map_err(|_| PolicyError::NotUtf8 { name: name.clone() })?;
    load_text(Cow::Owned(text), &name, options)
}

/// Finds `.control/policy.yaml` in `start` or the nearest folder above it that has one.
pub fn find_policy(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(DEFAULT_POLICY_FILE))
        .find(|candidate| candidate.is_file())
}

/// An error diagnostic at the node a JSON pointer names in policy text (`/gates/hard/2/pattern`),
/// for checks made outside this crate on a policy that loaded. A pointer the text does not hold
/// points at its nearest ancestor that it does, or at the start of the file.
///
/// ```
/// let source = "version: '1.0'\ngates:\n  hard:\n    - id: G1\n      pattern: rm\n";
/// let d = metalayer_policy::diagnostic_at(source, "/gates/hard/0/pattern", "example::code", "a problem".into());
/// assert_eq!((d.line, d.column), (5, 16));
/// assert_eq!(d.pointer, "/gates/hard/0/pattern");
/// ```
#[must_use]
pub fn diagnostic_at(
    source: &str,
    pointer: &str,
    code: &'static str,
    message: String,
) -> Diagnostic {
    let positions = Positions::new(source);
    let span = tree::build(&positions, true)
        .map_or(Span::new(0, 0), |tree| tree.spans.value_span(pointer));
    let (line, column) = positions.line_col(span.offset);
    let mut diagnostic = Diagnostic::error(code, message, span, line, column);
    pointer.clone_into(&mut diagnostic.pointer);
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(text: &str) -> Option<Policy> {
        read_streaming(&Positions::new(text), LoadOptions::fast())
    }

    #[test]
    fn clean_gate_lists_are_streamed_and_anything_to_explain_is_not() {
        let clean = "version: \"1.0\"\ngates:\n  hard:\n    - id: G1\n      rule: a\n      pattern: x\n  soft:\n    - id: G2\n      pattern: y\n  governed:\n    - id: G3\n      rule: doc\n";
        let policy = streamed(clean).unwrap();
        assert_eq!(policy.gates.hard.len(), 1);
        assert_eq!(policy.gates.hard[0].pattern.as_deref(), Some("x"));
        assert_eq!(policy.gates.soft[0].id.as_str(), "G2");
        assert_eq!(policy.gates.other["governed"][0].id.as_str(), "G3");
        assert_eq!(
            Ok((policy, Vec::new())),
            read(
                clean,
                LoadOptions {
                    spans: true,
                    ..LoadOptions::fast()
                }
            )
        );
        // Warnings alone do not stop streaming when nobody wants them; errors do.
        let warned = clean.replace("rule: a", "colour: red");
        let quiet = LoadOptions::fast().without_warnings();
        let policy = read_streaming(&Positions::new(&warned), quiet).unwrap();
        assert_eq!(policy.gates.hard[0].extra["colour"], "red");
        assert!(read_streaming(&Positions::new(&clean.replace("G2", "G1")), quiet).is_none());
        for explain in [
            clean.replace("G3", "G1"),
            clean.replace("G2", "G1"),
            clean.replace("rule: a", "colour: red"),
            clean.replace("- id: G2\n      pattern: y", "- G2"),
            clean.replace("version: \"1.0\"", "version: \"9\""),
        ] {
            assert!(streamed(&explain).is_none(), "{explain}");
        }
    }
}
