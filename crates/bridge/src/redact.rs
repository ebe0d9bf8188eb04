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

    /// Redacts `text`, borrowing it unchanged when no rule matched: secrets become
    /// `[REDACTED:rule]`, and home directories (`/home/NAME`, `/Users/NAME`, `/root`,
    /// `C:\Users\NAME`) become `~`, so that no user name is written out.
    #[must_use]
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.detector.redact(text) {
            Cow::Borrowed(text) => without_home_dirs(text),
            Cow::Owned(text) => Cow::Owned(without_home_dirs(&text).into_owned()),
        }
    }

    /// Redacts only the secrets in `text` (what [`Redactor::redact`] does, home directories
    /// left as they are): for records that must keep the command as it ran, such as the
    /// decision ledger.
    #[must_use]
    pub fn redact_secrets<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.detector.redact(text)
    }
}

/// `text` with every home directory at the start of a path written `~` (`/home/alice/x` is
/// `~/x`); a `/home/` inside a longer word or a URL (`https://h/home/a`) is left alone.
pub(crate) fn without_home_dirs(text: &str) -> Cow<'_, str> {
    const HOMES: &[&str] = &[
        "/home/",
        "/Users/",
        "C:\\Users\\",
        "c:\\users\\",
        "C:/Users/",
    ];
    if !HOMES.iter().any(|h| text.contains(h)) && !text.contains("/root") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let starts_path = |before: Option<char>| {
        before.is_none_or(|c| {
            !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '/' | ':' | '\\'))
        })
    };
    'scan: while !rest.is_empty() {
        let before = out.chars().last();
        if starts_path(before) {
            for home in HOMES {
                if let Some(after) = rest.strip_prefix(home) {
                    let name_len = after
                        .find(|c: char| {
                            c == '/'
                                || c == '\\'
                                || c.is_whitespace()
                                || matches!(c, '"' | '\'' | '`' | ')' | ']' | ',' | ';')
                        })
                        .unwrap_or(after.len());
                    if name_len > 0 {
                        out.push('~');
                        rest = after.get(name_len..).unwrap_or_default();
                        continue 'scan;
                    }
                }
            }
            if let Some(after) = rest.strip_prefix("/root")
                && after.chars().next().is_none_or(|c| {
                    c == '/' || c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ')' | ',' | ';')
                })
            {
                out.push('~');
                rest = after;
                continue;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    Cow::Owned(out)
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
    fn home_directories_become_a_tilde() {
        for (text, shown) in [
            (
                "File created successfully at: /home/alice/notes/todo.txt",
                "File created successfully at: ~/notes/todo.txt",
            ),
            ("cd /Users/bob && ls", "cd ~ && ls"),
            (
                "'/home/carol/x' and \"/root/.cargo/bin\"",
                "'~/x' and \"~/.cargo/bin\"",
            ),
            ("C:\\Users\\dave\\repo", "~\\repo"),
            (
                "see https://example.com/home/alice/x",
                "see https://example.com/home/alice/x",
            ),
            ("/rooted and /home/ alone", "/rooted and /home/ alone"),
            ("/srv/home/x stays", "/srv/home/x stays"),
        ] {
            assert_eq!(Redactor::new().redact(text), shown, "{text}");
        }
        assert!(matches!(without_home_dirs("no homes"), Cow::Borrowed(_)));
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
