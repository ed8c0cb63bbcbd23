//! Mapper 0, NROM: no mapper at all.
//!
//! NROM-128 has 16 KiB of PRG ROM, seen twice at $8000 and $C000; NROM-256 has 32 KiB. CHR
//! is 8 KiB of ROM (or RAM on some homebrew). Mirroring is soldered. The Family BASIC board
//! adds 2–4 KiB of PRG RAM at $6000: it is mapped here only when the header declares PRG RAM
//! (a NES 2.0 size, or an iNES header with byte 8 or the battery bit set), and smaller RAM
//! repeats through the 8 KiB window.
//! <https://www.nesdev.org/wiki/NROM>

use super::{Board, Layout, Windows};
use serde::{Deserialize, Serialize};

/// NROM has no registers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Nrom;

impl Board for Nrom {
    fn map(&self, layout: &Layout, w: &mut Windows) {
        // The ROM is at least 8 KiB and mirrored to a power of two, so wrapping the 32 KiB
        // bank 0 puts a 16 KiB ROM at both $8000 and $C000.
        w.map_prg_32k(layout, 0);
        w.map_chr_8k(layout, 0);
        w.map_prg_ram(layout, Some(0));
        w.set_mirroring(layout.mirroring);
    }
}
