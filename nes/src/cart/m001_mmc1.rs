//! Mapper 1, the Nintendo MMC1 on the SxROM boards (SEROM … SXROM; Tetris is SEROM-class).
//!
//! The CPU talks to the MMC1 one bit at a time. A write to $8000–$FFFF with bit 7 set clears
//! the 5-bit shift register and sets PRG mode 3 in the control register. Otherwise bit 0 is
//! shifted in, low bit first; the fifth write copies the five bits into the register that
//! address bits 13–14 of that write select:
//! - $8000 control: `CPPMM` — MM mirroring (0 one-screen lower, 1 one-screen upper,
//!   2 vertical, 3 horizontal), PP PRG mode (0/1: 32 KiB at $8000; 2: first 16 KiB fixed at
//!   $8000, switchable at $C000; 3: switchable at $8000, last fixed at $C000), C CHR mode
//!   (0: one 8 KiB bank, 1: two 4 KiB banks);
//! - $A000 CHR bank 0 (PPU $0000, or $0000–$1FFF in 8 KiB mode with bit 0 ignored);
//! - $C000 CHR bank 1 (PPU $1000; ignored in 8 KiB mode);
//! - $E000 PRG bank: bits 0–3 the 16 KiB bank, bit 4 = 1 disables PRG RAM (MMC1B).
//!
//! The chip notices a write by /ROMSEL rising between CPU cycles, so of two writes on
//! consecutive cycles — the dummy write and the real write of a read-modify-write
//! instruction — it sees only the first. Games rely on it: NES Tetris resets the mapper with
//! an `INC` on a ROM byte that has bit 7 set. [`Mmc1::write_register`] compares the write's
//! CPU cycle with the previous one's to do the same.
//!
//! The boards with 8 KiB of CHR RAM use the CHR bank bits that no CHR chip needs as extra
//! PRG lines (the bits of CHR bank 0 here; in 4 KiB mode the hardware uses whichever CHR
//! register the PPU is currently fetching through, and games set both alike):
//! - SNROM (≤ 256 KiB PRG, 8 KiB PRG RAM): bit 4 = 1 disables PRG RAM;
//! - SOROM (16 KiB PRG RAM): bit 3 selects the 8 KiB PRG RAM bank;
//! - SXROM (32 KiB PRG RAM): bits 2–3 select the 8 KiB PRG RAM bank;
//! - SUROM / SXROM (512 KiB PRG): bit 4 selects the 256 KiB half of PRG ROM, for both the
//!   switchable and the "fixed" bank.
//!
//! NES 2.0 submapper 5 (SEROM, SHROM, SH1ROM) wires PRG as a fixed 32 KiB.
//! <https://www.nesdev.org/wiki/MMC1>, <https://www.nesdev.org/wiki/SxROM>

use super::{Board, Layout, Mirroring, Windows, KIB};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Mmc1 {
    /// Bits shifted in so far (bit 0 first, so the latest is highest).
    shift: u8,
    /// How many bits `shift` holds (0–4).
    count: u8,
    control: u8,
    chr0: u8,
    chr1: u8,
    prg: u8,
    /// CPU cycle of the last write to $8000–$FFFF, taken or ignored.
    last_write: Option<u64>,
}

impl Mmc1 {
    /// Checks a loaded state against the CPU's cycle count: the registers are 5 bits, the
    /// shift register holds `count` (0–4) bits, and the last write is not in the future.
    pub(crate) fn validate(&self, cycles: u64) -> Result<(), crate::savestate::StateError> {
        use crate::savestate::{ensure, ensure_max};
        ensure_max(self.count, 4, "cart.mmc1.count")?;
        ensure(
            u16::from(self.shift) < 1 << self.count,
            "cart.mmc1.shift",
            self.shift,
            format_args!("{} bits", self.count),
        )?;
        for (field, v) in [
            ("cart.mmc1.control", self.control),
            ("cart.mmc1.chr0", self.chr0),
            ("cart.mmc1.chr1", self.chr1),
            ("cart.mmc1.prg", self.prg),
        ] {
            ensure_max(v, 0x1F, field)?;
        }
        if let Some(at) = self.last_write {
            ensure_max(at, cycles, "cart.mmc1.last_write")?;
        }
        Ok(())
    }

    /// Power-on state: PRG mode 3 (last bank fixed at $C000), so the reset vector is in
    /// the last bank whatever else the registers hold.
    pub(crate) fn new() -> Mmc1 {
        Mmc1 {
            shift: 0,
            count: 0,
            control: 0x0C,
            chr0: 0,
            chr1: 0,
            prg: 0,
            last_write: None,
        }
    }

    fn load(&mut self, addr: u16, val: u8) {
        let val = val & 0x1F;
        match (addr >> 13) & 3 {
            0 => self.control = val,
            1 => self.chr0 = val,
            2 => self.chr1 = val,
            _ => self.prg = val,
        }
    }
}

impl Board for Mmc1 {
    fn write_register(&mut self, addr: u16, val: u8, cycle: u64) {
        let back_to_back = self.last_write.is_some_and(|c| c.wrapping_add(1) == cycle);
        self.last_write = Some(cycle);
        if back_to_back {
            return;
        }
        if val & 0x80 != 0 {
            self.shift = 0;
            self.count = 0;
            self.control |= 0x0C;
            return;
        }
        self.shift |= (val & 1) << self.count.min(4);
        self.count = self.count.saturating_add(1);
        if self.count >= 5 {
            self.load(addr, self.shift);
            self.shift = 0;
            self.count = 0;
        }
    }

    fn map(&self, layout: &Layout, w: &mut Windows) {
        let chr_ram_8k = layout.chr_is_ram && layout.chr_len == 8 * KIB;
        let extra = if chr_ram_8k { self.chr0 } else { 0 };

        // PRG ROM: 16 KiB banks within a 256 KiB outer bank.
        let outer = if layout.prg_len > 256 * KIB {
            usize::from((extra >> 4) & 1) << 4
        } else {
            0
        };
        let bank = usize::from(self.prg & 0x0F);
        if layout.submapper == 5 {
            w.map_prg_32k(layout, 0);
        } else {
            match (self.control >> 2) & 3 {
                0 | 1 => {
                    w.map_prg_16k(layout, 0, outer | (bank & !1));
                    w.map_prg_16k(layout, 1, outer | bank | 1);
                }
                2 => {
                    w.map_prg_16k(layout, 0, outer);
                    w.map_prg_16k(layout, 1, outer | bank);
                }
                _ => {
                    w.map_prg_16k(layout, 0, outer | bank);
                    w.map_prg_16k(layout, 1, outer | 0x0F);
                }
            }
        }

        // CHR: banks wrap to the CHR size, which also drops the bits the boards above reuse.
        if self.control & 0x10 != 0 {
            w.map_chr_4k(layout, 0, usize::from(self.chr0));
            w.map_chr_4k(layout, 1, usize::from(self.chr1));
        } else {
            w.map_chr_8k(layout, usize::from(self.chr0 >> 1));
        }

        // PRG RAM.
        let snrom_off = chr_ram_8k
            && layout.prg_len <= 256 * KIB
            && layout.prg_ram_len <= 8 * KIB
            && extra & 0x10 != 0;
        let ram_bank = match layout.prg_ram_len {
            n if n >= 32 * KIB => usize::from((extra >> 2) & 3),
            n if n >= 16 * KIB => usize::from((extra >> 3) & 1),
            _ => 0,
        };
        let ram_on = self.prg & 0x10 == 0 && !snrom_off;
        w.map_prg_ram(layout, ram_on.then_some(ram_bank));

        w.set_mirroring(if layout.mirroring == Mirroring::FourScreen {
            Mirroring::FourScreen
        } else {
            match self.control & 3 {
                0 => Mirroring::SingleScreenLower,
                1 => Mirroring::SingleScreenUpper,
                2 => Mirroring::Vertical,
                _ => Mirroring::Horizontal,
            }
        });
    }
}
