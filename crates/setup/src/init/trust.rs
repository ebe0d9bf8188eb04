//! What a harness needs before it runs the repository's hooks, said by `init`: the trust step
//! and how to take it, and for Codex the exact records (`~/.codex/config.toml`) or the managed
//! form (`requirements.toml`) that need no step.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::SetupError;
use crate::trust::{codex_hooks, real, toml_string};
use metalayer_kernel::Harness;
use metalayer_kernel::parse_hook_command;
use metalayer_kernel::settings_path;

use super::Plan;
use super::profile::Profile;
use super::settings::wirings;

/// The trust step of a harness, one line for `init`'s next steps (none for Cursor).
pub(crate) fn init_steps(root: &Path, harness: Harness, _binary: Option<&Path>) -> Vec<String> {
    let root = real(root);
    let root = root.display();
    match harness {
        Harness::Claude => vec![format!(
            "Claude Code runs the project's hooks once you accept its trust dialog for {root} (in `claude -p` the folder counts as trusted)"
        )],
        Harness::Codex => vec![format!(
            "Codex runs a project hook only once the project and the hook are trusted, and skips an untrusted one silently: start `codex` in {root}, trust the folder, and at \"Hooks need review\" choose \"Trust all and continue\" (or /hooks); or merge into ~/.codex/config.toml what `metalayer init --harness codex --print codex-trust` prints. For one automated run, `codex exec --dangerously-bypass-hook-trust`. With no trust step at all, an administrator installs the managed form: `metalayer init --harness codex --print codex-requirements` (for /etc/codex/requirements.toml). A changed hook command (another binary path) must be trusted again; `metalayer audit` says when"
        )],
        Harness::Gemini => vec![format!(
            "Gemini CLI runs the project's hooks only in a trusted folder (untrusted, `gemini -p` refuses to start, and `--skip-trust` starts without them): run `gemini` in {root} and trust the folder, or add \"{root}\": \"TRUST_FOLDER\" to ~/.gemini/trustedFolders.json; in automation, GEMINI_CLI_TRUST_WORKSPACE=true in its environment"
        )],
        Harness::Copilot => vec![format!(
            "GitHub Copilot CLI loads .github/hooks only in a trusted folder, and skips them silently otherwise: run `copilot` in {root} and trust it for future sessions, or add \"{root}\" to trustedFolders in ~/.copilot/config.json; for one run, `copilot --trust-folder` (or COPILOT_ALLOW_ALL=true)"
        )],
        Harness::Cursor => Vec::new(),
    }
}

/// The Codex hooks file of a plan: what it writes, else what is there.
fn planned_codex_settings(plan: &Plan) -> Result<serde_json::Value, SetupError> {
    let rel = Path::new(settings_path(Harness::Codex));
    let fail = |message: String| SetupError::Init {
        path: rel.to_path_buf(),
        message,
    };
    let text = match plan
        .actions()
        .iter()
        .find(|a| a.path() == rel)
        .and_then(|a| a.contents())
    {
        Some(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        None => std::fs::read_to_string(plan.root().join(rel)).map_err(|e| {
            fail(format!(
                "`{}` cannot be read ({e}); run `metalayer init --harness codex` first",
                rel.display()
            ))
        })?,
    };
    serde_json::from_str(&text)
        .map_err(|e| fail(format!("`{}` is not valid JSON: {e}", rel.display())))
}

/// The lines to merge into `~/.codex/config.toml` so that Codex runs the metalayer hooks of
/// the planned `.codex/hooks.json`: the project trusted, and each hook's `trusted_hash` (what
/// Codex records when a person trusts it in its review screen).
///
/// # Errors
///
/// [`SetupError::Init`] when the hooks file cannot be read or is not valid JSON.
pub fn codex_trust_toml(plan: &Plan) -> Result<String, SetupError> {
    let settings = planned_codex_settings(plan)?;
    let root = real(plan.root());
    let path = root.join(settings_path(Harness::Codex));
    let mut out = format!(
        "# Merge into ~/.codex/config.toml ($CODEX_HOME/config.toml): Codex then runs metalayer's\n\
         # hooks in {root} without asking. A table already in the file must not be repeated.\n\
         # These are the records Codex writes itself when you trust the hooks in its review screen.\n\n\
         [projects.{}]\ntrust_level = \"trusted\"\n",
        toml_string(&root.display().to_string()),
        root = root.display()
    );
    for hook in codex_hooks(&path, &settings).into_iter().filter(|h| {
        parse_hook_command(&h.command).is_some() || crate::audit::hooks::runs_metalayer(&h.command)
    }) {
        let _ = write!(
            out,
            "\n[hooks.state.{}]\ntrusted_hash = {}\n",
            toml_string(&hook.key),
            toml_string(&hook.hash)
        );
    }
    Ok(out)
}

/// Codex's managed form of metalayer's hooks, for `/etc/codex/requirements.toml`: hooks an
/// administrator installs there run in every project with no trust step. `binary` is the
/// binary they run (an absolute path is best: managed hooks run in every repository).
#[must_use]
pub fn codex_requirements_toml(profile: Profile, binary: Option<&Path>) -> String {
    let mut out = String::from(
        "# Codex managed hooks for metalayer (metalayer init --print codex-requirements).\n\
         # An administrator puts this in /etc/codex/requirements.toml (merging it with what is\n\
         # there): Codex then runs these hooks in every project, with no trust step, and a user\n\
         # cannot turn them off. Repositories then need no .codex/hooks.json of their own (with\n\
         # both, Codex runs the gate twice).\n",
    );
    for wiring in wirings(profile, Harness::Codex, binary) {
        let handler = wiring.handler_json();
        let _ = write!(out, "\n[[hooks.{}]]\n", wiring.event());
        if let Some(m) = wiring.matcher() {
            let _ = writeln!(out, "matcher = {}", toml_string(m));
        }
        let _ = write!(out, "\n[[hooks.{}.hooks]]\n", wiring.event());
        for (key, value) in handler {
            let value = match value {
                serde_json::Value::String(s) => toml_string(&s),
                other => other.to_string(),
            };
            let _ = writeln!(out, "{key} = {value}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_requirements_file_parses_and_names_the_hooks() {
        let text =
            codex_requirements_toml(Profile::Governed, Some(Path::new("/opt/m b/metalayer")));
        let table: toml::Table = text.parse().unwrap();
        let pre = crate::trust::codex_managed_commands(&table, "PreToolUse");
        assert_eq!(pre.len(), 1);
        let parsed = parse_hook_command(&pre[0]).unwrap();
        assert_eq!(parsed.binary, "/opt/m b/metalayer");
        assert_eq!(
            crate::trust::codex_managed_commands(&table, "PostToolUse").len(),
            1
        );
        assert_eq!(
            table["hooks"]["PreToolUse"][0]["matcher"].as_str(),
            Some("Bash|apply_patch")
        );
        assert_eq!(
            table["hooks"]["PreToolUse"][0]["hooks"][0]["timeout"].as_integer(),
            Some(10)
        );
    }
}
