//! Addressing modes: the operand fetches and the dummy cycles that come with them.
//!
//! Indexed modes add the index to the low byte first and read from that un-fixed address
//! (high byte not yet carried) while they fix the high byte. Reads skip that cycle when no
//! carry happened; writes and read-modify-writes always spend it.
//! <https://www.nesdev.org/6502_cpu.txt>, <https://www.nesdev.org/wiki/CPU_addressing_modes>

use super::{Cpu, CpuBus};

/// The operand addressing modes of the load/store/ALU/RMW groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    Imm,
    Zp,
    ZpX,
    ZpY,
    Abs,
    AbsX,
    AbsY,
    IndX,
    IndY,
}

impl Cpu {
    /// Reads the byte at PC and advances PC.
    #[inline(always)]
    pub(super) fn fetch<B: CpuBus>(&mut self, bus: &mut B) -> u8 {
        let v = self.read(bus, self.regs.pc);
        self.regs.pc = self.regs.pc.wrapping_add(1);
        v
    }

    #[inline(always)]
    pub(super) fn fetch16<B: CpuBus>(&mut self, bus: &mut B) -> u16 {
        let lo = self.fetch(bus);
        let hi = self.fetch(bus);
        u16::from_le_bytes([lo, hi])
    }

    /// The second cycle of one-byte instructions: the byte after the opcode is read and
    /// discarded, PC is not advanced.
    #[inline(always)]
    pub(super) fn dummy_read_pc<B: CpuBus>(&mut self, bus: &mut B) {
        self.read(bus, self.regs.pc);
    }

    /// `base + index`, reading from the un-fixed address first when `always` or when the
    /// index carried into the high byte.
    #[inline(always)]
    fn indexed<B: CpuBus>(&mut self, bus: &mut B, base: u16, index: u8, always: bool) -> u16 {
        let addr = base.wrapping_add(u16::from(index));
        if always || (addr ^ base) & 0xFF00 != 0 {
            self.read(bus, (base & 0xFF00) | (addr & 0x00FF));
        }
        addr
    }

    /// Zero page indexed: the base is read (and discarded) while the index is added; the
    /// sum wraps within page zero.
    #[inline(always)]
    fn zp_indexed<B: CpuBus>(&mut self, bus: &mut B, index: u8) -> u16 {
        let base = self.fetch(bus);
        self.read(bus, u16::from(base));
        u16::from(base.wrapping_add(index))
    }

    /// Reads a pointer from page zero (the high byte wraps to $00, not $0100).
    #[inline(always)]
    pub(super) fn zp_pointer<B: CpuBus>(&mut self, bus: &mut B, zp: u8) -> u16 {
        let lo = self.read(bus, u16::from(zp));
        let hi = self.read(bus, u16::from(zp.wrapping_add(1)));
        u16::from_le_bytes([lo, hi])
    }

    /// The effective address of `mode`. `WRITE` selects the timing of stores and RMW
    /// instructions (the indexed dummy read always happens). `Imm` yields PC (and advances it).
    #[inline(always)]
    pub(super) fn address<B: CpuBus, const WRITE: bool>(&mut self, bus: &mut B, mode: Mode) -> u16 {
        match mode {
            Mode::Imm => {
                let pc = self.regs.pc;
                self.regs.pc = pc.wrapping_add(1);
                pc
            }
            Mode::Zp => u16::from(self.fetch(bus)),
            Mode::ZpX => self.zp_indexed(bus, self.regs.x),
            Mode::ZpY => self.zp_indexed(bus, self.regs.y),
            Mode::Abs => self.fetch16(bus),
            Mode::AbsX => {
                let base = self.fetch16(bus);
                self.indexed(bus, base, self.regs.x, WRITE)
            }
            Mode::AbsY => {
                let base = self.fetch16(bus);
                self.indexed(bus, base, self.regs.y, WRITE)
            }
            Mode::IndX => {
                let zp = self.fetch(bus);
                self.read(bus, u16::from(zp));
                self.zp_pointer(bus, zp.wrapping_add(self.regs.x))
            }
            Mode::IndY => {
                let zp = self.fetch(bus);
                let base = self.zp_pointer(bus, zp);
                self.indexed(bus, base, self.regs.y, WRITE)
            }
        }
    }

    /// The operand of a read instruction.
    #[inline(always)]
    pub(super) fn operand<B: CpuBus>(&mut self, bus: &mut B, mode: Mode) -> u8 {
        let addr = self.address::<B, false>(bus, mode);
        self.read(bus, addr)
    }

    /// A store: address with write timing, then one write cycle.
    #[inline(always)]
    pub(super) fn store<B: CpuBus>(&mut self, bus: &mut B, mode: Mode, val: u8) {
        let addr = self.address::<B, true>(bus, mode);
        self.write(bus, addr, val);
    }

    /// Read-modify-write: read, write the unmodified value back while the ALU works, then
    /// write the result.
    #[inline(always)]
    pub(super) fn rmw<B: CpuBus>(&mut self, bus: &mut B, mode: Mode, op: fn(&mut Cpu, u8) -> u8) {
        let addr = self.address::<B, true>(bus, mode);
        let val = self.read(bus, addr);
        self.write(bus, addr, val);
        let result = op(self, val);
        self.write(bus, addr, result);
    }

    /// The unstable stores SHY, SHX, SHA (AHX) and SHS (TAS): the value is `val & (H + 1)`
    /// with H the high byte of the base address, and when the index crosses a page that
    /// value also replaces the high byte of the target address. If a DMA halts the CPU on
    /// the dummy read (RDY low two cycles before the write), H + 1 drops out of the value
    /// (it is `val` itself); the address is formed as usual (AccuracyCoin, SH* error 7).
    /// <https://www.nesdev.org/wiki/CPU_unofficial_opcodes>
    #[inline]
    pub(super) fn store_high_and<B: CpuBus>(&mut self, bus: &mut B, base: u16, index: u8, val: u8) {
        let before = bus.cycles();
        let addr = self.indexed(bus, base, index, true);
        let high = val & ((base >> 8) as u8).wrapping_add(1);
        let addr = if (addr ^ base) & 0xFF00 != 0 {
            (u16::from(high) << 8) | (addr & 0x00FF)
        } else {
            addr
        };
        let value = if bus.cycles() - before > 1 { val } else { high };
        self.write(bus, addr, value);
    }
}
