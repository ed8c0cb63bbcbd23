"""The emulation runs with the GIL released: while one Python thread is inside a step, other
Python threads keep running. A thread that holds the GIL in a call lets no other thread
record anything until the call returns; so the main thread timestamps in a loop while a
worker thread makes calls, and timestamps must fall inside most of those calls."""

from __future__ import annotations

import threading
import time

import numpy as np

import tetris_nes


def fraction_of_calls_overlapped(calls) -> float:
    """Runs ``calls()`` (a list of zero-argument callables) on a thread; returns the fraction
    of them during which the main thread ran Python code."""
    spans: list[tuple[float, float]] = []
    done = threading.Event()

    def worker():
        for c in calls:
            t0 = time.perf_counter()
            c()
            spans.append((t0, time.perf_counter()))
        done.set()

    stamps = []
    t = threading.Thread(target=worker)
    t.start()
    while not done.is_set():
        stamps.append(time.perf_counter())
    t.join()
    stamps = np.array(stamps)
    inside = [((stamps > a) & (stamps < b)).any() for a, b in spans]
    return sum(inside) / len(spans)


def test_single_env_releases_the_gil():
    # A frame step is too short (~50 us) for the main thread to be woken inside it, so this
    # uses the benchmark hook that plays many steps in one call; `step` releases the GIL
    # the same way (python/src/env.rs: both run the env inside `py.detach`).
    env = tetris_nes.make("TetrisA-v0", action_space="simple", observation="board")
    env.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, 6, 3000).tolist()
    f = fraction_of_calls_overlapped([lambda: env.unwrapped._core._run_rust_loop(actions)] * 5)
    assert f >= 0.8, f


def test_vector_env_releases_the_gil():
    v = tetris_nes.VectorEnv("TetrisA-v0", 32, 1, action_space="simple", observation="rgb")
    v.reset(seed=0)
    zeros = np.zeros(32, dtype=np.int64)
    f = fraction_of_calls_overlapped([lambda: v.step(zeros)] * 20)
    assert f >= 0.8, f
