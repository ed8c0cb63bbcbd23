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
//! count the cycle: no DMA check, no interrupt sampling, no event compare. At its first
//! access to anything else (PPU, APU or controller registers, a mapper, PRG RAM, open bus),
//! the instruction carries on by the book from that cycle: the cycles before it sampled
//! nothing, which is what the book would have done, and from then on every cycle samples
//! the lines. The quiet run then ends, and the executor (`fast::run`) decides afresh before
//! the next instruction.
//!
//! One chore stays skipped in that by-the-book tail: the DMA check before a read. A DMA can
//! only be requested there by the instruction's own register write ($4014, $4015), and no
//! instruction reads after writing a register: stores and read-modify-writes end with their
//! writes, and `JSR`, `BRK`, `PHA` and `PHP` write only the stack. The DMA starts at the
//! next instruction's first read, on the plain path.
//!
//! The quiet state (clock, bus latch, the by-the-book switch) is a local value that the
//! compiler keeps in registers; it is written back to the bus around each by-the-book access
//! and at the end of the run.
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
    /// The clock reached the end, or an instruction touched anything but RAM and ROM.
    Stopped,
    /// The last instruction jumped a little way back: it may have closed a loop the
    /// executor can fast-forward.
    JumpedBack,
    /// The instruction at the run's `through` address ran.
    Through,
}

/// Runs instructions quietly while the clock is below `end` (from [`end`], or lower), up to
/// the instruction at `through` (an address, or above `u16::MAX` for none); stops after an
/// instruction that touched anything but RAM and ROM (and runs the interrupt sequence it
/// may have let in).
pub(super) fn run(
    cpu_state: &mut Cpu,
    bus: &mut Bus,
    end: u64,
    through: u32,
) -> Result<Exit, Jammed> {
    // The CPU as a local value too: with no call out of the loop to see it, the compiler
    // keeps its registers in machine registers (−N% instructions, see docs/benchmarks.md).
    let mut local = cpu_state.clone();
    let cpu = &mut local;
    let (cycles, open_bus) = (bus.cycles(), bus.open_bus());
    let mut quiet = Quiet {
        bus,
        cycles,
        open_bus,
        exact: false,
    };
    let mut pc = cpu.registers().pc;
    let done = loop {
        if quiet.cycles >= end {
            break Ok(Exit::Stopped);
        }
        let last = u32::from(pc) == through;
        // Not jammed (`end` checked the CPU), and with every cycle quiet no interrupt can
        // have been recognised: no interrupt sequence follows.
        if let Err(jam) = cpu.instruction(&mut quiet) {
            break Err(jam);
        }
        let next = cpu.registers().pc;
        if last {
            break Ok(Exit::Through);
        }
        if super::closes_loop(pc, next) {
            break Ok(Exit::JumpedBack);
        }
        if quiet.exact {
            break Ok(Exit::Stopped);
        }
        pc = next;
    };
    let exact = quiet.exact;
    quiet.write_back();
    *cpu_state = local;
    let exit = done?;
    if exact {
        cpu_state.interrupt_if_due(bus);
    }
    Ok(exit)
}

/// The bus as a quiet instruction sees it: RAM and ROM accesses without the per-cycle
/// bookkeeping until the first other access, then the bus itself, cycle by cycle.
struct Quiet<'a> {
    bus: &'a mut Bus,
    /// The clock and the bus latch, ahead of the bus's own until [`Quiet::write_back`].
    cycles: u64,
    open_bus: u8,
    /// The instruction has touched something other than RAM or ROM: from now on, by the
    /// book.
    exact: bool,
}

impl Quiet<'_> {
    /// Brings the bus's clock and latch up to date.
    #[inline(always)]
    fn write_back(&mut self) {
        self.bus.set_clock(self.cycles, self.open_bus);
    }

    /// After a by-the-book access: takes the bus's clock and latch.
    #[inline(always)]
    fn read_back(&mut self) {
        (self.cycles, self.open_bus) = (self.bus.cycles(), self.bus.open_bus());
    }
}

/// Marks the branch that calls it as rarely taken, so the compiler lays the by-the-book
/// paths out of the way of the quiet ones.
#[cold]
#[inline(never)]
fn unlikely() {}

impl CpuBus for Quiet<'_> {
    #[inline(always)]
    fn quiet_read(&mut self, addr: u16) -> Option<u8> {
        if self.exact {
            unlikely();
            return None;
        }
        let val = if addr < 0x2000 {
            self.bus.ram()[usize::from(addr & 0x7FF)]
        } else if addr >= 0x8000 {
            self.bus.cart.prg_rom_read(addr)
        } else {
            unlikely();
            self.exact = true;
            return None;
        };
        self.open_bus = val;
        self.cycles += 1;
        Some(val)
    }

    #[inline(always)]
    fn quiet_write(&mut self, addr: u16, val: u8) -> bool {
        if self.exact || addr >= 0x2000 {
            unlikely();
            self.exact = true;
            return false;
        }
        self.bus.ram_mut()[usize::from(addr & 0x7FF)] = val;
        self.open_bus = val;
        self.cycles += 1;
        true
    }

    #[inline(always)]
    fn read(&mut self, addr: u16) -> u8 {
        self.write_back();
        let val = self.bus.read(addr);
        self.read_back();
        val
    }

    #[inline(always)]
    fn write(&mut self, addr: u16, val: u8) {
        self.write_back();
        self.bus.write(addr, val);
        self.read_back();
    }

    fn peek(&self, addr: u16) -> u8 {
        self.bus.peek(addr)
    }

    #[inline(always)]
    fn nmi_line(&mut self) -> bool {
        self.bus.nmi_line()
    }

    #[inline(always)]
    fn irq_line(&mut self) -> bool {
        self.bus.irq_line()
    }

    fn cycles(&self) -> u64 {
        self.cycles
    }

    /// No DMA can be waiting inside a quiet instruction (see the module docs).
    #[inline(always)]
    fn dma_pending(&self) -> bool {
        false
    }

    fn take_oam_dma(&mut self) -> Option<u8> {
        None
    }

    fn dmc_dma_request(&self) -> Option<u16> {
        None
    }

    fn dmc_dma_complete(&mut self, _val: u8) {}
}
