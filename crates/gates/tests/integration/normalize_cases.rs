//! The normaliser's behaviour as data: tests/data/normalize.toml.

use std::path::Path;

use metalayer_gates::model::git::GitState;
use metalayer_gates::{NormalizeOptions, Normalized, normalize_in};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    command: String,
    texts: Option<Vec<String>>,
    #[serde(default)]
    contains: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    precise: Option<Vec<String>>,
    writes: Option<Vec<String>>,
    untracked: Option<Vec<String>>,
    #[serde(default)]
    flags: Vec<String>,
    git: Option<String>,
}

#[derive(Debug, Deserialize)]
struct File {
    case: Vec<Case>,
}

/// A repository on one branch whose upstream has the same name on `origin`.
#[derive(Debug)]
struct OnBranch(String);

impl GitState for OnBranch {
    fn current_branch(&self) -> Option<String> {
        Some(self.0.clone())
    }
    fn push_destination(&self, branch: &str) -> Option<(String, String)> {
        Some(("origin".to_owned(), branch.to_owned()))
    }
}

fn cases(name: &str) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let file: File = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    file.case
}

fn check(case: &Case, n: &Normalized) -> Vec<String> {
    let mut problems = Vec::new();
    let texts: Vec<&str> = n.commands().iter().map(|c| c.text()).collect();
    if let Some(want) = &case.texts
        && texts != *want
    {
        problems.push(format!("texts {texts:?}, want {want:?}"));
    }
    for want in &case.contains {
        if !texts.contains(&want.as_str()) {
            problems.push(format!("texts {texts:?} lack {want:?}"));
        }
    }
    for unwanted in &case.absent {
        if texts.contains(&unwanted.as_str()) {
            problems.push(format!("texts {texts:?} hold {unwanted:?}"));
        }
    }
    if let Some(want) = &case.precise {
        let got: Vec<&str> = n.commands().iter().map(|c| c.precise_text()).collect();
        if got != *want {
            problems.push(format!("precise {got:?}, want {want:?}"));
        }
    }
    if let Some(want) = &case.writes
        && n.writes() != want.as_slice()
    {
        problems.push(format!("writes {:?}, want {want:?}", n.writes()));
    }
    if let Some(want) = &case.untracked
        && n.untracked() != want.as_slice()
    {
        problems.push(format!("untracked {:?}, want {want:?}", n.untracked()));
    }
    let flag = |name: &str| case.flags.iter().any(|f| f == name);
    if n.depth_exceeded() != flag("depth_exceeded") {
        problems.push(format!("depth_exceeded {}", n.depth_exceeded()));
    }
    if n.computed_argument() != flag("computed") {
        problems.push(format!("computed_argument {}", n.computed_argument()));
    }
    problems
}

#[test]
fn every_normalizer_case_holds() {
    let cases = cases("normalize.toml");
    assert!(cases.len() >= 150, "{}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let state = case.git.clone().map(OnBranch);
        let n = normalize_in(
            &case.command,
            &NormalizeOptions::default(),
            state.as_ref().map(|s| s as &dyn GitState),
        );
        let problems = check(case, &n);
        if !problems.is_empty() {
            failures.push(format!("{:?}: {}", case.command, problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} case(s) failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Nested substitutions inside parameter expansions (`${x:-$(…${y:-$(…`), unterminated, and
/// brace expansions cost bounded work: the lexer that finds where a substitution ends once re-read every level below
/// it twice, so thirty levels did not finish in a minute (found by the `normalize` fuzz target
/// as an 858-byte command taking 85 ms).
#[test]
fn nested_substitutions_and_braces_cost_bounded_work() {
    let inputs = [
        format!("echo \"{}", "${x:-$(echo \"".repeat(30)),
        format!("x $({}", "${a:-$(${b:-$(".repeat(12)),
        "\"${x:-$(<<<`$(".repeat(25),
        format!("{}{}", "${x:-$(".repeat(200), ")}".repeat(200)),
        // Brace expansion: many groups in one word, and unbalanced opening braces (found by
        // the fuzz target as a 483-byte command that took over 10 s).
        format!("echo {}", "{a,b}".repeat(40)),
        format!("echo {}a,b}}", "{".repeat(400)),
        format!("echo {}", "{{a,b},{c,d}}x".repeat(30)),
    ];
    // Inputs the fuzz target found taking over 10 s.
    let found: Vec<String> = [
        "brace-expansion-timeout.sh",
        "brace-expansion-many-words.sh",
        "glob-writes-many.sh",
        // Functions calling each other several times each: 1.9 s in a release build before
        // calls were budgeted.
        "function-calls-nested.sh",
        // Function bodies that grow at every level of calls (171 and 120 bytes: 6.6 s and
        // over a minute in a release build before the script text read was budgeted).
        "function-bodies-growing.sh",
        "function-bodies-growing-2.sh",
    ]
    .iter()
    .map(|f| {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/slow")
                .join(f),
        )
        .unwrap()
    })
    .collect();
    for input in inputs.iter().chain(&found) {
        let started = std::time::Instant::now();
        let n = metalayer_gates::normalize(input, &NormalizeOptions::default());
        let took = started.elapsed();
        assert!(
            took < std::time::Duration::from_secs(2),
            "{took:?} for {} bytes ({} commands)",
            input.len(),
            n.commands().len()
        );
    }
}

/// A repository on `main` that counts how often the normaliser asks for its branch.
#[derive(Debug, Default)]
struct Counted(std::sync::atomic::AtomicUsize);

impl GitState for Counted {
    fn current_branch(&self) -> Option<String> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some("main".to_owned())
    }
    fn push_destination(&self, branch: &str) -> Option<(String, String)> {
        Some(("origin".to_owned(), branch.to_owned()))
    }
}

/// The repository is read only when the reading of a push depends on its branch: no refspec,
/// or a `HEAD` one. A push that names its refspecs (the everyday denied `git push --force
/// origin main`) reads the same with or without a repository, and opens none.
#[test]
fn a_push_reads_the_repository_only_for_a_head_or_missing_refspec() {
    let options = NormalizeOptions::default();
    let reads = |command: &str| {
        let state = Counted::default();
        let with = normalize_in(command, &options, Some(&state));
        let without = normalize_in(command, &options, None);
        let texts = |n: &Normalized| -> Vec<String> {
            n.commands().iter().map(|c| c.text().to_owned()).collect()
        };
        let read = state.0.load(std::sync::atomic::Ordering::Relaxed) > 0;
        (read, texts(&with) == texts(&without))
    };
    for command in [
        "git push --force origin main",
        "git push -f origin main:main",
        "git push --force-with-lease origin feat +main",
        "git push origin +main",
        "git push -f upstream release v1.2",
        "cd sub && git push --force origin main",
        "git push origin main",
        "git push",
        "git push origin",
    ] {
        assert_eq!(reads(command), (false, true), "{command}");
    }
    for command in [
        "git push --force",
        "git push -f origin",
        "git push origin +HEAD",
        "git push --force origin HEAD",
        "git push -f origin @",
        "git push --force-with-lease origin main HEAD",
    ] {
        assert_eq!(reads(command), (true, false), "{command}");
    }
}
