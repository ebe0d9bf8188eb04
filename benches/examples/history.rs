//! Writes a synthetic governed history (1,000 session records with 100,000 tool calls, a
//! ledger, AGENTS.md) into a folder, for the whole-process benchmark of `metalayer distill`:
//! `cargo run --release -p metalayer-benches --example history -- /tmp/history 1000 100000`.

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "history".to_owned());
    let sessions: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let calls: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    metalayer_benches::write_history(std::path::Path::new(&dir), sessions, calls)
}
