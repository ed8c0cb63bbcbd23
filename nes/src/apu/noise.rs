//! The noise channel, `$400C–$400F`.
//!
//! A 15-bit linear-feedback shift register clocked by a timer with one of 16 periods; the
//! feedback taps bit 1 (long mode, 32767 steps) or bit 6 (short mode, 93 steps). The output
//! is the envelope volume while bit 0 of the register is clear and the length counter is
//! non-zero.
//! <https://www.nesdev.org/wiki/APU_Noise>

use super::envelope::Envelope;
use super::length::LengthCounter;
use serde::{Deserialize, Serialize};

/// NTSC timer periods in CPU cycles.
const PERIODS: [u16; 16] = [
    4, 8, 16, 32, 64, 96, 128, 160, 202, 254, 380, 508, 762, 1016, 2034, 4068,
];

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Noise {
    pub(super) length: LengthCounter,
    envelope: Envelope,
    short_mode: bool,
    period_index: u8,
    lfsr: u16,
    /// CPU cycle of the next timer clock of the shift register (only kept while audio is on).
    pub(super) next_tick: u64,
}

impl Default for Noise {
    fn default() -> Noise {
        Noise {
            length: LengthCounter::default(),
            envelope: Envelope::default(),
            short_mode: false,
            period_index: 0,
            lfsr: 1,
            next_tick: 0,
        }
    }
}

impl Noise {
    /// Checks a loaded state: period index 0–15, a 15-bit shift register that is not 0 (the
    /// hardware's never is), and the length counter and envelope.
    pub(crate) fn validate(&self) -> Result<(), crate::savestate::StateError> {
        use crate::savestate::{ensure, ensure_max};
        ensure_max(self.period_index, 15, "apu.noise.period_index")?;
        ensure(
            (1..=0x7FFF).contains(&self.lfsr),
            "apu.noise.lfsr",
            self.lfsr,
            "1..=32767",
        )?;
        self.length.validate("apu.noise")?;
        self.envelope.validate("apu.noise")
    }

    pub fn write(&mut self, reg: u16, val: u8, racing: bool) {
        match reg {
            0 => {
                self.length.set_halt(val & 0x20 != 0, racing);
                self.envelope.write_control(val);
            }
            1 => {}
            2 => {
                self.short_mode = val & 0x80 != 0;
                self.period_index = val & 0x0F;
            }
            _ => {
                self.length.load(val >> 3, racing);
                self.envelope.restart();
            }
        }
    }

    #[must_use]
    pub fn timer_period(&self) -> u64 {
        u64::from(PERIODS[usize::from(self.period_index)])
    }

    /// One expiry of the timer: the shift register steps.
    pub fn tick(&mut self) {
        let tap = if self.short_mode { 6 } else { 1 };
        let feedback = (self.lfsr ^ (self.lfsr >> tap)) & 1;
        self.lfsr = (self.lfsr >> 1) | (feedback << 14);
        self.next_tick += self.timer_period();
    }

    pub fn quarter_frame(&mut self) {
        self.envelope.clock();
    }

    pub fn half_frame(&mut self) {
        self.length.clock();
    }

    #[cfg(test)]
    pub fn lfsr(&self) -> u16 {
        self.lfsr
    }

    #[must_use]
    pub fn output(&self) -> u8 {
        if self.lfsr & 1 != 0 || !self.length.active() {
            0
        } else {
            self.envelope.volume()
        }
    }
}
