//! Instruction execution: one `match` arm per opcode, all 256 of them.
//!
//! Each arm names its addressing mode and ALU operation; the helpers in `addressing.rs` and
//! `alu.rs` are `#[inline(always)]` so every arm compiles to straight-line code for its own
//! cycle sequence. Unofficial opcodes follow the nesdev wiki, the unstable stores (SHA, SHX,
//! SHY, SHS) with the `& (H + 1)` behaviour and the page-crossing address corruption.
//! <https://www.nesdev.org/wiki/CPU_unofficial_opcodes>,
//! <https://www.nesdev.org/6502_cpu.txt>

use super::addressing::Mode;
use super::flags::{self, C, N, U, V, Z};
use super::{Cpu, CpuBus, IRQ_VECTOR};

impl Cpu {
    /// Runs the rest of the instruction after its opcode fetch. Returns false for a JAM.
    /// The comment on each arm is the mnemonic (`*` = unofficial) and addressing mode.
    #[inline(always)]
    pub(super) fn execute<B: CpuBus>(&mut self, bus: &mut B, opcode: u8) -> bool {
        match opcode {
            0x00 => self.brk(bus),                                          // BRK imp
            0x01 => self.read_op(bus, Mode::IndX, Cpu::ora),                // ORA izx
            0x02 => return false,                                           // JAM* imp
            0x03 => self.rmw(bus, Mode::IndX, Cpu::slo),                    // SLO* izx
            0x04 => self.read_op(bus, Mode::Zp, Cpu::nop_read),             // NOP* zp
            0x05 => self.read_op(bus, Mode::Zp, Cpu::ora),                  // ORA zp
            0x06 => self.rmw(bus, Mode::Zp, Cpu::asl),                      // ASL zp
            0x07 => self.rmw(bus, Mode::Zp, Cpu::slo),                      // SLO* zp
            0x08 => self.php(bus),                                          // PHP imp
            0x09 => self.read_op(bus, Mode::Imm, Cpu::ora),                 // ORA imm
            0x0A => self.accumulator(bus, Cpu::asl),                        // ASL acc
            0x0B => self.read_op(bus, Mode::Imm, Cpu::anc),                 // ANC* imm
            0x0C => self.read_op(bus, Mode::Abs, Cpu::nop_read),            // NOP* abs
            0x0D => self.read_op(bus, Mode::Abs, Cpu::ora),                 // ORA abs
            0x0E => self.rmw(bus, Mode::Abs, Cpu::asl),                     // ASL abs
            0x0F => self.rmw(bus, Mode::Abs, Cpu::slo),                     // SLO* abs
            0x10 => self.branch(bus, self.regs.p & N == 0),                 // BPL rel
            0x11 => self.read_op(bus, Mode::IndY, Cpu::ora),                // ORA izy
            0x12 => return false,                                           // JAM* imp
            0x13 => self.rmw(bus, Mode::IndY, Cpu::slo),                    // SLO* izy
            0x14 => self.read_op(bus, Mode::ZpX, Cpu::nop_read),            // NOP* zpx
            0x15 => self.read_op(bus, Mode::ZpX, Cpu::ora),                 // ORA zpx
            0x16 => self.rmw(bus, Mode::ZpX, Cpu::asl),                     // ASL zpx
            0x17 => self.rmw(bus, Mode::ZpX, Cpu::slo),                     // SLO* zpx
            0x18 => self.implied(bus, Cpu::clc),                            // CLC imp
            0x19 => self.read_op(bus, Mode::AbsY, Cpu::ora),                // ORA aby
            0x1A => self.implied(bus, Cpu::nop),                            // NOP* imp
            0x1B => self.rmw(bus, Mode::AbsY, Cpu::slo),                    // SLO* aby
            0x1C => self.read_op(bus, Mode::AbsX, Cpu::nop_read),           // NOP* abx
            0x1D => self.read_op(bus, Mode::AbsX, Cpu::ora),                // ORA abx
            0x1E => self.rmw(bus, Mode::AbsX, Cpu::asl),                    // ASL abx
            0x1F => self.rmw(bus, Mode::AbsX, Cpu::slo),                    // SLO* abx
            0x20 => self.jsr(bus),                                          // JSR abs
            0x21 => self.read_op(bus, Mode::IndX, Cpu::and),                // AND izx
            0x22 => return false,                                           // JAM* imp
            0x23 => self.rmw(bus, Mode::IndX, Cpu::rla),                    // RLA* izx
            0x24 => self.read_op(bus, Mode::Zp, Cpu::bit),                  // BIT zp
            0x25 => self.read_op(bus, Mode::Zp, Cpu::and),                  // AND zp
            0x26 => self.rmw(bus, Mode::Zp, Cpu::rol),                      // ROL zp
            0x27 => self.rmw(bus, Mode::Zp, Cpu::rla),                      // RLA* zp
            0x28 => self.plp(bus),                                          // PLP imp
            0x29 => self.read_op(bus, Mode::Imm, Cpu::and),                 // AND imm
            0x2A => self.accumulator(bus, Cpu::rol),                        // ROL acc
            0x2B => self.read_op(bus, Mode::Imm, Cpu::anc),                 // ANC* imm
            0x2C => self.read_op(bus, Mode::Abs, Cpu::bit),                 // BIT abs
            0x2D => self.read_op(bus, Mode::Abs, Cpu::and),                 // AND abs
            0x2E => self.rmw(bus, Mode::Abs, Cpu::rol),                     // ROL abs
            0x2F => self.rmw(bus, Mode::Abs, Cpu::rla),                     // RLA* abs
            0x30 => self.branch(bus, self.regs.p & N != 0),                 // BMI rel
            0x31 => self.read_op(bus, Mode::IndY, Cpu::and),                // AND izy
            0x32 => return false,                                           // JAM* imp
            0x33 => self.rmw(bus, Mode::IndY, Cpu::rla),                    // RLA* izy
            0x34 => self.read_op(bus, Mode::ZpX, Cpu::nop_read),            // NOP* zpx
            0x35 => self.read_op(bus, Mode::ZpX, Cpu::and),                 // AND zpx
            0x36 => self.rmw(bus, Mode::ZpX, Cpu::rol),                     // ROL zpx
            0x37 => self.rmw(bus, Mode::ZpX, Cpu::rla),                     // RLA* zpx
            0x38 => self.implied(bus, Cpu::sec),                            // SEC imp
            0x39 => self.read_op(bus, Mode::AbsY, Cpu::and),                // AND aby
            0x3A => self.implied(bus, Cpu::nop),                            // NOP* imp
            0x3B => self.rmw(bus, Mode::AbsY, Cpu::rla),                    // RLA* aby
            0x3C => self.read_op(bus, Mode::AbsX, Cpu::nop_read),           // NOP* abx
            0x3D => self.read_op(bus, Mode::AbsX, Cpu::and),                // AND abx
            0x3E => self.rmw(bus, Mode::AbsX, Cpu::rol),                    // ROL abx
            0x3F => self.rmw(bus, Mode::AbsX, Cpu::rla),                    // RLA* abx
            0x40 => self.rti(bus),                                          // RTI imp
            0x41 => self.read_op(bus, Mode::IndX, Cpu::eor),                // EOR izx
            0x42 => return false,                                           // JAM* imp
            0x43 => self.rmw(bus, Mode::IndX, Cpu::sre),                    // SRE* izx
            0x44 => self.read_op(bus, Mode::Zp, Cpu::nop_read),             // NOP* zp
            0x45 => self.read_op(bus, Mode::Zp, Cpu::eor),                  // EOR zp
            0x46 => self.rmw(bus, Mode::Zp, Cpu::lsr),                      // LSR zp
            0x47 => self.rmw(bus, Mode::Zp, Cpu::sre),                      // SRE* zp
            0x48 => self.pha(bus),                                          // PHA imp
            0x49 => self.read_op(bus, Mode::Imm, Cpu::eor),                 // EOR imm
            0x4A => self.accumulator(bus, Cpu::lsr),                        // LSR acc
            0x4B => self.read_op(bus, Mode::Imm, Cpu::alr),                 // ALR* imm
            0x4C => self.regs.pc = self.fetch16(bus),                       // JMP abs
            0x4D => self.read_op(bus, Mode::Abs, Cpu::eor),                 // EOR abs
            0x4E => self.rmw(bus, Mode::Abs, Cpu::lsr),                     // LSR abs
            0x4F => self.rmw(bus, Mode::Abs, Cpu::sre),                     // SRE* abs
            0x50 => self.branch(bus, self.regs.p & V == 0),                 // BVC rel
            0x51 => self.read_op(bus, Mode::IndY, Cpu::eor),                // EOR izy
            0x52 => return false,                                           // JAM* imp
            0x53 => self.rmw(bus, Mode::IndY, Cpu::sre),                    // SRE* izy
            0x54 => self.read_op(bus, Mode::ZpX, Cpu::nop_read),            // NOP* zpx
            0x55 => self.read_op(bus, Mode::ZpX, Cpu::eor),                 // EOR zpx
            0x56 => self.rmw(bus, Mode::ZpX, Cpu::lsr),                     // LSR zpx
            0x57 => self.rmw(bus, Mode::ZpX, Cpu::sre),                     // SRE* zpx
            0x58 => self.implied(bus, Cpu::cli),                            // CLI imp
            0x59 => self.read_op(bus, Mode::AbsY, Cpu::eor),                // EOR aby
            0x5A => self.implied(bus, Cpu::nop),                            // NOP* imp
            0x5B => self.rmw(bus, Mode::AbsY, Cpu::sre),                    // SRE* aby
            0x5C => self.read_op(bus, Mode::AbsX, Cpu::nop_read),           // NOP* abx
            0x5D => self.read_op(bus, Mode::AbsX, Cpu::eor),                // EOR abx
            0x5E => self.rmw(bus, Mode::AbsX, Cpu::lsr),                    // LSR abx
            0x5F => self.rmw(bus, Mode::AbsX, Cpu::sre),                    // SRE* abx
            0x60 => self.rts(bus),                                          // RTS imp
            0x61 => self.read_op(bus, Mode::IndX, Cpu::adc),                // ADC izx
            0x62 => return false,                                           // JAM* imp
            0x63 => self.rmw(bus, Mode::IndX, Cpu::rra),                    // RRA* izx
            0x64 => self.read_op(bus, Mode::Zp, Cpu::nop_read),             // NOP* zp
            0x65 => self.read_op(bus, Mode::Zp, Cpu::adc),                  // ADC zp
            0x66 => self.rmw(bus, Mode::Zp, Cpu::ror),                      // ROR zp
            0x67 => self.rmw(bus, Mode::Zp, Cpu::rra),                      // RRA* zp
            0x68 => self.pla(bus),                                          // PLA imp
            0x69 => self.read_op(bus, Mode::Imm, Cpu::adc),                 // ADC imm
            0x6A => self.accumulator(bus, Cpu::ror),                        // ROR acc
            0x6B => self.read_op(bus, Mode::Imm, Cpu::arr),                 // ARR* imm
            0x6C => self.jmp_indirect(bus),                                 // JMP ind
            0x6D => self.read_op(bus, Mode::Abs, Cpu::adc),                 // ADC abs
            0x6E => self.rmw(bus, Mode::Abs, Cpu::ror),                     // ROR abs
            0x6F => self.rmw(bus, Mode::Abs, Cpu::rra),                     // RRA* abs
            0x70 => self.branch(bus, self.regs.p & V != 0),                 // BVS rel
            0x71 => self.read_op(bus, Mode::IndY, Cpu::adc),                // ADC izy
            0x72 => return false,                                           // JAM* imp
            0x73 => self.rmw(bus, Mode::IndY, Cpu::rra),                    // RRA* izy
            0x74 => self.read_op(bus, Mode::ZpX, Cpu::nop_read),            // NOP* zpx
            0x75 => self.read_op(bus, Mode::ZpX, Cpu::adc),                 // ADC zpx
            0x76 => self.rmw(bus, Mode::ZpX, Cpu::ror),                     // ROR zpx
            0x77 => self.rmw(bus, Mode::ZpX, Cpu::rra),                     // RRA* zpx
            0x78 => self.implied(bus, Cpu::sei),                            // SEI imp
            0x79 => self.read_op(bus, Mode::AbsY, Cpu::adc),                // ADC aby
            0x7A => self.implied(bus, Cpu::nop),                            // NOP* imp
            0x7B => self.rmw(bus, Mode::AbsY, Cpu::rra),                    // RRA* aby
            0x7C => self.read_op(bus, Mode::AbsX, Cpu::nop_read),           // NOP* abx
            0x7D => self.read_op(bus, Mode::AbsX, Cpu::adc),                // ADC abx
            0x7E => self.rmw(bus, Mode::AbsX, Cpu::ror),                    // ROR abx
            0x7F => self.rmw(bus, Mode::AbsX, Cpu::rra),                    // RRA* abx
            0x80 => self.read_op(bus, Mode::Imm, Cpu::nop_read),            // NOP* imm
            0x81 => self.store(bus, Mode::IndX, self.regs.a),               // STA izx
            0x82 => self.read_op(bus, Mode::Imm, Cpu::nop_read),            // NOP* imm
            0x83 => self.store(bus, Mode::IndX, self.regs.a & self.regs.x), // SAX* izx
            0x84 => self.store(bus, Mode::Zp, self.regs.y),                 // STY zp
            0x85 => self.store(bus, Mode::Zp, self.regs.a),                 // STA zp
            0x86 => self.store(bus, Mode::Zp, self.regs.x),                 // STX zp
            0x87 => self.store(bus, Mode::Zp, self.regs.a & self.regs.x),   // SAX* zp
            0x88 => self.implied(bus, Cpu::dey),                            // DEY imp
            0x89 => self.read_op(bus, Mode::Imm, Cpu::nop_read),            // NOP* imm
            0x8A => self.implied(bus, Cpu::txa),                            // TXA imp
            0x8B => self.read_op(bus, Mode::Imm, Cpu::xaa),                 // XAA* imm
            0x8C => self.store(bus, Mode::Abs, self.regs.y),                // STY abs
            0x8D => self.store(bus, Mode::Abs, self.regs.a),                // STA abs
            0x8E => self.store(bus, Mode::Abs, self.regs.x),                // STX abs
            0x8F => self.store(bus, Mode::Abs, self.regs.a & self.regs.x),  // SAX* abs
            0x90 => self.branch(bus, self.regs.p & C == 0),                 // BCC rel
            0x91 => self.store(bus, Mode::IndY, self.regs.a),               // STA izy
            0x92 => return false,                                           // JAM* imp
            0x93 => self.ahx_izy(bus),                                      // AHX* izy
            0x94 => self.store(bus, Mode::ZpX, self.regs.y),                // STY zpx
            0x95 => self.store(bus, Mode::ZpX, self.regs.a),                // STA zpx
            0x96 => self.store(bus, Mode::ZpY, self.regs.x),                // STX zpy
            0x97 => self.store(bus, Mode::ZpY, self.regs.a & self.regs.x),  // SAX* zpy
            0x98 => self.implied(bus, Cpu::tya),                            // TYA imp
            0x99 => self.store(bus, Mode::AbsY, self.regs.a),               // STA aby
            0x9A => self.implied(bus, Cpu::txs),                            // TXS imp
            0x9B => self.tas_aby(bus),                                      // TAS* aby
            0x9C => self.shy_abx(bus),                                      // SHY* abx
            0x9D => self.store(bus, Mode::AbsX, self.regs.a),               // STA abx
            0x9E => self.shx_aby(bus),                                      // SHX* aby
            0x9F => self.ahx_aby(bus),                                      // AHX* aby
            0xA0 => self.read_op(bus, Mode::Imm, Cpu::ldy),                 // LDY imm
            0xA1 => self.read_op(bus, Mode::IndX, Cpu::lda),                // LDA izx
            0xA2 => self.read_op(bus, Mode::Imm, Cpu::ldx),                 // LDX imm
            0xA3 => self.read_op(bus, Mode::IndX, Cpu::lax),                // LAX* izx
            0xA4 => self.read_op(bus, Mode::Zp, Cpu::ldy),                  // LDY zp
            0xA5 => self.read_op(bus, Mode::Zp, Cpu::lda),                  // LDA zp
            0xA6 => self.read_op(bus, Mode::Zp, Cpu::ldx),                  // LDX zp
            0xA7 => self.read_op(bus, Mode::Zp, Cpu::lax),                  // LAX* zp
            0xA8 => self.implied(bus, Cpu::tay),                            // TAY imp
            0xA9 => self.read_op(bus, Mode::Imm, Cpu::lda),                 // LDA imm
            0xAA => self.implied(bus, Cpu::tax),                            // TAX imp
            0xAB => self.read_op(bus, Mode::Imm, Cpu::lxa),                 // LXA* imm
            0xAC => self.read_op(bus, Mode::Abs, Cpu::ldy),                 // LDY abs
            0xAD => self.read_op(bus, Mode::Abs, Cpu::lda),                 // LDA abs
            0xAE => self.read_op(bus, Mode::Abs, Cpu::ldx),                 // LDX abs
            0xAF => self.read_op(bus, Mode::Abs, Cpu::lax),                 // LAX* abs
            0xB0 => self.branch(bus, self.regs.p & C != 0),                 // BCS rel
            0xB1 => self.read_op(bus, Mode::IndY, Cpu::lda),                // LDA izy
            0xB2 => return false,                                           // JAM* imp
            0xB3 => self.read_op(bus, Mode::IndY, Cpu::lax),                // LAX* izy
            0xB4 => self.read_op(bus, Mode::ZpX, Cpu::ldy),                 // LDY zpx
            0xB5 => self.read_op(bus, Mode::ZpX, Cpu::lda),                 // LDA zpx
            0xB6 => self.read_op(bus, Mode::ZpY, Cpu::ldx),                 // LDX zpy
            0xB7 => self.read_op(bus, Mode::ZpY, Cpu::lax),                 // LAX* zpy
            0xB8 => self.implied(bus, Cpu::clv),                            // CLV imp
            0xB9 => self.read_op(bus, Mode::AbsY, Cpu::lda),                // LDA aby
            0xBA => self.implied(bus, Cpu::tsx),                            // TSX imp
            0xBB => self.read_op(bus, Mode::AbsY, Cpu::las),                // LAS* aby
            0xBC => self.read_op(bus, Mode::AbsX, Cpu::ldy),                // LDY abx
            0xBD => self.read_op(bus, Mode::AbsX, Cpu::lda),                // LDA abx
            0xBE => self.read_op(bus, Mode::AbsY, Cpu::ldx),                // LDX aby
            0xBF => self.read_op(bus, Mode::AbsY, Cpu::lax),                // LAX* aby
            0xC0 => self.read_op(bus, Mode::Imm, Cpu::cpy),                 // CPY imm
            0xC1 => self.read_op(bus, Mode::IndX, Cpu::cmp),                // CMP izx
            0xC2 => self.read_op(bus, Mode::Imm, Cpu::nop_read),            // NOP* imm
            0xC3 => self.rmw(bus, Mode::IndX, Cpu::dcp),                    // DCP* izx
            0xC4 => self.read_op(bus, Mode::Zp, Cpu::cpy),                  // CPY zp
            0xC5 => self.read_op(bus, Mode::Zp, Cpu::cmp),                  // CMP zp
            0xC6 => self.rmw(bus, Mode::Zp, Cpu::dec),                      // DEC zp
            0xC7 => self.rmw(bus, Mode::Zp, Cpu::dcp),                      // DCP* zp
            0xC8 => self.implied(bus, Cpu::iny),                            // INY imp
            0xC9 => self.read_op(bus, Mode::Imm, Cpu::cmp),                 // CMP imm
            0xCA => self.implied(bus, Cpu::dex),                            // DEX imp
            0xCB => self.read_op(bus, Mode::Imm, Cpu::axs),                 // AXS* imm
            0xCC => self.read_op(bus, Mode::Abs, Cpu::cpy),                 // CPY abs
            0xCD => self.read_op(bus, Mode::Abs, Cpu::cmp),                 // CMP abs
            0xCE => self.rmw(bus, Mode::Abs, Cpu::dec),                     // DEC abs
            0xCF => self.rmw(bus, Mode::Abs, Cpu::dcp),                     // DCP* abs
            0xD0 => self.branch(bus, self.regs.p & Z == 0),                 // BNE rel
            0xD1 => self.read_op(bus, Mode::IndY, Cpu::cmp),                // CMP izy
            0xD2 => return false,                                           // JAM* imp
            0xD3 => self.rmw(bus, Mode::IndY, Cpu::dcp),                    // DCP* izy
            0xD4 => self.read_op(bus, Mode::ZpX, Cpu::nop_read),            // NOP* zpx
            0xD5 => self.read_op(bus, Mode::ZpX, Cpu::cmp),                 // CMP zpx
            0xD6 => self.rmw(bus, Mode::ZpX, Cpu::dec),                     // DEC zpx
            0xD7 => self.rmw(bus, Mode::ZpX, Cpu::dcp),                     // DCP* zpx
            0xD8 => self.implied(bus, Cpu::cld),                            // CLD imp
            0xD9 => self.read_op(bus, Mode::AbsY, Cpu::cmp),                // CMP aby
            0xDA => self.implied(bus, Cpu::nop),                            // NOP* imp
            0xDB => self.rmw(bus, Mode::AbsY, Cpu::dcp),                    // DCP* aby
            0xDC => self.read_op(bus, Mode::AbsX, Cpu::nop_read),           // NOP* abx
            0xDD => self.read_op(bus, Mode::AbsX, Cpu::cmp),                // CMP abx
            0xDE => self.rmw(bus, Mode::AbsX, Cpu::dec),                    // DEC abx
            0xDF => self.rmw(bus, Mode::AbsX, Cpu::dcp),                    // DCP* abx
            0xE0 => self.read_op(bus, Mode::Imm, Cpu::cpx),                 // CPX imm
            0xE1 => self.read_op(bus, Mode::IndX, Cpu::sbc),                // SBC izx
            0xE2 => self.read_op(bus, Mode::Imm, Cpu::nop_read),            // NOP* imm
            0xE3 => self.rmw(bus, Mode::IndX, Cpu::isb),                    // ISB* izx
            0xE4 => self.read_op(bus, Mode::Zp, Cpu::cpx),                  // CPX zp
            0xE5 => self.read_op(bus, Mode::Zp, Cpu::sbc),                  // SBC zp
            0xE6 => self.rmw(bus, Mode::Zp, Cpu::inc),                      // INC zp
            0xE7 => self.rmw(bus, Mode::Zp, Cpu::isb),                      // ISB* zp
            0xE8 => self.implied(bus, Cpu::inx),                            // INX imp
            0xE9 => self.read_op(bus, Mode::Imm, Cpu::sbc),                 // SBC imm
            0xEA => self.implied(bus, Cpu::nop),                            // NOP imp
            0xEB => self.read_op(bus, Mode::Imm, Cpu::sbc),                 // SBC* imm
            0xEC => self.read_op(bus, Mode::Abs, Cpu::cpx),                 // CPX abs
            0xED => self.read_op(bus, Mode::Abs, Cpu::sbc),                 // SBC abs
            0xEE => self.rmw(bus, Mode::Abs, Cpu::inc),                     // INC abs
            0xEF => self.rmw(bus, Mode::Abs, Cpu::isb),                     // ISB* abs
            0xF0 => self.branch(bus, self.regs.p & Z != 0),                 // BEQ rel
            0xF1 => self.read_op(bus, Mode::IndY, Cpu::sbc),                // SBC izy
            0xF2 => return false,                                           // JAM* imp
            0xF3 => self.rmw(bus, Mode::IndY, Cpu::isb),                    // ISB* izy
            0xF4 => self.read_op(bus, Mode::ZpX, Cpu::nop_read),            // NOP* zpx
            0xF5 => self.read_op(bus, Mode::ZpX, Cpu::sbc),                 // SBC zpx
            0xF6 => self.rmw(bus, Mode::ZpX, Cpu::inc),                     // INC zpx
            0xF7 => self.rmw(bus, Mode::ZpX, Cpu::isb),                     // ISB* zpx
            0xF8 => self.implied(bus, Cpu::sed),                            // SED imp
            0xF9 => self.read_op(bus, Mode::AbsY, Cpu::sbc),                // SBC aby
            0xFA => self.implied(bus, Cpu::nop),                            // NOP* imp
            0xFB => self.rmw(bus, Mode::AbsY, Cpu::isb),                    // ISB* aby
            0xFC => self.read_op(bus, Mode::AbsX, Cpu::nop_read),           // NOP* abx
            0xFD => self.read_op(bus, Mode::AbsX, Cpu::sbc),                // SBC abx
            0xFE => self.rmw(bus, Mode::AbsX, Cpu::inc),                    // INC abx
            0xFF => self.rmw(bus, Mode::AbsX, Cpu::isb),                    // ISB* abx
        }
        true
    }

    /// Two-cycle implied instructions: a discarded read of the next byte, then the
    /// operation. The operation lands after the last bus cycle, which is why CLI/SEI only
    /// change the interrupt sampling from the next instruction on.
    #[inline(always)]
    fn implied<B: CpuBus>(&mut self, bus: &mut B, op: fn(&mut Cpu)) {
        self.dummy_read_pc(bus);
        op(self);
    }

    /// Shifts and rotates of A.
    #[inline(always)]
    fn accumulator<B: CpuBus>(&mut self, bus: &mut B, op: fn(&mut Cpu, u8) -> u8) {
        self.dummy_read_pc(bus);
        let a = self.regs.a;
        self.regs.a = op(self, a);
    }

    #[inline(always)]
    fn read_op<B: CpuBus>(&mut self, bus: &mut B, mode: Mode, op: fn(&mut Cpu, u8)) {
        let v = self.operand(bus, mode);
        op(self, v);
    }

    /// Conditional branch: 2 cycles, +1 if taken, +1 more if the target is in another page.
    ///
    /// A branch polls interrupts before its operand cycle (what was sampled at the end of
    /// the opcode fetch) and, if it crosses a page, again before the fix-up cycle, but not
    /// before the cycle in between. So a taken branch that stays in its page decides on
    /// the first poll alone: an interrupt first seen later (at the end of the operand cycle,
    /// or during a DMA that halts the third cycle) waits until after the next instruction.
    /// blargg's `branch_delays_irq` tests this for IRQ; the nesdev wiki and blargg state the
    /// same for NMI (Mesen2 only delays IRQ). Across a page, an IRQ found by the first poll is
    /// taken even if the line has gone by the second (AccuracyCoin, interrupt flag latency E).
    /// <https://www.nesdev.org/wiki/CPU_interrupts#Branch_instructions_and_interrupts>
    #[inline(always)]
    fn branch<B: CpuBus>(&mut self, bus: &mut B, taken: bool) {
        let offset = self.fetch(bus);
        if taken {
            // The first poll: sampled at the end of the opcode fetch.
            let (irq, nmi) = (self.prev_run_irq, self.prev_need_nmi);
            let pc = self.regs.pc;
            self.read(bus, pc);
            let target = pc.wrapping_add(offset as i8 as u16);
            if (target ^ pc) & 0xFF00 != 0 {
                self.read(bus, (pc & 0xFF00) | (target & 0x00FF));
                self.prev_run_irq |= irq;
                self.prev_need_nmi |= nmi;
            } else {
                self.prev_run_irq = irq;
                self.prev_need_nmi = nmi;
            }
            self.regs.pc = target;
        }
    }

    /// `JMP ($hhll)`: the pointer's high byte comes from the same page (`$xxFF` wraps to
    /// `$xx00`).
    #[inline(always)]
    fn jmp_indirect<B: CpuBus>(&mut self, bus: &mut B) {
        let ptr = self.fetch16(bus);
        let lo = self.read(bus, ptr);
        let hi = self.read(bus, (ptr & 0xFF00) | (ptr.wrapping_add(1) & 0x00FF));
        self.regs.pc = u16::from_le_bytes([lo, hi]);
    }

    /// BRK: the padding byte is fetched, PC+2 pushed with B set in P. An NMI recognised by
    /// the time P is pushed takes the vector over (and BRK is lost).
    #[inline]
    fn brk<B: CpuBus>(&mut self, bus: &mut B) {
        self.fetch(bus);
        let p = self.regs.p | flags::B | U;
        self.push_and_vector(bus, p, IRQ_VECTOR);
        // The handler's first instruction runs before any further NMI.
        self.prev_need_nmi = false;
    }

    /// JSR: low byte, an internal cycle (a stack read), push PC, then the high byte.
    #[inline(always)]
    fn jsr<B: CpuBus>(&mut self, bus: &mut B) {
        let lo = self.fetch(bus);
        self.read(bus, 0x100 | u16::from(self.regs.sp));
        let pc = self.regs.pc;
        self.push(bus, (pc >> 8) as u8);
        self.push(bus, pc as u8);
        let hi = self.read(bus, pc);
        self.regs.pc = u16::from_le_bytes([lo, hi]);
    }

    /// RTI: P takes effect before the last two cycles, so an IRQ unmasked by it is taken
    /// right after RTI.
    #[inline(always)]
    fn rti<B: CpuBus>(&mut self, bus: &mut B) {
        self.dummy_read_pc(bus);
        self.read(bus, 0x100 | u16::from(self.regs.sp));
        let p = self.pull(bus);
        self.set_p(p);
        let lo = self.pull(bus);
        let hi = self.pull(bus);
        self.regs.pc = u16::from_le_bytes([lo, hi]);
    }

    #[inline(always)]
    fn rts<B: CpuBus>(&mut self, bus: &mut B) {
        self.dummy_read_pc(bus);
        self.read(bus, 0x100 | u16::from(self.regs.sp));
        let lo = self.pull(bus);
        let hi = self.pull(bus);
        let pc = u16::from_le_bytes([lo, hi]);
        self.read(bus, pc);
        self.regs.pc = pc.wrapping_add(1);
    }

    #[inline(always)]
    fn pha<B: CpuBus>(&mut self, bus: &mut B) {
        self.dummy_read_pc(bus);
        self.push(bus, self.regs.a);
    }

    #[inline(always)]
    fn php<B: CpuBus>(&mut self, bus: &mut B) {
        self.dummy_read_pc(bus);
        self.push(bus, self.regs.p | flags::B | U);
    }

    #[inline(always)]
    fn pla<B: CpuBus>(&mut self, bus: &mut B) {
        self.dummy_read_pc(bus);
        self.read(bus, 0x100 | u16::from(self.regs.sp));
        let v = self.pull(bus);
        self.lda(v);
    }

    /// PLP: like CLI/SEI, the new I only affects sampling after the instruction.
    #[inline(always)]
    fn plp<B: CpuBus>(&mut self, bus: &mut B) {
        self.dummy_read_pc(bus);
        self.read(bus, 0x100 | u16::from(self.regs.sp));
        let v = self.pull(bus);
        self.set_p(v);
    }

    /// P as loaded from the stack: B does not exist in the register, bit 5 always reads 1.
    #[inline(always)]
    fn set_p(&mut self, v: u8) {
        self.regs.p = (v & !flags::B) | U;
    }

    /// SHA (AHX) `(zp),Y`: stores `A & X & (H + 1)`.
    #[inline]
    fn ahx_izy<B: CpuBus>(&mut self, bus: &mut B) {
        let zp = self.fetch(bus);
        let base = self.zp_pointer(bus, zp);
        let v = self.regs.a & self.regs.x;
        self.store_high_and(bus, base, self.regs.y, v);
    }

    /// SHA (AHX) `abs,Y`: stores `A & X & (H + 1)`.
    #[inline]
    fn ahx_aby<B: CpuBus>(&mut self, bus: &mut B) {
        let base = self.fetch16(bus);
        let v = self.regs.a & self.regs.x;
        self.store_high_and(bus, base, self.regs.y, v);
    }

    /// SHS (TAS) `abs,Y`: SP = A & X, then stores `SP & (H + 1)`.
    #[inline]
    fn tas_aby<B: CpuBus>(&mut self, bus: &mut B) {
        let base = self.fetch16(bus);
        self.regs.sp = self.regs.a & self.regs.x;
        self.store_high_and(bus, base, self.regs.y, self.regs.sp);
    }

    /// SHY `abs,X`: stores `Y & (H + 1)`.
    #[inline]
    fn shy_abx<B: CpuBus>(&mut self, bus: &mut B) {
        let base = self.fetch16(bus);
        self.store_high_and(bus, base, self.regs.x, self.regs.y);
    }

    /// SHX `abs,Y`: stores `X & (H + 1)`.
    #[inline]
    fn shx_aby<B: CpuBus>(&mut self, bus: &mut B) {
        let base = self.fetch16(bus);
        self.store_high_and(bus, base, self.regs.y, self.regs.x);
    }
}
