//! Dependencies from lockfiles, to tell which ones a candidate adds.
//!
//! Written from scratch, because each format needs only its package names and versions, which
//! a few lines read, while a full parser per ecosystem (TOML, YAML, JSON, yarn's own format)
//! would double this crate's dependencies. What is read: `Cargo.lock`, `poetry.lock` and
//! `uv.lock` (`[[package]]` tables: `name`, `version`, and for Cargo only packages with a
//! `source`, so workspace members are not dependencies), `package-lock.json` (`packages`, or
//! `dependencies` of lockfile version 1), `pnpm-lock.yaml` (the keys under `packages:`),
//! `yarn.lock` (entry headers and their `version`), `go.sum` (module and version).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// The lockfile names this module reads.
pub const LOCKFILES: &[&str] = &[
    "Cargo.lock",
    "package-lock.json",
    "pnpm-lock.yaml",
    "yarn.lock",
    "poetry.lock",
    "uv.lock",
    "go.sum",
];

/// A dependency a candidate adds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NewDependency {
    /// The lockfile, relative to the repository.
    pub lockfile: String,
    /// The package name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its size in bytes, when a local cache has it (a Cargo `.crate` file is gzip-compressed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
}

/// Whether a path names a lockfile this module reads.
pub fn is_lockfile(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    LOCKFILES.contains(&name)
}

/// The package registry a lockfile's names belong to (`left-pad` in `package-lock.json` and in
/// `yarn.lock` is one package; `serde` in `Cargo.lock` and in `package-lock.json` are two).
pub(crate) fn ecosystem(path: &str) -> &'static str {
    match path.rsplit('/').next().unwrap_or(path) {
        "Cargo.lock" => "cargo",
        "package-lock.json" | "pnpm-lock.yaml" | "yarn.lock" => "npm",
        "poetry.lock" | "uv.lock" => "pypi",
        "go.sum" => "go",
        _ => "other",
    }
}

/// The packages of a lockfile, by name, with a version (the highest-sorting one when several).
pub fn packages(path: &str, text: &str) -> BTreeMap<String, String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let list = match name {
        "Cargo.lock" => toml_packages(text, true),
        "poetry.lock" | "uv.lock" => toml_packages(text, false),
        "package-lock.json" => npm_packages(text),
        "pnpm-lock.yaml" => pnpm_packages(text),
        "yarn.lock" => yarn_packages(text),
        "go.sum" => go_packages(text),
        _ => Vec::new(),
    };
    let mut out = BTreeMap::new();
    for (n, v) in list {
        let slot: &mut String = out.entry(n).or_default();
        if v > *slot {
            *slot = v;
        }
    }
    out
}

/// The dependencies in `after` whose names are not in `before`.
pub(crate) fn added(path: &str, before: &str, after: &str) -> Vec<NewDependency> {
    let old = packages(path, before);
    packages(path, after)
        .into_iter()
        .filter(|(n, _)| !old.contains_key(n))
        .map(|(name, version)| NewDependency {
            lockfile: path.to_owned(),
            name,
            version,
            bytes: None,
        })
        .collect()
}

fn unquote(v: &str) -> String {
    v.trim().trim_matches('"').trim_matches('\'').to_owned()
}

fn toml_packages(text: &str, need_source: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(Option<String>, Option<String>, bool)> = None;
    let mut flush = |c: &mut Option<(Option<String>, Option<String>, bool)>| {
        if let Some((Some(n), Some(v), source)) = c.take()
            && (source || !need_source)
        {
            out.push((n, v));
        }
    };
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            flush(&mut current);
            if t == "[[package]]" {
                current = Some((None, None, false));
            }
            continue;
        }
        let Some(c) = current.as_mut() else { continue };
        if let Some((k, v)) = t.split_once('=') {
            match k.trim() {
                "name" => c.0 = Some(unquote(v)),
                "version" => c.1 = Some(unquote(v)),
                "source" => c.2 = true,
                _ => {}
            }
        }
    }
    flush(&mut current);
    out
}

fn npm_packages(text: &str) -> Vec<(String, String)> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(pkgs) = value.get("packages").and_then(serde_json::Value::as_object) {
        for (key, v) in pkgs {
            let Some(i) = key.rfind("node_modules/") else {
                continue;
            };
            let name = key.get(i + "node_modules/".len()..).unwrap_or_default();
            let version = v
                .get("version")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default();
            if !name.is_empty() {
                out.push((name.to_owned(), version.to_owned()));
            }
        }
    } else if let Some(deps) = value
        .get("dependencies")
        .and_then(serde_json::Value::as_object)
    {
        for (name, v) in deps {
            let version = v
                .get("version")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default();
            out.push((name.clone(), version.to_owned()));
        }
    }
    out
}

/// `name@version` (or `@scope/name@version`) into its parts.
fn split_at_version(spec: &str) -> Option<(String, String)> {
    let i = spec.get(1..)?.rfind('@')? + 1;
    Some((spec.get(..i)?.to_owned(), spec.get(i + 1..)?.to_owned()))
}

fn pnpm_packages(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_packages = false;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            in_packages = line.trim_end() == "packages:";
            continue;
        }
        let Some(key) = line.strip_prefix("  ") else {
            continue;
        };
        if !in_packages || key.starts_with(' ') {
            continue;
        }
        let key = unquote(key.trim_end().trim_end_matches(':'));
        let key = key.trim_start_matches('/');
        // v9: name@version(peer); v6: /name@version; v5: /name/version
        let key = key.split('(').next().unwrap_or(key);
        if let Some(pair) = split_at_version(key) {
            out.push(pair);
        } else if let Some((n, v)) = key.rsplit_once('/') {
            out.push((n.to_owned(), v.to_owned()));
        }
    }
    out
}

fn yarn_packages(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut name: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let first = line
                .trim_end_matches(':')
                .split(", ")
                .next()
                .unwrap_or_default();
            let first = unquote(first);
            name = split_at_version(&first).map(|(n, _)| n);
            if name.as_deref() == Some("__metadata") {
                name = None;
            }
            continue;
        }
        let t = line.trim();
        if let Some(v) = t
            .strip_prefix("version ")
            .or_else(|| t.strip_prefix("version:"))
            && let Some(n) = name.take()
        {
            out.push((n, unquote(v)));
        }
    }
    out
}

fn go_packages(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let module = parts.next()?;
            let version = parts.next()?.trim_end_matches("/go.mod");
            Some((module.to_owned(), version.to_owned()))
        })
        .collect()
}

/// The size of a dependency in a local cache: for Cargo, the `.crate` file (gzip-compressed)
/// in `$CARGO_HOME/registry/cache/*/`; other ecosystems are not looked up.
pub(crate) fn cached_size(dep: &NewDependency) -> Option<u64> {
    let name = dep.lockfile.rsplit('/').next().unwrap_or(&dep.lockfile);
    if name != "Cargo.lock" {
        return None;
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    let file = format!("{}-{}.crate", dep.name, dep.version);
    std::fs::read_dir(home.join("registry").join("cache"))
        .ok()?
        .flatten()
        .filter_map(|d| std::fs::metadata(d.path().join(&file)).ok())
        .map(|m| m.len())
        .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo() {
        let before = "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\n";
        let after = format!(
            "{before}\n[[package]]\nname = \"rand\"\nversion = \"0.9.1\"\nsource = \"registry+x\"\n\n[[package]]\nname = \"member\"\nversion = \"0.1.0\"\n"
        );
        let new = added("Cargo.lock", before, &after);
        assert_eq!(new.len(), 1);
        assert_eq!(
            (new[0].name.as_str(), new[0].version.as_str()),
            ("rand", "0.9.1")
        );
    }

    #[test]
    fn npm_pnpm_yarn_go() {
        let npm = r#"{"lockfileVersion":3,"packages":{"":{"name":"x"},"node_modules/left-pad":{"version":"1.3.0"},"node_modules/@a/b":{"version":"2.0.0"}}}"#;
        assert_eq!(packages("package-lock.json", npm).len(), 2);
        let pnpm = "lockfileVersion: '9.0'\npackages:\n  left-pad@1.3.0:\n    resolution: {}\n  '@a/b@2.0.0':\n    x: y\nsnapshots:\n  other@1.0.0:\n";
        let p = packages("pnpm-lock.yaml", pnpm);
        assert_eq!(p.get("@a/b").map(String::as_str), Some("2.0.0"));
        assert_eq!(p.len(), 2);
        let yarn = "# yarn\n\nleft-pad@^1.3.0:\n  version \"1.3.0\"\n\n\"@a/b@^2\", \"@a/b@^2.0\":\n  version \"2.0.1\"\n";
        let y = packages("yarn.lock", yarn);
        assert_eq!(y.get("@a/b").map(String::as_str), Some("2.0.1"));
        let go = "golang.org/x/text v0.3.0 h1:x\ngolang.org/x/text v0.3.0/go.mod h1:y\n";
        assert_eq!(packages("go.sum", go).len(), 1);
        assert!(is_lockfile("web/yarn.lock"));
    }
}
