//! `metalayer stamp`: record (or clear) that the regression scenarios were run.

use std::io::Write;
use std::process::ExitCode;

/// Arguments of `metalayer stamp`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Remove the stamp instead of writing it.
    #[arg(long)]
    clear: bool,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let Some(root) = metalayer_kernel::find_root(&cwd) else {
        let _ = writeln!(
            std::io::stderr().lock(),
            "error: not inside a git repository ({})",
            cwd.display()
        );
        return ExitCode::FAILURE;
    };
    let result = if args.clear {
        metalayer_kernel::clear_stamp(&root).map(|had| {
            if had {
                "regression stamp cleared".to_owned()
            } else {
                "there was no regression stamp".to_owned()
            }
        })
    } else {
        metalayer_kernel::write_stamp(&root).map(|stamp| {
            format!(
                "regression scenarios recorded as run for the staged tree {} ({}); changing what is staged asks again",
                stamp.tree.get(..12).unwrap_or(&stamp.tree),
                metalayer_kernel::stamp_path(&root).display()
            )
        })
    };
    match result {
        Ok(text) => {
            let _ = writeln!(std::io::stdout().lock(), "{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr().lock(), "error: {}", e.with_causes());
            ExitCode::FAILURE
        }
    }
}
