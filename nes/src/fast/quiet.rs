//! Quiet instructions: whole instructions below the event horizon, without the per-cycle
//! bookkeeping.
//!
//! By the book, every CPU cycle ends with three chores (see `cpu/mod.rs` and `bus.rs`): the
//! bus compares the clock with the next PPU/APU event, the CPU samples the NMI and IRQ
//! lines into its interrupt latches, and before each read it asks whether a DMA wants the
//! bus. Between two events none of them can find anything, provided that
//! - no DMA is pending: only a $4014 or APU register write (I/O) or an APU event (the
//!   horizon) can start one;
//! - the IRQ line is low and the NMI line is where the CPU last saw it, with no interrupt
//!   latched (`Cpu::interrupts_settled`): sampling steady lines then leaves every latch as
//!   it is, whatever the I flag does;
//! - the lines stay steady: only a PPU or APU event (the horizon) or a register access
//!   (I/O) moves them.
//!
//! So an instruction that starts at least [`LONGEST_INSTRUCTION`] cycles before the bus's
//! next event runs with reads and writes of internal RAM and ROM that only move data and
//! count the cycle: no DMA check, no interrupt sampling, no event compare, no call out of
//! the instruction. If it touches anything else (PPU, APU or controller registers, a
//! mapper, PRG RAM, open bus), that access is not made: the instruction is marked aborted,
//! its remaining writes are dropped, and the executor puts the CPU registers, the clock and
//! the bus latch back as they were before it and runs it again by the book (`Cpu::step`).
//! Nothing else can have changed in between: RAM and ROM reads have no side effects, and
//! no instruction writes RAM before an access that can abort — but `JSR`, which pushes
//! before it fetches its high byte, so code at $1FFE–$7FFF (whose fetches may reach
//! registers) never runs quietly.
//!
//! The quiet state — the CPU registers (a local copy), the clock, the bus latch, the RAM
//! and the ROM windows — is local to the run, with no call out of the loop, so the compiler
//! keeps it in machine registers.
//!
//! `tests/tests/fast_paths.rs` compares this against the plain path after every frame,
//! and every test ROM gives the same verdict and the same final state either way.

use crate::bus::Bus;
use crate::cpu::{Cpu, CpuBus, Jammed};

/// The most cycles an instruction takes (read-modify-write through `(zp,X)` or `(zp),Y`,
/// unofficial opcodes): a quiet instruction starts at least this far from the next event.
pub(crate) const LONGEST_INSTRUCTION: u64 = 8;

/// The cycle count below which an instruction may start quietly now; 0 if none may (a DMA
/// pending, the IRQ line asserted, or the CPU's interrupt logic not at rest).
#[inline]
pub(super) fn end(cpu: &Cpu, bus: &Bus) -> u64 {
    let (nmi, irq, dma) = bus.lines();
    if dma || irq || !cpu.interrupts_settled(nmi) {
        return 0;
    }
    bus.next_event_cycle().saturating_sub(LONGEST_INSTRUCTION)
}

/// Why a quiet run stopped.
pub(super) enum Exit {
    /// The clock reached the end.
    Stopped,
    /// The last instruction jumped a little way back: it may have closed a loop the
    /// executor can fast-forward.
    JumpedBack,
    /// The instruction at the run's `through` address ran.
    Through,
    /// The next instruction is to run by the book: it touched something other than RAM or
    /// ROM (and was undone), or its code is at $1FFE–$7FFF.
    Aborted,
}

/// Runs instructions quietly while the clock is below `end` (from [`end`], or lower), up to
/// the instruction at `through` (an address, or above `u16::MAX` for none); an instruction
/// that touches anything but RAM and ROM is undone and ends the run, for the executor to run
/// it by the book.
pub(super) fn run(
    cpu_state: &mut Cpu,
    bus: &mut Bus,
    end: u64,
    through: u32,
    memo: &super::Memo,
) -> Result<Exit, Jammed> {
    // The CPU as a local value: with no call out of the loop to see it, its registers stay
    // in machine registers.
    let mut local = cpu_state.clone();
    let cpu = &mut local;
    let (cycles, open_bus) = (bus.cycles(), bus.open_bus());
    let (ram, cart) = bus.ram_and_cart();
    let (prg, windows) = cart.prg_rom_windows();
    // The common case of 32 KiB mapped in order (NROM, and MMC1 or UxROM in their first
    // banks): one fixed-size slice, read without a bounds check.
    let flat = windows[0]
        .checked_add(0x8000)
        .and_then(|end| prg.get(windows[0]..end))
        .filter(|_| (1..4).all(|i| windows[i] == windows[0] + i * 0x2000))
        .and_then(|s| <&[u8; 0x8000]>::try_from(s).ok());
    let mut quiet = Quiet {
        ram,
        flat,
        prg,
        windows,
        cycles,
        open_bus,
        aborted: false,
    };
    let mut pc = cpu.registers().pc;
    let done = loop {
        if quiet.cycles >= end {
            break Ok(Exit::Stopped);
        }
        if !quiet_code(pc) {
            // Stopping here without running it would leave the executor where it was.
            break Ok(Exit::Aborted);
        }
        let (regs, cycles, open_bus) = (cpu.registers(), quiet.cycles, quiet.open_bus);
        // Not jammed (`end` checked the CPU), and with every cycle quiet no interrupt can
        // have been recognised: no interrupt sequence follows.
        let ran = cpu.instruction(&mut quiet);
        if quiet.aborted {
            cpu.set_registers(regs);
            (quiet.cycles, quiet.open_bus) = (cycles, open_bus);
            break Ok(Exit::Aborted);
        }
        if let Err(jam) = ran {
            break Err(jam);
        }
        let next = cpu.registers().pc;
        if u32::from(pc) == through {
            break Ok(Exit::Through);
        }
        if super::closes_loop(pc, next) && !memo.not_a_loop(next, quiet.window_offset(next)) {
            break Ok(Exit::JumpedBack);
        }
        pc = next;
    };
    let (cycles, open_bus) = (quiet.cycles, quiet.open_bus);
    bus.set_clock(cycles, open_bus);
    *cpu_state = local;
    done
}

/// Whether an instruction at `pc` may run quietly: its code is in internal RAM below $1FFE
/// or in ROM (see the module docs).
#[inline(always)]
fn quiet_code(pc: u16) -> bool {
    !(0x1FFE..0x8000).contains(&pc)
}

/// What a quiet instruction sees of the bus: internal RAM, the PRG ROM as mapped when the
/// run started (only a mapper write, which aborts, could change it), and its own copy of
/// the clock and the bus latch. Every access goes through `quiet_read` / `quiet_write`, so
/// the CPU never samples the lines or checks for DMA; the other [`CpuBus`] methods answer
/// as the bus would between events (the lines steady, no DMA).
struct Quiet<'a> {
    ram: &'a mut [u8; 0x800],
    /// $8000–$FFFF when the four windows map 32 KiB of ROM in order.
    flat: Option<&'a [u8; 0x8000]>,
    prg: &'a [u8],
    /// Offsets into `prg` of $8000, $A000, $C000 and $E000.
    windows: &'a [usize; 4],
    cycles: u64,
    open_bus: u8,
    /// The instruction touched something other than RAM or ROM.
    aborted: bool,
}

impl Quiet<'_> {
    /// As `Cart::prg_window_offset`.
    #[inline(always)]
    fn window_offset(&self, pc: u16) -> usize {
        if pc >= 0x8000 {
            self.windows[usize::from(pc >> 13) & 3]
        } else {
            0
        }
    }
}

impl CpuBus for Quiet<'_> {
    #[inline(always)]
    fn quiet_read(&mut self, addr: u16) -> Option<u8> {
        Some(self.read(addr))
    }

    #[inline(always)]
    fn quiet_write(&mut self, addr: u16, val: u8) -> bool {
        self.write(addr, val);
        true
    }

    #[inline(always)]
    fn read(&mut self, addr: u16) -> u8 {
        let a = usize::from(addr);
        let val = if a < 0x2000 {
            self.ram[a & 0x7FF]
        } else if a >= 0x8000 {
            match self.flat {
                Some(rom) => rom[a & 0x7FFF],
                None => self.prg[self.windows[(a >> 13) & 3] | (a & 0x1FFF)],
            }
        } else {
            self.aborted = true;
            0
        };
        self.open_bus = val;
        self.cycles += 1;
        val
    }

    #[inline(always)]
    fn write(&mut self, addr: u16, val: u8) {
        // After an abort nothing more is written: the instruction will run again.
        if addr < 0x2000 && !self.aborted {
            self.ram[usize::from(addr & 0x7FF)] = val;
        } else {
            self.aborted = true;
        }
        self.open_bus = val;
        self.cycles += 1;
    }

    fn peek(&self, addr: u16) -> u8 {
        let a = usize::from(addr);
        if a < 0x2000 {
            self.ram[a & 0x7FF]
        } else if a >= 0x8000 {
            self.prg[self.windows[(a >> 13) & 3] | (a & 0x1FFF)]
        } else {
            self.open_bus
        }
    }

    fn nmi_line(&mut self) -> bool {
        // Never asked (every cycle is quiet); with the logic at rest, any steady level.
        false
    }

    fn irq_line(&mut self) -> bool {
        false
    }

    fn cycles(&self) -> u64 {
        self.cycles
    }

    fn dma_pending(&self) -> bool {
        false
    }

    fn take_oam_dma(&mut self) -> Option<u8> {
        None
    }

    fn dmc_dma_request(&self) -> Option<u16> {
        None
    }

    /// Never asked (no DMA is pending in a quiet run); were it, the instruction would be
    /// undone and run by the book.
    fn dmc_dma_fetch(&mut self, addr: u16, _cpu_addr: u16, _oam_running: bool) -> u8 {
        self.aborted = true;
        self.read(addr)
    }
}
