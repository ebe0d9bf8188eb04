//! Changes as comparable rows, from the library and from the git CLI.

use metalayer_regression_map::Change;

/// `(status letter, old path, path)`, the shape of `git diff --name-status`.
pub(crate) type Row = (char, Option<String>, String);

/// The library's changes as sorted rows.
pub(crate) fn rows(changes: &[Change]) -> Vec<Row> {
    let mut rows: Vec<Row> = changes
        .iter()
        .map(|c| (c.kind.letter(), c.old_path.clone(), c.path.clone()))
        .collect();
    rows.sort();
    rows
}

/// `git diff --name-status -z` output as sorted rows (renames and copies carry their old path).
pub(crate) fn name_status_rows(output: &str) -> Vec<Row> {
    let mut fields = output.split('\0').filter(|f| !f.is_empty());
    let mut rows = Vec::new();
    while let Some(status) = fields.next() {
        let letter = status.chars().next().unwrap();
        let first = fields.next().unwrap().to_owned();
        if matches!(letter, 'R' | 'C') {
            rows.push((letter, Some(first), fields.next().unwrap().to_owned()));
        } else {
            rows.push((letter, None, first));
        }
    }
    rows.sort();
    rows
}
