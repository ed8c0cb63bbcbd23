//! Sprites: evaluation of the next line's sprites into secondary OAM and their pattern
//! fetches.
//!
//! On each visible line with rendering enabled: dots 1–64 fill secondary OAM with $FF;
//! dots 65–256 alternate an OAM read (odd dots, at OAMADDR) and a secondary OAM write (even
//! dots). A sprite whose Y puts this line within its height is copied (4 bytes); after eight,
//! the search for a ninth goes on with the hardware bug: a Y out of range increments both
//! the sprite index n and the byte index m, so later checks read tile, attribute or X bytes
//! as Y (false positives and negatives in the overflow flag). Dots 257–320 hold OAMADDR at 0
//! and fetch the pattern bytes of the eight secondary OAM slots for the next line. Nothing
//! is evaluated on the pre-render line, so line 0 shows no sprites.
//!
//! The whole-line step evaluates from a per-line table of in-range sprites (rebuilt only
//! when OAM or the sprite size changes); lines with eight or more candidates, or an
//! evaluation that does not start at OAMADDR 0, run the exact state machine instead.
//! <https://www.nesdev.org/wiki/PPU_sprite_evaluation>, <https://www.nesdev.org/wiki/PPU_OAM>

use super::{Ppu, PpuMemory, SpriteEval};

impl Ppu {
    #[inline]
    pub(super) fn sprite_height(&self) -> u8 {
        if self.ctrl & 0x20 != 0 {
            16
        } else {
            8
        }
    }

    /// The sprite side of a visible line's dot (rendering enabled).
    pub(super) fn sprite_dot<M: PpuMemory>(&mut self, mem: &M, sl: u16, d: u16) {
        match d {
            1..=64 if d & 1 == 0 => self.secondary[usize::from(d / 2 - 1)] = 0xFF,
            65..=256 => {
                if d == 65 {
                    self.eval = SpriteEval {
                        first: true,
                        ..SpriteEval::default()
                    };
                }
                if d & 1 == 1 {
                    self.eval.latch = self.oam[usize::from(self.oam_addr)];
                } else {
                    self.eval_write(sl);
                }
            }
            257..=320 => {
                if d == 257 {
                    self.sprites.count = self.eval.found.min(8);
                    self.sprites.sprite0 = self.eval.sprite0;
                }
                self.oam_addr = 0;
                let phase = (d - 257) & 7;
                if phase == 7 {
                    self.fetch_sprite(mem, sl, usize::from((d - 257) / 8));
                }
            }
            _ => {}
        }
    }

    /// Moves OAMADDR on by `k`; past the end of OAM, evaluation is over.
    #[inline]
    fn bump(&mut self, k: u16) {
        let next = u16::from(self.oam_addr) + k;
        if next >= 0x100 {
            self.eval.done = true;
        }
        self.oam_addr = next as u8;
    }

    /// The even-dot half of an evaluation step, with the byte read on the odd dot.
    fn eval_write(&mut self, sl: u16) {
        let e = self.eval;
        if e.done {
            // Reads go on (OAM[n][0], n + 1), writes to secondary OAM fail.
            self.oam_addr = self.oam_addr.wrapping_add(4);
            return;
        }
        let in_range = sl.wrapping_sub(u16::from(e.latch)) < u16::from(self.sprite_height());
        if e.idx < 32 {
            self.secondary[usize::from(e.idx)] = e.latch;
            if e.copy > 0 {
                self.eval.copy -= 1;
                self.eval.idx += 1;
                self.bump(1);
            } else if in_range {
                if e.first {
                    self.eval.sprite0 = true;
                }
                self.eval.found += 1;
                self.eval.copy = 3;
                self.eval.idx += 1;
                self.bump(1);
            } else {
                self.bump(4);
            }
            self.eval.first = false;
        } else if e.copy > 0 {
            // The three bytes after an overflowing sprite's Y, then evaluation stops.
            self.eval.copy -= 1;
            self.bump(1);
            if self.eval.copy == 0 {
                self.eval.done = true;
            }
        } else if in_range {
            self.overflow = true;
            self.eval.copy = 3;
            self.bump(1);
        } else {
            // The bug: n and m both increment (m without carry into n).
            let a = u16::from(self.oam_addr);
            let next = ((a + 4) & 0x1FC) | ((a + 1) & 3);
            if next >= 0x100 {
                self.eval.done = true;
            }
            self.oam_addr = next as u8;
        }
    }

    /// Dots 1–256 of sprite evaluation at once (the whole-line step).
    pub(super) fn evaluate_line(&mut self, sl: u16) {
        self.secondary = [0xFF; 32];
        if self.oam_addr == 0 {
            let h = self.sprite_height();
            if self.masks_height != h {
                self.build_masks(h);
            }
            let mask = self.line_masks[usize::from(sl)];
            if mask.count_ones() < 8 {
                let mut m = mask;
                let mut j = 0;
                while m != 0 {
                    let i = m.trailing_zeros() as usize;
                    m &= m - 1;
                    self.secondary[j..j + 4].copy_from_slice(&self.oam[i * 4..i * 4 + 4]);
                    j += 4;
                }
                if mask >> 63 == 0 {
                    // The last Y examined (sprite 63's, out of range) was still written to
                    // the next free slot.
                    self.secondary[j] = self.oam[252];
                }
                self.eval = SpriteEval {
                    latch: self.oam[0xFC],
                    idx: j as u8,
                    found: mask.count_ones() as u8,
                    copy: 0,
                    done: true,
                    first: false,
                    sprite0: mask & 1 != 0,
                };
                return;
            }
        }
        self.eval = SpriteEval {
            first: true,
            ..SpriteEval::default()
        };
        for _ in 0..96 {
            self.eval.latch = self.oam[usize::from(self.oam_addr)];
            self.eval_write(sl);
        }
    }

    /// Per scanline, which sprites' Y puts them in range for height `h`.
    pub(super) fn build_masks(&mut self, h: u8) {
        self.line_masks.fill(0);
        for i in 0..64 {
            let y = usize::from(self.oam[i * 4]);
            let end = (y + usize::from(h)).min(self.line_masks.len());
            for l in y..end {
                self.line_masks[l] |= 1 << i;
            }
        }
        self.masks_height = h;
    }

    /// Dots 257–320 at once: the next line's sprites from secondary OAM.
    pub(super) fn fetch_sprites<M: PpuMemory>(&mut self, mem: &M, sl: u16) {
        self.sprites.count = self.eval.found.min(8);
        self.sprites.sprite0 = self.eval.sprite0;
        for i in 0..usize::from(self.sprites.count) {
            self.fetch_sprite(mem, sl, i);
        }
    }

    /// Pattern fetch for secondary OAM slot `i` (evaluated on line `sl`, shown on `sl + 1`).
    fn fetch_sprite<M: PpuMemory>(&mut self, mem: &M, sl: u16, i: usize) {
        if i >= usize::from(self.sprites.count) {
            return;
        }
        let y = self.secondary[i * 4];
        let tile = self.secondary[i * 4 + 1];
        let attr = self.secondary[i * 4 + 2];
        let x = self.secondary[i * 4 + 3];
        let h = u16::from(self.sprite_height());
        let mut row = sl.wrapping_sub(u16::from(y)) & (h - 1);
        if attr & 0x80 != 0 {
            row = h - 1 - row;
        }
        let addr = if h == 16 {
            (u16::from(tile & 1) << 12) | ((u16::from(tile & 0xFE) + (row >> 3)) << 4) | (row & 7)
        } else {
            (u16::from(self.ctrl & 0x08) << 9) | (u16::from(tile) << 4) | row
        };
        let mut lo = mem.chr_read(addr);
        let mut hi = mem.chr_read(addr + 8);
        if attr & 0x40 != 0 {
            lo = lo.reverse_bits();
            hi = hi.reverse_bits();
        }
        let s = &mut self.sprites;
        s.x[i] = x;
        s.attr[i] = attr;
        s.lo[i] = lo;
        s.hi[i] = hi;
    }
}
