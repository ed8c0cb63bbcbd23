#!/usr/bin/env python3
"""sb3-contrib MaskablePPO on placements: one action = one piece placed (rotation + 4 x
column, 40 actions, the illegal ones masked), observation = the board features (heights,
holes, bumpiness, ..., current and next piece). Reports the mean lines per game of the
untrained policy (uniform over the legal placements) and of the trained one.

    python examples/python/train_maskable_ppo.py                     # 200k placements
    python examples/python/train_maskable_ppo.py --steps 4096 --games 2   # a quick check

Needs the placement action space and the features observation of tetris_env (issue 9),
torch and sb3-contrib (pip install torch sb3-contrib), and the ROM.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

import tetris_nes


def make(env_id: str, seed: int, max_steps: int):
    return tetris_nes.make(env_id, action_space="placement", observation="features",
                           seed=seed, max_episode_steps=max_steps)


def play(policy, env_id: str, seeds: list[int], max_steps: int) -> list[dict]:
    """One game per seed; ``policy(obs, mask) -> action`` (None: uniform legal)."""
    rows = []
    for seed in seeds:
        env = make(env_id, seed, max_steps)
        rng = np.random.default_rng(seed)
        obs, info = env.reset(seed=seed)
        placements = 0
        while True:
            mask = env.action_masks()
            if policy is None:
                action = int(rng.choice(np.flatnonzero(mask)))
            else:
                action = policy(obs, mask)
            obs, _, terminated, truncated, info = env.step(action)
            placements += 1
            if terminated or truncated:
                break
        rows.append({"seed": seed, "placements": placements, "lines": info["number_of_lines"],
                     "score": info["score"]})
    return rows


def report(title: str, rows: list[dict]) -> float:
    mean = float(np.mean([r["lines"] for r in rows]))
    print(f"\n{title}: mean lines per game {mean:.1f}")
    print(f"{'seed':>6} {'placements':>11} {'lines':>6} {'score':>8}")
    for r in rows:
        print(f"{r['seed']:>6} {r['placements']:>11} {r['lines']:>6} {r['score']:>8}")
    return mean


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--env", default="TetrisA-v1", help="v1: reward = lines cleared")
    ap.add_argument("--steps", type=int, default=200_000, help="placements to train on")
    ap.add_argument("--envs", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--games", type=int, default=10)
    ap.add_argument("--max-episode-steps", type=int, default=2_000, help="placements per game")
    ap.add_argument("--threads", type=int, default=1, help="torch threads")
    ap.add_argument("--out", default="maskable_ppo_tetris")
    args = ap.parse_args()
    try:
        make(args.env, 0, 1)
    except ValueError as e:
        sys.exit(f"this build of tetris_nes has no placement action space yet: {e}")

    import torch
    from sb3_contrib import MaskablePPO
    from stable_baselines3.common.vec_env import DummyVecEnv

    torch.set_num_threads(args.threads)
    t0 = time.time()
    seeds = list(range(2000, 2000 + args.games))
    before = report("uniform legal placements", play(None, args.env, seeds,
                                                       args.max_episode_steps))
    venv = DummyVecEnv([lambda i=i: make(args.env, args.seed + i, args.max_episode_steps)
                        for i in range(args.envs)])
    model = MaskablePPO("MlpPolicy", venv, n_steps=256, batch_size=256, n_epochs=4,
                        gamma=0.99, learning_rate=3e-4, seed=args.seed, verbose=0)
    t_train = time.time()
    model.learn(total_timesteps=args.steps)
    train_s = time.time() - t_train
    model.save(f"{args.out}.zip")

    def act(obs, mask):
        a, _ = model.predict(obs, action_masks=mask, deterministic=True)
        return int(a)

    rows = play(act, args.env, seeds, args.max_episode_steps)
    after = report(f"MaskablePPO after {args.steps} placements", rows)
    print(f"\nmean lines per game: {before:.1f} before training, {after:.1f} after; "
          f"trained in {train_s:.0f} s, total {time.time() - t0:.0f} s")
    Path(f"{args.out}.json").write_text(json.dumps(
        {"env": args.env, "steps": args.steps, "train_seconds": round(train_s, 1),
         "lines_before": before, "lines_after": after, "games": rows}, indent=1))


if __name__ == "__main__":
    main()
