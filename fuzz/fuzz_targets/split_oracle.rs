//! Differential: the normaliser's splitting of a command into simple commands against
//! brush-parser, a maintained bash parser used here as an oracle only (it is no dependency of
//! metalayer itself).
//!
//! The input bytes drive a generator of valid shell programs: simple commands with assignment
//! prefixes, quoted and escaped words, expansions, command substitutions (bare and in double
//! quotes) and redirections; the list and pipeline operators, `!` and `time`; subshells, brace
//! groups, `if`/`elif`/`else`, `while`, `until`, `for` with and without a list, `case` with
//! alternatives, `(pattern)`, `;;`, `;&` and `;;&`, and functions; comments and
//! here-documents before a newline. Both sides must agree exactly on which simple commands
//! run, in which order (a substitution's commands before the command that holds it), and with
//! which words after quote removal.
//!
//! brush keeps a word's source text; the generator remembers what each word it wrote reads
//! as, and which program each substitution holds, so the oracle's words are compared by that.
//! A program brush cannot parse is a generator defect and fails the target.
#![no_main]

use std::collections::HashMap;

use brush_parser::ast;
use libfuzzer_sys::fuzz_target;
use metalayer_gates::{NormalizeOptions, normalize};

/// Command names that are neither wrappers nor shells, interpreters nor reserved words.
const NAMES: &[&str] = &["ls", "cat", "make", "grep", "cargo", "echo", "true", "wc"];
/// Word pieces: their source, and what they read as after quote removal.
const PIECES: &[(&str, &str)] = &[
    ("a", "a"),
    ("-l", "-l"),
    ("x1", "x1"),
    ("--all", "--all"),
    ("src", "src"),
    ("42", "42"),
    ("b.txt", "b.txt"),
    ("-", "-"),
    ("'a b'", "a b"),
    ("\"x;y\"", "x;y"),
    ("a\\ b", "a b"),
    ("'it'\"s\"", "its"),
    ("\"$x\"", "$x"),
    ("$x", "$x"),
    ("${y}", "${y}"),
    ("\\;", ";"),
    ("\"a|b\"", "a|b"),
    ("'('", "("),
    ("\"'\"", "'"),
    ("'esac'", "esac"),
    ("\"in\"", "in"),
    ("\"a\\\"b\"", "a\"b"),
    ("$'t\\tu'", "t\tu"),
    ("')'", ")"),
];
const PATTERNS: &[&str] = &["a", "b*", "x|y", "'q r'|s", "*", "'esac'|in", "[0-9]"];
const REDIRECTS: &[&str] = &[
    " > out",
    " 2>&1",
    " < in.txt",
    " >> log",
    " 2>/dev/null",
    " &> all",
];
const SEPARATORS: &[&str] = &[" ; ", " && ", " || ", " | ", " & ", "\n"];
const CASE_ENDS: &[&str] = &[" ;; ", " ;& ", " ;;& ", "\n;;\n"];

#[derive(Default)]
struct Gen<'a> {
    bytes: &'a [u8],
    at: usize,
    /// What each word written reads as after quote removal.
    values: HashMap<String, String>,
    /// The program each command substitution written holds, by the word's source.
    substitutions: HashMap<String, Vec<String>>,
    /// The next command starts a pipeline (`!` and `time` are reserved words only there).
    pipeline_start: bool,
    /// Subshells open around the next command.
    subshells: usize,
    /// Command substitutions open around the next command.
    substituted: usize,
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

    /// One word; returns its source.
    fn word(&mut self, depth: usize) -> String {
        if depth < 3 && self.next() % 10 == 0 {
            let mut inner = String::new();
            self.substituted += 1;
            self.list(&mut inner, depth + 1, true);
            self.substituted -= 1;
            let quoted = self.next() % 2 == 0;
            let source = if quoted {
                format!("\"$({inner})\"")
            } else {
                format!("$({inner})")
            };
            let value = format!("$({inner})");
            self.values.insert(source.clone(), value);
            self.substitutions
                .entry(source.clone())
                .or_default()
                .push(inner);
            return source;
        }
        let (mut source, mut value) = (String::new(), String::new());
        for _ in 0..1 + self.next() % 2 {
            let (s, v) = PIECES[self.next() % PIECES.len()];
            source.push_str(s);
            value.push_str(v);
        }
        self.values.insert(source.clone(), value);
        source
    }

    fn simple(&mut self, out: &mut String, depth: usize) {
        match self.next() % 6 {
            0 => out.push_str("A=1 "),
            1 => out.push_str("B='x y' C=2 "),
            2 if self.pipeline_start => out.push_str("! "),
            3 if self.pipeline_start => out.push_str("time "),
            _ => {}
        }
        out.push_str(self.pick(NAMES));
        for _ in 0..self.next() % 4 {
            out.push(' ');
            let w = self.word(depth);
            out.push_str(&w);
        }
        if self.next() % 4 == 0 {
            out.push_str(self.pick(REDIRECTS));
        }
    }

    /// `first_in_subshell`: `( (` would read as bash's arithmetic `((`, so a subshell never
    /// opens right inside another. Returns whether a simple command was written.
    fn command(&mut self, out: &mut String, depth: usize, first_in_subshell: bool) -> bool {
        if depth >= 3 {
            self.simple(out, depth);
            return true;
        }
        match self.next() % 16 {
            0 if !first_in_subshell => {
                out.push_str("( ");
                self.subshells += 1;
                self.list(out, depth + 1, true);
                self.subshells -= 1;
                out.push_str(" )");
            }
            1 => {
                out.push_str("{ ");
                self.list(out, depth + 1, false);
                out.push_str("; }");
            }
            2 => {
                out.push_str("if ");
                self.list(out, depth + 1, false);
                out.push_str("; then ");
                self.list(out, depth + 1, false);
                match self.next() % 3 {
                    0 => {
                        out.push_str("; elif ");
                        self.list(out, depth + 1, false);
                        out.push_str("; then ");
                        self.list(out, depth + 1, false);
                    }
                    1 => {
                        out.push_str("; else ");
                        self.list(out, depth + 1, false);
                    }
                    _ => {}
                }
                out.push_str("; fi");
            }
            3 => {
                out.push_str(if self.next() % 2 == 0 {
                    "while "
                } else {
                    "until "
                });
                self.list(out, depth + 1, false);
                out.push_str("; do ");
                self.list(out, depth + 1, false);
                out.push_str("; done");
            }
            4 => {
                out.push_str(if self.next() % 2 == 0 {
                    "for v in a 'b c'; do "
                } else {
                    "for v; do "
                });
                self.list(out, depth + 1, false);
                out.push_str("; done");
            }
            // brush-parser 0.3 cannot parse a `case` inside a subshell or a substitution
            // (bash can): the normaliser's own data cases cover those.
            5 if self.subshells == 0 && self.substituted == 0 => {
                out.push_str(if self.next() % 2 == 0 {
                    "case $x in "
                } else {
                    "case \"$1\" in\n"
                });
                for item in 0..1 + self.next() % 3 {
                    if item > 0 {
                        out.push_str(self.pick(CASE_ENDS));
                    }
                    if self.next() % 3 == 0 {
                        out.push('(');
                    }
                    out.push_str(self.pick(PATTERNS));
                    out.push_str(") ");
                    if self.next() % 5 != 0 {
                        self.list(out, depth + 1, false);
                    }
                }
                out.push_str(if self.next() % 2 == 0 {
                    " ;; esac"
                } else {
                    "\nesac"
                });
            }
            6 => {
                out.push_str(if self.next() % 2 == 0 {
                    "f() { "
                } else {
                    "function g { "
                });
                self.list(out, depth + 1, false);
                out.push_str("; }");
            }
            _ => {
                self.simple(out, depth);
                return true;
            }
        }
        false
    }

    fn list(&mut self, out: &mut String, depth: usize, in_subshell: bool) {
        self.pipeline_start = true;
        let mut simple = self.command(out, depth, in_subshell);
        for _ in 0..self.next() % 4 {
            let separator = self.pick(SEPARATORS);
            if separator == "\n" {
                match self.next() % 4 {
                    // brush drops a comment from the text of the substitution that holds it.
                    0 if self.substituted == 0 => out.push_str(" # a ) comment ; esac"),
                    // brush cannot read a here-document inside a substitution; bash can.
                    1 if simple && self.substituted == 0 => {
                        out.push_str(" <<'E'\nbody ) ; `x` $(y)\nE");
                    }
                    _ => {}
                }
            }
            out.push_str(separator);
            self.pipeline_start = separator != " | ";
            simple = self.command(out, depth, false);
        }
    }
}

/// The simple commands of a list, in the order they run, read through the generator's tables.
struct Oracle<'g> {
    values: &'g HashMap<String, String>,
    substitutions: &'g HashMap<String, Vec<String>>,
    out: Vec<Vec<String>>,
}

impl Oracle<'_> {
    fn program(&mut self, text: &str) {
        let mut parser = brush_parser::Parser::new(
            std::io::BufReader::new(text.as_bytes()),
            &brush_parser::ParserOptions::default(),
            &brush_parser::SourceInfo {
                source: "fuzz".to_owned(),
            },
        );
        let ast = match parser.parse_program() {
            Ok(ast) => ast,
            Err(e) => panic!("brush cannot parse the generated program {text:?}: {e}"),
        };
        for complete in &ast.complete_commands {
            self.list(complete);
        }
    }

    /// The commands a word's substitution runs, before the command that holds it.
    fn word_substitutions(&mut self, source: &str) {
        if let Some(inner) = self.substitutions.get(source) {
            // The same source may stand for one program only: the generator made it from it.
            if let Some(program) = inner.first() {
                self.program(program);
            }
        }
    }

    fn value(&self, source: &str) -> String {
        self.values
            .get(source)
            .cloned()
            .unwrap_or_else(|| source.to_owned())
    }

    fn list(&mut self, list: &ast::CompoundList) {
        for ast::CompoundListItem(and_or, _) in &list.0 {
            for (_, pipeline) in and_or.iter() {
                for command in &pipeline.seq {
                    self.command(command);
                }
            }
        }
    }

    fn compound(&mut self, compound: &ast::CompoundCommand) {
        match compound {
            ast::CompoundCommand::Subshell(s) => self.list(&s.list),
            ast::CompoundCommand::BraceGroup(b) => self.list(&b.list),
            ast::CompoundCommand::IfClause(i) => {
                self.list(&i.condition);
                self.list(&i.then);
                for e in i.elses.iter().flatten() {
                    if let Some(c) = &e.condition {
                        self.list(c);
                    }
                    self.list(&e.body);
                }
            }
            ast::CompoundCommand::WhileClause(w) | ast::CompoundCommand::UntilClause(w) => {
                self.list(&w.0);
                self.list(&w.1.list);
            }
            ast::CompoundCommand::ForClause(f) => self.list(&f.body.list),
            ast::CompoundCommand::CaseClause(c) => {
                for item in &c.cases {
                    if let Some(cmd) = &item.cmd {
                        self.list(cmd);
                    }
                }
            }
            other => panic!("the generator made {other:?}"),
        }
    }

    fn command(&mut self, command: &ast::Command) {
        match command {
            ast::Command::Simple(simple) => {
                let prefix = simple.prefix.iter().flat_map(|p| p.0.iter());
                let suffix = simple.suffix.iter().flat_map(|s| s.0.iter());
                let mut words = Vec::new();
                for item in prefix {
                    if let ast::CommandPrefixOrSuffixItem::AssignmentWord(_, w) = item {
                        self.word_substitutions(&w.value);
                    }
                }
                if let Some(name) = &simple.word_or_name {
                    self.word_substitutions(&name.value);
                    words.push(self.value(&name.value));
                }
                for item in suffix {
                    if let ast::CommandPrefixOrSuffixItem::Word(w) = item {
                        self.word_substitutions(&w.value);
                        words.push(self.value(&w.value));
                    }
                }
                self.out.push(words);
            }
            ast::Command::Compound(compound, _) => self.compound(compound),
            ast::Command::Function(f) => self.compound(&f.body.0),
            other => panic!("the generator made {other:?}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut g = Gen {
        bytes: data,
        ..Gen::default()
    };
    let mut program = String::new();
    g.list(&mut program, 0, false);

    let mut oracle = Oracle {
        values: &g.values,
        substitutions: &g.substitutions,
        out: Vec::new(),
    };
    oracle.program(&program);

    let normalized = normalize(&program, &NormalizeOptions::default());
    let ours: Vec<Vec<String>> = normalized
        .commands()
        .iter()
        .map(|c| c.words().to_vec())
        .collect();
    assert_eq!(ours, oracle.out, "program: {program:?}");
});
