//! Properties of the compiled gate set: it equals a naive rule-by-rule evaluation, and rule
//! order never matters.

use metalayer_gates::{
    Decision, Field, GateSet, GateSetBuilder, MatchMode, NormalizeOptions, Rule, ToolCall,
    normalize,
};
use proptest::prelude::*;

/// The subjects a rule reads, written from the documented semantics, independently of the
/// engine's own code.
fn subjects(call: &ToolCall, rule: &Rule) -> Vec<String> {
    let commands: Vec<&str> = call.values("command").collect();
    let options = NormalizeOptions::default();
    match rule.field() {
        Field::Command => {
            let mut out = Vec::new();
            for c in &commands {
                let n = normalize(c, &options);
                if rule.mode() == MatchMode::Command {
                    out.extend(n.commands().iter().map(|s| s.precise_text().to_owned()));
                } else {
                    out.push((*c).to_owned());
                    out.extend(n.commands().iter().map(|s| s.text().to_owned()));
                }
            }
            out
        }
        Field::FilePath => {
            let mut out: Vec<String> = ["file_path", "notebook_path", "path"]
                .iter()
                .flat_map(|k| call.values(k))
                .map(|p| p.replace('\\', "/"))
                .collect();
            for c in &commands {
                out.extend(normalize(c, &options).writes().iter().cloned());
            }
            let cleaned: Vec<String> = out.iter().filter_map(|p| cleaned(p)).collect();
            out.extend(cleaned);
            out
        }
        Field::Content => ["content", "new_string", "new_source"]
            .iter()
            .flat_map(|k| call.values(k))
            .map(str::to_owned)
            .collect(),
        Field::Key(k) => call.values(k).map(str::to_owned).collect(),
        _ => unreachable!("no other field in these tests"),
    }
}

/// A path with its empty and `.` components dropped and each `..` taking away the component
/// before it, when that changes it: file gates read both.
fn cleaned(path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let mut absolute = path.starts_with('/');
    let mut stack: Vec<&str> = Vec::new();
    for c in path.split('/') {
        if c.is_empty() || c == "." {
            continue;
        }
        if c == ".." {
            // Climbing out of a home folder (`~/..`, `$HOME/..`) reaches the root.
            let first = path.split('/').next().unwrap_or_default();
            let home = first.starts_with('~') || first == "$HOME" || first == "${HOME}";
            if home && !absolute && stack.len() == 1 {
                stack.clear();
                absolute = true;
                continue;
            }
            // An expansion's value is unknown: `..` cannot take it away.
            if stack.last().is_some_and(|l| l.starts_with('$')) {
                stack.push("..");
            } else if stack.last().is_some_and(|l| *l != "..") {
                stack.pop();
            } else if !absolute {
                stack.push("..");
            }
            continue;
        }
        stack.push(c);
    }
    let mut out = format!("{}{}", if absolute { "/" } else { "" }, stack.join("/"));
    if path.ends_with('/') && !stack.is_empty() {
        out.push('/');
    }
    if out.is_empty() {
        out.push('.');
    }
    (out != path).then_some(out)
}

/// Rule by rule, one `regex::Regex` at a time.
fn naive(rules: &[Rule], call: &ToolCall) -> (Decision, Vec<String>) {
    let mut fired = Vec::new();
    for rule in rules {
        if !rule.applies_to(call.tool()) {
            continue;
        }
        let pattern = if rule.mode() == MatchMode::Command {
            format!(r"\A(?:{})", rule.pattern())
        } else {
            rule.pattern().to_owned()
        };
        let re = regex::Regex::new(&pattern).unwrap();
        let unless = rule.unless().map(|u| regex::Regex::new(u).unwrap());
        let hit = subjects(call, rule)
            .iter()
            .any(|s| re.is_match(s) && !unless.as_ref().is_some_and(|u| u.is_match(s)));
        if hit {
            fired.push(rule.id().as_str().to_owned());
        }
    }
    let decision = rules
        .iter()
        .filter(|r| fired.iter().any(|f| f == r.id().as_str()))
        .map(Rule::decision)
        .max()
        .unwrap_or(Decision::Allow);
    fired.sort();
    (decision, fired)
}

fn engine(set: &GateSet, call: &ToolCall) -> (Decision, Vec<String>) {
    let v = set.decide(call);
    let mut ids: Vec<String> = v
        .matches()
        .iter()
        .map(|m| m.id.as_str().to_owned())
        .collect();
    ids.sort();
    (v.decision(), ids)
}

const ATOMS: &[&str] = &[
    "git",
    "reset",
    "--hard",
    r"\s+",
    r"\s",
    "push",
    ".*",
    "(main|master)",
    "rm",
    "-rf",
    "/",
    r"\.env",
    "[a-z]+",
    "x",
    "echo",
    r"\bfoo\b",
    "(?i)GIT",
    r"\$HOME",
    "~",
    "<data>",
    r"\d",
    "$",
    "^",
    "a|b",
    "(?:--force|-f)",
    "",
];

const WORDS: &[&str] = &[
    "./.env",
    "x/../.env",
    ".git//hooks",
    "..",
    "cp",
    "mv",
    "chmod",
    "-x",
    "git",
    "reset",
    "--hard",
    "push",
    "--force",
    "origin",
    "main",
    "master",
    "rm",
    "-rf",
    "/",
    "~/",
    ".env",
    "echo",
    "foo",
    "x",
    "'git reset'",
    "\"--hard\"",
    "$HOME",
    "sudo",
    "bash -c",
    "'rm -rf /'",
    "&&",
    ";",
    "|",
    ">",
    ">>",
    "$(git reset --hard)",
    "FOO=1",
    "GIT",
    "a b",
    "\"x y\"",
    "<<<",
    "eval",
    "python3 -c",
    "\"os.system('rm -rf /')\"",
    "\\",
    "(",
    ")",
];

fn pattern() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ATOMS), 1..4).prop_map(|a| a.concat())
}

fn rule(index: usize) -> impl Strategy<Value = Rule> {
    (
        pattern(),
        any::<bool>(),
        prop::sample::select(vec![0u8, 1, 2, 3]),
        any::<bool>(),
        prop::option::of(pattern()),
    )
        .prop_map(move |(p, deny, field, precise, unless)| {
            let decision = if deny { Decision::Deny } else { Decision::Ask };
            let mut r = Rule::new(format!("R{index}"), decision, p);
            r = match field {
                0 => r,
                1 => r.with_field(Field::FilePath),
                2 => r.with_field(Field::Content),
                _ => r.with_field(Field::Key("url".into())).with_tools(["*"]),
            };
            if precise {
                r = r.with_mode(MatchMode::Command);
            }
            if let Some(u) = unless {
                r = r.with_unless(u);
            }
            r
        })
}

fn rules() -> impl Strategy<Value = Vec<Rule>> {
    (1usize..12).prop_flat_map(|n| (0..n).map(rule).collect::<Vec<_>>())
}

fn call() -> impl Strategy<Value = ToolCall> {
    let text = prop::collection::vec(prop::sample::select(WORDS), 0..10).prop_map(|w| w.join(" "));
    (
        prop::sample::select(vec!["Bash", "Write", "Edit", "WebFetch"]),
        text.clone(),
        text,
    )
        .prop_map(|(tool, a, b)| match tool {
            "Bash" => ToolCall::bash(a),
            "WebFetch" => ToolCall::new(tool).with("url", a),
            _ => ToolCall::new(tool).with("file_path", a).with("content", b),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn compiled_set_equals_naive_evaluation(rules in rules(), call in call()) {
        let set = GateSetBuilder::new().rules(rules.clone()).build().unwrap();
        let verdict = set.decide(&call);
        prop_assume!(verdict.unverified().is_none());
        prop_assert_eq!(engine(&set, &call), naive(&rules, &call));
    }

    #[test]
    fn rule_order_never_matters(rules in rules(), call in call(), seed in any::<u64>()) {
        let mut shuffled = rules.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let j = usize::try_from(state % (i as u64 + 1)).unwrap();
            shuffled.swap(i, j);
        }
        let a = GateSetBuilder::new().rules(rules).build().unwrap();
        let b = GateSetBuilder::new().rules(shuffled).build().unwrap();
        let (va, vb) = (a.decide(&call), b.decide(&call));
        prop_assert_eq!(va.decision(), vb.decision());
        prop_assert_eq!(va.decider().map(|m| m.id.clone()), vb.decider().map(|m| m.id.clone()));
        prop_assert_eq!(engine(&a, &call), engine(&b, &call));
    }

    #[test]
    fn adding_a_deny_rule_never_lowers_a_decision(rules in rules(), extra in pattern(), call in call()) {
        let before = GateSetBuilder::new().rules(rules.clone()).build().unwrap().decide(&call).decision();
        let mut more = rules;
        more.push(Rule::new("EXTRA", Decision::Deny, extra));
        let after = GateSetBuilder::new().rules(more).build().unwrap().decide(&call).decision();
        prop_assert!(after >= before);
    }
}

#[test]
fn a_thousand_gates_decide_like_four() {
    let mut rules: Vec<Rule> = (0..1000)
        .map(|i| {
            Rule::new(
                format!("N{i}"),
                Decision::Deny,
                format!(r"tool{i}\s+--flag{i}"),
            )
        })
        .collect();
    rules.push(Rule::new("G2", Decision::Deny, "git reset --hard"));
    let set = GateSetBuilder::new().rules(rules).build().unwrap();
    assert_eq!(
        set.decide(&ToolCall::bash("git 'reset' --hard")).decision(),
        Decision::Deny
    );
    assert_eq!(
        set.decide(&ToolCall::bash("tool517  --flag517"))
            .decider()
            .unwrap()
            .id
            .as_str(),
        "N517"
    );
    assert_eq!(
        set.decide(&ToolCall::bash("tool517 --flag518")).decision(),
        Decision::Allow
    );
}
