//! An exclusive lock on a file, held by the operating system: the standard library's
//! [`File::try_lock`] (`flock` on Unix, `LockFileEx` on Windows).
//!
//! The lock file is never removed: removing it would let a later process lock a new file of
//! the same name while a waiter still locks the old one, and both would hold "the" lock. The
//! operating system releases a lock when its holder exits, however it exits, so there is no
//! staleness to guess either.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::CaptureError;

/// How long to wait for a lock before giving up.
pub(crate) const WAIT_AT_MOST: Duration = Duration::from_secs(60);
/// The first sleep between attempts; it doubles up to [`MAX_RETRY_EVERY`].
const RETRY_EVERY: Duration = Duration::from_millis(2);
const MAX_RETRY_EVERY: Duration = Duration::from_millis(50);

/// An exclusive lock, released when dropped (the file is closed, never removed).
#[derive(Debug)]
pub(crate) struct LockFile {
    _file: File,
}

impl LockFile {
    /// Takes the lock on `path` (created empty, mode 0600, when missing), waiting at most
    /// `wait_at_most` for another holder to release it.
    pub(crate) fn acquire(path: &Path, wait_at_most: Duration) -> Result<Self, CaptureError> {
        let write_err = |source| CaptureError::Write {
            path: path.to_owned(),
            source,
        };
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let file = options.open(path).map_err(write_err)?;
        let start = Instant::now();
        let mut sleep = RETRY_EVERY;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { _file: file }),
                Err(TryLockError::WouldBlock) => {
                    if start.elapsed() >= wait_at_most {
                        return Err(timeout(path));
                    }
                    thread::sleep(sleep);
                    sleep = (sleep * 2).min(MAX_RETRY_EVERY);
                }
                Err(TryLockError::Error(source)) => return Err(write_err(source)),
            }
        }
    }
}

fn timeout(path: &Path) -> CaptureError {
    CaptureError::LockTimeout {
        path: PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn exclusive_then_released() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let held = LockFile::acquire(&path, WAIT_AT_MOST).unwrap();
        let err = LockFile::acquire(&path, Duration::from_millis(30)).unwrap_err();
        assert!(matches!(err, CaptureError::LockTimeout { .. }));
        drop(held);
        // The file stays (removing it is what let two holders in before); the lock is free.
        assert!(path.exists());
        let _again = LockFile::acquire(&path, Duration::from_millis(30)).unwrap();
    }

    #[test]
    fn a_lock_file_left_behind_is_not_a_held_lock() {
        // A crashed holder leaves its file; the operating system has released its lock.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        std::fs::write(&path, "12345\n").unwrap();
        assert!(LockFile::acquire(&path, Duration::from_millis(30)).is_ok());
    }

    #[test]
    fn racing_threads_never_hold_it_together() {
        // The old lock broke a lock it thought stale: two waiters could both break it and both
        // hold it, and the first to drop removed the other's. Here every thread checks that
        // it is alone while it holds the lock, and holds it longer than the old stale limit.
        let dir = tempfile::tempdir().unwrap();
        let path = Arc::new(dir.path().join("x.lock"));
        let inside = Arc::new(AtomicUsize::new(0));
        let entries = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (path, inside, entries) =
                    (Arc::clone(&path), Arc::clone(&inside), Arc::clone(&entries));
                thread::spawn(move || {
                    for _ in 0..10 {
                        let lock = LockFile::acquire(&path, WAIT_AT_MOST).unwrap();
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                        entries.fetch_add(1, Ordering::SeqCst);
                        thread::sleep(Duration::from_millis(1));
                        inside.fetch_sub(1, Ordering::SeqCst);
                        drop(lock);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(entries.load(Ordering::SeqCst), 80);
    }

    #[test]
    fn dropping_one_holder_never_frees_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let first = LockFile::acquire(&path, WAIT_AT_MOST).unwrap();
        let waiter = {
            let path = path.clone();
            thread::spawn(move || LockFile::acquire(&path, WAIT_AT_MOST).unwrap())
        };
        thread::sleep(Duration::from_millis(20));
        drop(first);
        let second = waiter.join().unwrap();
        // The first holder is gone; the second still holds, and a third must wait.
        assert!(matches!(
            LockFile::acquire(&path, Duration::from_millis(30)),
            Err(CaptureError::LockTimeout { .. })
        ));
        drop(second);
        assert!(LockFile::acquire(&path, Duration::from_millis(30)).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn lock_files_are_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let _lock = LockFile::acquire(&path, WAIT_AT_MOST).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
