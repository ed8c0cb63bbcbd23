"""No leak: a million steps in a Python loop keep the process's resident memory flat."""

from __future__ import annotations

import os

import numpy as np

import tetris_nes

STEPS = 1_000_000


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_million_steps_keep_rss_flat():
    env = tetris_nes.make("TetrisA-v0", action_space="simple", observation="board", seed=0)
    env.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, 6, 4096).tolist()
    warmup = 50_000
    episodes = 0
    for t in range(STEPS):
        if t == warmup:
            before = rss_bytes()
        _, _, term, trunc, _ = env.step(actions[t & 4095])
        if term or trunc:
            env.reset()
            episodes += 1
    after = rss_bytes()
    growth = after - before
    print(f"RSS {before / 2**20:.1f} MiB -> {after / 2**20:.1f} MiB over {STEPS - warmup} steps, "
          f"{episodes} episodes")
    # A leak of even 8 bytes a step would be 7.6 MiB here.
    assert growth < 2 * 2**20, f"RSS grew by {growth} bytes"
    assert episodes > 0
