//! `metalayer init`: install metalayer into a repository.
//!
//! [`plan`] works out every file to write without writing anything, so that a problem (a
//! settings file that is not valid JSON) stops the run before any change; [`Plan::apply`] then
//! writes each file atomically (a temporary file in the same folder, renamed over the target).
//!
//! The rules:
//! - a file `init` generates carries a marker on its first line (the second for a script, the
//!   `$comment` key of a JSON Schema); a file without it is the user's and is never written,
//!   even with `--force`;
//! - a generated file that differs from what `init` would write now (edited, or written for
//!   another profile) is kept, unless [`InitOptions::force`];
//! - the harness's settings file is merged: every key and hook of the user survives, ours are
//!   added once, and a file that already holds them is not touched at all;
//! - a second run has nothing to do ([`Plan::is_noop`]).

mod docs;
mod json;
mod marker;
mod precommit;
mod profile;
mod settings;
mod trust;

use std::path::{Path, PathBuf};

use crate::error::SetupError;
use metalayer_kernel::Harness;
use metalayer_kernel::LEDGER_DIR;
use metalayer_kernel::{
    AGENTS_DOC, CLAUDE_DOC, HookKind, METALAYER_DOC, POLICY_FILE, PRE_COMMIT_COMMAND,
    REGRESSION_MAP_FILE, SchemaKind, settings_path,
};

pub(crate) use profile::shipped_gate_ids;
pub use profile::{AUTONOMOUS_POLICY_YAML, BASELINE_POLICY_YAML, Profile, captures_sessions};
pub use trust::{codex_requirements_toml, codex_trust_toml};

/// The `.gitignore` of the ledger folder (the same text the ledger writes when it creates it).
pub const LEDGER_GITIGNORE: &str = "# metalayer's decision ledger\n*\n";

/// What `metalayer init` is asked to do.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InitOptions {
    /// A folder inside the git work tree to install into; `init` installs at the work tree's
    /// root (the nearest folder upward holding `.git`).
    pub root: PathBuf,
    /// The profile; `None` (the default): the one named by the repository's existing
    /// `.control/policy.yaml` (`profile:`), else governed. So a plain second run keeps the
    /// profile of the first.
    pub profile: Option<Profile>,
    /// The harness whose settings file gets the hooks; `None` (the default): the harness whose
    /// settings file already wires metalayer's hooks (the first of [`Harness::ALL`] if
    /// several do), else Claude Code. So a plain second run keeps the harness of the first.
    pub harness: Option<Harness>,
    /// Only show the plan (the library never writes in [`plan`]; this is for callers).
    pub dry_run: bool,
    /// Rewrite the files `init` generated even when they changed since.
    pub force: bool,
    /// The `metalayer` binary the hooks run, by absolute path (the `metalayer` binary passes
    /// its own, canonicalised); `None`: `metalayer`, looked up on the harness's `PATH`. Either
    /// way the command is guarded so that a binary that cannot be started blocks the call
    /// ([`hook_command`](metalayer_kernel::hook_command)).
    pub binary: Option<PathBuf>,
}

impl InitOptions {
    /// Options for the repository around `root`: the installed profile (else governed), the
    /// wired harness (else Claude Code), no dry run, no force.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            profile: None,
            harness: None,
            dry_run: false,
            force: false,
            binary: None,
        }
    }

    /// Sets the binary the hooks run (an absolute path).
    #[must_use]
    pub fn binary(mut self, binary: impl Into<PathBuf>) -> Self {
        self.binary = Some(binary.into());
        self
    }

    /// Sets the profile.
    #[must_use]
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profile = Some(profile);
        self
    }

    /// Sets the harness.
    #[must_use]
    pub fn harness(mut self, harness: Harness) -> Self {
        self.harness = Some(harness);
        self
    }

    /// Sets whether this is a dry run.
    #[must_use]
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Sets whether generated files that changed are rewritten.
    #[must_use]
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }
}

/// What happens to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ActionKind {
    /// The file does not exist: it is created.
    Create,
    /// The settings file exists: our hooks are added to it.
    Merge,
    /// A file `init` generated, changed since, is rewritten (`--force`).
    RewriteGenerated,
    /// The file already holds exactly what `init` would write.
    SkipUnchanged,
    /// The file is the user's (no marker): never written.
    SkipUserFile,
    /// A file `init` generated differs from what it would write now; kept without `--force`.
    SkipEditedGenerated,
}

impl ActionKind {
    /// The kebab-case name (`create`, `merge`, `rewrite-generated`, `skip-unchanged`,
    /// `skip-exists-user-file`, `skip-edited-generated`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Create => "create",
            ActionKind::Merge => "merge",
            ActionKind::RewriteGenerated => "rewrite-generated",
            ActionKind::SkipUnchanged => "skip-unchanged",
            ActionKind::SkipUserFile => "skip-exists-user-file",
            ActionKind::SkipEditedGenerated => "skip-edited-generated",
        }
    }

    /// Whether the action writes the file.
    #[must_use]
    pub fn writes(self) -> bool {
        matches!(
            self,
            ActionKind::Create | ActionKind::Merge | ActionKind::RewriteGenerated
        )
    }
}

/// One file of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    path: PathBuf,
    kind: ActionKind,
    note: String,
    contents: Option<Vec<u8>>,
    executable: bool,
}

impl Action {
    /// The file, relative to the repository root (absolute only for a git directory outside
    /// the work tree).
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What happens to it.
    #[must_use]
    pub fn kind(&self) -> ActionKind {
        self.kind
    }

    /// A short explanation (`governed profile`, `+PreToolUse gate, +Stop capture`, `yours`).
    #[must_use]
    pub fn note(&self) -> &str {
        &self.note
    }

    /// The bytes written, for the actions that write.
    #[must_use]
    pub fn contents(&self) -> Option<&[u8]> {
        self.contents.as_deref()
    }

    /// Whether the file is made executable (the git hook).
    #[must_use]
    pub fn executable(&self) -> bool {
        self.executable
    }
}

/// Every file `init` would write or leave alone, computed without writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    root: PathBuf,
    profile: Profile,
    harness: Harness,
    binary: Option<PathBuf>,
    actions: Vec<Action>,
    notes: Vec<String>,
}

impl Plan {
    /// The repository root the plan installs into.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The profile.
    #[must_use]
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// The harness.
    #[must_use]
    pub fn harness(&self) -> Harness {
        self.harness
    }

    /// Every action, in the order they are applied.
    #[must_use]
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// What the user should know about the files kept: a kept `.control/policy.yaml` whose
    /// `hooks_wired` setpoint (S12) no longer matches the hooks wired once the plan is applied
    /// (after `init --harness` with another harness, say), with what to do about it.
    #[must_use]
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Whether nothing would be written (the repository is already initialised).
    #[must_use]
    pub fn is_noop(&self) -> bool {
        !self.actions.iter().any(|a| a.kind.writes())
    }

    /// What the user should do next, one line each.
    #[must_use]
    pub fn next_steps(&self) -> Vec<String> {
        let mut steps = Vec::new();
        let written: Vec<String> = self
            .actions
            .iter()
            // The git hook is not part of the tree, and the ledger ignores itself.
            .filter(|a| {
                a.kind.writes()
                    && a.path.is_relative()
                    && !a.path.starts_with(".git")
                    && !a.path.starts_with(LEDGER_DIR)
            })
            .map(|a| a.path.display().to_string())
            .collect();
        if !written.is_empty() {
            steps.push(format!(
                "review and commit the files: git add {} && git commit -m \"Install metalayer ({} profile)\"",
                written.join(" "),
                self.profile
            ));
        }
        steps.push(match &self.binary {
            Some(binary) => format!(
                "the hooks run {}; if it moves, run `metalayer init` again (until then every gated call is blocked)",
                binary.display()
            ),
            None => "make sure `metalayer` is on the PATH of your agent harness (the hooks run it by name; until it is, every gated call is blocked)".to_owned(),
        });
        steps.extend(trust::init_steps(
            &self.root,
            self.harness,
            self.binary.as_deref(),
        ));
        steps.push(
            "metalayer audit: checks the governance files, the hooks (that they run metalayer, and that the harness will run them) and the setpoints".to_owned(),
        );
        steps.push(
            "metalayer check -- git push --force origin main: shows a decision and the gate that made it"
                .to_owned(),
        );
        if self.profile.regression_gate() {
            steps.push(format!(
                "map your features in {REGRESSION_MAP_FILE} (metalayer affected previews it)"
            ));
        }
        steps
    }

    /// Writes every action that writes: each file atomically (a temporary file in the same
    /// folder, then a rename), creating parent folders; the git hook is made executable.
    ///
    /// # Errors
    ///
    /// [`SetupError::Io`] naming the file that could not be written; the files before it in
    /// the plan are written, the ones after it are not. [`SetupError::Init`] when a file to
    /// write, or a folder on the way to it, has become a symlink since [`plan`].
    pub fn apply(&self) -> Result<(), SetupError> {
        for action in self.actions.iter().filter(|a| a.kind.writes()) {
            let Some(bytes) = &action.contents else {
                continue;
            };
            refuse_symlinks(&self.root, &action.path)?;
            metalayer_kernel::write_atomically(
                &self.root.join(&action.path),
                bytes,
                action.executable,
            )?;
        }
        Ok(())
    }
}

/// Refuses a write through a symlink: the file `rel` (relative to `root`, or absolute) or any
/// folder between `root` and it. A symlinked `.claude` would otherwise have init write into a
/// folder outside the repository.
fn refuse_symlinks(root: &Path, rel: &Path) -> Result<(), SetupError> {
    let full = root.join(rel);
    let mut checked = Vec::new();
    if let Ok(inside) = full.strip_prefix(root) {
        let mut at = root.to_path_buf();
        for part in inside.components() {
            at.push(part);
            checked.push(at.clone());
        }
    } else {
        checked.push(full.clone());
    }
    for path in checked {
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            return Err(SetupError::Init {
                message: format!(
                    "`{}` is a symlink; init does not write through symlinks (it would write `{}` outside where it belongs). Replace it with a real file or folder, or move it away, and run `metalayer init` again. Nothing was written.",
                    path.display(),
                    full.display()
                ),
                path,
            });
        }
    }
    Ok(())
}

/// The root of the git work tree around `start`.
fn work_tree_root(start: &Path) -> Result<PathBuf, SetupError> {
    let absolute = std::path::absolute(start).map_err(|source| SetupError::Io {
        action: "cannot resolve",
        path: start.to_path_buf(),
        source,
    })?;
    if !absolute.is_dir() {
        return Err(SetupError::Init {
            path: absolute.clone(),
            message: format!("`{}` is not a folder", absolute.display()),
        });
    }
    absolute
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
        .ok_or_else(|| SetupError::Init {
            message: format!(
                "`{}` is not inside a git work tree; run `git init` there first",
                absolute.display()
            ),
            path: absolute.clone(),
        })
}

/// Reads a file as text; `None` when it does not exist. A file that is not UTF-8 reads as an
/// empty string, so it is never taken for a generated one.
fn read_existing(path: &Path) -> Result<Option<String>, SetupError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8(bytes).unwrap_or_default())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(SetupError::Io {
            action: "cannot read",
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The profile named by the repository's policy file, if it has a readable one.
/// The harness whose settings file wires a metalayer hook, the first of [`Harness::ALL`] if
/// several do.
fn installed_harness(root: &Path) -> Option<Harness> {
    Harness::ALL.into_iter().find(|&harness| {
        std::fs::read_to_string(root.join(settings_path(harness)))
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .is_some_and(|settings| !crate::audit::hooks::kinds_in(harness, &settings).is_empty())
    })
}

fn installed_profile(root: &Path) -> Option<Profile> {
    let text = std::fs::read_to_string(root.join(POLICY_FILE)).ok()?;
    let loaded =
        metalayer_policy::load_str_with(&text, POLICY_FILE, metalayer_policy::LoadOptions::fast())
            .ok()?;
    match loaded.policy.profile? {
        metalayer_policy::Profile::Baseline => Some(Profile::Baseline),
        metalayer_policy::Profile::Governed => Some(Profile::Governed),
        metalayer_policy::Profile::Autonomous => Some(Profile::Autonomous),
    }
}

/// The action for a file `init` generates (or, without a marker in `text`, creates only).
fn file_action(
    root: &Path,
    rel: &Path,
    text: String,
    note: &str,
    force: bool,
) -> Result<Action, SetupError> {
    let existing = read_existing(&root.join(rel))?;
    let (kind, note) = match existing {
        None => (ActionKind::Create, note.to_owned()),
        Some(old) if old == text || same_json(rel, &old, &text) => {
            (ActionKind::SkipUnchanged, note.to_owned())
        }
        Some(old) if marker::is_generated(&old) => {
            if force {
                (ActionKind::RewriteGenerated, format!("{note}; --force"))
            } else {
                (
                    ActionKind::SkipEditedGenerated,
                    "generated by init, changed since; --force rewrites it".to_owned(),
                )
            }
        }
        Some(_) => (ActionKind::SkipUserFile, "yours".to_owned()),
    };
    Ok(Action {
        path: rel.to_path_buf(),
        contents: kind.writes().then(|| text.into_bytes()),
        kind,
        note,
        executable: false,
    })
}

/// Whether `rel` is a JSON file and `old` says the same JSON as `new`, key order and layout
/// aside (as the audit compares schemas): a schema written before its keys were printed in
/// another order is unchanged, not edited.
fn same_json(rel: &Path, old: &str, new: &str) -> bool {
    if rel.extension().is_none_or(|e| e != "json") {
        return false;
    }
    let read = |text: &str| serde_json::from_str::<serde_json::Value>(text).ok();
    read(old).is_some_and(|old| read(new).is_some_and(|new| old == new))
}

/// A schema with the generated-file marker as its first key.
fn schema_text(kind: SchemaKind) -> Result<String, SetupError> {
    let path = PathBuf::from(kind.path());
    let fail = |message: String| SetupError::Init {
        path: path.clone(),
        message,
    };
    let value: json::Json = serde_json::from_str(&kind.render())
        .map_err(|e| fail(format!("the schema `{}` is not JSON: {e}", kind.path())))?;
    let json::Json::Object(mut out) = value else {
        return Err(fail(format!(
            "the schema `{}` is not an object",
            kind.path()
        )));
    };
    // First, so that the marker is on the second line whatever keys the schema has.
    out.insert_first("$comment", marker::json_comment().into());
    let mut text = serde_json::to_string_pretty(&out).map_err(|e| fail(e.to_string()))?;
    text.push('\n');
    Ok(text)
}

/// The example feature map: valid, commented, mapping nothing until edited.
fn regression_map_text(profile: Profile) -> String {
    format!(
        "{}# The feature map of the regression gate: which files belong to which feature, and the\n\
         # scenarios to run before a commit that changes them. It maps nothing until you add your\n\
         # features; `metalayer affected` previews the mapping and `metalayer stamp` records a run.\n\
         #\n\
         # Patterns are globs relative to the repository root: `*` stays within a folder, `**`\n\
         # crosses folders, and a pattern starting with `!` removes files from its feature.\n\
         # For example:\n\
         #\n\
         # features:\n\
         #   auth:\n\
         #     patterns: [\"src/auth/**\", \"!src/auth/fixtures/**\"]\n\
         #     scenarios: [\"log in with a password\", \"log out\"]\n\
         #     url: /login\n\
         features: {{}}\n",
        marker::hash_comment(profile.name())
    )
}

/// The settings file's action.
fn settings_action(
    root: &Path,
    profile: Profile,
    harness: Harness,
    binary: Option<&Path>,
) -> Result<Action, SetupError> {
    let rel = PathBuf::from(settings_path(harness));
    let existing = read_existing(&root.join(&rel))?;
    let merged = settings::merge(&rel, existing.as_deref(), profile, harness, binary)?;
    let mut notes: Vec<String> = merged.added.iter().map(|l| format!("+{l}")).collect();
    notes.extend(merged.updated.iter().map(|l| format!("~{l} (new command)")));
    let kinds = profile.hook_kinds(harness);
    if !kinds.contains(&HookKind::FileGate) {
        notes.push(format!(
            "no file gate: {} reports file edits only after the write",
            harness.name()
        ));
    }
    if profile.session_capture() && !kinds.contains(&HookKind::SessionCapture) {
        notes.push(format!(
            "no session capture: metalayer cannot capture {} sessions yet",
            harness.name()
        ));
    }
    let kind = match (&existing, &merged.text) {
        (None, _) => ActionKind::Create,
        (Some(_), Some(_)) => ActionKind::Merge,
        (Some(_), None) => {
            notes.insert(0, "hooks already wired".to_owned());
            ActionKind::SkipUnchanged
        }
    };
    Ok(Action {
        path: rel,
        kind,
        note: notes.join(", "),
        contents: merged.text.map(String::into_bytes),
        executable: false,
    })
}

/// The git pre-commit hook's action (autonomous profile).
fn pre_commit_action(root: &Path, profile: Profile, force: bool) -> Result<Action, SetupError> {
    let hooks =
        metalayer_kernel::hooks_dir(root).unwrap_or_else(|| root.join(".git").join("hooks"));
    let full = hooks.join("pre-commit");
    let rel = full
        .strip_prefix(root)
        .map_or_else(|_| full.clone(), Path::to_path_buf);
    let mut action = file_action(
        root,
        &rel,
        precommit::script(profile.name()),
        "runs `metalayer hook pre-commit`",
        force,
    )?;
    action.executable = true;
    if action.kind == ActionKind::SkipUserFile {
        let text = read_existing(&full)?.unwrap_or_default();
        action.note = if text.contains(PRE_COMMIT_COMMAND) {
            "yours; it already runs `metalayer hook pre-commit`".to_owned()
        } else {
            "yours; add `metalayer hook pre-commit` to it".to_owned()
        };
    }
    Ok(action)
}

/// The action for a generated file whose text depends on the harness (the policy, for its
/// S12; `METALAYER.md`): like [`file_action`], except that a file generated for another
/// harness is said to be so, not "changed since". `render` gives the text for a harness.
fn harness_file_action(
    root: &Path,
    rel: &Path,
    note: &str,
    force: bool,
    harness: Harness,
    render: impl Fn(Harness) -> Result<String, SetupError>,
) -> Result<Action, SetupError> {
    let mut action = file_action(root, rel, render(harness)?, note, force)?;
    if matches!(
        action.kind,
        ActionKind::SkipEditedGenerated | ActionKind::RewriteGenerated
    ) {
        let existing = read_existing(&root.join(rel))?.unwrap_or_default();
        let written_for = Harness::ALL
            .into_iter()
            .find(|h| render(*h).is_ok_and(|text| text == existing));
        if let Some(other) = written_for {
            action.note = if action.kind.writes() {
                format!("{note}; generated for {}; --force", other.name())
            } else {
                format!(
                    "generated by init for {}; --force rewrites it for {}",
                    other.name(),
                    harness.name()
                )
            };
        }
    }
    Ok(action)
}

/// The policy file's text for a profile and harness, with the generated-file marker.
fn policy_text(profile: Profile, harness: Harness) -> Result<String, SetupError> {
    Ok(format!(
        "{}{}",
        marker::hash_comment(profile.name()),
        profile.policy_yaml_for(harness)?
    ))
}

/// `METALAYER.md` for a profile and harness.
fn metalayer_doc_text(profile: Profile, harness: Harness) -> Result<String, SetupError> {
    let yaml = profile.policy_yaml_for(harness)?;
    let policy = metalayer_policy::load_str(&yaml, POLICY_FILE)
        .map_err(|e| SetupError::Init {
            path: PathBuf::from(POLICY_FILE),
            message: format!("the {} profile's policy does not load: {e}", profile.name()),
        })?
        .policy;
    Ok(docs::metalayer_md(profile, harness, &policy))
}

/// The `hooks_wired` setpoints of a policy text: (id, target, alert_below).
fn hooks_wired_setpoints(text: &str) -> Vec<(String, Option<f64>, Option<f64>)> {
    let Ok(loaded) =
        metalayer_policy::load_str_with(text, POLICY_FILE, metalayer_policy::LoadOptions::fast())
    else {
        return Vec::new();
    };
    loaded
        .policy
        .setpoints
        .iter()
        .filter(|s| {
            matches!(
                &s.measurement,
                Some(metalayer_policy::Measurement::Structured { spec, .. }) if spec == "hooks_wired"
            )
        })
        .map(|s| {
            let target = match s.target {
                Some(metalayer_policy::Target::Number(n)) => Some(n),
                _ => None,
            };
            (s.id.to_string(), target, s.alert_below)
        })
        .collect()
}

/// Notes on a kept policy whose `hooks_wired` setpoint does not match the hook kinds wired
/// once the plan is applied: those the repository already wires (any harness, git) plus
/// those this plan wires.
fn kept_policy_notes(
    root: &Path,
    profile: Profile,
    harness: Harness,
    actions: &[Action],
) -> Vec<String> {
    let Some(policy) = actions
        .iter()
        .find(|a| a.path == Path::new(POLICY_FILE))
        .filter(|a| !a.kind.writes())
    else {
        return Vec::new();
    };
    let Ok(Some(text)) = read_existing(&root.join(POLICY_FILE)) else {
        return Vec::new();
    };
    let mut kinds = crate::audit::hooks::wired(root).kinds;
    // The settings merge always leaves our hooks in place; the git hook is wired by the plan
    // only when it writes it (a kept one is already counted above if it runs metalayer).
    let writes_git_hook = actions.iter().any(|a| a.executable && a.kind.writes());
    kinds.extend(
        profile
            .hook_kinds(harness)
            .into_iter()
            .filter(|k| *k != HookKind::PreCommit || writes_git_hook),
    );
    let n = kinds.len();
    let names: Vec<&str> = kinds
        .iter()
        .map(|k| crate::audit::hooks::kind_name(*k))
        .collect();
    let generated = marker::is_generated(&text);
    let mut notes = Vec::new();
    for (id, target, alert_below) in hooks_wired_setpoints(&text) {
        let wired = format!("{} wired ({})", kinds_phrase(n), names.join(", "));
        let fails = alert_below.is_some_and(|b| count_f64(n) < b);
        if fails {
            let fix = if generated && policy.kind == ActionKind::SkipEditedGenerated {
                format!(
                    "`metalayer init --harness {} --force` rewrites the generated policy for {}, or set its target and alert_below to {n}",
                    harness.name(),
                    harness.name()
                )
            } else {
                format!("set its target and alert_below to {n}")
            };
            notes.push(format!(
                "{POLICY_FILE} is kept, but its {id} hooks_wired alerts below {}, and {wired}: `metalayer audit` will fail; {fix}",
                alert_below.unwrap_or_default()
            ));
        } else if target.is_some_and(|t| t != count_f64(n)) {
            notes.push(format!(
                "{POLICY_FILE} is kept: its {id} hooks_wired target is {}, and {wired}; the audit passes",
                target.unwrap_or_default()
            ));
        }
    }
    notes
}

/// `1 hook kind is` / `N hook kinds are`.
fn kinds_phrase(n: usize) -> String {
    if n == 1 {
        "1 hook kind is".to_owned()
    } else {
        format!("{n} hook kinds are")
    }
}

/// A small count as a float (exact).
fn count_f64(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Works out every file `init` would write into the repository around `options.root`, without
/// writing anything.
///
/// # Errors
///
/// [`SetupError::Init`] when the folder is not inside a git work tree, the harness's
/// settings file is not valid JSON (naming the file and line) or has the wrong shape, or a
/// file to write (or a folder between the root and it) is a symlink, naming it;
/// [`SetupError::Io`] when a file cannot be read.
///
/// ```
/// use metalayer_setup::{ActionKind, InitOptions, Profile, plan};
///
/// let repo = tempfile::tempdir()?;
/// std::fs::create_dir(repo.path().join(".git"))?;
/// let options = InitOptions::new(repo.path()).profile(Profile::Governed);
/// let first = plan(&options)?;
/// assert!(first.actions().iter().all(|a| a.kind() == ActionKind::Create));
/// first.apply()?;
/// assert!(plan(&options)?.is_noop());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn plan(options: &InitOptions) -> Result<Plan, SetupError> {
    let root = work_tree_root(&options.root)?;
    let profile = options
        .profile
        .unwrap_or_else(|| installed_profile(&root).unwrap_or_default());
    let detected = options
        .harness
        .is_none()
        .then(|| installed_harness(&root))
        .flatten();
    let harness = options.harness.or(detected).unwrap_or(Harness::Claude);
    let force = options.force;
    let mut actions = vec![harness_file_action(
        &root,
        Path::new(POLICY_FILE),
        &format!("{} profile", profile.name()),
        force,
        harness,
        |h| policy_text(profile, h),
    )?];
    if profile.regression_gate() {
        actions.push(file_action(
            &root,
            Path::new(REGRESSION_MAP_FILE),
            regression_map_text(profile),
            "example feature map, maps nothing yet",
            force,
        )?);
    }
    for kind in SchemaKind::ALL {
        actions.push(file_action(
            &root,
            Path::new(kind.path()),
            schema_text(kind)?,
            "JSON Schema",
            force,
        )?);
    }
    actions.push(harness_file_action(
        &root,
        Path::new(METALAYER_DOC),
        "the control loop of this repository",
        force,
        harness,
        |h| metalayer_doc_text(profile, h),
    )?);
    actions.push(file_action(
        &root,
        Path::new(AGENTS_DOC),
        docs::agents_md(profile),
        "instructions for agents",
        force,
    )?);
    actions.push(file_action(
        &root,
        Path::new(CLAUDE_DOC),
        docs::claude_md(profile),
        "instructions for Claude Code",
        force,
    )?);
    actions.push(settings_action(
        &root,
        profile,
        harness,
        options.binary.as_deref(),
    )?);
    let mut ignore = file_action(
        &root,
        &Path::new(LEDGER_DIR).join(".gitignore"),
        LEDGER_GITIGNORE.to_owned(),
        "the decision ledger stays out of git",
        false,
    )?;
    if ignore.kind == ActionKind::SkipUserFile {
        ignore.note = "kept".to_owned();
    }
    actions.push(ignore);
    if profile.git_hook() {
        actions.push(pre_commit_action(&root, profile, force)?);
    }
    for action in actions.iter().filter(|a| a.kind.writes()) {
        refuse_symlinks(&root, &action.path)?;
    }
    let mut notes = kept_policy_notes(&root, profile, harness, &actions);
    if let Some(found) = detected
        && found != Harness::Claude
    {
        notes.insert(
            0,
            format!(
                "harness: {} (its settings already wire metalayer; `--harness` chooses another)",
                found.name()
            ),
        );
    }
    Ok(Plan {
        root,
        profile,
        harness,
        binary: options.binary.clone(),
        actions,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_map_parses_and_maps_nothing() {
        for p in [Profile::Governed, Profile::Autonomous] {
            let text = regression_map_text(p);
            assert!(marker::is_generated(&text));
            let map = metalayer_regression_map::FeatureMap::from_yaml_str(&text).unwrap();
            let matcher = map
                .compile(metalayer_regression_map::Dialect::Glob)
                .unwrap();
            assert!(
                matcher
                    .affected(["src/auth/login.rs", "README.md"])
                    .is_empty()
            );
        }
    }

    #[test]
    fn the_ledger_gitignore_is_what_the_ledger_writes() {
        let dir = tempfile::tempdir().unwrap();
        metalayer_kernel::record(dir.path(), metalayer_gates::Decision::Allow, || {
            unreachable!("allows make no record")
        });
        let written =
            std::fs::read_to_string(dir.path().join(LEDGER_DIR).join(".gitignore")).unwrap();
        assert_eq!(written, LEDGER_GITIGNORE);
    }

    #[test]
    fn schemas_keep_their_content_below_the_marker() {
        for kind in SchemaKind::ALL {
            let text = schema_text(kind).unwrap();
            assert!(marker::is_generated(&text), "{}", kind.path());
            let mut ours: serde_json::Value = serde_json::from_str(&text).unwrap();
            ours.as_object_mut().unwrap().remove("$comment");
            let original: serde_json::Value = serde_json::from_str(&kind.render()).unwrap();
            assert_eq!(ours, original);
            // Byte for byte: the marker line added, the rest in the render's order.
            let comment = serde_json::to_string(&marker::json_comment()).unwrap();
            let line = format!("  \"$comment\": {comment},\n");
            assert_eq!(
                text.replacen(&line, "", 1),
                kind.render(),
                "{}",
                kind.path()
            );
        }
    }

    #[test]
    fn outside_a_git_work_tree_init_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let err = plan(&InitOptions::new(dir.path())).unwrap_err().to_string();
        assert!(err.contains("run `git init` there first"), "{err}");
    }
}
