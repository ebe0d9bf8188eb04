//! Secret redaction applied to every string before it is rendered.
//!
//! Each rule has keywords (`ghp_`, `AKIA`, `-----BEGIN`, `eyJ`, `://`, ...). One
//! ASCII-case-insensitive Aho-Corasick pass over a text finds which keywords occur, and only
//! the rules they belong to run. Regexes are compiled on first use (process-wide, in
//! `OnceLock`s) with Unicode disabled where the pattern allows it.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use aho_corasick::AhoCorasick;
use regex_automata::meta::Regex;
use regex_automata::util::syntax;

use crate::error::RedactError;

/// Redacts secrets in text: a match becomes `[REDACTED:<kind>]`.
///
/// Built-in rules cover cloud keys (AWS, GCP, Azure), forge and registry tokens (GitHub,
/// GitLab, npm, PyPI), Slack, Stripe, OpenAI, Anthropic, Google AI and Hugging Face keys,
/// private key blocks, JWTs, credentials in URLs, `Bearer` tokens and `NAME=value` /
/// `"name": "value"` assignments whose name says key, token, secret, password or credential
/// (the name is kept: `API_KEY=[REDACTED:secret-assignment]`). Placeholders such as `xxx`,
/// `<token>` or `${TOKEN}` are left alone.
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
/// assert_eq!(r.redact("PASSWORD=hunter22 user"), "PASSWORD=[REDACTED:secret-assignment] user");
/// assert_eq!(r.redact("token: ${TOKEN}"), "token: ${TOKEN}");
/// # Ok::<(), metalayer_bridge::RedactError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    extra: Arc<Vec<ExtraRule>>,
}

#[derive(Debug)]
struct ExtraRule {
    kind: String,
    regex: Regex,
}

/// A built-in rule.
struct Spec {
    kind: &'static str,
    pattern: &'static str,
    /// Whether the pattern needs Unicode mode (negated classes, `.`).
    unicode: bool,
    keywords: &'static [&'static str],
    /// Accepts or rejects the matched secret (the first capture group, or the whole match).
    check: Option<fn(&str) -> bool>,
}

const SPECS: &[Spec] = &[
    Spec {
        kind: "private-key",
        pattern: r"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|\z)",
        unicode: true,
        keywords: &["-----BEGIN"],
        check: None,
    },
    Spec {
        kind: "aws-access-key",
        pattern: r"(?:\b|_)((?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16})",
        unicode: false,
        keywords: &[
            "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA",
        ],
        check: None,
    },
    Spec {
        kind: "aws-secret-key",
        pattern: r#"(?i)aws_?secret_?(?:access_?)?key["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9/+]{40})"#,
        unicode: false,
        keywords: &["secret_access", "secretaccess", "aws_secret", "awssecret"],
        check: None,
    },
    Spec {
        kind: "google-api-key",
        pattern: r"AIza[0-9A-Za-z_\-]{35}",
        unicode: false,
        keywords: &["AIza"],
        check: None,
    },
    Spec {
        kind: "gcp-private-key-id",
        pattern: r#""private_key_id"[ \t]*:[ \t]*"([0-9a-f]{40})""#,
        unicode: false,
        keywords: &["private_key_id"],
        check: None,
    },
    Spec {
        kind: "azure-connection-string",
        pattern: r#"(?i)(?:DefaultEndpointsProtocol|AccountName|BlobEndpoint|Endpoint)=[^\s"']*(?:AccountKey|SharedAccessKey)=[^\s"']+"#,
        unicode: true,
        keywords: &["AccountKey=", "SharedAccessKey="],
        check: None,
    },
    Spec {
        kind: "azure-storage-key",
        pattern: r"(?i)(?:AccountKey|SharedAccessKey)[ \t]*[:=][ \t]*([A-Za-z0-9+/]{40,}={0,2})",
        unicode: false,
        keywords: &["AccountKey", "SharedAccessKey"],
        check: None,
    },
    Spec {
        kind: "github-token",
        pattern: r"(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}",
        unicode: false,
        keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        check: None,
    },
    Spec {
        kind: "github-token",
        pattern: r"github_pat_[A-Za-z0-9_]{22,255}",
        unicode: false,
        keywords: &["github_pat_"],
        check: None,
    },
    Spec {
        kind: "gitlab-token",
        pattern: r"glpat-[A-Za-z0-9_\-]{20,}",
        unicode: false,
        keywords: &["glpat-"],
        check: None,
    },
    Spec {
        kind: "npm-token",
        pattern: r"npm_[A-Za-z0-9]{36,}",
        unicode: false,
        keywords: &["npm_"],
        check: None,
    },
    Spec {
        kind: "pypi-token",
        pattern: r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}",
        unicode: false,
        keywords: &["pypi-AgEI"],
        check: None,
    },
    Spec {
        kind: "slack-webhook",
        pattern: r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/]+",
        unicode: false,
        keywords: &["hooks.slack.com"],
        check: None,
    },
    Spec {
        kind: "slack-token",
        pattern: r"xox[baprs]-[A-Za-z0-9\-]{10,}",
        unicode: false,
        keywords: &["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"],
        check: None,
    },
    Spec {
        kind: "stripe-key",
        pattern: r"(?:sk|rk|pk)_live_[A-Za-z0-9]{16,}",
        unicode: false,
        keywords: &["sk_live_", "rk_live_", "pk_live_"],
        check: None,
    },
    Spec {
        kind: "anthropic-key",
        pattern: r"sk-ant-[A-Za-z0-9_\-]{20,}",
        unicode: false,
        keywords: &["sk-ant-"],
        check: None,
    },
    Spec {
        kind: "openai-key",
        pattern: r"(?:\b|_)(sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,}|[A-Za-z0-9]{20,}[A-Za-z0-9_\-]*))",
        unicode: false,
        keywords: &["sk-"],
        check: None,
    },
    Spec {
        kind: "huggingface-token",
        pattern: r"hf_[A-Za-z0-9]{34,}",
        unicode: false,
        keywords: &["hf_"],
        check: None,
    },
    Spec {
        kind: "jwt",
        pattern: r"eyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*",
        unicode: false,
        keywords: &["eyJ"],
        check: None,
    },
    Spec {
        kind: "url-credentials",
        pattern: r#"\b[A-Za-z][A-Za-z0-9+.\-]*://([^\s:/?#@'"<>]+:[^\s/?#@'"<>]+)@"#,
        unicode: true,
        keywords: &["://"],
        check: Some(url_password_is_secret),
    },
    Spec {
        kind: "bearer-token",
        pattern: r"(?i)\bbearer[ \t]+([A-Za-z0-9_\-.=+/~]{16,})",
        unicode: false,
        keywords: &["bearer"],
        check: Some(is_secret_value),
    },
    Spec {
        kind: "secret-assignment",
        pattern: r#"(?i)[A-Za-z0-9_.\-]*(?:key|token|secret|password|passwd|credential)s?[A-Za-z0-9_.\-]*["']?[ \t]*(?::=|:|=)[ \t]*(?:"([^"\r\n]*)"|'([^'\r\n]*)'|([^\s"'`,;)}\]]+))"#,
        unicode: true,
        keywords: &["key", "token", "secret", "password", "passwd", "credential"],
        check: Some(is_secret_value),
    },
];

/// Regexes of [`SPECS`], compiled on first use.
static COMPILED: [OnceLock<Option<Regex>>; SPECS.len()] = [const { OnceLock::new() }; SPECS.len()];
/// The keyword automaton and, per automaton pattern, the index of its rule in [`SPECS`].
static KEYWORDS: OnceLock<Option<(AhoCorasick, Vec<usize>)>> = OnceLock::new();

fn compile(pattern: &str, unicode: bool) -> Result<Regex, Box<regex_automata::meta::BuildError>> {
    Regex::builder()
        .syntax(syntax::Config::new().unicode(unicode))
        .build(pattern)
        .map_err(Box::new)
}

fn builtin(index: usize) -> Option<&'static Regex> {
    let spec = SPECS.get(index)?;
    COMPILED
        .get(index)?
        .get_or_init(|| compile(spec.pattern, spec.unicode).ok())
        .as_ref()
}

fn keywords() -> Option<&'static (AhoCorasick, Vec<usize>)> {
    KEYWORDS
        .get_or_init(|| {
            let mut words = Vec::new();
            let mut owners = Vec::new();
            for (index, spec) in SPECS.iter().enumerate() {
                for word in spec.keywords {
                    words.push(*word);
                    owners.push(index);
                }
            }
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&words)
                .ok()
                .map(|ac| (ac, owners))
        })
        .as_ref()
}

/// Whether a matched assignment value looks like a real secret rather than a placeholder.
fn is_secret_value(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let placeholder_start = [
        "$",
        "<",
        "{",
        "%",
        "*",
        "[redacted",
        "=",
        ">",
        "(",
        "&",
        "@",
        "\\",
    ];
    let placeholder_words = [
        "null",
        "none",
        "nil",
        "true",
        "false",
        "undefined",
        "changeme",
        "change-me",
        "redacted",
        "example",
        "placeholder",
        "password",
        "secret",
        "token",
        "string",
        "required",
        "optional",
    ];
    if v.chars().count() < 6
        || placeholder_start.iter().any(|p| lower.starts_with(p))
        || placeholder_words.contains(&lower.as_str())
        || lower.starts_with("your")
        || lower.contains("xxxx")
        || lower.contains("...")
        || v.contains('(')
        || v.contains('<')
    {
        return false;
    }
    let mut chars = v.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return false;
    }
    // A plain word of letters only is more likely a type or identifier than a secret unless
    // it is long.
    let letters_only = v.chars().all(|c| c.is_ascii_alphabetic());
    !(letters_only && v.len() < 12)
}

/// For `user:pass` in a URL: the password must not be a placeholder.
fn url_password_is_secret(userinfo: &str) -> bool {
    userinfo.split_once(':').is_some_and(|(_, password)| {
        let lower = password.to_ascii_lowercase();
        !password.is_empty()
            && !password.starts_with(['$', '<', '{', '%', '*'])
            && !lower.contains("xxx")
            && !lower.contains("[redacted")
            && !matches!(lower.as_str(), "password" | "pass" | "secret" | "changeme")
    })
}

/// Replaces each match of `regex` (its first participating capture group, or the whole
/// match) by `[REDACTED:kind]`. `None` when nothing changed.
fn apply(regex: &Regex, kind: &str, check: Option<fn(&str) -> bool>, text: &str) -> Option<String> {
    let mut out = String::new();
    let mut last = 0;
    for caps in regex.captures_iter(text) {
        let Some(whole) = caps.get_match() else {
            continue;
        };
        let span = (1..caps.group_len())
            .find_map(|group| caps.get_group(group))
            .unwrap_or_else(|| whole.span());
        if span.start < last || span.is_empty() {
            continue;
        }
        let Some(secret) = text.get(span.range()) else {
            continue;
        };
        if check.is_some_and(|accept| !accept(secret)) {
            continue;
        }
        out.push_str(text.get(last..span.start)?);
        out.push_str("[REDACTED:");
        out.push_str(kind);
        out.push(']');
        last = span.end;
    }
    if last == 0 {
        return None;
    }
    out.push_str(text.get(last..)?);
    Some(out)
}

impl Redactor {
    /// A redactor with the built-in rules only.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a rule (for the policy's `bridge.redact`): matches of `pattern` become
    /// `[REDACTED:<name>]`; when the pattern has capture groups, only the first group that
    /// took part in the match is replaced (so `(?:user=)(\w+)` keeps `user=`). Extra rules
    /// have no keywords and run on every text, after the built-in ones.
    ///
    /// # Errors
    ///
    /// [`RedactError::InvalidPattern`] when the pattern does not compile.
    pub fn with_extra(self, name: &str, pattern: &str) -> Result<Self, RedactError> {
        let regex = compile(pattern, true).map_err(|e| RedactError::InvalidPattern {
            name: name.to_owned(),
            pattern: pattern.to_owned(),
            source: e,
        })?;
        let mut extra: Vec<ExtraRule> = Vec::with_capacity(self.extra.len() + 1);
        for rule in self.extra.iter() {
            extra.push(ExtraRule {
                kind: rule.kind.clone(),
                regex: rule.regex.clone(),
            });
        }
        extra.push(ExtraRule {
            kind: name.to_owned(),
            regex,
        });
        Ok(Self {
            extra: Arc::new(extra),
        })
    }

    /// The kinds of the built-in rules, in the order they run.
    pub fn builtin_kinds() -> impl Iterator<Item = &'static str> {
        let mut seen: Vec<&'static str> = Vec::new();
        for spec in SPECS {
            if !seen.contains(&spec.kind) {
                seen.push(spec.kind);
            }
        }
        seen.into_iter()
    }

    /// Redacts `text`, borrowing it unchanged when no rule matched.
    #[must_use]
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut current: Cow<'a, str> = Cow::Borrowed(text);
        if let Some((ac, owners)) = keywords() {
            let mut wanted = [false; SPECS.len()];
            for m in ac.find_overlapping_iter(text) {
                if let Some(slot) = owners
                    .get(m.pattern().as_usize())
                    .and_then(|&rule| wanted.get_mut(rule))
                {
                    *slot = true;
                }
            }
            for (index, spec) in SPECS.iter().enumerate() {
                if !wanted.get(index).copied().unwrap_or(false) {
                    continue;
                }
                let Some(regex) = builtin(index) else {
                    continue;
                };
                if let Some(next) = apply(regex, spec.kind, spec.check, &current) {
                    current = Cow::Owned(next);
                }
            }
        }
        for rule in self.extra.iter() {
            if let Some(next) = apply(&rule.regex, &rule.kind, None, &current) {
                current = Cow::Owned(next);
            }
        }
        current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str) -> String {
        Redactor::new().redact(text).into_owned()
    }

    #[test]
    fn every_builtin_pattern_compiles() {
        for (index, spec) in SPECS.iter().enumerate() {
            assert!(
                builtin(index).is_some(),
                "rule {} does not compile",
                spec.kind
            );
        }
        assert!(keywords().is_some());
    }

    /// One positive sample per rule: (text, expected output).
    fn positives() -> Vec<(String, String)> {
        let b64_40 = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let az_key = format!("{}==", "Zm9vYmFy".repeat(11).get(..86).unwrap());
        vec![
            (
                "k=-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- ok".into(),
                "k=[REDACTED:private-key] ok".into(),
            ),
            (
                "truncated -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNza".into(),
                "truncated [REDACTED:private-key]".into(),
            ),
            ("id AKIAIOSFODNN7EXAMPLE.".into(), "id [REDACTED:aws-access-key].".into()),
            (
                format!("aws_secret_access_key = {b64_40}"),
                "aws_secret_access_key = [REDACTED:aws-secret-key]".into(),
            ),
            (
                format!("key AIza{}", "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"),
                "key [REDACTED:google-api-key]".into(),
            ),
            (
                format!(r#""private_key_id": "{}""#, "0123456789abcdef".repeat(3).get(..40).unwrap()),
                r#""private_key_id": "[REDACTED:gcp-private-key-id]""#.into(),
            ),
            (
                format!("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={az_key};EndpointSuffix=core.windows.net done"),
                "[REDACTED:azure-connection-string] done".into(),
            ),
            (format!("AccountKey: {az_key}"), "AccountKey: [REDACTED:azure-storage-key]".into()),
            (
                format!("t ghp_{}", "A1b2C3d4E5".repeat(4).get(..36).unwrap()),
                "t [REDACTED:github-token]".into(),
            ),
            (
                format!("t github_pat_11ABCDEFG0{}", "x_Y1".repeat(10)),
                "t [REDACTED:github-token]".into(),
            ),
            ("t glpat-AbCdEfGhIjKlMnOpQrSt1".into(), "t [REDACTED:gitlab-token]".into()),
            (
                format!("t npm_{}", "a1B2c3".repeat(6)),
                "t [REDACTED:npm-token]".into(),
            ),
            (
                format!("t pypi-AgEIcHlwaS5vcmc{}", "CJDk4ZTc".repeat(8)),
                "t [REDACTED:pypi-token]".into(),
            ),
            (
                "POST https://hooks.slack.com/services/T0000/B0000/XXXXabcd1234 now".into(),
                "POST [REDACTED:slack-webhook] now".into(),
            ),
            ("t xoxb-123456789012-abcdefABCDEF".into(), "t [REDACTED:slack-token]".into()),
            ("t sk_live_4eC39HqLyjWDarjtT1zdp7dc".into(), "t [REDACTED:stripe-key]".into()),
            ("t rk_live_4eC39HqLyjWDarjtT1zdp7dc".into(), "t [REDACTED:stripe-key]".into()),
            (
                "t sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWx-yz".into(),
                "t [REDACTED:anthropic-key]".into(),
            ),
            ("t sk-AbCdEfGhIjKlMnOpQrStUvWxYz012345".into(), "t [REDACTED:openai-key]".into()),
            (
                "t sk-proj-Ab_CdEfGh-IjKlMnOpQrStUvWx".into(),
                "t [REDACTED:openai-key]".into(),
            ),
            (
                format!("t hf_{}", "AbCdEfGhIj".repeat(4)),
                "t [REDACTED:huggingface-token]".into(),
            ),
            (
                "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U done".into(),
                "jwt [REDACTED:jwt] done".into(),
            ),
            (
                "clone https://alice:s3cr3tPass@example.com/repo.git".into(),
                "clone https://[REDACTED:url-credentials]@example.com/repo.git".into(),
            ),
            (
                "Authorization: Bearer abcdef0123456789ABCDEF".into(),
                "Authorization: Bearer [REDACTED:bearer-token]".into(),
            ),
            (
                "export DB_PASSWORD=hunter22 && run".into(),
                "export DB_PASSWORD=[REDACTED:secret-assignment] && run".into(),
            ),
            (
                r#"{"client_secret": "a b c 123456"}"#.into(),
                r#"{"client_secret": "[REDACTED:secret-assignment]"}"#.into(),
            ),
        ]
    }

    #[test]
    fn positive_sample_per_rule() {
        let samples = positives();
        for (input, expected) in &samples {
            assert_eq!(&r(input), expected, "input: {input}");
        }
        for kind in Redactor::builtin_kinds() {
            let tag = format!("[REDACTED:{kind}]");
            assert!(
                samples.iter().any(|(_, out)| out.contains(&tag)),
                "no sample for {kind}"
            );
        }
    }

    #[test]
    fn near_misses_stay() {
        let keep = [
            "update the task-list and the disk-usage report",
            "AKIA is the prefix of AWS access key ids",
            "password=",
            "password=\nnext line",
            "token: ${TOKEN}",
            "API_KEY=<your key here>",
            "SECRET_KEY=xxxxxxxx",
            "password: ********",
            "let token = parse_token(input);",
            "if key == other { }",
            "api_key: String,",
            "token: Option<String>",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9 is only a header",
            "aGVsbG8gd29ybGQ=.aGVsbG8= plain base64",
            "Bearer token auth",
            "visit https://example.com/path?x=1",
            "postgres://user:${DB_PASS}@localhost/db",
            "ghp_short",
            "the sk-learn docs",
            "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
            "keyboard shortcuts",
        ];
        for text in keep {
            assert_eq!(r(text), text);
        }
    }

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
            .unwrap();
        assert_eq!(red.redact("emp=E12345 x"), "emp=[REDACTED:employee] x");
        let err = Redactor::new().with_extra("bad", "(unclosed").unwrap_err();
        assert!(err.to_string().contains("`bad`"));
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn multiple_secrets_in_one_text() {
        let text = format!(
            "a=AKIAIOSFODNN7EXAMPLE b=ghp_{} c=AKIAIOSFODNN7EXAMPL2",
            "z".repeat(36)
        );
        let out = r(&text);
        assert_eq!(out.matches("[REDACTED:aws-access-key]").count(), 2);
        assert!(out.contains("[REDACTED:github-token]"));
        assert!(!out.contains("AKIA") && !out.contains("ghp_"));
    }
}
