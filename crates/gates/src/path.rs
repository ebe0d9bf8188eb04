//! Lexical path cleaning, shared by the normaliser (the paths a command names) and the gate
//! set (the paths a call writes).

/// A `/`-separated path with its empty and `.` components dropped and each `..` taking away
/// the component before it (lexically: symbolic links are not followed), or `None` when it has
/// nothing to clean, as almost every path does. A leading `/` and a trailing `/` are kept, and
/// so are the `..` that climb above the start of a relative path.
pub(crate) fn clean_path(path: &str) -> Option<String> {
    let needs = path == "."
        || path == ".."
        || path.starts_with("./")
        || path.contains("//")
        || path.contains("/./")
        || path.contains("/../")
        || path.ends_with("/.")
        || path.ends_with("/..")
        || path.starts_with("../");
    if !needs {
        return None;
    }
    let mut absolute = path.starts_with('/');
    // A path that starts at the home folder (`~/…`, `$HOME/…`) climbs out of it with a `..`
    // that meets the first component alone.
    let home = starts_at_home(path);
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            // Climbing out of the home folder reaches the folders of the whole system:
            // read as the root, the most a gate must assume.
            ".." if home && !absolute && parts.len() == 1 => {
                parts.clear();
                absolute = true;
            }
            // Another expansion's value is unknown: `..` cannot take it away.
            ".." if parts.last().is_some_and(|last| last.starts_with('$')) => parts.push(".."),
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if absolute => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let mut out = String::with_capacity(path.len() + 2);
    if absolute {
        out.push('/');
    }
    // A folder named `~` (`./~`, `a/../~`) is not the home folder: it keeps a `./`.
    if !absolute && !home && parts.first().is_some_and(|p| p.starts_with('~')) {
        out.push_str("./");
    }
    out.push_str(&parts.join("/"));
    if path.ends_with('/') && !parts.is_empty() {
        out.push('/');
    }
    if out.is_empty() {
        out.push('.');
    }
    (out != path).then_some(out)
}

/// Whether `path` starts at a home folder: `~`, `~user`, `$HOME` or `${HOME}`, alone or
/// before a `/`.
pub(crate) fn starts_at_home(path: &str) -> bool {
    let first = path.split('/').next().unwrap_or_default();
    first.starts_with('~') || first == "$HOME" || first == "${HOME}"
}
