"""NES Tetris for reinforcement learning: gymnasium environments over the tetris-nes Rust core.

Exact gym-tetris 3.0.4 semantics (ids, actions, rewards, info) on a cycle-accurate NES
emulator, ~40x faster per core, with a threaded vector env.

>>> import gymnasium as gym, tetris_nes
>>> env = gym.make("tetris_nes/TetrisA-v3", action_space="simple", observation="board")
>>> obs, info = env.reset(seed=0)
>>> obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

The ROM is not shipped: set ``TETRIS_ROM`` to the path of Tetris (USA).nes, pass
``rom=PATH``, or run ``scripts/fetch-rom.sh`` in a tetris-nes checkout (``roms/Tetris.nes``).
"""

from __future__ import annotations

import gymnasium

from tetris_nes._core import ENV_IDS, INFO_KEYS, OPTIONS, __version__
from tetris_nes.env import TetrisEnv, make
from tetris_nes.vector import VectorEnv

__all__ = [
    "ENV_IDS",
    "INFO_KEYS",
    "OPTIONS",
    "TetrisEnv",
    "VectorEnv",
    "__version__",
    "make",
    "register_envs",
]


def register_envs() -> None:
    """Registers ``tetris_nes/TetrisA-v0`` ... ``tetris_nes/TetrisB-v3`` with gymnasium
    (done on import; calling it again is harmless)."""
    for env_id in ENV_IDS:
        name = f"tetris_nes/{env_id}"
        if name in gymnasium.registry:
            continue
        gymnasium.register(
            id=name,
            entry_point="tetris_nes.env:TetrisEnv",
            vector_entry_point="tetris_nes.vector:VectorEnv",
            kwargs={"env_id": env_id},
        )


register_envs()
