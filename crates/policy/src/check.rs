//! Semantic checks, run on the document tree so that every problem is found in one run, even
//! when the structure has errors too.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, DiagnosticSeverity, Span};
use crate::model::{GateId, is_gate_list};
use crate::pattern;
use crate::schema::context;
use crate::suggest::did_you_mean;
use crate::tree::{Positions, SpanMap, escape_token};

/// The version assumed when a policy has none.
pub const DEFAULT_VERSION: &str = "1.0";

/// Top-level keys this crate reads.
const TOP_KEYS: &[&str] = &[
    "version",
    "profile",
    "on_error",
    "gates",
    "setpoints",
    "regression",
    "bridge",
    "evaluate",
    "secrets",
];
/// Top-level keys of the documented dialects, kept verbatim.
const TOP_DIALECT_KEYS: &[&str] = &[
    "profiles",
    "permissions",
    "never_auto_granted",
    "approval",
    "trust_tiers",
    "ci_watch",
    "ci_heal",
    "auto_merge",
    "write_gate",
    "workspace",
    "controller",
    "rules",
    "name",
    "description",
    "metadata",
];
/// Gate lists: enforced ones, then the documentation-only lists of the later dialects.
const GATE_LISTS: &[&str] = &["hard", "soft"];
const GATE_DOC_LISTS: &[&str] = &["governed", "baseline", "autonomous"];
const GATE_KEYS: &[&str] = &[
    "id",
    "rule",
    "pattern",
    "tools",
    "field",
    "match",
    "unless",
    "measurement",
    "severity",
    "enforcement",
    "condition",
    "action",
    "bypass_audit",
    "profiles",
    "introduced_in",
    "deprecated_in",
    "examples",
    "origin",
    "description",
];
const SETPOINT_KEYS: &[&str] = &[
    "id",
    "name",
    "target",
    "alert_below",
    "alert_above",
    "measurement",
    "severity",
    "unit",
    "owner",
    "introduced_in",
    "deprecated_in",
    "description",
];
const MEASUREMENT_KEYS: &[&str] = &["type", "spec", "timeout_seconds"];
const REGRESSION_KEYS: &[&str] = &["map", "stamp_ttl_seconds"];
const BRIDGE_KEYS: &[&str] = &["output", "enabled", "redact", "limits"];
const BRIDGE_LIMIT_KEYS: &[&str] = &["text_chars", "output_chars", "diff_lines", "thread_items"];
const SECRETS_KEYS: &[&str] = &["content", "commits", "allow"];
const SECRETS_ALLOW_KEYS: &[&str] = &["paths", "rules", "fingerprints"];
const EVALUATE_KEYS: &[&str] = &[
    "test",
    "coverage",
    "lint",
    "build",
    "measure",
    "timeout_seconds",
];
const REDACT_KEYS: &[&str] = &[
    "name",
    "pattern",
    "keywords",
    "secret_group",
    "secretGroup",
    "entropy",
];

/// The tool names a gate may name in `tools` (besides `*` and `mcp__...`): the gates' words,
/// which are Claude Code's tool names plus `ApplyPatch` (Codex's and Copilot's `apply_patch`).
/// Every harness's tools are read into these words; the kernel's tests check that each one it
/// maps to is listed here.
pub const KNOWN_TOOLS: &[&str] = &[
    "Bash",
    "Write",
    "Edit",
    "MultiEdit",
    "NotebookEdit",
    "Read",
    "Glob",
    "Grep",
    "WebFetch",
    "WebSearch",
    "Agent",
    "Task",
    "PowerShell",
    "ApplyPatch",
];

/// The keys of one gate the checks read, found in one pass over its map.
struct GateKeys<'s> {
    id: Option<&'s str>,
    pattern: Option<&'s Value>,
    unless: Option<&'s Value>,
    tools: Option<&'s Value>,
    field: Option<&'s Value>,
    mode: Option<&'s Value>,
    /// Whether the gate has a key outside [`GATE_KEYS`].
    unknown: bool,
}

impl<'s> GateKeys<'s> {
    fn read(gate: &'s Map<String, Value>) -> Self {
        let mut keys = Self {
            id: None,
            pattern: None,
            unless: None,
            tools: None,
            field: None,
            mode: None,
            unknown: false,
        };
        for (key, value) in gate {
            match key.as_str() {
                "id" => keys.id = value.as_str(),
                "pattern" => keys.pattern = Some(value),
                "unless" => keys.unless = Some(value),
                "tools" => keys.tools = Some(value),
                "field" => keys.field = Some(value),
                "match" => keys.mode = Some(value),
                other => keys.unknown |= !GATE_KEYS.contains(&other),
            }
        }
        keys
    }
}

struct Checker<'s, 'a> {
    root: &'s Value,
    spans: &'s SpanMap,
    pos: &'s Positions<'a>,
    out: Vec<Diagnostic>,
    /// Parse every regex (off in the fast path of a caller that compiles them itself).
    patterns: bool,
}

impl<'s> Checker<'s, '_> {
    fn at(
        &self,
        severity: DiagnosticSeverity,
        code: &'static str,
        message: String,
        pointer: &str,
        on_key: bool,
    ) -> Diagnostic {
        let span = if on_key {
            self.spans.key_span(pointer)
        } else {
            self.spans.value_span(pointer)
        };
        let (line, column) = self.pos.line_col(span.offset);
        let mut d = match severity {
            DiagnosticSeverity::Error => Diagnostic::error(code, message, span, line, column),
            DiagnosticSeverity::Warning => Diagnostic::warning(code, message, span, line, column),
        };
        d.pointer = pointer.to_owned();
        d
    }

    fn error(&self, code: &'static str, message: String, pointer: &str) -> Diagnostic {
        self.at(DiagnosticSeverity::Error, code, message, pointer, false)
    }

    fn warning(
        &self,
        code: &'static str,
        message: String,
        pointer: &str,
        on_key: bool,
    ) -> Diagnostic {
        self.at(DiagnosticSeverity::Warning, code, message, pointer, on_key)
    }

    fn span_of(&self, pointer: &str) -> (Span, usize, usize) {
        let span = self.spans.value_span(pointer);
        let (l, c) = self.pos.line_col(span.offset);
        (span, l, c)
    }

    /// Warns about the keys of `map` that are in none of the lists.
    fn unknown_keys(
        &mut self,
        map: &Map<String, Value>,
        pointer: &str,
        known: &[&str],
        also: &[&str],
        what: &str,
    ) {
        for key in map.keys() {
            if known.contains(&key.as_str()) || also.contains(&key.as_str()) {
                continue;
            }
            let p = format!("{pointer}/{}", escape_token(key));
            let mut all: Vec<&str> = known.to_vec();
            all.extend_from_slice(also);
            let suggestion = did_you_mean(key, &all);
            let mut d = self.warning(
                "policy::unknown-key",
                format!("unknown key `{key}` in {what}"),
                &p,
                true,
            );
            d.label = Some("not a known key".to_owned());
            d.help = Some(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "unknown keys are kept but have no effect".to_owned(),
            });
            self.out.push(d);
        }
    }

    fn run(&mut self) {
        let Some(top) = self.root.as_object() else {
            return;
        };
        self.version(top);
        self.unknown_keys(top, "", TOP_KEYS, TOP_DIALECT_KEYS, "the policy");
        if top.contains_key("rules") {
            let mut d = self.warning(
                "policy::not-enforced",
                "`rules` (control-metalayer-loop dialect) is kept but carries no enforcement"
                    .to_owned(),
                "/rules",
                true,
            );
            d.help = Some(
                "to enforce a rule, write it as a `gates.hard` entry with a `pattern`".to_owned(),
            );
            self.out.push(d);
        }
        if let Some(gates) = top.get("gates").and_then(Value::as_object) {
            self.gates(gates);
        }
        match top.get("setpoints") {
            Some(Value::Array(items)) => self.setpoints(items),
            Some(Value::Object(_)) => {
                let mut d = self.warning(
                    "policy::not-enforced",
                    "map-style `setpoints` (non-standard) are kept but carry no enforcement"
                        .to_owned(),
                    "/setpoints",
                    true,
                );
                d.help = Some("write setpoints as a list of `{id: S1, name: ..., target: ..., alert_below: ...}`".to_owned());
                self.out.push(d);
            }
            _ => {}
        }
        if let Some(reg) = top.get("regression").and_then(Value::as_object) {
            self.unknown_keys(reg, "/regression", REGRESSION_KEYS, &[], "`regression`");
        }
        if let Some(evaluate) = top.get("evaluate").and_then(Value::as_object) {
            self.unknown_keys(evaluate, "/evaluate", EVALUATE_KEYS, &[], "`evaluate`");
        }
        if let Some(secrets) = top.get("secrets").and_then(Value::as_object) {
            self.secrets(secrets);
        }
        if let Some(bridge) = top.get("bridge").and_then(Value::as_object) {
            self.unknown_keys(bridge, "/bridge", BRIDGE_KEYS, &[], "`bridge`");
            if let Some(limits) = bridge.get("limits").and_then(Value::as_object) {
                self.unknown_keys(
                    limits,
                    "/bridge/limits",
                    BRIDGE_LIMIT_KEYS,
                    &[],
                    "`bridge.limits`",
                );
            }
            if let Some(rules) = bridge.get("redact").and_then(Value::as_array) {
                for (i, rule) in rules.iter().enumerate() {
                    let Some(rule) = rule.as_object() else {
                        continue;
                    };
                    let p = format!("/bridge/redact/{i}");
                    self.unknown_keys(rule, &p, REDACT_KEYS, &[], "a redaction rule");
                    if let Some(pat) = rule.get("pattern").and_then(Value::as_str)
                        && self.patterns
                        && let Err(problem) = pattern::check(pat)
                    {
                        let name = rule.get("name").and_then(Value::as_str).unwrap_or("?");
                        let mut d = self.error(
                            "policy::bad-pattern",
                            format!(
                                "redaction rule `{name}`: pattern does not compile as a Rust regex"
                            ),
                            &format!("{p}/pattern"),
                        );
                        d.label = Some(problem.label);
                        d.help = problem.help;
                        self.out.push(d);
                    }
                }
            }
        }
    }

    /// The `secrets:` section: known keys, and fingerprints in the form `metalayer scan` prints.
    fn secrets(&mut self, secrets: &Map<String, Value>) {
        self.unknown_keys(secrets, "/secrets", SECRETS_KEYS, &[], "`secrets`");
        let Some(allow) = secrets.get("allow").and_then(Value::as_object) else {
            return;
        };
        self.unknown_keys(
            allow,
            "/secrets/allow",
            SECRETS_ALLOW_KEYS,
            &[],
            "`secrets.allow`",
        );
        let fingerprints = allow.get("fingerprints").and_then(Value::as_array);
        for (i, fingerprint) in fingerprints.into_iter().flatten().enumerate() {
            let Some(text) = fingerprint.as_str() else {
                continue;
            };
            if !is_fingerprint(text) {
                let mut d = self.error(
                    "policy::bad-fingerprint",
                    // Never quoted: a secret pasted in place of its fingerprint stays unshown.
                    "this is not a secret fingerprint".to_owned(),
                    &format!("/secrets/allow/fingerprints/{i}"),
                );
                d.help = Some(
                    "write it as `metalayer scan` prints it: `sha256:` and 16 hex digits"
                        .to_owned(),
                );
                self.out.push(d);
            }
        }
        let paths = allow.get("paths").and_then(Value::as_array);
        for (i, glob) in paths.into_iter().flatten().enumerate() {
            let Some(text) = glob.as_str() else {
                continue;
            };
            if let Some(problem) = glob_problem(text) {
                let mut d = self.error(
                    "policy::bad-glob",
                    format!("`{text}` is not a valid glob: {problem}"),
                    &format!("/secrets/allow/paths/{i}"),
                );
                d.help = Some(
                    "globs are relative to the repository root: `tests/fixtures/**`".to_owned(),
                );
                self.out.push(d);
            }
        }
    }

    fn version(&mut self, top: &Map<String, Value>) {
        let text = match top.get("version") {
            None => {
                let mut d = self.warning(
                    "policy::missing-version",
                    format!("the policy has no `version`; reading it as version {DEFAULT_VERSION}"),
                    "",
                    false,
                );
                d.help = Some(format!("add `version: \"{DEFAULT_VERSION}\"` at the top"));
                self.out.push(d);
                return;
            }
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return, // the schema reports the type
        };
        let major = text
            .trim()
            .split('.')
            .next()
            .and_then(|m| m.parse::<u64>().ok());
        match major {
            Some(1) => {}
            Some(_) => {
                let mut d = self.error(
                    "policy::unsupported-version",
                    format!(
                        "unsupported policy version `{text}`; this metalayer reads version 1.x"
                    ),
                    "/version",
                );
                d.label = Some("unsupported version".to_owned());
                d.help =
                    Some("upgrade metalayer, or write the policy in the 1.x format".to_owned());
                self.out.push(d);
            }
            None => {
                let mut d = self.error(
                    "policy::unsupported-version",
                    format!(
                        "cannot read policy version `{text}`; this metalayer reads version 1.x"
                    ),
                    "/version",
                );
                d.label = Some("not a version number".to_owned());
                d.help = Some(format!("write `version: \"{DEFAULT_VERSION}\"`"));
                self.out.push(d);
            }
        }
    }

    fn gates(&mut self, gates: &'s Map<String, Value>) {
        // Gate id -> where it was first defined (list pointer, index), made into a pointer
        // only when a duplicate needs it.
        // A BTreeMap: short ids compare in a few instructions, where SipHash costs hundreds.
        let mut seen: BTreeMap<&'s str, (&'s str, usize)> = BTreeMap::new();
        for (list, value) in gates {
            let lp = format!("/gates/{}", escape_token(list));
            let enforced = GATE_LISTS.contains(&list.as_str());
            let documented = GATE_DOC_LISTS.contains(&list.as_str());
            if !enforced && !documented {
                let suggestion = did_you_mean(list, &[GATE_LISTS, GATE_DOC_LISTS].concat());
                if let Some(s) = suggestion {
                    let mut d = self.warning(
                        "policy::unknown-key",
                        format!("unknown key `{list}` in `gates`"),
                        &lp,
                        true,
                    );
                    d.label = Some("not a known gate list".to_owned());
                    d.help = Some(format!(
                        "did you mean `{s}`? as written, these gates are kept as documentation and are not enforced"
                    ));
                    self.out.push(d);
                } else if is_gate_list(value) {
                    let mut d = self.warning(
                        "policy::not-enforced",
                        format!("gate list `gates.{list}` is not `hard` or `soft`: its gates are kept as documentation and are not enforced"),
                        &lp,
                        true,
                    );
                    d.help = Some("move the gates to `gates.hard` (deny) or `gates.soft` (ask) to enforce them".to_owned());
                    self.out.push(d);
                } else {
                    let mut d = self.warning(
                        "policy::not-enforced",
                        format!("free-form gate map `gates.{list}` (non-standard) is kept but carries no enforcement"),
                        &lp,
                        true,
                    );
                    d.help = Some("gates that enforce are list entries `{id, rule, pattern}` under `gates.hard` or `gates.soft`".to_owned());
                    self.out.push(d);
                }
            }
            let Some(items) = value.as_array() else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let Some(gate) = item.as_object() else {
                    continue;
                };
                // Most gates have no diagnostic: their pointer is made only when one needs it.
                let gp = || format!("{lp}/{i}");
                let keys = self.entry(gate, &gp, list, enforced);
                if let Some(id) = keys.id {
                    if let Some((first_list, first_index)) = seen.get(id) {
                        let idp = format!("{}/id", gp());
                        let first = format!("/gates/{}/{first_index}/id", escape_token(first_list));
                        let (fspan, fl, fc) = self.span_of(&first);
                        let mut d = self.error(
                            "policy::duplicate-id",
                            format!("duplicate gate id `{id}` (first defined at line {fl})"),
                            &idp,
                        );
                        d.label = Some("defined again here".to_owned());
                        d.gate = Some(GateId::new(id));
                        d.help = Some(
                            "gate ids must be unique across all gate lists: rename one of them"
                                .to_owned(),
                        );
                        d = d.with_secondary(fspan, fl, fc, "first defined here");
                        self.out.push(d);
                    } else {
                        seen.insert(id, (list, i));
                    }
                }
            }
        }
    }

    /// Every check of one gate list entry but the duplicate id: unknown keys, and for an
    /// enforced list (`enforced`), the gate's own checks. Returns its keys.
    fn entry<'g>(
        &mut self,
        gate: &'g Map<String, Value>,
        gp: &dyn Fn() -> String,
        list: &str,
        enforced: bool,
    ) -> GateKeys<'g> {
        let keys = GateKeys::read(gate);
        if keys.unknown {
            self.unknown_keys(gate, &gp(), GATE_KEYS, &[], "a gate");
        }
        if enforced {
            self.gate(&keys, gp, list);
        }
        keys
    }

    fn gate(&mut self, keys: &GateKeys<'_>, gp: &dyn Fn() -> String, list: &str) {
        let root = self.root;
        // Named only when a diagnostic needs it: most gates have none.
        let who = || context(&gp(), root).unwrap_or_else(|| "gate".to_owned());
        let gate_id = || keys.id.map(GateId::from);
        for (key, value) in [("pattern", keys.pattern), ("unless", keys.unless)] {
            let Some(pat) = value.and_then(Value::as_str) else {
                continue;
            };
            if !self.patterns {
                continue;
            }
            if let Err(problem) = pattern::check(pat) {
                let what = if key == "pattern" {
                    "pattern"
                } else {
                    "`unless` pattern"
                };
                let mut d = self.error(
                    "policy::bad-pattern",
                    format!("{}: {what} does not compile as a Rust regex", who()),
                    &format!("{}/{key}", gp()),
                );
                d.label = Some(problem.label);
                d.help = problem.help;
                d.gate = gate_id();
                self.out.push(d);
            }
        }
        let present = |v: Option<&Value>| v.is_some_and(|v| !v.is_null());
        if !present(keys.pattern) {
            // The keys that matter only to a gate with a pattern.
            let extension: Vec<&str> = [
                ("tools", keys.tools),
                ("field", keys.field),
                ("match", keys.mode),
                ("unless", keys.unless),
            ]
            .into_iter()
            .filter(|(_, v)| present(*v))
            .map(|(k, _)| k)
            .collect();
            if let Some(first) = extension.first() {
                let names: Vec<String> = extension.iter().map(|k| format!("`{k}`")).collect();
                let mut d = self.error(
                    "policy::cannot-fire",
                    format!(
                        "{}: has {} but no `pattern`, so it can never fire",
                        who(),
                        names.join(", ")
                    ),
                    &format!("{}/{first}", gp()),
                );
                d.label = Some("needs a `pattern`".to_owned());
                d.help = Some("add a `pattern:` for the gate to match, or remove these keys to keep it as documentation".to_owned());
                d.gate = gate_id();
                self.out.push(d);
            } else if list == "hard" {
                let mut d = self.warning(
                    "policy::not-enforced",
                    format!("{}: hard gate without a `pattern` is documentation only and is not enforced", who()),
                    &gp(),
                    false,
                );
                d.help = Some("add a `pattern:` (a Rust regex) to enforce it".to_owned());
                d.gate = gate_id();
                self.out.push(d);
            }
        }
        let field = keys.field.and_then(Value::as_str).unwrap_or("command");
        let mode = keys.mode.and_then(Value::as_str);
        if mode == Some("command") && field != "command" {
            let mut d = self.error(
                "policy::match-needs-command",
                format!("{}: `match: command` reads a Bash command, but the gate reads `field: {field}`", who()),
                &format!("{}/match", gp()),
            );
            d.label = Some("only for `field: command`".to_owned());
            d.help = Some(
                "use `match: anywhere` (the default) for other fields, or remove `field`"
                    .to_owned(),
            );
            d.gate = gate_id();
            self.out.push(d);
        }
        if let Some(tools) = keys.tools.and_then(Value::as_array) {
            for (t, tool) in tools.iter().enumerate() {
                let Some(name) = tool.as_str() else { continue };
                if name == "*" || name.starts_with("mcp__") || KNOWN_TOOLS.contains(&name) {
                    continue;
                }
                let suggestion = did_you_mean(name, KNOWN_TOOLS);
                let mut d = self.warning(
                    "policy::unknown-tool",
                    format!("{}: unknown tool name `{name}`", who()),
                    &format!("{}/tools/{t}", gp()),
                    false,
                );
                d.label = Some("not a Claude Code tool".to_owned());
                d.help = Some(match suggestion {
                    Some(s) => format!("did you mean `{s}`? tool names are case-sensitive"),
                    None => format!(
                        "known tools: {}, `*`, or an `mcp__server__tool` name",
                        KNOWN_TOOLS.join(", ")
                    ),
                });
                d.gate = gate_id();
                self.out.push(d);
            }
        }
    }

    fn setpoints(&mut self, items: &[Value]) {
        let mut seen: HashMap<String, String> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let Some(sp) = item.as_object() else { continue };
            let p = format!("/setpoints/{i}");
            let root = self.root;
            let who = || context(&p, root).unwrap_or_else(|| "setpoint".to_owned());
            self.unknown_keys(sp, &p, SETPOINT_KEYS, &[], "a setpoint");
            if let Some(m) = sp.get("measurement").and_then(Value::as_object) {
                self.unknown_keys(
                    m,
                    &format!("{p}/measurement"),
                    MEASUREMENT_KEYS,
                    &[],
                    "a measurement",
                );
            }
            if let Some(id) = sp.get("id").and_then(Value::as_str) {
                let idp = format!("{p}/id");
                if let Some(first) = seen.get(id).cloned() {
                    let (fspan, fl, fc) = self.span_of(&first);
                    let mut d = self.error(
                        "policy::duplicate-id",
                        format!("duplicate setpoint id `{id}` (first defined at line {fl})"),
                        &idp,
                    );
                    d.label = Some("defined again here".to_owned());
                    d.help = Some("setpoint ids must be unique: rename one of them".to_owned());
                    d = d.with_secondary(fspan, fl, fc, "first defined here");
                    self.out.push(d);
                } else {
                    seen.insert(id.to_owned(), idp);
                }
            }
            let below = sp.get("alert_below").is_some_and(|v| !v.is_null());
            let above = sp.get("alert_above").is_some_and(|v| !v.is_null());
            match (below, above) {
                (true, true) => {
                    let mut d = self.error(
                        "policy::setpoint-bounds",
                        format!("{}: has both `alert_below` and `alert_above`", who()),
                        &format!("{p}/alert_above"),
                    );
                    d.label = Some("second bound".to_owned());
                    d.help = Some("a setpoint alerts on one side of its target: keep one bound, and add a second setpoint for the other side".to_owned());
                    self.out.push(d);
                }
                (false, false) if sp.get("target").is_some_and(Value::is_null) => {
                    let mut d = self.warning(
                        "policy::setpoint-unset",
                        format!("{}: target is null (set per plant) and there is no alert bound; it is not checked", who()),
                        &p,
                        false,
                    );
                    d.help = Some(
                        "set `target` and `alert_below` or `alert_above` when the plant is known"
                            .to_owned(),
                    );
                    self.out.push(d);
                }
                (false, false) => {
                    let mut d = self.error(
                        "policy::setpoint-bounds",
                        format!("{}: has neither `alert_below` nor `alert_above`", who()),
                        &p,
                    );
                    d.label = Some("no alert bound".to_owned());
                    d.help = Some("add `alert_below: N` or `alert_above: N`, or set `target: null` to leave it unset".to_owned());
                    self.out.push(d);
                }
                _ => {}
            }
        }
    }
}

/// Runs every semantic check on the document.
/// What the checks of [`check`] that look at one entry of an enforced gate list (`hard` or
/// `soft`) alone find in it: all but the duplicate id, which the caller checks across every
/// list. Positions are not recorded.
pub(crate) fn gate_entry(
    entry: &Map<String, Value>,
    list: &str,
    pos: &Positions<'_>,
    patterns: bool,
) -> Vec<Diagnostic> {
    let root = Value::Null;
    let spans = SpanMap::default();
    let mut checker = Checker {
        root: &root,
        spans: &spans,
        pos,
        out: Vec::new(),
        patterns,
    };
    checker.entry(entry, &|| format!("/gates/{list}/0"), list, true);
    checker.out
}

pub(crate) fn check(
    root: &Value,
    spans: &SpanMap,
    pos: &Positions<'_>,
    patterns: bool,
) -> Vec<Diagnostic> {
    let mut checker = Checker {
        root,
        spans,
        pos,
        out: Vec::new(),
        patterns,
    };
    checker.run();
    checker.out
}

/// Whether `text` is a secret fingerprint as `metalayer scan` prints it: `sha256:` and 16
/// lower-case hex digits.
#[must_use]
pub fn is_fingerprint(text: &str) -> bool {
    text.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 16 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// What is wrong with a glob of `secrets.allow.paths`, if anything: an empty glob, or an
/// unclosed `[` or `{`.
fn glob_problem(glob: &str) -> Option<&'static str> {
    if glob.trim().is_empty() {
        return Some("it is empty");
    }
    let (mut class, mut braces) = (false, 0_usize);
    let mut chars = glob.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !class => class = true,
            ']' if class => class = false,
            '{' if !class => braces += 1,
            '}' if !class && braces > 0 => braces -= 1,
            _ => {}
        }
    }
    if class {
        Some("a `[` is not closed")
    } else if braces > 0 {
        Some("a `{` is not closed")
    } else {
        None
    }
}
