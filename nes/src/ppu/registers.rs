//! The CPU-facing registers $2000–$2007 and the PPU's memory map.
//!
//! - $2000 PPUCTRL, $2001 PPUMASK, $2005 PPUSCROLL and $2006 PPUADDR drive the "loopy"
//!   registers `v`/`t`/fine X and the shared write toggle `w`; writes to them are ignored
//!   until the end of the first pre-render line after power-on or reset.
//! - $2002 PPUSTATUS: reading clears the vblank flag and `w`; a read one dot before the flag
//!   would be set keeps it from being set that frame.
//! - $2003/$2004 OAMADDR/OAMDATA: byte 2 of each sprite has no bits 2–4; on visible lines
//!   with rendering enabled a read returns what sprite evaluation has on its bus; during
//!   rendering (pre-render line included) a write only moves OAMADDR to the next sprite
//!   (+4, low bits cleared).
//! - $2007 PPUDATA: reads below $3F00 go through the read buffer; palette reads are
//!   immediate (upper two bits from open bus) and refill the buffer with the nametable byte
//!   underneath. During rendering the access increments `v` the glitchy way (coarse X and Y).
//! - Open bus: the I/O latch keeps the last value driven on the PPU's data bus; each bit
//!   decays to 0 about 600 ms after it was last driven.
//!
//! <https://www.nesdev.org/wiki/PPU_registers>, <https://www.nesdev.org/wiki/PPU_scrolling>,
//! <https://www.nesdev.org/wiki/Open_bus_behavior#PPU_open_bus>,
//! <https://www.nesdev.org/wiki/PPU_memory_map>, <https://www.nesdev.org/wiki/PPU_palettes>

use super::{Ppu, PpuMemory};

/// How long an open-bus bit survives without being driven: ~600 ms of master clock
/// (21.477 MHz).
const OPEN_BUS_DECAY: u64 = 12_886_000;

/// Master-clock ticks from the moment a $2007 read samples the bus to the PPU's refill of the
/// read buffer (its VRAM read follows the end of the CPU read by about two dots): more than
/// one CPU cycle, so back-to-back reads (`LDA $20F7,X` crossing into $2107, or a DMC DMA's
/// halt cycles) see the old buffer. blargg's double_2007_read then prints one of its
/// documented outputs ("22 44 55 66 77").
const READ_FILL_DELAY: u64 = 16;

/// Index into palette RAM: $3F10/$3F14/$3F18/$3F1C are $3F00/$3F04/$3F08/$3F0C.
#[inline]
pub(super) fn palette_index(addr: u16) -> usize {
    let a = usize::from(addr & 0x1F);
    if a & 0x13 == 0x10 {
        a & 0x0F
    } else {
        a
    }
}

impl Ppu {
    /// In a rendered line (visible or pre-render) with rendering enabled.
    #[inline]
    pub(super) fn rendering_now(&self) -> bool {
        self.rendering() && (self.scanline < 240 || self.scanline == 261)
    }

    fn status(&self) -> u8 {
        u8::from(self.vblank) << 7 | u8::from(self.sprite0_hit) << 6 | u8::from(self.overflow) << 5
    }

    /// The I/O latch with bits older than the decay time read as 0.
    fn latch_now(&self) -> u8 {
        let mut v = self.io_latch;
        for bit in 0..8 {
            if self.master.saturating_sub(self.io_refresh[bit]) >= OPEN_BUS_DECAY {
                v &= !(1 << bit);
            }
        }
        v
    }

    /// Drives the bits in `mask` of the I/O latch with `val`.
    fn drive(&mut self, mask: u8, val: u8) {
        self.io_latch = (self.latch_now() & !mask) | (val & mask);
        for bit in 0..8 {
            if mask & (1 << bit) != 0 {
                self.io_refresh[bit] = self.master;
            }
        }
    }

    /// What $2004 returns now: on visible lines with rendering enabled, the byte sprite
    /// evaluation put on the OAM bus during the previous dot (the bus is latched as a dot
    /// begins): $FF while secondary OAM is being cleared, the OAM byte last read for
    /// evaluation (dots 65–256), the secondary OAM byte of the sprite fetch (257–320),
    /// secondary OAM's first byte (321–340 and dot 0). Elsewhere (the pre-render line
    /// included), the OAM byte at OAMADDR. AccuracyCoin's "$2004 stress test" reads it on
    /// every dot of a line.
    fn oam_data(&self) -> u8 {
        if !self.rendering() || self.scanline >= 240 {
            return self.oam[usize::from(self.oam_addr)];
        }
        // The dot whose bus value is latched now: the one before the dot in progress.
        match self.dot {
            2..=65 => 0xFF,
            66..=257 => self.eval.bus,
            258..=321 => {
                let i = usize::from(self.dot - 258);
                self.secondary[(i / 8) * 4 + (i % 8).min(3)]
            }
            _ => self.secondary[0],
        }
    }

    pub(super) fn palette_read(&self, addr: u16) -> u8 {
        let p = self.palette[palette_index(addr)];
        if self.mask & 0x01 != 0 {
            p & 0x30
        } else {
            p
        }
    }

    /// A PPU bus read of $0000–$3EFF (pattern tables, nametables).
    #[inline]
    pub(super) fn vram_read<M: PpuMemory>(&self, addr: u16, mem: &M) -> u8 {
        let addr = addr & 0x3FFF;
        if addr < 0x2000 {
            mem.chr_read(addr)
        } else {
            self.vram[mem.nametable_offset(0x2000 | (addr & 0x0FFF)) & 0xFFF]
        }
    }

    fn vram_write<M: PpuMemory>(&mut self, addr: u16, val: u8, mem: &mut M) {
        let addr = addr & 0x3FFF;
        if addr < 0x2000 {
            mem.chr_write(addr, val);
        } else if addr < 0x3F00 {
            let off = mem.nametable_offset(0x2000 | (addr & 0x0FFF)) & 0xFFF;
            self.vram[off] = val;
        } else {
            self.palette[palette_index(addr)] = val & 0x3F;
            self.out_lut_key = None;
        }
    }

    /// The `v` increment after a $2007 access.
    fn increment_v(&mut self) {
        if self.rendering_now() {
            self.inc_coarse_x();
            self.inc_y();
        } else {
            let step = if self.ctrl & 0x04 != 0 { 32 } else { 1 };
            self.v = (self.v + step) & 0x7FFF;
        }
    }

    /// Completes a $2007 buffer refill that is due by now (the PPU has been run to now).
    #[inline]
    pub(super) fn settle_read_fill<M: PpuMemory>(&mut self, mem: &M) {
        if let Some((at, addr)) = self.read_fill {
            if at <= self.master {
                self.read_fill = None;
                self.read_buffer = self.vram_read(addr, mem);
            }
        }
    }

    pub(super) fn read_reg<M: PpuMemory>(&mut self, reg: u16, _mem: &mut M) -> u8 {
        match reg & 7 {
            2 => {
                let start = self.read_status_start();
                self.read_status_end(start)
            }
            4 => {
                let val = self.oam_data();
                self.drive(0xFF, val);
                val
            }
            7 => {
                let addr = self.v & 0x3FFF;
                let val = if addr >= 0x3F00 {
                    let p = self.palette_read(addr);
                    self.drive(0x3F, p);
                    self.io_latch
                } else {
                    let val = self.read_buffer;
                    self.drive(0xFF, val);
                    val
                };
                // The buffer is refilled a little after the read; a read in the very next CPU
                // cycle still gets the old contents, and its own fetch replaces this one.
                // (A palette read refills from the nametable underneath.)
                let from = if addr >= 0x3F00 { addr & 0x2FFF } else { addr };
                self.read_fill = Some((self.master + READ_FILL_DELAY, from));
                self.increment_v();
                val
            }
            _ => self.latch_now(),
        }
    }

    /// The first half of a $2002 read, when the CPU's read begins: the vblank flag (and the
    /// open-bus bits 0–4). Clears the flag and the write toggle.
    pub(crate) fn read_status_start(&mut self) -> u8 {
        let val = u8::from(self.vblank) << 7 | (self.latch_now() & 0x1F);
        if self.scanline == 241 && self.dot == 1 {
            // One dot before the flag goes up: it never does this frame.
            self.vbl_suppress = true;
        }
        self.vblank = false;
        self.w = false;
        val
    }

    /// The second half of a $2002 read, when the CPU's read ends: the sprite 0 hit and
    /// overflow flags join what [`Self::read_status_start`] returned. The pre-render line
    /// clears them as its dot 1 begins, so a read ending within that dot sees them clear.
    pub(crate) fn read_status_end(&mut self, start: u8) -> u8 {
        let clearing = self.scanline == 261 && self.dot == 1;
        let flags = u8::from(self.sprite0_hit) << 6 | u8::from(self.overflow) << 5;
        let val = start | if clearing { 0 } else { flags };
        self.drive(0xE0, val);
        val
    }

    pub(super) fn peek_reg<M: PpuMemory>(&self, reg: u16, _mem: &M) -> u8 {
        match reg & 7 {
            2 => self.status() | (self.latch_now() & 0x1F),
            4 => self.oam_data(),
            7 => {
                let addr = self.v & 0x3FFF;
                if addr >= 0x3F00 {
                    (self.palette_read(addr) & 0x3F) | (self.latch_now() & 0xC0)
                } else {
                    self.read_buffer
                }
            }
            _ => self.latch_now(),
        }
    }

    pub(super) fn write_reg<M: PpuMemory>(&mut self, reg: u16, val: u8, mem: &mut M) {
        self.drive(0xFF, val);
        match reg & 7 {
            0 => {
                if !self.write_ignore {
                    self.ctrl = val;
                    self.t = (self.t & !0x0C00) | (u16::from(val & 3) << 10);
                }
            }
            1 => {
                if !self.write_ignore {
                    // The new value takes effect after the dot in progress and one more.
                    self.mask_next = val;
                    self.mask_delay = super::MASK_DELAY;
                }
            }
            2 => {}
            3 => self.oam_addr = val,
            4 => {
                if self.rendering_now() {
                    // No write; OAMADDR moves to the next sprite's first byte (+4, low two
                    // bits cleared: AccuracyCoin "$2004 behavior" A).
                    self.oam_addr = self.oam_addr.wrapping_add(4) & 0xFC;
                } else {
                    let a = self.oam_addr;
                    self.oam[usize::from(a)] = if a & 3 == 2 { val & 0xE3 } else { val };
                    self.oam_addr = a.wrapping_add(1);
                    self.masks_height = 0;
                }
            }
            5 => {
                if !self.write_ignore {
                    if self.w {
                        self.t = (self.t & !0x73E0)
                            | (u16::from(val & 7) << 12)
                            | (u16::from(val >> 3) << 5);
                    } else {
                        self.t = (self.t & !0x001F) | u16::from(val >> 3);
                        self.fine_x = val & 7;
                    }
                    self.w = !self.w;
                }
            }
            6 => {
                if !self.write_ignore {
                    if self.w {
                        self.t = (self.t & 0xFF00) | u16::from(val);
                        self.v = self.t;
                    } else {
                        self.t = (self.t & 0x00FF) | (u16::from(val & 0x3F) << 8);
                    }
                    self.w = !self.w;
                }
            }
            _ => {
                let addr = self.v & 0x3FFF;
                self.vram_write(addr, val, mem);
                self.increment_v();
            }
        }
    }

    /// Coarse X + 1, wrapping into the horizontally adjacent nametable.
    #[inline]
    pub(super) fn inc_coarse_x(&mut self) {
        self.v = inc_coarse_x(self.v);
    }

    /// Fine Y + 1, carrying into coarse Y (29 wraps to the vertically adjacent nametable,
    /// 31 wraps without switching).
    #[inline]
    pub(super) fn inc_y(&mut self) {
        self.v = inc_y(self.v);
    }
}

#[inline]
pub(super) fn inc_coarse_x(v: u16) -> u16 {
    if v & 0x1F == 31 {
        (v & !0x1F) ^ 0x0400
    } else {
        v + 1
    }
}

#[inline]
pub(super) fn inc_y(v: u16) -> u16 {
    if v & 0x7000 != 0x7000 {
        return v + 0x1000;
    }
    let v = v & !0x7000;
    let y = (v >> 5) & 0x1F;
    match y {
        29 => (v & !0x03E0) ^ 0x0800,
        31 => v & !0x03E0,
        _ => (v & !0x03E0) | ((y + 1) << 5),
    }
}
