//! Rendering a session as markdown: YAML front matter, a summary table and the sections.
//!
//! Every string taken from the transcript goes through the [`Redactor`] first, then through
//! the escaping helpers.

use std::fmt::Write as _;

use crate::diff::EditDiff;
use crate::excerpt::{Excerpt, cut};
use crate::format::Format;
use crate::markdown::{blockquote, code_span, fenced, inline, yaml_string};
use crate::redact::Redactor;
use crate::session::{Notice, NoticeKind, Session, Subagent, ThreadItem, Utterance};
use crate::timestamp::{Timestamp, format_duration};
use crate::tool::{ToolCall, ToolOutcome};

/// Longest title, in characters.
pub const TITLE_CHARS: usize = 60;
/// Files listed before "... and N more".
const SHOWN_FILES: usize = 100;

/// The session file's name: `session-YYYY-MM-DD-<id8>.md`, dated by the first timestamp
/// (`undated` when the transcript has none).
#[must_use]
pub fn file_name(session: &Session) -> String {
    let date = session
        .first_timestamp
        .map_or_else(|| "undated".to_owned(), Timestamp::date);
    format!("session-{date}-{}.md", session.id.short())
}

/// The title: the first line of the first prompt (or the summary), redacted, at most
/// [`TITLE_CHARS`] characters.
pub(crate) fn title(session: &Session, redactor: &Redactor) -> String {
    let Some(raw) = session.title() else {
        return format!("Session {}", session.id.short());
    };
    let redacted = redactor.redact(raw);
    let first = redacted
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let collapsed = first.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= TITLE_CHARS {
        return collapsed;
    }
    let kept = cut(&collapsed, TITLE_CHARS);
    let kept = if kept.is_empty() {
        collapsed.chars().take(TITLE_CHARS).collect()
    } else {
        kept.to_owned()
    };
    format!("{kept}...")
}

pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An excerpt's text, redacted, followed by "… (N more characters)" when the model kept only
/// part of it (the limits were applied as it was taken in).
fn shortened(excerpt: &Excerpt, redactor: &Redactor) -> String {
    let shown = redactor.redact(&excerpt.text);
    match excerpt.omitted_chars() {
        0 => shown.into_owned(),
        more => format!("{shown}… ({more} more characters)"),
    }
}

/// Renders the session document.
#[must_use]
pub fn render_session(session: &Session, redactor: &Redactor) -> String {
    let red = |s: &str| redactor.redact(s).into_owned();
    let title = title(session, redactor);
    let created = session.first_timestamp;
    let updated = session.last_timestamp.or(created);
    // A session that crosses midnight (UTC) dates every time it shows.
    let days = matches!((created, updated), (Some(a), Some(b)) if a.date() != b.date());
    let mut out = String::new();

    // Front matter.
    out.push_str("---\n");
    let _ = writeln!(out, "title: {}", yaml_string(&title));
    let _ = writeln!(
        out,
        "session_id: {}",
        yaml_string(&red(session.id.as_str()))
    );
    if let Some(format) = session.format {
        let _ = writeln!(out, "harness: {}", yaml_string(format.name()));
    }
    if let Some(branch) = &session.branch {
        let _ = writeln!(out, "branch: {}", yaml_string(&red(branch)));
    }
    if let Some(created) = created {
        let _ = writeln!(out, "created: {}", yaml_string(&created.to_string()));
    }
    if let Some(updated) = updated {
        let _ = writeln!(out, "updated: {}", yaml_string(&updated.to_string()));
    }
    let _ = writeln!(out, "turns: {}", session.turns);
    let _ = writeln!(out, "duration_seconds: {}", session.duration_seconds());
    let tools: Vec<String> = session
        .tool_counts
        .keys()
        .map(|t| yaml_string(&red(t)))
        .collect();
    let _ = writeln!(out, "tools: [{}]", tools.join(", "));
    let files: Vec<String> = session
        .files
        .iter()
        .take(SHOWN_FILES)
        .map(|f| yaml_string(&red(f)))
        .collect();
    let _ = writeln!(out, "files: [{}]", files.join(", "));
    out.push_str("---\n\n");

    // Summary table.
    let _ = writeln!(out, "# {}\n", inline(&title));
    out.push_str("| Field | Value |\n|---|---|\n");
    let _ = writeln!(
        out,
        "| Session | {} |",
        code_span(&red(session.id.as_str()))
    );
    if let Some(created) = created {
        let _ = writeln!(
            out,
            "| Date | {} {} UTC |",
            created.date(),
            created.time_of_day()
        );
    }
    let _ = writeln!(
        out,
        "| Duration | {} |",
        inline(&format_duration(session.duration_seconds()))
    );
    let _ = writeln!(out, "| Turns | {} |", session.turns);
    let _ = writeln!(out, "| Messages | {} |", session.messages);
    if let Some(branch) = &session.branch {
        let _ = writeln!(out, "| Branch | {} |", code_span(&red(branch)));
    }
    if let Some(model) = &session.model {
        let _ = writeln!(out, "| Model | {} |", inline(&red(model)));
    }
    if let Some(version) = &session.version {
        let harness = session.format.unwrap_or(Format::Claude).harness();
        let _ = writeln!(out, "| {harness} | {} |", inline(&red(version)));
    }
    let u = &session.usage;
    let _ = writeln!(
        out,
        "| Tokens | {} (input {}, output {}, cache write {}, cache read {}) |",
        thousands(u.total()),
        thousands(u.input),
        thousands(u.output),
        thousands(u.cache_creation),
        thousands(u.cache_read)
    );

    // User prompts.
    out.push_str("\n## User prompts\n\n");
    if session.prompts.is_empty() {
        out.push_str("_None._\n");
    }
    for (n, prompt) in session.prompts.iter().enumerate() {
        let text = red(&prompt.text.text);
        let first = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        let shown: String = first.chars().take(200).collect();
        let more = if shown.len() < text.trim().len() {
            " …"
        } else {
            ""
        };
        let at = prompt
            .at
            .map(|t| format!("**{}** ", when(t, days)))
            .unwrap_or_default();
        let _ = writeln!(out, "{}. {at}{}{more}", n + 1, inline(&shown));
    }
    let unlisted = session.turns.saturating_sub(session.prompts.len() as u64);
    if unlisted > 0 {
        let _ = writeln!(out, "\n_… and {unlisted} more prompts._");
    }

    // Tools.
    out.push_str("\n## Tools used\n\n");
    if session.tool_counts.is_empty() {
        out.push_str("_None._\n");
    } else {
        out.push_str("| Tool | Calls |\n|---|---|\n");
        for (tool, n) in &session.tool_counts {
            let _ = writeln!(out, "| {} | {n} |", code_span(&red(tool)));
        }
    }

    // Files.
    out.push_str("\n## Files touched (written)\n\n");
    if session.files.is_empty() {
        out.push_str("_None._\n");
    }
    for file in session.files.iter().take(SHOWN_FILES) {
        let _ = writeln!(out, "- {}", code_span(&red(file)));
    }
    if session.files.len() > SHOWN_FILES {
        let _ = writeln!(out, "- … and {} more", session.files.len() - SHOWN_FILES);
    }

    if !session.files_read.is_empty() {
        out.push_str("\n## Files read\n\n");
        for file in session.files_read.iter().take(SHOWN_FILES) {
            let _ = writeln!(out, "- {}", code_span(&red(file)));
        }
        if session.files_read.len() > SHOWN_FILES {
            let _ = writeln!(
                out,
                "- … and {} more",
                session.files_read.len() - SHOWN_FILES
            );
        }
    }

    // Commits and pull requests.
    out.push_str("\n## Commits\n\n");
    if session.commits.is_empty() && session.pull_requests.is_empty() {
        out.push_str("_None._\n");
    }
    for commit in &session.commits {
        let _ = writeln!(
            out,
            "- {} on {}: {}",
            code_span(&red(&commit.hash)),
            code_span(&red(&commit.branch)),
            inline(&red(&commit.message))
        );
    }
    for url in &session.pull_requests {
        let url = red(url);
        if url.contains(['<', '>', ' ']) {
            let _ = writeln!(out, "- Pull request: {}", code_span(&url));
        } else {
            let _ = writeln!(out, "- Pull request: <{url}>");
        }
    }
    if session.lists_capped {
        let _ = writeln!(
            out,
            "\n_The lists of files, commits and pull requests stop at {} entries each; this session had more._",
            thousands(crate::session::MAX_LIST as u64)
        );
    }

    // Thread.
    out.push_str("\n## Thread\n");
    if session.thread_omitted > 0 {
        let _ = writeln!(
            out,
            "\n_{} earlier items not kept (the policy's `bridge.limits.thread_items` keeps the last {})._",
            session.thread_omitted,
            session.thread.len()
        );
    }
    // Calls and thinking belong to the assistant's turn: when one opens a reply (no text
    // before it), the reply's heading comes first, not left under the user's.
    let mut in_reply = false;
    for item in &session.thread {
        let opens = |out: &mut String, at: Option<Timestamp>, in_reply: &mut bool| {
            if !*in_reply {
                let at = at
                    .map(|t| format!(" · {}", when(t, days)))
                    .unwrap_or_default();
                let _ = writeln!(out, "\n### Assistant{at}");
                *in_reply = true;
            }
        };
        match item {
            ThreadItem::Prompt(u) => {
                utterance(&mut out, "User", u, redactor, days);
                in_reply = false;
            }
            ThreadItem::Assistant(u) => {
                if in_reply {
                    out.push('\n');
                    out.push_str(&blockquote(&shortened(&u.text, redactor)));
                } else {
                    utterance(&mut out, "Assistant", u, redactor, days);
                    in_reply = true;
                }
            }
            ThreadItem::Thinking(u) => {
                opens(&mut out, u.at, &mut in_reply);
                thinking(&mut out, u, redactor);
            }
            ThreadItem::Tool(call) => {
                opens(&mut out, call.at, &mut in_reply);
                tool_call(&mut out, call, redactor);
                if let Some(agent) = call.agent.as_deref().and_then(|a| session.subagent(a)) {
                    subagent(&mut out, agent, redactor);
                }
            }
            ThreadItem::Notice(n) => notice(&mut out, n, redactor, days),
        }
    }
    // A subagent whose starting call the thread does not name (its result did not say
    // which agent it started) is shown after the thread, not left out.
    let unlinked: Vec<&Subagent> = session
        .subagents
        .iter()
        .filter(|a| {
            !session.thread.iter().any(|item| {
                matches!(item, ThreadItem::Tool(call) if call.agent.as_deref() == Some(a.agent_id.as_str()))
            })
        })
        .collect();
    if !unlinked.is_empty() {
        out.push_str("\n### Subagents whose starting call the transcript does not name\n");
        for agent in unlinked {
            subagent(&mut out, agent, redactor);
        }
    }
    if let Some(reply) = &session.pending_reply {
        out.push_str("\n### Assistant (final reply, not yet in the transcript)\n\n");
        out.push_str(&blockquote(&shortened(reply, redactor)));
    }
    out
}

/// A harness event: a compaction as a rule with what it did, the summary written then
/// collapsed, a notification as a quoted line.
fn notice(out: &mut String, n: &Notice, redactor: &Redactor, days: bool) {
    let at =
        n.at.map(|t| format!(" · {}", when(t, days)))
            .unwrap_or_default();
    let text = shortened(&n.text, redactor);
    match n.kind {
        NoticeKind::Compaction => {
            let _ = writeln!(
                out,
                "\n---\n\n_Context compacted here{at} ({})._",
                inline(&text)
            );
        }
        NoticeKind::CompactSummary => {
            let _ = write!(
                out,
                "\n<details><summary>Summary of the conversation so far, written at the compaction</summary>\n\n{}\n</details>\n",
                blockquote(&text)
            );
        }
        NoticeKind::Notification => {
            let _ = writeln!(out, "\n> **Notification**{at}: {}", inline(&text));
        }
        NoticeKind::Context => {
            let (tag, body) = text.split_once(": ").unwrap_or(("context", text.as_str()));
            let _ = write!(
                out,
                "\n<details><summary>Context: {}</summary>\n\n{}\n</details>\n",
                inline(tag),
                blockquote(body)
            );
        }
    }
}

/// A time in the thread: the time of day, with the date when the session spans days.
fn when(at: Timestamp, days: bool) -> String {
    if days {
        format!("{} {}", at.date(), at.time_of_day())
    } else {
        at.time_of_day()
    }
}

fn utterance(out: &mut String, who: &str, u: &Utterance, redactor: &Redactor, days: bool) {
    let at =
        u.at.map(|t| format!(" · {}", when(t, days)))
            .unwrap_or_default();
    let _ = writeln!(out, "\n### {who}{at}\n");
    out.push_str(&blockquote(&shortened(&u.text, redactor)));
}

/// Thinking, collapsed: a `<details>` block whose body is a quote (HTML escaped).
fn thinking(out: &mut String, u: &Utterance, redactor: &Redactor) {
    out.push_str("\n<details><summary>Thinking</summary>\n\n");
    out.push_str(&blockquote(&shortened(&u.text, redactor)));
    out.push_str("\n</details>\n");
}

/// Longest list of a subagent's calls shown under the call that started it.
const SUBAGENT_CALLS: usize = 50;

/// A subagent's work, collapsed under the call that started it: its calls (each on one line,
/// with its outcome), the files it wrote and the commits it made.
fn subagent(out: &mut String, agent: &Subagent, redactor: &Redactor) {
    let files = agent.files.len();
    let commits = agent.commits.len();
    let _ = write!(
        out,
        "\n<details><summary>Subagent {}: {} tool call{}, {files} file{} written, {commits} commit{}</summary>\n\n",
        code_span(&redactor.redact(&agent.agent_id)),
        agent.calls.len(),
        if agent.calls.len() == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" },
        if commits == 1 { "" } else { "s" },
    );
    for call in agent.calls.iter().take(SUBAGENT_CALLS) {
        let _ = writeln!(
            out,
            "- {} ({}) {}",
            code_span(&redactor.redact(&call.tool)),
            call.outcome.as_str(),
            code_span(&redactor.redact(&call.subject))
        );
    }
    if agent.calls.len() > SUBAGENT_CALLS {
        let _ = writeln!(
            out,
            "- … {} more calls not shown",
            agent.calls.len() - SUBAGENT_CALLS
        );
    }
    for file in &agent.files {
        let _ = writeln!(out, "- wrote {}", code_span(&redactor.redact(file)));
    }
    for commit in &agent.commits {
        let _ = writeln!(
            out,
            "- commit {} {}",
            code_span(&commit.hash),
            inline(&redactor.redact(&commit.message))
        );
    }
    out.push_str("\n</details>\n");
}

/// An edit's diff, collapsed, with its counts in the summary line and a line saying how much
/// was left out when it was shortened.
fn edit_diff(out: &mut String, diff: &EditDiff, redactor: &Redactor) {
    let _ = write!(
        out,
        "\n<details><summary>diff +{} −{}</summary>\n\n",
        diff.added, diff.removed
    );
    out.push_str(&fenced(&redactor.redact(&diff.text), "diff"));
    if diff.omitted > 0 {
        let _ = writeln!(
            out,
            "\n({} more diff lines not shown)",
            thousands(diff.omitted as u64)
        );
    }
    out.push_str("\n</details>\n");
}

fn tool_call(out: &mut String, call: &ToolCall, redactor: &Redactor) {
    let outcome = match call.outcome {
        ToolOutcome::Ok => "ok",
        ToolOutcome::Error => "error",
        ToolOutcome::Pending => "no result",
    };
    let summary = redactor.redact(&call.summary);
    let summary = if summary.is_empty() {
        String::new()
    } else {
        format!(" {}", code_span(&summary))
    };
    let _ = writeln!(
        out,
        "\n**{}** ({outcome}){summary}",
        code_span(&redactor.redact(&call.name))
    );
    if !call.checklist.is_empty() {
        out.push('\n');
        for item in &call.checklist {
            if item.status == "not_shown" {
                let _ = writeln!(out, "- {}", inline(&item.content));
                continue;
            }
            let (mark, note) = match item.status.as_str() {
                "completed" => ("x", ""),
                "in_progress" => (" ", " (in progress)"),
                _ => (" ", ""),
            };
            let _ = writeln!(
                out,
                "- [{mark}] {}{note}",
                inline(&redactor.redact(&item.content))
            );
        }
    }
    if let Some(plan) = &call.plan {
        out.push('\n');
        out.push_str(&blockquote(&shortened(plan, redactor)));
    }
    if let Some(diff) = &call.diff {
        edit_diff(out, diff, redactor);
    }
    if let Some(output) = &call.output {
        out.push('\n');
        out.push_str(&fenced(&shortened(output, redactor), "text"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionId;

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(21_300_000), "21,300,000");
    }

    #[test]
    fn names_and_titles() {
        let mut s = Session::new(SessionId::new("6151b6fd-1234"));
        assert_eq!(file_name(&s), "session-undated-6151b6fd.md");
        assert_eq!(title(&s, &Redactor::new()), "Session 6151b6fd");
        s.ingest_line(br#"{"type":"user","timestamp":"2026-08-24T18:20:02Z","message":{"content":"\n  please   rotate AKIAIOSFODNN7EXAMPLE and then do a lot of other things that are long\nsecond"}}"#);
        assert_eq!(file_name(&s), "session-2026-08-24-6151b6fd.md");
        let t = title(&s, &Redactor::new());
        assert_eq!(
            t,
            "please rotate [REDACTED:aws-access-key] and then do a lot of..."
        );
    }

    #[test]
    fn times_carry_the_date_when_the_session_crosses_midnight() {
        let mut s = Session::new(SessionId::new("night"));
        s.ingest_line(br#"{"type":"user","timestamp":"2026-08-24T23:50:00Z","message":{"content":"start late"}}"#);
        let one_day = render_session(&s, &Redactor::new());
        assert!(one_day.contains("### User · 23:50\n"), "{one_day}");
        s.ingest_line(br#"{"type":"user","timestamp":"2026-08-25T00:10:00Z","message":{"content":"after midnight"}}"#);
        let md = render_session(&s, &Redactor::new());
        assert!(md.contains("### User · 2026-08-24 23:50\n"), "{md}");
        assert!(md.contains("### User · 2026-08-25 00:10\n"), "{md}");
        assert!(
            md.contains("2. **2026-08-25 00:10** after midnight"),
            "{md}"
        );
    }

    #[test]
    fn shortening_counts_unstored_characters() {
        let r = Redactor::new();
        let stored = |text: &str, total_chars: u64| Excerpt {
            text: text.to_owned(),
            total_chars,
        };
        assert_eq!(
            shortened(&Excerpt::new("abc def", 3), &r),
            "abc… (4 more characters)"
        );
        assert_eq!(
            shortened(&stored("abc", 10), &r),
            "abc… (7 more characters)"
        );
        assert_eq!(shortened(&stored("abc", 3), &r), "abc");
    }
}
