//! How much of a session the bridge keeps: whole by default, with bulky tool output
//! shortened; the policy's `bridge.limits` section sets each limit. Every shortening is said
//! where it happens (`… (N more characters)`, `N more lines`, `N earlier items not kept`).

use serde::{Deserialize, Serialize};

/// The limits a capture applies (see the module docs). `None` keeps everything.
///
/// ```
/// use metalayer_bridge::Limits;
///
/// let limits = Limits::default();
/// assert_eq!(limits.text_chars, None); // prompts, answers and thinking whole
/// assert_eq!(limits.thread_items, None); // every turn of the session
/// assert_eq!(limits.output_chars, Some(1000)); // a tool's output is shortened
/// let tight = Limits::default().with_thread_items(Some(50));
/// assert_eq!(tight.thread_items, Some(50));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Limits {
    /// Characters kept of a prompt, an answer or a thinking block (`None`: whole).
    pub text_chars: Option<usize>,
    /// Characters kept and shown of a tool's output (`None`: whole).
    pub output_chars: Option<usize>,
    /// Lines shown of an edit's diff (`None`: whole).
    pub diff_lines: Option<usize>,
    /// The most recent thread items kept (`None`: the whole session).
    pub thread_items: Option<usize>,
}

/// Default characters of a tool's output kept.
pub const OUTPUT_CHARS: usize = 1000;

/// Default lines of an edit's diff shown.
pub const DIFF_LINES: usize = 120;

impl Default for Limits {
    fn default() -> Self {
        Self {
            text_chars: None,
            output_chars: Some(OUTPUT_CHARS),
            diff_lines: Some(DIFF_LINES),
            thread_items: None,
        }
    }
}

impl Limits {
    /// Sets [`Limits::text_chars`].
    #[must_use]
    pub fn with_text_chars(mut self, chars: Option<usize>) -> Self {
        self.text_chars = chars;
        self
    }

    /// Sets [`Limits::output_chars`].
    #[must_use]
    pub fn with_output_chars(mut self, chars: Option<usize>) -> Self {
        self.output_chars = chars;
        self
    }

    /// Sets [`Limits::diff_lines`].
    #[must_use]
    pub fn with_diff_lines(mut self, lines: Option<usize>) -> Self {
        self.diff_lines = lines;
        self
    }

    /// Sets [`Limits::thread_items`].
    #[must_use]
    pub fn with_thread_items(mut self, items: Option<usize>) -> Self {
        self.thread_items = items;
        self
    }

    /// Characters of a prompt, answer or thinking block to keep.
    pub(crate) fn text(&self) -> usize {
        self.text_chars.unwrap_or(usize::MAX)
    }

    /// Characters of a tool's output to keep.
    pub(crate) fn output(&self) -> usize {
        self.output_chars.unwrap_or(usize::MAX)
    }

    /// Lines of a diff to show.
    pub(crate) fn diff(&self) -> usize {
        self.diff_lines.unwrap_or(usize::MAX)
    }

    /// Thread items to keep.
    pub(crate) fn thread(&self) -> usize {
        self.thread_items.unwrap_or(usize::MAX)
    }

    /// A short fingerprint of the limits, kept in the capture state so that a change of the
    /// policy's limits rewrites the session files.
    pub(crate) fn fingerprint(&self) -> String {
        let part = |v: Option<usize>| v.map_or_else(|| "-".to_owned(), |n| n.to_string());
        format!(
            "t{}o{}d{}i{}",
            part(self.text_chars),
            part(self.output_chars),
            part(self.diff_lines),
            part(self.thread_items)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_differ_per_limit() {
        let base = Limits::default();
        let all = [
            base,
            base.with_text_chars(Some(10)),
            base.with_output_chars(None),
            base.with_diff_lines(Some(5)),
            base.with_thread_items(Some(7)),
        ];
        let prints: std::collections::BTreeSet<String> =
            all.iter().map(Limits::fingerprint).collect();
        assert_eq!(prints.len(), all.len());
        assert_eq!(base.text(), usize::MAX);
        assert_eq!(base.output(), OUTPUT_CHARS);
    }
}
