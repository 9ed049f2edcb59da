#!/usr/bin/env bash
# Set up everything the tests need (venv, packages, the PostgreSQL binaries) and run them.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/postgres.sh
exec .venv/bin/python -m pytest "$@"
