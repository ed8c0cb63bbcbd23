//! The whole console: a 2A03 CPU core driving the [`Bus`].
//!
//! [`Nes::run_frame`] runs until the PPU starts its next vertical blank (scanline 241, dot 1):
//! a frame here, as in FCEUX, begins at vblank, so input set before `run_frame` is what the
//! game's NMI handler reads in that frame.

use crate::bus::Bus;
use crate::cart::Cart;
use crate::controller::Buttons;
use crate::cpu::{Cpu, CpuBus, Jammed, Registers};
use crate::fill::FillLoop;
use crate::idle::IdleLoop;

/// Errors the console reports while running.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NesError {
    #[error(transparent)]
    Jammed(#[from] Jammed),
}

/// A NES with a cartridge inserted. A clone is a copy of the console's whole state except its
/// last picture (see [`crate::ppu::Ppu::frame_buffer`]); `clone_from` (restoring a snapshot)
/// reuses the destination's buffers and keeps its picture.
#[derive(Debug)]
pub struct Nes {
    cpu: Cpu,
    bus: Bus,
    /// Fast-forward through idle loops (exact; see `idle.rs`). On by default.
    skip_idle: bool,
    /// CPU cycles fast-forwarded so far (a diagnostic: how much of the time was idle).
    skipped: u64,
    /// Of those, CPU cycles of memory-fill loops (see `fill.rs`).
    fill_skipped: u64,
}

impl Clone for Nes {
    fn clone(&self) -> Nes {
        Nes {
            cpu: self.cpu.clone(),
            bus: self.bus.clone(),
            ..*self
        }
    }

    fn clone_from(&mut self, src: &Nes) {
        let Nes {
            cpu,
            bus,
            skip_idle,
            skipped,
            fill_skipped,
        } = src;
        self.cpu.clone_from(cpu);
        self.bus.clone_from(bus);
        self.skip_idle = *skip_idle;
        self.skipped = *skipped;
        self.fill_skipped = *fill_skipped;
    }
}

impl Nes {
    /// Powers a console on with `cart` inserted (the CPU runs its reset sequence).
    #[must_use]
    pub fn new(cart: Cart) -> Nes {
        let mut bus = Bus::new(cart);
        let mut cpu = Cpu::new();
        cpu.power_on(&mut bus);
        Nes {
            cpu,
            bus,
            skip_idle: true,
            skipped: 0,
            fill_skipped: 0,
        }
    }

    /// Presses the reset button.
    pub fn reset(&mut self) {
        self.bus.reset();
        self.cpu.reset(&mut self.bus);
    }

    /// Runs one CPU instruction (and an interrupt sequence that follows it).
    pub fn step(&mut self) -> Result<(), NesError> {
        self.cpu.step(&mut self.bus)?;
        Ok(())
    }

    /// Runs until the next frame starts (vblank), then brings every chip up to date.
    pub fn run_frame(&mut self) -> Result<(), NesError> {
        let frame = self.bus.ppu.frame_count();
        self.run_while(u64::MAX, |bus| bus.ppu.frame_count() == frame)
    }

    /// Runs until at least `cycles` CPU cycles have elapsed since power-on.
    pub fn run_until_cycle(&mut self, cycles: u64) -> Result<(), NesError> {
        self.run_while(cycles, |bus| bus.cycles() < cycles)
    }

    /// Steps instructions while `go_on` holds, never letting an idle-loop skip pass `limit`.
    fn run_while(
        &mut self,
        limit: u64,
        mut go_on: impl FnMut(&Bus) -> bool,
    ) -> Result<(), NesError> {
        while go_on(&self.bus) {
            let pc = self.cpu.registers().pc;
            self.cpu.step(&mut self.bus)?;
            let next = self.cpu.registers().pc;
            // A short backward jump may close a loop: look at the code there now (never from
            // memory: a bank switch or a RAM write may have put other code at that address).
            if self.skip_idle && next < pc && pc - next <= 3 {
                if let Some(idle) = IdleLoop::detect(next, |a| self.bus.peek(a)) {
                    self.skip_idle_loop(idle, limit);
                } else if let Some(fill) = FillLoop::detect(next, |a| self.bus.peek(a)) {
                    self.skip_fill_loop(fill, limit);
                }
            }
        }
        self.bus.sync();
        Ok(())
    }

    /// At the top of `idle`, with its branch about to be taken and no interrupt latched:
    /// advances whole iterations up to two before the next event or `limit`.
    fn skip_idle_loop(&mut self, idle: IdleLoop, limit: u64) {
        // An interrupt already latched by the CPU (an NMI edge seen at the end of the last
        // cycle) is taken after the next instruction: the loop is about to end.
        if self.cpu.interrupt_pending() {
            return;
        }
        let value = self.bus.ram()[idle.ram_index()];
        let Some(regs) = idle.iterate(self.cpu.registers(), value) else {
            return;
        };
        let now = self.bus.cycles();
        let horizon = self.bus.next_event_cycle().min(limit);
        let keep = 2 * idle.cycles;
        if horizon <= now + keep + idle.cycles {
            return;
        }
        let iterations = (horizon - now - keep) / idle.cycles;
        self.bus.skip_cycles(iterations * idle.cycles);
        self.skipped += iterations * idle.cycles;
        self.cpu.set_registers(regs);
    }

    /// At the top of `fill` with no interrupt latched: performs whole iterations (their
    /// stores, Y, N/Z, cycles and open bus) up to two before the next event or `limit`, and
    /// never the last one, whose branch is not taken.
    fn skip_fill_loop(&mut self, fill: FillLoop, limit: u64) {
        if self.cpu.interrupt_pending() {
            return;
        }
        let Some(last) = self.bus.cartridge().cpu_read(fill.last_read) else {
            return;
        };
        let regs = self.cpu.registers();
        let (lo, hi) = fill.pointer();
        let base = u16::from_le_bytes([self.bus.ram()[lo], self.bus.ram()[hi]]);
        let Some(taken) = fill.taken_iterations(&regs, base) else {
            return;
        };
        let now = self.bus.cycles();
        let horizon = self.bus.next_event_cycle().min(limit);
        let keep = 2 * fill.cycles;
        if horizon <= now + keep + fill.cycles {
            return;
        }
        let k = ((horizon - now - keep) / fill.cycles).min(taken);
        if k == 0 {
            return;
        }
        let ram = self.bus.ram_mut();
        for i in 0..k {
            let y = regs.y.wrapping_sub(i as u8);
            ram[usize::from(base + u16::from(y)) & 0x7FF] = regs.a;
        }
        self.bus.skip_cycles(k * fill.cycles);
        self.bus.set_open_bus(last);
        self.skipped += k * fill.cycles;
        self.fill_skipped += k * fill.cycles;
        self.cpu.set_registers(FillLoop::after(regs, k));
    }

    /// CPU cycles the idle-loop fast-forward has skipped since power-on (of [`Nes::cycles`]).
    #[must_use]
    pub fn idle_cycles_skipped(&self) -> u64 {
        self.skipped
    }

    /// Of [`Nes::idle_cycles_skipped`], the CPU cycles spent in memory-fill loops.
    #[must_use]
    pub fn fill_cycles_skipped(&self) -> u64 {
        self.fill_skipped
    }

    /// Turns the idle-loop and fill-loop fast-forwards, the whole-transfer OAM DMA and the
    /// catch-up-free mapper writes on or off (on by default; results are identical, only
    /// slower without them).
    pub fn set_skip_idle(&mut self, on: bool) {
        self.skip_idle = on;
        self.bus.set_fast_paths(on);
    }

    /// Sets the buttons held on controller `port` (0 or 1).
    pub fn set_buttons(&mut self, port: usize, buttons: Buttons) {
        self.bus.set_buttons(port, buttons);
    }

    /// The last completed picture (see [`crate::ppu::Ppu::frame_buffer`]).
    #[must_use]
    pub fn frame_buffer(&self) -> &[u16] {
        self.bus.ppu.frame_buffer()
    }

    /// Skips pixel output; timing and every register stay exact.
    pub fn set_headless(&mut self, headless: bool) {
        self.bus.ppu.set_headless(headless);
    }

    /// Turns audio output on at `sample_rate` Hz (44 100 or 48 000) or off (`None`, the
    /// default: the APU then skips all waveform work).
    pub fn set_audio(&mut self, sample_rate: Option<u32>) {
        self.bus.apu.set_audio(sample_rate);
    }

    /// Appends the audio produced so far (mono f32 in [-1, 1]) to `out`; call once per
    /// `run_frame` (about 735 samples at 44.1 kHz), or the pending buffer keeps growing.
    pub fn take_samples(&mut self, out: &mut Vec<f32>) {
        self.bus.sync();
        self.bus.apu.take_samples(out);
    }

    /// The 2 KiB of internal RAM.
    #[must_use]
    pub fn ram(&self) -> &[u8; 0x800] {
        self.bus.ram()
    }

    /// The internal RAM, writable.
    pub fn ram_mut(&mut self) -> &mut [u8; 0x800] {
        self.bus.ram_mut()
    }

    /// Reads the CPU address space without side effects.
    #[must_use]
    pub fn peek(&self, addr: u16) -> u8 {
        self.bus.peek(addr)
    }

    #[must_use]
    pub fn registers(&self) -> Registers {
        self.cpu.registers()
    }

    /// CPU cycles since power-on.
    #[must_use]
    pub fn cycles(&self) -> u64 {
        self.bus.cycles()
    }

    /// Frames (vblanks) since power-on.
    #[must_use]
    pub fn frame_count(&self) -> u64 {
        self.bus.ppu.frame_count()
    }

    #[must_use]
    pub fn cpu(&self) -> &Cpu {
        &self.cpu
    }

    pub fn cpu_mut(&mut self) -> &mut Cpu {
        &mut self.cpu
    }

    #[must_use]
    pub fn bus(&self) -> &Bus {
        &self.bus
    }

    pub fn bus_mut(&mut self) -> &mut Bus {
        &mut self.bus
    }

    /// The CPU and the bus, borrowed apart (for harnesses that drive the CPU themselves).
    pub fn split_mut(&mut self) -> (&mut Cpu, &mut Bus) {
        (&mut self.cpu, &mut self.bus)
    }
}
