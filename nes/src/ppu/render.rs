//! Rendering: the background fetch pipeline, pixel composition, the per-dot step and the
//! whole-line step.
//!
//! Each 8-dot group of dots 1–256 and 321–336 fetches one tile: nametable byte (2nd dot),
//! attribute byte (4th), pattern low (6th) and high (8th) plane, then increments coarse X.
//! The tile is loaded into the low byte of the shift registers at the end of the group's
//! last dot (8, 16, …, 256 and 328, 336); the shift registers move one bit per dot on
//! dots 1–256 and 321–336 (shifting in 0 for the low pattern plane, 1 for the high one),
//! and a pixel takes bit 15 − fine X. Dot 256 increments Y,
//! dot 257 copies the horizontal bits of `t` into `v`, dots 280–304 of the pre-render line
//! the vertical bits. Pattern reads go to the cartridge at the moment of the fetch, so a
//! mid-frame CHR bank switch takes effect at the right tile.
//!
//! `run_line` does all of this for a whole line in one step when no register access falls
//! inside it: since `v` then only moves by fixed increments, it fetches the line's tiles
//! straight from where `v` starts, draws from tile arrays instead of shift registers and
//! leaves every register (including the shift registers and latches) as the dots would.
//! Headless, the dots 321–336 fetches are left pending (`settle_bg`) until something can
//! see the shift registers, so a frame of headless lines costs almost no memory reads.
//! <https://www.nesdev.org/wiki/PPU_rendering>, <https://www.nesdev.org/wiki/PPU_scrolling>

use super::registers::{inc_coarse_x, inc_y, palette_index};
use super::timing::DOTS_PER_LINE;
use super::{Ppu, PpuMemory, WIDTH};

/// One fetched background tile: pattern planes and the 2-bit palette from the attribute.
#[derive(Clone, Copy, Debug, Default)]
struct Tile {
    lo: u8,
    hi: u8,
    pal: u8,
}

#[inline]
fn expand(bit: u8) -> u16 {
    if bit & 1 != 0 {
        0xFF
    } else {
        0
    }
}

impl Ppu {
    /// Runs one dot in full detail and moves past it.
    pub(super) fn step<M: PpuMemory>(&mut self, mem: &mut M) {
        self.settle_bg(mem);
        let sl = self.scanline;
        let d = self.dot;
        if sl < 240 {
            if self.rendering() {
                self.corrupt_oam();
                self.render_dot(mem, sl, d, true);
                self.sprite_dot(mem, sl, d);
            } else if (1..=256).contains(&d) && !self.headless {
                let c = self.backdrop();
                self.put(sl, d - 1, c);
            }
            self.sprite_counters(d);
        } else if sl == 241 {
            if d == 1 {
                self.start_vblank();
            }
        } else if sl == 261 {
            if d == 1 {
                self.end_vblank();
            }
            if self.rendering() {
                self.corrupt_oam();
                self.render_dot(mem, sl, d, false);
                if d == 66 {
                    // No evaluation here: whatever is fetched next is not sprite 0.
                    self.eval.sprite0 = false;
                }
                if (257..=320).contains(&d) {
                    self.sprite_fetch_dot(mem, sl, d);
                }
            }
            self.sprite_counters(d);
        }
        self.advance();
    }

    pub(super) fn start_vblank(&mut self) {
        self.frames += 1;
        std::mem::swap(&mut self.front, &mut self.back);
        if self.dead_frames > 0 {
            self.dead_frames -= 1;
        } else if !self.vbl_suppress {
            self.vblank = true;
        }
        self.vbl_suppress = false;
    }

    pub(super) fn end_vblank(&mut self) {
        self.vblank = false;
        self.sprite0_hit = false;
        self.overflow = false;
    }

    /// The background side of a rendered dot (rendering enabled).
    #[inline]
    fn render_dot<M: PpuMemory>(&mut self, mem: &M, sl: u16, d: u16, visible: bool) {
        if visible && (1..=256).contains(&d) {
            self.pixel(sl, d - 1);
        }
        if (1..=256).contains(&d) || (321..=336).contains(&d) {
            // Serial inputs: 0 into the low pattern plane, 1 into the high one, the
            // attribute latch into the attribute registers. Only visible when a reload is
            // skipped (rendering off at its dot): AccuracyCoin "BG serial in".
            let bg = &mut self.bg;
            bg.lo <<= 1;
            bg.hi = bg.hi << 1 | 1;
            bg.at_lo = bg.at_lo << 1 | (bg.at_lo & 1);
            bg.at_hi = bg.at_hi << 1 | (bg.at_hi & 1);
            match d & 7 {
                2 => self.bg.nt = self.vram_read(0x2000 | (self.v & 0x0FFF), mem),
                4 => self.bg.at = self.fetch_attribute(self.v, mem),
                6 => self.bg.pat_lo = mem.chr_read(self.pattern_addr(self.bg.nt)),
                0 => {
                    self.bg.pat_hi = mem.chr_read(self.pattern_addr(self.bg.nt) + 8);
                    self.inc_coarse_x();
                    if d == 256 {
                        self.inc_y();
                    }
                    // The fetched tile enters the shift registers at the end of the group's
                    // last dot (a dot rendered with rendering off skips it).
                    self.reload();
                }
                _ => {}
            }
        } else if d == 257 {
            self.v = (self.v & !0x041F) | (self.t & 0x041F);
        } else if !visible && (280..=304).contains(&d) {
            self.v = (self.v & !0x7BE0) | (self.t & 0x7BE0);
        }
    }

    /// Loads the latched tile into the low byte of the shift registers.
    #[inline]
    fn reload(&mut self) {
        let bg = &mut self.bg;
        bg.lo = (bg.lo & 0xFF00) | u16::from(bg.pat_lo);
        bg.hi = (bg.hi & 0xFF00) | u16::from(bg.pat_hi);
        bg.at_lo = (bg.at_lo & 0xFF00) | expand(bg.at);
        bg.at_hi = (bg.at_hi & 0xFF00) | expand(bg.at >> 1);
    }

    #[inline]
    fn pattern_addr(&self, nt: u8) -> u16 {
        (u16::from(self.ctrl & 0x10) << 8) | (u16::from(nt) << 4) | ((self.v >> 12) & 7)
    }

    /// The attribute byte's two bits for the tile at `v`.
    #[inline]
    fn fetch_attribute<M: PpuMemory>(&self, v: u16, mem: &M) -> u8 {
        let addr = 0x23C0 | (v & 0x0C00) | ((v >> 4) & 0x38) | ((v >> 2) & 0x07);
        let shift = ((v >> 4) & 4) | (v & 2);
        (self.vram_read(addr, mem) >> shift) & 3
    }

    /// Fetches the tile `v` points at (nametable, attribute, both pattern planes).
    #[inline]
    fn fetch_tile<M: PpuMemory>(&self, v: u16, mem: &M) -> Tile {
        let nt = self.vram_read(0x2000 | (v & 0x0FFF), mem);
        let pal = self.fetch_attribute(v, mem);
        let addr = (u16::from(self.ctrl & 0x10) << 8) | (u16::from(nt) << 4) | ((v >> 12) & 7);
        Tile {
            lo: mem.chr_read(addr),
            hi: mem.chr_read(addr + 8),
            pal,
        }
    }

    /// `out.len()` (≤ 32) consecutive tiles from `v` on, as `fetch_tile` would fetch them
    /// one by one with coarse X increments between (nametable pages looked up once).
    fn fetch_row<M: PpuMemory>(&self, v: u16, mem: &M, out: &mut [Tile]) {
        let page = |nt_bits: u16| mem.nametable_offset(0x2000 | (nt_bits & 0x0C00)) & 0xC00;
        let bases = [page(v), page(v ^ 0x0400)];
        let coarse_y = usize::from((v >> 5) & 31);
        let pat = (u16::from(self.ctrl & 0x10) << 8) | ((v >> 12) & 7);
        let x0 = usize::from(v & 31);
        for (i, t) in out.iter_mut().enumerate() {
            let cx = x0 + i;
            let base = bases[(cx >> 5) & 1];
            let x = cx & 31;
            let nt = self.vram[base | (coarse_y << 5) | x];
            let at = self.vram[base | 0x3C0 | ((coarse_y >> 2) << 3) | (x >> 2)];
            let shift = ((coarse_y & 2) << 1) | (x & 2);
            let addr = pat | (u16::from(nt) << 4);
            *t = Tile {
                lo: mem.chr_read(addr),
                hi: mem.chr_read(addr | 8),
                pal: (at >> shift) & 3,
            };
        }
    }

    /// The colour shown where rendering is disabled: the backdrop, or the palette entry `v`
    /// points at if it points into palette RAM.
    #[inline]
    fn backdrop(&self) -> u16 {
        let c = if self.v & 0x3F00 == 0x3F00 {
            self.palette_read(self.v)
        } else {
            self.palette_read(0x3F00)
        };
        u16::from(c) | (u16::from(self.mask & 0xE0) << 1)
    }

    #[inline]
    fn put(&mut self, sl: u16, x: u16, c: u16) {
        self.back[usize::from(sl) * WIDTH + usize::from(x)] = c;
    }

    /// Pixel `x` of a rendered line, from the shift registers and the line's sprites.
    fn pixel(&mut self, sl: u16, x: u16) {
        let want_hit = self.sprites.sprite0 && !self.sprite0_hit && self.mask & 0x18 == 0x18;
        if self.headless && !want_hit {
            return;
        }
        let bg = if self.mask & 0x08 != 0 && (x >= 8 || self.mask & 0x02 != 0) {
            let bit = 15 - u16::from(self.fine_x);
            let b = &self.bg;
            let col = ((b.lo >> bit) & 1) | (((b.hi >> bit) & 1) << 1);
            let pal = ((b.at_lo >> bit) & 1) | (((b.at_hi >> bit) & 1) << 1);
            if col == 0 {
                0
            } else {
                (pal << 2 | col) as u8
            }
        } else {
            0
        };
        let sp = if self.mask & 0x10 != 0 && (x >= 8 || self.mask & 0x04 != 0) {
            self.sprite_pixel(x)
        } else {
            0
        };
        if sp & SPRITE0 != 0 && bg != 0 && x != 255 {
            self.sprite0_hit = true;
        }
        if !self.headless {
            let c = self.compose(bg, sp);
            self.put(sl, x, c);
        }
    }

    /// The frontmost opaque sprite pixel at `x` (see [`SPRITE0`] for the encoding), 0 if none:
    /// the slots whose counter has run out show their shift register's top bit (every slot
    /// does on line 0's first dot after a skipped odd-frame dot).
    fn sprite_pixel(&self, x: u16) -> u8 {
        let s = &self.sprites;
        let all = self.sprite_skip && x == 0;
        for i in 0..usize::from(s.count) {
            if s.x[i] == 0 || all {
                let col = (s.lo[i] >> 7) | ((s.hi[i] >> 7) << 1);
                if col != 0 {
                    return sprite_code(col, s.attr[i], i == 0 && s.sprite0);
                }
            }
        }
        0
    }

    /// The output value for a background pixel `bg` (palette << 2 | colour, 0 = transparent)
    /// and a sprite pixel `sp` (see [`sprite_code`]).
    #[inline]
    fn compose(&self, bg: u8, sp: u8) -> u16 {
        let entry = if sp != 0 && (bg == 0 || sp & BEHIND == 0) {
            0x10 | (sp & 0x0F)
        } else {
            bg
        };
        let mut c = self.palette[palette_index(u16::from(entry))];
        if self.mask & 0x01 != 0 {
            c &= 0x30;
        }
        u16::from(c) | (u16::from(self.mask & 0xE0) << 1)
    }

    /// Runs the whole current line (the PPU stands at dot 0 and the catch-up window covers
    /// it; see `line_gear_len`).
    pub(super) fn run_line<M: PpuMemory>(&mut self, mem: &mut M) {
        let sl = self.scanline;
        let mut len = DOTS_PER_LINE;
        if !self.rendering() {
            // A visible line showing the backdrop (only when drawing).
            let c = self.backdrop();
            let row = usize::from(sl) * WIDTH;
            self.back[row..row + WIDTH].fill(c);
            self.sprites_idle(0, 341);
        } else if sl < 240 {
            self.corrupt_oam();
            if !self.headless {
                self.settle_bg(mem);
                self.draw_line(mem, sl);
            } else if self.sprites.sprite0 && !self.sprite0_hit && self.mask & 0x18 == 0x18 {
                self.settle_bg(mem);
                self.sprite0_check(mem);
            }
            self.finish_rendered_line(false);
            self.evaluate_line(sl);
            self.fetch_sprites(mem, sl);
            self.oam_addr = 0;
        } else {
            // Pre-render line.
            self.corrupt_oam();
            self.end_vblank();
            self.finish_rendered_line(true);
            self.eval.sprite0 = false;
            self.fetch_prerender_sprites(mem);
            self.oam_addr = 0;
            self.skip_dot = true;
            if self.odd_frame {
                len -= 1;
            }
        }
        if !self.headless {
            self.settle_bg(mem);
        }
        self.master += 4 * len;
        self.next_line();
        self.sprite_skip = sl == 261 && self.odd_frame_skipped(len);
    }

    /// Whether a pre-render line of `len` dots skipped its last dot.
    #[inline]
    fn odd_frame_skipped(&self, len: u64) -> bool {
        len < DOTS_PER_LINE
    }

    /// Runs the rest of the pre-render line (rendering enabled) from the current dot, 1–257:
    /// what remains of the line has no visible effect but on `v`, OAMADDR, the sprites of
    /// line 0 and the prefetch. The bus stops here every frame (the vblank-clear event at
    /// dot 1), so this spares ~340 single dots a frame.
    pub(super) fn run_prerender_rest<M: PpuMemory>(&mut self, mem: &M) {
        let d = self.dot;
        self.settle_bg(mem);
        self.corrupt_oam();
        if d <= 1 {
            self.end_vblank();
        }
        if d <= 66 {
            self.eval.sprite0 = false;
        }
        if d <= 256 {
            // The coarse X increments still due at dots 8, 16, …, 256 leave coarse X and
            // the nametable bit to the copy at 257; only Y + 1 at dot 256 matters.
            self.v = inc_y(self.v);
        }
        self.fetch_prerender_sprites(mem);
        self.v = (self.v & !0x041F) | (self.t & 0x041F);
        if d <= 304 {
            self.v = (self.v & !0x7BE0) | (self.t & 0x7BE0);
        }
        self.oam_addr = 0;
        let v = self.v;
        self.bg_pending = Some(v);
        self.v = inc_coarse_x(inc_coarse_x(v));
        self.skip_dot = true;
        let len = if self.odd_frame { 340 } else { 341 };
        self.master += 4 * u64::from(len - d);
        self.next_line();
        self.sprite_skip = self.odd_frame_skipped(u64::from(len));
        if !self.headless {
            self.settle_bg(mem);
        }
    }

    /// The net effect of a rendered line's dots on `v`: Y + 1, horizontal copy (and
    /// vertical copy on the pre-render line), two coarse X increments for the tiles of the
    /// next line fetched at dots 321–336. The fetches themselves are left pending (see
    /// `settle_bg`).
    pub(super) fn finish_rendered_line(&mut self, prerender: bool) {
        // 32 coarse X increments toggle the horizontal nametable once; the copy at dot 257
        // overwrites those bits anyway.
        let mut v = inc_y(self.v);
        v = (v & !0x041F) | (self.t & 0x041F);
        if prerender {
            v = (v & !0x7BE0) | (self.t & 0x7BE0);
        }
        self.bg_pending = Some(v);
        self.v = inc_coarse_x(inc_coarse_x(v));
    }

    /// Performs the dots 321–336 fetches a whole-line step left pending, filling the shift
    /// registers and latches as the dots would have. Headless lines need no pixels, so the
    /// fetches wait until something can see the pipeline: the next dot run one by one, a
    /// drawn line, or the end of `run_to`, since a register or mapper write (which could
    /// change what the fetch reads) always comes after one.
    #[inline]
    pub(super) fn settle_bg<M: PpuMemory>(&mut self, mem: &M) {
        let Some(v) = self.bg_pending.take() else {
            return;
        };
        let a = self.fetch_tile(v, mem);
        let v = inc_coarse_x(v);
        let b = self.fetch_tile(v, mem);
        let nt = self.vram_read(0x2000 | (v & 0x0FFF), mem);
        let bg = &mut self.bg;
        bg.lo = u16::from(a.lo) << 8 | u16::from(b.lo);
        bg.hi = u16::from(a.hi) << 8 | u16::from(b.hi);
        bg.at_lo = expand(a.pal) << 8 | expand(b.pal);
        bg.at_hi = expand(a.pal >> 1) << 8 | expand(b.pal >> 1);
        bg.nt = nt;
        bg.at = b.pal;
        bg.pat_lo = b.lo;
        bg.pat_hi = b.hi;
    }

    /// The two tiles in the shift registers at dot 0 of a line.
    fn shifter_tiles(&self) -> [Tile; 2] {
        let b = &self.bg;
        [
            Tile {
                lo: (b.lo >> 8) as u8,
                hi: (b.hi >> 8) as u8,
                pal: ((b.at_lo >> 15) & 1 | ((b.at_hi >> 15) & 1) << 1) as u8,
            },
            Tile {
                lo: b.lo as u8,
                hi: b.hi as u8,
                pal: ((b.at_lo >> 7) & 1 | ((b.at_hi >> 7) & 1) << 1) as u8,
            },
        ]
    }

    /// Tile `k` of the line's 33 visible tiles (0–1 from the shift registers, then fetched
    /// from `v` on), for a line standing at dot 0.
    fn line_tile<M: PpuMemory>(&self, k: usize, mem: &M) -> Tile {
        if k < 2 {
            return self.shifter_tiles()[k];
        }
        self.fetch_tile(add_coarse_x(self.v, (k - 2) as u16), mem)
    }

    /// Headless whole line: only whether sprite 0 hits, from its (at most) 8 pixels.
    fn sprite0_check<M: PpuMemory>(&mut self, mem: &M) {
        let s = &self.sprites;
        let (x0, lo, hi) = (usize::from(s.x[0]), s.lo[0], s.hi[0]);
        let clip = self.mask & 0x06 != 0x06;
        let fx = usize::from(self.fine_x);
        let mut cached: Option<(usize, Tile)> = None;
        for dx in 0..8 {
            let x = x0 + dx;
            if x >= 255 {
                break;
            }
            let bit = 7 - dx;
            if ((lo >> bit) | (hi >> bit)) & 1 == 0 || (x < 8 && clip) {
                continue;
            }
            let p = x + fx;
            let k = p >> 3;
            let tile = match cached {
                Some((ck, t)) if ck == k => t,
                _ => {
                    let t = self.line_tile(k, mem);
                    cached = Some((k, t));
                    t
                }
            };
            let b = 7 - (p & 7);
            if ((tile.lo >> b) | (tile.hi >> b)) & 1 != 0 {
                self.sprite0_hit = true;
                return;
            }
        }
    }

    /// Draws a whole rendered line from the state at its dot 0 (and sets sprite 0 hit).
    /// Nothing but pixels and the sprite 0 hit flag changes.
    fn draw_line<M: PpuMemory>(&mut self, mem: &M, sl: u16) {
        // Background: the line's 33 tiles decoded to palette << 2 | colour, 8 per tile.
        let mut bgbuf = [0u8; 33 * 8];
        if self.mask & 0x08 != 0 {
            let [t0, t1] = self.shifter_tiles();
            decode_tile(t0, &mut bgbuf[0..8]);
            decode_tile(t1, &mut bgbuf[8..16]);
            let mut row = [Tile::default(); 31];
            self.fetch_row(self.v, mem, &mut row);
            for (t, chunk) in row.iter().zip(bgbuf[16..].chunks_exact_mut(8)) {
                decode_tile(*t, chunk);
            }
        }
        let fx = usize::from(self.fine_x);
        let bg = &mut bgbuf[fx..fx + WIDTH];
        if self.mask & 0x02 == 0 {
            bg[..8].fill(0);
        }

        // Sprites: front-most opaque pixel per x.
        let mut spr = [0u8; WIDTH];
        let s = &self.sprites;
        let any_sprites = self.mask & 0x10 != 0 && s.count > 0;
        if any_sprites {
            for i in (0..usize::from(s.count)).rev() {
                let x0 = usize::from(s.x[i]);
                for dx in 0..8 {
                    let x = x0 + dx;
                    if x >= WIDTH {
                        break;
                    }
                    let bit = 7 - dx;
                    let col = ((s.lo[i] >> bit) & 1) | (((s.hi[i] >> bit) & 1) << 1);
                    if col != 0 {
                        spr[x] = sprite_code(col, s.attr[i], i == 0 && s.sprite0);
                    }
                }
            }
            if self.mask & 0x04 == 0 {
                spr[..8].fill(0);
            }
            if s.sprite0 && !self.sprite0_hit && self.mask & 0x08 != 0 {
                let x0 = usize::from(s.x[0]);
                let hit = (x0..(x0 + 8).min(255)).any(|x| spr[x] & SPRITE0 != 0 && bg[x] != 0);
                self.sprite0_hit |= hit;
            }
        }

        // Output through a table: palette entry -> colour with greyscale and emphasis
        // applied, rebuilt only when the palette or those $2001 bits change.
        let key = self.mask & 0xE1;
        if self.out_lut_key != Some(key) {
            let grey = if key & 0x01 != 0 { 0x30 } else { 0x3F };
            let emph = u16::from(key & 0xE0) << 1;
            for (i, e) in self.out_lut.iter_mut().enumerate() {
                *e = u16::from(self.palette[palette_index(i as u16)] & grey) | emph;
            }
            self.out_lut_key = Some(key);
        }
        let lut = self.out_lut;
        let row = usize::from(sl) * WIDTH;
        let out = &mut self.back[row..row + WIDTH];
        if any_sprites {
            for ((o, &b), &sp) in out.iter_mut().zip(bg.iter()).zip(spr.iter()) {
                let entry = if sp != 0 && (b == 0 || sp & BEHIND == 0) {
                    0x10 | (sp & 0x0F)
                } else {
                    b
                };
                *o = lut[usize::from(entry & 0x1F)];
            }
        } else {
            for (o, &b) in out.iter_mut().zip(bg.iter()) {
                *o = lut[usize::from(b & 0x1F)];
            }
        }
    }
}

/// `v` after `n` (< 32) coarse X increments.
#[inline]
fn add_coarse_x(v: u16, n: u16) -> u16 {
    let x = (v & 0x1F) + n;
    let v = (v & !0x1F) | (x & 0x1F);
    if x > 31 {
        v ^ 0x0400
    } else {
        v
    }
}

/// Each byte of `SPREAD[b]` is one bit of `b`, most significant bit first (the tile's
/// leftmost pixel in byte 0).
static SPREAD: [u64; 256] = build_spread();

const fn build_spread() -> [u64; 256] {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut i = 0;
        while i < 8 {
            if b & (0x80 >> i) != 0 {
                t[b] |= 1 << (8 * i);
            }
            i += 1;
        }
        b += 1;
    }
    t
}

/// Decodes one tile row into 8 pixels of palette << 2 | colour (0 where transparent).
#[inline]
fn decode_tile(t: Tile, out: &mut [u8]) {
    let cols = SPREAD[usize::from(t.lo)] | SPREAD[usize::from(t.hi)] << 1;
    // 0xFF in every byte whose colour is non-zero.
    let opaque = ((cols | cols >> 1) & 0x0101_0101_0101_0101) * 0xFF;
    let pal = u64::from(t.pal << 2) * 0x0101_0101_0101_0101;
    out.copy_from_slice(&(cols | (pal & opaque)).to_le_bytes());
}

/// Sprite pixel encoding: bits 0–1 colour (non-zero), 2–3 palette, [`BEHIND`], [`SPRITE0`].
const BEHIND: u8 = 0x20;
const SPRITE0: u8 = 0x40;

#[inline]
fn sprite_code(col: u8, attr: u8, sprite0: bool) -> u8 {
    col | (attr & 3) << 2 | (attr & 0x20) | if sprite0 { SPRITE0 } else { 0 }
}
