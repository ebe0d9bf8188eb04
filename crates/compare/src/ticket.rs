//! The ticket: its task-list items, and the checks they compile into.
//!
//! A ticket is markdown. Its task-list items (`- [ ]` and `- [x]`) under a heading that says
//! "Acceptance Criteria" are the criteria; when no such heading exists, every task-list item of
//! the ticket is. Each item is compiled into a typed [`Check`] when its words say what to
//! measure, and stays [`Check::Manual`] otherwise: a criterion is never guessed.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::quantity::{Bound, Comparison, Quantity, find_bound};

/// The longest ticket read, in bytes; the rest is ignored.
pub const MAX_TICKET_BYTES: usize = 1 << 20;

/// A parsed ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    title: Option<String>,
    items: Vec<String>,
}

impl Ticket {
    /// Reads a markdown ticket. Never fails: a ticket without task-list items has no criteria.
    pub fn parse(markdown: &str) -> Self {
        let text = truncate(markdown, MAX_TICKET_BYTES);
        let mut title = None;
        // (text, under an acceptance heading)
        let mut items: Vec<(String, bool)> = Vec::new();
        let mut heading: Option<(HeadingLevel, String)> = None;
        let mut acceptance_level: Option<HeadingLevel> = None;
        // Stack of open items: Some(index in `items`) for a task item, None for a plain one.
        let mut open: Vec<Option<usize>> = Vec::new();
        // Depth of lists nested inside the innermost task item: their text is not its own.
        let mut nested_lists = 0usize;
        for event in Parser::new_ext(text, Options::ENABLE_TASKLISTS) {
            match event {
                Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
                Event::End(TagEnd::Heading(level)) => {
                    if let Some((_, words)) = heading.take() {
                        let words = collapse(&words);
                        if title.is_none() && level == HeadingLevel::H1 {
                            title = Some(words.clone());
                        }
                        if acceptance_level.is_some_and(|open| level <= open) {
                            acceptance_level = None;
                        }
                        if is_acceptance_heading(&words) {
                            acceptance_level = Some(level);
                        }
                    }
                }
                Event::Start(Tag::Item) => {
                    open.push(None);
                }
                Event::End(TagEnd::Item) => {
                    if let Some(Some(_)) = open.pop() {
                        nested_lists = 0;
                    }
                }
                Event::Start(Tag::List(_)) if matches!(open.last(), Some(Some(_))) => {
                    nested_lists += 1;
                }
                Event::End(TagEnd::List(_)) if nested_lists > 0 => nested_lists -= 1,
                Event::TaskListMarker(_) => {
                    if let Some(last) = open.last_mut() {
                        *last = Some(items.len());
                        nested_lists = 0;
                        items.push((String::new(), acceptance_level.is_some()));
                    }
                }
                Event::Text(ref t) | Event::Code(ref t) => {
                    if let Some((_, words)) = heading.as_mut() {
                        words.push_str(t);
                    } else if let Some(Some(i)) = open.last()
                        && nested_lists == 0
                        && let Some((words, _)) = items.get_mut(*i)
                    {
                        if matches!(event, Event::Code(_)) {
                            words.push('`');
                            words.push_str(t);
                            words.push('`');
                        } else {
                            words.push_str(t);
                        }
                    }
                }
                Event::SoftBreak | Event::HardBreak => {
                    if let Some(Some(i)) = open.last()
                        && nested_lists == 0
                        && let Some((words, _)) = items.get_mut(*i)
                    {
                        words.push(' ');
                    }
                }
                _ => {}
            }
        }
        let any_acceptance = items.iter().any(|(_, a)| *a);
        let items = items
            .into_iter()
            .filter(|(_, a)| *a || !any_acceptance)
            .map(|(t, _)| collapse(&t))
            .filter(|t| !t.is_empty())
            .collect();
        Self { title, items }
    }

    /// The first level-1 heading, if any.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The text of each criterion, in the ticket's order.
    pub fn items(&self) -> &[String] {
        &self.items
    }

    /// Compiles every criterion; `measures` are the names of the base's `evaluate.measure`
    /// commands, which criteria about a measured value refer to.
    pub fn criteria<'a>(
        &self,
        measures: impl IntoIterator<Item = &'a str> + Clone,
    ) -> Vec<Criterion> {
        self.items
            .iter()
            .map(|text| Criterion::compile(text, measures.clone()))
            .collect()
    }
}

fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_acceptance_heading(words: &str) -> bool {
    let lower = words.to_lowercase();
    lower.contains("acceptance criteria")
        || lower.contains("acceptance criterion")
        || lower == "acceptance"
        || lower.contains("definition of done")
}

/// One criterion of the ticket and the check it compiled into.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    /// The item's text, as the ticket wrote it (white space collapsed).
    pub text: String,
    /// What it checks.
    pub check: Check,
}

/// A typed check compiled from a criterion's words.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Check {
    /// The test command passes (exit status 0, and no failure in its JUnit report).
    TestsPass,
    /// Line coverage, of the project or of the files under a path, is at least a percentage.
    Coverage {
        /// A path or module name the coverage is restricted to; `None` for the whole project.
        path: Option<String>,
        /// The least line coverage, in percent.
        min_percent: f64,
    },
    /// No new dependency in the lockfiles, or none larger than a size.
    Dependencies {
        /// The largest size a new dependency may have, in bytes; `None`: no new dependency.
        max_bytes: Option<u64>,
        /// Whether the size is the gzip-compressed one.
        gzip: bool,
    },
    /// A named measurement (`evaluate.measure`) is below or above a bound.
    Measure {
        /// The measurement's name.
        name: String,
        /// The bound.
        bound: Bound,
    },
    /// The build artifacts' total size, or its growth against the base, is within a bound.
    BuildSize {
        /// The bound, in bytes.
        bound: Bound,
        /// Whether the gzip-compressed size is meant.
        gzip: bool,
        /// Whether the bound is on the growth against the base rather than the size.
        delta: bool,
    },
    /// The lint command finds nothing.
    LintClean,
    /// The build command succeeds.
    BuildSucceeds,
    /// Checked by a person: the words say nothing measurable.
    Manual,
}

impl Check {
    /// The kind, as the JSON output names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::TestsPass => "tests",
            Self::Coverage { .. } => "coverage",
            Self::Dependencies { .. } => "dependencies",
            Self::Measure { .. } => "measure",
            Self::BuildSize { .. } => "build_size",
            Self::LintClean => "lint",
            Self::BuildSucceeds => "build",
            Self::Manual => "manual",
        }
    }
}

impl Criterion {
    /// Compiles one criterion's text. `measures` are the names of the `evaluate.measure`
    /// commands.
    pub fn compile<'a>(text: &str, measures: impl IntoIterator<Item = &'a str>) -> Self {
        let check = compile(text, measures);
        Self {
            text: text.to_owned(),
            check,
        }
    }
}

/// Whether one of `phrases` occurs in `text` as words: starting a word, and ending one or
/// followed only by an inflection (`test` in "tests" and "tested", not in "latest" or
/// "contest"; `pass` in "passes", not in "passwords").
fn has_any(text: &str, phrases: &[&str]) -> bool {
    const INFLECTIONS: &[&str] = &[
        "", "s", "es", "d", "ed", "ing", "e", "y", "ies", "er", "ers",
    ];
    phrases.iter().any(|phrase| {
        text.match_indices(phrase).any(|(at, _)| {
            let starts = text
                .get(..at)
                .and_then(|before| before.chars().next_back())
                .is_none_or(|c| !c.is_alphanumeric());
            let rest = text.get(at + phrase.len()..).unwrap_or_default();
            let tail: &str = rest
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or_default();
            starts && (phrase.ends_with(' ') || INFLECTIONS.contains(&tail))
        })
    })
}

fn compile<'a>(text: &str, measures: impl IntoIterator<Item = &'a str>) -> Check {
    let lower = text.to_lowercase();
    let bound = find_bound(&lower);
    let gzip = has_any(&lower, &["gzip", "gzipped", "compressed"]);

    if has_any(&lower, &["coverage"])
        && let Some(b) = &bound
        && let Quantity::Percent(p) = b.value
        && matches!(b.comparison, Comparison::AtLeast | Comparison::Above)
    {
        return Check::Coverage {
            path: coverage_path(text, &lower),
            min_percent: p,
        };
    }
    if has_any(&lower, &["dependenc", "packages", "crates"])
        && has_any(
            &lower,
            &["no new", "no added", "without new", "no additional"],
        )
    {
        return match &bound {
            Some(b) => match b.value {
                Quantity::Bytes(n)
                    if matches!(b.comparison, Comparison::Above | Comparison::AtLeast) =>
                {
                    Check::Dependencies {
                        max_bytes: Some(n),
                        gzip,
                    }
                }
                _ => Check::Manual,
            },
            None => Check::Dependencies {
                max_bytes: None,
                gzip,
            },
        };
    }
    if has_any(
        &lower,
        &[
            "bundle",
            "build output",
            "binary size",
            "artifact",
            "output size",
            "build size",
        ],
    ) && let Some(b) = &bound
        && let Quantity::Bytes(_) = b.value
    {
        return Check::BuildSize {
            bound: *b,
            gzip,
            delta: has_any(
                &lower,
                &[
                    "increase",
                    "grow",
                    "growth",
                    "delta",
                    "by more than",
                    "larger by",
                ],
            ),
        };
    }
    if let Some(b) = &bound {
        let mut named: Vec<&str> = measures
            .into_iter()
            .filter(|name| measure_matches(name, &lower))
            .collect();
        named.sort_by_key(|n| std::cmp::Reverse(n.len()));
        if let Some(name) = named.first() {
            return Check::Measure {
                name: (*name).to_owned(),
                bound: *b,
            };
        }
    }
    let negated = has_any(
        &lower,
        &["no ", "zero", "0 ", "clean", "without", "free of"],
    );
    let linters = has_any(
        &lower,
        &[
            "lint",
            "linter",
            "clippy",
            "eslint",
            "type error",
            "type-check",
            "typecheck",
        ],
    );
    // Warnings of the build or a linter, not of a browser console or a log.
    let warnings =
        has_any(&lower, &["warning"]) && has_any(&lower, &["compiler", "build", "cargo", "tsc"]);
    if negated && (linters || warnings) {
        return Check::LintClean;
    }
    if has_any(
        &lower,
        &[
            "build succeeds",
            "builds",
            "compiles",
            "build passes",
            "build is green",
        ],
    ) {
        return Check::BuildSucceeds;
    }
    if has_any(&lower, &["test"])
        && has_any(&lower, &["pass", "green", "succeed"])
        && !has_any(&lower, &["add ", "write ", "new test"])
    {
        return Check::TestsPass;
    }
    Check::Manual
}

/// Whether the words of a measurement's name (less its unit words) all occur in the text.
fn measure_matches(name: &str, lower: &str) -> bool {
    const UNIT_WORDS: &[&str] = &[
        "s",
        "ms",
        "sec",
        "secs",
        "seconds",
        "millis",
        "milliseconds",
        "bytes",
        "kb",
        "mb",
        "gb",
        "percent",
        "pct",
        "count",
    ];
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !UNIT_WORDS.contains(&w.as_str()))
        .collect();
    !words.is_empty() && words.iter().all(|w| lower.contains(w.as_str()))
}

/// The path a coverage criterion is about: a code span, a word with a slash, or the word
/// before "module", "package", "crate" or "directory".
fn coverage_path(text: &str, lower: &str) -> Option<String> {
    if let Some(start) = text.find('`') {
        let rest = text.get(start + 1..)?;
        if let Some(end) = rest.find('`') {
            let path = rest.get(..end)?.trim();
            if !path.is_empty() {
                return Some(path.to_owned());
            }
        }
    }
    // Keywords are read lower-cased, paths returned as written (`src/Auth` is not `src/auth`).
    let trim = |w: &'_ str| -> String {
        w.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '"' | '\''))
            .to_owned()
    };
    let words: Vec<(&str, &str)> = lower
        .split_whitespace()
        .zip(text.split_whitespace())
        .collect();
    for (i, (w, written)) in words.iter().enumerate() {
        let w = trim(w);
        if w.contains('/') && !w.contains('%') {
            return Some(trim(written).trim_end_matches('.').to_owned());
        }
        if matches!(
            w.as_str(),
            "module" | "package" | "crate" | "directory" | "folder"
        ) && let Some((prev, prev_written)) = i.checked_sub(1).and_then(|j| words.get(j))
            && !matches!(
                *prev,
                "the" | "a" | "this" | "each" | "every" | "for" | "of"
            )
        {
            return Some((*prev_written).to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "# Add OAuth\n\nSome text.\n\n- [ ] not a criterion\n\n## Acceptance Criteria\n- [ ] OAuth2 flow completes for Google and GitHub providers\n- [ ] Existing session tokens remain valid (no migration required)\n- [ ] Test coverage for auth module >= 80%\n- [ ] No new dependencies > 50KB gzipped\n- [x] Load time for /login page < 2s on 3G throttle\n\n## Notes\n- [ ] also not\n";

    #[test]
    fn the_seed_ticket_compiles() {
        let ticket = Ticket::parse(SEED);
        assert_eq!(ticket.title(), Some("Add OAuth"));
        assert_eq!(ticket.items().len(), 5);
        let criteria = ticket.criteria(["login_load_seconds"]);
        let kinds: Vec<&str> = criteria.iter().map(|c| c.check.kind()).collect();
        assert_eq!(
            kinds,
            ["manual", "manual", "coverage", "dependencies", "measure"]
        );
        assert_eq!(
            criteria[2].check,
            Check::Coverage {
                path: Some("auth".into()),
                min_percent: 80.0
            }
        );
        assert_eq!(
            criteria[3].check,
            Check::Dependencies {
                max_bytes: Some(50_000),
                gzip: true
            }
        );
        // Without a measurement of that name, the load time is a person's to check.
        assert_eq!(
            ticket.criteria([]).get(4).map(|c| c.check.kind()),
            Some("manual")
        );
    }

    #[test]
    fn every_task_item_counts_without_an_acceptance_heading() {
        let ticket = Ticket::parse(
            "- [ ] All tests pass\n- plain item\n  - [x] `cargo clippy` reports no warnings\n",
        );
        let criteria = ticket.criteria([]);
        assert_eq!(criteria.len(), 2);
        assert_eq!(criteria[0].check, Check::TestsPass);
        assert_eq!(criteria[1].check, Check::LintClean);
    }

    #[test]
    fn nested_items_are_their_own_criteria() {
        let ticket = Ticket::parse("## Acceptance criteria\n- [ ] parent\n  - [ ] child\n");
        assert_eq!(ticket.items(), ["parent", "child"]);
    }

    #[test]
    fn kinds() {
        let c = |t: &str| Criterion::compile(t, ["p95_latency_ms"]).check;
        assert_eq!(
            c("No new dependencies"),
            Check::Dependencies {
                max_bytes: None,
                gzip: false
            }
        );
        assert_eq!(
            c("Coverage of `src/auth` at least 75.5%"),
            Check::Coverage {
                path: Some("src/auth".into()),
                min_percent: 75.5
            }
        );
        // Paths keep their case; the keywords around them need not.
        assert_eq!(
            c("Coverage of src/Auth/Login.ts AT LEAST 80%"),
            Check::Coverage {
                path: Some("src/Auth/Login.ts".into()),
                min_percent: 80.0
            }
        );
        assert_eq!(
            c("Test coverage for the AuthService Module >= 70%"),
            Check::Coverage {
                path: Some("AuthService".into()),
                min_percent: 70.0
            }
        );
        assert_eq!(
            c("Project coverage >= 60%"),
            Check::Coverage {
                path: None,
                min_percent: 60.0
            }
        );
        assert!(matches!(
            c("Bundle size under 2 MB gzipped"),
            Check::BuildSize {
                gzip: true,
                delta: false,
                ..
            }
        ));
        assert!(matches!(
            c("Build output grows by no more than 10 KB"),
            Check::BuildSize { delta: true, .. }
        ));
        assert!(matches!(
            c("p95 latency below 250ms"),
            Check::Measure { .. }
        ));
        assert_eq!(c("The build succeeds"), Check::BuildSucceeds);
        assert_eq!(c("Add tests for the parser"), Check::Manual);
        assert_eq!(c("Looks good"), Check::Manual);
    }

    #[test]
    fn words_inside_other_words_compile_nothing() {
        let c = |t: &str| Criterion::compile(t, ["p95_latency_ms"]).check;
        for manual in [
            "Latest passwords are hashed with argon2",
            "Contest entries pass validation",
            "The dashboard rebuilds its search index on startup",
            "No console warnings in the browser",
            "Protests are shown with a green badge",
            "The uncovered branch is documented",
        ] {
            assert_eq!(c(manual), Check::Manual, "{manual}");
        }
        assert_eq!(c("All tests passing"), Check::TestsPass);
        assert_eq!(c("Unit tests pass on CI"), Check::TestsPass);
        assert_eq!(c("No linter errors"), Check::LintClean);
        assert_eq!(c("No compiler warnings"), Check::LintClean);
        assert_eq!(c("The project builds"), Check::BuildSucceeds);
        assert_eq!(
            c("No new dependency"),
            Check::Dependencies {
                max_bytes: None,
                gzip: false
            }
        );
    }
}
