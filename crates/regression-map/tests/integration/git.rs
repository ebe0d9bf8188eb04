//! The git side against the git CLI, in real repositories made in temporary folders.

use std::path::{Path, PathBuf};
use std::process::Command;

use metalayer_regression_map::{
    Change, ChangeKind, Dialect, FeatureMap, changed_paths, range_changes, staged_changes,
    staged_tree_id, tracked_paths, worktree_changes,
};
use tempfile::TempDir;

use super::rows::{Row, name_status_rows, rows};

/// A scratch repository driven through the git CLI, isolated from the user's configuration.
struct Repo {
    dir: TempDir,
}

impl Repo {
    fn new() -> Self {
        let repo = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self) -> Command {
        metalayer_test_support::git_command(self.root(), &[])
    }

    fn git_env(&self, args: &[&str], env: &[(&str, &Path)]) -> String {
        let mut cmd = self.command();
        for (key, value) in env {
            cmd.env(key, value);
        }
        let out = cmd.args(args).output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_env(args, &[])
    }

    fn write(&self, path: &str, content: &str) {
        let full = self.root().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, content).unwrap();
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    fn cli(&self, args: &[&str]) -> Vec<Row> {
        name_status_rows(&self.git(args))
    }
}

/// Ten lines, so that a one-line edit keeps the file well above the 50% rename threshold.
fn body(tag: &str) -> String {
    (0..10)
        .map(|i| format!("{tag} line {i} of some content\n"))
        .collect()
}

const STAGED: &[&str] = &["diff", "--cached", "--name-status", "-M", "-z"];

fn assert_staged_matches_cli(repo: &Repo) -> Vec<Change> {
    let ours = staged_changes(repo.root()).unwrap();
    assert_eq!(rows(&ours), repo.cli(STAGED));
    ours
}

#[test]
fn unborn_head_lists_everything_staged() {
    let repo = Repo::new();
    repo.write("src/a.rs", "a");
    repo.write("docs/b.md", "b");
    repo.git(&["add", "-A"]);
    let changes = assert_staged_matches_cli(&repo);
    assert_eq!(changes.len(), 2);
    assert!(changes.iter().all(|c| c.kind == ChangeKind::Added));
}

#[test]
fn nothing_staged_is_empty() {
    let repo = Repo::new();
    repo.write("a", "a");
    repo.commit("base");
    repo.write("a", "changed but not staged");
    assert!(assert_staged_matches_cli(&repo).is_empty());
}

#[test]
fn edits_adds_deletions_and_renames() {
    let repo = Repo::new();
    repo.write("auth/login.ts", &body("login"));
    repo.write("auth/session.ts", &body("session"));
    repo.write("chat/stream.ts", &body("stream"));
    repo.write("ui/button.tsx", &body("button"));
    repo.write("README.md", "readme\n");
    repo.commit("base");

    repo.write("README.md", "readme, edited\n");
    repo.write("ui/dialog.tsx", &body("dialog"));
    repo.git(&["rm", "-q", "chat/stream.ts"]);
    // Out of the auth feature, into the ui feature, with a small edit.
    repo.git(&["mv", "auth/session.ts", "ui/session.ts"]);
    let mut edited = body("session");
    edited.push_str("one more line\n");
    repo.write("ui/session.ts", &edited);
    // A pure rename inside a feature.
    repo.git(&["mv", "auth/login.ts", "auth/signin.ts"]);
    repo.git(&["add", "-A"]);

    let changes = assert_staged_matches_cli(&repo);
    let renamed = changes.iter().find(|c| c.path == "ui/session.ts").unwrap();
    assert_eq!(renamed.kind, ChangeKind::Renamed);
    assert_eq!(renamed.old_path.as_deref(), Some("auth/session.ts"));

    // Both sides of the rename count: auth is affected by a file that left it.
    let map = FeatureMap::from_yaml_str(
        "features:\n  auth: {patterns: ['auth/**']}\n  chat: {patterns: ['chat/**']}\n  ui: {patterns: ['ui/**']}\n",
    )
    .unwrap();
    let matcher = map.compile(Dialect::Glob).unwrap();
    let paths = changed_paths(&changes);
    let affected = matcher.affected(paths.iter().map(String::as_str));
    let auth: Vec<_> = affected
        .feature("auth")
        .unwrap()
        .files
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert!(
        auth.contains(&"auth/session.ts") && auth.contains(&"auth/login.ts"),
        "{auth:?}"
    );
    assert_eq!(
        affected.feature("chat").unwrap().files[0].path,
        "chat/stream.ts"
    );
    assert_eq!(affected.uncovered, ["README.md"]);
}

#[cfg(unix)]
#[test]
fn type_change_file_to_symlink() {
    let repo = Repo::new();
    repo.write("config.json", "{}\n");
    repo.write("target.json", "{\"a\": 1}\n");
    repo.commit("base");
    std::fs::remove_file(repo.root().join("config.json")).unwrap();
    std::os::unix::fs::symlink("target.json", repo.root().join("config.json")).unwrap();
    repo.git(&["add", "-A"]);
    let changes = assert_staged_matches_cli(&repo);
    assert_eq!(
        changes,
        [Change::new(ChangeKind::TypeChange, "config.json")]
    );
}

/// The text after `marker` in a line of the child's output (libtest may print before it).
fn marked<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    line.find(marker)
        .and_then(|at| line.get(at + marker.len()..))
}

#[test]
fn git_index_file_is_honoured() {
    // The process environment is shared by every test thread, so the part that needs
    // `GIT_INDEX_FILE` runs in a child process: this same test, re-executed.
    if let Some(root) = std::env::var_os("REGMAP_TEST_CHILD_REPO") {
        let root = PathBuf::from(root);
        for change in staged_changes(&root).unwrap() {
            println!(
                "@@change\t{}\t{}\t{}",
                change.kind.letter(),
                change.old_path.unwrap_or_default(),
                change.path
            );
        }
        println!("@@tree\t{}", staged_tree_id(&root).unwrap());
        println!("@@tracked\t{}", tracked_paths(&root).unwrap().join(","));
        return;
    }
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit("base");
    // The real index stages one change, another index (as `git commit -a` would build) another.
    repo.write("real.txt", "staged in the real index\n");
    repo.git(&["add", "real.txt"]);
    let other = repo.root().join(".git/other-index");
    repo.git_env(&["read-tree", "HEAD"], &[("GIT_INDEX_FILE", &other)]);
    repo.write("alt.txt", "staged in the other index\n");
    repo.git_env(&["add", "alt.txt"], &[("GIT_INDEX_FILE", &other)]);

    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "integration::git::git_index_file_is_honoured",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("REGMAP_TEST_CHILD_REPO", repo.root())
        .env("GIT_INDEX_FILE", &other)
        .output()
        .unwrap();
    let stdout = String::from_utf8(child.stdout).unwrap();
    assert!(
        child.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&child.stderr)
    );
    assert!(stdout.contains("@@tree"), "the child did not run: {stdout}");
    let mut changes: Vec<Row> = stdout
        .lines()
        .filter_map(|l| marked(l, "@@change\t"))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[0].chars().next().unwrap(),
                (!f[1].is_empty()).then(|| f[1].to_owned()),
                f[2].to_owned(),
            )
        })
        .collect();
    changes.sort();
    let cli = name_status_rows(&repo.git_env(STAGED, &[("GIT_INDEX_FILE", &other)]));
    assert_eq!(changes, cli, "{stdout}");
    assert_eq!(cli, [('A', None, "alt.txt".to_owned())]);
    let tree = stdout.lines().find_map(|l| marked(l, "@@tree\t")).unwrap();
    assert_eq!(
        tree,
        repo.git_env(&["write-tree"], &[("GIT_INDEX_FILE", &other)])
            .trim()
    );
    let tracked = stdout
        .lines()
        .find_map(|l| marked(l, "@@tracked\t"))
        .unwrap();
    assert_eq!(tracked, "a.txt,alt.txt");
    // Without the variable, the real index.
    assert_eq!(
        rows(&staged_changes(repo.root()).unwrap()),
        [('A', None, "real.txt".to_owned())]
    );
}

#[test]
fn worktree_changes_are_what_commit_a_adds() {
    let repo = Repo::new();
    repo.write("keep.txt", "keep\n");
    repo.write("edit.txt", "edit\n");
    repo.write("gone.txt", "gone\n");
    repo.write("staged.txt", "staged\n");
    repo.commit("base");
    repo.write("edit.txt", "edited\n");
    std::fs::remove_file(repo.root().join("gone.txt")).unwrap();
    repo.write("untracked.txt", "not tracked\n");
    repo.write("staged.txt", "staged, edited\n");
    repo.git(&["add", "staged.txt"]);
    let ours = worktree_changes(repo.root()).unwrap();
    assert_eq!(rows(&ours), repo.cli(&["diff", "--name-status", "-z"]));
    assert_eq!(
        rows(&ours),
        [
            ('D', None, "gone.txt".to_owned()),
            ('M', None, "edit.txt".to_owned())
        ]
    );
}

#[test]
fn ranges_two_dot_three_dot_and_single_rev() {
    let repo = Repo::new();
    repo.write("base.txt", &body("base"));
    repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("feature.txt", "feature\n");
    repo.git(&["mv", "base.txt", "moved.txt"]);
    repo.commit("feature work");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("main-only.txt", "main\n");
    repo.commit("main work");
    repo.git(&["checkout", "-q", "feature"]);

    for (range, cli) in [
        ("main..feature", vec!["main..feature"]),
        ("main...feature", vec!["main...feature"]),
        ("main...", vec!["main...HEAD"]),
        ("main", vec!["main...HEAD"]),
    ] {
        let mut args = vec!["diff", "--name-status", "-M", "-z"];
        args.extend(cli);
        let ours = range_changes(repo.root(), range).unwrap();
        assert_eq!(rows(&ours), repo.cli(&args), "{range}");
    }
    // Two dots include main's own work (as a deletion), three dots do not.
    let two = rows(&range_changes(repo.root(), "main..feature").unwrap());
    assert!(two.contains(&('D', None, "main-only.txt".to_owned())));
    let three = rows(&range_changes(repo.root(), "main").unwrap());
    assert_eq!(
        three,
        [
            ('A', None, "feature.txt".to_owned()),
            ('R', Some("base.txt".to_owned()), "moved.txt".to_owned())
        ]
    );
    let err = range_changes(repo.root(), "nope..main").unwrap_err();
    assert!(err.to_string().contains("`nope..main`"), "{err}");
}

#[test]
fn staged_tree_id_follows_staged_content_only() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit("base");
    repo.write("a.txt", "a2\n");
    repo.git(&["add", "a.txt"]);
    let index = repo.root().join(".git/index");
    let before = std::fs::read(&index).unwrap();
    let id = staged_tree_id(repo.root()).unwrap();
    assert_eq!(
        std::fs::read(&index).unwrap(),
        before,
        "the index file is not rewritten"
    );
    assert_eq!(id, repo.git(&["write-tree"]).trim());
    // Work-tree edits that are not staged do not change it; staging them does.
    repo.write("a.txt", "a3\n");
    assert_eq!(staged_tree_id(repo.root()).unwrap(), id);
    repo.git(&["add", "a.txt"]);
    let changed = staged_tree_id(repo.root()).unwrap();
    assert_ne!(changed, id);
    // Staging the earlier content again gives the earlier id.
    repo.write("a.txt", "a2\n");
    repo.git(&["add", "a.txt"]);
    assert_eq!(staged_tree_id(repo.root()).unwrap(), id);
}

/// A crafted index (git never writes it) whose one path holds a NUL inside its declared name
/// length: libgit2 reads `a` and keeps the length, so git2's entries would read past the path.
/// Every listing that reads entries through git2 refuses it, on both paths, and says what to do.
#[test]
fn an_index_with_a_nul_inside_a_path_is_refused_not_read_past() {
    use sha1::Digest as _;
    let repo = Repo::new();
    repo.write("aXb.txt", "x");
    repo.git(&["add", "-N", "aXb.txt"]);
    let file = repo.root().join(".git/index");
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.windows(7).position(|w| w == b"aXb.txt").unwrap();
    bytes[at + 1] = 0;
    let body = bytes.len() - 20;
    let digest = sha1::Sha1::digest(&bytes[..body]);
    bytes[body..].copy_from_slice(&digest);
    std::fs::write(&file, &bytes).unwrap();
    let error = tracked_paths(repo.root()).unwrap_err();
    let message = format!("{error} {}", std::error::Error::source(&error).unwrap());
    assert!(message.contains("git read-tree HEAD"), "{message}");
    assert!(
        message.contains("name length longer than the path"),
        "{message}"
    );
    // The staged listing (libgit2's diff, then the intent-to-add lookup) refuses it too.
    assert!(staged_changes(repo.root()).is_err());
}

#[test]
fn tracked_paths_equal_ls_files() {
    let repo = Repo::new();
    repo.write("z.txt", "z");
    repo.write("dir/a b.txt", "a");
    repo.write("dir/sub/c.txt", "c");
    repo.write("untracked", "u");
    repo.git(&["add", "z.txt", "dir"]);
    let cli: Vec<String> = repo
        .git(&["ls-files", "-z"])
        .split('\0')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    assert_eq!(tracked_paths(repo.root()).unwrap(), cli);
    assert_eq!(cli.len(), 3);
}

#[test]
fn subdirectory_opens_the_enclosing_repository() {
    let repo = Repo::new();
    repo.write("src/deep/a.rs", "a");
    repo.git(&["add", "-A"]);
    let changes = staged_changes(&repo.root().join("src/deep")).unwrap();
    assert_eq!(changes, [Change::new(ChangeKind::Added, "src/deep/a.rs")]);
    let outside = tempfile::tempdir().unwrap();
    let err = staged_changes(outside.path()).unwrap_err();
    assert!(
        err.to_string().starts_with("cannot open a git repository"),
        "{err}"
    );
}

#[test]
fn conflicts_are_unmerged() {
    let repo = Repo::new();
    repo.write("c.txt", "base\n");
    repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "other"]);
    repo.write("c.txt", "other\n");
    repo.commit("other");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("c.txt", "main\n");
    repo.commit("main");
    let merge = repo
        .command()
        .args(["merge", "-q", "other"])
        .output()
        .unwrap();
    assert!(!merge.status.success(), "the merge must conflict");
    let ours = staged_changes(repo.root()).unwrap();
    assert!(
        ours.iter()
            .any(|c| c.kind == ChangeKind::Unmerged && c.path == "c.txt"),
        "{ours:?}"
    );
    let cli = repo.cli(STAGED);
    assert!(cli.contains(&('U', None, "c.txt".to_owned())), "{cli:?}");
}

/// Many random staged states (seeded, reproducible), each compared with the CLI.
#[test]
fn random_staged_states_match_the_cli() {
    for seed in 1..=12_u64 {
        let mut state = seed;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let repo = Repo::new();
        let mut files: Vec<String> = (0..8).map(|i| format!("d{}/f{i}.txt", i % 3)).collect();
        for f in &files {
            repo.write(f, &body(f));
        }
        repo.commit("base");
        for step in 0..6 {
            let pick = usize::try_from(next(files.len() as u64)).unwrap();
            let file = files[pick].clone();
            match next(5) {
                0 => repo.write(&file, &format!("{}edit {step}\n", body(&file))),
                1 => {
                    repo.git(&["rm", "-q", "-f", &file]);
                    files.remove(pick);
                }
                2 => {
                    let to = format!("moved{step}/{}", file.replace('/', "-"));
                    std::fs::create_dir_all(repo.root().join(format!("moved{step}"))).unwrap();
                    repo.git(&["mv", &file, &to]);
                    files[pick] = to;
                }
                3 => {
                    let new = format!("new/{step}.txt");
                    repo.write(&new, &format!("fresh {seed} {step}\n"));
                    files.push(new);
                }
                _ => repo.write(&file, &format!("rewritten completely {seed} {step}\n")),
            }
            repo.git(&["add", "-A"]);
            if files.is_empty() {
                break;
            }
        }
        repo.git(&["add", "-A"]);
        let ours = staged_changes(repo.root()).unwrap();
        assert_eq!(rows(&ours), repo.cli(STAGED), "seed {seed}");
    }
}

#[test]
fn intent_to_add_entries_match_the_cli() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit("base");
    repo.write("later.txt", "added with -N\n");
    repo.git(&["add", "-N", "later.txt"]);
    repo.write("a.txt", "a2\n");
    repo.git(&["add", "a.txt"]);
    assert_staged_matches_cli(&repo);
}
