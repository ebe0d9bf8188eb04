//! Properties of the shell normaliser.

use metalayer_gates::{NormalizeOptions, normalize};
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
}
