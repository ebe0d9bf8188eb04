//! Captures one transcript by hand and reports time and peak memory (Linux `VmHWM`).
//!
//! ```text
//! cargo run --release -p metalayer-bridge --example capture -- TRANSCRIPT OUT_DIR STATE_DIR [SESSION_ID]
//! ```

use std::time::Instant;

use metalayer_bridge::{Capture, CaptureOptions, SessionId};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [transcript, out, state, rest @ ..] = args.as_slice() else {
        return Err("usage: capture TRANSCRIPT OUT_DIR STATE_DIR [SESSION_ID]".into());
    };
    let id = rest
        .first()
        .cloned()
        .unwrap_or_else(|| "6151b6fd-bench".to_owned());
    let options = CaptureOptions::new(transcript, SessionId::new(id), out, state);
    let start = Instant::now();
    let report = Capture::run(&options)?;
    let elapsed = start.elapsed();
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "VmHWM: unknown".to_owned());
    eprintln!(
        "{} in {elapsed:.2?}: {} lines, {} records, {} skipped, {} unparsable; updated: {}; {peak}",
        report.session_file.display(),
        report.stats.lines,
        report.stats.records,
        report.stats.skipped,
        report.stats.unparsable,
        report.updated
    );
    Ok(())
}
