"""The vector env: gymnasium's vector layout and spaces, step-for-step equality with
gymnasium's own SyncVectorEnv over single envs seeded seed + i (so env i == the single env
with seed + i, autoresets included), no-copy arrays, threads, errors."""

from __future__ import annotations

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces
from gymnasium.utils.env_checker import data_equivalence
from gymnasium.vector import AutoresetMode, SyncVectorEnv
from gymnasium.vector.utils import batch_space

import tetris_nes


def make_pair(n, threads, **opts):
    ours = tetris_nes.VectorEnv("TetrisA-v3", n, threads, **opts)
    ref = SyncVectorEnv(
        [lambda: tetris_nes.make("TetrisA-v3", **opts) for _ in range(n)],
        autoreset_mode=AutoresetMode.NEXT_STEP,
    )
    return ours, ref


def test_spaces_and_metadata():
    v = tetris_nes.VectorEnv("TetrisA-v0", 3, 2, action_space="movement", observation="board")
    assert v.metadata["autoreset_mode"] == AutoresetMode.NEXT_STEP
    assert isinstance(v, gym.vector.VectorEnv) and v.num_envs == 3
    assert v.single_action_space == spaces.Discrete(12)
    assert v.action_space == batch_space(spaces.Discrete(12), 3)
    assert v.single_observation_space == spaces.Box(0, 2, (20, 10), np.uint8)
    assert v.observation_space == batch_space(v.single_observation_space, 3)
    obs, info = v.reset(seed=0)
    assert v.observation_space.contains(obs)
    obs, rew, term, trunc, info = v.step(v.action_space.sample())
    assert v.observation_space.contains(obs)
    assert rew.dtype == np.float64 and term.dtype == np.bool_ and trunc.dtype == np.bool_
    assert info["score"].dtype == np.int64 and info["_score"].all()
    assert info["statistics"]["T"].shape == (3,)
    v.close()


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("obs", ["board", "ram", "none", "rgb"])
def test_equals_sync_vector_env_of_single_envs(obs, threads):
    steps = 60 if obs == "rgb" else 600
    # A short time limit makes every env autoreset several times.
    opts = {"action_space": "simple", "observation": obs, "max_episode_steps": 97}
    ours, ref = make_pair(3, threads, **opts)
    a = ours.reset(seed=40)
    b = ref.reset(seed=40)
    assert data_equivalence(a, b, exact=True)
    rng = np.random.default_rng(3)
    resets = 0
    for t in range(steps):
        actions = rng.integers(0, 6, 3)
        a = ours.step(actions)
        b = ref.step(actions)
        assert data_equivalence(a, b, exact=True), f"step {t}"
        resets += int(ours.autoreset.sum())
    assert resets >= (3 if obs != "rgb" else 0)
    ours.close()
    ref.close()


def test_placements_equal_sync_vector_env():
    opts = {"action_space": "placement", "observation": "features", "max_episode_steps": 40}
    ours, ref = make_pair(3, 2, **opts)
    assert data_equivalence(ours.reset(seed=5), ref.reset(seed=5), exact=True)
    rng = np.random.default_rng(7)
    for t in range(120):
        masks = ours.action_masks().copy()
        assert masks.shape == (3, 40)
        # An env whose episode just ended has no legal action: its next step autoresets
        # it and ignores the action.
        actions = np.array([rng.choice(np.flatnonzero(m)) if m.any() else 0 for m in masks])
        a = ours.step(actions)
        b = ref.step(actions)
        assert data_equivalence(a, b, exact=True), f"step {t}"
    assert a[0].dtype == np.float32


def test_info_arrays_are_rewritten_after_a_caller_writes_into_them():
    # The object arrays keep an unchanged value's object from step to step; one the caller
    # replaced must still be put right by the next step.
    ours, ref = make_pair(2, 1, observation="none")
    ours.reset(seed=3)
    ref.reset(seed=3)
    for _ in range(5):
        _, _, _, _, info = ours.step(np.zeros(2, dtype=np.int64))
        _, _, _, _, ref_info = ref.step(np.zeros(2, dtype=np.int64))
        for key in ("current_piece", "next_piece", "game_type", "seed_bytes", "falling"):
            info[key][0] = "scribbled"
        info["level"][1] = -1
        info["statistics"]["T"][0] = -1
    _, _, _, _, info = ours.step(np.zeros(2, dtype=np.int64))
    _, _, _, _, ref_info = ref.step(np.zeros(2, dtype=np.int64))
    assert data_equivalence(info, ref_info, exact=True)
    assert info["lines"].tolist() == ref_info["lines"].tolist() == [0, 0]
    ours.close()
    ref.close()


def test_env_i_is_the_single_env_with_seed_plus_i():
    v = tetris_nes.VectorEnv("TetrisB-v2", 4, 2, observation="board", b_type_height=1, seed=100)
    obs, info = v.reset()
    for i in range(4):
        single = tetris_nes.make("TetrisB-v2", observation="board", b_type_height=1, seed=100 + i)
        o, inf = single.reset()
        assert np.array_equal(obs[i], o)
        assert info["seed_bytes"][i] == inf["seed_bytes"]


def test_make_vec_uses_the_vector_entry_point():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        v = gym.make_vec("tetris_nes/TetrisA-v1", num_envs=2, observation="none")
    assert isinstance(v.unwrapped, tetris_nes.VectorEnv)
    v.reset(seed=0)
    v.step(np.zeros(2, dtype=np.int64))
    # gymnasium's vector wrappers work on it.
    w = gym.wrappers.vector.RecordEpisodeStatistics(v)
    w.reset(seed=1)
    for _ in range(10):
        w.step(w.action_space.sample())
    v.close()


def test_arrays_are_handed_out_without_copies():
    v = tetris_nes.VectorEnv("TetrisA-v0", 2, 1, observation="board")
    o1, _ = v.reset(seed=0)
    o2, r2, *_ = v.step([0, 0])
    o3, r3, *_ = v.step([0, 0])
    assert o1 is o2 is o3 and r2 is r3
    c = tetris_nes.VectorEnv("TetrisA-v0", 2, 1, observation="board", copy=True)
    c1, _ = c.reset(seed=0)
    c2, *_ = c.step([0, 0])
    assert c1 is not c2 and np.shares_memory(c1, c2) is False


def test_errors():
    v = tetris_nes.VectorEnv("TetrisA-v0", 2, 2, action_space="simple", observation="none")
    v.reset(seed=0)
    with pytest.raises(ValueError, match="got 3 actions for 2 envs"):
        v.step([0, 0, 0])
    with pytest.raises(ValueError, match="action 6 is outside the simple action space"):
        v.step([0, 6])
    with pytest.raises(ValueError, match="action -1 is outside"):
        v.step(np.array([-1, 0]))
    for bad in (None, "ab", [0.5, 1], [[0], [1]], 3):
        with pytest.raises((TypeError, ValueError)):
            v.step(bad)
    with pytest.raises(ValueError, match="seed"):
        v.reset(seed=[1, 5])
    v.reset(seed=[7, 8])
    with pytest.raises(ValueError, match="num_envs"):
        tetris_nes.VectorEnv("TetrisA-v0", 0)
    with pytest.raises(ValueError, match="num_threads"):
        tetris_nes.VectorEnv("TetrisA-v0", 2, 0)
    with pytest.raises(ValueError, match="unknown environment id"):
        tetris_nes.VectorEnv("Tetris", 2)
    with pytest.raises(ValueError, match="level"):
        tetris_nes.VectorEnv("TetrisA-v0", 2, level=99)
    # Still steps after all that.
    v.step([1, 2])
    v.close()
    with pytest.raises(RuntimeError, match="closed"):
        v.step([1, 2])
