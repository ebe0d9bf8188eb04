//! Running one command of the evaluation.
//!
//! Each command runs as `sh -c COMMAND` in the worktree, in a process group of its own, with
//! standard input closed and its output written to files outside the worktree. A watchdog
//! thread kills the whole group (`killpg`, SIGKILL) when the timeout passes or the run is
//! cancelled, and once more after the command exits, so that nothing it started in the
//! background outlives it.
//!
//! Peak memory is `getrusage(RUSAGE_CHILDREN)` of one process per command, so that commands
//! running in parallel do not mix: when GNU time is installed (`/usr/bin/time`), the command
//! runs under `/usr/bin/time -f %M -o FILE`, a small process whose children's peak it writes.
//! Otherwise it is the `ru_maxrss` that `wait4` returns for the shell, which Linux starts from
//! the resident set of the process that spawned it (metalayer itself): a value no larger than
//! metalayer's own peak (`VmHWM`) is then not reported, since it says nothing of the command.

use std::fs::File;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::Serialize;
use wait4::Wait4;

/// The most output kept of a command, in bytes (its end is kept).
pub const MAX_OUTPUT_BYTES: u64 = 8 << 20;

/// A flag that stops a comparison: running commands are killed and worktrees removed.
///
/// Cheap to clone; raise it from a Ctrl-C handler.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    /// A flag not raised.
    pub fn new() -> Self {
        Self::default()
    }

    /// Raises the flag.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the flag is raised.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Ending {
    /// It exited with this code.
    Exited {
        /// The exit code.
        code: i32,
    },
    /// A signal ended it.
    Signalled {
        /// The signal number.
        signal: i32,
    },
    /// It ran past the timeout and its process group was killed.
    TimedOut {
        /// The timeout, in seconds.
        after_seconds: u64,
    },
    /// The run was cancelled while it ran.
    Cancelled,
    /// It could not be started.
    NotStarted {
        /// Why.
        reason: String,
    },
}

/// What one command did.
#[derive(Debug, Clone, Serialize)]
pub struct CommandRun {
    /// The command.
    pub command: String,
    /// How it ended.
    pub ending: Ending,
    /// How long it ran, in milliseconds.
    pub duration_ms: u64,
    /// Its peak resident memory (and that of the processes it waited for), in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_memory_bytes: Option<u64>,
    /// The end of its standard output.
    #[serde(skip)]
    pub stdout: String,
    /// The end of its standard error.
    #[serde(skip)]
    pub stderr: String,
}

impl CommandRun {
    /// Whether it exited with status 0.
    pub fn succeeded(&self) -> bool {
        self.ending == Ending::Exited { code: 0 }
    }

    /// Whether it ran to an exit (successful or not), rather than hanging, crashing or not
    /// starting.
    pub fn completed(&self) -> bool {
        matches!(self.ending, Ending::Exited { .. })
    }

    /// A short description of a failure, with the end of its output.
    pub fn describe(&self) -> String {
        let what = match &self.ending {
            Ending::Exited { code: 0 } => return format!("`{}` succeeded", self.command),
            Ending::Exited { code } => format!("`{}` exited with status {code}", self.command),
            Ending::Signalled { signal } => {
                format!("`{}` was killed by signal {signal}", self.command)
            }
            Ending::TimedOut { after_seconds } => {
                format!(
                    "`{}` timed out after {after_seconds} s and was killed",
                    self.command
                )
            }
            Ending::Cancelled => format!("`{}` was interrupted", self.command),
            Ending::NotStarted { reason } => {
                format!("`{}` could not start: {reason}", self.command)
            }
        };
        let tail = last_line(&self.stderr).or_else(|| last_line(&self.stdout));
        match tail {
            Some(line) => format!("{what}: {line}"),
            None => what,
        }
    }
}

fn last_line(text: &str) -> Option<&str> {
    text.lines().rev().map(str::trim).find(|l| !l.is_empty())
}

/// Runs `sh -c command` in `dir` under `timeout`, with its output in `scratch`.
pub(crate) fn run(
    command: &str,
    dir: &Path,
    env: &[(&str, &str)],
    timeout: Duration,
    cancel: &CancelFlag,
    scratch: &Path,
) -> CommandRun {
    let started = Instant::now();
    let finish = |ending: Ending, peak: Option<u64>, stdout: String, stderr: String| CommandRun {
        command: command.to_owned(),
        ending,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        peak_memory_bytes: peak,
        stdout,
        stderr,
    };
    let not_started = |reason: String| {
        finish(
            Ending::NotStarted { reason },
            None,
            String::new(),
            String::new(),
        )
    };
    let out_path = scratch.join("stdout");
    let err_path = scratch.join("stderr");
    let (out, err) = match (File::create(&out_path), File::create(&err_path)) {
        (Ok(o), Ok(e)) => (o, e),
        (Err(e), _) | (_, Err(e)) => {
            return not_started(format!("cannot create its output file: {e}"));
        }
    };
    let rss_path = scratch.join("rss");
    let _ = std::fs::remove_file(&rss_path);
    let timer = Path::new(GNU_TIME);
    let mut cmd = if timer.is_file() {
        let mut c = Command::new(timer);
        c.args(["-f", "%M", "-o"]).arg(&rss_path).args(["sh", "-c"]);
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c");
        c
    };
    cmd.arg(command)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .process_group(0);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return not_started(e.to_string()),
    };
    let pgid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap_or(i32::MAX));
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let watch_cancel = cancel.clone();
    let watchdog = std::thread::spawn(move || {
        let deadline = Instant::now() + timeout;
        loop {
            let now = Instant::now();
            if now >= deadline {
                let _ = nix::sys::signal::killpg(pgid, nix::sys::signal::Signal::SIGKILL);
                return Some(false);
            }
            let step = (deadline - now).min(Duration::from_millis(50));
            match done_rx.recv_timeout(step) {
                Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if watch_cancel.is_cancelled() {
                        let _ = nix::sys::signal::killpg(pgid, nix::sys::signal::Signal::SIGKILL);
                        return Some(true);
                    }
                }
            }
        }
    });
    let waited = child.wait4();
    let _ = done_tx.send(());
    let killed = watchdog.join().ok().flatten();
    // Whatever the command left running in the background goes too.
    let _ = nix::sys::signal::killpg(pgid, nix::sys::signal::Signal::SIGKILL);
    let stdout = read_tail(&out_path);
    let stderr = read_tail(&err_path);
    match waited {
        Err(e) => finish(
            Ending::NotStarted {
                reason: format!("wait failed: {e}"),
            },
            None,
            stdout,
            stderr,
        ),
        Ok(usage) => {
            let ending = match (killed, usage.status.code(), usage.status.signal()) {
                (Some(true), _, _) => Ending::Cancelled,
                (Some(false), _, _) => Ending::TimedOut {
                    after_seconds: timeout.as_secs(),
                },
                (None, Some(code), _) => Ending::Exited { code },
                (None, None, Some(signal)) => Ending::Signalled { signal },
                (None, None, None) => Ending::Signalled { signal: 0 },
            };
            let peak = match std::fs::read_to_string(&rss_path) {
                // GNU time writes "Command exited with non-zero status N" before the value.
                Ok(text) => text
                    .lines()
                    .rev()
                    .find_map(|l| l.trim().parse::<u64>().ok())
                    .map(|kib| kib * 1024),
                Err(_) => Some(usage.rusage.maxrss).filter(|m| *m > own_peak().unwrap_or(0)),
            };
            finish(ending, peak, stdout, stderr)
        }
    }
}

/// GNU time, when installed: it reports the peak memory of its child alone.
const GNU_TIME: &str = "/usr/bin/time";

/// This process's own peak resident set (`VmHWM`), in bytes, on Linux.
fn own_peak() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn read_tail(path: &Path) -> String {
    let Ok(mut file) = File::open(path) else {
        return String::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > MAX_OUTPUT_BYTES {
        use std::io::{Seek, SeekFrom};
        let _ = file.seek(SeekFrom::Start(len - MAX_OUTPUT_BYTES));
    }
    let mut bytes = Vec::new();
    let _ = file.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(cmd: &str, timeout: Duration) -> CommandRun {
        let dir = tempfile::tempdir().unwrap();
        run(
            cmd,
            dir.path(),
            &[("X", "1")],
            timeout,
            &CancelFlag::new(),
            dir.path(),
        )
    }

    #[test]
    fn exit_codes_output_and_memory() {
        let r = go(
            "echo hi; echo oops >&2; echo $X; exit 3",
            Duration::from_secs(10),
        );
        assert_eq!(r.ending, Ending::Exited { code: 3 });
        assert_eq!(r.stdout, "hi\n1\n");
        assert_eq!(r.stderr, "oops\n");
        if Path::new(GNU_TIME).is_file() {
            let peak = r.peak_memory_bytes.unwrap();
            assert!(peak > 100_000 && peak < 20_000_000, "{peak}");
        }
        assert!(r.describe().ends_with("status 3: oops"));
    }

    #[test]
    fn a_hanging_command_and_its_children_are_killed() {
        let started = Instant::now();
        let r = go(
            "sleep 30 & sleep 30; echo never",
            Duration::from_millis(300),
        );
        assert_eq!(r.ending, Ending::TimedOut { after_seconds: 0 });
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(!r.stdout.contains("never"));
    }

    #[test]
    fn cancel_kills() {
        let dir = tempfile::tempdir().unwrap();
        let flag = CancelFlag::new();
        let f = flag.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            f.cancel();
        });
        let r = run(
            "sleep 30",
            dir.path(),
            &[],
            Duration::from_secs(60),
            &flag,
            dir.path(),
        );
        t.join().unwrap();
        assert_eq!(r.ending, Ending::Cancelled);
    }
}
