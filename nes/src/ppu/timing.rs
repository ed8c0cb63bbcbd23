//! Where the PPU is in the frame: advancing the (scanline, dot) position, the odd-frame
//! skipped dot, the distance to the next event, and the idle stretches `run_to` may jump
//! over.
//!
//! NTSC frame: scanlines 0–239 visible, 240 post-render, 241–260 vertical blank (the flag
//! is set at 241 dot 1), 261 pre-render (flags cleared at dot 1). With rendering enabled,
//! the pre-render line of every other frame jumps from dot 339 straight to (0, 0).
//! <https://www.nesdev.org/wiki/PPU_frame_timing>,
//! <https://www.nesdev.org/wiki/PPU_rendering#Line-by-line_timing>

use super::Ppu;
use crate::savestate::{ensure, ensure_max, StateError};

pub(super) const DOTS_PER_LINE: u64 = 341;
pub(super) const LINES_PER_FRAME: u64 = 262;
const DOTS_PER_FRAME: u64 = DOTS_PER_LINE * LINES_PER_FRAME;
/// The pre-render dot at which the rendering bits decide the odd-frame skip: the last one,
/// as the PPU would move on to (0, 0), with $2001 as it is in effect by then (a write takes
/// effect `MASK_DELAY` dots late). blargg's `10-even_odd_timing` pins this to the dot, for
/// enabling and disabling alike.
const SKIP_DOT: u16 = 340;

impl Ppu {
    /// Moves past the dot just run.
    #[inline]
    pub(super) fn advance(&mut self) {
        self.master += 4;
        if self.dot == SKIP_DOT && self.scanline == 261 {
            self.skip_dot = self.rendering();
        }
        self.dot += 1;
        if self.dot == 341 {
            self.next_line();
        }
    }

    /// Dot 0 of the following scanline.
    #[inline]
    pub(super) fn next_line(&mut self) {
        self.dot = 0;
        self.scanline += 1;
        self.sprite_skip &= self.scanline == 0;
        if self.scanline == 262 {
            self.scanline = 0;
            self.odd_frame = !self.odd_frame;
            self.write_ignore = false;
        }
    }

    /// On odd frames, the last dot of the pre-render line is skipped if rendering was enabled
    /// at the end of [`SKIP_DOT`]. Called before running the dot at the current position;
    /// true = jumped to (0, 0) without using time.
    #[inline]
    pub(super) fn skip_last_dot(&mut self) -> bool {
        if self.dot == 340 && self.scanline == 261 && self.will_skip() {
            self.next_line();
            self.sprite_skip = true;
            true
        } else {
            false
        }
    }

    /// Whether this frame's pre-render line will skip its last dot, as far as known now.
    #[inline]
    fn will_skip(&self) -> bool {
        self.odd_frame
            && if self.scanline == 261 && self.dot > SKIP_DOT {
                self.skip_dot
            } else {
                self.rendering()
            }
    }

    /// Dots from the current position until dot `d` of scanline `sl` starts (0 if it is the
    /// next dot to run), with rendering as it is now.
    pub(super) fn dots_until(&self, sl: u16, d: u16) -> u64 {
        let here = u64::from(self.scanline) * DOTS_PER_LINE + u64::from(self.dot);
        let there = u64::from(sl) * DOTS_PER_LINE + u64::from(d);
        if there >= here {
            there - here
        } else {
            let mut n = DOTS_PER_FRAME - here + there;
            // Crossing the end of this frame: its pre-render line may be a dot short.
            if self.will_skip() {
                n -= 1;
            }
            n
        }
    }

    /// Number of dots from here on that change nothing but the position (so `run_to` may jump
    /// over them); 0 if the next dot does real work.
    pub(super) fn idle_dots(&self) -> u64 {
        let sl = self.scanline;
        if self.rendering() {
            // Post-render and vblank lines: only the vblank-set dot does anything.
            if (240..=260).contains(&sl) {
                return self.dots_until(241, 1).min(self.dots_until(261, 0));
            }
            return 0;
        }
        // Rendering disabled: no fetches, no sprite evaluation, no `v` updates. Only the
        // flag dots and, when drawing, the backdrop on visible lines remain.
        let flags = self.dots_until(241, 1).min(self.dots_until(261, 1));
        if self.headless {
            flags
        } else if sl >= 240 {
            flags.min(self.dots_until(0, 0))
        } else {
            0
        }
    }

    /// Jumps `n` dots ahead; the caller has checked that they are idle (so no flag dot lies
    /// strictly inside them, and rendering does not change).
    pub(super) fn skip_dots(&mut self, mut n: u64) {
        self.master += 4 * n;
        loop {
            let mut left = DOTS_PER_LINE - u64::from(self.dot);
            if self.scanline == 261 {
                if self.dot <= SKIP_DOT {
                    // Passing the decision dot, with rendering as it is.
                    self.skip_dot = self.rendering();
                }
                if self.odd_frame && self.skip_dot {
                    left -= 1;
                }
            }
            if n < left {
                // `n < 341` here.
                self.sprites_idle(self.dot, self.dot + n as u16);
                self.dot += n as u16;
                return;
            }
            self.sprites_idle(self.dot, 341);
            n -= left;
            self.next_line();
        }
    }

    /// Length of the current line if it can run in one step (`render::run_line`) from dot 0:
    /// rendered lines (0–239, 261) with rendering enabled, and visible lines that only show the
    /// backdrop when drawing.
    #[inline]
    pub(super) fn line_gear_len(&self) -> Option<u64> {
        let sl = self.scanline;
        if self.rendering() {
            if sl < 240 {
                // Drawing from positions needs the sprites as fetched (and not the first
                // line after a skipped odd-frame dot with sprites on it).
                let s = &self.sprites;
                if !s.pristine || (self.sprite_skip && s.count > 0) {
                    return None;
                }
                Some(DOTS_PER_LINE)
            } else if sl == 261 {
                // From dot 0 the decision is still ahead, taken with rendering as it is now.
                Some(if self.odd_frame { 340 } else { 341 })
            } else {
                None
            }
        } else if sl < 240 && !self.headless {
            Some(DOTS_PER_LINE)
        } else {
            None
        }
    }
}

/// How far a loaded PPU may lag the CPU's clock, in master ticks: the bus catches it up at
/// least at every vblank set and clear, so a few frames is far more than a real state shows.
const MAX_LAG: u64 = 4 * 4 * DOTS_PER_FRAME;
/// How far it may run ahead: a dot started at the last access tick of the current cycle.
const MAX_LEAD: u64 = 2 * crate::bus::MASTER_PER_CPU;

impl Ppu {
    /// The position and clocks of a loaded state (see [`crate::savestate`]), against the
    /// CPU's master-clock time `now`: scanline 0–261, dot 0–340, the PPU's clock within lazy
    /// catch-up of `now`, no more frames than that time holds, open-bus refresh times in the
    /// past.
    pub(super) fn validate_timing(&self, now: u64) -> Result<(), StateError> {
        ensure_max(self.scanline, LINES_PER_FRAME as u16 - 1, "ppu.scanline")?;
        ensure_max(self.dot, DOTS_PER_LINE as u16 - 1, "ppu.dot")?;
        ensure(
            self.master <= now + MAX_LEAD && self.master + MAX_LAG >= now,
            "ppu.master",
            self.master,
            format_args!("within {MAX_LAG} ticks of the CPU's {now}"),
        )?;
        // A frame is at least 89,341 dots; the first vblank comes after 241 lines.
        let max_frames = self.master / (4 * (DOTS_PER_FRAME - 1)) + 1;
        ensure_max(self.frames, max_frames, "ppu.frames")?;
        for t in self.io_refresh {
            ensure_max(t, self.master, "ppu.io_refresh")?;
        }
        Ok(())
    }
}
