//! The structure of `case` commands in a token stream.
//!
//! `case WORD in PATTERN|PATTERN) COMMANDS ;; (PATTERN) COMMANDS ;; esac`: the patterns run
//! nothing (only the substitutions they hold run), and the `)` that ends them closes no
//! parenthesis. Both the normaliser, which must not read a pattern as a command, and the lexer,
//! which finds where `$( … )` ends by reading the commands inside it, need that distinction;
//! [`CaseReader`] makes it for both, token by token.

use super::Token;

/// What a token is, as far as `case` commands go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// An ordinary token of a command.
    Command,
    /// A word of an item's patterns, or the `(`, `|`, separators and redirections around
    /// them: nothing runs but the substitutions in its words.
    Pattern,
    /// The `)` that ends an item's patterns: its commands follow.
    PatternEnd,
    /// The `in` of `case WORD in`: the words before it were the header, and patterns follow.
    Header,
    /// A `)` that closes nothing opened since the reader started.
    Unmatched,
}

/// Where the current command is, in its first words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Start {
    /// Nothing yet but reserved words (`then`, `do`, `{`, `!`, …).
    #[default]
    Nothing,
    /// `function`: its name follows, then the body's reserved words.
    Function,
    /// The reserved word `case`.
    Case,
    /// `case WORD`.
    CaseWord,
    /// Anything else: no reserved word can follow.
    Other,
}

/// A `case` command whose `esac` has not come yet.
#[derive(Debug, Clone, Copy)]
struct Open {
    /// The parentheses open around it: its `;;` and `esac` come at the same level.
    parens: usize,
    /// Between `in` or `;;` and the `)` that ends an item's patterns.
    in_patterns: bool,
    /// No word of the current item's patterns yet (an optional `(` or `esac` may come).
    pattern_start: bool,
    /// Parentheses open inside a pattern (`@(a|b)`).
    pattern_parens: usize,
}

/// Reads the `case` commands of a token stream; feed it every token in order.
#[derive(Debug, Default)]
pub(crate) struct CaseReader {
    open: Vec<Open>,
    /// Parentheses open outside patterns.
    parens: usize,
    start: Start,
}

/// Reserved words that open or continue a compound command; a word after them starts a
/// command.
#[inline]
pub(crate) fn is_reserved(word: &str) -> bool {
    matches!(
        word,
        "if" | "then"
            | "elif"
            | "else"
            | "fi"
            | "do"
            | "done"
            | "while"
            | "until"
            | "!"
            | "{"
            | "}"
            | "esac"
            | "coproc"
            | "function"
    )
}

/// Whether `word` may be a reserved word, `function` or `case`: a test of its length and first
/// byte, which rejects most command names (`cd`, `cargo`, `git`) before any comparison.
fn may_be_keyword(word: &str) -> bool {
    matches!(
        (word.len(), word.as_bytes().first()),
        (1, Some(b'!' | b'{' | b'}'))
            | (2, Some(b'i' | b'f' | b'd'))
            | (4, Some(b't' | b'e' | b'd' | b'c'))
            | (5, Some(b'w' | b'u'))
            | (6, Some(b'c'))
            | (8, Some(b'f'))
    )
}

impl CaseReader {
    /// What `token`, the next of the stream, is.
    #[inline]
    pub(crate) fn step(&mut self, token: &Token<'_>) -> Step {
        // Most tokens: a word of a command well under way, outside any `case`.
        if self.open.is_empty()
            && match token {
                Token::Word(w) => {
                    self.start == Start::Other
                        || (self.start == Start::Nothing && !may_be_keyword(&w.text))
                }
                Token::Redirect(_) => true,
                _ => false,
            }
        {
            self.start = Start::Other;
            return Step::Command;
        }
        if self.open.is_empty()
            && self.start != Start::CaseWord
            && matches!(token, Token::Separator(_) | Token::Pipe | Token::CaseEnd)
        {
            self.start = Start::Nothing;
            return Step::Command;
        }
        self.step_slow(token)
    }

    fn step_slow(&mut self, token: &Token<'_>) -> Step {
        if let Some(case) = self.open.last_mut()
            && case.in_patterns
        {
            return match token {
                Token::Word(w) if case.pattern_start && !w.quoted && w.text == "esac" => {
                    self.open.pop();
                    self.start = Start::Other;
                    Step::Command
                }
                Token::Word(_) => {
                    case.pattern_start = false;
                    Step::Pattern
                }
                Token::Open if case.pattern_start => {
                    case.pattern_start = false;
                    Step::Pattern
                }
                Token::Open => {
                    case.pattern_parens += 1;
                    Step::Pattern
                }
                Token::Close if case.pattern_parens > 0 => {
                    case.pattern_parens -= 1;
                    Step::Pattern
                }
                Token::Close => {
                    case.in_patterns = false;
                    self.start = Start::Nothing;
                    Step::PatternEnd
                }
                Token::Separator(_) | Token::CaseEnd | Token::Pipe | Token::Redirect(_) => {
                    Step::Pattern
                }
            };
        }
        match token {
            Token::Word(w) => {
                let plain = !w.quoted;
                self.start = match self.start {
                    Start::Nothing if plain && w.text == "function" => Start::Function,
                    Start::Function => Start::Nothing,
                    Start::Nothing if plain && is_reserved(&w.text) => {
                        if w.text == "esac"
                            && self.open.last().is_some_and(|c| c.parens == self.parens)
                        {
                            self.open.pop();
                        }
                        Start::Nothing
                    }
                    Start::Nothing if plain && w.text == "case" => Start::Case,
                    Start::Case => Start::CaseWord,
                    Start::CaseWord if plain && w.text == "in" => {
                        self.open.push(Open {
                            parens: self.parens,
                            in_patterns: true,
                            pattern_start: true,
                            pattern_parens: 0,
                        });
                        self.start = Start::Nothing;
                        return Step::Header;
                    }
                    Start::Nothing | Start::CaseWord | Start::Other => Start::Other,
                };
                Step::Command
            }
            // `case x` and `in` may stand on two lines.
            Token::Separator(_) if self.start == Start::CaseWord => Step::Command,
            Token::Separator(_) | Token::Pipe => {
                self.start = Start::Nothing;
                Step::Command
            }
            Token::CaseEnd => {
                self.start = Start::Nothing;
                if let Some(case) = self.open.last_mut()
                    && case.parens == self.parens
                {
                    case.in_patterns = true;
                    case.pattern_start = true;
                }
                Step::Command
            }
            Token::Open => {
                self.parens += 1;
                self.start = Start::Nothing;
                Step::Command
            }
            Token::Close => {
                self.start = Start::Nothing;
                if self.parens == 0 {
                    return Step::Unmatched;
                }
                self.parens -= 1;
                Step::Command
            }
            Token::Redirect(_) => Step::Command,
        }
    }
}
