#!/usr/bin/env bash
# Runs a command with the project's toolchain ready: Node 24, installed dependencies and the
# Pulumi engine on PATH. With --test first, also the Debian tools the test suite calls.
# Every step is idempotent and returns at once when already done.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

with_test_tools=0
if [ "${1:-}" = "--test" ]; then with_test_tools=1; shift; fi

node_bin="$(bash scripts/ensure-node.sh)"
export PATH="$node_bin:$PATH"

# Dependencies: reinstall only when the lock file changed since the last install.
stamp="node_modules/.blkshp-lock-stamp"
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "with-env: installing npm dependencies" >&2
  npm ci --no-audit --no-fund >&2
  echo "$lock_sum" >"$stamp"
fi

engine_bin="$(bash scripts/ensure-engine.sh)"
export BLKSHP_PULUMI_BIN_DIR="$engine_bin"

if [ "$with_test_tools" = 1 ]; then
  bash scripts/ensure-test-tools.sh
fi

exec "$@"
