"""Every Python code block of README.md and docs/python.md runs (in a fresh interpreter,
with the ROM from TETRIS_ROM). Blocks importing an optional library that is not installed
(Ray, PufferLib, torch, SB3) are skipped loudly."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT, loud_skip, require_module

OPTIONAL = ["ray", "pufferlib", "torch", "stable_baselines3", "sb3_contrib"]


def blocks() -> list[tuple[str, int, str]]:
    out = []
    for doc in ("README.md", "docs/python.md"):
        text = (ROOT / doc).read_text()
        for m in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M):
            line = text[: m.start()].count("\n") + 1
            out.append((doc, line, m.group(1)))
    return out


def test_docs_have_python_blocks():
    assert len([b for b in blocks() if b[0] == "docs/python.md"]) >= 3
    assert any(b[0] == "README.md" for b in blocks())


@pytest.mark.parametrize("doc,line,code", blocks(), ids=lambda x: str(x)[:40])
def test_python_block_runs(doc, line, code, tmp_path):
    for mod in OPTIONAL:
        if re.search(rf"^\s*(import|from) {mod}\b", code, re.M):
            require_module(mod, f"the block at {doc}:{line} needs it")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=900, cwd=tmp_path)
    assert r.returncode == 0, f"{doc}:{line}\n{code}\n{r.stderr[-3000:]}"
