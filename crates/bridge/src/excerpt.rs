//! Bounded excerpts of long texts.

use serde::{Deserialize, Serialize};

/// A text cut to a bounded length, remembering how long the original was.
///
/// The cut is made at a white-space boundary, so that no secret token is ever stored half
/// (a half token would escape the redaction rules, which need the whole token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Excerpt {
    /// The kept text (at most the limit given to [`Excerpt::new`], in characters).
    pub text: String,
    /// The length of the original text in characters.
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
