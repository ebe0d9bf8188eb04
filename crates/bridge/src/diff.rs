//! What an edit changed, as a unified diff: `Edit` and `MultiEdit` calls of Claude Code (and
//! Gemini CLI's `replace`, read as `Edit`) from their old and new strings, made with the
//! `similar` crate; Codex's `apply_patch` from the patch it carries.
//!
//! Both sides are redacted before they are compared, so a secret never reaches the diff, and
//! a diff longer than its limit (the `max_lines` given, [`Limits::diff_lines`](crate::Limits)
//! in a capture) is shortened with a line saying how many were left out.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use similar::TextDiff;

use crate::redact::Redactor;

/// Longest line kept in a diff, in characters (a minified file is one long line).
const LINE_CHARS: usize = 400;

/// Lines of context around each change.
const CONTEXT: usize = 2;

/// Longest side of an edit compared, in characters: a bigger one is compared by its start
/// (the diff is shown shortened anyway), so that one huge edit cannot slow a capture down.
const EDIT_CHARS: usize = 64 * 1024;

/// Longest time spent comparing one edit; past it, `similar` gives a coarser, still correct
/// diff.
const DIFF_DEADLINE: Duration = Duration::from_millis(50);

/// The change one edit call made, as a unified diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EditDiff {
    /// The diff's hunks (`@@ … @@` headers, `-`, `+` and context lines), redacted, at most
    /// the `max_lines` it was made with.
    pub text: String,
    /// Lines added.
    pub added: usize,
    /// Lines removed.
    pub removed: usize,
    /// Lines of the diff left out of `text`.
    pub omitted: usize,
}

impl EditDiff {
    /// The diff of one or more `(old, new)` replacements in one file, each redacted first;
    /// `None` when nothing changed.
    ///
    /// ```
    /// use metalayer_bridge::{EditDiff, Redactor};
    ///
    /// let diff = EditDiff::of_edits(&[("let a = 1;\n", "let a = 2;\n")], 120, &Redactor::new()).unwrap();
    /// assert_eq!((diff.added, diff.removed), (1, 1));
    /// assert!(diff.text.contains("-let a = 1;") && diff.text.contains("+let a = 2;"));
    /// ```
    #[must_use]
    pub fn of_edits(edits: &[(&str, &str)], max_lines: usize, redactor: &Redactor) -> Option<Self> {
        let mut lines = Vec::new();
        for (old, new) in edits {
            let old = with_newline(&redactor.redact(crate::excerpt::cut(old, EDIT_CHARS)));
            let new = with_newline(&redactor.redact(crate::excerpt::cut(new, EDIT_CHARS)));
            if old == new {
                continue;
            }
            let diff = TextDiff::configure()
                .timeout(DIFF_DEADLINE)
                .diff_lines(&old, &new);
            let unified = diff.unified_diff().context_radius(CONTEXT).to_string();
            lines.extend(unified.lines().map(str::to_owned));
        }
        Self::from_lines(lines, max_lines)
    }

    /// The diff a patch in Codex's `apply_patch` format (`*** Begin Patch`, `*** Update File:
    /// …`, `@@`, `-`/`+`/` ` lines) or in unified format carries, redacted; `None` when it holds
    /// no changed line.
    ///
    /// ```
    /// use metalayer_bridge::{DIFF_LINES, EditDiff, Redactor};
    ///
    /// let patch = "*** Begin Patch\n*** Update File: src/a.rs\n@@\n-old\n+new\n*** End Patch\n";
    /// let diff = EditDiff::of_patch(patch, DIFF_LINES, &Redactor::new()).unwrap();
    /// assert_eq!((diff.added, diff.removed), (1, 1));
    /// assert!(diff.text.starts_with("*** Update File: src/a.rs"));
    /// ```
    #[must_use]
    pub fn of_patch(patch: &str, max_lines: usize, redactor: &Redactor) -> Option<Self> {
        let redacted = redactor.redact(patch);
        let lines = redacted
            .lines()
            .filter(|line| !matches!(line.trim_end(), "*** Begin Patch" | "*** End Patch"))
            .map(str::to_owned)
            .collect();
        Self::from_lines(lines, max_lines)
    }

    /// Counts and bounds the lines of a diff.
    fn from_lines(lines: Vec<String>, max_lines: usize) -> Option<Self> {
        let mut added = 0;
        let mut removed = 0;
        for line in &lines {
            if line.starts_with("+++") || line.starts_with("---") {
                continue;
            }
            if line.starts_with('+') {
                added += 1;
            } else if line.starts_with('-') {
                removed += 1;
            }
        }
        if added == 0 && removed == 0 {
            return None;
        }
        let omitted = lines.len().saturating_sub(max_lines);
        let mut text = String::new();
        for line in lines.iter().take(max_lines) {
            // Cut at a character, not a word: a diff line's sign and indentation must stay.
            let kept = line
                .char_indices()
                .nth(LINE_CHARS)
                .and_then(|(end, _)| line.get(..end))
                .unwrap_or(line);
            text.push_str(kept);
            if kept.len() < line.len() {
                text.push_str(" …");
            }
            text.push('\n');
        }
        Some(Self {
            text,
            added,
            removed,
            omitted,
        })
    }
}

/// `text` ending with a newline, so that a last line without one does not show as changed.
fn with_newline(text: &str) -> String {
    let mut owned = text.to_owned();
    if !owned.is_empty() && !owned.ends_with('\n') {
        owned.push('\n');
    }
    owned
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::DIFF_LINES;

    fn edits(pairs: &[(&str, &str)]) -> Option<EditDiff> {
        EditDiff::of_edits(pairs, DIFF_LINES, &Redactor::new())
    }

    #[test]
    fn a_replacement_shows_as_hunks_with_context() {
        let old = "fn a() {\n    let x = 1;\n    let y = 2;\n    x + y\n}\n";
        let new = "fn a() {\n    let x = 1;\n    let y = 3;\n    x + y\n}\n";
        let diff = edits(&[(old, new)]).unwrap();
        assert_eq!((diff.added, diff.removed, diff.omitted), (1, 1, 0));
        assert_eq!(
            diff.text,
            "@@ -1,5 +1,5 @@\n fn a() {\n     let x = 1;\n-    let y = 2;\n+    let y = 3;\n     x + y\n }\n"
        );
    }

    #[test]
    fn a_missing_final_newline_is_not_a_change() {
        let diff = edits(&[("a\nb", "a\nc")]).unwrap();
        assert_eq!((diff.added, diff.removed), (1, 1));
        assert!(!diff.text.contains("No newline"), "{}", diff.text);
    }

    #[test]
    fn unchanged_and_empty_edits_give_no_diff() {
        assert_eq!(edits(&[]), None);
        assert_eq!(edits(&[("same\n", "same\n")]), None);
        assert_eq!(edits(&[("", "")]), None);
        // An insertion into an empty string is a change.
        assert_eq!(edits(&[("", "new\n")]).map(|d| d.added), Some(1));
    }

    #[test]
    fn every_edit_of_a_multi_edit_counts() {
        let diff = edits(&[("a\n", "b\n"), ("c\n", ""), ("", "d\ne\n")]).unwrap();
        assert_eq!((diff.added, diff.removed), (3, 2));
        assert_eq!(diff.text.matches("@@ ").count(), 3);
    }

    #[test]
    fn secrets_are_redacted_on_both_sides() {
        let old = "key = \"AKIAIOSFODNN7EXAMPLE\"\n";
        let new = "key = \"AKIAI44QH8DHBEXAMPLE\"\nother = 1\n";
        let diff = edits(&[(old, new)]).unwrap();
        assert!(!diff.text.contains("AKIA"), "{}", diff.text);
        assert!(
            diff.text.contains("[REDACTED:aws-access-key]"),
            "{}",
            diff.text
        );
        // Both keys redact alike, so only the added line shows as a change.
        assert_eq!((diff.added, diff.removed), (1, 0));
    }

    #[test]
    fn a_long_diff_is_shortened_and_says_by_how_much() {
        let old: String = (0..500).map(|i| format!("line {i}\n")).collect();
        let new: String = (0..500).map(|i| format!("LINE {i}\n")).collect();
        let diff = edits(&[(&old, &new)]).unwrap();
        assert_eq!((diff.added, diff.removed), (500, 500));
        assert_eq!(diff.text.lines().count(), DIFF_LINES);
        assert_eq!(diff.omitted, 1001 - DIFF_LINES);
        // A huge edit is compared by its start, quickly.
        let huge_old: String = (0..200_000).map(|i| format!("{i}\n")).collect();
        let huge_new: String = (0..200_000).map(|i| format!("{}\n", i * 7)).collect();
        let started = std::time::Instant::now();
        let diff = edits(&[(&huge_old, &huge_new)]).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert!(diff.added > 0 && diff.text.lines().count() == DIFF_LINES);
        let wide = "x".repeat(5000);
        let diff = edits(&[("a\n", &wide)]).unwrap();
        assert!(
            diff.text.len() < 1000 && diff.text.contains("x …"),
            "{}",
            diff.text
        );
    }

    #[test]
    fn codex_patches_keep_their_file_headers() {
        let patch = "*** Begin Patch\n*** Add File: b.txt\n+hello\n*** Update File: a.rs\n@@ fn main\n-    old();\n+    new();\n*** Delete File: c.rs\n*** End Patch";
        let diff = EditDiff::of_patch(patch, DIFF_LINES, &Redactor::new()).unwrap();
        assert_eq!((diff.added, diff.removed), (2, 1));
        assert_eq!(
            diff.text,
            "*** Add File: b.txt\n+hello\n*** Update File: a.rs\n@@ fn main\n-    old();\n+    new();\n*** Delete File: c.rs\n"
        );
        assert_eq!(
            EditDiff::of_patch(
                "*** Begin Patch\n*** End Patch\n",
                DIFF_LINES,
                &Redactor::new()
            ),
            None
        );
        // A unified diff's file headers are not counted as changes.
        let unified = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n";
        let diff = EditDiff::of_patch(unified, DIFF_LINES, &Redactor::new()).unwrap();
        assert_eq!((diff.added, diff.removed), (1, 1));
    }
}
