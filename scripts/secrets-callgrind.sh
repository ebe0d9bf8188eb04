#!/usr/bin/env bash
# Instructions per whole `metalayer hook pre-tool-use` process (valgrind --tool=callgrind,
# deterministic on a busy machine) for the README's table of the secret checks: an allowed
# Bash call, a denied one (the ledger masks it), and a Write of an ordinary 10 KB Rust file
# with the check off and on, in fresh git repositories with the seed policy.
# Usage: [SHARED_DIR=../shared] scripts/secrets-callgrind.sh [METALAYER_BINARY]
#        (default binary: $CARGO_TARGET_DIR or target, /release/metalayer)
set -euo pipefail
bin=$(realpath "${1:-${CARGO_TARGET_DIR:-target}/release/metalayer}")
shared=${SHARED_DIR:-../shared}
policy=$(realpath "$shared/bench/naive-hook/.control/policy.yaml")
dir=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
for d in on off; do
  mkdir -p "$dir/$d/.control" "$dir/$d/src"
  git -C "$dir/$d" init -q
  cp "$policy" "$dir/$d/.control/policy.yaml"
done
printf 'secrets:\n  content: off\n' >> "$dir/off/.control/policy.yaml"
python3 - "$dir" <<'EOF'
import json, sys
dir = sys.argv[1]
parts = ['''//! Session handling: tokens, keys and password checks for the auth service.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::crypto::{hash_password, verify_password, KeyRing};
use crate::error::AuthError;

/// A session token issued after a password check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionToken {
    pub id: u64,
    pub secret_hash: [u8; 32],
    pub expires: Instant,
}

pub struct TokenStore {
    tokens: HashMap<u64, SessionToken>,
    key_ring: KeyRing,
    ttl: Duration,
}
''']
i = 0
while sum(len(p) for p in parts) < 10 * 1024:
    parts.append(f'''
impl TokenStore {{
    /// Looks up the token for session {i} and checks its secret against the key ring.
    pub fn verify_{i}(&self, id: u64, presented: &str) -> Result<&SessionToken, AuthError> {{
        let token = self.tokens.get(&id).ok_or(AuthError::UnknownToken(id))?;
        let key = self.key_ring.current_key();
        let secret = key.derive(presented.as_bytes());
        if secret != token.secret_hash {{
            return Err(AuthError::BadSecret);
        }}
        Ok(token)
    }}

    pub fn rotate_{i}(&mut self, password: &str, api_key: &ApiKey) -> Result<u64, AuthError> {{
        let password_hash = hash_password(password)?;
        let access_token = self.issue(api_key.id(), &password_hash, self.ttl)?;
        Ok(access_token.id)
    }}
}}
''')
    i += 1
text = ''.join(parts)
for d in ['on', 'off']:
    root = f'{dir}/{d}'
    def event(tool, tool_input, name):
        json.dump({"session_id": "bench", "hook_event_name": "PreToolUse", "tool_name": tool,
                   "cwd": root, "tool_input": tool_input}, open(f'{dir}/{name}_{d}.json', 'w'))
    event("Write", {"file_path": root + "/src/session.rs", "content": text}, "write")
    event("Bash", {"command": "cargo test -p foo"}, "allow")
    event("Bash", {"command": "git push --force origin main"}, "deny")
EOF
for s in allow_on deny_on write_off write_on; do
  d=${s#*_}
  (cd "$dir/$d" && valgrind --tool=callgrind --callgrind-out-file="$dir/cg.$s" "$bin" hook pre-tool-use \
    < "$dir/$s.json" > /dev/null 2>&1 || true)
  printf '%-10s %12s instructions\n' "$s" "$(grep '^summary:' "$dir/cg.$s" | awk '{print $2}')"
done
