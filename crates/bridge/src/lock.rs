//! A lock file: created with `create_new`, retried with a short sleep, broken when stale.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crate::error::CaptureError;

/// How long a lock may be held before others consider it abandoned.
pub(crate) const STALE_AFTER: Duration = Duration::from_secs(30);
/// How long to wait for a lock before giving up.
pub(crate) const WAIT_AT_MOST: Duration = Duration::from_secs(60);
/// Sleep between attempts.
const RETRY_EVERY: Duration = Duration::from_millis(5);

/// An exclusive lock, released (the file removed) on drop.
#[derive(Debug)]
pub(crate) struct LockFile {
    path: PathBuf,
}

impl LockFile {
    /// Takes the lock at `path`, waiting for it while another holder has it and breaking it
    /// when its file is older than `stale_after`.
    pub(crate) fn acquire(
        path: &Path,
        stale_after: Duration,
        wait_at_most: Duration,
    ) -> Result<Self, CaptureError> {
        let start = Instant::now();
        loop {
            match OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut file) => {
                    // Informational only: who holds it.
                    let _ = writeln!(file, "{}", std::process::id());
                    return Ok(Self {
                        path: path.to_owned(),
                    });
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    if is_stale(path, stale_after) {
                        // Another waiter may remove it first; either way, try again.
                        let _ = fs::remove_file(path);
                        continue;
                    }
                    if start.elapsed() >= wait_at_most {
                        return Err(CaptureError::LockTimeout {
                            path: path.to_owned(),
                        });
                    }
                    thread::sleep(RETRY_EVERY);
                }
                Err(source) => {
                    return Err(CaptureError::Write {
                        path: path.to_owned(),
                        source,
                    });
                }
            }
        }
    }
}

fn is_stale(path: &Path, stale_after: Duration) -> bool {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|modified| SystemTime::now().duration_since(modified).ok())
        .is_some_and(|age| age > stale_after)
}

impl Drop for LockFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusive_then_released() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let held = LockFile::acquire(&path, STALE_AFTER, WAIT_AT_MOST).unwrap();
        let err = LockFile::acquire(&path, STALE_AFTER, Duration::from_millis(30)).unwrap_err();
        assert!(matches!(err, CaptureError::LockTimeout { .. }));
        drop(held);
        assert!(!path.exists());
        let _again = LockFile::acquire(&path, STALE_AFTER, Duration::from_millis(30)).unwrap();
    }

    #[test]
    fn stale_locks_are_broken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        fs::write(&path, "123").unwrap();
        thread::sleep(Duration::from_millis(20));
        let lock = LockFile::acquire(&path, Duration::from_millis(10), Duration::from_secs(5));
        assert!(lock.is_ok());
    }
}
