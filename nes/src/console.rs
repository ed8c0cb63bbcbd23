//! The whole console: a 2A03 CPU core driving the [`Bus`].
//!
//! [`Nes::run_frame`] runs until the PPU starts its next vertical blank (scanline 241, dot 1):
//! a frame here, as in FCEUX, begins at vblank, so input set before `run_frame` is what the
//! game's NMI handler reads in that frame.

use crate::bus::Bus;
use crate::cart::Cart;
use crate::controller::Buttons;
use crate::cpu::{Cpu, CpuBus, Jammed, Registers};
use crate::fast::{self, FastPaths, FastStats, Memo, Stop};

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
    /// What the exact shortcuts covered so far (the shortcuts in use are the bus's).
    fast_stats: FastStats,
    /// What the executor remembers between runs (a hint, never state).
    memo: Memo,
}

impl Clone for Nes {
    fn clone(&self) -> Nes {
        Nes {
            cpu: self.cpu.clone(),
            bus: self.bus.clone(),
            fast_stats: self.fast_stats,
            memo: self.memo,
        }
    }

    fn clone_from(&mut self, src: &Nes) {
        let Nes {
            cpu,
            bus,
            fast_stats,
            memo,
        } = src;
        self.cpu.clone_from(cpu);
        self.bus.clone_from(bus);
        self.fast_stats = *fast_stats;
        self.memo = *memo;
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
            fast_stats: FastStats::default(),
            memo: Memo::default(),
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
        self.run(Stop::FrameAfter(frame))?;
        Ok(())
    }

    /// Runs until at least `cycles` CPU cycles have elapsed since power-on.
    pub fn run_until_cycle(&mut self, cycles: u64) -> Result<(), NesError> {
        self.run(Stop::Cycle(cycles))?;
        Ok(())
    }

    /// Runs until the instruction at `pc` has run (with the interrupt sequence it lets in, as
    /// [`Nes::step`] would), or until the next frame starts, whichever comes first; then
    /// brings every chip up to date. Returns whether the instruction at `pc` ran. The same as
    /// stepping and checking the PC before each step, with the shortcuts.
    pub fn run_through(&mut self, pc: u16) -> Result<bool, NesError> {
        let frame = self.bus.ppu.frame_count();
        self.run(Stop::Through { pc, frame })
    }

    /// Runs instructions (with the shortcuts, see [`crate::fast`]) until `stop`, then brings
    /// every chip up to date.
    fn run(&mut self, stop: Stop) -> Result<bool, NesError> {
        let through = fast::run(
            &mut self.cpu,
            &mut self.bus,
            &mut self.fast_stats,
            &mut self.memo,
            stop,
        )?;
        self.bus.sync();
        Ok(through)
    }

    /// Chooses the exact shortcuts the console takes ([`FastPaths::ALL`] by default). Results
    /// are the same with any choice, cycle for cycle; [`FastPaths::NONE`] runs every cycle
    /// by the book, the reference the shortcuts are tested against.
    pub fn set_fast_paths(&mut self, paths: FastPaths) {
        self.bus.set_fast_paths(paths);
    }

    /// The exact shortcuts in use.
    #[must_use]
    pub fn fast_paths(&self) -> FastPaths {
        self.bus.fast_paths()
    }

    /// How many cycles each shortcut covered since power-on (diagnostics).
    #[must_use]
    pub fn fast_stats(&self) -> FastStats {
        self.fast_stats
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
