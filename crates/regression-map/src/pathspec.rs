//! Git pathspecs as `git add`, `git rm` and `git commit` read them, resolved against the
//! repository root so that they can be matched against repo-relative paths.
//!
//! Written here rather than borrowed: globset reads `{a,b}` as alternatives and has no switch to
//! turn that off, and libgit2's pathspec reads a leading `!` as a negation, which git does not.
//! Git's own rules are small: a pathspec matches a path that equals it or lies under it as a
//! directory, and, when it holds a wildcard, a path that `wildmatch` matches without
//! `WM_PATHNAME` (so `*` also matches `/`: `*.py` matches `src/a.py`). Magic prefixes
//! (`:/`, `:!`, `:(top,icase,literal,glob,exclude)`) are read; an exclusion only ever narrows
//! what git touches, so it is left out, which can only make the result larger.

use std::path::Path;

/// How a word of a git command reads as a pathspec (the `--literal-pathspecs` and
/// `--icase-pathspecs` global options).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PathspecFlags {
    /// Wildcards are ordinary characters (`git --literal-pathspecs`, `:(literal)`).
    pub literal: bool,
    /// Case is ignored (`git --icase-pathspecs`, `:(icase)`).
    pub icase: bool,
}

/// A pathspec resolved against the repository root.
///
/// ```
/// use metalayer_regression_map::{Pathspec, PathspecFlags};
/// use std::path::Path;
///
/// let root = Path::new("/repo");
/// let flags = PathspecFlags::default();
/// let spec = Pathspec::parse("auth", Some("src"), root, flags);
/// assert!(spec.matches("src/auth/login.py"));
/// assert!(!spec.matches("auth/x.py"));
/// assert!(Pathspec::parse("*.py", Some(""), root, flags).matches("src/auth/login.py"));
/// assert!(Pathspec::parse(":/docs", Some("src"), root, flags).matches("docs/a.md"));
/// assert!(Pathspec::parse("..", Some("src"), root, flags).matches("README.md"));
/// assert!(Pathspec::parse("/repo/src", Some(""), root, flags).matches("src/a.py"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pathspec {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// Every path of the repository.
    All,
    /// Known only when the command runs (a variable, a substitution, an unknown folder):
    /// matches every path.
    Unknown,
    /// An exclusion (`:!x`, `:^x`, `:(exclude)x`).
    Exclude,
    /// Outside the repository: git refuses it, so it matches nothing.
    Outside,
    /// A repo-relative pattern.
    Pattern {
        text: String,
        glob: bool,
        icase: bool,
    },
}

/// The magic of a pathspec word, and the pattern after it.
struct Magic<'a> {
    top: bool,
    exclude: bool,
    flags: PathspecFlags,
    rest: &'a str,
}

fn magic(word: &str, mut flags: PathspecFlags) -> Magic<'_> {
    let mut out = Magic {
        top: false,
        exclude: false,
        flags,
        rest: word,
    };
    let Some(after) = word.strip_prefix(':') else {
        return out;
    };
    if let Some(long) = after.strip_prefix('(') {
        let Some((words, rest)) = long.split_once(')') else {
            return out;
        };
        for w in words.split(',').map(str::trim) {
            match w {
                "top" => out.top = true,
                "exclude" => out.exclude = true,
                "literal" => flags.literal = true,
                "icase" => flags.icase = true,
                _ => {}
            }
        }
        out.flags = flags;
        out.rest = rest;
        return out;
    }
    // Short magic: any of `/`, `!`, `^`, then an optional `:`.
    let mut rest = after;
    while let Some(c) = rest.chars().next() {
        match c {
            '/' => out.top = true,
            '!' | '^' => out.exclude = true,
            _ => break,
        }
        rest = rest.get(1..).unwrap_or_default();
    }
    out.rest = rest.strip_prefix(':').unwrap_or(rest);
    out
}

/// Joins `rel` onto the folder `base` (repo-relative) and resolves `.` and `..`; `None` when
/// the result leaves the repository.
fn resolve(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// `path` relative to `root` when it lies inside it, trying the root as given and resolved.
fn inside_root(path: &str, root: &Path) -> Option<String> {
    let path = Path::new(path);
    let relative = |root: &Path| {
        path.strip_prefix(root)
            .ok()
            .and_then(|r| r.to_str())
            .map(str::to_owned)
    };
    relative(root).or_else(|| root.canonicalize().ok().and_then(|r| relative(&r)))
}

impl Pathspec {
    /// Every path of the repository (`git add -A` without a pathspec, `:/`).
    #[must_use]
    pub fn all() -> Self {
        Self { kind: Kind::All }
    }

    /// A pathspec known only when the command runs: it matches every path.
    #[must_use]
    pub fn unknown() -> Self {
        Self {
            kind: Kind::Unknown,
        }
    }

    /// Reads a word of a git command as a pathspec. `cwd` is the folder the command runs in,
    /// relative to the repository root (`Some("")` at the root, `None` when it cannot be
    /// known); `root` is the repository root, for absolute paths.
    #[must_use]
    pub fn parse(word: &str, cwd: Option<&str>, root: &Path, flags: PathspecFlags) -> Self {
        let m = magic(word, flags);
        if m.exclude {
            return Self {
                kind: Kind::Exclude,
            };
        }
        let resolved = if m.rest.starts_with('/') && !m.top {
            match inside_root(m.rest, root) {
                Some(rel) => resolve("", &rel),
                // An absolute path outside the root as given may still be inside it through a
                // link the command sees: unknown, not nothing.
                None => {
                    return Self::unknown();
                }
            }
        } else if m.top {
            resolve("", m.rest)
        } else {
            match cwd {
                Some(cwd) => resolve(cwd, m.rest),
                None => return Self::unknown(),
            }
        };
        let Some(text) = resolved else {
            return Self {
                kind: Kind::Outside,
            };
        };
        if text.is_empty() {
            return Self::all();
        }
        let glob = !m.flags.literal && text.contains(['*', '?', '[', '\\']);
        let text = if m.flags.icase {
            text.to_lowercase()
        } else {
            text
        };
        Self {
            kind: Kind::Pattern {
                text,
                glob,
                icase: m.flags.icase,
            },
        }
    }

    /// Whether it is known only when the command runs.
    #[must_use]
    pub fn is_unknown(&self) -> bool {
        self.kind == Kind::Unknown
    }

    /// Whether it is an exclusion (`:!x`), which this model leaves out.
    #[must_use]
    pub fn is_exclude(&self) -> bool {
        self.kind == Kind::Exclude
    }

    /// Whether it names a place outside the repository (git refuses such a pathspec).
    #[must_use]
    pub fn is_outside(&self) -> bool {
        self.kind == Kind::Outside
    }

    /// The repo-relative path of a pathspec without wildcards (`""` for the root and for
    /// [`Pathspec::all`]; `None` for the others): what `git mv` reads its operands as.
    #[must_use]
    pub fn literal_path(&self) -> Option<&str> {
        match &self.kind {
            Kind::All => Some(""),
            Kind::Pattern {
                text,
                glob: false,
                icase: false,
            } => Some(text),
            _ => None,
        }
    }

    /// For a glob whose wildcards all lie in its last component (`src/*.py`, what a shell
    /// expands into names of one folder), that folder (`src`, `""` at the root).
    pub(crate) fn glob_folder(&self) -> Option<&str> {
        match &self.kind {
            Kind::Pattern {
                text,
                glob: true,
                icase: false,
            } => {
                let (folder, _) = text.rsplit_once('/').unwrap_or(("", text));
                (!folder.contains(['*', '?', '[', '\\'])).then_some(folder)
            }
            _ => None,
        }
    }

    /// Whether git would touch the repo-relative `path` for this pathspec. An unknown
    /// pathspec matches every path; an exclusion and a path outside the repository match
    /// none.
    #[must_use]
    pub fn matches(&self, path: &str) -> bool {
        match &self.kind {
            Kind::All | Kind::Unknown => true,
            Kind::Exclude | Kind::Outside => false,
            Kind::Pattern { text, glob, icase } => {
                let lowered;
                let path = if *icase {
                    lowered = path.to_lowercase();
                    lowered.as_str()
                } else {
                    path
                };
                if under(path, text) {
                    return true;
                }
                // A glob also matches a path when it matches one of its folders: git then
                // takes the whole folder.
                *glob
                    && (wildmatch(text.as_bytes(), path.as_bytes())
                        || folders(path).any(|dir| wildmatch(text.as_bytes(), dir.as_bytes())))
            }
        }
    }
}

/// As git would read it back: the repo-relative pattern with its magic (`:/` for the whole
/// repository, `:(icase)` when case is ignored), `<computed>` when known only at run time,
/// `<exclusion>` and `<outside>` for the pathspecs that select nothing here.
impl std::fmt::Display for Pathspec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            Kind::All => f.write_str(":/"),
            Kind::Unknown => f.write_str("<computed>"),
            Kind::Exclude => f.write_str("<exclusion>"),
            Kind::Outside => f.write_str("<outside>"),
            Kind::Pattern {
                text, icase: true, ..
            } => write!(f, ":(icase){text}"),
            Kind::Pattern { text, .. } => f.write_str(text),
        }
    }
}

/// Whether `path` is `dir` or lies under it.
pub(crate) fn under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The folders of a path, outermost first (`a/b/c` → `a`, `a/b`).
fn folders(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').filter_map(|(i, _)| path.get(..i))
}

/// Whether the pathspecs select `path`: one that is not an exclusion matches it, or every one
/// is an exclusion (git then reads them as "everything but", which this model takes as
/// everything).
#[must_use]
pub fn any_matches(specs: &[Pathspec], path: &str) -> bool {
    let mut positive = false;
    for spec in specs {
        if spec.is_exclude() {
            continue;
        }
        positive = true;
        if spec.matches(path) {
            return true;
        }
    }
    !positive && !specs.is_empty()
}

/// git's `wildmatch` without `WM_PATHNAME`: `*` matches any run of bytes (`/` included), `?`
/// one byte, `[...]` a class (`!` or `^` negates, `a-z` ranges, a first `]` literal), `\`
/// makes the next byte literal.
fn wildmatch(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // Where to resume after the last `*`: its pattern position and the text it swallowed to.
    let mut star: Option<(usize, usize)> = None;
    loop {
        let advanced = match pattern.get(p) {
            Some(b'*') => {
                while pattern.get(p) == Some(&b'*') {
                    p += 1;
                }
                if p == pattern.len() {
                    return true;
                }
                star = Some((p, t));
                continue;
            }
            Some(&pc) => match text.get(t) {
                None => false,
                Some(&tc) => match pc {
                    b'?' => {
                        p += 1;
                        true
                    }
                    b'[' => match class(pattern, p, tc) {
                        Some((true, next)) => {
                            p = next;
                            true
                        }
                        Some((false, _)) => false,
                        // No closing `]`: a literal `[`.
                        None => {
                            let ok = tc == b'[';
                            p += 1;
                            ok
                        }
                    },
                    b'\\' => {
                        let lit = pattern.get(p + 1).copied().unwrap_or(b'\\');
                        p += 2;
                        lit == tc
                    }
                    _ => {
                        p += 1;
                        pc == tc
                    }
                },
            },
            None => {
                if t == text.len() {
                    return true;
                }
                false
            }
        };
        if advanced {
            t += 1;
            continue;
        }
        match star {
            Some((sp, st)) if st < text.len() => {
                star = Some((sp, st + 1));
                p = sp;
                t = st + 1;
            }
            _ => return false,
        }
    }
}

/// Matches byte `c` against the class starting at `pattern[open] == b'['`: whether it matched
/// and the position after the class, or `None` when the class is not closed.
fn class(pattern: &[u8], open: usize, c: u8) -> Option<(bool, usize)> {
    let mut i = open + 1;
    let negated = matches!(pattern.get(i), Some(b'!' | b'^'));
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let b = *pattern.get(i)?;
        if b == b']' && !first {
            return Some((matched != negated, i + 1));
        }
        first = false;
        let lo = if b == b'\\' {
            i += 1;
            *pattern.get(i)?
        } else {
            b
        };
        if pattern.get(i + 1) == Some(&b'-') && pattern.get(i + 2).is_some_and(|&h| h != b']') {
            let hi = *pattern.get(i + 2)?;
            matched |= lo <= c && c <= hi;
            i += 3;
        } else {
            matched |= lo == c;
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(word: &str, cwd: &str) -> Pathspec {
        Pathspec::parse(word, Some(cwd), Path::new("/r"), PathspecFlags::default())
    }

    #[test]
    fn wildmatch_without_pathname() {
        for (p, t, want) in [
            ("*.py", "a.py", true),
            ("*.py", "src/a.py", true),
            ("src/*", "src/a/b.py", true),
            ("s?c/a.py", "src/a.py", true),
            ("src/[ab].py", "src/a.py", true),
            ("src/[!ab].py", "src/a.py", false),
            ("src/[^ab].py", "src/c.py", true),
            ("src/[a-c].py", "src/b.py", true),
            ("src/[]].py", "src/].py", true),
            (r"src/\*.py", "src/*.py", true),
            (r"src/\*.py", "src/a.py", false),
            ("src/[a", "src/[a", true),
            ("**/test_*.py", "a/b/test_x.py", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("", "", true),
            ("*", "", true),
        ] {
            assert_eq!(wildmatch(p.as_bytes(), t.as_bytes()), want, "{p} ~ {t}");
        }
    }

    #[test]
    fn plain_paths_match_themselves_and_what_lies_under_them() {
        let s = spec("src/auth", "");
        assert!(s.matches("src/auth"));
        assert!(s.matches("src/auth/login.py"));
        assert!(!s.matches("src/authz/x.py"));
        assert!(!s.matches("src"));
        assert!(spec("src/auth/", "").matches("src/auth/x"));
        assert!(spec("./login.py", "src/auth").matches("src/auth/login.py"));
        assert_eq!(spec(".", ""), Pathspec::all());
        assert_eq!(spec("..", "src"), Pathspec::all());
        assert!(!spec("../..", "src").matches("x"), "outside the repository");
    }

    #[test]
    fn magic() {
        assert!(spec(":/docs", "src").matches("docs/a.md"));
        assert!(spec(":/", "src").matches("anything"));
        assert!(spec(":(top)docs", "src").matches("docs/a.md"));
        assert!(spec(":(icase)SRC/A.PY", "").matches("src/a.py"));
        assert!(spec(":(literal)a*", "").matches("a*"));
        assert!(!spec(":(literal)a*", "").matches("ab"));
        assert!(spec(":!docs", "").is_exclude());
        assert!(spec(":^docs", "").is_exclude());
        assert!(spec(":(exclude)docs", "").is_exclude());
        assert!(spec(":/!docs", "").is_exclude());
        assert!(any_matches(&[spec(":!docs", "")], "x"));
        assert!(!any_matches(&[spec("a", ""), spec(":!docs", "")], "x"));
        assert!(!any_matches(&[], "x"));
        let flags = PathspecFlags {
            literal: true,
            icase: false,
        };
        assert!(!Pathspec::parse("*.py", Some(""), Path::new("/r"), flags).matches("a.py"));
    }

    #[test]
    fn unknown_and_absolute() {
        let unknown = Pathspec::parse("x", None, Path::new("/r"), PathspecFlags::default());
        assert!(unknown.is_unknown() && unknown.matches("anything"));
        // The root-relative magic does not need the folder.
        let top = Pathspec::parse(":/src", None, Path::new("/r"), PathspecFlags::default());
        assert!(top.matches("src/a") && !top.matches("b"));
        assert!(spec("/r/src", "docs").matches("src/a.py"));
        assert!(spec("/elsewhere/src", "").is_unknown());
        assert_eq!(spec("src/a.py", "").literal_path(), Some("src/a.py"));
        assert_eq!(spec("src/*.py", "").literal_path(), None);
    }

    #[test]
    fn globs_match_files_and_folders() {
        assert!(spec("*.py", "").matches("src/deep/a.py"));
        assert!(spec("*.py", "src").matches("src/deep/a.py"));
        assert!(!spec("*.py", "src").matches("lib/a.py"));
        assert!(
            spec("sr?", "").matches("src/a.md"),
            "a folder matched by a glob"
        );
        assert!(!spec("*.rs", "").matches("src/a.py"));
    }
}
