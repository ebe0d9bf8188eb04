//! Secrets in what an agent writes and commits: the content of file writes (the file tools of
//! every harness, `echo`/`printf`/heredocs into a file) and the lines a commit adds, scanned
//! with the bridge's secret detector (its rules meant for files: the conversation-only ones are
//! left out).
//!
//! A finding names the file, the line, the column and the rule, with a masked form and a
//! fingerprint of the value (`sha256:` and 16 hex digits of its SHA-256); the value itself is
//! never part of anything this module returns. The policy's `secrets:` section says what a
//! finding gets (deny, ask, off, for written content and for commits) and which findings are
//! not secrets (paths, rule ids, fingerprints of known fake values).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use git2::{Delta, DiffOptions, ErrorCode, Repository, RepositoryOpenFlags, Tree};
use globset::{Glob, GlobSet, GlobSetBuilder};
use metalayer_bridge::secrets::{CONVERSATION_TAG, Detector, Finding};
use metalayer_gates::{NormalizeOptions, Normalized, SHELL_TOOL, ToolCall, normalize};
use metalayer_policy::{SecretAction, SecretsSettings};
use sha2::{Digest, Sha256};

use crate::error::KernelError;
use crate::kernel::Kernel;

/// The detector of files: the built-in rules without the conversation-only ones, built on
/// first use (a call without content never builds it).
fn file_detector() -> Result<&'static Detector, KernelError> {
    static DETECTOR: OnceLock<Result<Detector, String>> = OnceLock::new();
    DETECTOR
        .get_or_init(|| {
            Detector::builder()
                .without_tag(CONVERSATION_TAG)
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| KernelError::Event(format!("the secret rules do not load: {e}")))
}

/// The fingerprint of a secret value: `sha256:` and the first 16 hex digits of its SHA-256.
/// It names a value in `secrets.allow.fingerprints` without holding it.
///
/// ```
/// use metalayer_kernel::secret_fingerprint;
///
/// assert_eq!(secret_fingerprint("test"), "sha256:9f86d081884c7d65");
/// ```
#[must_use]
pub fn secret_fingerprint(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let mut out = String::with_capacity(7 + 16);
    out.push_str("sha256:");
    for byte in digest.iter().take(8) {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// A secret found in a file, written content or a commit's added lines. It never holds the
/// value: only its masked form and its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretFinding {
    /// The file, relative to the repository root when it is inside it.
    pub path: String,
    /// The line, from 1 (in the file when known, else in the written text).
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
    /// The id of the rule that found it (`github-token`, `password-assignment`, ...).
    pub rule: String,
    /// A masked form that never holds the value (`ghp_********`).
    pub masked: String,
    /// The fingerprint of the value, for `secrets.allow.fingerprints`.
    pub fingerprint: String,
}

impl fmt::Display for SecretFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {} ({}, {})",
            self.path, self.line, self.column, self.rule, self.masked, self.fingerprint
        )
    }
}

/// Scans texts for secrets with the policy's allowlist. Cheap to build: the detector is
/// compiled on the first text that is scanned, once per process.
#[derive(Debug, Clone)]
pub struct SecretScanner {
    paths: Option<GlobSet>,
    rules: Vec<String>,
    fingerprints: Vec<String>,
}

impl SecretScanner {
    /// A scanner with the allowlist of a policy's `secrets:` section (none when `None`).
    ///
    /// # Errors
    ///
    /// [`KernelError::Event`] when a glob of `secrets.allow.paths` does not compile.
    pub fn new(settings: Option<&SecretsSettings>) -> Result<Self, KernelError> {
        let Some(settings) = settings else {
            return Ok(Self {
                paths: None,
                rules: Vec::new(),
                fingerprints: Vec::new(),
            });
        };
        let allow = &settings.allow;
        let paths = if allow.paths.is_empty() {
            None
        } else {
            let mut builder = GlobSetBuilder::new();
            for glob in &allow.paths {
                let glob = Glob::new(glob).map_err(|e| {
                    KernelError::Event(format!("`secrets.allow.paths`: glob `{glob}`: {e}"))
                })?;
                builder.add(glob);
            }
            Some(builder.build().map_err(|e| {
                KernelError::Event(format!("`secrets.allow.paths` do not compile: {e}"))
            })?)
        };
        Ok(Self {
            paths,
            rules: allow.rules.clone(),
            fingerprints: allow.fingerprints.clone(),
        })
    }

    /// A scanner with the allowlist of a kernel's policy.
    ///
    /// # Errors
    ///
    /// As [`SecretScanner::new`].
    pub fn of(kernel: &Kernel) -> Result<Self, KernelError> {
        Self::new(kernel.policy().secrets.as_ref())
    }

    /// Whether findings in `path` (relative to the repository root) are allowed.
    #[must_use]
    pub fn allows_path(&self, path: &str) -> bool {
        self.paths
            .as_ref()
            .is_some_and(|set| set.is_match(path.trim_start_matches("./")))
    }

    /// Appends the secrets of `text`, written to `path`, to `out`; `line_of` turns a line of
    /// `text` (from 1) into the line of the file.
    ///
    /// # Errors
    ///
    /// [`KernelError::Event`] when the secret rules do not load.
    pub fn scan_text(
        &self,
        path: &str,
        text: &str,
        line_of: &dyn Fn(usize) -> usize,
        out: &mut Vec<SecretFinding>,
    ) -> Result<(), KernelError> {
        if text.is_empty() || self.allows_path(path) {
            return Ok(());
        }
        let detector = file_detector()?;
        for finding in detector.find(text) {
            if let Some(found) = self.finding(path, text, &finding, line_of) {
                out.push(found);
            }
        }
        Ok(())
    }

    fn finding(
        &self,
        path: &str,
        text: &str,
        finding: &Finding,
        line_of: &dyn Fn(usize) -> usize,
    ) -> Option<SecretFinding> {
        let rule = finding.rule().as_str();
        if self.rules.iter().any(|r| r == rule) {
            return None;
        }
        let fingerprint = secret_fingerprint(text.get(finding.span())?);
        if self.fingerprints.contains(&fingerprint) {
            return None;
        }
        Some(SecretFinding {
            path: path.to_owned(),
            line: line_of(finding.line()),
            column: finding.column(),
            rule: rule.to_owned(),
            masked: finding.masked().to_owned(),
            fingerprint,
        })
    }

    /// The secrets in the lines of `added` (the line of the file, the text), written to
    /// `path`: the lines are scanned as one text, so a key block spanning lines is found.
    ///
    /// # Errors
    ///
    /// [`KernelError::Event`] when the secret rules do not load.
    pub fn scan_lines(
        &self,
        path: &str,
        added: &[(usize, String)],
        out: &mut Vec<SecretFinding>,
    ) -> Result<(), KernelError> {
        if added.is_empty() {
            return Ok(());
        }
        let mut text = String::with_capacity(added.iter().map(|(_, l)| l.len() + 1).sum());
        for (_, line) in added {
            text.push_str(line);
            text.push('\n');
        }
        let line_of = |n: usize| added.get(n.saturating_sub(1)).map_or(n, |(line, _)| *line);
        self.scan_text(path, &text, &line_of, out)
    }
}

/// What the policy says a secret in written content gets (default deny).
#[must_use]
pub fn content_action(kernel: &Kernel) -> SecretAction {
    kernel
        .policy()
        .secrets
        .as_ref()
        .and_then(|s| s.content)
        .unwrap_or(SecretAction::Deny)
}

/// What the policy says a commit adding a secret gets (default deny).
#[must_use]
pub fn commit_action(kernel: &Kernel) -> SecretAction {
    kernel
        .policy()
        .secrets
        .as_ref()
        .and_then(|s| s.commits)
        .unwrap_or(SecretAction::Deny)
}

/// The keys of the gates' file tools that hold the text written.
const CONTENT_KEYS: [&str; 3] = ["content", "new_string", "new_source"];
/// The keys of the gates' file tools that hold the file written.
const PATH_KEYS: [&str; 2] = ["file_path", "notebook_path"];

/// The texts a tool call writes into files, as `(file, text, first line in the file)`: the
/// content keys of file tools (the file each patch section names, in order, for a patch), and
/// what a shell command visibly writes (see [`Normalized::written`]). Nothing is allocated
/// for a call that writes no text.
fn written_texts<'c>(
    call: &'c ToolCall,
    normalized: Option<&'c Normalized>,
) -> Vec<(&'c str, &'c str)> {
    let mut out = Vec::new();
    if call.tool() == SHELL_TOOL {
        if let Some(n) = normalized {
            out.extend(n.written().iter().map(|w| (w.path(), w.text())));
        }
        return out;
    }
    if call.tool() == crate::tools::PATCH_TOOL {
        // A patch lists each file, then the lines it adds to it.
        let mut path = "";
        for (key, value) in call.fields() {
            if PATH_KEYS.contains(&key.as_str()) {
                path = value;
            } else if CONTENT_KEYS.contains(&key.as_str()) {
                out.push((path, value.as_str()));
            }
        }
        return out;
    }
    let path = PATH_KEYS
        .iter()
        .find_map(|k| call.values(k).next())
        .unwrap_or_default();
    for (key, value) in call.fields() {
        if CONTENT_KEYS.contains(&key.as_str()) {
            out.push((path, value.as_str()));
        }
    }
    out
}

/// Whether a tool call may write text into a file (so that the secret check has something to
/// read): a shell command with a redirection or `tee`, or a file tool with content.
fn may_write_text(call: &ToolCall) -> bool {
    if call.tool() == SHELL_TOOL {
        call.values("command")
            .any(|c| c.contains('>') || c.contains("tee"))
    } else {
        call.fields()
            .iter()
            .any(|(k, v)| !v.is_empty() && CONTENT_KEYS.contains(&k.as_str()))
    }
}

/// The file a path names, relative to the repository root when it is inside it.
fn repo_relative(root: Option<&Path>, cwd: Option<&Path>, path: &str) -> String {
    let p = Path::new(path);
    let absolute: PathBuf = if p.is_absolute() {
        p.to_path_buf()
    } else if let Some(cwd) = cwd {
        cwd.join(p)
    } else {
        return path.trim_start_matches("./").to_owned();
    };
    root.and_then(|r| absolute.strip_prefix(r).ok())
        .and_then(Path::to_str)
        .map_or_else(
            || path.to_owned(),
            |s| s.replace('\\', "/").trim_start_matches("./").to_owned(),
        )
}

/// The line of the file where an `Edit`'s `old_string` starts, when the file can be read and
/// holds it once: the new text replaces it there.
fn edit_base_line(call: &ToolCall, file: &Path) -> Option<usize> {
    /// Files larger than this are not read to place a finding.
    const MAX_READ: u64 = 8 * 1024 * 1024;
    let mut old = call.values("old_string");
    let old_text = old.next()?;
    if old.next().is_some() || old_text.is_empty() {
        return None;
    }
    if std::fs::metadata(file).ok()?.len() > MAX_READ {
        return None;
    }
    let body = std::fs::read_to_string(file).ok()?;
    let at = body.find(old_text)?;
    Some(body.get(..at)?.matches('\n').count())
}

/// The secret check of written content for a tool call: the findings, or none when the call
/// writes no text, the policy turns the check off, or nothing is found. The detector is
/// compiled only when there is text to scan.
///
/// # Errors
///
/// [`KernelError::Event`] when the allowlist or the secret rules do not compile (the hook
/// then fails closed).
pub fn written_secrets(
    kernel: &Kernel,
    call: &ToolCall,
    normalized: Option<&Normalized>,
    cwd: Option<&Path>,
) -> Result<Vec<SecretFinding>, KernelError> {
    let mut findings = Vec::new();
    if content_action(kernel) == SecretAction::Off || !may_write_text(call) {
        return Ok(findings);
    }
    let own;
    let normalized = match normalized {
        Some(n) => Some(n),
        None if call.tool() == SHELL_TOOL => {
            let command: Vec<&str> = call.values("command").collect();
            own = normalize(&command.join("\n"), &NormalizeOptions::default());
            Some(&own)
        }
        None => None,
    };
    let texts = written_texts(call, normalized);
    if texts.is_empty() {
        return Ok(findings);
    }
    let scanner = SecretScanner::of(kernel)?;
    let root = kernel.root();
    let edit = matches!(call.tool(), "Edit");
    for (path, text) in texts {
        let relative = repo_relative(root, cwd, path);
        let base = if edit {
            let file = root.map_or_else(|| PathBuf::from(path), |r| r.join(&relative));
            edit_base_line(call, &file).unwrap_or(0)
        } else {
            0
        };
        scanner.scan_text(&relative, text, &|n| n + base, &mut findings)?;
    }
    Ok(findings)
}

/// The reason given for a secret in written content: the rule, the file, the line, the masked
/// value and its fingerprint, and what to do; never the value.
#[must_use]
pub fn written_reason(findings: &[SecretFinding]) -> String {
    let mut reason = String::from("Secret shield: this call writes a secret into a file: ");
    push_findings(&mut reason, findings);
    reason.push_str(
        ". Keep secrets out of files: read the value from the environment or a secret store. \
         A known fake value (a test fixture) can be allowed by its fingerprint under \
         `secrets.allow.fingerprints` in .control/policy.yaml.",
    );
    reason
}

/// The reason given for a commit that adds a secret.
#[must_use]
pub fn commit_reason(findings: &[SecretFinding]) -> String {
    let mut reason = String::from("Secret shield: this commit adds a secret: ");
    push_findings(&mut reason, findings);
    reason.push_str(
        ". Remove it from the staged files (git restore --staged, or edit and stage again) and \
         read it from the environment or a secret store; a known fake value can be allowed by \
         its fingerprint under `secrets.allow.fingerprints` in .control/policy.yaml.",
    );
    reason
}

/// At most this many findings are named in a reason.
const MAX_NAMED: usize = 5;

fn push_findings(reason: &mut String, findings: &[SecretFinding]) {
    for (i, f) in findings.iter().take(MAX_NAMED).enumerate() {
        if i > 0 {
            reason.push_str("; ");
        }
        reason.push_str(&format!(
            "{} at {} line {}, column {} ({}, fingerprint {})",
            f.rule, f.path, f.line, f.column, f.masked, f.fingerprint
        ));
    }
    if findings.len() > MAX_NAMED {
        reason.push_str(&format!("; and {} more", findings.len() - MAX_NAMED));
    }
}

// ---------------------------------------------------------------------------------------------
// Commits: the lines a diff adds.

/// Opens the repository at `root` honouring git's environment (`GIT_DIR`, `GIT_INDEX_FILE`,
/// which git sets for the pre-commit hook of `git commit -a` and `git commit PATHS`).
fn open(root: &Path) -> Result<Repository, KernelError> {
    let opened = if std::env::var_os("GIT_DIR").is_some() {
        Repository::open_from_env()
    } else {
        Repository::open_ext(
            root,
            RepositoryOpenFlags::FROM_ENV,
            std::iter::empty::<&std::ffi::OsStr>(),
        )
    };
    opened.map_err(|e| git_error("open the repository", &e))
}

/// Whether `root` holds a git repository that git could commit to (a folder merely marked as
/// a repository root holds nothing to scan).
pub(crate) fn is_git_repository(root: &Path) -> bool {
    open(root).is_ok()
}

fn git_error(what: &str, e: &git2::Error) -> KernelError {
    KernelError::Event(format!("git: cannot {what}: {}", e.message()))
}

/// HEAD's tree, or `None` for an unborn HEAD.
fn head_tree(repo: &Repository) -> Result<Option<Tree<'_>>, KernelError> {
    match repo.head() {
        Ok(head) => head
            .peel_to_tree()
            .map(Some)
            .map_err(|e| git_error("read HEAD's tree", &e)),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(git_error("resolve HEAD", &e)),
    }
}

fn diff_options() -> DiffOptions {
    let mut opts = DiffOptions::new();
    opts.context_lines(0).include_typechange(true);
    opts
}

/// A file and the lines a diff adds to it: `(line, text)`.
type AddedLines = (String, Vec<(usize, String)>);

/// The lines a diff adds, per file (new side), in order: `(file, [(line, text)])`. Binary
/// files have no lines; deleted files add none.
fn added_lines(diff: &git2::Diff<'_>) -> Result<Vec<AddedLines>, KernelError> {
    let mut files: Vec<AddedLines> = Vec::new();
    diff.foreach(
        &mut |_, _| true,
        None,
        None,
        Some(&mut |delta, _hunk, line| {
            if line.origin() != '+' || delta.status() == Delta::Deleted {
                return true;
            }
            let Some(path) = delta.new_file().path_bytes() else {
                return true;
            };
            let path = String::from_utf8_lossy(path);
            let text = String::from_utf8_lossy(line.content());
            let text = text.strip_suffix('\n').unwrap_or(&text);
            let text = text.strip_suffix('\r').unwrap_or(text).to_owned();
            let number = line.new_lineno().map_or(0, |n| n as usize);
            match files.last_mut() {
                Some((last, lines)) if *last == path => lines.push((number, text)),
                _ => files.push((path.into_owned(), vec![(number, text)])),
            }
            true
        }),
    )
    .map_err(|e| git_error("read the diff", &e))?;
    Ok(files)
}

fn scan_diff(
    diff: &git2::Diff<'_>,
    scanner: &SecretScanner,
    only: Option<&[String]>,
) -> Result<Vec<SecretFinding>, KernelError> {
    let mut findings = Vec::new();
    for (path, lines) in added_lines(diff)? {
        if only.is_some_and(|only| !only.contains(&path)) {
            continue;
        }
        scanner.scan_lines(&path, &lines, &mut findings)?;
    }
    Ok(findings)
}

/// The secrets in the lines the staged changes add (the index, `GIT_INDEX_FILE` if set,
/// against HEAD): what `git commit` would record.
///
/// # Errors
///
/// [`KernelError::Event`] when git cannot read the repository, or the rules do not load.
pub fn staged_secrets(
    root: &Path,
    scanner: &SecretScanner,
) -> Result<Vec<SecretFinding>, KernelError> {
    let repo = open(root)?;
    let head = head_tree(&repo)?;
    let index = repo.index().map_err(|e| git_error("read the index", &e))?;
    let diff = repo
        .diff_tree_to_index(head.as_ref(), Some(&index), Some(&mut diff_options()))
        .map_err(|e| git_error("diff HEAD against the index", &e))?;
    scan_diff(&diff, scanner, None)
}

/// The secrets in the lines the commits of a range add: `A..B` (the tree of `A` against the
/// tree of `B`, an empty side meaning HEAD), `A...B` (their merge base against `B`), or one
/// revision `R` (its merge base with HEAD against HEAD).
///
/// # Errors
///
/// [`KernelError::Event`] when a side does not resolve or git fails.
pub fn range_secrets(
    root: &Path,
    range: &str,
    scanner: &SecretScanner,
) -> Result<Vec<SecretFinding>, KernelError> {
    let repo = open(root)?;
    let side = |s: &str| {
        if s.is_empty() {
            "HEAD".to_owned()
        } else {
            s.to_owned()
        }
    };
    let commit = |rev: &str| {
        repo.revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| {
                KernelError::Event(format!(
                    "invalid range `{range}`: no commit for `{rev}`: {}",
                    e.message()
                ))
            })
    };
    let base_tree = |a: &str, b: &str| -> Result<Tree<'_>, KernelError> {
        let (ca, cb) = (commit(a)?, commit(b)?);
        let base = repo.merge_base(ca.id(), cb.id()).map_err(|e| {
            KernelError::Event(format!(
                "invalid range `{range}`: no merge base: {}",
                e.message()
            ))
        })?;
        repo.find_commit(base)
            .and_then(|c| c.tree())
            .map_err(|e| git_error("read the merge base's tree", &e))
    };
    let tree = |rev: &str| -> Result<Tree<'_>, KernelError> {
        commit(rev)?
            .tree()
            .map_err(|e| git_error("read a commit's tree", &e))
    };
    let (old, new) = if let Some((a, b)) = range.split_once("...") {
        (base_tree(&side(a), &side(b))?, tree(&side(b))?)
    } else if let Some((a, b)) = range.split_once("..") {
        (tree(&side(a))?, tree(&side(b))?)
    } else {
        let rev = side(range.trim());
        (base_tree(&rev, "HEAD")?, tree("HEAD")?)
    };
    let diff = repo
        .diff_tree_to_tree(Some(&old), Some(&new), Some(&mut diff_options()))
        .map_err(|e| git_error(&format!("diff the trees of `{range}`"), &e))?;
    scan_diff(&diff, scanner, None)
}

/// The secrets the commits of a shell call would add: the staged changes, and, when the call
/// stages more first (`git add X && git commit`, `git commit -a`, `git commit PATHS`), the
/// work tree's version of the files the commit will contain (against HEAD, untracked files
/// included).
///
/// # Errors
///
/// [`KernelError::Event`] when git cannot read the repository, or the rules do not load.
pub fn commit_secrets(
    root: &Path,
    files: &[String],
    index_as_is: bool,
    scanner: &SecretScanner,
) -> Result<Vec<SecretFinding>, KernelError> {
    let mut findings = staged_secrets(root, scanner)?;
    if index_as_is || files.is_empty() {
        return Ok(findings);
    }
    let repo = open(root)?;
    let head = head_tree(&repo)?;
    let mut opts = diff_options();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .show_untracked_content(true)
        .disable_pathspec_match(true);
    for file in files {
        opts.pathspec(file);
    }
    let diff = repo
        .diff_tree_to_workdir_with_index(head.as_ref(), Some(&mut opts))
        .map_err(|e| git_error("diff HEAD against the work tree", &e))?;
    for finding in scan_diff(&diff, scanner, Some(files))? {
        if !findings.contains(&finding) {
            findings.push(finding);
        }
    }
    Ok(findings)
}

/// The secrets in files, whole (`metalayer scan PATH…`): each path relative to `root` when it
/// is inside it. Files that are not UTF-8 text are read lossily; folders are walked, skipping
/// `.git`.
///
/// # Errors
///
/// [`KernelError::Io`] when a path cannot be read.
pub fn file_secrets(
    root: Option<&Path>,
    paths: &[PathBuf],
    scanner: &SecretScanner,
) -> Result<Vec<SecretFinding>, KernelError> {
    let mut findings = Vec::new();
    let mut stack: Vec<PathBuf> = paths.iter().rev().cloned().collect();
    while let Some(path) = stack.pop() {
        let meta = std::fs::metadata(&path).map_err(|source| KernelError::Io {
            action: "read",
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&path)
                .map_err(|source| KernelError::Io {
                    action: "read",
                    path: path.clone(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.file_name().is_none_or(|n| n != ".git"))
                .collect();
            entries.sort();
            stack.extend(entries.into_iter().rev());
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|source| KernelError::Io {
            action: "read",
            path: path.clone(),
            source,
        })?;
        if bytes.contains(&0) {
            // Binary.
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        let shown = path.to_string_lossy();
        let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
        let relative = root
            .and_then(|r| absolute.strip_prefix(r).ok())
            .and_then(Path::to_str)
            .map_or_else(|| shown.into_owned(), |s| s.replace('\\', "/"));
        scanner.scan_text(&relative, &text, &|n| n, &mut findings)?;
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_short_and_stable() {
        assert_eq!(secret_fingerprint("test"), "sha256:9f86d081884c7d65");
        assert!(metalayer_policy::is_fingerprint(&secret_fingerprint("x")));
    }

    #[test]
    fn written_texts_pair_patch_files_with_their_lines() {
        let call = ToolCall::new(crate::tools::PATCH_TOOL)
            .with("file_path", "a.txt")
            .with("content", "one\n")
            .with("file_path", "b.txt")
            .with("content", "two\n");
        assert_eq!(
            written_texts(&call, None),
            [("a.txt", "one\n"), ("b.txt", "two\n")]
        );
        let edit = ToolCall::new("MultiEdit")
            .with("new_string", "x")
            .with("file_path", "c.txt")
            .with("new_string", "y");
        assert_eq!(written_texts(&edit, None), [("c.txt", "x"), ("c.txt", "y")]);
    }

    #[test]
    fn paths_are_made_relative_to_the_root() {
        let root = Path::new("/repo");
        assert_eq!(
            repo_relative(Some(root), None, "/repo/src/a.ts"),
            "src/a.ts"
        );
        assert_eq!(
            repo_relative(Some(root), Some(Path::new("/repo/src")), "a.ts"),
            "src/a.ts"
        );
        assert_eq!(repo_relative(Some(root), None, "./a.ts"), "a.ts");
        assert_eq!(
            repo_relative(Some(root), None, "/elsewhere/a"),
            "/elsewhere/a"
        );
    }
}
