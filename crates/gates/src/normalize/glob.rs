//! Which protected names a glob in a written path can stand for (`.git/hoo*/pre-commit` is
//! `.git/hooks/pre-commit`, `.[g]it` is `.git`), so that file gates see the file a pattern
//! reaches. Each component is matched with globset (bash's `*`, `?` and `[…]`); bash's rule
//! that a leading `.` is matched only by a `.` is added here.

/// The names file gates protect, as path components.
const PROTECTED: &[&str] = &[
    ".git",
    "hooks",
    ".githooks",
    ".husky",
    ".control",
    ".claude",
    ".codex",
    ".gemini",
    ".cursor",
    ".github",
    ".copilot",
    "config",
    "settings.json",
    "settings.local.json",
    ".env",
    ".gitconfig",
    // git's own records (G12g).
    "objects",
    "refs",
    "logs",
    "HEAD",
    "packed-refs",
];

/// The readings of `path` in which the components that are globs are replaced by protected
/// names they match, each glob kept as written too (`.git/*` → `.git/hooks`, `.git/config`;
/// `.g?t/h[a-z]oks` → `.git/hooks`), at most 32.
pub(super) fn protected_readings(path: &str) -> Vec<String> {
    if !path.contains(['*', '?', '[']) {
        return Vec::new();
    }
    let mut readings: Vec<Vec<&str>> = vec![Vec::new()];
    for part in path.split('/') {
        let mut choices = vec![part];
        if part.contains(['*', '?', '[']) {
            // One matcher per component, tried on every name.
            let glob = matcher(part);
            choices.extend(PROTECTED.iter().copied().filter(|name| {
                let dot_ok = !name.starts_with('.') || part.starts_with('.');
                dot_ok
                    && match &glob {
                        Some(g) => g.is_match(name),
                        None => part == *name,
                    }
            }));
        }
        let mut next = Vec::new();
        for reading in &readings {
            for choice in &choices {
                if next.len() < 64 {
                    let mut r = reading.clone();
                    r.push(*choice);
                    next.push(r);
                }
            }
        }
        readings = next;
    }
    readings
        .into_iter()
        .map(|r| r.join("/"))
        .filter(|r| r != path)
        .take(32)
        .collect()
}

/// The matcher of one path component's glob; `None` when globset cannot read it (it is then
/// compared as text).
fn matcher(pattern: &str) -> Option<globset::GlobMatcher> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
}

/// Whether the glob `pattern` matches `name` whole (a leading `.` must be matched by a `.`,
/// as bash requires without `dotglob`).
#[cfg(test)]
fn matches(pattern: &[u8], name: &[u8]) -> bool {
    if name.first() == Some(&b'.') && pattern.first() != Some(&b'.') {
        return false;
    }
    let (Ok(pattern), Ok(name)) = (std::str::from_utf8(pattern), std::str::from_utf8(name)) else {
        return false;
    };
    matcher(pattern).map_or(pattern == name, |g| g.is_match(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_reach_the_protected_names_bash_would_match() {
        // In a folder holding `.git/hooks`, `.git/config` and `.claude/settings.json`, bash
        // 5.2 expands each pattern to (among others) the path on the right.
        for (path, reached) in [
            (".git/hoo*/pre-commit", ".git/hooks/pre-commit"),
            (".[g]it/hooks/pre-push", ".git/hooks/pre-push"),
            (".g?t/h[a-z]oks/x", ".git/hooks/x"),
            (".git/*/pre-commit", ".git/hooks/pre-commit"),
            (".git/*", ".git/config"),
            (".cla*/settings.json", ".claude/settings.json"),
        ] {
            assert!(
                protected_readings(path).iter().any(|r| r == reached),
                "{path}: {:?}",
                protected_readings(path)
            );
        }
        for path in [
            "src/*.rs",
            ".git/[!h]ooks/x",
            ".git/index.lock",
            "*git/hooks",
        ] {
            assert!(
                !protected_readings(path)
                    .iter()
                    .any(|r| r.starts_with(".git/hooks")),
                "{path}"
            );
        }
    }

    #[test]
    fn a_leading_dot_needs_a_dot() {
        assert!(!matches(b"*git", b".git"));
        assert!(matches(b".*", b".git"));
        assert!(matches(b"[a-c]", b"b") && !matches(b"[!a-c]", b"b") && matches(b"[", b"["));
        assert!(matches(b"[^a-c]", b"d"));
    }
}
