//! Properties of the shell normaliser.

use metalayer_gates::{DATA_PLACEHOLDER, NormalizeOptions, Normalized, normalize};
use proptest::prelude::*;

/// A word that means the same quoted or not: no option dash first (`-` ends a shell's
/// options), and no reserved word (`do`, `if`, ... are keywords only when unquoted).
fn plain_word() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_./][a-zA-Z0-9_./-]{0,7}".prop_filter("reserved word", |w| {
        !matches!(
            w.as_str(),
            "if" | "then"
                | "elif"
                | "else"
                | "fi"
                | "do"
                | "done"
                | "while"
                | "until"
                | "for"
                | "case"
                | "esac"
                | "select"
                | "function"
                | "coproc"
                | "in"
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Arbitrary input never panics and never yields more than the configured commands.
    #[test]
    fn arbitrary_input_is_handled(input in "\\PC{0,200}") {
        let n = normalize(&input, &NormalizeOptions::default());
        prop_assert!(n.commands().len() <= NormalizeOptions::default().max_commands);
    }

    /// Shell-ish noise (quotes, operators, substitutions) never panics.
    #[test]
    fn shell_noise_is_handled(parts in prop::collection::vec(prop::sample::select(vec![
        "'", "\"", "$(", ")", "`", "${", "}", "<<", "EOF", "\n", "\\", "|", "&&", ";", "bash -c",
        "eval", "(", "$'", "<(", "#", "python -c", "x",
    ]), 0..40)) {
        let _ = normalize(&parts.concat(), &NormalizeOptions::default());
    }

    /// Quoting a plain word, in any of the shell's ways, does not change what runs.
    #[test]
    fn quoting_does_not_change_the_words(words in prop::collection::vec(plain_word(), 1..6), style in 0u8..4) {
        let plain = words.join(" ");
        let quoted = words
            .iter()
            .map(|w| match style {
                0 => format!("'{w}'"),
                1 => format!("\"{w}\""),
                2 => w.chars().map(|c| format!("\\{c}")).collect(),
                _ => format!("$'{w}'"),
            })
            .collect::<Vec<_>>()
            .join("   ");
        let a = normalize(&plain, &NormalizeOptions::default());
        let b = normalize(&quoted, &NormalizeOptions::default());
        let words_of = |n: &metalayer_gates::Normalized| n.commands().iter().map(|c| c.words().to_vec()).collect::<Vec<_>>();
        // The first word's path is reduced to its basename in both.
        prop_assert_eq!(words_of(&a), words_of(&b));
    }

    /// `bash -c '<cmd>'` runs the same simple commands as `<cmd>`.
    #[test]
    fn bash_c_unwraps_to_the_same_commands(words in prop::collection::vec(plain_word(), 1..5)) {
        let cmd = words.join(" ");
        let a = normalize(&cmd, &NormalizeOptions::default());
        let b = normalize(&format!("bash -c '{cmd}'"), &NormalizeOptions::default());
        let texts = |n: &metalayer_gates::Normalized| n.commands().iter().map(|c| c.text().to_owned()).collect::<Vec<_>>();
        prop_assert_eq!(texts(&a), texts(&b));
    }

    /// Each simple command's views agree: the text is its words joined by spaces, the name is
    /// the first word, the precise text shows data words as the placeholder, only words with
    /// white space are data, and the words built on first use do not change equality.
    #[test]
    fn a_command_s_views_agree(input in shell_text()) {
        let n = normalize(&input, &NormalizeOptions::default());
        for c in n.commands() {
            let words = c.words();
            prop_assert!(!words.is_empty());
            prop_assert_eq!(words.join(" "), c.text());
            prop_assert_eq!(c.name(), words.first().map(String::as_str));
            let precise: Vec<String> = words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if !c.is_data(i) {
                        return w.clone();
                    }
                    // A data word that assigns (`core.editor=code --wait`) keeps its key.
                    match w.split_once('=') {
                        Some((key, _))
                            if !key.is_empty()
                                && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) =>
                        {
                            format!("{key}={DATA_PLACEHOLDER}")
                        }
                        _ => DATA_PLACEHOLDER.to_owned(),
                    }
                })
                .collect();
            prop_assert_eq!(precise.join(" "), c.precise_text());
            for (i, w) in words.iter().enumerate() {
                let white = w.chars().any(char::is_whitespace);
                prop_assert!(!c.is_data(i) || white, "{:?}", w);
                // A word with white space is data unless it holds an expansion.
                let expansion = ["$", "`", "<(", ">("].iter().any(|e| w.contains(e));
                prop_assert!(c.is_data(i) || !white || expansion, "{:?}", w);
            }
            prop_assert!(!c.is_data(words.len()));
        }
        // `n` has built its words; a fresh result has not: they are still equal, and so are
        // their debug forms.
        let fresh: Normalized = normalize(&input, &NormalizeOptions::default());
        prop_assert_eq!(&fresh, &n);
        prop_assert_eq!(format!("{fresh:?}"), format!("{n:?}"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `git rm` lists its paths as written, or, with `--cached` (any unique prefix, anywhere
    /// before `--`), as untracked: never both, and `--dry-run` lists none.
    #[test]
    fn git_rm_paths_are_written_or_untracked(
        paths in prop::collection::vec("[a-z][a-z0-9_.]{0,6}(/[a-z0-9_.]{1,6})?", 1..4),
        cached in prop::option::of(prop::sample::select(vec!["--cached", "--cache", "--cach", "--ca"])),
        at in 0usize..4,
        flags in prop::collection::vec(prop::sample::select(vec!["-r", "-q", "-f", "--quiet", "--ignore-unmatch"]), 0..3),
        dry in any::<bool>(),
        separator in any::<bool>(),
    ) {
        let mut args: Vec<&str> = flags.clone();
        if dry {
            args.push("-n");
        }
        if let Some(c) = cached {
            args.insert(at.min(args.len()), c);
        }
        if separator {
            args.push("--");
        }
        args.extend(paths.iter().map(String::as_str));
        let n = normalize(&format!("git rm {}", args.join(" ")), &NormalizeOptions::default());
        // Each path once, in the order given.
        let mut listed: Vec<String> = Vec::new();
        for p in &paths {
            if !listed.contains(p) {
                listed.push(p.clone());
            }
        }
        let (writes, untracked) = match (dry, cached.is_some()) {
            (true, _) => (Vec::new(), Vec::new()),
            (false, true) => (Vec::new(), listed),
            (false, false) => (listed, Vec::new()),
        };
        prop_assert_eq!(n.writes(), writes.as_slice());
        prop_assert_eq!(n.untracked(), untracked.as_slice());
    }
}

/// Shell text rich in quoting, white space and paths.
fn shell_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "git",
            "/usr/bin/rm",
            " ",
            "  ",
            "\t",
            "'a b'",
            "\"x\ty\"",
            "''",
            "\"\"",
            "$'\\x41 B'",
            "\\ ",
            ";",
            "|",
            "&&",
            "$(echo a b)",
            "`id`",
            "$X",
            "sudo",
            "FOO=1",
            "-rf",
            "é",
            "\u{a0}",
            "bash -c '",
            "'",
            "\"",
            "\n",
            "> out",
            "<<<",
            "eval",
            "x",
        ]),
        0..24,
    )
    .prop_map(|parts| parts.concat())
}
