//! Writes a realistic Claude Code transcript of about N megabytes (default 100) to a file, for
//! whole-process benchmarks of the bridge:
//! `cargo run --release -p metalayer-benches --example transcript -- big.jsonl 100`.

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "transcript.jsonl".to_owned());
    let megabytes: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let file = std::fs::File::create(&path)?;
    let mut out = std::io::BufWriter::new(file);
    metalayer_benches::write_claude_transcript(&mut out, megabytes * 1_000_000)?;
    Ok(())
}
