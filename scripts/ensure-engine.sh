#!/usr/bin/env bash
# Makes the Pulumi engine available and prints the directory that holds `pulumi` and our shims.
#
# Order: an existing `pulumi` at or above the pinned version (PATH, then ~/.pulumi/bin); else the
# official installer when its host resolves; else a build of the CLI from the Go module proxy.
# Results are cached outside the repository, so a second run returns at once.
#
# The Node.js language host (pulumi-language-nodejs) is deliberately not required: every program
# of this project runs inline through the Automation API, where the calling process is the
# language runtime (`--client`). See README "Engine".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=toolchain.env
. "$here/toolchain.env"

cache="${BLKSHP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/blkshp}/pulumi/v$PULUMI_VERSION"
bin="$cache/bin"
log() { echo "ensure-engine: $*" >&2; }

# version_ok BIN: true when BIN reports a version at or above the pinned one.
version_ok() {
  local have
  have="$("$1" version 2>/dev/null | sed 's/^v//')" || return 1
  [ -n "$have" ] || return 1
  [ "$(printf '%s\n%s\n' "$PULUMI_VERSION" "$have" | sort -V | head -n1)" = "$PULUMI_VERSION" ]
}

# write_shims DIR: the two small launchers the official release ships and a source build lacks.
# BLKSHP_PULUMI_SDK_DIR (set by infra/pulumi/engine.ts) points at the project's @pulumi/pulumi so
# that the shims work from any working directory; without it they use ./node_modules like upstream.
write_shims() {
  local dir="$1"
  mkdir -p "$dir"
  cat >"$dir/pulumi-resource-pulumi-nodejs" <<'SHIM'
#!/bin/sh
sdk="${BLKSHP_PULUMI_SDK_DIR:-./node_modules/@pulumi/pulumi}"
exec node "$sdk/cmd/dynamic-provider" "$@"
SHIM
  cat >"$dir/pulumi-analyzer-policy" <<'SHIM'
#!/bin/sh
sdk="${BLKSHP_PULUMI_SDK_DIR:-./node_modules/@pulumi/pulumi}"
exec node "$sdk/cmd/run-policy-pack" "$@"
SHIM
  # Without a Node.js language host the engine looks for the policy runner under this name.
  cp "$dir/pulumi-analyzer-policy" "$dir/pulumi-analyzer-policy-nodejs"
  chmod +x "$dir"/pulumi-resource-pulumi-nodejs "$dir"/pulumi-analyzer-policy*
}

# 0. Already prepared by an earlier run.
if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-analyzer-policy-nodejs" ] && version_ok "$bin/pulumi"; then
  echo "$bin"
  exit 0
fi

# 1. An existing CLI: link it into our cache so the shims sit beside it.
for candidate in "$(command -v pulumi 2>/dev/null || true)" "$HOME/.pulumi/bin/pulumi"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && version_ok "$candidate"; then
    log "using the existing CLI at $candidate"
    mkdir -p "$bin"
    ln -sf "$candidate" "$bin/pulumi"
    write_shims "$bin"
    echo "$bin"
    exit 0
  fi
done

# 2. The official installer, only where its host resolves (no traffic is sent otherwise).
if getent hosts get.pulumi.com >/dev/null 2>&1 && command -v curl >/dev/null 2>&1; then
  log "installing Pulumi $PULUMI_VERSION with the official installer"
  if curl -fsSL https://get.pulumi.com | sh -s -- --version "$PULUMI_VERSION" --install-root "$cache" >&2; then
    write_shims "$bin"
    version_ok "$bin/pulumi" && { echo "$bin"; exit 0; }
  fi
  log "the official install failed; falling back to a source build"
fi

# 3. A build from the Go module proxy.
if ! command -v go >/dev/null 2>&1; then
  log "no pulumi >= $PULUMI_VERSION, no internet installer and no Go toolchain."
  log "install Pulumi $PULUMI_VERSION (https://www.pulumi.com/docs/install/) or Go 1.24+, then rerun."
  exit 1
fi
log "building Pulumi $PULUMI_VERSION from the Go module proxy (first run only, several minutes)"
work="$cache/build"
rm -rf "$work" && mkdir -p "$work"
cat >"$work/go.mod" <<MOD
module blkshp.local/pulumi-build

go 1.24
MOD
# A tools file keeps the CLI's main package in the module graph for `go mod tidy`.
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' \
  >"$work/tools.go"
(
  cd "$work"
  go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
  go mod tidy
  go build -trimpath -o "$bin/pulumi" \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
) >&2 || { log "the Go build of the Pulumi CLI failed (see the output above)"; exit 1; }
write_shims "$bin"
version_ok "$bin/pulumi" || { log "the built CLI does not report v$PULUMI_VERSION"; exit 1; }
rm -rf "$work"
echo "$bin"
