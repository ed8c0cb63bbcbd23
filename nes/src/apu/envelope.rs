//! The envelope generator of the pulse and noise channels.
//!
//! Either a constant volume or a decay level that a divider (period = volume field + 1
//! quarter frames) steps from 15 down to 0, optionally looping. A write to the channel's
//! fourth register sets the start flag; the next quarter-frame clock restarts the decay.
//! <https://www.nesdev.org/wiki/APU_Envelope>

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Envelope {
    start: bool,
    looping: bool,
    constant: bool,
    /// The 4-bit volume / divider period field.
    param: u8,
    divider: u8,
    decay: u8,
}

impl Envelope {
    /// Checks a loaded state: the volume/period field, the divider and the decay level are
    /// 4 bits (`field` names the channel).
    pub(crate) fn validate(&self, field: &str) -> Result<(), crate::savestate::StateError> {
        use crate::savestate::ensure_max;
        ensure_max(self.param, 15, format_args!("{field}.envelope.param"))?;
        ensure_max(self.divider, 15, format_args!("{field}.envelope.divider"))?;
        ensure_max(self.decay, 15, format_args!("{field}.envelope.decay"))
    }

    /// Bits 5–0 of the channel's first register (bit 5 doubles as the length-counter halt).
    pub fn write_control(&mut self, val: u8) {
        self.looping = val & 0x20 != 0;
        self.constant = val & 0x10 != 0;
        self.param = val & 0x0F;
    }

    pub fn restart(&mut self) {
        self.start = true;
    }

    /// A quarter-frame clock.
    pub fn clock(&mut self) {
        if self.start {
            self.start = false;
            self.decay = 15;
            self.divider = self.param;
        } else if self.divider == 0 {
            self.divider = self.param;
            if self.decay > 0 {
                self.decay -= 1;
            } else if self.looping {
                self.decay = 15;
            }
        } else {
            self.divider -= 1;
        }
    }

    #[must_use]
    pub fn volume(&self) -> u8 {
        if self.constant {
            self.param
        } else {
            self.decay
        }
    }
}
