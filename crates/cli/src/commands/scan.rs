//! `metalayer scan`: the secret check of commits and written content, by hand or in CI.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use metalayer_kernel::{SecretFinding, SecretScanner};
use serde_json::{Value, json};

/// Arguments of `metalayer scan`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The lines the staged changes add (what `git commit` would record; the default).
    #[arg(long, conflicts_with_all = ["range", "paths"])]
    staged: bool,
    /// The lines the commits of a range add: `A..B`, `A...B`, or `BRANCH` (its merge base
    /// with HEAD..HEAD).
    #[arg(long, value_name = "RANGE", conflicts_with = "paths")]
    range: Option<String>,
    /// Print the findings as JSON.
    #[arg(long, conflicts_with = "sarif")]
    json: bool,
    /// Print the findings as SARIF 2.1.0 (for code scanning in CI).
    #[arg(long)]
    sarif: bool,
    /// Files or folders to scan whole instead (folders are walked, `.git` skipped).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    match scan(args) {
        Ok((text, found)) => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            if found {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr().lock(), "error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn scan(args: &Args) -> anyhow::Result<(String, bool)> {
    let cwd = std::env::current_dir()?;
    let root = metalayer_kernel::find_root(&cwd);
    let kernel = match &root {
        Some(root) => metalayer_kernel::Kernel::discover(root)?,
        None => metalayer_kernel::Kernel::embedded_default()?,
    };
    let scanner = SecretScanner::of(&kernel)?;
    let findings = if !args.paths.is_empty() {
        metalayer_kernel::file_secrets(root.as_deref(), &args.paths, &scanner)?
    } else {
        let root = root.context("not inside a git repository (give PATHs to scan files)")?;
        match &args.range {
            Some(range) => metalayer_kernel::range_secrets(&root, range, &scanner)?,
            None => metalayer_kernel::staged_secrets(&root, &scanner)?,
        }
    };
    let found = !findings.is_empty();
    let text = if args.sarif {
        format!("{:#}\n", sarif(&findings))
    } else if args.json {
        let list: Vec<Value> = findings.iter().map(finding_json).collect();
        format!("{:#}\n", json!({ "findings": list }))
    } else {
        render(&findings)
    };
    Ok((text, found))
}

fn finding_json(f: &SecretFinding) -> Value {
    json!({
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "rule": f.rule,
        "masked": f.masked,
        "fingerprint": f.fingerprint,
    })
}

fn render(findings: &[SecretFinding]) -> String {
    let mut out = String::new();
    if findings.is_empty() {
        out.push_str("no secrets found\n");
        return out;
    }
    for f in findings {
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {} (fingerprint {})",
            f.path, f.line, f.column, f.rule, f.masked, f.fingerprint
        );
    }
    let _ = writeln!(
        out,
        "\n{} secret(s) found. A known fake value can be allowed by its fingerprint under \
         `secrets.allow.fingerprints` in .control/policy.yaml.",
        findings.len()
    );
    out
}

/// The findings as a SARIF 2.1.0 log: one run of the tool `metalayer`, one rule per rule id
/// found, one result per finding (its masked form in the message, its fingerprint as a
/// partial fingerprint), never the value.
fn sarif(findings: &[SecretFinding]) -> Value {
    let mut rules: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            json!({
                "ruleId": f.rule,
                "ruleIndex": rules.iter().position(|r| *r == f.rule).unwrap_or(0),
                "level": "error",
                "message": { "text": format!("secret ({}) found: {}", f.rule, f.masked) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": f.path },
                        "region": { "startLine": f.line, "startColumn": f.column },
                    }
                }],
                "partialFingerprints": { "secretSha256/v1": f.fingerprint },
            })
        })
        .collect();
    let rule_list: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r,
                "name": r,
                "shortDescription": { "text": format!("secret: {r}") },
                "defaultConfiguration": { "level": "error" },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "metalayer",
                    "informationUri": "https://github.com/metalayer/metalayer",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rule_list,
                }
            },
            "results": results,
        }]
    })
}
