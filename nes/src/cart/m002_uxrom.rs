//! Mapper 2, UxROM (UNROM, UOROM): a 16 KiB PRG bank switch.
//!
//! A write anywhere in $8000–$FFFF selects the 16 KiB bank at $8000–$BFFF (UNROM uses 3 bits,
//! UOROM 4; the value is wrapped to the ROM size). $C000–$FFFF is fixed to the last bank.
//! CHR is 8 KiB of unbanked RAM (ROM on a few carts); mirroring is soldered. The real boards
//! have bus conflicts (the ROM drives the bus during the write); games avoid them by writing
//! a value equal to the ROM byte, so they are not modelled.
//! <https://www.nesdev.org/wiki/UxROM>

use super::{Board, Layout, Windows};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Uxrom {
    /// The 16 KiB bank at $8000.
    bank: u8,
}

impl Board for Uxrom {
    fn write_register(&mut self, _addr: u16, val: u8, _cycle: u64) {
        self.bank = val;
    }

    fn map(&self, layout: &Layout, w: &mut Windows) {
        w.map_prg_16k(layout, 0, usize::from(self.bank));
        w.map_prg_16k(layout, 1, usize::MAX);
        w.map_chr_8k(layout, 0);
        w.map_prg_ram(layout, Some(0));
        w.set_mirroring(layout.mirroring);
    }
}
