#!/usr/bin/env bash
# Writes crates/cli/hook-order.txt: the functions the hook runs (allowed and denied calls on the
# seed and the governed policy), by their linker names, from callgrind runs of the release
# binary. crates/cli/build.rs has the linker put them first, next to each other.
# Usage: SHARED_DIR=../shared scripts/hook-order.sh   (needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED_DIR:-../shared}
cargo build --release -p metalayer --quiet
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/metalayer
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{seed,governed}/.git "$work"/{seed,governed}/.control
cp "$shared/bench/naive-hook/.control/policy.yaml" "$work/seed/.control/policy.yaml"
cp crates/kernel/policies/governed.yaml "$work/governed/.control/policy.yaml"
event() {
  printf '{"session_id":"order","transcript_path":"/dev/null","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"%s"}}' "$work" "$1"
}
event 'cd /home/user/project && git status --short && cargo test --workspace -- --nocapture 2>&1' > "$work/allow.json"
event 'git push --force origin main' > "$work/deny.json"
for policy in seed governed; do
  for kind in allow deny; do
    CLAUDE_PROJECT_DIR="$work/$policy" valgrind --tool=callgrind --demangle=no \
      --callgrind-out-file="$work/cg.$policy.$kind" "$bin" hook pre-tool-use \
      < "$work/$kind.json" > /dev/null 2>&1 || true
  done
done
# Every function named in the profiles, as caller (fn=) or callee (cfn=).
cat "$work"/cg.* | sed -nE 's/^c?fn=\([0-9]+\) (_[ZR].*)$/\1/p' | sort -u > crates/cli/hook-order.txt
wc -l < crates/cli/hook-order.txt
