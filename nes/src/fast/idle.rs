//! Exact fast-forward through idle loops: a game waiting for its NMI.
//!
//! Many games end their frame in a two-instruction spin such as NES Tetris's
//! `AA37: LDA $33 / BEQ AA37`: a load (or BIT) of internal RAM and a branch back to it. Such a
//! loop only reads RAM that nothing but the CPU can write (no DMA writes internal RAM), so
//! once its branch is taken it will be taken again on every iteration until an interrupt
//! arrives, and each iteration costs the same cycles and touches nothing observable.
//!
//! The console therefore advances the clock by whole iterations at once, up to two
//! iterations before the next moment anything could change: the PPU's or APU's next
//! scheduled event (the NMI line, a frame IRQ, a DMC fetch), a pending DMA, or the caller's
//! cycle limit. The final iterations run cycle by cycle as usual, so the interrupt is
//! recognised on exactly the cycle it would have been, and every register, flag and the
//! open-bus value come out as without the skip. `tests/tests/fast_paths.rs` checks this
//! frame by frame against the plain path.

use crate::cpu::Registers;

/// N, V and Z of the status register.
const N: u8 = 0x80;
const V: u8 = 0x40;
const Z: u8 = 0x02;

/// What the loop's first instruction does with the value it reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Load {
    A,
    X,
    Y,
    Bit,
}

/// A detected idle loop at `pc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IdleLoop {
    pub(crate) pc: u16,
    /// Internal-RAM address the loop polls.
    addr: u16,
    load: Load,
    /// The branch opcode that closes the loop.
    branch: u8,
    /// CPU cycles per iteration.
    pub(crate) cycles: u64,
}

impl IdleLoop {
    /// Recognises a load-and-branch loop starting at `pc` in internal RAM or cartridge ROM
    /// ($8000 and up: code anywhere else may read differently each time, as open bus or a
    /// register), reading code through `peek`.
    pub(crate) fn detect(pc: u16, peek: impl Fn(u16) -> u8) -> Option<IdleLoop> {
        // The loop's at most 5 bytes, all in RAM or all in ROM.
        if !(pc < 0x2000 - 5 || (0x8000..=0xFFFF - 5).contains(&pc)) {
            return None;
        }
        let op = peek(pc);
        let (load, len, load_cycles) = match op {
            0xA5 => (Load::A, 2, 3),
            0xA6 => (Load::X, 2, 3),
            0xA4 => (Load::Y, 2, 3),
            0x24 => (Load::Bit, 2, 3),
            0xAD => (Load::A, 3, 4),
            0xAE => (Load::X, 3, 4),
            0xAC => (Load::Y, 3, 4),
            0x2C => (Load::Bit, 3, 4),
            _ => return None,
        };
        let addr = if len == 2 {
            u16::from(peek(pc.wrapping_add(1)))
        } else {
            u16::from_le_bytes([peek(pc.wrapping_add(1)), peek(pc.wrapping_add(2))])
        };
        // Only internal RAM: anything else may have side effects or change on its own.
        if addr >= 0x2000 {
            return None;
        }
        let at = pc.wrapping_add(len);
        let branch = peek(at);
        if branch & 0x1F != 0x10 {
            return None;
        }
        let next = at.wrapping_add(2);
        let target = next.wrapping_add_signed(i16::from(peek(at.wrapping_add(1)) as i8));
        if target != pc {
            return None;
        }
        let page_cross = u64::from(next & 0xFF00 != target & 0xFF00);
        Some(IdleLoop {
            pc,
            addr,
            load,
            branch,
            cycles: load_cycles + 3 + page_cross,
        })
    }

    /// The internal-RAM index the loop polls.
    pub(crate) fn ram_index(&self) -> usize {
        usize::from(self.addr & 0x7FF)
    }

    /// The registers after one iteration that read `value`, if its branch is taken (the loop
    /// goes on); `None` if the loop would exit.
    pub(crate) fn iterate(&self, regs: Registers, value: u8) -> Option<Registers> {
        let mut r = regs;
        let nz = |p: u8, v: u8| (p & !(N | Z)) | (v & N) | if v == 0 { Z } else { 0 };
        match self.load {
            Load::A => {
                r.a = value;
                r.p = nz(r.p, value);
            }
            Load::X => {
                r.x = value;
                r.p = nz(r.p, value);
            }
            Load::Y => {
                r.y = value;
                r.p = nz(r.p, value);
            }
            Load::Bit => {
                r.p =
                    (r.p & !(N | V | Z)) | (value & (N | V)) | if r.a & value == 0 { Z } else { 0 };
            }
        }
        // Branch opcodes: bits 7-6 pick the flag (N, V, C, Z), bit 5 the value that branches.
        let flag = match self.branch >> 6 {
            0 => r.p & N != 0,
            1 => r.p & V != 0,
            2 => r.p & 0x01 != 0,
            _ => r.p & Z != 0,
        };
        (flag == (self.branch & 0x20 != 0)).then_some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mem(bytes: &[(u16, u8)]) -> impl Fn(u16) -> u8 + '_ {
        move |a| {
            bytes
                .iter()
                .find(|(x, _)| *x == a)
                .map_or(0xEA, |(_, v)| *v)
        }
    }

    #[test]
    fn tetris_wait_loop() {
        let code = [
            (0xAA37, 0xA5),
            (0xAA38, 0x33),
            (0xAA39, 0xF0),
            (0xAA3A, 0xFC),
        ];
        let l = IdleLoop::detect(0xAA37, mem(&code)).expect("detected");
        assert_eq!(l.cycles, 6);
        assert_eq!(l.ram_index(), 0x33);
        let regs = Registers {
            a: 5,
            p: 0x24,
            ..Registers::default()
        };
        let r = l.iterate(regs, 0).expect("BEQ taken while $33 is 0");
        assert_eq!((r.a, r.p & (N | Z)), (0, Z));
        assert_eq!(l.iterate(regs, 1), None, "leaves once the NMI set $33");
    }

    #[test]
    fn rejects_non_loops() {
        // Branch elsewhere, I/O address, not a load.
        assert!(IdleLoop::detect(
            0x8000,
            mem(&[(0x8000, 0xA5), (0x8002, 0xF0), (0x8003, 0x10)])
        )
        .is_none());
        assert!(IdleLoop::detect(
            0x8000,
            mem(&[
                (0x8000, 0xAD),
                (0x8001, 0x02),
                (0x8002, 0x20),
                (0x8003, 0x10),
                (0x8004, 0xFB)
            ])
        )
        .is_none());
        assert!(IdleLoop::detect(0x8000, mem(&[(0x8000, 0xEA)])).is_none());
        // The same loop in PRG RAM or I/O space (open bus, registers) is not taken; in
        // internal RAM it is.
        let at = |pc: u16| {
            IdleLoop::detect(
                pc,
                mem(&[(pc, 0xA5), (pc + 1, 0x10), (pc + 2, 0xF0), (pc + 3, 0xFC)]),
            )
        };
        assert!(at(0x6000).is_none() && at(0x4020).is_none());
        assert!(at(0x0300).is_some() && at(0x8000).is_some());
        // BIT $2002 / BPL: a vblank wait reads I/O and must not be skipped.
        assert!(IdleLoop::detect(
            0x8000,
            mem(&[
                (0x8000, 0x2C),
                (0x8001, 0x02),
                (0x8002, 0x20),
                (0x8003, 0x10),
                (0x8004, 0xFB)
            ])
        )
        .is_none());
    }

    #[test]
    fn page_crossing_branch_costs_a_cycle_more() {
        let code = [
            (0x80FD, 0xA5),
            (0x80FE, 0x10),
            (0x80FF, 0xD0),
            (0x8100, 0xFC),
        ];
        let l = IdleLoop::detect(0x80FD, mem(&code)).expect("detected");
        assert_eq!(l.cycles, 7);
        assert!(
            l.iterate(Registers::default(), 3).is_some(),
            "BNE taken on non-zero"
        );
    }
}
