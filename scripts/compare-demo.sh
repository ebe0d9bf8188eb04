#!/bin/sh
# Builds the demonstration repository of the README's `metalayer compare` section in $1
# (default: a new temporary folder): a base with an `evaluate:` section and three candidate
# branches, then prints the command to run.
set -eu
dir=${1:-$(mktemp -d)}
mkdir -p "$dir" && cd "$dir"
git init -q -b main
git config user.email demo@example.com && git config user.name demo
mkdir -p .control src/auth tests
cat > .control/policy.yaml <<'EOF'
version: "1.0"
gates:
  hard:
    - {id: S1, rule: "No secrets files", pattern: "(^|/)\\.env$", tools: [Write], field: file_path}
evaluate:
  test: {command: "sh tests/run.sh", junit: junit.xml}
  coverage: {command: "sh tests/coverage.sh", lcov: lcov.info}
  lint: "sh tests/lint.sh"
  build: {command: "mkdir -p dist && cat src/*.js > dist/app.js", artifacts: [dist/app.js]}
  measure:
    login_load_seconds: {command: "sh tests/measure.sh", unit: s}
  timeout_seconds: 60
EOF
cat > tests/run.sh <<'EOF'
n=$(ls src | wc -l)
{ echo '<testsuites><testsuite name="t">'
  i=0; while [ $i -lt $n ]; do echo "<testcase name=\"t$i\"/>"; i=$((i+1)); done
  [ -f src/fail ] && echo '<testcase name="bad"><failure message="x"/></testcase>'
  echo '</testsuite></testsuites>'; } > junit.xml
[ -f src/fail ] && exit 1
exit 0
EOF
cat > tests/coverage.sh <<'EOF'
hit=$(cat src/cov 2>/dev/null || echo 50)
{ echo "SF:$PWD/src/auth/login.js"; i=1; while [ $i -le 100 ]; do c=0; [ $i -le $hit ] && c=1; echo "DA:$i,$c"; i=$((i+1)); done; echo end_of_record; } > lcov.info
EOF
echo 'grep -Hn TODO src/*.js; exit 0' > tests/lint.sh
echo 'cat src/load 2>/dev/null || echo 3.5' > tests/measure.sh
echo 'console.log("app")' > src/app.js && echo 'export const login = 1' > src/auth/login.js
printf '[[package]]\nname = "app"\nversion = "0.1.0"\n' > Cargo.lock
git add -A && git commit -qm base
git checkout -qb agent-a && echo 85 > src/cov && echo 1.2 > src/load
mkdir -p tests/unit && echo 't' > tests/unit/login_test.js && git add -A && git commit -qm a
git checkout -q main && git checkout -qb agent-b && echo 90 > src/cov && echo 1.5 > src/load
for i in $(seq 1 300); do echo "// line $i" >> src/app.js; done
printf '\n[[package]]\nname = "left-pad"\nversion = "1.3.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n' >> Cargo.lock
git add -A && git commit -qm b
git checkout -q main && git checkout -qb agent-c && touch src/fail && echo '// TODO' >> src/app.js
echo "SECRET=1" > .env && git add -A && git commit -qm c
git checkout -q main
cat > TICKET.md <<'EOF'
# Faster login

## Acceptance Criteria
- [ ] All tests pass
- [ ] Test coverage for auth module >= 80%
- [ ] No new dependencies
- [ ] Load time for /login page < 2s on 3G throttle
- [ ] Bundle size under 2 KB
- [ ] Existing session tokens remain valid
EOF
echo "cd $dir && metalayer compare --ticket TICKET.md --base main agent-a agent-b agent-c"
