//! The triangle channel, `$4008–$400B`.
//!
//! An 11-bit timer clocked every CPU cycle steps a 32-step sequencer (15 down to 0, then 0
//! up to 15) while both the linear counter and the length counter are non-zero; otherwise
//! the output holds its level. The linear counter reloads on quarter frames while its reload
//! flag is set; the control flag (bit 7 of `$4008`) keeps the flag set and halts the length
//! counter.
//!
//! Periods 0 and 1 step the sequencer at 0.9–1.8 MHz as on hardware: the result is
//! ultrasonic, so the output filters reduce it to its average, 7.5. The sequencer position
//! is still advanced, a whole cycle of 32 steps at a time, to keep the event rate bounded.
//! <https://www.nesdev.org/wiki/APU_Triangle>

use super::length::LengthCounter;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Triangle {
    pub(super) length: LengthCounter,
    control: bool,
    linear_reload_value: u8,
    linear: u8,
    linear_reload: bool,
    step: u8,
    period: u16,
    /// CPU cycle of the next timer clock of the sequencer (only kept while audio is on).
    pub(super) next_tick: u64,
}

impl Triangle {
    /// Checks a loaded state: the 7-bit linear counter and its reload value, sequencer step
    /// 0–31, an 11-bit period, and the length counter.
    pub(crate) fn validate(&self) -> Result<(), crate::savestate::StateError> {
        use crate::savestate::ensure_max;
        ensure_max(
            self.linear_reload_value,
            0x7F,
            "apu.triangle.linear_reload_value",
        )?;
        ensure_max(self.linear, 0x7F, "apu.triangle.linear")?;
        ensure_max(self.step, 31, "apu.triangle.step")?;
        ensure_max(self.period, 0x7FF, "apu.triangle.period")?;
        self.length.validate("apu.triangle")
    }

    pub fn write(&mut self, reg: u16, val: u8, racing: bool) {
        match reg {
            0 => {
                self.control = val & 0x80 != 0;
                self.length.set_halt(self.control, racing);
                self.linear_reload_value = val & 0x7F;
            }
            1 => {}
            2 => self.period = (self.period & 0x700) | u16::from(val),
            _ => {
                self.period = (self.period & 0xFF) | (u16::from(val & 7) << 8);
                self.length.load(val >> 3, racing);
                self.linear_reload = true;
            }
        }
    }

    fn ultrasonic(&self) -> bool {
        self.period < 2
    }

    fn running(&self) -> bool {
        self.linear > 0 && self.length.active()
    }

    /// One expiry of the timer.
    pub fn tick(&mut self) {
        let period = u64::from(self.period) + 1;
        if self.ultrasonic() {
            // 32 steps bring the sequencer back where it was.
            self.next_tick += 32 * period;
        } else {
            if self.running() {
                self.step = (self.step + 1) & 31;
            }
            self.next_tick += period;
        }
    }

    /// CPU cycles between two timer clocks.
    #[must_use]
    pub fn timer_period(&self) -> u64 {
        u64::from(self.period) + 1
    }

    pub fn quarter_frame(&mut self) {
        if self.linear_reload {
            self.linear = self.linear_reload_value;
        } else if self.linear > 0 {
            self.linear -= 1;
        }
        if !self.control {
            self.linear_reload = false;
        }
    }

    pub fn half_frame(&mut self) {
        self.length.clock();
    }

    /// Output level in half units (0–30), so the ultrasonic average 7.5 is representable.
    #[must_use]
    pub fn output_x2(&self) -> u8 {
        if self.ultrasonic() && self.running() {
            return 15;
        }
        let level = if self.step < 16 {
            15 - self.step
        } else {
            self.step - 16
        };
        2 * level
    }
}
