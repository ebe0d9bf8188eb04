//! A gate's id and pattern, derived from a lesson.
//!
//! The pattern is read from the commands the lesson says a gate must stop, normalised the way
//! the gate engine normalises them (wrappers stripped, quotes removed, command paths reduced
//! to their basename): the longest prefix of words that one simple command of every command
//! starts with, each word escaped, joined by `\s+`, anchored at the start of the simple
//! command; when the prefix is only the program and the commands differ in a subcommand
//! (`npm install`, `npm i`), those subcommands as an alternation. It ends at a word's end,
//! `(\s|$)`, rather than at `\b`: `\b` would let `install` match `install-test`.

use metalayer_gates::{NormalizeOptions, normalize};

/// At most this many different subcommands become an alternation.
const MAX_ALTERNATIVES: usize = 4;

/// The gate id for a lesson id: its letters, digits, `.`, `_` and `-`, other runs as `-`.
pub(super) fn gate_id(lesson: &str) -> String {
    let mut id = String::with_capacity(lesson.len());
    for c in lesson.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_matches('-');
    if id.is_empty() {
        "lesson".to_owned()
    } else {
        id.to_owned()
    }
}

/// The words of each simple command of a command, data words (quoted text with white space)
/// cut off with what follows them.
fn simple_commands(command: &str) -> Vec<Vec<String>> {
    let normalized = normalize(command, &NormalizeOptions::default());
    normalized
        .commands()
        .iter()
        .map(|sc| {
            let words = sc.words();
            words
                .iter()
                .enumerate()
                .take_while(|(i, _)| !sc.is_data(*i))
                .map(|(_, w)| w.clone())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|words| !words.is_empty())
        .collect()
}

/// Whether a word reads as a subcommand (`install`, `run-script`), not an argument.
fn subcommand_like(word: &str) -> bool {
    !word.starts_with('-')
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'))
}

/// The pattern that stops every command of `block`, or why there is none.
pub(super) fn pattern(block: &[String]) -> Result<String, String> {
    let commands: Vec<Vec<Vec<String>>> = block
        .iter()
        .filter(|c| !c.trim().is_empty())
        .map(|c| simple_commands(c))
        .collect();
    let Some(first) = commands.first() else {
        return Err("it lists no commands to stop".to_owned());
    };
    if commands.iter().any(Vec::is_empty) {
        return Err("one of its commands has no words to match".to_owned());
    }
    // The longest prefix of a simple command of the first command that every command has a
    // simple command starting with.
    let starts = |words: &[String], prefix: &[String]| words.starts_with(prefix);
    let covered = |prefix: &[String]| {
        commands
            .iter()
            .all(|scs| scs.iter().any(|sc| starts(sc, prefix)))
    };
    let mut best: &[String] = &[];
    for sc in first {
        for k in (1..=sc.len()).rev() {
            let prefix = sc.get(..k).unwrap_or_default();
            if k > best.len() && covered(prefix) {
                best = prefix;
                break;
            }
        }
    }
    if best.is_empty() {
        return Err("its commands share no program".to_owned());
    }
    let mut pattern = String::from("^");
    pattern.push_str(
        &best
            .iter()
            .map(|w| regex_syntax::escape(w))
            .collect::<Vec<_>>()
            .join(r"\s+"),
    );
    if best.len() == 1 {
        // The word after the program in the first simple command of each command that
        // starts with it.
        let next: Option<Vec<&String>> = commands
            .iter()
            .map(|scs| {
                scs.iter()
                    .find(|sc| sc.starts_with(best))
                    .and_then(|sc| sc.get(1))
            })
            .collect();
        if let Some(all) = next.filter(|n| n.iter().all(|w| subcommand_like(w))) {
            let mut next: Vec<&String> = Vec::new();
            for w in all {
                if !next.contains(&w) {
                    next.push(w);
                }
            }
            if (2..=MAX_ALTERNATIVES).contains(&next.len()) {
                let words: Vec<String> = next.iter().map(|w| regex_syntax::escape(w)).collect();
                pattern.push_str(&format!(r"\s+({})", words.join("|")));
            }
        }
    }
    pattern.push_str(r"(\s|$)");
    Ok(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(block: &[&str]) -> Result<String, String> {
        pattern(&block.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn prefixes_and_subcommand_alternations() {
        assert_eq!(
            p(&["npm install left-pad", "sudo npm i react"]).unwrap(),
            r"^npm\s+(install|i)(\s|$)"
        );
        assert_eq!(
            p(&["npm install a", "cd web && npm install b"]).unwrap(),
            r"^npm\s+install(\s|$)"
        );
        assert_eq!(
            p(&["/usr/bin/make deploy.prod", "make deploy.prod"]).unwrap(),
            r"^make\s+deploy\.prod(\s|$)"
        );
        assert_eq!(
            p(&["pytest -x", "pytest tests/a.py"]).unwrap(),
            r"^pytest(\s|$)"
        );
        assert!(p(&["npm install", "yarn add x"]).is_err());
        assert!(p(&[]).is_err());
    }

    #[test]
    fn gate_ids_are_tame() {
        assert_eq!(gate_id("use pnpm, not npm!"), "use-pnpm-not-npm");
        assert_eq!(gate_id("L-3f2a"), "L-3f2a");
        assert_eq!(gate_id("¿?"), "lesson");
    }
}
