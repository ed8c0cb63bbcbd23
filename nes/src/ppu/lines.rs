//! The headless many-line gear: several whole rendered lines in one step.
//!
//! Without pixels, a rendered visible line leaves little behind: `v` moved on (Y + 1, the
//! horizontal copy, the two prefetch increments), OAMADDR at 0, and the sprites evaluated
//! and fetched for the next line. Those sprites only matter to the next line's sprite-0 hit
//! check and to whatever looks at the pipeline after the catch-up; and an evaluation that
//! finds fewer than eight sprites (from OAMADDR 0) sets no overflow flag. So over a stretch
//! of lines where no sprite-0 hit can happen and no line has eight sprites in range, only
//! the last line's evaluation and fetches need doing: the lines before it just move `v`
//! on. The stretch ends before a line that checks sprite 0 (that line runs through the
//! one-line gear, with the sprites the stretch's last line fetched).
//!
//! Like the other gears, this assumes that pattern fetches have no side effects (true of
//! every board this emulator supports) and stays off with [`Ppu::set_dots_only`]; the
//! `chip_paths` tests compare it with the dot-by-dot reference.

use super::registers::inc_y;
use super::timing::DOTS_PER_LINE;
use super::{Ppu, PpuMemory};

impl Ppu {
    /// How many whole visible lines from here (dot 0, `avail` dots ahead) the many-line gear
    /// can run: 0 when it does not apply; at most up to the last visible line.
    pub(super) fn headless_lines(&mut self, avail: u64) -> u16 {
        if !self.headless
            || !self.rendering()
            || self.dot != 0
            || self.scanline >= 240
            || self.oam_addr != 0
        {
            return 0;
        }
        let hit_possible = !self.sprite0_hit && self.mask & 0x18 == 0x18;
        if hit_possible && self.sprites.sprite0 {
            return 0;
        }
        let h = self.sprite_height();
        if self.masks_height != h {
            self.build_masks(h);
        }
        let sl = self.scanline;
        let max = (avail / DOTS_PER_LINE).min(u64::from(240 - sl)) as u16;
        let mut n = 0;
        while n < max {
            let mask = self.line_masks[usize::from(sl + n)];
            if mask.count_ones() >= 8 {
                break;
            }
            n += 1;
            if hit_possible && mask & 1 != 0 {
                // The next line checks sprite 0 against what this one fetches.
                break;
            }
        }
        n
    }

    /// Runs `n` whole visible lines from dot 0 (as [`Ppu::headless_lines`] allowed): the
    /// lines before the last only move `v`'s vertical part on (Y + 1 each: their horizontal
    /// bits are overwritten by the last line's horizontal copy before anything reads them),
    /// then the last line runs as in the one-line gear, sprites included.
    pub(super) fn run_headless_lines<M: PpuMemory>(&mut self, mem: &M, n: u16) {
        let skipped = n - 1;
        for _ in 0..skipped {
            self.v = inc_y(self.v);
        }
        self.scanline += skipped;
        self.master += 4 * DOTS_PER_LINE * u64::from(skipped);
        let sl = self.scanline;
        self.finish_rendered_line(false);
        self.evaluate_line(sl);
        self.fetch_sprites(mem, sl);
        self.oam_addr = 0;
        self.master += 4 * DOTS_PER_LINE;
        self.next_line();
    }
}
