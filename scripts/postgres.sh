#!/usr/bin/env bash
# Make sure PostgreSQL's server binaries are on this machine (Debian's postgresql package).
# The test suite starts its own throw-away server from them; nothing is started here.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL is not installed and this is not root: run 'apt-get install postgresql'" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql >/dev/null
