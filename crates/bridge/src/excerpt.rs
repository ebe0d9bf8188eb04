//! Bounded excerpts of long texts.

use serde::{Deserialize, Serialize};

use crate::redact::Redactor;

/// How far past a cut [`Excerpt::redacted`] looks for a secret that the cut would split, in
/// characters: longer than any secret the built-in rules match with its name and quotes
/// (values are at most 256 characters), except private key blocks, whose rule also matches
/// a block cut short.
const REDACTION_MARGIN: usize = 512;

/// A text cut to a bounded length, remembering how long the original was.
///
/// The cut is made at a white-space boundary, so that no secret token is ever stored half
/// (a half token would escape the redaction rules, which need the whole token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Excerpt {
    /// The kept text (at most the limit given to [`Excerpt::new`], in characters, plus the
    /// marker of a secret that spans the limit in [`Excerpt::redacted`]).
    pub text: String,
    /// The length of the original text in characters; for [`Excerpt::redacted`], of the
    /// original with its secrets replaced by their markers (so that neither the count of
    /// characters left out nor this gives away a secret's length).
    pub total_chars: u64,
}

impl Excerpt {
    /// Keeps at most `max_chars` characters of `text`, cut back to the last white space.
    #[must_use]
    pub fn new(text: &str, max_chars: usize) -> Self {
        let total_chars = text.chars().count() as u64;
        Self {
            text: cut(text, max_chars).to_owned(),
            total_chars,
        }
    }

    /// Redacts `text` with `redactor` and then keeps at most `max_chars` characters, cut back to
    /// the last white space: a secret is always replaced whole, even one that spans the cut
    /// (a quoted password with spaces), so that no part of it is ever kept. Only the text
    /// near the cut is searched, so a long text costs no more than the part kept.
    ///
    /// ```
    /// use metalayer_bridge::{Excerpt, Redactor};
    ///
    /// let text = r#"run it with password = "correct horse battery staple" please"#;
    /// // Cut plainly, 35 characters would keep `password = "correct`.
    /// let e = Excerpt::redacted(text, 35, &Redactor::new());
    /// assert_eq!(e.text, r#"run it with password = "[REDACTED:password-assignment]"#);
    /// // What is left out is counted after the redaction: `" please`.
    /// assert_eq!(e.omitted_chars(), 8);
    /// ```
    #[must_use]
    pub fn redacted(text: &str, max_chars: usize, redactor: &Redactor) -> Self {
        let window_end = text
            .char_indices()
            .nth(max_chars.saturating_add(REDACTION_MARGIN))
            .map_or(text.len(), |(at, _)| at);
        let window = text.get(..window_end).unwrap_or_default();
        let findings = redactor.detector().find(window);
        let mut end = cut(text, max_chars).len();
        let mut kept = String::new();
        let mut last = 0;
        for finding in &findings {
            let span = finding.span();
            if span.start >= end {
                break;
            }
            // A secret that the cut would split is kept whole, as its marker.
            end = end.max(span.end);
            kept.push_str(window.get(last..span.start).unwrap_or_default());
            kept.push_str("[REDACTED:");
            kept.push_str(finding.rule().as_str());
            kept.push(']');
            last = span.end;
        }
        kept.push_str(window.get(last..end.max(last)).unwrap_or_default());
        // No user name is kept either (`/home/alice/x` is `~/x`).
        let kept = crate::redact::without_home_dirs(&kept).into_owned();
        // The rest may hold secrets too; it is counted as the redactor would write it only
        // when it is short enough to redact cheaply, else by its raw length (a long rest is
        // what the limit is for, and its count says nothing of one secret's length).
        let rest = text.get(end.max(last)..).unwrap_or_default();
        let rest_chars = if rest.len() <= REDACTION_MARGIN * 4 {
            redactor.redact(rest).chars().count()
        } else {
            rest.chars().count()
        };
        Self {
            total_chars: (kept.chars().count() + rest_chars) as u64,
            text: kept,
        }
    }

    /// How many characters of the original are not in [`Excerpt::text`].
    #[must_use]
    pub fn omitted_chars(&self) -> u64 {
        self.total_chars
            .saturating_sub(self.text.chars().count() as u64)
    }
}

/// The longest prefix of `text` of at most `max_chars` characters that ends at a white-space
/// boundary (or the whole text when it fits).
pub(crate) fn cut(text: &str, max_chars: usize) -> &str {
    let Some((end, _)) = text.char_indices().nth(max_chars) else {
        return text;
    };
    let head = text.get(..end).unwrap_or_default();
    // When the character at the cut is white space, the head ends on a whole word.
    if text
        .get(end..)
        .is_some_and(|rest| rest.starts_with(char::is_whitespace))
    {
        return head.trim_end();
    }
    match head.rfind(char::is_whitespace) {
        Some(at) => head.get(..at).unwrap_or_default().trim_end(),
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_white_space() {
        assert_eq!(cut("hello world", 20), "hello world");
        assert_eq!(cut("hello world", 7), "hello");
        assert_eq!(cut("hello world", 5), "hello");
        assert_eq!(cut("helloworld", 5), "");
        assert_eq!(cut("héllo wörld again", 11), "héllo wörld");
        let e = Excerpt::new("one two three", 8);
        assert_eq!(e.text, "one two");
        assert_eq!(e.total_chars, 13);
        assert_eq!(e.omitted_chars(), 6);
    }

    #[test]
    fn redacted_before_the_cut() {
        let r = Redactor::new();
        let text = r#"x password = "correct horse battery staple" and more words after it"#;
        for max in 0..text.len() {
            let kept = Excerpt::redacted(text, max, &r).text;
            for word in ["correct", "horse", "battery", "staple"] {
                assert!(!kept.contains(word), "{max}: {kept}");
            }
        }
        let e = Excerpt::redacted("plain words only", 11, &r);
        assert_eq!(e.text, "plain words");
        assert_eq!(e.omitted_chars(), 5);
        // A secret found past the cut is not kept.
        let long = format!("{} AKIAIOSFODNN7EXAMPLE", "word ".repeat(10));
        assert_eq!(Excerpt::redacted(&long, 20, &r).text, "word word word word");
    }

    #[test]
    fn what_is_left_out_is_counted_after_redaction() {
        let r = Redactor::new();
        // The marker is shorter than the secret: nothing was cut, and nothing says how long
        // the secret was.
        let text = "here is the token: 9c1f4e7a2b8d3f6e0a5c9b2d7e4f1a8c";
        let e = Excerpt::redacted(text, 200, &r);
        assert!(e.text.contains("[REDACTED:"), "{}", e.text);
        assert_eq!(e.omitted_chars(), 0, "{e:?}");
        assert_eq!(e.total_chars, e.text.chars().count() as u64);
        // A secret past the cut counts as its marker.
        let text = "keep these words, then AKIAIOSFODNN7EXAMPLE";
        let e = Excerpt::redacted(text, 16, &r);
        assert_eq!(e.text, "keep these");
        let marker = r.redact(" words, then AKIAIOSFODNN7EXAMPLE");
        assert_eq!(e.omitted_chars(), marker.chars().count() as u64);
    }

    #[test]
    fn never_keeps_half_a_token() {
        let token = format!("ghp_{}", "a".repeat(36));
        let text = format!("push {token} now");
        for max in 0..text.len() {
            let kept = cut(&text, max);
            assert!(
                !kept.contains("ghp_") || kept.contains(&token),
                "{max}: {kept}"
            );
        }
    }
}
