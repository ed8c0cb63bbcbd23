//! Exact fast-forward through a RAM copy loop: `LDA src,X / STA dst,X / DEX / [CPX #n] /
//! BNE back` and its variants (absolute sources and destinations, Y as the index, counting
//! up, `BPL`/`BMI`).
//!
//! NES Tetris copies 32-byte blocks of zero page this way a few times a frame
//! (`8788: LDA $60,X / STA $40,X / DEX / CPX #$FF / BNE 8788`, 15 cycles an iteration),
//! about a fifth of the instructions it runs outside its idle loop. While the loop runs
//! from ROM and every address it reads or writes, dummy reads included, is internal RAM, an
//! iteration has no effect but its store, the new A, index and flags, and its cycles:
//! nothing else on the bus sees internal RAM. So, like the fill loop (`fill.rs`), the
//! console performs whole iterations at once, in order (an overlapping copy comes out as
//! the CPU would make it), up to two of the longest iterations before the next event or the
//! caller's limit, and never the last one, whose branch is not taken; those run cycle by
//! cycle as usual. `tests/tests/fast_paths.rs` checks this frame by frame against the plain
//! path.

use crate::cpu::Registers;

const N: u8 = 0x80;
const Z: u8 = 0x02;
const C: u8 = 0x01;

/// Where the load or store goes: zero page indexed by X (wrapping in page zero) or
/// absolute indexed (by the loop's index register).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operand {
    ZeroPageX(u8),
    Absolute(u16),
}

/// A detected copy loop at `pc` (in cartridge ROM).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CopyLoop {
    pub(crate) pc: u16,
    load: Operand,
    store: Operand,
    /// The index register is Y (else X).
    index_y: bool,
    /// +1 (INX/INY) or −1 (DEX/DEY).
    step: u8,
    /// The immediate of a `CPX`/`CPY` before the branch.
    compare: Option<u8>,
    /// The branch opcode (`BNE`, `BPL` or `BMI`).
    branch: u8,
    /// Cycles of a taken branch (3, or 4 across a page).
    branch_cycles: u64,
    /// The address the last cycle of a taken branch reads (the open-bus value it leaves).
    pub(crate) last_read: u16,
}

impl CopyLoop {
    /// Recognises a copy loop at `pc` (≥ $8000), reading code through `peek`; absolute
    /// operands must lie, with all 256 indexes, in internal RAM.
    pub(crate) fn detect(pc: u16, peek: impl Fn(u16) -> u8) -> Option<CopyLoop> {
        if !(0x8000..=0xFFF0).contains(&pc) {
            return None;
        }
        let word = |a: u16| u16::from_le_bytes([peek(a), peek(a + 1)]);
        let mut at = pc;
        let (load, index_y) = match peek(at) {
            0xB5 => (Operand::ZeroPageX(peek(at + 1)), false),
            0xBD => (Operand::Absolute(word(at + 1)), false),
            0xB9 => (Operand::Absolute(word(at + 1)), true),
            _ => return None,
        };
        at += if matches!(load, Operand::ZeroPageX(_)) {
            2
        } else {
            3
        };
        let store = match (peek(at), index_y) {
            (0x95, false) => Operand::ZeroPageX(peek(at + 1)),
            (0x9D, false) | (0x99, true) => Operand::Absolute(word(at + 1)),
            _ => return None,
        };
        at += if matches!(store, Operand::ZeroPageX(_)) {
            2
        } else {
            3
        };
        let step = match (peek(at), index_y) {
            (0xCA, false) | (0x88, true) => 0xFF,
            (0xE8, false) | (0xC8, true) => 1,
            _ => return None,
        };
        at += 1;
        let compare = match (peek(at), index_y) {
            (0xE0, false) | (0xC0, true) => {
                at += 2;
                Some(peek(at - 1))
            }
            _ => None,
        };
        let branch = peek(at);
        if !matches!(branch, 0xD0 | 0x10 | 0x30) {
            return None;
        }
        let next = at + 2;
        let target = next.wrapping_add_signed(i16::from(peek(at + 1) as i8));
        if target != pc {
            return None;
        }
        // Every absolute access, dummy reads included, stays in internal RAM.
        for op in [load, store] {
            if let Operand::Absolute(base) = op {
                if base >= 0x2000 - 0xFF {
                    return None;
                }
            }
        }
        let cross = next & 0xFF00 != target & 0xFF00;
        Some(CopyLoop {
            pc,
            load,
            store,
            index_y,
            step,
            compare,
            branch,
            branch_cycles: 3 + u64::from(cross),
            last_read: if cross {
                (next & 0xFF00) | (target & 0x00FF)
            } else {
                next
            },
        })
    }

    /// Cycles of one iteration with index `i` whose branch is taken.
    fn cycles(&self, i: u8) -> u64 {
        let load = match self.load {
            Operand::ZeroPageX(_) => 4,
            // A page crossing costs the read a cycle.
            Operand::Absolute(base) => 4 + u64::from((base & 0xFF) + u16::from(i) > 0xFF),
        };
        let store = match self.store {
            Operand::ZeroPageX(_) => 4,
            Operand::Absolute(_) => 5,
        };
        let compare = if self.compare.is_some() { 2 } else { 0 };
        load + store + 2 + compare + self.branch_cycles
    }

    /// The longest iteration.
    pub(crate) fn max_cycles(&self) -> u64 {
        let cross = |op| u64::from(matches!(op, Operand::Absolute(_)));
        let compare = if self.compare.is_some() { 2 } else { 0 };
        4 + cross(self.load)
            + if matches!(self.store, Operand::ZeroPageX(_)) {
                4
            } else {
                5
            }
            + 2
            + compare
            + self.branch_cycles
    }

    fn address(op: Operand, i: u8) -> usize {
        match op {
            Operand::ZeroPageX(zp) => usize::from(zp.wrapping_add(i)),
            Operand::Absolute(base) => usize::from(base + u16::from(i)) & 0x7FF,
        }
    }

    /// Runs, on `ram`, whole iterations whose branch is taken, starting from `regs` at the
    /// top of the loop, while their cycles fit in `budget`. Returns the registers after them
    /// and the cycles they took (0 if none ran).
    pub(crate) fn run(
        &self,
        regs: Registers,
        ram: &mut [u8; 0x800],
        budget: u64,
    ) -> (Registers, u64) {
        let mut r = regs;
        let mut spent = 0;
        loop {
            let i = if self.index_y { r.y } else { r.x };
            let cost = self.cycles(i);
            if spent + cost > budget {
                break;
            }
            let next = i.wrapping_add(self.step);
            // N and Z (and C with a compare) as the branch sees them.
            let (nz, carry) = match self.compare {
                Some(n) => (next.wrapping_sub(n), Some(next >= n)),
                None => (next, None),
            };
            let taken = match self.branch {
                0xD0 => nz != 0,
                0x10 => nz & N == 0,
                _ => nz & N != 0,
            };
            if !taken {
                break;
            }
            let v = ram[Self::address(self.load, i)];
            ram[Self::address(self.store, i)] = v;
            r.a = v;
            if self.index_y {
                r.y = next;
            } else {
                r.x = next;
            }
            r.p = (r.p & !(N | Z)) | (nz & N) | if nz == 0 { Z } else { 0 };
            if let Some(c) = carry {
                r.p = (r.p & !C) | u8::from(c);
            }
            spent += cost;
        }
        (r, spent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(at: u16, bytes: &[u8]) -> impl Fn(u16) -> u8 + '_ {
        move |a| {
            a.checked_sub(at)
                .and_then(|i| bytes.get(usize::from(i)))
                .copied()
                .unwrap_or(0xEA)
        }
    }

    /// Tetris's `8788: LDA $60,X / STA $40,X / DEX / CPX #$FF / BNE 8788`.
    const TETRIS: &[u8] = &[0xB5, 0x60, 0x95, 0x40, 0xCA, 0xE0, 0xFF, 0xD0, 0xF7];

    #[test]
    fn tetris_copy_loop() {
        let l = CopyLoop::detect(0x8788, code(0x8788, TETRIS)).expect("detected");
        assert_eq!((l.max_cycles(), l.cycles(5), l.last_read), (15, 15, 0x8791));
        let mut ram = [0u8; 0x800];
        for i in 0..32 {
            ram[0x60 + i] = i as u8 + 1;
        }
        let regs = Registers {
            x: 0x1F,
            p: 0x24,
            ..Registers::default()
        };
        // All but the last (X = 0) iteration: 31 of them.
        let (r, spent) = l.run(regs, &mut ram, u64::MAX);
        assert_eq!((r.x, r.a, spent), (0, 2, 31 * 15));
        assert_eq!(&ram[0x41..0x60], &ram[0x61..0x80]);
        assert_eq!(ram[0x40], 0, "the last iteration is left to the CPU");
        // CPX #$FF with X = 0: N = 0 - $FF = 1 -> clear, Z clear, C clear.
        assert_eq!(r.p & (N | Z | C), 0);
        // CPX #$10 from X = $1F: the taken iterations leave X > $10, so C set, Z and N
        // clear; the last one ($11 -> $10) is not taken.
        let mut to_16 = TETRIS.to_vec();
        to_16[6] = 0x10;
        let l16 = CopyLoop::detect(0x8788, code(0x8788, &to_16)).expect("detected");
        let (r, spent) = l16.run(regs, &mut [0u8; 0x800], u64::MAX);
        assert_eq!((r.x, spent, r.p & (N | Z | C)), (0x11, 14 * 15, C));
        // A budget for three iterations.
        let (r, spent) = l.run(regs, &mut [0u8; 0x800], 3 * 15 + 14);
        assert_eq!((r.x, spent), (0x1C, 45));
    }

    #[test]
    fn variants_and_refusals() {
        // LDA $0300,Y / STA $0400,Y / INY / BNE: counts up to 0.
        const UP: &[u8] = &[0xB9, 0x00, 0x03, 0x99, 0x00, 0x04, 0xC8, 0xD0, 0xF7];
        let l = CopyLoop::detect(0x9000, code(0x9000, UP)).expect("detected");
        let mut ram = [7u8; 0x800];
        ram[0x3FE] = 1;
        let regs = Registers {
            y: 0xFE,
            ..Registers::default()
        };
        // Y = $FE -> $FF is taken; $FF -> 0 is not.
        let (r, spent) = l.run(regs, &mut ram, u64::MAX);
        assert_eq!((r.y, r.a, spent, ram[0x4FE]), (0xFF, 1, 4 + 5 + 2 + 3, 1));
        assert_eq!(r.p & (N | Z), N);
        // A page-crossing read costs a cycle.
        assert_eq!(l.cycles(0x00), 14);
        let crossing = [0xB9, 0x80, 0x03, 0x99, 0x00, 0x04, 0xC8, 0xD0, 0xF7];
        let l = CopyLoop::detect(0x9000, code(0x9000, &crossing)).expect("detected");
        assert_eq!(
            (l.cycles(0x70), l.cycles(0x90), l.max_cycles()),
            (14, 15, 15)
        );
        // Registers, ROM or the top of RAM as a source: not a RAM copy.
        let bad: [&[u8]; 5] = [
            &[0xBD, 0x00, 0x20, 0x9D, 0x00, 0x04, 0xCA, 0xD0, 0xF7],
            &[0xBD, 0x00, 0x80, 0x9D, 0x00, 0x04, 0xCA, 0xD0, 0xF7],
            &[0xBD, 0x80, 0x1F, 0x9D, 0x00, 0x04, 0xCA, 0xD0, 0xF7],
            // Mixed index registers, a branch elsewhere.
            &[0xB9, 0x00, 0x03, 0x9D, 0x00, 0x04, 0xCA, 0xD0, 0xF7],
            &[0xB5, 0x60, 0x95, 0x40, 0xCA, 0xD0, 0xF0],
        ];
        for b in bad {
            assert_eq!(CopyLoop::detect(0x9000, code(0x9000, b)), None, "{b:02X?}");
        }
        // Not in ROM.
        assert_eq!(CopyLoop::detect(0x0300, code(0x0300, TETRIS)), None);
    }
}
