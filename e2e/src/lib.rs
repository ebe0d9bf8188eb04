//! metalayer end to end, inside the real agent harnesses.
//!
//! Each test prepares a scratch home and a scratch git repository, installs metalayer into it
//! with `metalayer init --harness H`, starts a fake model on 127.0.0.1 that answers with a
//! scripted list of tool calls, and runs the real CLI (Claude Code, Codex CLI, Gemini CLI,
//! Copilot CLI, installed by `e2e/install` at pinned versions) non-interactively. The harness
//! runs the calls and its hooks exactly as it does for a user; the test then looks at what
//! happened: the files and `HEAD` of the repository, the decision ledger, the tool results the
//! harness sent back to the model, and the captured session.
//!
//! Nothing here talks to anything but 127.0.0.1.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod server;
mod wire;

pub use server::{Exchange, FakeModel};
pub use wire::{Api, Reply, ToolResult};

/// What the suite's functions fail with: a message that says what to do.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A result of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// The pinned versions `e2e/install` installs (keep in step with it).
pub const VERSIONS: [(Harness, &str, &str); 4] = [
    (Harness::Claude, "@anthropic-ai/claude-code", "2.1.332"),
    (Harness::Codex, "@openai/codex", "0.171.0"),
    (Harness::Gemini, "@google/gemini-cli", "0.61.0"),
    (Harness::Copilot, "@github/copilot", "1.0.102"),
];

/// Where a sandbox keeps the Codex trust records merged into each run's `config.toml`.
const TRUST_RECORDS: &str = "trust-records.toml";

/// How long one harness run may take before it is killed and the test fails.
const RUN_TIMEOUT: Duration = Duration::from_secs(180);

/// One tool call the fake model makes, already in the harness's vocabulary.
#[derive(Debug, Clone)]
pub struct Call {
    /// The tool's name (`Bash`, `exec_command`, `run_shell_command`, `bash`, …).
    pub name: String,
    /// Its arguments.
    pub input: Input,
}

/// The arguments of a call.
#[derive(Debug, Clone)]
pub enum Input {
    /// A JSON object (function tools).
    Json(Value),
    /// Free text (Codex's `apply_patch`).
    Freeform(String),
}

/// What the fake model plays: one call per step, then a closing text.
#[derive(Debug, Clone, Default)]
pub struct Script {
    /// The calls, one per model reply.
    pub calls: Vec<Call>,
    /// The final reply.
    pub closing: String,
    /// The scripts of the subagents the calls start, each played in the conversation whose
    /// first prompt holds its marker (a subagent is a conversation of its own).
    pub subagents: Vec<Subagent>,
}

/// The script a subagent plays.
#[derive(Debug, Clone)]
pub struct Subagent {
    /// A text of the prompt that started it, which no other conversation holds.
    pub marker: String,
    /// What it plays (its own subagents are not scripted).
    pub script: Script,
}

impl Script {
    /// The script a conversation plays, chosen by its first prompt, with the number that
    /// keeps its call ids apart (0 for the main conversation, n for the n-th subagent).
    #[must_use]
    pub fn for_conversation(&self, first_prompt: &str) -> (usize, &Self) {
        self.subagents
            .iter()
            .enumerate()
            .find(|(_, agent)| first_prompt.contains(&agent.marker))
            .map_or((0, self), |(n, agent)| (n + 1, &agent.script))
    }
}

/// A step, in no harness's vocabulary.
#[derive(Debug, Clone)]
pub enum Action {
    /// Run a shell command.
    Shell(String),
    /// Create or overwrite a file (relative to the repository) with the harness's file tool.
    Write(String, String),
    /// Replace a text in a file with the harness's edit tool.
    Edit(String, String, String),
    /// Send a raw `apply_patch` patch (Codex; Copilot with a gpt-5 model).
    Patch(String),
    /// Start a subagent in the foreground with a prompt, which plays the actions in its own
    /// conversation and ends (Claude Code's `Agent` tool; the prompt must be unique in the run).
    Agent(String, Vec<Action>),
}

impl Action {
    /// A shell command.
    #[must_use]
    pub fn shell(command: &str) -> Self {
        Self::Shell(command.to_owned())
    }

    /// A file write.
    #[must_use]
    pub fn write(path: &str, content: &str) -> Self {
        Self::Write(path.to_owned(), content.to_owned())
    }
}

/// A harness under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Harness {
    /// Claude Code.
    Claude,
    /// OpenAI Codex CLI.
    Codex,
    /// Google Gemini CLI.
    Gemini,
    /// GitHub Copilot CLI.
    Copilot,
}

impl Harness {
    /// Every harness the suite runs.
    pub const ALL: [Self; 4] = [Self::Claude, Self::Codex, Self::Gemini, Self::Copilot];

    /// The name `metalayer init --harness` takes.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Claude => "claude",
            Self::Codex => "codex",
            Self::Gemini => "gemini",
            Self::Copilot => "copilot",
        }
    }

    /// The model API it speaks (Copilot speaks Responses with a gpt-5 model).
    #[must_use]
    pub fn api(self, options: &RunOptions) -> Api {
        match self {
            Self::Claude => Api::Anthropic,
            Self::Codex => Api::Responses,
            Self::Gemini => Api::Gemini,
            Self::Copilot if options.copilot_gpt5 => Api::Responses,
            Self::Copilot => Api::ChatCompletions,
        }
    }

    fn binary(self) -> &'static str {
        self.name()
    }

    /// The harness's tool call for an action, with paths made absolute under `repo`.
    #[must_use]
    pub fn call(self, action: &Action, repo: &Path, options: &RunOptions) -> Call {
        let abs = |path: &str| repo.join(path).to_string_lossy().into_owned();
        let json = |name: &str, value: Value| Call {
            name: name.to_owned(),
            input: Input::Json(value),
        };
        let patch = |text: String| Call {
            name: "apply_patch".to_owned(),
            input: Input::Freeform(text),
        };
        let patched = self == Self::Codex || (self == Self::Copilot && options.copilot_gpt5);
        match (self, action) {
            (_, Action::Patch(text)) if self == Self::Copilot => {
                json("apply_patch", json!({"input": text}))
            }
            (_, Action::Patch(text)) => patch(text.clone()),
            (_, Action::Agent(prompt, _)) => json(
                "Agent",
                json!({"description": "scripted subagent", "prompt": prompt,
                    "subagent_type": "general-purpose", "run_in_background": false}),
            ),
            (Self::Claude, Action::Shell(cmd)) => json(
                "Bash",
                json!({"command": cmd, "description": "scripted step"}),
            ),
            (Self::Codex, Action::Shell(cmd)) => json(
                "exec_command",
                json!({"cmd": cmd, "login": false, "yield_time_ms": 10000}),
            ),
            (Self::Gemini, Action::Shell(cmd)) => json(
                "run_shell_command",
                json!({"command": cmd, "description": "scripted step"}),
            ),
            (Self::Copilot, Action::Shell(cmd)) => json(
                "bash",
                json!({"command": cmd, "description": "scripted step", "mode": "sync"}),
            ),
            (_, Action::Write(path, content)) if patched => {
                let mut text = format!("*** Begin Patch\n*** Add File: {path}\n");
                for line in content.lines() {
                    let _ = writeln!(text, "+{line}");
                }
                text.push_str("*** End Patch\n");
                patch(text)
            }
            (_, Action::Edit(path, old, new)) if patched => {
                let mut text = format!("*** Begin Patch\n*** Update File: {path}\n@@\n");
                for line in old.lines() {
                    let _ = writeln!(text, "-{line}");
                }
                for line in new.lines() {
                    let _ = writeln!(text, "+{line}");
                }
                text.push_str("*** End Patch\n");
                patch(text)
            }
            (Self::Claude, Action::Write(path, content)) => {
                json("Write", json!({"file_path": abs(path), "content": content}))
            }
            (Self::Claude, Action::Edit(path, old, new)) => json(
                "Edit",
                json!({"file_path": abs(path), "old_string": old, "new_string": new}),
            ),
            (Self::Gemini, Action::Write(path, content)) => json(
                "write_file",
                json!({"file_path": abs(path), "content": content}),
            ),
            (Self::Gemini, Action::Edit(path, old, new)) => json(
                "replace",
                json!({"file_path": abs(path), "old_string": old, "new_string": new,
                    "instruction": "scripted step"}),
            ),
            (Self::Copilot, Action::Write(path, content)) => {
                json("create", json!({"path": abs(path), "file_text": content}))
            }
            (Self::Copilot, Action::Edit(path, old, new)) => json(
                "edit",
                json!({"path": abs(path), "old_str": old, "new_str": new}),
            ),
            // Codex writes with apply_patch only (handled above).
            (Self::Codex, Action::Write(..) | Action::Edit(..)) => patch(String::new()),
        }
    }
}

/// Where the suite finds the harness CLIs and the metalayer binary.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The cache folder of `e2e/install` (`METALAYER_E2E_CACHE`, default
    /// `~/.cache/metalayer-e2e`).
    pub cache: PathBuf,
    /// The metalayer binary under test (`METALAYER_BIN`, default the workspace's
    /// `target/debug/metalayer`).
    pub metalayer: PathBuf,
}

impl Setup {
    /// Finds the cache and the binary, or says how to get them.
    ///
    /// # Errors
    /// When a harness CLI or the binary is missing.
    pub fn find() -> Result<Self> {
        let cache = match std::env::var_os("METALAYER_E2E_CACHE") {
            Some(dir) => PathBuf::from(dir),
            None => PathBuf::from(std::env::var_os("HOME").ok_or("HOME is not set")?)
                .join(".cache/metalayer-e2e"),
        };
        let metalayer = match std::env::var_os("METALAYER_BIN") {
            Some(bin) => PathBuf::from(bin),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/metalayer"),
        };
        if !metalayer.is_file() {
            return Err(format!(
                "the metalayer binary is not at {} (build it with `cargo build -p metalayer` \
                 at the workspace root, or set METALAYER_BIN)",
                metalayer.display()
            )
            .into());
        }
        let setup = Self {
            cache,
            metalayer: metalayer.canonicalize()?,
        };
        for harness in Harness::ALL {
            let bin = setup.harness_bin(harness);
            if !bin.exists() {
                return Err(format!(
                    "{} is not installed at {} (run `e2e/install` first)",
                    harness.name(),
                    bin.display()
                )
                .into());
            }
        }
        Ok(setup)
    }

    fn harness_bin(&self, harness: Harness) -> PathBuf {
        self.cache
            .join("npm/node_modules/.bin")
            .join(harness.binary())
    }
}

/// Options of one harness run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Leave out the switches that make the harness trust this run's project and hooks
    /// (Codex `--trust --dangerously-bypass-hook-trust`, Gemini `GEMINI_CLI_TRUST_WORKSPACE`,
    /// Copilot `--trust-folder`), so that the hooks run only where a trust record of the
    /// user's (see [`Sandbox::give_trust`]) says so.
    pub without_trust_switches: bool,
    /// Gemini: `--skip-trust`, which runs in an untrusted folder but skips its hooks.
    pub gemini_skip_trust: bool,
    /// Copilot: a gpt-5 model over the Responses API, which offers `apply_patch` instead of
    /// `create` / `edit`.
    pub copilot_gpt5: bool,
    /// Claude Code: `--dangerously-skip-permissions` (bypass mode) instead of `--allowedTools`.
    pub bypass_permissions: bool,
}

/// What one run did.
#[derive(Debug)]
pub struct Run {
    /// The harness's exit status.
    pub status: std::process::ExitStatus,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
    /// Every request the fake model received.
    pub exchanges: Vec<Exchange>,
    /// The results of the scripted calls, as the harness reported them to the model.
    pub results: Vec<ToolResult>,
    /// How many calls the script had.
    pub steps: usize,
}

impl Run {
    /// The result of step `index`, or an error naming what the model was sent.
    ///
    /// # Errors
    /// When the harness never reported a result for that step.
    pub fn result(&self, index: usize) -> Result<&ToolResult> {
        self.results.get(index).ok_or_else(|| {
            format!(
                "step {index}: the harness sent no result for it ({} results)\n{}",
                self.results.len(),
                self.describe()
            )
            .into()
        })
    }

    /// A readable account of the run, for failure messages.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut out = format!(
            "exit: {}\nrequests: {} ({} main)\n",
            self.status,
            self.exchanges.len(),
            self.exchanges.iter().filter(|e| e.main).count()
        );
        for (i, result) in self.results.iter().enumerate() {
            let _ = writeln!(
                out,
                "result {i} (error: {}): {}",
                result.is_error,
                cut(&result.text, 600)
            );
        }
        let _ = writeln!(out, "--- stderr\n{}", cut(&self.stderr, 4000));
        let _ = writeln!(out, "--- stdout (end)\n{}", tail(&self.stdout, 4000));
        out
    }
}

fn cut(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => text.get(..i).unwrap_or(text),
        None => text,
    }
}

fn tail(text: &str, max: usize) -> &str {
    let start = text.len().saturating_sub(max);
    let start = (start..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    text.get(start..).unwrap_or("")
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A scratch home and repository for one test, removed afterwards unless the test failed.
#[derive(Debug)]
pub struct Sandbox {
    /// The harness under test.
    pub harness: Harness,
    /// What the suite runs.
    pub setup: Setup,
    /// The scratch folder holding everything below.
    pub dir: PathBuf,
    /// The harness's `HOME`.
    pub home: PathBuf,
    /// The git repository the agent works in.
    pub repo: PathBuf,
    /// A folder first on the harness's `PATH`, holding this sandbox's own `metalayer`.
    pub bin: PathBuf,
}

impl Sandbox {
    /// A new sandbox: a git repository with one commit, and a private copy (hard link) of the
    /// metalayer binary on `PATH`. metalayer is not installed yet: see [`Sandbox::init`].
    ///
    /// # Errors
    /// When the setup is incomplete or a file cannot be written.
    pub fn new(harness: Harness) -> Result<Self> {
        let setup = Setup::find()?;
        let base = match std::env::var_os("METALAYER_E2E_TMP") {
            Some(dir) => PathBuf::from(dir),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/sandboxes"),
        };
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = base.join(format!("e2e-{}-{}-{n}", harness.name(), std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (home, repo, bin) = (dir.join("home"), dir.join("repo"), dir.join("bin"));
        for folder in [&home, &repo, &bin] {
            std::fs::create_dir_all(folder)?;
        }
        let own = bin.join("metalayer");
        if std::fs::hard_link(&setup.metalayer, &own).is_err() {
            std::fs::copy(&setup.metalayer, &own)?;
        }
        let sandbox = Self {
            harness,
            setup,
            dir,
            home,
            repo,
            bin,
        };
        sandbox.git(&["init", "-q", "-b", "main"])?;
        sandbox.git(&["config", "user.name", "E2E Test"])?;
        sandbox.git(&["config", "user.email", "e2e@example.invalid"])?;
        sandbox.git(&["config", "commit.gpgsign", "false"])?;
        sandbox.write("README.md", "# demo\n")?;
        sandbox.write("src/auth/login.py", "def login():\n    return True\n")?;
        sandbox.write("src/app.py", "print('app')\n")?;
        sandbox.git(&["add", "-A"])?;
        sandbox.git(&["commit", "-q", "-m", "initial"])?;
        Ok(sandbox)
    }

    /// The sandbox's own metalayer binary.
    #[must_use]
    pub fn metalayer_bin(&self) -> PathBuf {
        self.bin.join("metalayer")
    }

    /// Runs `metalayer init --harness H ARGS…` in the repository with the sandbox's binary,
    /// then commits what it wrote, as a user would.
    ///
    /// # Errors
    /// When init fails.
    pub fn init(&self, args: &[&str]) -> Result<Output> {
        let mut all = vec!["init", "--harness", self.harness.name()];
        all.extend_from_slice(args);
        let out = self.metalayer(&all)?;
        if !out.status.success() {
            return Err(format!(
                "metalayer init failed: {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        self.git(&["add", "-A"])?;
        self.git(&["commit", "-q", "-m", "Install metalayer"])?;
        Ok(out)
    }

    /// Runs the sandbox's metalayer in the repository, with the harness's environment.
    ///
    /// # Errors
    /// When it cannot be started.
    pub fn metalayer(&self, args: &[&str]) -> Result<Output> {
        Ok(self.command(&self.metalayer_bin()).args(args).output()?)
    }

    /// A command with the sandbox's clean environment, in the repository.
    #[must_use]
    pub fn command(&self, program: &Path) -> Command {
        let mut command = Command::new(program);
        command.env_clear().current_dir(&self.repo);
        // This sandbox's binary first, and no other `metalayer` anywhere on the PATH: a test of
        // a missing binary must not find an installed one.
        let inherited =
            std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".to_owned());
        let mut path = self.bin.display().to_string();
        for dir in inherited.split(':') {
            if !dir.is_empty() && !Path::new(dir).join("metalayer").exists() {
                path.push(':');
                path.push_str(dir);
            }
        }
        command
            .env("PATH", path)
            .env("HOME", &self.home)
            .env("LANG", "C.UTF-8")
            .env("TERM", "dumb")
            .env("NO_COLOR", "1")
            .env("USER", "e2e")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("TMPDIR", self.dir.join("tmp"));
        let _ = std::fs::create_dir_all(self.dir.join("tmp"));
        command
    }

    /// Runs git in the repository and returns its standard output.
    ///
    /// # Errors
    /// When git fails.
    pub fn git(&self, args: &[&str]) -> Result<String> {
        let out = Command::new("git")
            .args(args)
            .current_dir(&self.repo)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &self.home)
            .output()?;
        if !out.status.success() {
            return Err(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// Writes a file of the repository, creating its folders.
    ///
    /// # Errors
    /// When it cannot be written.
    pub fn write(&self, path: &str, content: &str) -> Result<()> {
        let path = self.repo.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, content)?;
        Ok(())
    }

    /// Reads a file of the repository, if it exists.
    #[must_use]
    pub fn read(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.repo.join(path)).ok()
    }

    /// The commit `HEAD` points at.
    ///
    /// # Errors
    /// When git fails.
    pub fn head(&self) -> Result<String> {
        self.git(&["rev-parse", "HEAD"])
    }

    /// The ledger's deny and ask records.
    #[must_use]
    pub fn ledger(&self) -> Vec<Value> {
        let path = self.repo.join(".control/ledger/decisions.jsonl");
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    /// Runs the harness on `task` with the model playing `actions`.
    ///
    /// # Errors
    /// When the harness cannot be started or runs past its time.
    pub fn run(&self, task: &str, actions: &[Action]) -> Result<Run> {
        self.run_with(task, actions, &RunOptions::default())
    }

    /// [`Sandbox::run`] with options.
    ///
    /// # Errors
    /// When the harness cannot be started or runs past its time.
    pub fn run_with(&self, task: &str, actions: &[Action], options: &RunOptions) -> Result<Run> {
        let script = Script {
            calls: actions
                .iter()
                .map(|action| self.harness.call(action, &self.repo, options))
                .collect(),
            closing: "Done.".to_owned(),
            subagents: actions
                .iter()
                .filter_map(|action| match action {
                    Action::Agent(prompt, steps) => Some(Subagent {
                        marker: prompt.clone(),
                        script: Script {
                            calls: steps
                                .iter()
                                .map(|step| self.harness.call(step, &self.repo, options))
                                .collect(),
                            closing: format!("Subagent finished: {prompt}"),
                            subagents: Vec::new(),
                        },
                    }),
                    _ => None,
                })
                .collect(),
        };
        let steps = script.calls.len();
        let api = self.harness.api(options);
        let model = FakeModel::start(api, script)?;
        let mut command = self.command(&self.setup.harness_bin(self.harness));
        self.configure(&mut command, &model.base_url(), task, options)?;
        let (stdout_path, stderr_path) = (self.dir.join("stdout"), self.dir.join("stderr"));
        let mut child = command
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout_path)?)
            .stderr(std::fs::File::create(&stderr_path)?)
            .spawn()?;
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if started.elapsed() > RUN_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} ran past {RUN_TIMEOUT:?}; stderr:\n{}",
                    self.harness.name(),
                    std::fs::read_to_string(&stderr_path).unwrap_or_default()
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let exchanges = model.exchanges();
        // The main conversation's last request, not a subagent's.
        let results = exchanges
            .iter()
            .rev()
            .find(|e| e.main && e.conversation == 0)
            .map(|e| api.tool_results(&e.body))
            .unwrap_or_default();
        Ok(Run {
            status,
            stdout: std::fs::read_to_string(&stdout_path).unwrap_or_default(),
            stderr: std::fs::read_to_string(&stderr_path).unwrap_or_default(),
            exchanges,
            results,
            steps,
        })
    }

    /// Gives the harness the lasting trust a user would, the way `metalayer init` tells them
    /// to: Codex's project and hook trust records (`init --print codex-trust`, merged into
    /// `$CODEX_HOME/config.toml`), Gemini's `trustedFolders.json`, Copilot's `trustedFolders`.
    ///
    /// # Errors
    /// When init cannot print the records or a file cannot be written.
    pub fn give_trust(&self) -> Result<()> {
        let repo = self.repo.to_string_lossy().into_owned();
        match self.harness {
            Harness::Claude => {}
            Harness::Codex => {
                let out =
                    self.metalayer(&["init", "--harness", "codex", "--print", "codex-trust"])?;
                if !out.status.success() {
                    return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
                }
                let dir = self.home.join(".codex");
                std::fs::create_dir_all(&dir)?;
                std::fs::write(dir.join(TRUST_RECORDS), &out.stdout)?;
                // Where Codex (and audit) read them; each run adds its provider to them.
                std::fs::write(dir.join("config.toml"), &out.stdout)?;
            }
            Harness::Gemini => {
                let dir = self.home.join(".gemini");
                std::fs::create_dir_all(&dir)?;
                std::fs::write(
                    dir.join("trustedFolders.json"),
                    json!({ repo: "TRUST_FOLDER" }).to_string(),
                )?;
            }
            Harness::Copilot => {
                let dir = self.home.join(".copilot");
                std::fs::create_dir_all(&dir)?;
                std::fs::write(
                    dir.join("config.json"),
                    json!({ "trustedFolders": [repo] }).to_string(),
                )?;
            }
        }
        Ok(())
    }

    fn configure(
        &self,
        command: &mut Command,
        base_url: &str,
        task: &str,
        options: &RunOptions,
    ) -> Result<()> {
        match self.harness {
            Harness::Claude => {
                command
                    .env("ANTHROPIC_BASE_URL", base_url)
                    .env("ANTHROPIC_API_KEY", "e2e-key")
                    .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
                    .env("DISABLE_AUTOUPDATER", "1")
                    .env("DISABLE_TELEMETRY", "1")
                    .env("DISABLE_ERROR_REPORTING", "1")
                    .env("IS_SANDBOX", "1")
                    .args(["-p", task, "--output-format", "stream-json", "--verbose"])
                    .arg("--include-hook-events");
                if options.bypass_permissions {
                    command.arg("--dangerously-skip-permissions");
                } else {
                    command.args(["--allowedTools", "Bash Write Edit"]);
                }
            }
            Harness::Codex => {
                let codex_home = self.home.join(".codex");
                std::fs::create_dir_all(&codex_home)?;
                // The provider for this run's port, then the trust records the user gave.
                let trust =
                    std::fs::read_to_string(codex_home.join(TRUST_RECORDS)).unwrap_or_default();
                std::fs::write(
                    codex_home.join("config.toml"),
                    format!(
                        "model = \"gpt-5.5\"\nmodel_provider = \"fake\"\n\n{trust}\n\
                         [model_providers.fake]\nname = \"fake\"\n\
                         base_url = \"{base_url}/v1\"\nwire_api = \"responses\"\n\
                         env_key = \"FAKE_OPENAI_KEY\"\n"
                    ),
                )?;
                command
                    .env("CODEX_HOME", &codex_home)
                    .env("FAKE_OPENAI_KEY", "e2e-key")
                    .args(["exec", "--json", "-s", "danger-full-access"]);
                if !options.without_trust_switches {
                    command.args(["--trust", "--dangerously-bypass-hook-trust"]);
                }
                command.arg(task);
            }
            Harness::Gemini => {
                let settings = self.home.join(".gemini/settings.json");
                if !settings.exists() {
                    std::fs::create_dir_all(self.home.join(".gemini"))?;
                    std::fs::write(
                        settings,
                        r#"{"security": {"auth": {"selectedType": "gemini-api-key"}}}"#,
                    )?;
                }
                command
                    .env("GEMINI_API_KEY", "e2e-key")
                    .env("GOOGLE_GEMINI_BASE_URL", base_url)
                    .args(["-p", task, "--output-format", "stream-json", "--yolo"]);
                if options.gemini_skip_trust {
                    command.arg("--skip-trust");
                }
                if !options.without_trust_switches {
                    command.env("GEMINI_CLI_TRUST_WORKSPACE", "true");
                }
            }
            Harness::Copilot => {
                // A gpt-5 model over the Responses API is offered `apply_patch` instead of
                // `create` / `edit`.
                let (model, wire) = if options.copilot_gpt5 {
                    ("gpt-5.4", "responses")
                } else {
                    ("gpt-4.1", "completions")
                };
                command
                    .env("COPILOT_PROVIDER_WIRE_API", wire)
                    .env("COPILOT_OFFLINE", "true")
                    .env("COPILOT_PROVIDER_BASE_URL", format!("{base_url}/v1"))
                    .env("COPILOT_PROVIDER_API_KEY", "e2e-key")
                    .env("COPILOT_MODEL", model)
                    .env("XDG_CACHE_HOME", self.setup.cache.join("xdg-cache"))
                    .args(["-p", task, "--allow-all-tools", "--output-format", "json"])
                    .arg("--no-auto-update");
                if !options.without_trust_switches {
                    command.arg("--trust-folder");
                }
            }
        }
        Ok(())
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if std::thread::panicking() || std::env::var_os("METALAYER_E2E_KEEP").is_some() {
            eprintln!("e2e: kept {} for inspection", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
