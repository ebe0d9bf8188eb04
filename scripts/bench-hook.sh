#!/usr/bin/env bash
# Whole-process benchmark of `metalayer hook pre-tool-use` against the original-style gate
# (shared/bench/naive-hook/gate.sh), measured in the same run with hyperfine.
# Usage: scripts/bench-hook.sh [RUNS]   (installs hyperfine and PyYAML when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-300}
shared=${SHARED_DIR:-../shared}
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
python3 -c 'import yaml' 2>/dev/null || pip install -q pyyaml
cargo build --release -p metalayer -p metalayer-benches --quiet
bin=$PWD/target/release/metalayer
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{seed,governed,large}/.git "$work"/{seed,governed,large}/.control
cp "$shared/bench/naive-hook/.control/policy.yaml" "$work/seed/.control/policy.yaml"
cp crates/kernel/policies/governed.yaml "$work/governed/.control/policy.yaml"
# The seed's gates plus 996 synthetic ones: 1,000 gates.
cargo run --release -q -p metalayer-benches --example policy_with_gates -- 1000 > "$work/large/.control/policy.yaml"
event='{"session_id":"bench","transcript_path":"/dev/null","cwd":"'"$work"'","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"cd /home/user/project && git status --short && cargo test --workspace -- --nocapture 2>&1"}}'
printf '%s' "$event" > "$work/event.json"
hyperfine --warmup 20 --runs "$runs" --export-markdown "$work/hook.md" \
  -n "metalayer, seed policy" "CLAUDE_PROJECT_DIR=$work/seed $bin hook pre-tool-use < $work/event.json" \
  -n "metalayer, governed default policy" "CLAUDE_PROJECT_DIR=$work/governed $bin hook pre-tool-use < $work/event.json" \
  -n "metalayer, 1,000-gate policy" "CLAUDE_PROJECT_DIR=$work/large $bin hook pre-tool-use < $work/event.json"
hyperfine --warmup 3 --runs 20 --export-markdown "$work/naive.md" \
  -n "naive gate.sh, seed policy" "POLICY=$work/seed/.control/policy.yaml bash $shared/bench/naive-hook/gate.sh < $work/event.json"
cat "$work/hook.md" "$work/naive.md"
