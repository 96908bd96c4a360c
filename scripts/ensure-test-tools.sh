#!/usr/bin/env bash
# Installs the Debian tools the test suite runs (validators for the cloud-init documents, and
# Postgres for the storage tests, which start their own throwaway cluster, and Chromium for the
# dashboard's browser test) when they are missing. Needs root or sudo, as on this project's CI
# machines.
set -euo pipefail
missing=()
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v cloud-init >/dev/null 2>&1 || missing+=(cloud-init)
# Debian keeps initdb and pg_ctl off PATH, under /usr/lib/postgresql/<version>/bin.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# The dashboard tests load the pages in headless Chromium through playwright-core.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# The systemd unit in deploy/ is checked with systemd-analyze.
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "ensure-test-tools: installing ${missing[*]} from Debian's packages" >&2
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
