//! Path normalisation: every path the matcher sees is repo-relative with `/` separators.

use std::borrow::Cow;

/// Normalises a repo-relative path: `\` becomes `/` and leading `./` components are removed.
///
/// Nothing else changes (no case folding, no `..` resolution): the result is compared
/// byte for byte with the patterns of the map.
///
/// ```
/// use metalayer_regression_map::normalize_path;
/// assert_eq!(normalize_path(r".\src\lib.rs"), "src/lib.rs");
/// assert_eq!(normalize_path("././a/b"), "a/b");
/// assert_eq!(normalize_path("a/./b"), "a/./b");
/// ```
#[must_use]
pub fn normalize_path(path: &str) -> Cow<'_, str> {
    let owned: Cow<'_, str> = if path.contains('\\') {
        Cow::Owned(path.replace('\\', "/"))
    } else {
        Cow::Borrowed(path)
    };
    let mut start = 0;
    while owned
        .get(start..)
        .is_some_and(|rest| rest.starts_with("./"))
    {
        start += 2;
        while owned.get(start..).is_some_and(|rest| rest.starts_with('/')) {
            start += 1;
        }
    }
    if start == 0 {
        return owned;
    }
    match owned {
        Cow::Borrowed(s) => Cow::Borrowed(s.get(start..).unwrap_or_default()),
        Cow::Owned(s) => Cow::Owned(s.get(start..).unwrap_or_default().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_path;
    use std::borrow::Cow;

    #[test]
    fn borrows_when_nothing_changes() {
        assert!(matches!(
            normalize_path("src/a.rs"),
            Cow::Borrowed("src/a.rs")
        ));
    }

    #[test]
    fn converts_backslashes_and_strips_dot_slash() {
        assert_eq!(normalize_path(r"src\a\b.rs"), "src/a/b.rs");
        assert_eq!(normalize_path(r".\src\a.rs"), "src/a.rs");
        assert_eq!(normalize_path(".//src/a.rs"), "src/a.rs");
        assert_eq!(normalize_path("./"), "");
        assert_eq!(normalize_path(".hidden/x"), ".hidden/x");
        assert_eq!(normalize_path("../x"), "../x");
    }
}
