//! The 2A03's 6502 core (NMOS 6502 without decimal mode).
//!
//! STUB: the CPU helper replaces this file's body; the public API below is the contract with
//! the bus (`CpuBus`) and the console (`Cpu`).
//! <https://www.nesdev.org/wiki/CPU>

use serde::{Deserialize, Serialize};

/// What the CPU sees of the rest of the console. Every `read`/`write` is exactly one CPU
/// cycle: the bus advances the master clock and catches up whatever can observe it.
pub trait CpuBus {
    /// One CPU read cycle at `addr`.
    fn read(&mut self, addr: u16) -> u8;
    /// One CPU write cycle.
    fn write(&mut self, addr: u16, val: u8);
    /// Reads without side effects and without using a cycle (debuggers, traces).
    fn peek(&self, addr: u16) -> u8;
    /// Level of the NMI line at the end of the last cycle (true = asserted).
    fn nmi_line(&mut self) -> bool;
    /// Level of the IRQ line at the end of the last cycle (true = asserted).
    fn irq_line(&mut self) -> bool;
    /// CPU cycles elapsed since power-on.
    fn cycles(&self) -> u64;
    /// Whether an OAM or DMC DMA wants the bus; checked before every read cycle.
    fn dma_pending(&self) -> bool;
    /// Takes the page of a pending OAM DMA (set by a write to $4014).
    fn take_oam_dma(&mut self) -> Option<u8>;
    /// The address the DMC wants to fetch a sample byte from, if it wants one.
    fn dmc_dma_request(&self) -> Option<u16>;
    /// Hands the fetched sample byte to the DMC.
    fn dmc_dma_complete(&mut self, val: u8);
}

/// The programmer-visible registers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registers {
    pub pc: u16,
    pub a: u8,
    pub x: u8,
    pub y: u8,
    /// Status as pushed by PHP minus the B flag: NV-BDIZC with bit 5 set.
    pub p: u8,
    pub sp: u8,
}

/// The CPU halted on a JAM (KIL) opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("CPU jammed by opcode ${opcode:02X} at ${pc:04X}")]
pub struct Jammed {
    pub opcode: u8,
    pub pc: u16,
}

/// The CPU core state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Cpu {
    regs: Registers,
}

impl Cpu {
    /// Power-on state (registers as after power-up, before the reset sequence).
    #[must_use]
    pub fn new() -> Cpu {
        Cpu::default()
    }

    /// The power-up reset sequence: 7 cycles, then PC from the reset vector ($FFFC).
    pub fn power_on<B: CpuBus>(&mut self, _bus: &mut B) {
        todo!("cpu helper")
    }

    /// A soft reset (the console's reset button): SP -= 3, I set, PC from $FFFC, 7 cycles.
    pub fn reset<B: CpuBus>(&mut self, _bus: &mut B) {
        todo!("cpu helper")
    }

    /// Runs one instruction, then the interrupt sequence if one was recognised during it.
    pub fn step<B: CpuBus>(&mut self, _bus: &mut B) -> Result<(), Jammed> {
        todo!("cpu helper")
    }

    #[must_use]
    pub fn registers(&self) -> Registers {
        self.regs
    }

    /// Overrides registers (nestest's automation start sets PC to $C000).
    pub fn set_registers(&mut self, regs: Registers) {
        self.regs = regs;
    }
}
