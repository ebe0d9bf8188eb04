//! Redaction of every string before it is rendered: a thin layer over
//! [`secrets::Detector`](crate::secrets::Detector) that keeps the rules added to it.

use std::borrow::Cow;

use crate::error::RedactError;
use crate::secrets::{Detector, DetectorBuilder, Rule};

/// Redacts secrets in text: a secret becomes `[REDACTED:<rule id>]`, and nothing around it
/// changes (the name it is assigned to, its quotes, the rest of the line).
///
/// The rules are those of [`Detector`]: the built-in set (a TOML file in gitleaks' rule
/// shape, embedded in the crate) plus rules added with [`Redactor::with_extra`] (the
/// policy's `bridge.redact` list), [`Redactor::with_rule`] or [`Redactor::with_rules_toml`].
///
/// Cloning is cheap; a `Redactor` is `Send + Sync`.
///
/// ```
/// use metalayer_bridge::Redactor;
///
/// let r = Redactor::new().with_extra("ticket", r"ACME-[0-9]{6}")?;
/// let token = format!("ghp_{}", "a1B2".repeat(9));
/// assert_eq!(r.redact(&format!("push with {token}")), "push with [REDACTED:github-token]");
/// assert_eq!(r.redact("see ACME-123456"), "see [REDACTED:ticket]");
/// assert_eq!(r.redact("PASSWORD=hunter22 user"), "PASSWORD=[REDACTED:password-assignment] user");
/// assert_eq!(
///     r.redact(r#"password = "correct horse battery staple""#),
///     r#"password = "[REDACTED:password-assignment]""#
/// );
/// // References, placeholders and key names that merely contain "key" are left alone.
/// for code in ["token: ${TOKEN}", "SECRET_KEY = settings.SECRET_KEY", "sort_key=created_at"] {
///     assert_eq!(r.redact(code), code);
/// }
/// # Ok::<(), metalayer_bridge::RedactError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    detector: Detector,
    builder: Option<DetectorBuilder>,
}

impl Redactor {
    /// A redactor with the built-in rules only.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A redactor with the rules of `detector`.
    #[must_use]
    pub fn from_detector(detector: Detector) -> Self {
        Self {
            detector,
            builder: None,
        }
    }

    /// The detector behind this redactor (for findings with positions).
    #[must_use]
    pub fn detector(&self) -> &Detector {
        &self.detector
    }

    fn rebuilt(
        self,
        add: impl FnOnce(DetectorBuilder) -> Result<DetectorBuilder, RedactError>,
    ) -> Result<Self, RedactError> {
        let builder = add(self.builder.unwrap_or_default())?;
        Ok(Self {
            detector: builder.clone().build()?,
            builder: Some(builder),
        })
    }

    /// Adds a rule (for the policy's `bridge.redact`): matches of `pattern` become
    /// `[REDACTED:<name>]`; when the pattern has capture groups, only the first group that
    /// took part in the match is replaced (so `(?:user=)(\w+)` keeps `user=`). The rule has
    /// no keywords: it runs on every text.
    ///
    /// # Errors
    ///
    /// [`RedactError::InvalidPattern`] when the pattern does not compile.
    pub fn with_extra(self, name: &str, pattern: &str) -> Result<Self, RedactError> {
        self.with_rule(Rule::new(name, pattern))
    }

    /// Adds a rule in gitleaks' shape (keywords, secret group, entropy, allowlists).
    ///
    /// # Errors
    ///
    /// When the rule's regex or an allowlist does not compile, or it is otherwise invalid.
    pub fn with_rule(self, rule: Rule) -> Result<Self, RedactError> {
        self.rebuilt(|b| Ok(b.rule(rule)))
    }

    /// Adds the rules of a rules file in gitleaks' TOML shape.
    ///
    /// # Errors
    ///
    /// When the file is not valid or one of its rules does not compile.
    pub fn with_rules_toml(self, text: &str) -> Result<Self, RedactError> {
        self.rebuilt(|b| b.rules_toml(text))
    }

    /// The ids of the built-in rules, in the order they run.
    pub fn builtin_kinds() -> impl Iterator<Item = String> {
        Detector::new()
            .rule_ids()
            .map(|id| id.as_str().to_owned())
            .collect::<Vec<_>>()
            .into_iter()
    }

    /// Redacts `text`, borrowing it unchanged when no rule matched.
    #[must_use]
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.detector.redact(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_when_clean() {
        assert!(matches!(
            Redactor::new().redact("nothing here"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn extra_rules_and_errors() {
        let red = Redactor::new()
            .with_extra("employee", r"(?:emp=)(E[0-9]{5})")
            .unwrap()
            .with_extra("ticket", r"ACME-[0-9]{6}")
            .unwrap();
        assert_eq!(
            red.redact("emp=E12345 ACME-123456"),
            "emp=[REDACTED:employee] [REDACTED:ticket]"
        );
        let err = Redactor::new().with_extra("bad", "(unclosed").unwrap_err();
        assert!(err.to_string().contains("`bad`"));
        assert!(std::error::Error::source(&err).is_some());
        assert!(Redactor::builtin_kinds().any(|k| k == "github-token"));
    }

    #[test]
    fn rules_files_extend() {
        let red = Redactor::new()
            .with_rules_toml(
                "[[rules]]\nid = \"acme\"\nregex = 'acme_[0-9]{8}'\nkeywords = [\"acme_\"]\n",
            )
            .unwrap();
        assert_eq!(red.redact("k acme_12345678"), "k [REDACTED:acme]");
        assert!(
            red.redact("id AKIAIOSFODNN7EXAMPLE")
                .contains("[REDACTED:aws-access-key]")
        );
    }
}
