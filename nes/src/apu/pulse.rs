//! The two pulse (square) channels, `$4000–$4003` and `$4004–$4007`.
//!
//! An 11-bit timer clocked every APU cycle (two CPU cycles) steps an 8-step duty sequencer;
//! the output is the envelope volume when the sequencer bit is high, the length counter is
//! non-zero and the sweep unit does not mute the channel.
//! <https://www.nesdev.org/wiki/APU_Pulse>

use super::envelope::Envelope;
use super::length::LengthCounter;
use super::sweep::Sweep;
use serde::{Deserialize, Serialize};

/// The four duty waveforms as the sequencer steps through them.
const DUTY: [[u8; 8]; 4] = [
    [0, 1, 0, 0, 0, 0, 0, 0],
    [0, 1, 1, 0, 0, 0, 0, 0],
    [0, 1, 1, 1, 1, 0, 0, 0],
    [1, 0, 0, 1, 1, 1, 1, 1],
];

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pulse {
    pub(super) length: LengthCounter,
    envelope: Envelope,
    sweep: Sweep,
    duty: u8,
    step: u8,
    /// The 11-bit timer period.
    period: u16,
    /// CPU cycle of the next timer clock of the sequencer (only kept while audio is on).
    pub(super) next_tick: u64,
}

impl Pulse {
    /// Checks a loaded state: duty 0–3, sequencer step 0–7, an 11-bit period, and the
    /// length counter, envelope and sweep (`field` names the channel).
    pub(crate) fn validate(&self, field: &str) -> Result<(), crate::savestate::StateError> {
        use crate::savestate::ensure_max;
        ensure_max(self.duty, 3, format_args!("{field}.duty"))?;
        ensure_max(self.step, 7, format_args!("{field}.step"))?;
        ensure_max(self.period, 0x7FF, format_args!("{field}.period"))?;
        self.length.validate(field)?;
        self.envelope.validate(field)?;
        self.sweep.validate(field)
    }

    /// `ones_complement`: pulse 1's sweep negation.
    #[must_use]
    pub fn new(ones_complement: bool) -> Pulse {
        Pulse {
            length: LengthCounter::default(),
            envelope: Envelope::default(),
            sweep: Sweep::new(ones_complement),
            duty: 0,
            step: 0,
            period: 0,
            next_tick: 0,
        }
    }

    /// A write to one of the channel's four registers (`reg` = address & 3).
    pub fn write(&mut self, reg: u16, val: u8, racing: bool) {
        match reg {
            0 => {
                self.duty = val >> 6;
                self.length.set_halt(val & 0x20 != 0, racing);
                self.envelope.write_control(val);
            }
            1 => self.sweep.write(val),
            2 => self.period = (self.period & 0x700) | u16::from(val),
            _ => {
                self.period = (self.period & 0xFF) | (u16::from(val & 7) << 8);
                self.length.load(val >> 3, racing);
                self.step = 0;
                self.envelope.restart();
            }
        }
    }

    /// CPU cycles between two clocks of the sequencer.
    #[must_use]
    pub fn timer_period(&self) -> u64 {
        2 * (u64::from(self.period) + 1)
    }

    /// One expiry of the timer: the sequencer steps.
    pub fn tick(&mut self) {
        self.step = (self.step + 1) & 7;
        self.next_tick += self.timer_period();
    }

    pub fn quarter_frame(&mut self) {
        self.envelope.clock();
    }

    pub fn half_frame(&mut self) {
        self.length.clock();
        self.sweep.clock(&mut self.period);
    }

    /// The 4-bit output level.
    #[must_use]
    pub fn output(&self) -> u8 {
        if !self.length.active()
            || self.sweep.mutes(self.period)
            || DUTY[usize::from(self.duty)][usize::from(self.step)] == 0
        {
            0
        } else {
            self.envelope.volume()
        }
    }
}
