//! Fuzz `metalayer_kernel::promote::plan_text`: any text as a policy file or an AGENTS.md,
//! any commands as a lesson's. A plan is never anything but one insertion into the text; a
//! gate plan's file loads as the old policy plus exactly the new gate; nothing panics.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use metalayer_kernel::promote::{Candidate, HistoryCall, Outcome, Target, is_insertion, plan_text};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    // The file, then the rule, then the commands to block and to allow, split at NULs.
    let mut parts = text.split('\0');
    let before = parts.next().unwrap_or_default();
    let rule = parts.next().unwrap_or("Use pnpm, not npm");
    let block: Vec<&str> = parts.next().unwrap_or("npm install x").split('\n').collect();
    let allow: Vec<&str> = parts.next().unwrap_or_default().split('\n').filter(|s| !s.is_empty()).collect();
    let target = match selector % 3 {
        0 => Target::Rule,
        1 => Target::Ask,
        _ => Target::Deny,
    };
    let mut lesson = Candidate::new("fuzz-lesson", "fuzz", "", rule)
        .with_block(block.iter().copied())
        .with_allow(allow.iter().copied());
    if selector & 0x80 != 0 {
        lesson = lesson.with_pattern(r"^npm\s+install(\s|$)");
    }
    let history: Vec<HistoryCall> = block
        .iter()
        .chain(&allow)
        .map(|c| HistoryCall::new("s", "claude", "Bash", *c, Outcome::Ok))
        .collect();
    // An AGENTS.md may be missing; a policy file missing is refused.
    let existing = (selector & 0x40 == 0).then_some(before);
    let path = Path::new(if target == Target::Rule { "AGENTS.md" } else { "policy.yaml" });
    let force = selector & 0x20 != 0;
    if let Ok(plan) = plan_text(path, existing, &lesson, target, &history, force) {
        let old = existing.unwrap_or_default();
        assert!(is_insertion(old, plan.after()), "not an insertion");
        if let Some(gate) = plan.gate() {
            let old = metalayer_policy::load_str(old, "old.yaml").expect("the old policy loaded");
            let new = metalayer_policy::load_str(plan.after(), "new.yaml").expect("the new policy loads");
            let mut expected = old.policy.clone();
            if target == Target::Deny {
                expected.gates.hard.push(gate.clone());
            } else {
                expected.gates.soft.push(gate.clone());
            }
            assert_eq!(new.policy, expected);
        }
    }
});
