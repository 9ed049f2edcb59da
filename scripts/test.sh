#!/usr/bin/env bash
# Set up everything the tests need (venv, packages, PostgreSQL and Chromium from Debian) and run them.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/system-packages.sh
exec .venv/bin/python -m pytest "$@"
