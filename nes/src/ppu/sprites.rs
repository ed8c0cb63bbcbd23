//! Sprites: evaluation of the next line's sprites into secondary OAM and their pattern
//! fetches.
//!
//! On each visible line with rendering enabled: dots 1–64 fill secondary OAM with $FF;
//! dots 65–256 alternate an OAM read (odd dots, at OAMADDR) and a secondary OAM write (even
//! dots). A sprite whose Y puts this line within its height is copied (4 bytes); after eight,
//! the search for a ninth goes on with the hardware bug: a Y out of range increments both
//! the sprite index n and the byte index m, so later checks read tile, attribute or X bytes
//! as Y (false positives and negatives in the overflow flag). Dots 257–320 hold OAMADDR at 0
//! and fetch the pattern bytes of the eight secondary OAM slots for the next line.
//!
//! The pre-render line evaluates nothing (secondary OAM keeps what line 239, or the line on
//! which rendering was last turned off, left there) but still fetches all eight slots,
//! checking their Y against line 5 (261 & 255): sprites at Y 0–5 left in secondary OAM are
//! drawn on line 0, and the "sprite 0" flag of the last evaluation that ran on dot 66
//! decides hits there (AccuracyCoin "sprites on scanline 0").
//!
//! Turning rendering off during a rendered line corrupts OAM once rendering is back, at
//! the first rendered dot: row n (8 bytes) becomes a copy of row 0, n being the secondary
//! OAM address when rendering stopped (AccuracyCoin "OAM corruption").
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
                    self.eval.bus = self.eval.latch;
                } else {
                    self.eval_write(sl);
                }
            }
            257..=320 => self.sprite_fetch_dot(mem, sl, d),
            _ => {}
        }
    }

    /// Dots 257–320 of a rendered line (the pre-render line included, rendering enabled):
    /// OAMADDR held at 0 and one slot fetched every 8 dots.
    pub(super) fn sprite_fetch_dot<M: PpuMemory>(&mut self, mem: &M, sl: u16, d: u16) {
        if d == 257 {
            self.sprites.count = if sl == 261 { 8 } else { self.eval.found.min(8) };
            self.sprites.sprite0 = self.eval.sprite0;
            self.sprites.pristine = false;
        }
        self.oam_addr = 0;
        let phase = (d - 257) & 7;
        if phase == 7 {
            let slot = usize::from((d - 257) / 8);
            if sl == 261 {
                self.fetch_checked(mem, 5, slot);
            } else {
                self.fetch_sprite(mem, sl, slot);
            }
        }
        if d == 320 {
            self.sprites.pristine = true;
            if sl == 261 {
                self.trim_sprites();
            }
        }
    }

    /// The pre-render line's dots 257–320 at once.
    pub(super) fn fetch_prerender_sprites<M: PpuMemory>(&mut self, mem: &M) {
        self.sprites.count = 8;
        self.sprites.sprite0 = self.eval.sprite0;
        for i in 0..8 {
            self.fetch_checked(mem, 5, i);
        }
        self.sprites.pristine = true;
        self.trim_sprites();
    }

    /// Pattern fetch for slot `i` with the range check against `line`: a slot whose Y is out
    /// of range loads transparent pattern bytes.
    fn fetch_checked<M: PpuMemory>(&mut self, mem: &M, line: u16, i: usize) {
        let y = self.secondary[i * 4];
        if line.wrapping_sub(u16::from(y)) < u16::from(self.sprite_height()) {
            self.fetch_sprite(mem, line, i);
        } else {
            let s = &mut self.sprites;
            s.x[i] = self.secondary[i * 4 + 3];
            s.attr[i] = self.secondary[i * 4 + 2];
            s.lo[i] = 0;
            s.hi[i] = 0;
        }
    }

    /// Drops the trailing transparent slots (they never show, nor hit).
    fn trim_sprites(&mut self) {
        let s = &mut self.sprites;
        while s.count > 0 && s.lo[usize::from(s.count - 1)] | s.hi[usize::from(s.count - 1)] == 0 {
            s.count -= 1;
        }
    }

    /// The sprite counters and shift registers after the visible dot `d` of a rendered line
    /// (the dot-by-dot path; the whole-line step draws from positions instead).
    #[inline]
    pub(super) fn sprite_counters(&mut self, d: u16) {
        if (1..=256).contains(&d) {
            if self.sprites.count > 0 {
                self.sprite_counters_visible(d);
            }
        } else if d == 339 && !self.rendering() {
            self.sprites.x = [0; 8];
            self.sprites.pristine = false;
        }
    }

    fn sprite_counters_visible(&mut self, d: u16) {
        {
            let rendering = self.rendering();
            // On line 0 after a skipped odd-frame dot, the first dot shifts every sprite.
            let skip = self.sprite_skip && d == 1;
            let s = &mut self.sprites;
            for i in 0..usize::from(s.count) {
                if s.x[i] > 0 && !skip {
                    s.x[i] -= 1;
                } else if rendering {
                    s.lo[i] <<= 1;
                    s.hi[i] <<= 1;
                }
            }
            s.pristine = false;
            if d == 1 {
                self.sprite_skip = false;
            }
        }
    }

    /// Dots `from..to` of the current line run without rendering (skipped or drawn in one
    /// step): the counters count down on dots 1–256 and are zeroed on dot 339.
    pub(super) fn sprites_idle(&mut self, from: u16, to: u16) {
        if (240..=260).contains(&self.scanline) || from >= to {
            return;
        }
        let (a, b) = (from.max(1), to.min(257));
        if a < b {
            let n = b - a;
            for x in &mut self.sprites.x {
                *x = (u16::from(*x).saturating_sub(n)) as u8;
            }
            self.sprites.pristine = false;
        }
        if from <= 339 && 339 < to {
            self.sprites.x = [0; 8];
            self.sprites.pristine = false;
        }
    }

    /// Rendering stops mid-line: remembers which OAM row the next rendered dot corrupts (the
    /// secondary OAM address after the last dot).
    pub(super) fn seed_oam_corruption(&mut self) {
        let p = if self.dot == 0 { 340 } else { self.dot - 1 };
        let addr = match p {
            1..=64 => p / 2,
            65..=256 if self.scanline != 261 => {
                let idx = u16::from(self.eval.idx);
                // Mid-sprite it rounds up to the next sprite; full, it has wrapped to 0.
                if idx >= 32 {
                    0
                } else {
                    (idx + 3) & !3
                }
            }
            257..=320 => {
                let i = p - 257;
                (i / 8) * 4 + [1, 2, 3, 3, 3, 3, 3, 4][usize::from(i % 8)]
            }
            _ => 0,
        };
        self.oam_corrupt = Some((addr & 0x1F) as u8);
    }

    /// At a rendered dot with rendering enabled: a pending OAM corruption happens.
    #[inline]
    pub(super) fn corrupt_oam(&mut self) {
        if self.oam_corrupt.is_some() {
            self.corrupt_oam_now();
        }
    }

    #[cold]
    fn corrupt_oam_now(&mut self) {
        if let Some(row) = self.oam_corrupt.take() {
            let row = usize::from(row);
            let (first, rest) = self.oam.split_at_mut(8);
            if row > 0 {
                rest[row * 8 - 8..row * 8].copy_from_slice(first);
            }
            self.secondary[row] = self.secondary[0];
            self.masks_height = 0;
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
        // The secondary OAM address wraps to 0 once it is full.
        let slot = if e.idx < 32 { usize::from(e.idx) } else { 0 };
        self.eval.bus = if e.done || e.idx >= 32 {
            self.secondary[slot]
        } else {
            e.latch
        };
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
                    bus: self.secondary[j],
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
            self.eval.bus = self.eval.latch;
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
        self.sprites.pristine = true;
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
