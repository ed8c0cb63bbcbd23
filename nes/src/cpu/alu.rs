//! The ALU side of the instructions: register transfers, arithmetic, logic, shifts and the
//! unofficial combinations. No bus access here; the 2A03 has no decimal mode, so ADC/SBC
//! are binary whatever D says. <https://www.nesdev.org/wiki/Status_flags>,
//! <https://www.nesdev.org/wiki/CPU_unofficial_opcodes>

use super::flags::{C, D, I, N, V, Z};
use super::Cpu;

/// The constant ORed into A by the unstable XAA (ANE) and LXA: it varies between chips;
/// $FF makes LXA behave as `LDA #imm; TAX`, which is what NES test ROMs expect.
const UNSTABLE_MAGIC: u8 = 0xFF;

impl Cpu {
    #[inline(always)]
    pub(super) fn set_nz(&mut self, v: u8) {
        self.regs.p = (self.regs.p & !(N | Z)) | (v & N) | if v == 0 { Z } else { 0 };
    }

    #[inline(always)]
    fn set_flag(&mut self, flag: u8, on: bool) {
        if on {
            self.regs.p |= flag;
        } else {
            self.regs.p &= !flag;
        }
    }

    #[inline(always)]
    fn carry(&self) -> u8 {
        self.regs.p & C
    }

    // Loads and logic.

    #[inline(always)]
    pub(super) fn lda(&mut self, v: u8) {
        self.regs.a = v;
        self.set_nz(v);
    }

    #[inline(always)]
    pub(super) fn ldx(&mut self, v: u8) {
        self.regs.x = v;
        self.set_nz(v);
    }

    #[inline(always)]
    pub(super) fn ldy(&mut self, v: u8) {
        self.regs.y = v;
        self.set_nz(v);
    }

    #[inline(always)]
    pub(super) fn ora(&mut self, v: u8) {
        self.lda(self.regs.a | v);
    }

    #[inline(always)]
    pub(super) fn and(&mut self, v: u8) {
        self.lda(self.regs.a & v);
    }

    #[inline(always)]
    pub(super) fn eor(&mut self, v: u8) {
        self.lda(self.regs.a ^ v);
    }

    #[inline(always)]
    pub(super) fn bit(&mut self, v: u8) {
        self.regs.p =
            (self.regs.p & !(N | V | Z)) | (v & (N | V)) | if self.regs.a & v == 0 { Z } else { 0 };
    }

    /// The unofficial NOPs that read an operand (the read still happens on the bus).
    #[inline(always)]
    pub(super) fn nop_read(&mut self, _v: u8) {}

    // Arithmetic.

    #[inline(always)]
    pub(super) fn adc(&mut self, v: u8) {
        let a = self.regs.a;
        let sum = u16::from(a) + u16::from(v) + u16::from(self.carry());
        let r = sum as u8;
        self.set_flag(C, sum > 0xFF);
        self.set_flag(V, (a ^ r) & (v ^ r) & 0x80 != 0);
        self.lda(r);
    }

    #[inline(always)]
    pub(super) fn sbc(&mut self, v: u8) {
        self.adc(!v);
    }

    #[inline(always)]
    fn compare(&mut self, reg: u8, v: u8) {
        self.set_flag(C, reg >= v);
        self.set_nz(reg.wrapping_sub(v));
    }

    #[inline(always)]
    pub(super) fn cmp(&mut self, v: u8) {
        self.compare(self.regs.a, v);
    }

    #[inline(always)]
    pub(super) fn cpx(&mut self, v: u8) {
        self.compare(self.regs.x, v);
    }

    #[inline(always)]
    pub(super) fn cpy(&mut self, v: u8) {
        self.compare(self.regs.y, v);
    }

    // Shifts, increments (read-modify-write on memory or A).

    #[inline(always)]
    pub(super) fn asl(&mut self, v: u8) -> u8 {
        self.set_flag(C, v & 0x80 != 0);
        let r = v << 1;
        self.set_nz(r);
        r
    }

    #[inline(always)]
    pub(super) fn lsr(&mut self, v: u8) -> u8 {
        self.set_flag(C, v & 1 != 0);
        let r = v >> 1;
        self.set_nz(r);
        r
    }

    #[inline(always)]
    pub(super) fn rol(&mut self, v: u8) -> u8 {
        let r = (v << 1) | self.carry();
        self.set_flag(C, v & 0x80 != 0);
        self.set_nz(r);
        r
    }

    #[inline(always)]
    pub(super) fn ror(&mut self, v: u8) -> u8 {
        let r = (v >> 1) | (self.carry() << 7);
        self.set_flag(C, v & 1 != 0);
        self.set_nz(r);
        r
    }

    #[inline(always)]
    pub(super) fn inc(&mut self, v: u8) -> u8 {
        let r = v.wrapping_add(1);
        self.set_nz(r);
        r
    }

    #[inline(always)]
    pub(super) fn dec(&mut self, v: u8) -> u8 {
        let r = v.wrapping_sub(1);
        self.set_nz(r);
        r
    }

    // Unofficial read-modify-write combinations: the RMW, then an ALU op with the result.

    #[inline(always)]
    pub(super) fn slo(&mut self, v: u8) -> u8 {
        let r = self.asl(v);
        self.ora(r);
        r
    }

    #[inline(always)]
    pub(super) fn rla(&mut self, v: u8) -> u8 {
        let r = self.rol(v);
        self.and(r);
        r
    }

    #[inline(always)]
    pub(super) fn sre(&mut self, v: u8) -> u8 {
        let r = self.lsr(v);
        self.eor(r);
        r
    }

    #[inline(always)]
    pub(super) fn rra(&mut self, v: u8) -> u8 {
        let r = self.ror(v);
        self.adc(r);
        r
    }

    #[inline(always)]
    pub(super) fn dcp(&mut self, v: u8) -> u8 {
        let r = v.wrapping_sub(1);
        self.cmp(r);
        r
    }

    #[inline(always)]
    pub(super) fn isb(&mut self, v: u8) -> u8 {
        let r = v.wrapping_add(1);
        self.sbc(r);
        r
    }

    // Unofficial immediate and load combinations.

    #[inline(always)]
    pub(super) fn lax(&mut self, v: u8) {
        self.regs.x = v;
        self.lda(v);
    }

    /// ANC: AND, then C = N.
    #[inline(always)]
    pub(super) fn anc(&mut self, v: u8) {
        self.and(v);
        self.set_flag(C, self.regs.a & 0x80 != 0);
    }

    /// ALR (ASR): AND, then LSR A.
    #[inline(always)]
    pub(super) fn alr(&mut self, v: u8) {
        let r = self.regs.a & v;
        self.regs.a = self.lsr(r);
    }

    /// ARR: AND, then ROR A with C = bit 6 and V = bit 6 ^ bit 5 of the result.
    #[inline(always)]
    pub(super) fn arr(&mut self, v: u8) {
        let r = ((self.regs.a & v) >> 1) | (self.carry() << 7);
        self.lda(r);
        self.set_flag(C, r & 0x40 != 0);
        self.set_flag(V, ((r >> 6) ^ (r >> 5)) & 1 != 0);
    }

    /// AXS (SBX): X = (A & X) - imm, flags as CMP.
    #[inline(always)]
    pub(super) fn axs(&mut self, v: u8) {
        let ax = self.regs.a & self.regs.x;
        self.set_flag(C, ax >= v);
        self.regs.x = ax.wrapping_sub(v);
        self.set_nz(self.regs.x);
    }

    /// XAA (ANE), unstable: A = (A | magic) & X & imm.
    #[inline(always)]
    pub(super) fn xaa(&mut self, v: u8) {
        self.lda((self.regs.a | UNSTABLE_MAGIC) & self.regs.x & v);
    }

    /// LXA (ATX), unstable: A = X = (A | magic) & imm.
    #[inline(always)]
    pub(super) fn lxa(&mut self, v: u8) {
        self.lax((self.regs.a | UNSTABLE_MAGIC) & v);
    }

    /// LAS (LAR): A = X = SP = value & SP.
    #[inline(always)]
    pub(super) fn las(&mut self, v: u8) {
        let r = v & self.regs.sp;
        self.regs.sp = r;
        self.lax(r);
    }

    // Implied instructions (after their dummy read).

    #[inline(always)]
    pub(super) fn clc(&mut self) {
        self.regs.p &= !C;
    }

    #[inline(always)]
    pub(super) fn sec(&mut self) {
        self.regs.p |= C;
    }

    #[inline(always)]
    pub(super) fn cli(&mut self) {
        self.regs.p &= !I;
    }

    #[inline(always)]
    pub(super) fn sei(&mut self) {
        self.regs.p |= I;
    }

    #[inline(always)]
    pub(super) fn clv(&mut self) {
        self.regs.p &= !V;
    }

    #[inline(always)]
    pub(super) fn cld(&mut self) {
        self.regs.p &= !D;
    }

    #[inline(always)]
    pub(super) fn sed(&mut self) {
        self.regs.p |= D;
    }

    #[inline(always)]
    pub(super) fn inx(&mut self) {
        self.regs.x = self.regs.x.wrapping_add(1);
        self.set_nz(self.regs.x);
    }

    #[inline(always)]
    pub(super) fn iny(&mut self) {
        self.regs.y = self.regs.y.wrapping_add(1);
        self.set_nz(self.regs.y);
    }

    #[inline(always)]
    pub(super) fn dex(&mut self) {
        self.regs.x = self.regs.x.wrapping_sub(1);
        self.set_nz(self.regs.x);
    }

    #[inline(always)]
    pub(super) fn dey(&mut self) {
        self.regs.y = self.regs.y.wrapping_sub(1);
        self.set_nz(self.regs.y);
    }

    #[inline(always)]
    pub(super) fn tax(&mut self) {
        self.ldx(self.regs.a);
    }

    #[inline(always)]
    pub(super) fn tay(&mut self) {
        self.ldy(self.regs.a);
    }

    #[inline(always)]
    pub(super) fn txa(&mut self) {
        self.lda(self.regs.x);
    }

    #[inline(always)]
    pub(super) fn tya(&mut self) {
        self.lda(self.regs.y);
    }

    #[inline(always)]
    pub(super) fn tsx(&mut self) {
        self.ldx(self.regs.sp);
    }

    /// TXS sets no flags.
    #[inline(always)]
    pub(super) fn txs(&mut self) {
        self.regs.sp = self.regs.x;
    }

    #[inline(always)]
    pub(super) fn nop(&mut self) {}
}
