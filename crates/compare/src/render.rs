//! The markdown scorecard: one table (criteria as rows, candidates as columns), then a short
//! section per candidate.

use std::fmt::Write as _;

use crate::quantity::{human_bytes, trim};
use crate::scorecard::{CandidateReport, Scorecard, Signals, Status};

fn short(commit: &str) -> &str {
    commit.get(..10).unwrap_or(commit)
}

fn icon(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅ pass",
        Status::Fail => "❌ fail",
        Status::Manual => "✋ manual",
        Status::Unverified => "❔ unverified",
        Status::Error => "⚠️ error",
    }
}

/// Escapes a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn signed(n: f64) -> String {
    if n >= 0.0 {
        format!("+{}", trim(n))
    } else {
        format!("−{}", trim(-n))
    }
}

fn signed_bytes(n: i64) -> String {
    if n >= 0 {
        format!("+{}", human_bytes(n.unsigned_abs()))
    } else {
        format!("−{}", human_bytes(n.unsigned_abs()))
    }
}

impl Scorecard {
    /// The scorecard as markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let title = self.ticket.as_deref().unwrap_or("ticket");
        let _ = writeln!(out, "# Scorecard: {title}\n");
        let _ = writeln!(
            out,
            "Base `{}` ({}), {} candidate{}. Winner: {}.\n",
            self.base.name,
            short(&self.base.commit),
            self.candidates.len(),
            if self.candidates.len() == 1 { "" } else { "s" },
            self.winner
                .as_deref()
                .map_or("none".to_owned(), |w| format!("**`{w}`**"))
        );
        for p in &self.problems {
            let _ = writeln!(out, "> **note:** {p}");
        }
        if !self.problems.is_empty() {
            out.push('\n');
        }
        // The table.
        out.push_str("| criterion | kind |");
        for c in &self.candidates {
            let _ = write!(out, " {}. `{}` |", c.rank, cell(&c.name));
        }
        out.push_str("\n|---|---|");
        for _ in &self.candidates {
            out.push_str("---|");
        }
        out.push('\n');
        let rows = self.candidates.first().map_or(0, |c| c.criteria.len());
        for i in 0..rows {
            let Some(first) = self.candidates.first().and_then(|c| c.criteria.get(i)) else {
                continue;
            };
            let _ = write!(out, "| {} | {} |", cell(&first.text), first.kind);
            for c in &self.candidates {
                let r = c.criteria.get(i);
                let text = r.map_or(String::new(), |r| {
                    if r.short.is_empty() {
                        icon(r.status).to_owned()
                    } else {
                        format!("{} ({})", icon(r.status), cell(&r.short))
                    }
                });
                let _ = write!(out, " {text} |");
            }
            out.push('\n');
        }
        out.push_str("| **criteria met** | |");
        for c in &self.candidates {
            let _ = write!(out, " **{}/{}** |", c.criteria_met, c.criteria.len());
        }
        out.push_str("\n| score | |");
        for c in &self.candidates {
            let _ = write!(out, " {} |", trim(c.score));
        }
        out.push('\n');
        for c in &self.candidates {
            section(&mut out, c);
        }
        out
    }
}

fn section(out: &mut String, c: &CandidateReport) {
    let _ = writeln!(
        out,
        "\n## {}. `{}` ({})\n",
        c.rank,
        c.name,
        short(&c.commit)
    );
    let _ = writeln!(out, "- **why:** {}", c.reasons.join("; "));
    signals(out, &c.signals);
    let evidence: Vec<String> = c
        .criteria
        .iter()
        .filter(|r| r.status != Status::Manual)
        .map(|r| format!("  - {}: {} — {}", icon(r.status), r.text, r.evidence))
        .collect();
    if !evidence.is_empty() {
        let _ = writeln!(out, "- **criteria:**\n{}", evidence.join("\n"));
    }
}

fn signals(out: &mut String, s: &Signals) {
    let _ = write!(
        out,
        "- **change:** {} file{}, +{} −{} lines",
        s.files_changed,
        if s.files_changed == 1 { "" } else { "s" },
        s.lines_added,
        s.lines_removed
    );
    if s.test_files_added.is_empty() {
        out.push_str(", no test file added\n");
    } else {
        let _ = writeln!(out, ", test files added: {}", s.test_files_added.join(", "));
    }
    let mut quality = Vec::new();
    if let Some(t) = &s.tests {
        let mut text = if t.passed {
            "tests pass".to_owned()
        } else {
            "tests fail".to_owned()
        };
        if let Some(n) = t.counts {
            let _ = write!(
                text,
                " ({} passed, {} failed, {} skipped)",
                n.passed, n.failed, n.skipped
            );
        }
        quality.push(text);
    }
    if let Some(c) = s.coverage_percent {
        let delta = s
            .coverage_delta
            .map_or(String::new(), |d| format!(" ({} points)", signed(d)));
        quality.push(format!("coverage {}%{delta}", trim(c)));
    }
    if let Some(n) = s.lint_findings {
        let delta = s.lint_delta.map_or(String::new(), |d| format!(" ({d:+})"));
        quality.push(format!("{n} lint findings{delta}"));
    }
    if let Some(b) = s.build_succeeded {
        quality.push(if b { "build succeeds" } else { "build fails" }.to_owned());
    }
    if !quality.is_empty() {
        let _ = writeln!(out, "- **quality:** {}", quality.join(", "));
    }
    if !s.artifacts.is_empty() {
        let list: Vec<String> = s
            .artifacts
            .iter()
            .map(|a| match (a.bytes, a.gzip_bytes) {
                (Some(b), Some(g)) => {
                    let d = a
                        .delta_bytes
                        .map_or(String::new(), |d| format!(", {}", signed_bytes(d)));
                    let dg = a
                        .delta_gzip_bytes
                        .map_or(String::new(), |d| format!(", {}", signed_bytes(d)));
                    format!(
                        "`{}` {}{d} (gzip {}{dg})",
                        a.path,
                        human_bytes(b),
                        human_bytes(g)
                    )
                }
                _ => format!("`{}` missing", a.path),
            })
            .collect();
        let _ = writeln!(out, "- **artifacts:** {}", list.join(", "));
    }
    if !s.measures.is_empty() {
        let list: Vec<String> = s
            .measures
            .iter()
            .map(|(k, v)| format!("`{k}` {}", trim(*v)))
            .collect();
        let _ = writeln!(out, "- **measures:** {}", list.join(", "));
    }
    if s.new_dependencies.is_empty() {
        out.push_str("- **dependencies:** none new\n");
    } else {
        let list: Vec<String> = s
            .new_dependencies
            .iter()
            .map(|d| match d.bytes {
                Some(b) => format!("{} {} ({})", d.name, d.version, human_bytes(b)),
                None => format!("{} {}", d.name, d.version),
            })
            .collect();
        let _ = writeln!(out, "- **dependencies:** new: {}", list.join(", "));
    }
    if !s.features.is_empty() {
        let _ = writeln!(out, "- **features touched:** {}", s.features.join(", "));
    }
    if !s.gate_findings.is_empty() {
        let list: Vec<String> = s
            .gate_findings
            .iter()
            .map(|f| format!("`{}`: {} {} ({})", f.path, f.decision, f.gate, f.message))
            .collect();
        let _ = writeln!(out, "- **gates:** {}", list.join("; "));
    }
    if !s.kept_from_base.is_empty() {
        let list: Vec<String> = s.kept_from_base.iter().map(|p| format!("`{p}`")).collect();
        let _ = writeln!(
            out,
            "- **judged with the base's:** {} (the candidate changed what the evaluation runs)",
            list.join(", ")
        );
    }
    if !s.commands.is_empty() {
        let list: Vec<String> = s
            .commands
            .iter()
            .map(|(step, r)| {
                #[expect(clippy::cast_precision_loss, reason = "a duration shown to people")]
                let secs = r.duration_ms as f64 / 1000.0;
                let mem = r
                    .peak_memory_bytes
                    .map_or(String::new(), |m| format!(", {} peak", human_bytes(m)));
                let state = if r.succeeded() {
                    "ok".to_owned()
                } else {
                    r.describe()
                };
                format!("{step} {state} in {} s{mem}", trim(secs))
            })
            .collect();
        let _ = writeln!(out, "- **commands:** {}", list.join("; "));
    }
    for p in &s.problems {
        let _ = writeln!(out, "- **problem:** {p}");
    }
}
