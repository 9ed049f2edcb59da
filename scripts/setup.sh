#!/usr/bin/env bash
# Create .venv with Python 3.11 and install scorehouse into it (editable), with the extras
# given as arguments (e.g. `scripts/setup.sh test`), at the versions pinned in
# constraints.txt (rewritten by scripts/lock.sh). Safe to run again: it only adds or
# changes what differs from the lock.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python_bin="$candidate"; break
    fi
  done
fi
if [ -z "$python_bin" ]; then
  echo "scorehouse needs Python 3.11 (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv
fi
extras="${1:-}"
spec="."
[ -n "$extras" ] && spec=".[$extras]"
.venv/bin/python -m pip install --quiet -c constraints.txt pip setuptools
.venv/bin/python -m pip install --quiet -c constraints.txt -e "$spec"
