//! The 2A03's 6502 core: an NMOS 6502 without decimal mode, cycle by cycle.
//!
//! Every CPU cycle is one [`CpuBus::read`] or [`CpuBus::write`], including the cycles real
//! hardware spends on dummy accesses (the read after an implied opcode, the read of the
//! un-fixed address of an indexed access, the double write of read-modify-write
//! instructions, the stack read of pulls and `JSR`). After each cycle the core samples the
//! NMI and IRQ lines; at the end of an instruction it starts the interrupt sequence if one
//! was recognised before the instruction's last cycle (see [`Cpu::step`]). DMA (OAM and DMC)
//! stalls the core on its next read cycle (`dma.rs`).
//!
//! Files: `addressing.rs` (operand fetches and their dummy cycles), `instructions.rs` (the
//! opcode `match`, control flow and stack), `alu.rs` (flags and arithmetic), `dma.rs`,
//! `trace.rs` (disassembler, nestest log lines).
//!
//! Speed: `step` is one `match` over the opcode, generic over the bus (monomorphised, no
//! `dyn`, no allocation); on a flat 64 KiB test bus it runs nestest's code at about
//! 195 M cycles/s (one core of the development machine, `--release`).
//!
//! - <https://www.nesdev.org/wiki/CPU>
//! - <https://www.nesdev.org/wiki/CPU_interrupts>
//! - <https://www.nesdev.org/6502_cpu.txt> (cycle-by-cycle bus activity)
//! - <https://www.nesdev.org/wiki/CPU_unofficial_opcodes>

mod addressing;
mod alu;
mod dma;
mod instructions;
#[cfg(test)]
mod tests;
pub mod trace;

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
    /// Level of the NMI line at the end of the last cycle (true = asserted). The CPU calls
    /// this after every cycle (DMA cycles included), then `irq_line`.
    fn nmi_line(&mut self) -> bool;
    /// Level of the IRQ line at the end of the last cycle (true = asserted). Called after
    /// every cycle whatever the I flag, so the bus may use it to catch up scheduled events.
    fn irq_line(&mut self) -> bool;
    /// CPU cycles elapsed since power-on.
    fn cycles(&self) -> u64;
    /// Whether an OAM or DMC DMA wants the bus; checked before every read cycle.
    fn dma_pending(&self) -> bool;
    /// Takes the page of a pending OAM DMA (set by a write to $4014).
    fn take_oam_dma(&mut self) -> Option<u8>;
    /// The address the DMC wants the DMA unit to fetch a sample byte from in the coming
    /// cycle, if it wants one.
    fn dmc_dma_request(&self) -> Option<u16>;
    /// One DMA read cycle (an OAM DMA get) of `addr` while the halted CPU holds `cpu_addr`
    /// on its address bus (which decides whether the APU registers answer, see
    /// `Bus::dma_value`); `oam_running` while an OAM DMA is under way.
    fn dma_read(&mut self, addr: u16, _cpu_addr: u16, _oam_running: bool) -> u8 {
        self.read(addr)
    }
    /// The DMC's get cycle: reads `addr` as [`CpuBus::dma_read`] does and hands the byte to
    /// the DMC within the same cycle; returns it.
    fn dmc_dma_fetch(&mut self, addr: u16, cpu_addr: u16, oam_running: bool) -> u8;
    /// Performs a whole OAM DMA transfer from `page` (256 get/put pairs, 512 cycles starting
    /// on a get cycle) at once, if the bus can do so with exactly the same effects as cycle
    /// by cycle and no interrupt line or DMA request can change meanwhile; returns whether
    /// it did. Buses without such a shortcut keep the default.
    fn oam_dma_burst(&mut self, _page: u8) -> bool {
        false
    }
    /// A read cycle done without the end-of-cycle work (interrupt sampling, event compare,
    /// DMA check), when the bus knows none of it can find anything (see `crate::fast`);
    /// `None` for a cycle by the book. Buses without such a mode keep the default.
    #[inline(always)]
    fn quiet_read(&mut self, _addr: u16) -> Option<u8> {
        None
    }
    /// A write cycle done as [`CpuBus::quiet_read`]; `false` for a cycle by the book.
    #[inline(always)]
    fn quiet_write(&mut self, _addr: u16, _val: u8) -> bool {
        false
    }
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("CPU jammed by opcode ${opcode:02X} at ${pc:04X}")]
pub struct Jammed {
    pub opcode: u8,
    pub pc: u16,
}

/// Status flag bits of [`Registers::p`].
pub mod flags {
    pub const C: u8 = 0x01;
    pub const Z: u8 = 0x02;
    pub const I: u8 = 0x04;
    pub const D: u8 = 0x08;
    /// Only exists on the stack: set by `PHP`/`BRK`, clear in an NMI/IRQ push.
    pub const B: u8 = 0x10;
    /// Always reads as 1.
    pub const U: u8 = 0x20;
    pub const V: u8 = 0x40;
    pub const N: u8 = 0x80;
}

const NMI_VECTOR: u16 = 0xFFFA;
const RESET_VECTOR: u16 = 0xFFFC;
const IRQ_VECTOR: u16 = 0xFFFE;

/// The CPU core state.
///
/// The interrupt fields follow the two-stage pipeline of the real chip: a line is sampled at
/// the end of every cycle (`need_nmi`, `run_irq`) and what was sampled one cycle earlier
/// (`prev_*`) decides, at the end of an instruction, whether the interrupt sequence runs.
/// That one-cycle lag is why an interrupt must arrive before an instruction's last cycle.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Cpu {
    regs: Registers,
    /// NMI line level at the end of the previous cycle (the edge detector's memory).
    nmi_line: bool,
    /// An NMI edge was seen and the NMI has not been serviced yet.
    need_nmi: bool,
    /// `need_nmi` as it was one cycle earlier.
    prev_need_nmi: bool,
    /// IRQ line asserted and I clear at the end of the last cycle.
    run_irq: bool,
    /// `run_irq` as it was one cycle earlier.
    prev_run_irq: bool,
    /// Set once a JAM opcode has halted the core; only a reset clears it.
    jammed: Option<Jammed>,
}

impl Cpu {
    /// Checks a loaded state (see [`crate::savestate`]): registers and interrupt latches
    /// take any value; a jam can only come from one of the twelve JAM opcodes.
    pub(crate) fn validate(&self) -> Result<(), crate::savestate::StateError> {
        if let Some(jam) = self.jammed {
            crate::savestate::ensure(
                jam.opcode & 0x0F == 0x02 && !matches!(jam.opcode, 0x82 | 0xA2 | 0xC2 | 0xE2),
                "cpu.jammed.opcode",
                format_args!("${:02X}", jam.opcode),
                "a JAM opcode ($02, $12, …, $F2 but $82/$A2/$C2/$E2)",
            )?;
        }
        Ok(())
    }

    /// Power-on state (registers as after power-up, before the reset sequence).
    #[must_use]
    pub fn new() -> Cpu {
        Cpu::default()
    }

    /// The power-up reset sequence: 7 cycles, then PC from the reset vector ($FFFC).
    /// Afterwards A = X = Y = 0, P = $34, SP = $FD.
    pub fn power_on<B: CpuBus>(&mut self, bus: &mut B) {
        self.regs = Registers {
            pc: 0,
            a: 0,
            x: 0,
            y: 0,
            // The documented power-up value is $34: bit 4 reads set until the first PLP/RTI
            // (B is otherwise only a stack artefact); the reset sequence sets I.
            p: flags::U | flags::B,
            sp: 0,
        };
        self.reset_sequence(bus);
    }

    /// A soft reset (the console's reset button): SP -= 3, I set, PC from $FFFC, 7 cycles.
    pub fn reset<B: CpuBus>(&mut self, bus: &mut B) {
        self.reset_sequence(bus);
    }

    /// The reset sequence is the interrupt sequence with its three stack writes turned into
    /// reads: SP still counts down by 3.
    fn reset_sequence<B: CpuBus>(&mut self, bus: &mut B) {
        self.jammed = None;
        self.need_nmi = false;
        self.prev_need_nmi = false;
        self.run_irq = false;
        self.prev_run_irq = false;
        let pc = self.regs.pc;
        self.read(bus, pc);
        self.read(bus, pc);
        for _ in 0..3 {
            self.read(bus, 0x100 | u16::from(self.regs.sp));
            self.regs.sp = self.regs.sp.wrapping_sub(1);
        }
        self.regs.p |= flags::I;
        let lo = self.read(bus, RESET_VECTOR);
        let hi = self.read(bus, RESET_VECTOR + 1);
        self.regs.pc = u16::from_le_bytes([lo, hi]);
        // Whatever the lines did during reset, the first instruction runs first.
        self.need_nmi = false;
        self.prev_need_nmi = false;
        self.run_irq = false;
        self.prev_run_irq = false;
    }

    /// Runs one instruction, then the interrupt sequence if one was recognised during it.
    ///
    /// So a trace taken between two calls shows the next instruction to run (the first
    /// instruction of a handler right after an interrupt).
    ///
    /// # Errors
    /// [`Jammed`] when the opcode is a JAM, and on every call after that until a reset. A
    /// jammed core still spends one cycle per call (reading $FFFF) so time moves on.
    pub fn step<B: CpuBus>(&mut self, bus: &mut B) -> Result<(), Jammed> {
        if let Some(jam) = self.jammed {
            bus.read(0xFFFF);
            return Err(jam);
        }
        self.instruction(bus)?;
        if self.prev_run_irq || self.prev_need_nmi {
            self.interrupt(bus);
        }
        Ok(())
    }

    /// One instruction, no more: opcode fetch and execution ([`Cpu::step`] without its jam
    /// check before and its interrupt sequence after, for the quiet instructions of
    /// `crate::fast`, which start with the interrupt logic at rest).
    #[inline(always)]
    pub(crate) fn instruction<B: CpuBus>(&mut self, bus: &mut B) -> Result<(), Jammed> {
        let pc = self.regs.pc;
        let opcode = self.read(bus, pc);
        self.regs.pc = pc.wrapping_add(1);
        if !self.execute(bus, opcode) {
            let jam = Jammed { opcode, pc };
            self.jammed = Some(jam);
            return Err(jam);
        }
        Ok(())
    }

    #[must_use]
    pub fn registers(&self) -> Registers {
        self.regs
    }

    /// Overrides registers (nestest's automation start sets PC to $C000).
    pub fn set_registers(&mut self, regs: Registers) {
        self.regs = regs;
    }

    /// The nestest.log line for the instruction about to run (see [`trace::nestest_line`]);
    /// the PPU position comes from the caller, the cycle count from the bus.
    #[must_use]
    pub fn trace_line<B: CpuBus>(&self, bus: &B, scanline: i32, dot: u32) -> String {
        trace::nestest_line(
            &self.regs,
            |addr| bus.peek(addr),
            scanline,
            dot,
            bus.cycles(),
        )
    }

    /// The JAM that halted the core, if any.
    #[must_use]
    pub fn jammed(&self) -> Option<Jammed> {
        self.jammed
    }

    /// Whether the interrupt logic is at rest with the NMI line at `nmi` and the IRQ line
    /// low: no NMI edge to detect and nothing latched, so sampling the lines at the end of a
    /// cycle changes nothing while they stay so, whatever the I flag does (the quiet
    /// instructions of `crate::fast` skip the sampling then). Also false when jammed.
    #[inline]
    pub(crate) fn interrupts_settled(&self, nmi: bool) -> bool {
        self.nmi_line == nmi
            && !(self.need_nmi | self.prev_need_nmi | self.run_irq | self.prev_run_irq)
            && self.jammed.is_none()
    }

    /// Whether an interrupt sequence will run after the current instruction (for debuggers).
    #[must_use]
    pub fn interrupt_pending(&self) -> bool {
        self.need_nmi || self.run_irq
    }

    /// One read cycle: DMA may stall the core first, then the lines are sampled.
    #[inline(always)]
    fn read<B: CpuBus>(&mut self, bus: &mut B, addr: u16) -> u8 {
        if let Some(val) = bus.quiet_read(addr) {
            return val;
        }
        if bus.dma_pending() {
            self.run_dma(bus, addr);
        }
        let val = bus.read(addr);
        self.poll(bus);
        val
    }

    /// One write cycle. DMA never halts the core on a write; it waits for the next read.
    #[inline(always)]
    fn write<B: CpuBus>(&mut self, bus: &mut B, addr: u16, val: u8) {
        if bus.quiet_write(addr, val) {
            return;
        }
        bus.write(addr, val);
        self.poll(bus);
    }

    /// End-of-cycle interrupt sampling: NMI is edge-triggered (latched until serviced), IRQ
    /// is level-triggered and masked by I.
    #[inline(always)]
    fn poll<B: CpuBus>(&mut self, bus: &mut B) {
        let nmi = bus.nmi_line();
        self.prev_need_nmi = self.need_nmi;
        // Non-short-circuit `&`/`|` on bools: branch-free, fewer instructions per cycle
        // (callgrind, `FRAMES_DIV=10` frames bench: 2,249.6 M → 2,167.6 M, −3.6%).
        self.need_nmi |= nmi & !self.nmi_line;
        self.nmi_line = nmi;
        // Always ask the bus, even with I set: the real bus catches the APU up to its
        // scheduled events here (DMC fetch requests included).
        let irq = bus.irq_line();
        self.prev_run_irq = self.run_irq;
        self.run_irq = irq & (self.regs.p & flags::I == 0);
    }

    #[inline(always)]
    fn push<B: CpuBus>(&mut self, bus: &mut B, val: u8) {
        self.write(bus, 0x100 | u16::from(self.regs.sp), val);
        self.regs.sp = self.regs.sp.wrapping_sub(1);
    }

    #[inline(always)]
    fn pull<B: CpuBus>(&mut self, bus: &mut B) -> u8 {
        self.regs.sp = self.regs.sp.wrapping_add(1);
        self.read(bus, 0x100 | u16::from(self.regs.sp))
    }

    /// Pushes PC and P, sets I and jumps through the NMI vector if an NMI is pending by now
    /// (it hijacks an IRQ or BRK), else through `vector`. Shared by BRK and NMI/IRQ.
    #[inline]
    fn push_and_vector<B: CpuBus>(&mut self, bus: &mut B, pushed_p: u8, vector: u16) {
        let pc = self.regs.pc;
        self.push(bus, (pc >> 8) as u8);
        self.push(bus, pc as u8);
        let vector = if self.need_nmi {
            self.need_nmi = false;
            NMI_VECTOR
        } else {
            vector
        };
        self.push(bus, pushed_p);
        self.regs.p |= flags::I;
        let lo = self.read(bus, vector);
        let hi = self.read(bus, vector + 1);
        self.regs.pc = u16::from_le_bytes([lo, hi]);
    }

    /// The 7-cycle NMI/IRQ sequence: two reads of PC, the pushes, the vector fetch.
    #[cold]
    #[inline(never)]
    fn interrupt<B: CpuBus>(&mut self, bus: &mut B) {
        let pc = self.regs.pc;
        self.read(bus, pc);
        self.read(bus, pc);
        let p = (self.regs.p & !flags::B) | flags::U;
        self.push_and_vector(bus, p, IRQ_VECTOR);
    }
}
