//! The 2C02 PPU (NTSC).
//!
//! STUB: the PPU helper replaces this; the public API below is the contract with the bus.
//! Time is measured in master-clock ticks: one CPU cycle = 12 ticks, one PPU dot = 4.
//! <https://www.nesdev.org/wiki/PPU>

use crate::cart::Cart;
use serde::{Deserialize, Serialize};

pub const WIDTH: usize = 256;
pub const HEIGHT: usize = 240;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Ppu {}

impl Default for Ppu {
    fn default() -> Self {
        Ppu::new()
    }
}

impl Ppu {
    #[must_use]
    pub fn new() -> Ppu {
        Ppu {}
    }
    /// The console's reset button.
    pub fn reset(&mut self) {}
    /// Runs every dot that starts at or before `master - 4` (i.e. while
    /// `self.master + 4 <= master`), so the PPU stands at master-clock time `master`.
    pub fn run_to(&mut self, _master: u64, _cart: &mut Cart) {}
    /// Master-clock time at or after which the PPU next changes, on its own, something the
    /// bus must know about without a register access: the NMI line (vblank set or cleared)
    /// and the end of a frame. `u64::MAX` if nothing is due.
    #[must_use]
    pub fn next_event(&self) -> u64 {
        u64::MAX
    }
    /// A CPU read of $2000–$2007 (`reg` = 0–7); the bus has caught the PPU up first.
    pub fn read_register(&mut self, _reg: u16, _cart: &mut Cart) -> u8 {
        0
    }
    /// What a read would return, without side effects.
    #[must_use]
    pub fn peek_register(&self, _reg: u16, _cart: &Cart) -> u8 {
        0
    }
    /// A CPU write of $2000–$2007; the bus has caught the PPU up first.
    pub fn write_register(&mut self, _reg: u16, _val: u8, _cart: &mut Cart) {}
    /// NMI output: vblank flag and NMI enable.
    #[must_use]
    pub fn nmi_line(&self) -> bool {
        false
    }
    /// Frames completed (incremented when vblank starts, scanline 241 dot 1).
    #[must_use]
    pub fn frame_count(&self) -> u64 {
        0
    }
    #[must_use]
    pub fn scanline(&self) -> u16 {
        0
    }
    #[must_use]
    pub fn dot(&self) -> u16 {
        0
    }
    /// The last completed picture: 256×240 entries, each a palette index (6 bits) with the
    /// three emphasis bits in bits 6–8.
    #[must_use]
    pub fn frame_buffer(&self) -> &[u16] {
        &[]
    }
    /// Skips pixel output (no frame buffer updates) without changing any timing or register.
    pub fn set_headless(&mut self, _headless: bool) {}
    /// Reads PPU memory ($0000–$3FFF: pattern tables, nametables, palette) without side
    /// effects, for debuggers and test harnesses.
    #[must_use]
    pub fn peek_vram(&self, _addr: u16, _cart: &Cart) -> u8 {
        0
    }
}
