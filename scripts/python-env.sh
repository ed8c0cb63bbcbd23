#!/usr/bin/env bash
# Creates (or reuses) the venv the Python tests run in, with what python/requirements-test.txt
# lists (maturin, numpy, gymnasium, pytest) from PyPI.
#   scripts/python-env.sh [VENV]          (default .venv-py; $PYTHON picks the interpreter)
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-${TETRIS_PY_VENV:-.venv-py}}"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
    if ! "$python" -m venv "$venv" 2>/dev/null; then
        # Debian's own python3 needs its venv package.
        rm -rf "$venv"
        apt-get install -y -qq python3-venv >/dev/null
        "$python" -m venv "$venv"
    fi
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r python/requirements-test.txt
echo "python venv ready: $venv ($("$venv/bin/python" --version))"
