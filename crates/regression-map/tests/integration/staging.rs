//! `commit_contents`: the simulation of staging commands against what git itself commits, in
//! real repositories.

use std::path::Path;

use metalayer_regression_map::{
    AddStep, CommitContents, CommitStep, IndexStep, MoveStep, Pathspec, PathspecFlags, RemoveStep,
    commit_contents,
};
use metalayer_test_support::{git, worktree_fixture as fixture, write};

fn spec(word: &str) -> Pathspec {
    Pathspec::parse(
        word,
        Some(""),
        Path::new("/nowhere"),
        PathspecFlags::default(),
    )
}

fn add(words: &[&str]) -> AddStep {
    let mut add = AddStep::default();
    add.specs = words.iter().map(|w| spec(w)).collect();
    add
}

fn commit() -> IndexStep {
    IndexStep::Commit(CommitStep::default())
}

fn simulate(root: &Path, steps: &[IndexStep]) -> CommitContents {
    let before = git(root, &["status", "--porcelain"]);
    let contents = commit_contents(root, steps).unwrap();
    assert_eq!(
        git(root, &["status", "--porcelain"]),
        before,
        "the simulation changes nothing"
    );
    contents
}

/// Runs the git commands for real, then commits, and returns what the commit contains.
fn committed(root: &Path, commands: &[&[&str]]) -> Vec<String> {
    for args in commands {
        git(root, args);
    }
    let mut files: Vec<String> = git(
        root,
        &["diff", "--name-only", "--no-renames", "HEAD~1", "HEAD"],
    )
    .lines()
    .map(str::to_owned)
    .collect();
    files.sort();
    files
}

/// The simulation of `steps` lists `expect`, and running `commands` (ending with a commit)
/// commits exactly that.
fn check(steps: &[IndexStep], commands: &[&[&str]], expect: &[&str], as_is: bool) {
    let repo = fixture();
    let root = repo.path();
    let sim = simulate(root, steps);
    assert_eq!(sim.files, expect, "simulated, for {commands:?}");
    assert_eq!(sim.index_as_is, as_is, "{commands:?}");
    assert!(sim.unknown.is_empty());
    assert_eq!(committed(root, commands), expect, "git, for {commands:?}");
}

#[test]
fn a_plain_commit_records_what_is_staged() {
    check(
        &[commit()],
        &[&["commit", "-q", "-m", "x"]],
        &["README.md"],
        true,
    );
}

#[test]
fn add_reads_paths_folders_globs_and_the_whole_tree() {
    let c: &[&str] = &["commit", "-q", "-m", "x"];
    check(
        &[IndexStep::Add(add(&["src/auth/login.py"])), commit()],
        &[&["add", "src/auth/login.py"], c],
        &["README.md", "src/auth/login.py"],
        false,
    );
    check(
        &[IndexStep::Add(add(&["src/auth"])), commit()],
        &[&["add", "src/auth"], c],
        &["README.md", "src/auth/login.py", "src/auth/new.py"],
        false,
    );
    // Deletions under a folder are staged too (git 2.x).
    check(
        &[IndexStep::Add(add(&["src/ui/"])), commit()],
        &[&["add", "src/ui/"], c],
        &["README.md", "src/ui/button.py", "src/ui/icon.py"],
        false,
    );
    check(
        &[IndexStep::Add(add(&["*.md"])), commit()],
        &[&["add", "*.md"], c],
        &["README.md", "docs/guide.md"],
        false,
    );
    check(
        &[IndexStep::Add(add(&["."])), commit()],
        &[&["add", "."], c],
        &[
            "README.md",
            "docs/guide.md",
            "notes.txt",
            "src/auth/login.py",
            "src/auth/new.py",
            "src/ui/button.py",
            "src/ui/icon.py",
        ],
        false,
    );
    let mut update = AddStep::default();
    update.specs = vec![Pathspec::all()];
    update.tracked_only = true;
    check(
        &[IndexStep::Add(update), commit()],
        &[&["add", "-u"], c],
        &[
            "README.md",
            "docs/guide.md",
            "src/auth/login.py",
            "src/ui/button.py",
        ],
        false,
    );
}

#[test]
fn ignored_files_need_force() {
    let c: &[&str] = &["commit", "-q", "-m", "x"];
    check(
        &[IndexStep::Add(add(&["."])), commit()],
        &[&["add", "."], c],
        &[
            "README.md",
            "docs/guide.md",
            "notes.txt",
            "src/auth/login.py",
            "src/auth/new.py",
            "src/ui/button.py",
            "src/ui/icon.py",
        ],
        false,
    );
    let mut force = add(&["build", "debug.log"]);
    force.force = true;
    check(
        &[IndexStep::Add(force), commit()],
        &[&["add", "-f", "build", "debug.log"], c],
        &["README.md", "build/out.bin", "debug.log"],
        false,
    );
}

#[test]
fn commit_all_and_commit_paths() {
    let mut all = CommitStep::default();
    all.all = true;
    check(
        &[IndexStep::Commit(all)],
        &[&["commit", "-q", "-a", "-m", "x"]],
        &[
            "README.md",
            "docs/guide.md",
            "src/auth/login.py",
            "src/ui/button.py",
        ],
        false,
    );
    // `git commit PATHS` commits only those paths, from the work tree.
    let mut only = CommitStep::default();
    only.only = Some(vec![spec("src/auth")]);
    check(
        &[IndexStep::Commit(only)],
        &[&["commit", "-q", "-m", "x", "src/auth"]],
        &["src/auth/login.py"],
        false,
    );
    let mut include = CommitStep::default();
    include.include = vec![spec("docs")];
    check(
        &[IndexStep::Commit(include)],
        &[&["commit", "-q", "-m", "x", "-i", "docs"]],
        &["README.md", "docs/guide.md"],
        false,
    );
    // Only what is staged, named: the same tree as staged.
    let mut staged_only = CommitStep::default();
    staged_only.only = Some(vec![spec("README.md")]);
    check(
        &[IndexStep::Commit(staged_only)],
        &[&["commit", "-q", "-m", "x", "README.md"]],
        &["README.md"],
        true,
    );
}

#[test]
fn rm_and_mv() {
    let c: &[&str] = &["commit", "-q", "-m", "x"];
    let mut rm = RemoveStep::default();
    rm.specs = vec![spec("src/auth/session.py")];
    check(
        &[IndexStep::Remove(rm.clone()), commit()],
        &[&["rm", "-q", "src/auth/session.py"], c],
        &["README.md", "src/auth/session.py"],
        false,
    );
    rm.cached = true;
    rm.specs = vec![spec("src/auth")];
    check(
        &[IndexStep::Remove(rm), commit()],
        &[&["rm", "-q", "-r", "--cached", "src/auth"], c],
        &["README.md", "src/auth/login.py", "src/auth/session.py"],
        false,
    );
    // A rename: both sides.
    check(
        &[
            IndexStep::Move(MoveStep::new(
                vec![spec("src/auth/session.py")],
                spec("src/auth/sessions.py"),
            )),
            commit(),
        ],
        &[&["mv", "src/auth/session.py", "src/auth/sessions.py"], c],
        &["README.md", "src/auth/session.py", "src/auth/sessions.py"],
        false,
    );
    // Into an existing folder, a folder at a time.
    check(
        &[
            IndexStep::Move(MoveStep::new(vec![spec("src/auth")], spec("docs"))),
            commit(),
        ],
        &[&["mv", "src/auth", "docs"], c],
        &[
            "README.md",
            "docs/auth/login.py",
            "docs/auth/session.py",
            "src/auth/login.py",
            "src/auth/session.py",
        ],
        false,
    );
    // To a new name for a folder.
    check(
        &[
            IndexStep::Move(MoveStep::new(vec![spec("src/auth")], spec("src/login"))),
            commit(),
        ],
        &[&["mv", "src/auth", "src/login"], c],
        &[
            "README.md",
            "src/auth/login.py",
            "src/auth/session.py",
            "src/login/login.py",
            "src/login/session.py",
        ],
        false,
    );
}

#[test]
fn steps_apply_in_order_and_commits_take_what_is_pending() {
    let repo = fixture();
    let root = repo.path();
    // Staged after the last commit: not in any commit.
    let sim = simulate(
        root,
        &[
            commit(),
            IndexStep::Add(add(&["docs"])),
            commit(),
            IndexStep::Add(add(&["notes.txt"])),
        ],
    );
    assert_eq!(sim.files, ["README.md", "docs/guide.md"]);
    // A move to a destination known only when it runs is reported, and what leaves is listed.
    let sim = simulate(
        root,
        &[
            IndexStep::Move(MoveStep::new(
                vec![spec("src/auth/session.py")],
                Pathspec::unknown(),
            )),
            commit(),
        ],
    );
    assert!(sim.files.contains(&"src/auth/session.py".to_owned()));
    assert_eq!(sim.unknown.len(), 1);
    // An unknown pathspec adds whatever could be added.
    let mut unknown = AddStep::default();
    unknown.specs = vec![Pathspec::unknown()];
    let sim = simulate(root, &[IndexStep::Add(unknown), commit()]);
    assert!(sim.files.contains(&"src/auth/new.py".to_owned()));
    assert!(
        !sim.files.contains(&"debug.log".to_owned()),
        "not ignored ones"
    );
}

#[test]
fn an_unborn_head_and_an_empty_work_tree() {
    let repo = metalayer_test_support::git_repo();
    let root = repo.path();
    write(root, "a/b.py", "x\n");
    let sim = simulate(root, &[IndexStep::Add(add(&["a"])), commit()]);
    assert_eq!(sim.files, ["a/b.py"]);
    let sim = simulate(root, &[commit()]);
    assert!(sim.files.is_empty() && sim.index_as_is);
}
