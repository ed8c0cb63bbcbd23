#!/usr/bin/env python3
"""sb3-contrib MaskablePPO on placements: one action = one piece placed (rotation + 4 x
column, 40 actions, the illegal ones masked), observation = the board features (heights,
holes, bumpiness, ..., current and next piece). Reports the mean lines per game (the game's
own line count) of the untrained policy (uniform over the legal placements) and of the
trained one, on held-out seeds.

    python examples/python/train_maskable_ppo.py                     # 250k placements
    python examples/python/train_maskable_ppo.py --steps 4096 --games 2   # a quick check
    python examples/python/train_maskable_ppo.py --reward env        # the env's own reward
    python examples/python/train_maskable_ppo.py --load maskable_ppo_tetris.zip --games 100

Training sees the features scaled to about [0, 1] and, by default, a shaped reward computed
by the `Shaped` wrapper below (the env's reward is the lines alone, which a policy that
never clears a line never sees). Evaluation plays the unwrapped env and counts its lines.

Needs the placement action space and the features observation of tetris_env (issue 9),
torch and sb3-contrib (pip install torch sb3-contrib), and the ROM.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

import tetris_nes

# Rough upper bounds of the 34 features (docs/agents.md, "Observations for agents"): the
# observation the policy sees is the features divided by these, mostly in [0, 1].
FEATURE_SCALE = np.array(
    [20.0] * 10  # column heights
    + [40.0, 40.0, 20.0, 100.0]  # holes, bumpiness, max height, aggregate height
    + [60.0, 60.0, 40.0]  # row transitions, column transitions, cumulative wells
    + [4.0, 20.0, 16.0]  # lines, landing height, eroded cells of the last placement
    + [1.0] * 14,  # the falling and the next piece, one-hot
    dtype=np.float32,
)
HOLES = 10  # index of the holes feature


class Shaped(gym.Wrapper):
    """Scales the features and, unless ``rewards`` is None, replaces the env's reward by

        line_reward * lines + survival - hole_penalty * (new holes) - game_over (at a top-out)

    per placement, Tetris-Gymnasium's kind of reward (a reward per line, one for each
    placement survived, a penalty at game over) plus a penalty per hole made. The lines come from
    ``info["lines_cleared"]`` and the holes from the features, both read from the game's RAM.
    Truncation (``max_episode_steps``) is not a game over.
    """

    def __init__(self, env: gym.Env, rewards: dict | None) -> None:
        super().__init__(env)
        self.rewards = rewards
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, (34,), np.float32)
        self._holes = 0.0

    def reset(self, **kwargs):
        obs, info = self.env.reset(**kwargs)
        self._holes = float(obs[HOLES])
        return obs / FEATURE_SCALE, info

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        if self.rewards is not None:
            w = self.rewards
            holes = float(obs[HOLES])
            reward = (w["line_reward"] * info["lines_cleared"] + w["survival"]
                      - w["hole_penalty"] * max(0.0, holes - self._holes)
                      - (w["game_over"] if terminated else 0.0))
            self._holes = holes
        return obs / FEATURE_SCALE, float(reward), terminated, truncated, info

    def action_masks(self) -> np.ndarray:
        return self.env.action_masks()


def make(env_id: str, seed: int, max_steps: int):
    return tetris_nes.make(env_id, action_space="placement", observation="features",
                           seed=seed, max_episode_steps=max_steps)


def play(policy, env_id: str, seeds: list[int], max_steps: int) -> list[dict]:
    """One game per seed; ``policy(obs, mask) -> action`` on the raw features (None:
    uniform over the legal placements)."""
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
                     "score": info["score"], "truncated": bool(truncated)})
    return rows


def report(title: str, rows: list[dict]) -> float:
    mean = float(np.mean([r["lines"] for r in rows]))
    print(f"\n{title}: mean lines per game {mean:.1f}, "
          f"mean placements {np.mean([r['placements'] for r in rows]):.1f}")
    print(f"{'seed':>6} {'placements':>11} {'lines':>6} {'score':>8}")
    for r in rows:
        cut = " (max placements reached)" if r["truncated"] else ""
        print(f"{r['seed']:>6} {r['placements']:>11} {r['lines']:>6} {r['score']:>8}{cut}")
    sys.stdout.flush()
    return mean


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--env", default="TetrisA-v1", help="v1: the env's reward = lines cleared")
    ap.add_argument("--steps", type=int, default=250_000, help="placements to train on")
    ap.add_argument("--envs", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0, help="training: env i has seed SEED + i")
    ap.add_argument("--games", type=int, default=10, help="evaluation games, seeds 2000, ...")
    ap.add_argument("--max-episode-steps", type=int, default=2_000, help="placements per game")
    ap.add_argument("--reward", choices=["shaped", "env"], default="shaped",
                    help="train on the Shaped wrapper's reward or on the env's own")
    ap.add_argument("--line-reward", type=float, default=10.0, help="reward per line")
    ap.add_argument("--survival", type=float, default=1.0, help="reward per placement")
    ap.add_argument("--hole-penalty", type=float, default=0.3, help="per hole made")
    ap.add_argument("--game-over", type=float, default=5.0, help="penalty at a top-out")
    ap.add_argument("--n-steps", type=int, default=64, help="rollout length per env")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-4, help="learning rate")
    ap.add_argument("--threads", type=int, default=1, help="torch threads")
    ap.add_argument("--load", help="evaluate this saved model (no training)")
    ap.add_argument("--out", default="maskable_ppo_tetris")
    args = ap.parse_args()
    try:
        make(args.env, 0, 1)
    except ValueError as e:
        sys.exit(f"this build of tetris_nes has no placement action space yet: {e}")

    import torch
    from sb3_contrib import MaskablePPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.vec_env import DummyVecEnv, VecNormalize

    class Curve(BaseCallback):
        """Mean lines and placements of the training games that ended in each rollout."""

        def __init__(self) -> None:
            super().__init__()
            self.rows: list[tuple[int, float, float, int, float]] = []
            self._lines: list[int] = []
            self._lengths: list[int] = []

        def _on_step(self) -> bool:
            for info, done in zip(self.locals["infos"], self.locals["dones"]):
                if done:
                    self._lines.append(info["number_of_lines"])
                    self._lengths.append(info["episode_step"])
            return True

        def _on_rollout_end(self) -> None:
            # A row at least every 4,096 placements (several rollouts when they are short).
            last = self.rows[-1][0] if self.rows else 0
            if self._lines and self.num_timesteps - last >= 4096:
                row = (self.num_timesteps, float(np.mean(self._lines)),
                       float(np.mean(self._lengths)), len(self._lines),
                       round(time.time() - t_train, 1))
                self.rows.append(row)
                print(f"  {row[0]:>8} placements: {row[3]:>3} games, mean lines {row[1]:6.1f}, "
                      f"mean placements {row[2]:7.1f}  ({row[4]:.0f} s)", flush=True)
                self._lines, self._lengths = [], []

    torch.set_num_threads(args.threads)
    t0 = time.time()
    seeds = list(range(2000, 2000 + args.games))
    before_rows = play(None, args.env, seeds, args.max_episode_steps)
    before = report("uniform legal placements", before_rows)
    rewards = None if args.reward == "env" else {
        "line_reward": args.line_reward, "survival": args.survival,
        "hole_penalty": args.hole_penalty, "game_over": args.game_over}
    settings = dict(n_steps=args.n_steps, batch_size=args.batch_size, n_epochs=10, gamma=0.99,
                    gae_lambda=0.95, learning_rate=args.lr, ent_coef=0.01, clip_range=0.2)
    curve = Curve()
    if args.load:
        model = MaskablePPO.load(args.load)
        train_s, trained = 0.0, f"from {args.load}"
    else:
        venv = DummyVecEnv([
            lambda i=i: Shaped(make(args.env, args.seed + i, args.max_episode_steps), rewards)
            for i in range(args.envs)])
        # Rewards divided by a running estimate of the returns' spread (training only).
        venv = VecNormalize(venv, norm_obs=False, norm_reward=True, gamma=0.99)
        model = MaskablePPO("MlpPolicy", venv, policy_kwargs={"net_arch": [128, 128]},
                            seed=args.seed, verbose=0, **settings)
        print(f"\ntraining {args.steps} placements, {args.envs} envs, reward {args.reward}"
              f"{'' if rewards is None else ' ' + json.dumps(rewards)}", flush=True)
        t_train = time.time()
        model.learn(total_timesteps=args.steps, callback=curve)
        train_s = time.time() - t_train
        model.save(f"{args.out}.zip")
        trained = f"after {args.steps} placements"

    def policy(deterministic: bool):
        def act(obs, mask):
            a, _ = model.predict(obs / FEATURE_SCALE, action_masks=mask,
                                 deterministic=deterministic)
            return int(a)

        return act

    rows = play(policy(True), args.env, seeds, args.max_episode_steps)
    after = report(f"MaskablePPO {trained} (most probable action)", rows)
    torch.manual_seed(args.seed)
    sampled_rows = play(policy(False), args.env, seeds, args.max_episode_steps)
    sampled = report(f"MaskablePPO {trained} (actions sampled)", sampled_rows)
    print(f"\nmean lines per game: {before:.1f} before training, {after:.1f} after "
          f"({sampled:.1f} with sampled actions); trained in {train_s:.0f} s, "
          f"total {time.time() - t0:.0f} s")
    with open(f"{args.out}.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["placements", "mean_lines", "mean_placements", "games", "seconds"])
        w.writerows(curve.rows)
    Path(f"{args.out}.json").write_text(json.dumps(
        {"env": args.env, "model": args.load, "steps": 0 if args.load else args.steps,
         "envs": args.envs, "seed": args.seed,
         "reward": args.reward, "rewards": rewards, "ppo": settings, "net_arch": [128, 128],
         "train_seconds": round(train_s, 1), "total_seconds": round(time.time() - t0, 1),
         "lines_before": before, "lines_after": after, "lines_after_sampled": sampled,
         "before": before_rows, "after": rows, "after_sampled": sampled_rows}, indent=1))


if __name__ == "__main__":
    main()
