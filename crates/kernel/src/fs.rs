//! Files written whole or not at all.

use std::path::Path;

use crate::error::KernelError;

/// Writes `bytes` to `path` atomically: into a temporary file beside it (an unpredictable
/// name created exclusively, so never through a file or symlink planted there), synced, then
/// renamed over `path`. A rewrite keeps the file's permissions; `executable` adds the execute
/// bits (a git hook). The folder is created when missing.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("AGENTS.md");
/// metalayer_kernel::write_atomically(&path, b"# Rules\n", false)?;
/// assert_eq!(std::fs::read_to_string(&path)?, "# Rules\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`KernelError::Io`] naming the file when the folder or the file cannot be written; `path`
/// is then unchanged.
pub fn write_atomically(path: &Path, bytes: &[u8], executable: bool) -> Result<(), KernelError> {
    let io = |action: &'static str| {
        let path = path.to_path_buf();
        move |source| KernelError::Io {
            action,
            path,
            source,
        }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io("cannot create the folder of"))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A rewrite keeps the file's permissions (plus the execute bits for the git hook).
    let original = std::fs::metadata(path).ok().map(|m| m.permissions());
    // tempfile picks an unpredictable name and creates it with O_EXCL: never through a file
    // or symlink someone left there. The file is removed if anything below fails.
    let prefix = format!(".{name}.metalayer-write.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A new file gets what `File::create` gives: 0666 less the umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io("cannot write"))?;
    let result = (|| {
        use std::io::Write as _;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = match (&original, executable) {
                (Some(p), true) => Some(p.mode() | 0o111),
                (Some(p), false) => Some(p.mode()),
                (None, true) => Some(0o755),
                (None, false) => None,
            };
            if let Some(mode) = mode {
                tmp.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(mode))?;
            }
        }
        #[cfg(not(unix))]
        {
            let _ = executable;
            if let Some(p) = &original {
                tmp.as_file().set_permissions(p.clone())?;
            }
        }
        Ok(())
    })();
    result.map_err(io("cannot write"))?;
    tmp.persist(path)
        .map(drop)
        .map_err(|e| io("cannot write")(e.error))
}

#[cfg(all(test, unix))]
mod tests {
    use super::write_atomically;

    #[test]
    fn planted_symlinks_are_never_followed_and_modes_are_kept() {
        use std::os::unix::fs::{PermissionsExt as _, symlink};
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        let path = dir.path().join("AGENTS.md");
        // The old temporary name was predictable: plant a link there.
        let old = format!(".AGENTS.md.metalayer-write.{}.tmp", std::process::id());
        symlink(&victim, dir.path().join(old)).unwrap();
        write_atomically(&path, b"one", false).unwrap();
        write_atomically(&path, b"two", false).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let hook = dir.path().join("pre-commit");
        write_atomically(&hook, b"#!/bin/sh\n", true).unwrap();
        let mode = std::fs::metadata(&hook).unwrap().permissions().mode();
        assert_eq!(mode & 0o111, 0o111);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&path, b"three", false).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp") && !n.contains(&std::process::id().to_string()))
            .collect();
        assert!(names.is_empty(), "temporary files left: {names:?}");
    }
}
