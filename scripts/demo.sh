#!/usr/bin/env bash
# Set up scorehouse and run the whole demo on the embedded DuckDB warehouse: the demo
# retailer (examples/retailer), a dbt project that installs scorehouse as any project does.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
customers="${SCOREHOUSE_DEMO_CUSTOMERS:-20000}"
cd examples/retailer
scorehouse demo --customers "$customers"
