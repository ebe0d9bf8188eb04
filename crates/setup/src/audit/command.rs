//! Running a measurement command: `sh -c SPEC` in the repository root, no input, a deadline.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How often a running measurement is polled.
const POLL: Duration = Duration::from_millis(10);

/// At most this much of a command's standard error is quoted.
const STDERR_SHOWN: usize = 200;

/// Runs a shell command in `dir` and reads the number it prints on its last line.
///
/// # Errors
///
/// Why no number came out: the command could not start, exited non-zero, ran past `timeout`
/// (it is then killed, with its process group on Unix) or printed no number.
pub(crate) fn measure_command(dir: &Path, spec: &str, timeout: Duration) -> Result<f64, String> {
    let mut command = Command::new("sh");
    command.arg("-c").arg(spec);
    run(dir, command, timeout)
}

/// Runs a script file (relative to `dir`): directly when it is executable, else with `sh`.
pub(crate) fn measure_script(dir: &Path, spec: &str, timeout: Duration) -> Result<f64, String> {
    let path = dir.join(spec);
    if !path.is_file() {
        return Err(format!("script `{spec}` does not exist"));
    }
    let command = if executable(&path) {
        Command::new(&path)
    } else {
        let mut c = Command::new("sh");
        c.arg(&path);
        c
    };
    run(dir, command, timeout)
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(_path: &Path) -> bool {
    false
}

/// What a command printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Captured {
    /// The exit code; `None` when a signal ended it.
    pub(crate) code: Option<i32>,
    /// Standard output (lossy UTF-8).
    pub(crate) stdout: String,
    /// Standard error (lossy UTF-8).
    pub(crate) stderr: String,
}

/// Runs `sh -c COMMAND` in `dir` with `env` added, no input, killed (with what it started)
/// after `timeout`.
///
/// # Errors
///
/// Why it has no outcome: it could not start, timed out, or left its output open.
pub(crate) fn run_shell(
    dir: &Path,
    spec: &str,
    env: &[(&str, &str)],
    timeout: Duration,
) -> Result<Captured, String> {
    let mut command = Command::new("sh");
    command.arg("-c").arg(spec);
    for (k, v) in env {
        command.env(k, v);
    }
    capture(dir, command, timeout)
}

fn run(dir: &Path, command: Command, timeout: Duration) -> Result<f64, String> {
    let Captured {
        code,
        stdout: out,
        stderr: err,
    } = capture(dir, command, timeout)?;
    if code != Some(0) {
        let code = code.map_or_else(|| "a signal".to_owned(), |c| format!("status {c}"));
        let err = err.trim();
        return Err(if err.is_empty() {
            format!("exited with {code}")
        } else {
            let shown: String = err.chars().take(STDERR_SHOWN).collect();
            format!("exited with {code}: {shown}")
        });
    }
    parse_value(&out)
}

fn capture(dir: &Path, mut command: Command, timeout: Duration) -> Result<Captured, String> {
    command
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        // Its own process group, so that a timeout kills what it started as well.
        command.process_group(0);
    }
    let mut child = command.spawn().map_err(|e| format!("cannot start: {e}"))?;
    // Read both pipes on threads so that a chatty command never blocks on a full pipe.
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= timeout => {
                kill(&mut child);
                return Err(format!(
                    "timed out after {} s and was killed",
                    timeout.as_secs_f64()
                ));
            }
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => {
                kill(&mut child);
                return Err(format!("cannot wait for it: {e}"));
            }
        }
    };
    // A background process the command left behind may still hold the pipes open: wait for
    // them only until the deadline.
    let remaining = || timeout.saturating_sub(start.elapsed()).max(POLL);
    let (out, err) = (
        stdout.recv_timeout(remaining()),
        stderr.recv_timeout(remaining()),
    );
    // Whatever it left running in the background (a daemon, `sleep 30 &`) must not outlive
    // the audit: the process group goes, whether or not it still holds the output open.
    kill(&mut child);
    let (Ok(out), Ok(err)) = (out, err) else {
        return Err(format!(
            "exited but its output stayed open past {} s",
            timeout.as_secs_f64()
        ));
    };
    Ok(Captured {
        code: status.code(),
        stdout: out,
        stderr: err,
    })
}

/// A thread reading a pipe to its end (lossy UTF-8), sending the text when done.
fn reader<R: std::io::Read + Send + 'static>(pipe: Option<R>) -> mpsc::Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        let _ = send.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    receive
}

/// Kills the command's process group (the shell and what it started) and reaps the shell;
/// best effort: a group already gone ("no such process") is fine.
fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The number on the last non-empty line of a command's output; `true` / `false` read as 1 / 0.
pub(crate) fn parse_value(stdout: &str) -> Result<f64, String> {
    let Some(line) = stdout.lines().map(str::trim).rfind(|l| !l.is_empty()) else {
        return Err("printed nothing (expected a number)".to_owned());
    };
    match line {
        "true" => return Ok(1.0),
        "false" => return Ok(0.0),
        _ => {}
    }
    match line.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => {
            let shown: String = line.chars().take(STDERR_SHOWN).collect();
            Err(format!("printed `{shown}`, not a number"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_line_is_the_value() {
        assert_eq!(parse_value("warming up\n0.9\n\n"), Ok(0.9));
        assert_eq!(parse_value(" 42 "), Ok(42.0));
        assert_eq!(parse_value("true"), Ok(1.0));
        assert!(parse_value("").is_err());
        assert!(parse_value("NaN").is_err());
        assert!(parse_value("ninety").unwrap_err().contains("`ninety`"));
    }

    #[test]
    fn a_command_prints_its_value() {
        let dir = tempfile::tempdir().unwrap();
        let v = measure_command(dir.path(), "echo 0.25", Duration::from_secs(5)).unwrap();
        assert!((v - 0.25).abs() < f64::EPSILON);
    }

    #[test]
    fn a_command_runs_in_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), "").unwrap();
        std::fs::write(dir.path().join("b"), "").unwrap();
        let v = measure_command(dir.path(), "ls | wc -l", Duration::from_secs(5)).unwrap();
        assert!((v - 2.0).abs() < f64::EPSILON);
    }

    #[test]
    fn failure_and_timeout_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let e = measure_command(dir.path(), "echo oops >&2; exit 3", Duration::from_secs(5))
            .unwrap_err();
        assert!(e.contains("status 3") && e.contains("oops"), "{e}");
        let start = Instant::now();
        let e =
            measure_command(dir.path(), "sleep 5; echo 1", Duration::from_millis(300)).unwrap_err();
        assert!(e.contains("timed out"), "{e}");
        assert!(start.elapsed() < Duration::from_secs(3));
    }

    #[cfg(unix)]
    #[test]
    fn a_background_process_does_not_outlive_the_measurement() {
        let dir = tempfile::tempdir().unwrap();
        let start = Instant::now();
        let v = measure_command(
            dir.path(),
            "sleep 30 >/dev/null 2>&1 & echo $! > pidfile; echo 1",
            Duration::from_secs(20),
        )
        .unwrap();
        assert!((v - 1.0).abs() < f64::EPSILON);
        assert!(start.elapsed() < Duration::from_secs(10));
        let pid = std::fs::read_to_string(dir.path().join("pidfile")).unwrap();
        let pid = pid.trim();
        assert!(!pid.is_empty());
        // The sleep is gone: `kill -0` fails (or, before init reaps it, it is a zombie).
        let alive = || {
            let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|stat| stat.contains(") Z "));
            !zombie
                && Command::new("kill")
                    .args(["-0", pid])
                    .stderr(Stdio::null())
                    .status()
                    .unwrap()
                    .success()
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        while alive() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!alive(), "sleep {pid} outlived the measurement");
    }

    #[test]
    fn a_background_process_holding_the_output_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let start = Instant::now();
        let e = measure_command(dir.path(), "sleep 5 & echo 1", Duration::from_millis(300))
            .unwrap_err();
        assert!(e.contains("output stayed open"), "{e}");
        assert!(start.elapsed() < Duration::from_secs(3));
    }
}
