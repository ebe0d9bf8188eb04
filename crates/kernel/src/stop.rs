//! The Stop hook and `capture`: every agent session as a committed, redacted markdown record.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use metalayer_bridge::secrets::{Detector, Rule};
use metalayer_bridge::{Capture, CaptureOptions, CaptureReport, Limits, Redactor, SessionId};
use metalayer_policy::{BridgeSettings, LoadOptions};

use crate::error::KernelError;
use crate::event::{optional_str, parse_object, required_str};
use crate::layout::state_dir;
use crate::outcome::{HookEnv, HookOutcome};
use crate::root::find_root;

/// Where session files go when the policy does not say.
pub const DEFAULT_CONVERSATIONS_DIR: &str = "docs/conversations";

/// An end-of-turn event, as far as the bridge needs it: Claude Code's and Codex CLI's `Stop`
/// (or `SubagentStop`), Gemini CLI's `AfterAgent`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StopEvent {
    /// The session id.
    pub session_id: String,
    /// The transcript file.
    pub transcript_path: PathBuf,
    /// The event's working directory.
    pub cwd: Option<PathBuf>,
    /// The last assistant message, which the transcript may not hold yet
    /// (`last_assistant_message`; Gemini CLI's `prompt_response`).
    pub last_assistant_message: Option<String>,
}

/// Reads an end-of-turn event.
///
/// # Errors
///
/// [`KernelError::Event`] for malformed input, a missing `session_id`, or a missing or empty
/// `transcript_path` (Codex CLI sends `null` when it keeps no rollout).
pub fn parse_stop(input: &[u8]) -> Result<StopEvent, KernelError> {
    let map = parse_object(input)?;
    let transcript = optional_str(&map, "transcript_path")?
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            KernelError::Event(
                "the event names no transcript (`transcript_path` missing, null or empty): nothing to capture"
                    .to_owned(),
            )
        })?;
    let last = match optional_str(&map, "last_assistant_message")? {
        Some(message) => Some(message),
        None => optional_str(&map, "prompt_response")?,
    };
    Ok(StopEvent {
        session_id: required_str(&map, "session_id")?.to_owned(),
        transcript_path: PathBuf::from(transcript),
        cwd: optional_str(&map, "cwd")?.map(PathBuf::from),
        last_assistant_message: last.map(str::to_owned),
    })
}

/// The bridge settings of the repository's policy, and a note when the policy could not be
/// read (the bridge then runs with its defaults: capture must not depend on a valid policy).
fn bridge_settings(root: &Path) -> (BridgeSettings, Option<String>) {
    let path = root.join(metalayer_policy::DEFAULT_POLICY_FILE);
    if !path.exists() {
        return (BridgeSettings::default(), None);
    }
    match metalayer_policy::load_file_with(&path, LoadOptions::fast()) {
        Ok(loaded) => (loaded.policy.bridge.unwrap_or_default(), None),
        Err(e) => (
            BridgeSettings::default(),
            Some(format!(
                "policy `{}` unusable ({e}); capturing with default settings",
                path.display()
            )),
        ),
    }
}

/// Captures one transcript into the repository's conversation folder.
///
/// Returns `Ok(None)` when the policy turns the bridge off (`bridge: {enabled: false}`).
///
/// # Errors
///
/// [`KernelError::Capture`] when the transcript is missing or holds nothing, or a file cannot
/// be written; nothing already written changes then.
pub fn capture(
    root: &Path,
    transcript: &Path,
    session_id: &str,
    last_assistant_message: Option<String>,
) -> Result<Option<CaptureReport>, KernelError> {
    let (settings, note) = bridge_settings(root);
    if let Some(note) = note {
        log(root, &note);
    }
    if settings.enabled == Some(false) {
        return Ok(None);
    }
    let redactor = redactor(&settings)?;
    let output = root.join(
        settings
            .output
            .as_deref()
            .unwrap_or(DEFAULT_CONVERSATIONS_DIR),
    );
    let options = CaptureOptions::new(
        transcript,
        SessionId::new(session_id),
        output,
        state_dir(root).join("bridge"),
    )
    .with_last_assistant_message(last_assistant_message)
    .with_redactor(redactor)
    .with_root(root)
    .with_limits(limits(&settings));
    Capture::run(&options)
        .map(Some)
        .map_err(|source| KernelError::Capture { source })
}

/// The policy's `bridge.limits` over the bridge's defaults; `0` keeps that part whole.
fn limits(settings: &BridgeSettings) -> Limits {
    let Some(set) = settings.limits else {
        return Limits::default();
    };
    let defaults = Limits::default();
    let pick = |value: Option<u64>, default: Option<usize>| match value {
        None => default,
        Some(0) => None,
        Some(n) => Some(usize::try_from(n).unwrap_or(usize::MAX)),
    };
    defaults
        .with_text_chars(pick(set.text_chars, defaults.text_chars))
        .with_output_chars(pick(set.output_chars, defaults.output_chars))
        .with_diff_lines(pick(set.diff_lines, defaults.diff_lines))
        .with_thread_items(pick(set.thread_items, defaults.thread_items))
}

/// The built-in secret rules plus the policy's `bridge.redact` rules (gitleaks' shape:
/// name, pattern, keywords, secret group, entropy), all compiled into one detector.
fn redactor(settings: &BridgeSettings) -> Result<Redactor, KernelError> {
    let mut builder = Detector::builder();
    for rule in &settings.redact {
        let mut spec = Rule::new(&rule.name, &rule.pattern).with_keywords(&rule.keywords);
        if let Some(group) = rule.secret_group {
            spec = spec.with_secret_group(usize::try_from(group).unwrap_or(usize::MAX));
        }
        if let Some(entropy) = rule.entropy {
            spec = spec.with_entropy(entropy);
        }
        builder = builder.rule(spec);
    }
    builder
        .build()
        .map(Redactor::from_detector)
        .map_err(|source| KernelError::Redaction { source })
}

/// Appends a line to the bridge log in the state folder (best effort); the log is created
/// readable by its owner only.
fn log(root: &Path, line: &str) {
    let dir = state_dir(root);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    if let Ok(mut file) = options.open(dir.join("bridge.log")) {
        let _ = writeln!(file, "{line}");
    }
}

/// Runs the end-of-turn hook (Claude Code's and Codex CLI's `Stop`, Gemini CLI's
/// `AfterAgent`): captures the session, always exits 0 and never prints a decision (the hook
/// must not keep the agent going). Failures go to stderr and to
/// `bridge.log` in the state folder.
#[must_use]
pub fn stop(input: &[u8], env: &HookEnv) -> HookOutcome {
    let event = match parse_stop(input) {
        Ok(event) => event,
        Err(e) => {
            return HookOutcome::quiet_failure(format!("metalayer stop hook: {}", e.with_causes()));
        }
    };
    let start = env
        .project_dir
        .as_deref()
        .or(event.cwd.as_deref())
        .unwrap_or(&env.cwd);
    let root = find_root(start).unwrap_or_else(|| start.to_path_buf());
    match capture(
        &root,
        &event.transcript_path,
        &event.session_id,
        event.last_assistant_message,
    ) {
        Ok(_) => HookOutcome::default(),
        Err(e) => {
            let message = format!("metalayer stop hook: {}", e.with_causes());
            log(&root, &message);
            HookOutcome::quiet_failure(message)
        }
    }
}
