//! Differential: the normaliser's splitting of a command into simple commands against
//! brush-parser, a maintained bash parser used here as an oracle only (it is no dependency of
//! metalayer itself).
//!
//! The input bytes drive a small generator of valid shell programs (plain words, the list and
//! pipeline operators, subshells and brace groups), so that both sides must agree exactly on
//! which simple commands run and with which words, in order.
#![no_main]

use brush_parser::ast;
use libfuzzer_sys::fuzz_target;
use metalayer_gates::{NormalizeOptions, normalize};

/// Command names that are neither wrappers nor shells nor reserved words.
const NAMES: &[&str] = &["ls", "cat", "make", "grep", "cargo", "echo", "true", "wc"];
const ARGS: &[&str] = &["a", "-l", "x1", "--all", "src", "42", "b.txt", "-"];
const SEPARATORS: &[&str] = &[" ; ", " && ", " || ", " | ", " & ", "\n"];

struct Gen<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Gen<'_> {
    fn next(&mut self) -> usize {
        let b = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        usize::from(b)
    }

    fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
        from[self.next() % from.len()]
    }

    /// `first_in_subshell`: `( (` would read as bash's arithmetic `((`, so a subshell never
    /// opens right inside another.
    fn command(&mut self, out: &mut String, depth: usize, first_in_subshell: bool) {
        match self.next() % 8 {
            0 if depth < 3 && !first_in_subshell => {
                out.push_str("( ");
                self.list(out, depth + 1, true);
                out.push_str(" )");
            }
            1 if depth < 3 => {
                out.push_str("{ ");
                self.list(out, depth + 1, false);
                out.push_str("; }");
            }
            _ => {
                out.push_str(self.pick(NAMES));
                for _ in 0..self.next() % 4 {
                    out.push(' ');
                    out.push_str(self.pick(ARGS));
                }
            }
        }
    }

    fn list(&mut self, out: &mut String, depth: usize, in_subshell: bool) {
        self.command(out, depth, in_subshell);
        for _ in 0..self.next() % 4 {
            out.push_str(self.pick(SEPARATORS));
            self.command(out, depth, false);
        }
    }
}

fn words_of_list(list: &ast::CompoundList, out: &mut Vec<Vec<String>>) {
    for ast::CompoundListItem(and_or, _) in &list.0 {
        for (_, pipeline) in and_or.iter() {
            for command in &pipeline.seq {
                match command {
                    ast::Command::Simple(simple) => {
                        let mut words = Vec::new();
                        if let Some(name) = &simple.word_or_name {
                            words.push(name.value.clone());
                        }
                        for item in simple.suffix.iter().flat_map(|s| s.0.iter()) {
                            if let ast::CommandPrefixOrSuffixItem::Word(w) = item {
                                words.push(w.value.clone());
                            }
                        }
                        out.push(words);
                    }
                    ast::Command::Compound(ast::CompoundCommand::Subshell(s), _) => {
                        words_of_list(&s.list, out);
                    }
                    ast::Command::Compound(ast::CompoundCommand::BraceGroup(b), _) => {
                        words_of_list(&b.list, out);
                    }
                    other => panic!("the generator made {other:?}"),
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut g = Gen { bytes: data, at: 0 };
    let mut program = String::new();
    g.list(&mut program, 0, false);

    let mut parser = brush_parser::Parser::new(
        std::io::BufReader::new(program.as_bytes()),
        &brush_parser::ParserOptions::default(),
        &brush_parser::SourceInfo {
            source: "fuzz".to_owned(),
        },
    );
    let Ok(ast) = parser.parse_program() else {
        return;
    };
    let mut oracle = Vec::new();
    for complete in &ast.complete_commands {
        words_of_list(complete, &mut oracle);
    }

    let normalized = normalize(&program, &NormalizeOptions::default());
    let ours: Vec<Vec<String>> = normalized
        .commands()
        .iter()
        .map(|c| c.words().to_vec())
        .collect();
    assert_eq!(ours, oracle, "program: {program:?}");
});
