#!/usr/bin/env bash
# The Python package's speed, side by side with gym-tetris 3.0.4 in one run: builds the
# release wheel into the Python venv (scripts/python-env.sh), measures gym-tetris (its own
# venv, scripts/gym/setup_venv.sh), then tetris_nes's single env and VectorEnv
# (scripts/bench_python.py), and prints the rates, ratios and issue 10's targets.
#   scripts/bench-python.sh [BENCH ARGS]       e.g. --steps 50000 --repeat 3
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${TETRIS_PY_VENV:-.venv-py}"
gym_venv="${TETRIS_GYM_VENV:-.venv-gym}"
[ -x "$venv/bin/maturin" ] || scripts/python-env.sh "$venv"
[ -x "$gym_venv/bin/python" ] || scripts/gym/setup_venv.sh "$gym_venv"
rm -rf target/wheels/tetris_nes-*.whl
"$venv/bin/maturin" build -q --release -m python/Cargo.toml -o target/wheels \
    --interpreter "$venv/bin/python" >/dev/null
"$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps \
    target/wheels/tetris_nes-*.whl
gym=$("$gym_venv/bin/python" scripts/gym/bench_gym_tetris.py --steps 5000 --space simple)
cd scripts && "../$venv/bin/python" bench_python.py --gym "$gym" "$@"
