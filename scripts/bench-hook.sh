#!/usr/bin/env bash
# Whole-process benchmark of `metalayer hook pre-tool-use` against the original-style gate
# (shared/bench/naive-hook/gate.sh), measured in the same run with hyperfine.
# Usage: [DCG=PATH] scripts/bench-hook.sh [RUNS]   (installs hyperfine and PyYAML when missing)
# With DCG (or a `dcg` on PATH), destructive_command_guard's hook is measured on the same two
# events in the same run, with its default configuration (a fresh HOME).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
shared=${SHARED_DIR:-../shared}
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
python3 -c 'import yaml' 2>/dev/null || pip install -q pyyaml
cargo build --release -p metalayer -p metalayer-benches --quiet
cargo build --release -p metalayer-benches --example stdin_floor --quiet
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/metalayer
floor=${CARGO_TARGET_DIR:-$PWD/target}/release/examples/stdin_floor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{seed,governed,large}/.git "$work"/{seed,governed,large}/.control
cp "$shared/bench/naive-hook/.control/policy.yaml" "$work/seed/.control/policy.yaml"
cp crates/kernel/policies/governed.yaml "$work/governed/.control/policy.yaml"
# The seed's gates plus 996 synthetic ones: 1,000 gates.
cargo run --release -q -p metalayer-benches --example policy_with_gates -- 1000 > "$work/large/.control/policy.yaml"
event='{"session_id":"bench","transcript_path":"/dev/null","cwd":"'"$work"'","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"cd /home/user/project && git status --short && cargo test --workspace -- --nocapture 2>&1"}}'
printf '%s' "$event" > "$work/event.json"
deny='{"session_id":"bench","transcript_path":"/dev/null","cwd":"'"$work"'","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git push --force origin main"}}'
printf '%s' "$deny" > "$work/deny.json"
dcg=${DCG:-$(command -v dcg || true)}
extra=()
if [ -n "$dcg" ]; then
  mkdir -p "$work/dcg-home"
  extra=(-n "dcg, allowed" "cd $work/seed && HOME=$work/dcg-home $dcg < $work/event.json"
         -n "dcg, denied" "cd $work/seed && HOME=$work/dcg-home $dcg < $work/deny.json")
fi
# One hyperfine run for everything, so the ratios compare figures measured together.
hyperfine --warmup 20 --runs "$runs" --export-json "$work/hook.json" "${extra[@]}" \
  -n "stdin floor (a minimal Rust program reading the event)" "$floor < $work/event.json" \
  -n "metalayer --version (process floor)" "$bin --version < $work/event.json" \
  -n "metalayer, seed policy" "CLAUDE_PROJECT_DIR=$work/seed $bin hook pre-tool-use < $work/event.json" \
  -n "metalayer, seed policy, denied" "CLAUDE_PROJECT_DIR=$work/seed $bin hook pre-tool-use < $work/deny.json" \
  -n "metalayer, governed default policy" "CLAUDE_PROJECT_DIR=$work/governed $bin hook pre-tool-use < $work/event.json" \
  -n "metalayer, governed default policy, denied" "CLAUDE_PROJECT_DIR=$work/governed $bin hook pre-tool-use < $work/deny.json" \
  -n "metalayer, 1,000-gate policy" "CLAUDE_PROJECT_DIR=$work/large $bin hook pre-tool-use < $work/event.json" \
  -n "naive gate.sh, seed policy" "POLICY=$work/seed/.control/policy.yaml bash $shared/bench/naive-hook/gate.sh < $work/event.json" \
  >/dev/null
python3 - "$work/hook.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ms = lambda name: results[name]["median"] * 1000
seed = ms("metalayer, seed policy")
floor = ms("stdin floor (a minimal Rust program reading the event)")
print("| what | median | ratio to the stdin floor | ratio to seed |")
print("|---|---|---|---|")
for name, r in results.items():
    print(f"| {name} | {ms(name):.2f} ms | {ms(name) / floor:.2f}x | {ms(name) / seed:.2f}x |")
if "dcg, allowed" in results:
    for row, mine in [("dcg, allowed", "metalayer, seed policy"),
                      ("dcg, allowed", "metalayer, governed default policy"),
                      ("dcg, denied", "metalayer, seed policy, denied"),
                      ("dcg, denied", "metalayer, governed default policy, denied")]:
        print(f"{row} / {mine}: {ms(row) / ms(mine):.2f}x")
naive = ms("naive gate.sh, seed policy")
print(f"\nnaive gate.sh / metalayer seed: {naive / seed:.0f}x; "
      f"naive / governed: {naive / ms('metalayer, governed default policy'):.0f}x")
PY
