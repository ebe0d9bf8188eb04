//! A rule into the lessons section of AGENTS.md.
//!
//! The section is the lines between [`LESSONS_BEGIN`] and [`LESSONS_END`]; a rule is one
//! bullet inserted just before the closing marker, so the newest rule is the last. When the
//! file has no section, one is appended at its end under [`LESSONS_HEADING`]; when there is no
//! file, it is created with the section alone. Nothing outside the section is touched.
//!
//! A bullet ends with where it came from: `- RULE (lesson `ID`; sessions: [DATE HARNESS
//! ID8](LINK), ...)`. [`rule_text`] gives back the rule without that tail.

use std::fmt::Write as _;
use std::path::Path;

use super::{Candidate, Insertion, LESSONS_BEGIN, LESSONS_END, LESSONS_HEADING, PromoteError};

/// How the provenance tail of a bullet opens.
const PROVENANCE_OPEN: &str = " (lesson `";
/// At most this many sessions are linked from a bullet.
const LINKED_SESSIONS: usize = 5;

/// A bullet's rule without the provenance tail `promote` writes after it.
///
/// ```
/// use metalayer_kernel::promote::rule_text;
/// assert_eq!(
///     rule_text("Use pnpm, not npm (lesson `L1`; sessions: [2026-12-01 claude 3f2a91c0](docs/conversations/s.md))"),
///     "Use pnpm, not npm"
/// );
/// assert_eq!(rule_text("Keep it (short)"), "Keep it (short)");
/// ```
#[must_use]
pub fn rule_text(bullet: &str) -> &str {
    let bullet = bullet.trim();
    match bullet.rfind(PROVENANCE_OPEN) {
        Some(at) if bullet.ends_with(')') => bullet.get(..at).unwrap_or(bullet).trim_end(),
        _ => bullet,
    }
}

/// The line ending of a text: CRLF when its first line ends so.
pub(super) fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes().get(i - 1) == Some(&b'\r') => "\r\n",
        _ => "\n",
    }
}

/// The lines of a text with the byte offset each starts at (line text without its ending).
pub(super) fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |raw| {
        let at = start;
        start += raw.len();
        (at, raw.trim_end_matches(['\n', '\r']))
    })
}

/// The bullet for a lesson, one line.
fn bullet(candidate: &Candidate, rule: &str) -> String {
    let lesson = candidate.id.replace('`', "'");
    let mut out = format!("- {rule}{PROVENANCE_OPEN}{lesson}`");
    if !candidate.sessions.is_empty() {
        out.push_str("; sessions: ");
        let shown: Vec<String> = candidate
            .sessions
            .iter()
            .take(LINKED_SESSIONS)
            .map(|s| {
                let short: String = s.id.chars().take(8).collect();
                let label = super::one_line(&format!("{} {} {short}", s.date, s.harness))
                    .replace(['[', ']'], "");
                match &s.markdown {
                    Some(link) => format!(
                        "[{label}]({})",
                        link.replace(' ', "%20").replace(')', "%29")
                    ),
                    None => label,
                }
            })
            .collect();
        out.push_str(&shown.join(", "));
        if candidate.sessions.len() > LINKED_SESSIONS {
            let _ = write!(
                out,
                " and {} more",
                candidate.sessions.len() - LINKED_SESSIONS
            );
        }
    }
    out.push(')');
    out
}

/// The insertion that adds the lesson's rule to `text` (the file's text, empty when there is
/// none).
pub(super) fn insert_rule(
    path: &Path,
    text: &str,
    candidate: &Candidate,
    rule: &str,
) -> Result<Insertion, PromoteError> {
    let nl = line_ending(text);
    let marker = format!("{PROVENANCE_OPEN}{}`", candidate.id.replace('`', "'"));
    let mut begin: Option<usize> = None;
    let mut end: Option<usize> = None;
    for (number, (at, line)) in lines_with_offsets(text).enumerate() {
        let trimmed = line.trim();
        if begin.is_none() {
            if trimmed == LESSONS_BEGIN {
                begin = Some(number);
            }
            continue;
        }
        if trimmed == LESSONS_END {
            end = Some(at);
            break;
        }
        let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) else {
            continue;
        };
        if item.contains(&marker) || rule_text(item) == rule {
            return Err(PromoteError::AlreadyPromoted {
                lesson: candidate.id.clone(),
                path: path.to_path_buf(),
                place: format!("line {}", number + 1),
            });
        }
    }
    let line = bullet(candidate, rule);
    match (begin, end) {
        (Some(_), Some(at)) => Ok(Insertion {
            at,
            text: format!("{line}{nl}"),
        }),
        (Some(number), None) => Err(PromoteError::CannotEdit {
            path: path.to_path_buf(),
            why: format!(
                "the lessons section opened at line {} is never closed; add a line `{LESSONS_END}` where it ends",
                number + 1
            ),
        }),
        (None, _) => {
            let lead = if text.is_empty() {
                format!("# Instructions for coding agents{nl}{nl}")
            } else if !text.ends_with('\n') {
                format!("{nl}{nl}")
            } else if text.trim().is_empty() || text.ends_with("\n\n") || text.ends_with("\n\r\n") {
                String::new()
            } else {
                nl.to_owned()
            };
            Ok(Insertion {
                at: text.len(),
                text: format!(
                    "{lead}{LESSONS_HEADING}{nl}{nl}Rules learned from recorded sessions, added by `metalayer promote`.{nl}{nl}{LESSONS_BEGIN}{nl}{line}{nl}{LESSONS_END}{nl}"
                ),
            })
        }
    }
}
