//! `metalayer capture`: run the conversation bridge by hand.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use metalayer_kernel::bridge::CaptureReport;
use serde_json::json;

/// Arguments of `metalayer capture`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The transcript (JSONL: Claude Code, Codex CLI rollout or Gemini CLI chat file, told
    /// from its first record). Default: the newest transcript Claude Code keeps for this
    /// repository, `~/.claude/projects/<repository path with / as ->/<session>.jsonl`.
    #[arg(long, value_name = "FILE")]
    transcript: Option<PathBuf>,
    /// The session id. Default: the id the transcript's first record names (Claude Code's
    /// `sessionId`, Codex's `session_meta`, Gemini CLI's metadata line), else the file name
    /// without `.jsonl`.
    #[arg(long, value_name = "ID")]
    session: Option<String>,
    /// Print what was written as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    match capture(args) {
        Ok(report) => {
            let text = match (&report, args.json) {
                (None, true) => format!("{}\n", json!({"disabled": true})),
                (None, false) => {
                    "the bridge is off in this repository's policy (bridge.enabled: false)\n"
                        .to_owned()
                }
                (Some(r), true) => format!(
                    "{}\n",
                    json!({
                        "session_file": r.session_file,
                        "record_file": r.record_file,
                        "index_file": r.index_file,
                        "updated": r.updated,
                        "indexed": r.indexed,
                    })
                ),
                (Some(r), false) if r.updated => format!(
                    "{}: written, with its record {} ({} session{} in the index)\n",
                    r.session_file.display(),
                    r.record_file
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    r.indexed,
                    if r.indexed == 1 { "" } else { "s" },
                ),
                (Some(r), false) => format!(
                    "{}: unchanged, nothing new since the last capture\n",
                    r.session_file.display()
                ),
            };
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr().lock(), "error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn capture(args: &Args) -> anyhow::Result<Option<CaptureReport>> {
    let cwd = std::env::current_dir()?;
    let root = metalayer_kernel::find_root(&cwd).unwrap_or_else(|| cwd.clone());
    let transcript = match &args.transcript {
        Some(t) => t.clone(),
        None => newest_transcript(&root)?,
    };
    let session = match &args.session {
        Some(s) => s.clone(),
        None => match first_record_session(&transcript) {
            Some(id) => id,
            None => transcript
                .file_stem()
                .and_then(|s| s.to_str())
                .map(str::to_owned)
                .context("cannot tell the session id from the transcript's name; pass --session")?,
        },
    };
    Ok(metalayer_kernel::capture(
        &root,
        &transcript,
        &session,
        None,
    )?)
}

/// The session id the transcript's first record that names one gives (Codex's rollout and
/// Gemini CLI's chat file name it in their first record, their file names are not the id;
/// a Claude Code transcript may open with `summary` records that name none), read no further
/// than 4 MiB.
fn first_record_session(transcript: &Path) -> Option<String> {
    use std::io::{BufRead as _, Read as _};
    let file = std::fs::File::open(transcript).ok()?;
    let mut reader = std::io::BufReader::new(file.take(4 << 20));
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).ok()? == 0 {
            return None;
        }
        if let Some(id) = metalayer_kernel::bridge::Format::session_id(&line) {
            return Some(id);
        }
    }
}

/// The newest `*.jsonl` in Claude Code's project folder for `root`.
fn newest_transcript(root: &Path) -> anyhow::Result<PathBuf> {
    let home = std::env::var_os("HOME").context("HOME is not set; pass --transcript")?;
    let key = root.to_string_lossy().replace(['/', '\\', '.'], "-");
    let dir = PathBuf::from(home).join(".claude/projects").join(key);
    let entries = std::fs::read_dir(&dir).with_context(|| {
        format!(
            "no Claude Code transcripts in {}; pass --transcript",
            dir.display()
        )
    })?;
    entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max()
        .map(|(_, p)| p)
        .with_context(|| {
            format!(
                "no transcript (*.jsonl) in {}; pass --transcript",
                dir.display()
            )
        })
}
