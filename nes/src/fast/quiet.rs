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
//! count the cycle. At its first access to anything else (PPU, APU or controller
//! registers, a mapper, PRG RAM, open bus), the instruction carries on by the book from
//! that cycle: the cycles before it sampled nothing, which is what the book would have
//! done, and from then on every cycle is exact. The quiet run then ends, and the executor
//! (`fast::run`) decides afresh before the next instruction.
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

/// Runs instructions quietly while the clock is below `end` (from [`end`], or lower).
/// Returns whether the last one jumped a little way back (it may have closed a loop the
/// executor can fast-forward); stops after an instruction that touched anything but RAM
/// and ROM.
pub(super) fn run(cpu: &mut Cpu, bus: &mut Bus, end: u64) -> Result<bool, Jammed> {
    let mut quiet = Quiet { bus, exact: false };
    while quiet.bus.cycles() < end {
        let pc = cpu.registers().pc;
        cpu.step(&mut quiet)?;
        let back = super::closes_loop(pc, cpu.registers().pc);
        if back || quiet.exact {
            return Ok(back);
        }
    }
    Ok(false)
}

/// The bus as a quiet instruction sees it: RAM and ROM accesses without the per-cycle
/// bookkeeping until the first other access, then the bus itself, cycle by cycle.
///
/// Every [`CpuBus`] method but the quiet accesses forwards to [`Bus`]: a method added to
/// the trait must be forwarded here too.
struct Quiet<'a> {
    bus: &'a mut Bus,
    /// The instruction has touched something other than RAM or ROM: from now on, by the
    /// book.
    exact: bool,
}

impl CpuBus for Quiet<'_> {
    #[inline(always)]
    fn quiet_read(&mut self, addr: u16) -> Option<u8> {
        if self.exact {
            return None;
        }
        let val = self.bus.read_below_horizon(addr);
        self.exact = val.is_none();
        val
    }

    #[inline(always)]
    fn quiet_write(&mut self, addr: u16, val: u8) -> bool {
        if self.exact {
            return false;
        }
        let done = self.bus.write_below_horizon(addr, val);
        self.exact = !done;
        done
    }

    #[inline(always)]
    fn read(&mut self, addr: u16) -> u8 {
        self.bus.read(addr)
    }

    #[inline(always)]
    fn write(&mut self, addr: u16, val: u8) {
        self.bus.write(addr, val);
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
        self.bus.cycles()
    }

    #[inline(always)]
    fn dma_pending(&self) -> bool {
        self.bus.dma_pending()
    }

    fn take_oam_dma(&mut self) -> Option<u8> {
        self.bus.take_oam_dma()
    }

    fn dmc_dma_request(&self) -> Option<u16> {
        self.bus.dmc_dma_request()
    }

    fn dmc_dma_complete(&mut self, val: u8) {
        self.bus.dmc_dma_complete(val);
    }

    fn oam_dma_burst(&mut self, page: u8) -> bool {
        self.bus.oam_dma_burst(page)
    }
}
