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
    /// The regression feature map (`.control/regression-map.yaml`, `scripts/regression-test-map.json`).
    FeatureMap,
    /// One line of the decision ledger (`.control/ledger/decisions.jsonl`).
    DecisionRecord,
    /// The output of `metalayer distill --json`.
    Distill,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let text = match args.format {
        Format::Policy => metalayer_kernel::policy::schema_json(),
        Format::FeatureMap => pretty(&metalayer_kernel::regression_map::schema()),
        Format::DecisionRecord => pretty(&metalayer_kernel::decision_record_schema()),
        Format::Distill => pretty(&metalayer_kernel::distillation_schema()),
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

fn pretty(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
