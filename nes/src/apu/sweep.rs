//! The pulse channels' sweep unit: a divider that periodically moves the channel's timer
//! period towards a target `period ± (period >> shift)`.
//!
//! Pulse 1 negates in ones' complement (subtracting one more than pulse 2 does). The target
//! is computed continuously, and a target above $7FF mutes the channel even when the sweep
//! is disabled; so does a current period below 8.
//! <https://www.nesdev.org/wiki/APU_Sweep>

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Sweep {
    enabled: bool,
    period: u8,
    negate: bool,
    shift: u8,
    reload: bool,
    divider: u8,
    /// Pulse 1's adder subtracts with ones' complement.
    ones_complement: bool,
}

impl Sweep {
    /// Checks a loaded state: period, shift and divider are 3 bits (`field` names the
    /// channel).
    pub(crate) fn validate(&self, field: &str) -> Result<(), crate::savestate::StateError> {
        use crate::savestate::ensure_max;
        ensure_max(self.period, 7, format_args!("{field}.sweep.period"))?;
        ensure_max(self.shift, 7, format_args!("{field}.sweep.shift"))?;
        ensure_max(self.divider, 7, format_args!("{field}.sweep.divider"))
    }

    #[must_use]
    pub fn new(ones_complement: bool) -> Sweep {
        Sweep {
            ones_complement,
            ..Sweep::default()
        }
    }

    /// `$4001`/`$4005`: EPPP NSSS.
    pub fn write(&mut self, val: u8) {
        self.enabled = val & 0x80 != 0;
        self.period = (val >> 4) & 7;
        self.negate = val & 0x08 != 0;
        self.shift = val & 7;
        self.reload = true;
    }

    /// The period the sweep would set, which may exceed 11 bits.
    #[must_use]
    pub fn target(&self, period: u16) -> u16 {
        let change = period >> self.shift;
        if self.negate {
            let sub = change + u16::from(self.ones_complement);
            period.saturating_sub(sub)
        } else {
            period + change
        }
    }

    /// Whether the channel is muted by its period or the sweep target.
    #[must_use]
    pub fn mutes(&self, period: u16) -> bool {
        period < 8 || self.target(period) > 0x7FF
    }

    /// A half-frame clock: may update `period`.
    pub fn clock(&mut self, period: &mut u16) {
        if self.divider == 0 && self.enabled && self.shift != 0 && !self.mutes(*period) {
            *period = self.target(*period);
        }
        if self.divider == 0 || self.reload {
            self.divider = self.period;
            self.reload = false;
        } else {
            self.divider -= 1;
        }
    }
}
