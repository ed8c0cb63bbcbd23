//! Disassembly and the nestest.log trace format.
//!
//! [`nestest_line`] renders one line the way Nintendulator's nestest.log does, e.g.
//! `C000  4C F5 C5  JMP $C5F5                       A:00 X:00 Y:00 P:24 SP:FD PPU:  0, 21 CYC:7`:
//! unofficial opcodes get a `*` before the mnemonic, memory operands are annotated with the
//! effective address (`@ 0300`) and the value there (`= 89`) as read by a side-effect-free
//! `peek`. <https://www.nesdev.org/wiki/Emulator_tests> (nestest),
//! <https://www.nesdev.org/wiki/CPU_unofficial_opcodes> (mnemonics)

use std::fmt::Write as _;

use super::Registers;

/// How an instruction finds its operand (for disassembly).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddrMode {
    /// No operand.
    Imp,
    /// The accumulator (`ASL A`).
    Acc,
    Imm,
    Zp,
    ZpX,
    ZpY,
    Abs,
    AbsX,
    AbsY,
    /// `JMP ($hhll)`.
    Ind,
    /// `($zp,X)`.
    IndX,
    /// `($zp),Y`.
    IndY,
    /// Branch target.
    Rel,
}

impl AddrMode {
    /// Instruction length in bytes, opcode included.
    #[must_use]
    pub const fn instruction_len(self) -> u16 {
        match self {
            AddrMode::Imp | AddrMode::Acc => 1,
            AddrMode::Abs | AddrMode::AbsX | AddrMode::AbsY | AddrMode::Ind => 3,
            _ => 2,
        }
    }
}

/// What the disassembler knows about one opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpInfo {
    pub mnemonic: &'static str,
    pub mode: AddrMode,
    /// Documented by MOS (151 opcodes); the rest print with a `*` in traces.
    pub official: bool,
}

const fn op(mnemonic: &'static str, mode: AddrMode, official: bool) -> OpInfo {
    OpInfo {
        mnemonic,
        mode,
        official,
    }
}

use AddrMode::{Abs, AbsX, AbsY, Acc, Imm, Imp, Ind, IndX, IndY, Rel, Zp, ZpX, ZpY};

/// Every opcode, indexed by its value. Unofficial names follow nestest.log and the nesdev
/// wiki (`ISB`, `ALR`, `AXS`, `AHX`, `TAS`, `LAS`, `JAM`).
#[rustfmt::skip] // four opcodes a line keeps the 16x16 matrix readable.
pub const OPCODES: [OpInfo; 256] = [
    op("BRK", Imp, true), op("ORA", IndX, true), op("JAM", Imp, false), op("SLO", IndX, false),
    op("NOP", Zp, false), op("ORA", Zp, true), op("ASL", Zp, true), op("SLO", Zp, false),
    op("PHP", Imp, true), op("ORA", Imm, true), op("ASL", Acc, true), op("ANC", Imm, false),
    op("NOP", Abs, false), op("ORA", Abs, true), op("ASL", Abs, true), op("SLO", Abs, false),
    op("BPL", Rel, true), op("ORA", IndY, true), op("JAM", Imp, false), op("SLO", IndY, false),
    op("NOP", ZpX, false), op("ORA", ZpX, true), op("ASL", ZpX, true), op("SLO", ZpX, false),
    op("CLC", Imp, true), op("ORA", AbsY, true), op("NOP", Imp, false), op("SLO", AbsY, false),
    op("NOP", AbsX, false), op("ORA", AbsX, true), op("ASL", AbsX, true), op("SLO", AbsX, false),
    op("JSR", Abs, true), op("AND", IndX, true), op("JAM", Imp, false), op("RLA", IndX, false),
    op("BIT", Zp, true), op("AND", Zp, true), op("ROL", Zp, true), op("RLA", Zp, false),
    op("PLP", Imp, true), op("AND", Imm, true), op("ROL", Acc, true), op("ANC", Imm, false),
    op("BIT", Abs, true), op("AND", Abs, true), op("ROL", Abs, true), op("RLA", Abs, false),
    op("BMI", Rel, true), op("AND", IndY, true), op("JAM", Imp, false), op("RLA", IndY, false),
    op("NOP", ZpX, false), op("AND", ZpX, true), op("ROL", ZpX, true), op("RLA", ZpX, false),
    op("SEC", Imp, true), op("AND", AbsY, true), op("NOP", Imp, false), op("RLA", AbsY, false),
    op("NOP", AbsX, false), op("AND", AbsX, true), op("ROL", AbsX, true), op("RLA", AbsX, false),
    op("RTI", Imp, true), op("EOR", IndX, true), op("JAM", Imp, false), op("SRE", IndX, false),
    op("NOP", Zp, false), op("EOR", Zp, true), op("LSR", Zp, true), op("SRE", Zp, false),
    op("PHA", Imp, true), op("EOR", Imm, true), op("LSR", Acc, true), op("ALR", Imm, false),
    op("JMP", Abs, true), op("EOR", Abs, true), op("LSR", Abs, true), op("SRE", Abs, false),
    op("BVC", Rel, true), op("EOR", IndY, true), op("JAM", Imp, false), op("SRE", IndY, false),
    op("NOP", ZpX, false), op("EOR", ZpX, true), op("LSR", ZpX, true), op("SRE", ZpX, false),
    op("CLI", Imp, true), op("EOR", AbsY, true), op("NOP", Imp, false), op("SRE", AbsY, false),
    op("NOP", AbsX, false), op("EOR", AbsX, true), op("LSR", AbsX, true), op("SRE", AbsX, false),
    op("RTS", Imp, true), op("ADC", IndX, true), op("JAM", Imp, false), op("RRA", IndX, false),
    op("NOP", Zp, false), op("ADC", Zp, true), op("ROR", Zp, true), op("RRA", Zp, false),
    op("PLA", Imp, true), op("ADC", Imm, true), op("ROR", Acc, true), op("ARR", Imm, false),
    op("JMP", Ind, true), op("ADC", Abs, true), op("ROR", Abs, true), op("RRA", Abs, false),
    op("BVS", Rel, true), op("ADC", IndY, true), op("JAM", Imp, false), op("RRA", IndY, false),
    op("NOP", ZpX, false), op("ADC", ZpX, true), op("ROR", ZpX, true), op("RRA", ZpX, false),
    op("SEI", Imp, true), op("ADC", AbsY, true), op("NOP", Imp, false), op("RRA", AbsY, false),
    op("NOP", AbsX, false), op("ADC", AbsX, true), op("ROR", AbsX, true), op("RRA", AbsX, false),
    op("NOP", Imm, false), op("STA", IndX, true), op("NOP", Imm, false), op("SAX", IndX, false),
    op("STY", Zp, true), op("STA", Zp, true), op("STX", Zp, true), op("SAX", Zp, false),
    op("DEY", Imp, true), op("NOP", Imm, false), op("TXA", Imp, true), op("XAA", Imm, false),
    op("STY", Abs, true), op("STA", Abs, true), op("STX", Abs, true), op("SAX", Abs, false),
    op("BCC", Rel, true), op("STA", IndY, true), op("JAM", Imp, false), op("AHX", IndY, false),
    op("STY", ZpX, true), op("STA", ZpX, true), op("STX", ZpY, true), op("SAX", ZpY, false),
    op("TYA", Imp, true), op("STA", AbsY, true), op("TXS", Imp, true), op("TAS", AbsY, false),
    op("SHY", AbsX, false), op("STA", AbsX, true), op("SHX", AbsY, false), op("AHX", AbsY, false),
    op("LDY", Imm, true), op("LDA", IndX, true), op("LDX", Imm, true), op("LAX", IndX, false),
    op("LDY", Zp, true), op("LDA", Zp, true), op("LDX", Zp, true), op("LAX", Zp, false),
    op("TAY", Imp, true), op("LDA", Imm, true), op("TAX", Imp, true), op("LXA", Imm, false),
    op("LDY", Abs, true), op("LDA", Abs, true), op("LDX", Abs, true), op("LAX", Abs, false),
    op("BCS", Rel, true), op("LDA", IndY, true), op("JAM", Imp, false), op("LAX", IndY, false),
    op("LDY", ZpX, true), op("LDA", ZpX, true), op("LDX", ZpY, true), op("LAX", ZpY, false),
    op("CLV", Imp, true), op("LDA", AbsY, true), op("TSX", Imp, true), op("LAS", AbsY, false),
    op("LDY", AbsX, true), op("LDA", AbsX, true), op("LDX", AbsY, true), op("LAX", AbsY, false),
    op("CPY", Imm, true), op("CMP", IndX, true), op("NOP", Imm, false), op("DCP", IndX, false),
    op("CPY", Zp, true), op("CMP", Zp, true), op("DEC", Zp, true), op("DCP", Zp, false),
    op("INY", Imp, true), op("CMP", Imm, true), op("DEX", Imp, true), op("AXS", Imm, false),
    op("CPY", Abs, true), op("CMP", Abs, true), op("DEC", Abs, true), op("DCP", Abs, false),
    op("BNE", Rel, true), op("CMP", IndY, true), op("JAM", Imp, false), op("DCP", IndY, false),
    op("NOP", ZpX, false), op("CMP", ZpX, true), op("DEC", ZpX, true), op("DCP", ZpX, false),
    op("CLD", Imp, true), op("CMP", AbsY, true), op("NOP", Imp, false), op("DCP", AbsY, false),
    op("NOP", AbsX, false), op("CMP", AbsX, true), op("DEC", AbsX, true), op("DCP", AbsX, false),
    op("CPX", Imm, true), op("SBC", IndX, true), op("NOP", Imm, false), op("ISB", IndX, false),
    op("CPX", Zp, true), op("SBC", Zp, true), op("INC", Zp, true), op("ISB", Zp, false),
    op("INX", Imp, true), op("SBC", Imm, true), op("NOP", Imp, true), op("SBC", Imm, false),
    op("CPX", Abs, true), op("SBC", Abs, true), op("INC", Abs, true), op("ISB", Abs, false),
    op("BEQ", Rel, true), op("SBC", IndY, true), op("JAM", Imp, false), op("ISB", IndY, false),
    op("NOP", ZpX, false), op("SBC", ZpX, true), op("INC", ZpX, true), op("ISB", ZpX, false),
    op("SED", Imp, true), op("SBC", AbsY, true), op("NOP", Imp, false), op("ISB", AbsY, false),
    op("NOP", AbsX, false), op("SBC", AbsX, true), op("INC", AbsX, true), op("ISB", AbsX, false),
];

/// The instruction at `pc` as text with nestest's annotations, e.g. `LDA ($89),Y = 0300 @
/// 0300 = 89`, computed with the registers before the instruction runs.
#[must_use]
pub fn disassemble(pc: u16, regs: &Registers, peek: impl Fn(u16) -> u8) -> String {
    let opcode = peek(pc);
    let info = OPCODES[usize::from(opcode)];
    let b1 = peek(pc.wrapping_add(1));
    let b2 = peek(pc.wrapping_add(2));
    let abs = u16::from_le_bytes([b1, b2]);
    let zp_word =
        |zp: u8| u16::from_le_bytes([peek(u16::from(zp)), peek(u16::from(zp.wrapping_add(1)))]);
    let m = info.mnemonic;
    match info.mode {
        Imp => m.to_string(),
        Acc => format!("{m} A"),
        Imm => format!("{m} #${b1:02X}"),
        Zp => format!("{m} ${b1:02X} = {:02X}", peek(u16::from(b1))),
        ZpX | ZpY => {
            let (name, index) = if info.mode == ZpX {
                ('X', regs.x)
            } else {
                ('Y', regs.y)
            };
            let addr = b1.wrapping_add(index);
            format!(
                "{m} ${b1:02X},{name} @ {addr:02X} = {:02X}",
                peek(u16::from(addr))
            )
        }
        Abs if m == "JMP" || m == "JSR" => format!("{m} ${abs:04X}"),
        Abs => format!("{m} ${abs:04X} = {:02X}", peek(abs)),
        AbsX | AbsY => {
            let (name, index) = if info.mode == AbsX {
                ('X', regs.x)
            } else {
                ('Y', regs.y)
            };
            let addr = abs.wrapping_add(u16::from(index));
            format!("{m} ${abs:04X},{name} @ {addr:04X} = {:02X}", peek(addr))
        }
        Ind => {
            let hi_addr = (abs & 0xFF00) | (abs.wrapping_add(1) & 0x00FF);
            let target = u16::from_le_bytes([peek(abs), peek(hi_addr)]);
            format!("{m} (${abs:04X}) = {target:04X}")
        }
        IndX => {
            let zp = b1.wrapping_add(regs.x);
            let addr = zp_word(zp);
            format!(
                "{m} (${b1:02X},X) @ {zp:02X} = {addr:04X} = {:02X}",
                peek(addr)
            )
        }
        IndY => {
            let base = zp_word(b1);
            let addr = base.wrapping_add(u16::from(regs.y));
            format!(
                "{m} (${b1:02X}),Y = {base:04X} @ {addr:04X} = {:02X}",
                peek(addr)
            )
        }
        Rel => {
            let target = pc.wrapping_add(2).wrapping_add(b1 as i8 as u16);
            format!("{m} ${target:04X}")
        }
    }
}

/// One nestest.log line for the instruction at `regs.pc`: address, bytes, disassembly,
/// registers, the PPU position (`scanline`, `dot`) and the CPU cycle count.
#[must_use]
pub fn nestest_line(
    regs: &Registers,
    peek: impl Fn(u16) -> u8,
    scanline: i32,
    dot: u32,
    cycles: u64,
) -> String {
    let pc = regs.pc;
    let info = OPCODES[usize::from(peek(pc))];
    let mut bytes = String::with_capacity(8);
    for i in 0..info.mode.instruction_len() {
        if i > 0 {
            bytes.push(' ');
        }
        let _ = write!(bytes, "{:02X}", peek(pc.wrapping_add(i)));
    }
    let star = if info.official { ' ' } else { '*' };
    let text = disassemble(pc, regs, &peek);
    format!(
        "{pc:04X}  {bytes:<8} {star}{text:<32}A:{:02X} X:{:02X} Y:{:02X} P:{:02X} SP:{:02X} PPU:{scanline:>3},{dot:>3} CYC:{cycles}",
        regs.a, regs.x, regs.y, regs.p, regs.sp
    )
}
