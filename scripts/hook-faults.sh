#!/usr/bin/env bash
# Minor page faults per whole `metalayer hook pre-tool-use` process, for one binary or several
# side by side: the events of scripts/bench-hook.sh (an allowed and a denied shell call, seed
# and governed policy) and a 10 KB Write of ordinary code with the secret check on and off.
# Each process is started on its own with the event as its standard input (`perf stat -r N
# ... < EVENT` would feed the event to the first run only: the others read nothing and take
# the error path). Prints the median of RUNS runs per event and binary.
# Usage: [SHARED_DIR=../shared] [RUNS=51] scripts/hook-faults.sh [BINARY...]
#        (default binary: $CARGO_TARGET_DIR or target, /release/metalayer)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED_DIR:-../shared}
runs=${RUNS:-51}
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time; apt-get install time)" >&2; exit 2; }
bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=("${CARGO_TARGET_DIR:-$PWD/target}/release/metalayer")
for i in "${!bins[@]}"; do bins[i]=$(realpath "${bins[i]}"); done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for p in seed governed write-on write-off; do
  mkdir -p "$work/$p/.control" "$work/$p/src"
  git -C "$work/$p" init -q
done
cp "$shared/bench/naive-hook/.control/policy.yaml" "$work/seed/.control/policy.yaml"
cp crates/kernel/policies/governed.yaml "$work/governed/.control/policy.yaml"
cp "$shared/bench/naive-hook/.control/policy.yaml" "$work/write-on/.control/policy.yaml"
cp "$shared/bench/naive-hook/.control/policy.yaml" "$work/write-off/.control/policy.yaml"
printf 'secrets:\n  content: off\n' >> "$work/write-off/.control/policy.yaml"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def event(policy, name, tool, tool_input):
    with open(f"{work}/{policy}/{name}.json", "w") as out:
        json.dump({"session_id": "bench", "transcript_path": "/dev/null", "cwd": f"{work}/{policy}",
                   "hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": tool_input}, out)
for policy in ("seed", "governed"):
    event(policy, "allowed", "Bash", {"command": "cd /home/user/project && git status --short && cargo test --workspace -- --nocapture 2>&1"})
    event(policy, "denied", "Bash", {"command": "git push --force origin main"})
code = open("benches/data/wrappers-10kb.rs.txt").read()[:10240]
for policy in ("write-on", "write-off"):
    event(policy, "write", "Write", {"file_path": f"{work}/{policy}/src/wrappers.rs", "content": code})
PY
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '| event |'; for b in "${bins[@]}"; do printf ' %s |' "$b"; done; printf '\n|---|'
for _ in "${bins[@]}"; do printf -- '---|'; done; printf '\n'
for case in seed/allowed seed/denied governed/allowed governed/denied write-off/write write-on/write; do
  printf '| %s |' "$case"
  for b in "${bins[@]}"; do
    for _ in $(seq "$runs"); do
      (cd "$work/${case%/*}" && /usr/bin/time -f %R -o "$work/faults" "$b" hook pre-tool-use \
        < "$work/$case.json" > /dev/null 2>&1 || true)
      cat "$work/faults"
    done | grep -E '^[0-9]+$' | median | tr -d '\n' | sed 's/^/ /; s/$/ |/'
  done
  printf '\n'
done
