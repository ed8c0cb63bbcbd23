#!/usr/bin/env python3
"""Seed 000's experiment on NES Tetris: stable-baselines3 PPO on the frame-level env (board
observation, SIMPLE_MOVEMENT, one step = one NES frame), against a random baseline.

Prints, for the random agent and for the trained agent, one row per evaluation seed (seed,
steps survived, score, lines), and writes the learning curve (mean episode score and lines
per rollout against timesteps) as a PNG and a CSV.

    python examples/python/train_ppo.py                       # 1.6M steps, as seed 000
    python examples/python/train_ppo.py --steps 20000 --eval-seeds 2   # a quick check
    python examples/python/train_ppo.py --load ppo_tetris.zip --eval-seeds 100  # evaluate only

Needs torch, stable-baselines3 and matplotlib (pip install torch stable-baselines3
matplotlib) and the ROM ($TETRIS_ROM or roms/Tetris.nes).
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import numpy as np
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.vec_env import DummyVecEnv

import tetris_nes


def make_env(env_id: str, seed: int, max_steps: int):
    def thunk():
        return tetris_nes.make(
            env_id,
            action_space="simple",
            observation="board",
            start_select="mask",
            seed=seed,
            max_episode_steps=max_steps,
        )

    return thunk


class Curve(BaseCallback):
    """Mean score and lines of the episodes that ended in each rollout."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[int, float, float, int]] = []
        self._scores: list[int] = []
        self._lines: list[int] = []

    def _on_step(self) -> bool:
        for info, done in zip(self.locals["infos"], self.locals["dones"]):
            if done:
                self._scores.append(info["score"])
                self._lines.append(info["number_of_lines"])
        return True

    def _on_rollout_end(self) -> None:
        if self._scores:
            self.rows.append(
                (self.num_timesteps, float(np.mean(self._scores)), float(np.mean(self._lines)),
                 len(self._scores))
            )
            self._scores, self._lines = [], []


def evaluate(policy, env_id: str, seeds: list[int], max_steps: int) -> list[dict]:
    """One episode per seed; ``policy(obs) -> action`` (None: uniform random)."""
    rows = []
    for seed in seeds:
        env = tetris_nes.make(env_id, action_space="simple", observation="board",
                              start_select="mask", max_episode_steps=max_steps)
        rng = np.random.default_rng(seed)
        obs, info = env.reset(seed=seed)
        steps = 0
        while True:
            action = int(rng.integers(6)) if policy is None else policy(obs)
            obs, _, terminated, truncated, info = env.step(action)
            steps += 1
            if terminated or truncated:
                break
        rows.append({"seed": seed, "steps": steps, "score": info["score"],
                     "lines": info["number_of_lines"]})
    return rows


def table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"{'seed':>6} {'steps survived':>15} {'score':>7} {'lines':>6}")
    for r in rows:
        print(f"{r['seed']:>6} {r['steps']:>15} {r['score']:>7} {r['lines']:>6}")
    print(f"{'mean':>6} {np.mean([r['steps'] for r in rows]):>15.0f} "
          f"{np.mean([r['score'] for r in rows]):>7.1f} {np.mean([r['lines'] for r in rows]):>6.2f}")
    scored = [r for r in rows if r["lines"] > 0]
    print(f"games that cleared a line: {len(scored)} of {len(rows)}; "
          f"best score {max(r['score'] for r in rows)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--env", default="TetrisA-v3",
                    help="reward: v0 score, v1 lines, v2/v3 minus height (default TetrisA-v3)")
    ap.add_argument("--steps", type=int, default=1_600_000)
    ap.add_argument("--envs", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--eval-seeds", type=int, default=10)
    ap.add_argument("--max-episode-steps", type=int, default=20_000)
    ap.add_argument("--threads", type=int, default=1, help="torch threads")
    ap.add_argument("--out", default="ppo_tetris", help="output prefix (.png, .csv, .json, .zip)")
    ap.add_argument("--load", help="evaluate this saved model (no training)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    t0 = time.time()

    seeds = list(range(1000, 1000 + args.eval_seeds))
    random_rows = evaluate(None, args.env, seeds, args.max_episode_steps)
    table("random agent", random_rows)

    if args.load:
        model = PPO.load(args.load)
        rows = evaluate(lambda obs: int(model.predict(obs, deterministic=False)[0]), args.env,
                        seeds, args.max_episode_steps)
        table(f"PPO from {args.load}", rows)
        Path(f"{args.out}.json").write_text(json.dumps(
            {"env": args.env, "model": args.load, "wall_seconds": round(time.time() - t0, 1),
             "random": random_rows, "ppo": rows}, indent=1))
        return

    venv = DummyVecEnv([make_env(args.env, args.seed + i, args.max_episode_steps)
                        for i in range(args.envs)])
    model = PPO("MlpPolicy", venv, n_steps=512, batch_size=512, n_epochs=4, gamma=0.995,
                gae_lambda=0.95, learning_rate=2.5e-4, ent_coef=0.01, seed=args.seed, verbose=0)
    curve = Curve()
    t_train = time.time()
    model.learn(total_timesteps=args.steps, callback=curve)
    train_s = time.time() - t_train
    model.save(f"{args.out}.zip")

    def act(obs):
        a, _ = model.predict(obs, deterministic=False)
        return int(a)

    ppo_rows = evaluate(act, args.env, seeds, args.max_episode_steps)
    table(f"PPO after {args.steps} steps", ppo_rows)

    with open(f"{args.out}.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["timesteps", "mean_score", "mean_lines", "episodes"])
        w.writerows(curve.rows)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        if curve.rows:
            x = [r[0] for r in curve.rows]
            fig, ax = plt.subplots(figsize=(7, 4))
            ax.plot(x, [r[1] for r in curve.rows], label="mean score")
            ax.set_xlabel("timesteps (NES frames)")
            ax.set_ylabel("score per episode")
            ax2 = ax.twinx()
            ax2.plot(x, [r[2] for r in curve.rows], color="tab:orange", label="mean lines")
            ax2.set_ylabel("lines per episode")
            ax.set_title(f"PPO on {args.env}, board observation, SIMPLE_MOVEMENT")
            fig.tight_layout()
            fig.savefig(f"{args.out}.png", dpi=100)
    except ImportError:
        print("matplotlib not installed: learning curve written as CSV only")
    summary = {"env": args.env, "steps": args.steps, "train_seconds": round(train_s, 1),
               "wall_seconds": round(time.time() - t0, 1), "random": random_rows,
               "ppo": ppo_rows}
    Path(f"{args.out}.json").write_text(json.dumps(summary, indent=1))
    print(f"\ntrained {args.steps} steps in {train_s:.0f} s; total {time.time() - t0:.0f} s; "
          f"wrote {args.out}.png/.csv/.json/.zip")


if __name__ == "__main__":
    main()
