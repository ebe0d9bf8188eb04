//! The scenarios, each run in every real harness.

use metalayer_e2e::{Action, Harness, Result, Sandbox};

fn destructive_git_denied(harness: Harness) -> Result<()> {
    let sandbox = Sandbox::new(harness)?;
    sandbox.init(&[])?;
    sandbox.write("src/app.py", "print('work in progress')\n")?;
    let head = sandbox.head()?;
    let run = sandbox.run(
        "throw away my changes",
        &[Action::shell("git reset --hard HEAD")],
    )?;
    let result = run.result(0)?;
    assert!(
        result.text.contains("G2"),
        "the deny and its gate reach the model\n{}",
        run.describe()
    );
    assert_eq!(
        sandbox.read("src/app.py").as_deref(),
        Some("print('work in progress')\n"),
        "the work tree is untouched\n{}",
        run.describe()
    );
    assert_eq!(sandbox.head()?, head);
    let ledger = sandbox.ledger();
    assert!(
        ledger.iter().any(|r| r["decision"] == "deny" && r["gates"][0] == "G2"),
        "the ledger records the deny: {ledger:?}"
    );
    Ok(())
}

macro_rules! for_each_harness {
    ($scenario:ident) => {
        mod $scenario {
            use super::*;
            #[test]
            fn claude() -> Result<()> {
                $scenario(Harness::Claude)
            }
            #[test]
            fn codex() -> Result<()> {
                $scenario(Harness::Codex)
            }
            #[test]
            fn gemini() -> Result<()> {
                $scenario(Harness::Gemini)
            }
            #[test]
            fn copilot() -> Result<()> {
                $scenario(Harness::Copilot)
            }
        }
    };
}

for_each_harness!(destructive_git_denied);
