//! Will the harness run the hooks? Codex, Gemini CLI and Copilot CLI skip a project's hooks,
//! silently, until it is trusted; the records live in the user's home (see
//! [`crate::trust`]). An untrusted gate is a blocking alert.

use std::path::Path;

use crate::trust::{
    CodexTrust, GeminiTrust, HarnessEnv, codex_hook_trust, codex_hooks, codex_managed_commands,
    codex_project_trust, copilot_trust, gemini_trust, read_toml, real,
};
use metalayer_kernel::Harness;
use metalayer_kernel::HookSub;
use metalayer_kernel::settings_path;

use super::hooks::{WiredCommand, runs_hook, runs_metalayer};
use super::report::AuditCheck;

/// The trust checks of every harness whose settings wire a metalayer hook.
pub(crate) fn checks(root: &Path, commands: &[WiredCommand], env: &HarnessEnv) -> Vec<AuditCheck> {
    let wires = |h: Harness| commands.iter().any(|c| c.harness == h);
    let mut out = Vec::new();
    if wires(Harness::Codex) {
        out.extend(codex(root, env));
    }
    if wires(Harness::Gemini) {
        out.push(gemini(root, env));
    }
    if wires(Harness::Copilot) {
        out.push(copilot(root, env));
    }
    out
}

/// How to trust Codex's hooks, for messages.
fn codex_how(root: &Path, config: &str) -> String {
    format!(
        "trust them: start `codex` in {} and, at \"Hooks need review\", choose \"Trust all and continue\" (or /hooks); or merge what `metalayer init --harness codex --print codex-trust` prints into {config}; for one automated run, `codex exec --dangerously-bypass-hook-trust`; or have an administrator install the managed form (`metalayer init --harness codex --print codex-requirements`)",
        root.display()
    )
}

fn codex(root: &Path, env: &HarnessEnv) -> Vec<AuditCheck> {
    let file = settings_path(Harness::Codex);
    if let Some(path) = &env.codex_requirements {
        match read_toml(path) {
            Ok(Some(requirements)) => {
                if codex_managed_commands(&requirements, "PreToolUse")
                    .iter()
                    .any(|c| runs_hook(c, HookSub::PreToolUse.name()))
                {
                    return vec![AuditCheck::ok(
                        file,
                        format!(
                            "the gate is a managed hook of {}: Codex runs it in every project, with no trust step",
                            path.display()
                        ),
                    )];
                }
            }
            Ok(None) => {}
            Err(e) => {
                return vec![AuditCheck::alert(
                    file,
                    format!("Codex's managed requirements {} {e}", path.display()),
                )];
            }
        }
    }
    let root = real(root);
    let Some(config_path) = &env.codex_config else {
        return vec![AuditCheck::alert(
            file,
            "Codex will not run these hooks: no home folder to find Codex's trust records in ($CODEX_HOME or $HOME)",
        )];
    };
    let shown = config_path.display().to_string();
    let config = match read_toml(config_path) {
        Ok(config) => config.unwrap_or_default(),
        Err(e) => {
            return vec![AuditCheck::alert(
                file,
                format!("Codex's config {shown} {e}"),
            )];
        }
    };
    let mut out = Vec::new();
    match codex_project_trust(&config, &root).as_deref() {
        Some("trusted") => {}
        level => {
            let why = match level {
                Some(level) => format!("its trust_level is `{level}`"),
                None => "it is not a trusted project".to_owned(),
            };
            out.push(AuditCheck::alert(
                file,
                format!(
                    "Codex will not load this repository's hooks: {} in {shown}: {why}; trust the folder (start `codex` there, or `codex exec --trust` once), or merge what `metalayer init --harness codex --print codex-trust` prints into {shown}",
                    root.display()
                ),
            ));
        }
    }
    let settings = std::fs::read_to_string(root.join(file))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .unwrap_or_default();
    let hooks: Vec<_> = codex_hooks(&root.join(file), &settings)
        .into_iter()
        .filter(|h| runs_metalayer(&h.command))
        .collect();
    let mut trusted = 0;
    for hook in &hooks {
        let why = match codex_hook_trust(&config, hook) {
            CodexTrust::Trusted => {
                trusted += 1;
                continue;
            }
            CodexTrust::Untrusted => "it has not been trusted".to_owned(),
            CodexTrust::Modified => format!(
                "it changed since it was trusted (the trusted_hash in {shown} is for another command)"
            ),
            CodexTrust::Disabled => format!("it is disabled (enabled = false in {shown})"),
        };
        let message = format!(
            "Codex will not run the {} hook ({}): {why}; {}",
            hook.event,
            hook.key,
            codex_how(&root, &shown)
        );
        out.push(if hook.event == "PreToolUse" {
            AuditCheck::alert(file, message)
        } else {
            AuditCheck::warning(file, message)
        });
    }
    if out.is_empty() {
        out.push(AuditCheck::ok(
            file,
            format!(
                "Codex trusts the project and its {trusted} metalayer hook{} ({shown})",
                if trusted == 1 { "" } else { "s" }
            ),
        ));
    }
    out
}

fn gemini(root: &Path, env: &HarnessEnv) -> AuditCheck {
    let file = settings_path(Harness::Gemini);
    let root = real(root);
    let rules = env.gemini_trusted_folders.as_ref().map_or_else(
        || "~/.gemini/trustedFolders.json".to_owned(),
        |p| p.display().to_string(),
    );
    match gemini_trust(env, &root) {
        Ok(GeminiTrust::Trusted(why)) if why.contains("GEMINI_CLI_TRUST_WORKSPACE") => {
            AuditCheck::warning(
                file,
                format!("Gemini CLI trusts the folder only through {why}"),
            )
        }
        Ok(GeminiTrust::Trusted(why)) => {
            AuditCheck::ok(file, format!("Gemini CLI trusts the folder: {why}"))
        }
        Ok(GeminiTrust::Untrusted(why)) => AuditCheck::alert(
            file,
            format!(
                "Gemini CLI will not run the project's hooks: the folder is not trusted ({why}); trust it: run `gemini` in {root} and trust the folder, or add \"{root}\": \"TRUST_FOLDER\" to {rules}; in automation, GEMINI_CLI_TRUST_WORKSPACE=true in its environment (`--skip-trust` starts without the project's hooks)",
                root = root.display()
            ),
        ),
        Err(e) => AuditCheck::alert(
            file,
            format!("Gemini CLI's trust records cannot be read: {e}"),
        ),
    }
}

fn copilot(root: &Path, env: &HarnessEnv) -> AuditCheck {
    let file = settings_path(Harness::Copilot);
    let root = real(root);
    let config = env.copilot_config.as_ref().map_or_else(
        || "~/.copilot/config.json".to_owned(),
        |p| p.display().to_string(),
    );
    match copilot_trust(env, &root) {
        Ok(Some(why)) if why.contains("COPILOT_ALLOW_ALL") => AuditCheck::warning(
            file,
            format!("Copilot CLI trusts the folder only through {why}"),
        ),
        Ok(Some(why)) => AuditCheck::ok(file, format!("Copilot CLI trusts the folder: {why}")),
        Ok(None) => AuditCheck::alert(
            file,
            format!(
                "Copilot CLI will not load .github/hooks: {root} is not a trusted folder (trustedFolders of {config}); trust it: run `copilot` there and trust it for future sessions, or add \"{root}\" to trustedFolders in {config}; for one run, `copilot --trust-folder`",
                root = root.display()
            ),
        ),
        Err(e) => AuditCheck::alert(file, format!("Copilot CLI's config cannot be read: {e}")),
    }
}
