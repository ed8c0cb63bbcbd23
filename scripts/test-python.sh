#!/usr/bin/env bash
# The Python half of the test command: builds the tetris_nes wheel with maturin, installs it
# in the venv of scripts/python-env.sh and runs the pytest suite (python/tests).
# Makes the venv on first use (scripts/python-env.sh); if it cannot, fails under CI=true and
# skips loudly otherwise.
#   scripts/test-python.sh [PYTEST ARGS]
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${TETRIS_PY_VENV:-.venv-py}"
if [ ! -x "$venv/bin/maturin" ] || [ ! -x "$venv/bin/pytest" ]; then
    # First run: make the venv (pip from PyPI). Where that cannot work: fail under CI=true,
    # skip loudly otherwise.
    if ! scripts/python-env.sh "$venv"; then
        msg="no Python test venv at $venv and scripts/python-env.sh failed (needs python3 with venv and pip)"
        if [ "${CI:-}" = "true" ]; then
            echo "error: $msg" >&2
            exit 1
        fi
        echo
        echo "*** SKIP: Python tests: $msg ***"
        echo
        exit 0
    fi
fi
# Release, as users install it (the test profile cannot build a library: cargo builds it as a
# test harness).
rm -rf target/wheels/tetris_nes-*.whl
"$venv/bin/maturin" build -q --release -m python/Cargo.toml -o target/wheels \
    --interpreter "$venv/bin/python"
"$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps \
    target/wheels/tetris_nes-*.whl
# Run from python/tests so `import tetris_nes` is the installed wheel, not the source tree.
cd python/tests
"../../$venv/bin/python" -m pytest -q -rs "$@"
