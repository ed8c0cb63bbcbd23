"""stable-baselines3's own env checker, where SB3 is installed (it needs torch, which CI does
not install: skipped loudly there)."""

from __future__ import annotations

import itertools
import warnings

import pytest

import tetris_nes
from conftest import require_module


@pytest.mark.parametrize(
    "env_id,space,obs",
    list(itertools.product(["TetrisA-v0", "TetrisB-v3"],
                           ["nes", "movement", "simple", "placement"],
                           ["rgb", "board", "locked_board", "ram", "features", "none"])),
)
def test_sb3_check_env(env_id, space, obs):
    require_module("stable_baselines3", "SB3's check_env runs where SB3 (and torch) is installed")
    from stable_baselines3.common.env_checker import check_env

    extra = {"placement": {"illegal_action": {"terminate": {"penalty": 1.0}}}}
    env = tetris_nes.make(env_id, action_space=space, observation=obs,
                          **(extra if space == "placement" else {}))
    with warnings.catch_warnings():
        # SB3 advises against a (0,)-shaped Box (observation "none") and unnormalized images.
        warnings.simplefilter("ignore", UserWarning)
        check_env(env, warn=True, skip_render_check=True)
