//! The files that judge a candidate: the programs the base's evaluation commands run (`sh
//! scripts/measure-login.sh`, `./tools/bench`, `python3 tools/coverage.py`, `. scripts/env.sh`)
//! and the configuration files they are given (`--config=ci/cov.toml`), and one level down the
//! programs those scripts run in turn. A candidate that changed one of them would change how it
//! is judged, so its worktree gets the base's version back before its commands run, and the
//! scorecard says so.
//!
//! What a program reads as data is the candidate's work and stays as the candidate has it
//! (`wc -l src/app.js` measures `src/app.js`), and so do test files by their name
//! (`test_login.py`, `login.spec.ts`, `auth_test.go`): writing tests is part of its work, and
//! the tests it added are shown as signals of their own; a runner such as `tests/run.sh` is a
//! judge.
//!
//! Files a command reaches by name judge too:
//! - `make TARGET` runs the recipes of the makefile (`-f FILE`, else `GNUmakefile`, `makefile`
//!   or `Makefile` in `-C DIR`), the files it includes and the programs its recipes run;
//! - a tool reads its own configuration (`cargo clippy` reads `clippy.toml`, `pytest` reads
//!   `pytest.ini` and the top `conftest.py`, `cargo` reads `.cargo/config.toml`, whose
//!   `runner` could replace the tests): a configuration the base lacks and the candidate
//!   added is taken out;
//! - `npm test`, `npm run X`, `yarn X`, `pnpm X`, `bun run X` run `scripts.X` of
//!   `package.json` (and `preX`, `postX`): only that entry gets the base's value back, since
//!   the rest of the manifest (dependencies) is the candidate's work.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::evaluation::Evaluation;

/// What judges a candidate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Judge {
    /// A file, restored whole (taken out when the base has none).
    File(String),
    /// `scripts.NAME` of the `package.json` at `manifest`.
    Script {
        /// The manifest's path.
        manifest: String,
        /// The script's name.
        name: String,
    },
}

impl Judge {
    /// How the scorecard names it: the path, or `package.json (scripts.test)`.
    pub(crate) fn label(&self) -> String {
        match self {
            Self::File(path) => path.clone(),
            Self::Script { manifest, name } => format!("{manifest} (scripts.{name})"),
        }
    }
}

/// What a candidate's worktree gets back from the base before its commands run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Restore {
    /// The base's version of a file it has.
    File(String),
    /// A file the base does not have: taken out.
    Absent(String),
    /// `scripts.NAME` of a `package.json` set to the base's value (taken out for `None`).
    Script {
        /// The manifest's path.
        manifest: String,
        /// The script's name.
        name: String,
        /// The base's command, if it has the script.
        value: Option<String>,
    },
}

/// The configuration files a tool reads by name, for the words that run it.
const TOOL_CONFIGS: &[(&[&str], &[&str])] = &[
    (&["cargo"], &[".cargo/config.toml", ".cargo/config"]),
    (
        &["clippy", "cargo-clippy"],
        &["clippy.toml", ".clippy.toml"],
    ),
    (&["fmt", "rustfmt"], &["rustfmt.toml", ".rustfmt.toml"]),
    (&["nextest"], &[".config/nextest.toml"]),
    (&["tarpaulin"], &["tarpaulin.toml", ".tarpaulin.toml"]),
    (
        &["pytest", "py.test"],
        &["pytest.ini", "conftest.py", ".coveragerc"],
    ),
    (&["coverage"], &[".coveragerc"]),
    (&["ruff"], &["ruff.toml", ".ruff.toml"]),
    (&["flake8"], &[".flake8"]),
    (&["pylint"], &[".pylintrc", "pylintrc"]),
    (&["mypy"], &["mypy.ini", ".mypy.ini"]),
    (
        &["eslint"],
        &[
            ".eslintrc",
            ".eslintrc.js",
            ".eslintrc.cjs",
            ".eslintrc.json",
            ".eslintrc.yml",
            ".eslintrc.yaml",
            "eslint.config.js",
            "eslint.config.mjs",
            "eslint.config.cjs",
            "eslint.config.ts",
            ".eslintignore",
        ],
    ),
    (
        &["jest"],
        &[
            "jest.config.js",
            "jest.config.ts",
            "jest.config.mjs",
            "jest.config.cjs",
            "jest.config.json",
        ],
    ),
    (
        &["vitest"],
        &[
            "vitest.config.ts",
            "vitest.config.js",
            "vitest.config.mts",
            "vitest.config.mjs",
        ],
    ),
    (
        &["mocha"],
        &[
            ".mocharc.js",
            ".mocharc.cjs",
            ".mocharc.json",
            ".mocharc.yml",
            ".mocharc.yaml",
        ],
    ),
    (
        &["nyc", "c8"],
        &[".nycrc", ".nycrc.json", ".nycrc.yml", ".c8rc", ".c8rc.json"],
    ),
    (&["npm", "yarn", "pnpm"], &[".npmrc"]),
    (
        &["golangci-lint"],
        &[
            ".golangci.yml",
            ".golangci.yaml",
            ".golangci.toml",
            ".golangci.json",
        ],
    ),
    (&["rubocop"], &[".rubocop.yml"]),
    (&["phpunit"], &["phpunit.xml", "phpunit.xml.dist"]),
    (&["shellcheck"], &[".shellcheckrc"]),
];

/// The simple commands of a shell command (or script), split at `;`, `&`, `|`, parentheses
/// and new lines, as words with the leading assignments skipped.
fn simple_commands(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.split([';', '&', '|', '(', ')', '\n']).map(|segment| {
        segment
            .split(|c: char| c.is_whitespace() || matches!(c, '<' | '>'))
            .filter(|w| !w.is_empty())
            .skip_while(|w| w.contains('=') && !w.starts_with('-'))
            .map(|w| w.trim_matches(|c| matches!(c, '"' | '\'')))
            .collect()
    })
}

/// `dir/name`, or `name` when `dir` is empty.
fn joined(dir: &str, name: &str) -> String {
    match dir.trim_end_matches('/') {
        "" | "." => name.to_owned(),
        d => format!("{d}/{name}"),
    }
}

/// The value of an option of `words` given as `-X V`, `-XV`, `--long=V` or `--long V`.
fn option_value<'w>(words: &[&'w str], short: &str, long: &[&str]) -> Option<&'w str> {
    let mut k = 0;
    while let Some(w) = words.get(k) {
        k += 1;
        if *w == short || long.contains(w) {
            return words.get(k).copied();
        }
        if let Some(v) = long
            .iter()
            .find_map(|l| w.strip_prefix(l).and_then(|r| r.strip_prefix('=')))
        {
            return Some(v);
        }
        if let Some(v) = w
            .strip_prefix(short)
            .filter(|v| !v.is_empty() && short.len() == 2)
        {
            return Some(v);
        }
    }
    None
}

/// The makefiles `make …` reads: `-f FILE`, else the three default names in `-C DIR`.
fn makefiles(words: &[&str]) -> Vec<String> {
    let dir = option_value(words, "-C", &["--directory"])
        .and_then(as_path)
        .unwrap_or("");
    match option_value(words, "-f", &["--file", "--makefile"]).and_then(as_path) {
        Some(file) => vec![joined(dir, file)],
        None => ["GNUmakefile", "makefile", "Makefile"]
            .iter()
            .map(|n| joined(dir, n))
            .collect(),
    }
}

/// The files a makefile's text includes and the programs its recipes run.
fn makefile_judges(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(recipe) = line.strip_prefix('\t') {
            out.extend(
                program_words(recipe.trim_start_matches(['@', '-', '+']))
                    .into_iter()
                    .map(str::to_owned),
            );
        } else if let Some(rest) = ["include ", "-include ", "sinclude "]
            .iter()
            .find_map(|p| line.strip_prefix(p))
        {
            out.extend(
                rest.split_whitespace()
                    .filter_map(as_path)
                    .map(str::to_owned),
            );
        }
    }
    out
}

/// The scripts of `package.json` a package manager's command runs, with the manifest's path:
/// `npm test`, `npm run X` (and `preX`, `postX`), `yarn X`, `pnpm X`, `bun run X`.
fn package_scripts(words: &[&str]) -> Option<(String, Vec<String>)> {
    let (first, rest) = words.split_first()?;
    let tool = first.rsplit('/').next().unwrap_or(first);
    let dir = match tool {
        "npm" => option_value(rest, "-C", &["--prefix"]),
        "yarn" => option_value(rest, "--cwd", &["--cwd"]),
        "pnpm" => option_value(rest, "-C", &["--dir"]),
        "bun" => option_value(rest, "--cwd", &["--cwd"]),
        _ => return None,
    }
    .and_then(as_path)
    .unwrap_or("");
    let mut operands = rest
        .iter()
        .filter(|w| !w.starts_with('-'))
        .filter(|w| Some(**w) != Some(dir) || dir.is_empty());
    let command = *operands.next()?;
    let script = match (tool, command) {
        (_, "run" | "run-script" | "rum" | "urn") => *operands.next()?,
        ("npm" | "pnpm" | "yarn", "test" | "t" | "tst") => "test",
        ("npm" | "pnpm" | "yarn", "start" | "stop" | "restart") => command,
        // npm's and bun's own commands; `bun test` is its test runner, not a script.
        ("npm" | "bun", _) => return None,
        (
            "yarn" | "pnpm",
            "add" | "install" | "i" | "remove" | "rm" | "exec" | "dlx" | "why" | "info" | "list"
            | "ls" | "outdated" | "upgrade" | "up" | "update" | "link" | "unlink" | "publish"
            | "pack" | "config" | "init" | "create" | "audit" | "cache" | "bin" | "dedupe",
        ) => return None,
        (_, script) => script,
    };
    let names = vec![
        format!("pre{script}"),
        script.to_owned(),
        format!("post{script}"),
    ];
    Some((joined(dir, "package.json"), names))
}

/// A `package.json` of a tree as read once: whether it reads as a JSON object, and its
/// `scripts` (each judge of a manifest looks it up, in the base and the candidate).
#[derive(Debug, Default)]
struct Manifest {
    object: bool,
    scripts: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Manifest {
    /// The manifest at `path` of `tree` (empty when there is none or it does not parse).
    fn read(repo: &git2::Repository, tree: &git2::Tree<'_>, path: &str) -> Self {
        let value = blob_id(tree, path)
            .and_then(|id| repo.find_blob(id).ok())
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(b.content()).ok());
        match value {
            Some(serde_json::Value::Object(mut o)) => Self {
                object: true,
                scripts: match o.remove("scripts") {
                    Some(serde_json::Value::Object(scripts)) => Some(scripts),
                    _ => None,
                },
            },
            _ => Self::default(),
        }
    }

    /// The command of `scripts.name`.
    fn script(&self, name: &str) -> Option<String> {
        self.scripts
            .as_ref()?
            .get(name)
            .and_then(|v| v.as_str().map(str::to_owned))
    }
}

/// The largest script read for the programs it runs in turn.
const SCRIPT_LIMIT: usize = 64 * 1024;

/// Programs whose first operand is the program they run.
const RUNNERS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "source", ".", "python", "python3", "node", "deno", "bun",
    "ruby", "perl", "php", "lua", "Rscript", "tsx", "ts-node", "pwsh",
];

/// The options after which a runner runs code or a module, not a file.
fn code_options(runner: &str) -> &'static [&'static str] {
    match runner {
        "python" | "python3" => &["-c", "-m"],
        "node" | "deno" | "bun" | "tsx" | "ts-node" => &["-e", "-p", "--eval", "--print"],
        "ruby" | "perl" | "lua" | "Rscript" => &["-e", "-E"],
        "php" => &["-r"],
        _ => &["-c"],
    }
}

/// A word as a relative path of the repository, if it can be one: quotes removed, `./`
/// dropped; absolute paths, `..`, variables and folders are not.
fn as_path(word: &str) -> Option<&str> {
    let w = word.trim_matches(|c| matches!(c, '"' | '\'' | '`'));
    let w = w.strip_prefix("./").unwrap_or(w);
    (!w.is_empty()
        && !w.starts_with('-')
        && !w.starts_with('$')
        && !w.starts_with('/')
        && !w.contains("..")
        && !w.ends_with('/'))
    .then_some(w)
}

/// The words of a shell command (or script) that name a program it runs or a configuration
/// file it is given: in each simple command (split at `;`, `&`, `|`, parentheses and new
/// lines, assignments skipped), a first word holding a `/`, the first operand of a runner
/// (`sh X`, `python3 X`, `. X`), and the value of a `--…config…` option.
fn program_words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for segment in text.split([';', '&', '|', '(', ')', '\n']) {
        let mut words = segment
            .split(|c: char| c.is_whitespace() || matches!(c, '<' | '>'))
            .filter(|w| !w.is_empty())
            .skip_while(|w| w.contains('=') && !w.starts_with('-'))
            .peekable();
        let Some(first) = words.next() else {
            continue;
        };
        let name = first.trim_matches(|c| matches!(c, '"' | '\''));
        if name.contains('/')
            && let Some(path) = as_path(name)
        {
            out.push(path);
        }
        let base = name.rsplit('/').next().unwrap_or(name);
        let runner = RUNNERS.contains(&base);
        let code = code_options(base);
        let mut operand_taken = !runner;
        let mut previous = "";
        for word in words {
            if let Some((option, value)) = word.split_once('=')
                && option.starts_with("--")
                && option.contains("config")
            {
                out.extend(as_path(value));
            } else if previous.starts_with("--") && previous.contains("config") {
                out.extend(as_path(word));
            } else if !operand_taken && !word.starts_with('-') {
                operand_taken = true;
                if !code.contains(&previous) {
                    out.extend(as_path(word));
                }
            }
            if code.contains(&word) && runner && !operand_taken {
                // `python3 -c CODE`, `python3 -m module`: no file runs.
                operand_taken = true;
            }
            previous = word;
        }
    }
    out
}

/// The blob at `path` of `tree`, if it is a file.
fn blob_id(tree: &git2::Tree<'_>, path: &str) -> Option<git2::Oid> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    (entry.kind() == Some(git2::ObjectType::Blob)).then(|| entry.id())
}

/// What of `base` judges a candidate (see the module docs), sorted; test files, as `is_test`
/// tells them, are left out.
pub(crate) fn judge_files(
    repo: &git2::Repository,
    base: &git2::Tree<'_>,
    evaluation: &Evaluation,
    is_test: &dyn Fn(&str) -> bool,
) -> Vec<Judge> {
    let read = |path: &str| {
        let blob = repo.find_blob(blob_id(base, path)?).ok()?;
        if blob.size() > SCRIPT_LIMIT {
            return None;
        }
        std::str::from_utf8(blob.content()).ok().map(str::to_owned)
    };
    let mut found: BTreeSet<String> = BTreeSet::new();
    // Files judged whether or not the base has them (a candidate must not add one).
    let mut by_name: BTreeSet<String> = BTreeSet::new();
    let mut scripts: BTreeSet<(String, String)> = BTreeSet::new();
    let mut texts: Vec<String> = Vec::new();
    for command in evaluation.commands() {
        for word in program_words(command) {
            if blob_id(base, word).is_some() && found.insert(word.to_owned()) {
                texts.extend(read(word));
            }
        }
        for words in simple_commands(command) {
            let Some(first) = words.first() else { continue };
            let tool = first.rsplit('/').next().unwrap_or(first);
            if matches!(tool, "make" | "gmake") {
                for makefile in makefiles(&words) {
                    if let Some(text) = read(&makefile) {
                        for judge in makefile_judges(&text) {
                            if blob_id(base, &judge).is_some() && found.insert(judge.clone()) {
                                texts.extend(read(&judge));
                            }
                        }
                    }
                    by_name.insert(makefile);
                }
            }
            if let Some((manifest, names)) = package_scripts(&words) {
                let parsed = Manifest::read(repo, base, &manifest);
                for name in names {
                    if let Some(text) = parsed.script(&name) {
                        texts.push(text);
                    }
                    scripts.insert((manifest.clone(), name));
                }
            }
            for word in &words {
                let word = word.rsplit('/').next().unwrap_or(word);
                for (tools, files) in TOOL_CONFIGS {
                    if tools.contains(&word) {
                        by_name.extend(files.iter().map(|f| (*f).to_owned()));
                    }
                }
            }
        }
    }
    // One level down: the programs a named script, recipe or package script runs.
    for text in texts {
        for word in program_words(&text) {
            if blob_id(base, word).is_some() {
                found.insert(word.to_owned());
            }
        }
    }
    found.extend(by_name);
    found
        .into_iter()
        .filter(|p| !is_test(p))
        .map(Judge::File)
        .chain(
            scripts
                .into_iter()
                .map(|(manifest, name)| Judge::Script { manifest, name }),
        )
        .collect()
}

/// What of `judges` `candidate` has otherwise than `base` (changed, added or deleted), with
/// what its worktree gets back.
pub(crate) fn changed_by(
    repo: &git2::Repository,
    judges: &[Judge],
    base: &git2::Tree<'_>,
    candidate: &git2::Tree<'_>,
) -> Vec<(String, Restore)> {
    // Each manifest read once per tree, however many of its scripts judge.
    let mut manifests: HashMap<&str, (Manifest, Manifest)> = HashMap::new();
    judges
        .iter()
        .filter_map(|judge| match judge {
            Judge::File(p) => {
                let ours = blob_id(base, p);
                (ours != blob_id(candidate, p)).then(|| {
                    let restore = match ours {
                        Some(_) => Restore::File(p.clone()),
                        None => Restore::Absent(p.clone()),
                    };
                    (judge.label(), restore)
                })
            }
            Judge::Script { manifest, name } => {
                let (ours, theirs) = manifests.entry(manifest.as_str()).or_insert_with(|| {
                    (
                        Manifest::read(repo, base, manifest),
                        Manifest::read(repo, candidate, manifest),
                    )
                });
                let value = ours.script(name);
                // A candidate without the manifest, or with one that does not read as an
                // object, runs no script at all: nothing to put back.
                let object = theirs.object;
                let theirs = theirs.script(name);
                (object && value != theirs).then(|| {
                    let restore = Restore::Script {
                        manifest: manifest.clone(),
                        name: name.clone(),
                        value,
                    };
                    (judge.label(), restore)
                })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_and_configurations_not_data() {
        let words = program_words(
            "sh ./scripts/measure.sh --config=ci/cfg.toml && python3 'tools/x.py' $OUT /etc/passwd -q | tee out.txt",
        );
        assert_eq!(words, ["scripts/measure.sh", "ci/cfg.toml", "tools/x.py"]);
        // What a program reads is data; code and modules are not files.
        assert!(program_words("wc -l src/app.js; cat README.md | grep x").is_empty());
        assert!(program_words("python3 -m pytest tests/test_a.py; node -e 'x'").is_empty());
        assert_eq!(
            program_words("CI=1 ./tools/bench --runs 3 src/app.js\n. scripts/env.sh"),
            ["tools/bench", "scripts/env.sh"]
        );
        assert_eq!(
            program_words("eslint --config .eslintrc.json src"),
            [".eslintrc.json"]
        );
        assert_eq!(program_words("bash -x -e ci/run.sh arg"), ["ci/run.sh"]);
    }

    fn scripts(command: &str) -> Option<(String, Vec<String>)> {
        let words: Vec<&str> = command.split_whitespace().collect();
        package_scripts(&words)
    }

    #[test]
    fn package_managers_run_scripts_by_name() {
        let names = |s: &str| vec![format!("pre{s}"), s.to_owned(), format!("post{s}")];
        assert_eq!(
            scripts("npm test"),
            Some(("package.json".into(), names("test")))
        );
        assert_eq!(
            scripts("npm t -- --ci"),
            Some(("package.json".into(), names("test")))
        );
        assert_eq!(
            scripts("npm --prefix web run lint"),
            Some(("web/package.json".into(), names("lint")))
        );
        assert_eq!(
            scripts("yarn build"),
            Some(("package.json".into(), names("build")))
        );
        assert_eq!(
            scripts("pnpm -C app run bench"),
            Some(("app/package.json".into(), names("bench")))
        );
        assert_eq!(
            scripts("bun run check"),
            Some(("package.json".into(), names("check")))
        );
        // Their own commands run no script.
        assert_eq!(scripts("npm ci"), None);
        assert_eq!(scripts("yarn install"), None);
        assert_eq!(scripts("bun test"), None);
        assert_eq!(scripts("cargo test"), None);
    }

    #[test]
    fn makefiles_and_what_they_run() {
        let words = |c: &'static str| c.split_whitespace().collect::<Vec<_>>();
        assert_eq!(
            makefiles(&words("make test")),
            ["GNUmakefile", "makefile", "Makefile"]
        );
        assert_eq!(
            makefiles(&words("make -C web -f ci.mk test")),
            ["web/ci.mk"]
        );
        assert_eq!(
            makefiles(&words("gmake --directory=sub check")),
            ["sub/GNUmakefile", "sub/makefile", "sub/Makefile"]
        );
        assert_eq!(
            makefile_judges(
                "include rules.mk\n-include local.mk\ntest: build\n\t@sh ci/t.sh\n\tpython3 tools/cov.py\n"
            ),
            ["rules.mk", "local.mk", "ci/t.sh", "tools/cov.py"]
        );
    }
}
