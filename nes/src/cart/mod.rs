//! Cartridges: iNES / NES 2.0 parsing and the mappers (boards) this emulator supports.
//!
//! STUB: the cartridge helper replaces this; the public API below is the contract with the bus
//! and the PPU.
//! <https://www.nesdev.org/wiki/INES>, <https://www.nesdev.org/wiki/NES_2.0>

use serde::{Deserialize, Serialize};

/// Nametable mirroring as the PPU sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mirroring {
    Horizontal,
    Vertical,
    SingleScreenLower,
    SingleScreenUpper,
    FourScreen,
}

#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("not an iNES file (bad magic)")]
    BadMagic,
}

#[derive(Clone, Debug)]
pub struct Cart {}

impl Cart {
    pub fn from_bytes(_bytes: &[u8]) -> Result<Cart, CartError> {
        todo!("cart helper")
    }
    /// A CPU read of $4020–$FFFF; `None` = nothing drives the bus (open bus).
    #[must_use]
    pub fn cpu_read(&self, _addr: u16) -> Option<u8> {
        todo!()
    }
    /// A CPU write of $4020–$FFFF on CPU cycle `cycle` (MMC1 ignores a serial write on the
    /// cycle right after another).
    pub fn cpu_write(&mut self, _addr: u16, _val: u8, _cycle: u64) {
        todo!()
    }
    /// A PPU read of pattern memory $0000–$1FFF.
    #[must_use]
    pub fn chr_read(&self, _addr: u16) -> u8 {
        todo!()
    }
    /// A PPU write of pattern memory (CHR RAM only; ignored for CHR ROM).
    pub fn chr_write(&mut self, _addr: u16, _val: u8) {
        todo!()
    }
    /// Maps a nametable address $2000–$3EFF to an offset into the console's 2 KiB CIRAM (or
    /// the 4 KiB of a four-screen board).
    #[must_use]
    pub fn nametable_offset(&self, _addr: u16) -> usize {
        todo!()
    }
    /// The mapper's IRQ output (none of the supported boards has one).
    #[must_use]
    pub fn irq_line(&self) -> bool {
        false
    }
    /// The console's reset button (mapper registers keep their values on the boards here).
    pub fn reset(&mut self) {}
}
