//! Exact fast-forward through a memory-fill loop: `STA (zp),Y / DEY / BNE back`.
//!
//! NES Tetris clears a page of internal RAM every frame in play with
//! `AC77: STA ($00),Y / DEY / BNE AC77` (256 iterations of 11 cycles, about 2,800 of the
//! 8,759 CPU cycles it emulated per frame). While the loop runs from ROM and every address it
//! touches (the pointer, the un-fixed dummy read and the store) is internal RAM, an iteration
//! has no effect but its store, the new Y and N/Z, and its cycles: nothing else on the bus
//! sees internal RAM, and the PPU and APU run lazily until their next scheduled event.
//!
//! So, like the idle-loop skip (`idle.rs`), the console performs whole iterations at once,
//! up to two iterations before the next event, the caller's cycle limit, or the loop's last
//! (not-taken) branch; those final iterations run cycle by cycle as usual, so interrupts and
//! the end of the loop happen exactly as without the skip. `tests/tests/fast_paths.rs` checks
//! this frame by frame against the plain path (CPU, bus, PPU and APU state via save states).
//!
//! Measured on `FRAMES_DIV=10 cargo bench -p nes --bench frames` under callgrind: 3,390.9 M
//! → 2,869.7 M instructions (−15.4%); CPU cycles emulated per frame in play 9,506 → 6,726.

use crate::cpu::Registers;

const N: u8 = 0x80;
const Z: u8 = 0x02;

/// A detected fill loop at `pc` (in cartridge ROM).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FillLoop {
    pub(crate) pc: u16,
    /// The zero-page pointer.
    zp: u8,
    /// CPU cycles per iteration whose branch is taken (11, or 12 across a page).
    pub(crate) cycles: u64,
    /// The address the last cycle of a taken branch reads (the open-bus value it leaves).
    pub(crate) last_read: u16,
}

impl FillLoop {
    /// Recognises `STA (zp),Y / DEY / BNE pc` at `pc` (≥ $8000), reading code through `peek`.
    pub(crate) fn detect(pc: u16, peek: impl Fn(u16) -> u8) -> Option<FillLoop> {
        if !(0x8000..=0xFFF0).contains(&pc) {
            return None;
        }
        if peek(pc) != 0x91 || peek(pc + 2) != 0x88 || peek(pc + 3) != 0xD0 {
            return None;
        }
        let next = pc + 5;
        let target = next.wrapping_add_signed(i16::from(peek(pc + 4) as i8));
        if target != pc {
            return None;
        }
        let cross = next & 0xFF00 != target & 0xFF00;
        Some(FillLoop {
            pc,
            zp: peek(pc + 1),
            cycles: 11 + u64::from(cross),
            // The taken branch reads the next opcode, then (across a page) the target with
            // its high byte not yet fixed.
            last_read: if cross {
                (next & 0xFF00) | (target & 0x00FF)
            } else {
                next
            },
        })
    }

    /// Internal-RAM indices of the pointer's two bytes.
    pub(crate) fn pointer(&self) -> (usize, usize) {
        (usize::from(self.zp), usize::from(self.zp.wrapping_add(1)))
    }

    /// At the top of the loop with registers `regs` and pointer `base`: how many iterations
    /// with a taken branch remain (`Y` − 1, or 255 from `Y` = 0), if every one of them only
    /// touches internal RAM and never overwrites the pointer; `None` otherwise.
    pub(crate) fn taken_iterations(&self, regs: &Registers, base: u16) -> Option<u64> {
        // Store and dummy read stay below $2000 for any Y when the base page is below $1F.
        if base >= 0x1F00 {
            return None;
        }
        let taken = regs.y.wrapping_sub(1);
        let (lo, hi) = self.pointer();
        // The taken iterations store at base + Y for Y = Y0, Y0 − 1, … (wrapping), 255 of
        // them from Y0 = 0; none may hit the pointer (in any mirror). Pointer byte p is hit
        // by the Y with base + Y ≡ p (mod $800), if that Y ≤ $FF comes up within them:
        // checked in O(1) (a loop over the 255 stores cost 1.4% of the frames bench:
        // 2,281.8 M → 2,249.6 M instructions, callgrind, `FRAMES_DIV=10`).
        let hits = |p: usize| {
            let y = (p + 0x800 - (usize::from(base) & 0x7FF)) & 0x7FF;
            y <= 0xFF && regs.y.wrapping_sub(y as u8) < taken
        };
        if hits(lo) || hits(hi) {
            return None;
        }
        Some(u64::from(taken))
    }

    /// Registers after `k` iterations with a taken branch.
    pub(crate) fn after(regs: Registers, k: u64) -> Registers {
        let mut r = regs;
        r.y = r.y.wrapping_sub(k as u8);
        r.p = (r.p & !(N | Z)) | (r.y & N) | if r.y == 0 { Z } else { 0 };
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tetris(a: u16) -> u8 {
        match a {
            0xAC77 => 0x91,
            0xAC78 => 0x00,
            0xAC79 => 0x88,
            0xAC7A => 0xD0,
            0xAC7B => 0xFB,
            _ => 0xEA,
        }
    }

    #[test]
    fn tetris_fill_loop() {
        let l = FillLoop::detect(0xAC77, tetris).expect("detected");
        assert_eq!((l.cycles, l.last_read, l.pointer()), (11, 0xAC7C, (0, 1)));
        assert_eq!(FillLoop::detect(0xAC78, tetris), None);
        let regs = Registers {
            y: 0,
            ..Registers::default()
        };
        assert_eq!(l.taken_iterations(&regs, 0x0300), Some(255));
        // The pointer itself would be overwritten.
        assert_eq!(l.taken_iterations(&regs, 0x0000), None);
        assert_eq!(l.taken_iterations(&regs, 0x0800), None);
        assert_eq!(l.taken_iterations(&regs, 0x1F00), None);
        // Pointer at $00/$01, base $0702: Y = $FE and $FF would hit $0800/$0801 ≡ $00/$01.
        assert_eq!(l.taken_iterations(&regs, 0x0702), None);
        let late = Registers { y: 0xFD, ..regs };
        assert_eq!(l.taken_iterations(&late, 0x0702), Some(0xFC));
        // Base $0700: the pointer mirrors at $0800/$0801 are beyond base + $FF.
        assert_eq!(l.taken_iterations(&regs, 0x0700), Some(255));
        let near = Registers { y: 2, ..regs };
        assert_eq!(l.taken_iterations(&near, 0x07FF), None);
        let last = Registers { y: 1, ..regs };
        assert_eq!(l.taken_iterations(&last, 0x0000), Some(0));
        let r = FillLoop::after(regs, 255);
        assert_eq!((r.y, r.p & (N | Z)), (1, 0));
    }
}
