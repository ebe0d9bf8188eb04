//! Atomic file replacement: a temporary file created by `tempfile` in the same folder (an
//! unpredictable name, opened with `O_CREAT | O_EXCL`, so never through a file or symlink
//! someone planted), written, flushed to disk, then renamed over the target with
//! [`NamedTempFile::persist`](tempfile::NamedTempFile::persist).

use std::fs;
use std::io::Write as _;
use std::path::Path;

use crate::error::CaptureError;

/// Who may read a file the bridge writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Bookkeeping (state, logs): 0600, whatever the umask.
    Private,
    /// Notes meant to be committed: a new file gets 0666 less the umask, like any file the
    /// user creates; a file rewritten keeps its mode.
    Shared,
}

/// Replaces `path` with `contents` atomically: readers see the old or the new file, never a
/// mix. Writing the same contents again leaves the file alone. A symlink at `path` is
/// replaced, never followed.
pub(crate) fn write_atomic(
    path: &Path,
    contents: &[u8],
    access: Access,
) -> Result<(), CaptureError> {
    let existing = fs::symlink_metadata(path).ok();
    let is_file = existing.as_ref().is_some_and(fs::Metadata::is_file);
    if is_file && fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    let err = |source| CaptureError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = match access {
            Access::Private => 0o600,
            Access::Shared => 0o666,
        };
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(err)?;
    #[cfg(unix)]
    if access == Access::Shared
        && let Some(old) = existing.as_ref().filter(|m| m.is_file())
    {
        tmp.as_file()
            .set_permissions(old.permissions())
            .map_err(err)?;
    }
    #[cfg(not(unix))]
    let _ = (access, &existing);
    tmp.write_all(contents).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        write_atomic(&path, b"one", Access::Shared).unwrap();
        write_atomic(&path, b"two", Access::Shared).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let missing = dir.path().join("no/such/dir/a.md");
        assert!(write_atomic(&missing, b"x", Access::Shared).is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_planted_at_temporary_names_are_never_followed() {
        // The old write used `.<name>.tmp-<pid>-<counter>`, a name anyone could predict and
        // plant a symlink at, and `File::create` followed it. Plant links at every name of
        // that scheme (and of this one's prefix): the target must stay untouched.
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, b"precious").unwrap();
        let path = dir.path().join("state.json");
        for counter in 0..64 {
            let old_name = format!(".state.json.tmp-{}-{counter}", std::process::id());
            symlink(&victim, dir.path().join(old_name)).unwrap();
        }
        symlink(&victim, dir.path().join(".state.json.tmp")).unwrap();
        for round in 0..8 {
            write_atomic(&path, format!("new {round}").as_bytes(), Access::Private).unwrap();
        }
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert_eq!(fs::read(&path).unwrap(), b"new 7");
        assert!(
            !fs::symlink_metadata(&path)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_target_is_replaced_not_followed() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, b"precious").unwrap();
        let path = dir.path().join("Conversations.md");
        symlink(&victim, &path).unwrap();
        write_atomic(&path, b"index", Access::Shared).unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert_eq!(fs::read(&path).unwrap(), b"index");
    }

    #[cfg(unix)]
    #[test]
    fn modes() {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.json");
        write_atomic(&state, b"{}", Access::Private).unwrap();
        assert_eq!(mode(&state), 0o600);
        let note = dir.path().join("note.md");
        write_atomic(&note, b"a", Access::Shared).unwrap();
        assert_eq!(mode(&note) & 0o600, 0o600);
        assert_eq!(mode(&note) & 0o111, 0, "never executable");
        // A rewrite keeps the mode the user gave the file.
        fs::set_permissions(&note, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&note, b"b", Access::Shared).unwrap();
        assert_eq!(mode(&note), 0o640);
    }
}
