"""The training examples (examples/python/), run briefly where torch, SB3 and sb3-contrib are
installed; skipped loudly elsewhere (CI does not install torch). Their full runs and results
are in docs/python.md."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import tetris_nes
from conftest import ROOT, loud_skip, require_module

EXAMPLES = ROOT / "examples" / "python"


def run(script: str, args: list[str], tmp_path) -> str:
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args, "--out", str(tmp_path / "run")],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_train_ppo(tmp_path):
    for m in ("torch", "stable_baselines3"):
        require_module(m, "examples/python/train_ppo.py needs torch and stable-baselines3")
    stdout = run("train_ppo.py", ["--steps", "2048", "--envs", "2", "--eval-seeds", "2",
                                  "--max-episode-steps", "2000"], tmp_path)
    assert "random agent" in stdout and "PPO after 2048 steps" in stdout
    summary = json.loads((tmp_path / "run.json").read_text())
    assert len(summary["random"]) == 2 and len(summary["ppo"]) == 2
    assert (tmp_path / "run.csv").exists()


def test_train_maskable_ppo(tmp_path):
    for m in ("torch", "sb3_contrib"):
        require_module(m, "examples/python/train_maskable_ppo.py needs torch and sb3-contrib")
    try:
        tetris_nes.make("TetrisA-v1", action_space="placement", observation="features")
    except ValueError as e:
        loud_skip(f"no placement action space in this build yet (issue 9): {e}")
    stdout = run("train_maskable_ppo.py", ["--steps", "1024", "--envs", "2", "--games", "2",
                                           "--max-episode-steps", "200"], tmp_path)
    assert "mean lines per game" in stdout
