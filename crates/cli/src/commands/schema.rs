//! `metalayer schema`.

use std::io::Write;
use std::process::ExitCode;

/// Arguments of `metalayer schema`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Which format.
    #[arg(value_enum, default_value_t = Format::Policy)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// `.control/policy.yaml`.
    Policy,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let text = match args.format {
        Format::Policy => metalayer_kernel::policy::schema_json(),
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
