//! Mapper 3, CNROM: an 8 KiB CHR bank switch.
//!
//! A write anywhere in $8000–$FFFF selects the 8 KiB CHR ROM bank at PPU $0000–$1FFF (2 bits
//! on Nintendo's boards; all 8 are kept and wrapped to the CHR size, which covers the larger
//! clones). PRG is 16 or 32 KiB, unbanked, as on NROM; mirroring is soldered. Bus conflicts
//! are not modelled (see `m002_uxrom`).
//! <https://www.nesdev.org/wiki/CNROM>

use super::{Board, Layout, Windows};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Cnrom {
    /// The 8 KiB CHR bank.
    bank: u8,
}

impl Board for Cnrom {
    fn write_register(&mut self, _addr: u16, val: u8, _cycle: u64) {
        self.bank = val;
    }

    fn map(&self, layout: &Layout, w: &mut Windows) {
        w.map_prg_32k(layout, 0);
        w.map_chr_8k(layout, usize::from(self.bank));
        w.map_prg_ram(layout, Some(0));
        w.set_mirroring(layout.mirroring);
    }
}
