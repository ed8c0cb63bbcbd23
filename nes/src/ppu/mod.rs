//! The 2C02 PPU (NTSC): state, the catch-up loop and the bus-facing API.
//!
//! The PPU runs 341 dots × 262 scanlines per frame (one dot fewer on odd frames with
//! rendering enabled). Time is measured in master-clock ticks: one CPU cycle = 12 ticks,
//! one PPU dot = 4. The bus never steps the PPU in lock-step: it calls [`Ppu::run_to`]
//! before every register access or mapper write and whenever the clock passes
//! [`Ppu::next_event`]. `run_to` therefore catches up over long stretches, and does so in
//! gears that all produce the same observable state:
//!
//! - idle stretches (vertical blank, rendering disabled without pixel output) are skipped in
//!   O(1) up to the next event;
//! - a whole rendered scanline that lies inside the catch-up window runs as one step
//!   (`render::run_line`): the net effect on `v`, sprite evaluation (from a per-line table
//!   of in-range sprites) and fetches, sprite 0 hit from sprite 0's 8 pixels when headless,
//!   the overflow flag, and the whole line's pixels when drawing;
//! - headless, a stretch of such lines where no sprite-0 hit can happen and no line has
//!   eight sprites in range runs as one step that moves `v` on and evaluates only the last
//!   line's sprites (`lines.rs`);
//! - the rest of the pre-render line after the vblank-clear event, where the bus stops
//!   every frame, also runs as one step (`render::run_prerender_rest`);
//! - everything else (a line that a register access splits) runs dot by dot
//!   (`render::step`), exactly as the hardware fetches.
//!
//! [`Ppu::set_dots_only`] turns the fast gears off; the unit tests and `tests/ppu_roms.rs`
//! check that pictures, registers, RAM and timing are the same either way. Measured with
//! NES Tetris in play (`tests/ppu_speed.rs`, PPU alone, a loaded 2-core machine): about
//! 250,000 frames/s headless and ~12,000 frames/s drawing, against ~1,000 and ~700
//! dot by dot.
//!
//! Files: `registers.rs` ($2000–$2007, open bus, VRAM access), `timing.rs` (position,
//! events, skipping), `render.rs` (background pipeline, pixels, the line gear),
//! `sprites.rs` (evaluation and fetches), `lines.rs` (the headless many-line gear),
//! `palette.rs` (NTSC colours).
//!
//! <https://www.nesdev.org/wiki/PPU>, <https://www.nesdev.org/wiki/PPU_rendering>,
//! <https://www.nesdev.org/wiki/PPU_frame_timing>,
//! <https://www.nesdev.org/wiki/PPU_power_up_state>

mod lines;
mod palette;
mod registers;
mod render;
mod sprites;
mod timing;

#[cfg(test)]
mod tests;

pub use palette::{to_rgb, NTSC_PALETTE};

use crate::cart::Cart;
use serde::{Deserialize, Serialize};

pub const WIDTH: usize = 256;
pub const HEIGHT: usize = 240;

/// Dots a $2001 write waits before it takes effect, counted from the dot in progress at the
/// write (the PPU runs that dot and the next one with the old value). The real delay is 2–3
/// PPU clocks depending on the CPU/PPU clock alignment; AccuracyCoin's "BG serial in" and
/// "OAM corruption" tests (rendering toggled within a tile) and blargg's odd-frame timing
/// pin it here.
pub(crate) const MASK_DELAY: u8 = 2;

/// Where the PPU stands when the console powers on, and how many vblanks it lets pass
/// before raising the vblank flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PowerOn {
    /// Scanline of the first dot run.
    pub scanline: u16,
    /// The first dot run.
    pub dot: u16,
    /// Vblanks (scanline 241, dot 1) at which the flag is not raised; the frame counter
    /// still advances there.
    pub dead_frames: u32,
}

/// The power-on state: the single knob for power-on timing.
///
/// Hardware starts at the top of the picture (scanline 0, dot 0): the first vblank comes
/// ~27,384 CPU cycles in, and the write-ignore period ends ~29,658 cycles in (nesdev "PPU
/// power up state"). FCEUX, which recorded the project's Tetris movies, powers its PPU on
/// "dead" for one frame: the CPU runs a whole frame before the first vblank flag can be
/// seen. NES Tetris waits for two vblanks in its reset code, so this frame decides on which
/// frame every later event of the game falls: with one dead frame all the FCEUX movie
/// checks in `../shared/movies` come out exact (without it, some are a frame off). Starting
/// at (240, 0) with one dead frame, FCEUX's own frame alignment, passes them as well.
pub const POWER_ON: PowerOn = PowerOn {
    scanline: 0,
    dot: 0,
    dead_frames: 1,
};

/// Pattern and nametable memory as the PPU sees it through the cartridge. The bus always
/// passes the [`Cart`]; unit tests pass a small fake.
pub(crate) trait PpuMemory {
    fn chr_read(&self, addr: u16) -> u8;
    fn chr_write(&mut self, addr: u16, val: u8);
    /// Offset into CIRAM of a nametable address; each 1 KiB nametable maps to one 1 KiB
    /// page (offset = page base | (addr & $3FF)), which `fetch_row` relies on.
    fn nametable_offset(&self, addr: u16) -> usize;
}

impl PpuMemory for Cart {
    #[inline]
    fn chr_read(&self, addr: u16) -> u8 {
        Cart::chr_read(self, addr)
    }
    #[inline]
    fn chr_write(&mut self, addr: u16, val: u8) {
        Cart::chr_write(self, addr, val);
    }
    #[inline]
    fn nametable_offset(&self, addr: u16) -> usize {
        Cart::nametable_offset(self, addr)
    }
}

/// The background pipeline: two 16-bit pattern shift registers, two attribute shift
/// registers (each bit expanded to a byte per tile so they shift in step), and the latches
/// the next tile's fetches fill.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
struct Background {
    lo: u16,
    hi: u16,
    at_lo: u16,
    at_hi: u16,
    nt: u8,
    at: u8,
    pat_lo: u8,
    pat_hi: u8,
}

/// The sprite evaluation state machine (dots 65–256 of a visible line).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
struct SpriteEval {
    /// The byte read from OAM on the last odd dot.
    latch: u8,
    /// What the OAM bus carries after the last dot (what $2004 returns a dot later): the
    /// byte read on odd dots; on even dots the secondary OAM byte at the write address
    /// (the byte just copied, or an old one once secondary OAM is full or evaluation over).
    bus: u8,
    /// Next free byte of secondary OAM (32 = full).
    idx: u8,
    /// Sprites found in range.
    found: u8,
    /// Bytes of the current sprite still to copy.
    copy: u8,
    /// All 64 sprites examined.
    done: bool,
    /// The next check is the first of the line (the "sprite 0" slot).
    first: bool,
    /// The sprite checked on dot 66 was in range: slot 0 of the next line is sprite 0. Kept
    /// when no evaluation runs (rendering off at dot 66); the pre-render line clears it.
    sprite0: bool,
}

/// The up to eight sprites of the line being drawn, as fetched on the line before (pattern
/// bytes already flipped horizontally). The dot-by-dot path uses them as the hardware does:
/// `x` as down-counters (decremented on dots 1–256 until 0, rendering or not), `lo`/`hi` as
/// shift registers (shifted, most significant bit first, while the counter is 0 and
/// rendering is enabled). A dot 339 with rendering disabled zeroes the counters.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
struct SpriteLine {
    count: u8,
    /// Slot 0 holds sprite 0 (sprite 0 hit can happen on this line).
    sprite0: bool,
    x: [u8; 8],
    attr: [u8; 8],
    lo: [u8; 8],
    hi: [u8; 8],
    /// Counters and shift registers are as fetched: the whole-line step may draw them from
    /// their positions.
    pristine: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Ppu {
    /// Master-clock time at which the next dot (`scanline`, `dot`) starts.
    master: u64,
    scanline: u16,
    dot: u16,
    /// This frame's pre-render line skips its last dot if rendering is enabled.
    odd_frame: bool,
    /// Rendering was enabled at the end of pre-render dot 339 (see `skip_last_dot`).
    skip_dot: bool,
    frames: u64,
    dead_frames: u32,

    ctrl: u8,
    mask: u8,
    /// A $2001 write not yet in effect: the value, and the dots still to run with the old
    /// one (see [`MASK_DELAY`]).
    mask_next: u8,
    mask_delay: u8,
    vblank: bool,
    sprite0_hit: bool,
    overflow: bool,
    /// A $2002 read one dot before vblank: the flag is not set this frame.
    vbl_suppress: bool,
    /// After power-on/reset, writes to $2000/$2001/$2005/$2006 are ignored until the end of
    /// the first pre-render line.
    write_ignore: bool,
    oam_addr: u8,
    /// Loopy registers: current and temporary VRAM address, fine X, write toggle.
    v: u16,
    t: u16,
    fine_x: u8,
    w: bool,
    read_buffer: u8,
    /// A pending refill of `read_buffer`: when (master clock) and from which address.
    read_fill: Option<(u64, u16)>,
    /// The I/O data latch ("PPU open bus") and when each bit was last driven.
    io_latch: u8,
    io_refresh: [u64; 8],

    /// CIRAM (2 KiB; 4 KiB for four-screen boards), indexed by `Cart::nametable_offset`.
    #[serde(with = "crate::serde_arrays")]
    vram: [u8; crate::cart::NAMETABLE_RAM_SIZE],
    palette: [u8; 32],
    #[serde(with = "crate::serde_arrays")]
    oam: [u8; 256],
    secondary: [u8; 32],

    bg: Background,
    /// `v` of the first of the two tile fetches a whole-line step left pending.
    bg_pending: Option<u16>,
    eval: SpriteEval,
    sprites: SpriteLine,
    /// The odd-frame dot was skipped: on line 0's first dot every sprite shows its first
    /// pixel (at x = 0) and shifts instead of counting down (AccuracyCoin "sprites on
    /// scanline 0").
    sprite_skip: bool,
    /// OAM row to corrupt at the next rendered dot (rendering was turned off mid-line; see
    /// `sprites.rs`).
    oam_corrupt: Option<u8>,
    /// Per scanline, the sprites whose Y puts them in range there (bit i = sprite i);
    /// rebuilt lazily after OAM or the sprite size changes.
    #[serde(with = "crate::serde_arrays")]
    line_masks: [u64; 240],
    /// Sprite height `line_masks` was built for; 0 = stale.
    masks_height: u8,

    headless: bool,
    dots_only: bool,
    /// Palette entry -> output value for drawn lines, valid for the $2001 greyscale and
    /// emphasis bits in `out_lut_key` (`None` after a palette write).
    out_lut: [u16; 32],
    out_lut_key: Option<u8>,
    /// The last completed picture and the one being drawn.
    front: Picture,
    back: Picture,
}

/// A picture buffer (256×240). A picture is output, not state: a clone of the PPU, a save
/// state and a snapshot carry none (an empty buffer), and the PPU allocates a fresh one when it
/// next draws. This keeps copying a console's state (snapshots, episode resets, save states)
/// to the ~20 KiB of real state instead of 240 KB of pixels. A headless PPU never allocates.
#[derive(Debug, Default)]
pub(crate) struct Picture(Vec<u16>);

impl Picture {
    fn blank() -> Picture {
        Picture(vec![0; WIDTH * HEIGHT])
    }

    fn is_allocated(&self) -> bool {
        !self.0.is_empty()
    }
}

impl Clone for Picture {
    fn clone(&self) -> Picture {
        Picture(Vec::new())
    }
}

impl std::ops::Deref for Picture {
    type Target = [u16];
    fn deref(&self) -> &[u16] {
        &self.0
    }
}

impl std::ops::DerefMut for Picture {
    fn deref_mut(&mut self) -> &mut [u16] {
        &mut self.0
    }
}

impl Serialize for Picture {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit()
    }
}

impl<'de> Deserialize<'de> for Picture {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Picture, D::Error> {
        <()>::deserialize(d)?;
        Ok(Picture::default())
    }
}

/// What `frame_buffer` shows before a cloned or restored PPU has drawn a frame.
static BLANK: [u16; WIDTH * HEIGHT] = [0; WIDTH * HEIGHT];

impl Default for Ppu {
    fn default() -> Self {
        Ppu::new()
    }
}

/// Palette RAM at power-on as measured on one NES (blargg's `power_up_palette` test;
/// nesdev "PPU power up state"); the values vary between consoles.
const POWER_UP_PALETTE: [u8; 32] = [
    0x09, 0x01, 0x00, 0x01, 0x00, 0x02, 0x02, 0x0D, 0x08, 0x10, 0x08, 0x24, 0x00, 0x00, 0x04, 0x2C,
    0x09, 0x01, 0x34, 0x03, 0x00, 0x04, 0x00, 0x14, 0x08, 0x3A, 0x00, 0x02, 0x00, 0x20, 0x2C, 0x08,
];

impl Ppu {
    #[must_use]
    pub fn new() -> Ppu {
        Ppu {
            master: 0,
            scanline: POWER_ON.scanline,
            dot: POWER_ON.dot,
            odd_frame: false,
            skip_dot: false,
            frames: 0,
            dead_frames: POWER_ON.dead_frames,
            ctrl: 0,
            mask: 0,
            mask_next: 0,
            mask_delay: 0,
            vblank: false,
            sprite0_hit: false,
            overflow: false,
            vbl_suppress: false,
            write_ignore: true,
            oam_addr: 0,
            v: 0,
            t: 0,
            fine_x: 0,
            w: false,
            read_buffer: 0,
            read_fill: None,
            io_latch: 0,
            io_refresh: [0; 8],
            vram: [0; crate::cart::NAMETABLE_RAM_SIZE],
            palette: POWER_UP_PALETTE,
            oam: [0; 256],
            secondary: [0xFF; 32],
            bg: Background::default(),
            bg_pending: None,
            eval: SpriteEval::default(),
            sprites: SpriteLine::default(),
            sprite_skip: false,
            oam_corrupt: None,
            line_masks: [0; 240],
            masks_height: 0,
            headless: false,
            dots_only: false,
            out_lut: [0; 32],
            out_lut_key: None,
            front: Picture::blank(),
            back: Picture::blank(),
        }
    }

    /// The console's reset button: $2000/$2001, the write toggle, the scroll and the read
    /// buffer clear and the write-ignore period starts again; the position, the vblank flag,
    /// OAM and VRAM carry on (nesdev "PPU power up state").
    pub fn reset(&mut self) {
        self.ctrl = 0;
        self.mask = 0;
        self.mask_delay = 0;
        self.w = false;
        self.t = 0;
        self.fine_x = 0;
        self.read_buffer = 0;
        self.read_fill = None;
        self.write_ignore = true;
    }

    /// Runs every dot that starts at or before `master - 4` (i.e. while
    /// `self.master + 4 <= master`), so the PPU stands at master-clock time `master`.
    pub fn run_to(&mut self, master: u64, cart: &mut Cart) {
        self.run_to_with(master, cart);
    }

    pub(crate) fn run_to_with<M: PpuMemory>(&mut self, target: u64, mem: &mut M) {
        self.ensure_pictures();
        if self.dots_only {
            return self.run_to_dots(target, mem);
        }
        while self.master + 4 <= target {
            if self.skip_last_dot() {
                continue;
            }
            if self.mask_delay > 0 {
                // A $2001 write is about to take effect: dot by dot until it has.
                self.step_with_mask(mem);
                continue;
            }
            let avail = (target - self.master) / 4;
            if self.dot == 0 {
                let lines = self.headless_lines(avail);
                if lines > 1 {
                    self.run_headless_lines(mem, lines);
                    continue;
                }
                if let Some(len) = self.line_gear_len() {
                    if avail >= len {
                        self.run_line(mem);
                        continue;
                    }
                }
            }
            if self.scanline == 261 && self.dot <= 257 && self.rendering() {
                let len = if self.odd_frame { 340 } else { 341 };
                if avail >= u64::from(len - self.dot) {
                    self.run_prerender_rest(mem);
                    continue;
                }
            }
            let idle = self.idle_dots();
            if idle > 0 {
                self.skip_dots(idle.min(avail));
                continue;
            }
            self.step(mem);
        }
        self.settle_bg(mem);
        self.settle_read_fill(mem);
    }

    /// Runs dot by dot only (the reference the faster gears are checked against).
    pub(crate) fn run_to_dots<M: PpuMemory>(&mut self, target: u64, mem: &mut M) {
        self.ensure_pictures();
        while self.master + 4 <= target {
            if !self.skip_last_dot() {
                self.step_with_mask(mem);
            }
        }
        self.settle_read_fill(mem);
    }

    /// One dot in full detail, then the count-down of a pending $2001 write.
    #[inline]
    fn step_with_mask<M: PpuMemory>(&mut self, mem: &mut M) {
        self.step(mem);
        if self.mask_delay > 0 {
            self.mask_delay -= 1;
            if self.mask_delay == 0 {
                let was = self.rendering();
                self.mask = self.mask_next;
                if was && !self.rendering() && (self.scanline < 240 || self.scanline == 261) {
                    self.seed_oam_corruption();
                }
            }
        }
    }

    /// Master-clock time at or after which the PPU next changes, on its own, something the
    /// bus must know about without a register access: the NMI line (vblank set or cleared)
    /// and the end of a frame. `u64::MAX` if nothing is due.
    #[must_use]
    pub fn next_event(&self) -> u64 {
        let to_set = self.dots_until(241, 1);
        let to_clear = self.dots_until(261, 1);
        // A pending $2001 write may change when they come (the odd-frame dot): look again
        // once it is in effect.
        let to_mask = if self.mask_delay > 0 {
            u64::from(self.mask_delay) - 1
        } else {
            u64::MAX
        };
        // The event is the time at which `run_to` runs that dot.
        self.master + 4 * to_set.min(to_clear).min(to_mask) + 4
    }

    /// The master time before which $2004 writes store to OAM (rendering is not under way):
    /// `u64::MAX` with rendering off (only a $2001 write turns it on), the time the PPU
    /// reaches the pre-render line when it is in post-render or vblank lines, else now.
    #[must_use]
    pub(crate) fn oam_writable_until(&self) -> u64 {
        if self.mask_delay > 0 {
            self.master
        } else if !self.rendering() {
            u64::MAX
        } else if (240..=260).contains(&self.scanline) {
            self.master + 4 * self.dots_until(261, 0)
        } else {
            self.master
        }
    }

    /// A CPU read of $2000–$2007 (`reg` = 0–7); the bus has caught the PPU up first.
    pub fn read_register(&mut self, reg: u16, cart: &mut Cart) -> u8 {
        self.read_reg(reg, cart)
    }

    /// What a read would return, without side effects.
    #[must_use]
    pub fn peek_register(&self, reg: u16, cart: &Cart) -> u8 {
        self.peek_reg(reg, cart)
    }

    /// A CPU write of $2000–$2007; the bus has caught the PPU up first.
    pub fn write_register(&mut self, reg: u16, val: u8, cart: &mut Cart) {
        self.write_reg(reg, val, cart);
    }

    /// NMI output: vblank flag and NMI enable.
    #[must_use]
    pub fn nmi_line(&self) -> bool {
        self.vblank && self.ctrl & 0x80 != 0
    }

    /// Frames completed (incremented when vblank starts, scanline 241 dot 1).
    #[must_use]
    pub fn frame_count(&self) -> u64 {
        self.frames
    }

    /// The scanline of the next dot to run (0–239 visible, 261 pre-render).
    #[must_use]
    pub fn scanline(&self) -> u16 {
        self.scanline
    }

    /// The next dot to run (0–340).
    #[must_use]
    pub fn dot(&self) -> u16 {
        self.dot
    }

    /// The last completed picture: 256×240 entries, each a palette index (6 bits) with the
    /// three emphasis bits in bits 6–8. A cloned or restored PPU shows black until it has
    /// drawn its next frame (pictures are output, not state).
    #[must_use]
    pub fn frame_buffer(&self) -> &[u16] {
        if self.front.is_allocated() {
            &self.front
        } else {
            &BLANK
        }
    }

    /// Sets how many more frames the vblank flag stays down (see [`POWER_ON`]).
    /// Right after power-on, 0 gives the hardware's (and nes-py's) power-on instead of
    /// FCEUX's dead first frame.
    pub fn set_dead_frames(&mut self, frames: u32) {
        self.dead_frames = frames;
    }

    /// Skips pixel output (no frame buffer updates) without changing any timing or register.
    /// Becomes a copy of `src`'s state but keeps its own pictures (a restore allocates
    /// nothing; the picture shows what was last drawn until the next frame).
    pub(crate) fn restore_from(&mut self, src: &Ppu) {
        let front = std::mem::take(&mut self.front);
        let back = std::mem::take(&mut self.back);
        *self = src.clone();
        self.front = front;
        self.back = back;
    }

    /// Checks a loaded state (see [`crate::savestate`]) against the CPU's master-clock time
    /// `now`: the position and clocks (`timing.rs`), then every register at its width — the
    /// loopy `v`/`t` 15 bits, fine X 3 bits, palette entries 6 bits, OAM attribute bytes
    /// without bits 2–4 — and the sprite evaluation counters within secondary OAM.
    pub(crate) fn validate(&self, now: u64) -> Result<(), crate::savestate::StateError> {
        use crate::savestate::{ensure, ensure_max};
        self.validate_timing(now)?;
        ensure_max(self.v, 0x7FFF, "ppu.v")?;
        ensure_max(self.t, 0x7FFF, "ppu.t")?;
        ensure_max(self.fine_x, 7, "ppu.fine_x")?;
        if let Some(v) = self.bg_pending {
            ensure_max(v, 0x7FFF, "ppu.bg_pending")?;
        }
        for &c in &self.palette {
            ensure_max(c, 0x3F, "ppu.palette")?;
        }
        for sprite in self.oam.chunks_exact(4) {
            ensure(
                sprite[2] & 0x1C == 0,
                "ppu.oam attribute byte",
                format_args!("${:02X}", sprite[2]),
                "bits 2-4 clear",
            )?;
        }
        ensure_max(self.eval.idx, 32, "ppu.eval.idx")?;
        ensure_max(self.eval.found, 8, "ppu.eval.found")?;
        ensure_max(self.eval.copy, 3, "ppu.eval.copy")?;
        ensure_max(self.sprites.count, 8, "ppu.sprites.count")?;
        ensure_max(self.mask_delay, MASK_DELAY, "ppu.mask_delay")?;
        if let Some(row) = self.oam_corrupt {
            ensure_max(row, 31, "ppu.oam_corrupt")?;
        }
        if let Some((at, addr)) = self.read_fill {
            ensure_max(addr, 0x3FFF, "ppu.read_fill address")?;
            ensure_max(at, self.master + 64, "ppu.read_fill tick")?;
        }
        ensure(
            matches!(self.masks_height, 0 | 8 | 16),
            "ppu.masks_height",
            self.masks_height,
            "0, 8 or 16",
        )
    }

    /// After a load: the output settings stay `kept`'s (headless, dots only), and the
    /// caches derived from OAM and the palette are rebuilt on first use.
    pub(crate) fn after_load(&mut self, kept: &Ppu) {
        self.headless = kept.headless;
        self.dots_only = kept.dots_only;
        self.masks_height = 0;
        self.line_masks = [0; HEIGHT];
        self.out_lut_key = None;
        self.out_lut = [0; 32];
    }

    #[cfg(test)]
    pub(crate) fn set_position_for_test(&mut self, scanline: u16, dot: u16) {
        self.scanline = scanline;
        self.dot = dot;
    }

    /// A drawing PPU needs its pictures (a clone or a restored state has none).
    #[inline]
    fn ensure_pictures(&mut self) {
        if !self.headless && !self.back.is_allocated() {
            self.front = Picture::blank();
            self.back = Picture::blank();
        }
    }

    pub fn set_headless(&mut self, headless: bool) {
        self.headless = headless;
    }

    /// Runs every dot one by one (no idle skipping, no whole-line steps): the slow reference
    /// the fast paths are tested against. Everything observable is the same either way.
    pub fn set_dots_only(&mut self, dots_only: bool) {
        self.dots_only = dots_only;
    }

    /// Reads PPU memory ($0000–$3FFF: pattern tables, nametables, palette) without side
    /// effects, for debuggers and test harnesses.
    #[must_use]
    pub fn peek_vram(&self, addr: u16, cart: &Cart) -> u8 {
        let addr = addr & 0x3FFF;
        if addr >= 0x3F00 {
            self.palette[registers::palette_index(addr)]
        } else {
            self.vram_read(addr, cart)
        }
    }

    /// Object attribute memory (256 bytes; byte 2 of each sprite reads back masked with $E3).
    #[must_use]
    pub fn oam(&self) -> &[u8] {
        &self.oam
    }

    /// The console's nametable RAM (CIRAM), as indexed by `Cart::nametable_offset`.
    #[must_use]
    pub fn ciram(&self) -> &[u8] {
        &self.vram
    }

    /// Rendering (background or sprites) enabled in $2001.
    #[inline]
    fn rendering(&self) -> bool {
        self.mask & 0x18 != 0
    }
}
