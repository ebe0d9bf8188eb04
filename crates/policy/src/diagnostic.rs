//! Diagnostics: one problem found in a policy, and the report of all of them.

use std::fmt;
use std::sync::Arc;

use miette::{LabeledSpan, NamedSource, SourceCode};
use serde::Serialize;

use crate::model::GateId;

/// A byte range in the policy source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    /// Byte offset of the first byte.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
}

impl Span {
    /// A span of `len` bytes at `offset`.
    pub fn new(offset: usize, len: usize) -> Self {
        Self { offset, len }
    }
}

/// Whether a diagnostic stops the policy from loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticSeverity {
    /// The policy does not load.
    Error,
    /// The policy loads; the problem is worth fixing.
    Warning,
}

/// A second place a diagnostic points at (the first definition of a duplicate, for example).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecondaryLabel {
    /// Where, in bytes.
    pub span: Span,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is there.
    pub message: String,
}

/// One problem found in a policy, with its place in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: DiagnosticSeverity,
    /// A stable code such as `policy::unknown-key`.
    pub code: &'static str,
    /// What is wrong, in one line.
    pub message: String,
    /// 1-based line of the offending value.
    pub line: usize,
    /// 1-based column (in characters) of the offending value.
    pub column: usize,
    /// The offending value, in bytes.
    pub span: Span,
    /// The JSON pointer of the offending node (`/gates/hard/2/pattern`); empty for the root.
    pub pointer: String,
    /// The text of the label on the offending value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The gate concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<GateId>,
    /// Other places involved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secondary: Vec<SecondaryLabel>,
}

impl Diagnostic {
    /// An error at a place.
    pub fn error(
        code: &'static str,
        message: String,
        span: Span,
        line: usize,
        column: usize,
    ) -> Self {
        Self {
            severity: DiagnosticSeverity::Error,
            code,
            message,
            line,
            column,
            span,
            pointer: String::new(),
            label: None,
            help: None,
            gate: None,
            secondary: Vec::new(),
        }
    }

    /// A warning at a place.
    pub fn warning(
        code: &'static str,
        message: String,
        span: Span,
        line: usize,
        column: usize,
    ) -> Self {
        Self {
            severity: DiagnosticSeverity::Warning,
            ..Self::error(code, message, span, line, column)
        }
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == DiagnosticSeverity::Error
    }

    /// Adds a second place.
    #[must_use]
    pub fn with_secondary(mut self, span: Span, line: usize, column: usize, message: &str) -> Self {
        self.secondary.push(SecondaryLabel {
            span,
            line,
            column,
            message: message.to_owned(),
        });
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            DiagnosticSeverity::Error => miette::Severity::Error,
            DiagnosticSeverity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(
            self.label.clone(),
            (self.span.offset, self.span.len),
        );
        let others = self.secondary.iter().map(|s| {
            LabeledSpan::new_with_span(Some(s.message.clone()), (s.span.offset, s.span.len))
        });
        Some(Box::new(std::iter::once(primary).chain(others)))
    }
}

/// Every problem found in one policy file, with the file's name and text so that the
/// diagnostics can be rendered pointing into it (it implements [`miette::Diagnostic`]; each
/// problem is a related diagnostic).
#[derive(Clone)]
pub struct Report {
    name: String,
    source: Arc<NamedSource<String>>,
    diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// A report on the file `name` whose text is `source`.
    pub fn new(name: &str, source: &str, diagnostics: Vec<Diagnostic>) -> Self {
        Self::from_owned(name, source.to_owned(), diagnostics)
    }

    /// [`Report::new`] keeping a text the caller already owns.
    pub(crate) fn from_owned(name: &str, source: String, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            name: name.to_owned(),
            source: Arc::new(NamedSource::new(name, source)),
            diagnostics,
        }
    }

    /// The file name given to the loader.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text of the file.
    pub fn source(&self) -> &str {
        self.source.inner()
    }

    /// Every diagnostic, errors and warnings, in file order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// How many errors.
    pub fn error_count(&self) -> usize {
        self.errors().count()
    }

    /// How many warnings.
    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    /// The diagnostics as JSON: `{"file": ..., "diagnostics": [...]}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "file": self.name,
            "errors": self.error_count(),
            "warnings": self.warning_count(),
            "diagnostics": self.diagnostics,
        })
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("name", &self.name)
            .field("diagnostics", &self.diagnostics)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Report {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.source.inner() == other.source.inner()
            && self.diagnostics == other.diagnostics
    }
}

impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.error_count();
        let warnings = self.warning_count();
        if errors > 0 {
            write!(
                f,
                "policy `{}` is invalid: {}",
                self.name,
                plural(errors, "error")
            )?;
        } else {
            write!(f, "policy `{}` is valid", self.name)?;
        }
        if warnings > 0 {
            let sep = if errors > 0 { ", " } else { ": " };
            write!(f, "{sep}{}", plural(warnings, "warning"))?;
        }
        Ok(())
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(if self.error_count() > 0 {
            "policy::invalid"
        } else {
            "policy::warnings"
        }))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(if self.error_count() > 0 {
            miette::Severity::Error
        } else {
            miette::Severity::Warning
        })
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source.as_ref())
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(
            self.diagnostics
                .iter()
                .map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}
