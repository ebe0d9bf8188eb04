//! Whether a harness will run a repository's hooks: each keeps its own trust record outside
//! the repository, and silently skips the hooks of a project it does not trust.
//!
//! Read from the harnesses' own code (Codex CLI 0.171, Gemini CLI 0.61, GitHub Copilot CLI
//! 1.0.102):
//!
//! - **Codex** loads `.codex/hooks.json` only from a trusted project (`[projects."ROOT"]
//!   trust_level = "trusted"` in `$CODEX_HOME/config.toml`), and then runs a hook only when
//!   `[hooks.state."ABS/.codex/hooks.json:EVENT:GROUP:HANDLER"] trusted_hash` equals the
//!   hook's current hash: `sha256:` and the hex SHA-256 of the compact JSON, keys sorted, of
//!   `{"event_name": EVENT, "matcher"?: M, "hooks": [{"type": "command", "command": C,
//!   "timeout": T (default 600), "async": A, "statusMessage"?: S}]}`. A hook changed since
//!   (a new binary path, say) is untrusted again. Hooks in `/etc/codex/requirements.toml`
//!   (`[[hooks.PreToolUse]]`, …) are managed: they run everywhere, with no trust step.
//! - **Gemini CLI** runs a project's hooks only in a trusted folder: folder trust off
//!   (`security.folderTrust.enabled: false` in the user or system settings), or
//!   `GEMINI_CLI_TRUST_WORKSPACE=true`, or the longest rule of `~/.gemini/trustedFolders.json`
//!   (`{"PATH": "TRUST_FOLDER" | "TRUST_PARENT" | "DO_NOT_TRUST"}`) trusting it.
//! - **Copilot CLI** loads `.github/hooks` only for a trusted folder: `trustedFolders` (or the
//!   older `trusted_folders`) in `$COPILOT_HOME/config.json` (default `~/.copilot`) naming it
//!   or a folder above it, or `COPILOT_ALLOW_ALL=true`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// Where the harnesses keep their trust records, from the environment of the process that
/// asks (`HOME`, `CODEX_HOME`, `GEMINI_CLI_HOME`, `GEMINI_CLI_TRUSTED_FOLDERS_PATH`,
/// `GEMINI_CLI_SYSTEM_SETTINGS_PATH`, `GEMINI_CLI_TRUST_WORKSPACE`, `COPILOT_HOME`,
/// `COPILOT_ALLOW_ALL`). A harness started with another environment may see other records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HarnessEnv {
    /// `$CODEX_HOME/config.toml` (default `~/.codex/config.toml`).
    pub codex_config: Option<PathBuf>,
    /// Codex's managed requirements (`/etc/codex/requirements.toml`).
    pub codex_requirements: Option<PathBuf>,
    /// Gemini CLI's user settings (`~/.gemini/settings.json`).
    pub gemini_settings: Option<PathBuf>,
    /// Gemini CLI's system settings (`/etc/gemini-cli/settings.json`).
    pub gemini_system_settings: Option<PathBuf>,
    /// Gemini CLI's trusted folders (`~/.gemini/trustedFolders.json`).
    pub gemini_trusted_folders: Option<PathBuf>,
    /// `GEMINI_CLI_TRUST_WORKSPACE` (and `GEMINI_RESTRICTED_MODE=true`, read as `false`).
    pub gemini_trust_workspace: Option<String>,
    /// Copilot CLI's `config.json` (`$COPILOT_HOME/config.json`, default `~/.copilot`).
    pub copilot_config: Option<PathBuf>,
    /// `COPILOT_ALLOW_ALL`.
    pub copilot_allow_all: Option<String>,
}

impl HarnessEnv {
    /// The locations the current process's environment gives.
    #[must_use]
    pub fn from_process() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The locations an environment gives, read through `var` (a variable's value, `None`
    /// when unset); empty values count as unset.
    #[must_use]
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| var(name).filter(|v| !v.is_empty());
        let home = var("HOME").map(PathBuf::from);
        let under_home = |rel: &str| home.as_ref().map(|h| h.join(rel));
        let gemini_home = var("GEMINI_CLI_HOME")
            .map(PathBuf::from)
            .or_else(|| home.clone());
        let system_settings = if cfg!(target_os = "macos") {
            "/Library/Application Support/GeminiCli/settings.json"
        } else {
            "/etc/gemini-cli/settings.json"
        };
        let restricted = var("GEMINI_RESTRICTED_MODE").is_some_and(|v| v == "true");
        Self {
            codex_config: var("CODEX_HOME")
                .map(|h| PathBuf::from(h).join("config.toml"))
                .or_else(|| under_home(".codex/config.toml")),
            codex_requirements: Some(PathBuf::from("/etc/codex/requirements.toml")),
            gemini_settings: gemini_home
                .as_ref()
                .map(|h| h.join(".gemini/settings.json")),
            gemini_system_settings: Some(
                var("GEMINI_CLI_SYSTEM_SETTINGS_PATH")
                    .map_or_else(|| PathBuf::from(system_settings), PathBuf::from),
            ),
            gemini_trusted_folders: var("GEMINI_CLI_TRUSTED_FOLDERS_PATH")
                .map(PathBuf::from)
                .or_else(|| gemini_home.map(|h| h.join(".gemini/trustedFolders.json"))),
            gemini_trust_workspace: if restricted {
                Some("false".to_owned())
            } else {
                var("GEMINI_CLI_TRUST_WORKSPACE")
            },
            copilot_config: var("COPILOT_HOME")
                .map(|h| PathBuf::from(h).join("config.json"))
                .or_else(|| under_home(".copilot/config.json")),
            copilot_allow_all: var("COPILOT_ALLOW_ALL"),
        }
    }

    /// Sets where Codex's managed requirements are read from (tests; `None`: nowhere).
    #[must_use]
    pub fn with_codex_requirements(mut self, path: Option<PathBuf>) -> Self {
        self.codex_requirements = path;
        self
    }

    /// Sets where Gemini CLI's system settings are read from (tests; `None`: nowhere).
    #[must_use]
    pub fn with_gemini_system_settings(mut self, path: Option<PathBuf>) -> Self {
        self.gemini_system_settings = path;
        self
    }
}

/// A path as the harnesses compare paths: resolved through symlinks when it exists.
pub(crate) fn real(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a JSON file that may hold `//` and `/* */` comments (Gemini CLI's and Copilot
/// CLI's settings allow them). `Ok(None)` when the file does not exist.
pub(crate) fn read_json_with_comments(path: &Path) -> Result<Option<Value>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot be read: {e}")),
    };
    serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(&strip_json_comments(&text)))
        .map(Some)
        .map_err(|e| format!("is not valid JSON: {e}"))
}

/// The text with `//` line comments and `/* */` block comments outside strings removed.
fn strip_json_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => {
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                }
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Reads a TOML file as a table. `Ok(None)` when the file does not exist.
pub(crate) fn read_toml(path: &Path) -> Result<Option<toml::Table>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot be read: {e}")),
    };
    text.parse::<toml::Table>()
        .map(Some)
        .map_err(|e| format!("is not valid TOML: {}", e.message()))
}

/// Codex's key for an event of `hooks.json` (`PreToolUse` → `pre_tool_use`).
fn codex_event_label(event: &str) -> Option<&'static str> {
    Some(match event {
        "PreToolUse" => "pre_tool_use",
        "PermissionRequest" => "permission_request",
        "PostToolUse" => "post_tool_use",
        "PreCompact" => "pre_compact",
        "PostCompact" => "post_compact",
        "SessionStart" => "session_start",
        "SessionEnd" => "session_end",
        "UserPromptSubmit" => "user_prompt_submit",
        "SubagentStart" => "subagent_start",
        "SubagentStop" => "subagent_stop",
        "Stop" => "stop",
        _ => return None,
    })
}

/// One command hook of a Codex hooks file, as Codex identifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CodexHook {
    /// The event (`PreToolUse`).
    pub(crate) event: String,
    /// The command.
    pub(crate) command: String,
    /// `ABS/.codex/hooks.json:pre_tool_use:0:0`: the key of its `[hooks.state]` entry.
    pub(crate) key: String,
    /// `sha256:…`: what its `trusted_hash` must be.
    pub(crate) hash: String,
}

/// Every command hook of a Codex `hooks.json` (`{"hooks": {EVENT: [{matcher?, hooks:
/// [handler]}]}}`) at `path` (absolute, as Codex names the file), with its state key and hash.
pub(crate) fn codex_hooks(path: &Path, settings: &Value) -> Vec<CodexHook> {
    let mut out = Vec::new();
    let Some(events) = settings.get("hooks").and_then(Value::as_object) else {
        return out;
    };
    for (event, groups) in events {
        let Some(label) = codex_event_label(event) else {
            continue;
        };
        let Some(groups) = groups.as_array() else {
            continue;
        };
        for (group_index, group) in groups.iter().enumerate() {
            let matcher = match label {
                // Codex ignores the matcher of these events, and hashes none.
                "user_prompt_submit" | "stop" => None,
                _ => group.get("matcher").and_then(Value::as_str),
            };
            let Some(handlers) = group.get("hooks").and_then(Value::as_array) else {
                continue;
            };
            for (handler_index, handler) in handlers.iter().enumerate() {
                if handler.get("type").and_then(Value::as_str) != Some("command") {
                    continue;
                }
                let Some(command) = handler.get("command").and_then(Value::as_str) else {
                    continue;
                };
                let timeout = handler
                    .get("timeout")
                    .or_else(|| handler.get("timeoutSec"))
                    .and_then(Value::as_u64);
                let timeout = if label == "session_end" {
                    timeout.unwrap_or(1).clamp(1, 3)
                } else {
                    timeout.unwrap_or(600).max(1)
                };
                let mut normalized = BTreeMap::new();
                normalized.insert("type", Value::from("command"));
                normalized.insert("command", Value::from(command));
                normalized.insert("timeout", Value::from(timeout));
                normalized.insert(
                    "async",
                    Value::from(
                        handler
                            .get("async")
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                    ),
                );
                if let Some(status) = handler.get("statusMessage").and_then(Value::as_str) {
                    normalized.insert("statusMessage", Value::from(status));
                }
                let mut identity = BTreeMap::new();
                identity.insert("event_name", Value::from(label));
                if let Some(m) = matcher {
                    identity.insert("matcher", Value::from(m));
                }
                let handler_value: serde_json::Map<String, Value> = normalized
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect();
                identity.insert("hooks", Value::Array(vec![Value::Object(handler_value)]));
                let hash = sha256_hex(canonical_json(&identity).as_bytes());
                out.push(CodexHook {
                    event: event.clone(),
                    command: command.to_owned(),
                    key: format!("{}:{label}:{group_index}:{handler_index}", path.display()),
                    hash: format!("sha256:{hash}"),
                });
            }
        }
    }
    out
}

/// Compact JSON with every object's keys in sorted order (as Codex hashes it).
fn canonical_json(identity: &BTreeMap<&str, Value>) -> String {
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::from(key.as_str()).to_string());
                    out.push(':');
                    if let Some(v) = map.get(key) {
                        write(v, out);
                    }
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let map: serde_json::Map<String, Value> = identity
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    let mut out = String::new();
    write(&Value::Object(map), &mut out);
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What Codex's user config says of a project and its hooks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CodexTrust {
    /// Trusted, with the hash it was trusted at.
    Trusted,
    /// No `trusted_hash` for the hook.
    Untrusted,
    /// A `trusted_hash` for another content: the hook changed since it was trusted.
    Modified,
    /// `enabled = false`.
    Disabled,
}

/// Codex's trust level for the project at `root` in its user config (`trusted`,
/// `untrusted`), looked up by the canonical path and the path as given.
pub(crate) fn codex_project_trust(config: &toml::Table, root: &Path) -> Option<String> {
    let projects = config.get("projects")?.as_table()?;
    [real(root), root.to_path_buf()]
        .iter()
        .find_map(|p| projects.get(&p.display().to_string()))
        .and_then(|p| p.get("trust_level"))
        .and_then(toml::Value::as_str)
        .map(str::to_owned)
}

/// What Codex's user config says of one hook.
pub(crate) fn codex_hook_trust(config: &toml::Table, hook: &CodexHook) -> CodexTrust {
    let state = config
        .get("hooks")
        .and_then(|h| h.get("state"))
        .and_then(|s| s.get(hook.key.as_str()));
    if state
        .and_then(|s| s.get("enabled"))
        .and_then(toml::Value::as_bool)
        == Some(false)
    {
        return CodexTrust::Disabled;
    }
    match state
        .and_then(|s| s.get("trusted_hash"))
        .and_then(toml::Value::as_str)
    {
        Some(h) if h == hook.hash => CodexTrust::Trusted,
        Some(_) => CodexTrust::Modified,
        None => CodexTrust::Untrusted,
    }
}

/// The commands of Codex's managed hooks for an event (`[[hooks.EVENT]]` groups of
/// `requirements.toml`).
pub(crate) fn codex_managed_commands(requirements: &toml::Table, event: &str) -> Vec<String> {
    requirements
        .get("hooks")
        .and_then(|h| h.get(event))
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|group| group.get("hooks").and_then(toml::Value::as_array))
        .flatten()
        .filter_map(|h| h.get("command").and_then(toml::Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// A TOML basic string.
pub(crate) fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Gemini CLI's verdict on a folder, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GeminiTrust {
    /// Trusted (by what, in words).
    Trusted(String),
    /// Not trusted (why, in words).
    Untrusted(String),
}

/// Whether Gemini CLI trusts the folder `root`, as its `checkPathTrust` decides.
pub(crate) fn gemini_trust(env: &HarnessEnv, root: &Path) -> Result<GeminiTrust, String> {
    match env.gemini_trust_workspace.as_deref() {
        Some("true") => {
            return Ok(GeminiTrust::Trusted(
                "GEMINI_CLI_TRUST_WORKSPACE=true in this environment (a Gemini CLI started without it does not trust the folder)".to_owned(),
            ));
        }
        Some("false") => {
            return Ok(GeminiTrust::Untrusted(
                "GEMINI_CLI_TRUST_WORKSPACE=false (or GEMINI_RESTRICTED_MODE=true) in this environment".to_owned(),
            ));
        }
        _ => {}
    }
    // Folder trust is on unless the user or system settings turn it off (a project's own
    // settings cannot).
    for path in [&env.gemini_system_settings, &env.gemini_settings]
        .into_iter()
        .flatten()
    {
        let settings =
            read_json_with_comments(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let enabled = settings
            .as_ref()
            .and_then(|s| s.pointer("/security/folderTrust/enabled"))
            .and_then(Value::as_bool);
        if enabled == Some(false) {
            return Ok(GeminiTrust::Trusted(format!(
                "folder trust is off in {} (security.folderTrust.enabled: false)",
                path.display()
            )));
        }
    }
    let Some(path) = &env.gemini_trusted_folders else {
        return Ok(GeminiTrust::Untrusted(
            "no home folder to read trusted folders from".to_owned(),
        ));
    };
    let rules = read_json_with_comments(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let target = real(root);
    let mut best: Option<(usize, String)> = None;
    if let Some(Value::Object(rules)) = &rules {
        for (rule, level) in rules {
            let Some(level) = level.as_str() else {
                continue;
            };
            let effective = match level {
                "TRUST_PARENT" => Path::new(rule)
                    .parent()
                    .unwrap_or(Path::new(rule))
                    .to_path_buf(),
                "TRUST_FOLDER" | "DO_NOT_TRUST" => PathBuf::from(rule),
                _ => continue,
            };
            if target.starts_with(real(&effective))
                && best.as_ref().is_none_or(|(len, _)| rule.len() > *len)
            {
                best = Some((rule.len(), level.to_owned()));
            }
        }
    }
    Ok(match best {
        Some((_, level)) if level == "DO_NOT_TRUST" => {
            GeminiTrust::Untrusted(format!("{} marks it DO_NOT_TRUST", path.display()))
        }
        Some((_, level)) => GeminiTrust::Trusted(format!("{level} in {}", path.display())),
        None => GeminiTrust::Untrusted(format!("no rule of {} trusts it", path.display())),
    })
}

/// Whether Copilot CLI trusts the folder `root`: `Ok(Some(why))` trusted, `Ok(None)` not.
pub(crate) fn copilot_trust(env: &HarnessEnv, root: &Path) -> Result<Option<String>, String> {
    if env.copilot_allow_all.as_deref() == Some("true") {
        return Ok(Some(
            "COPILOT_ALLOW_ALL=true in this environment (a Copilot CLI started without it does not trust the folder)".to_owned(),
        ));
    }
    let Some(path) = &env.copilot_config else {
        return Ok(None);
    };
    let config = read_json_with_comments(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let target = real(root);
    let trusted = ["trustedFolders", "trusted_folders"]
        .iter()
        .filter_map(|k| {
            config
                .as_ref()
                .and_then(|c| c.get(*k))
                .and_then(Value::as_array)
        })
        .flatten()
        .filter_map(Value::as_str)
        .find(|folder| target.starts_with(real(Path::new(folder))));
    Ok(trusted.map(|folder| format!("{folder} is in trustedFolders of {}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn codex_hashes_match_what_codex_0_171_computes() {
        // `currentHash` of `codex app-server`'s hooks/list for this file, Codex CLI 0.171.0.
        let settings = json!({"hooks": {
            "PreToolUse": [{"matcher": "Bash|apply_patch", "hooks": [
                {"type": "command", "command": "metalayer hook pre-tool-use --harness codex", "timeout": 10}]}],
            "PostToolUse": [{"matcher": "Bash|apply_patch", "hooks": [
                {"type": "command", "command": "metalayer hook post-tool-use --harness codex", "timeout": 10}]}]
        }});
        let hooks = codex_hooks(Path::new("/tmp/cxt/repo/.codex/hooks.json"), &settings);
        let by_event: BTreeMap<&str, &CodexHook> =
            hooks.iter().map(|h| (h.event.as_str(), h)).collect();
        let pre = by_event["PreToolUse"];
        assert_eq!(pre.key, "/tmp/cxt/repo/.codex/hooks.json:pre_tool_use:0:0");
        assert_eq!(
            pre.hash,
            "sha256:a09a26f87ddec36a4af70df9479af6e4d7b8600c6789a5f70d896f26a0676654"
        );
        let post = by_event["PostToolUse"];
        assert_eq!(
            post.key,
            "/tmp/cxt/repo/.codex/hooks.json:post_tool_use:0:0"
        );
        assert_eq!(
            post.hash,
            "sha256:c3a9be304fdca58b0774972dabccc7870bf587cb9bdce8c24c769677dfc513f5"
        );
    }

    #[test]
    fn codex_trust_records() {
        let hook = CodexHook {
            event: "PreToolUse".to_owned(),
            command: "x".to_owned(),
            key: "/r/.codex/hooks.json:pre_tool_use:1:0".to_owned(),
            hash: "sha256:ab".to_owned(),
        };
        let config: toml::Table = r#"
[projects."/r"]
trust_level = "trusted"

[hooks.state."/r/.codex/hooks.json:pre_tool_use:1:0"]
trusted_hash = "sha256:ab"
"#
        .parse()
        .unwrap();
        assert_eq!(
            codex_project_trust(&config, Path::new("/r")).as_deref(),
            Some("trusted")
        );
        assert_eq!(codex_hook_trust(&config, &hook), CodexTrust::Trusted);
        let other = CodexHook {
            hash: "sha256:cd".to_owned(),
            ..hook.clone()
        };
        assert_eq!(codex_hook_trust(&config, &other), CodexTrust::Modified);
        let empty = toml::Table::new();
        assert_eq!(codex_hook_trust(&empty, &hook), CodexTrust::Untrusted);
        assert_eq!(codex_project_trust(&empty, Path::new("/r")), None);
        let disabled: toml::Table = "[hooks.state.\"/r/.codex/hooks.json:pre_tool_use:1:0\"]\nenabled = false\ntrusted_hash = \"sha256:ab\"\n".parse().unwrap();
        assert_eq!(codex_hook_trust(&disabled, &hook), CodexTrust::Disabled);
        let req: toml::Table = "[[hooks.PreToolUse]]\nmatcher = \"Bash\"\n[[hooks.PreToolUse.hooks]]\ntype = \"command\"\ncommand = \"metalayer hook pre-tool-use --harness codex\"\n".parse().unwrap();
        assert_eq!(
            codex_managed_commands(&req, "PreToolUse"),
            ["metalayer hook pre-tool-use --harness codex"]
        );
    }

    #[test]
    fn toml_strings_round_trip() {
        for text in ["plain", "sh -c '\"$0\" x' /a\\b", "tab\tand\nline"] {
            let table: toml::Table = format!("k = {}", toml_string(text)).parse().unwrap();
            assert_eq!(table["k"].as_str(), Some(text));
        }
    }

    #[test]
    fn json_comments_are_tolerated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(
            &path,
            "{\n // a comment\n \"a\": \"http://x\", /* b */ \"b\": 1\n}",
        )
        .unwrap();
        let v = read_json_with_comments(&path).unwrap().unwrap();
        assert_eq!(v, json!({"a": "http://x", "b": 1}));
        assert_eq!(
            read_json_with_comments(&dir.path().join("none")).unwrap(),
            None
        );
    }

    fn env_in(home: &Path) -> HarnessEnv {
        let home = home.display().to_string();
        HarnessEnv::from_lookup(|name| (name == "HOME").then(|| home.clone()))
            .with_gemini_system_settings(None)
            .with_codex_requirements(None)
    }

    #[test]
    fn gemini_folder_trust() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let env = env_in(home.path());
        assert!(matches!(
            gemini_trust(&env, repo.path()),
            Ok(GeminiTrust::Untrusted(_))
        ));
        std::fs::create_dir_all(home.path().join(".gemini")).unwrap();
        let rules = home.path().join(".gemini/trustedFolders.json");
        let root = real(repo.path()).display().to_string();
        std::fs::write(&rules, json!({(root.clone()): "TRUST_FOLDER"}).to_string()).unwrap();
        assert!(matches!(
            gemini_trust(&env, repo.path()),
            Ok(GeminiTrust::Trusted(_))
        ));
        // The longest rule wins.
        let sub = repo.path().join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        let sub_s = real(&sub).display().to_string();
        std::fs::write(
            &rules,
            json!({(root.clone()): "TRUST_FOLDER", (sub_s): "DO_NOT_TRUST"}).to_string(),
        )
        .unwrap();
        assert!(matches!(
            gemini_trust(&env, &sub),
            Ok(GeminiTrust::Untrusted(_))
        ));
        assert!(matches!(
            gemini_trust(&env, repo.path()),
            Ok(GeminiTrust::Trusted(_))
        ));
        // TRUST_PARENT trusts the rule's parent folder.
        let child = format!("{root}/anything");
        std::fs::write(&rules, json!({(child): "TRUST_PARENT"}).to_string()).unwrap();
        assert!(matches!(
            gemini_trust(&env, repo.path()),
            Ok(GeminiTrust::Trusted(_))
        ));
        // Folder trust turned off in the user settings.
        std::fs::write(&rules, "{}").unwrap();
        std::fs::write(
            home.path().join(".gemini/settings.json"),
            "{\"security\": {\"folderTrust\": {\"enabled\": false}}}",
        )
        .unwrap();
        assert!(matches!(
            gemini_trust(&env, repo.path()),
            Ok(GeminiTrust::Trusted(_))
        ));
    }

    #[test]
    fn copilot_folder_trust() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let env = env_in(home.path());
        assert_eq!(copilot_trust(&env, repo.path()), Ok(None));
        std::fs::create_dir_all(home.path().join(".copilot")).unwrap();
        let parent = real(repo.path().parent().unwrap()).display().to_string();
        std::fs::write(
            home.path().join(".copilot/config.json"),
            json!({"trustedFolders": [parent]}).to_string(),
        )
        .unwrap();
        assert!(copilot_trust(&env, repo.path()).unwrap().is_some());
    }
}
