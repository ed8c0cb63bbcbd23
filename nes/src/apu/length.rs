//! The length counter shared by the pulse, triangle and noise channels.
//!
//! A 4-bit index written with the channel's fourth register loads the counter from a
//! 32-entry table; half-frame clocks count it down unless the channel's halt flag is set; a
//! channel whose counter is zero is silent, and `$4015` reads report which counters are
//! non-zero. Clearing the channel's enable bit in `$4015` zeroes the counter and blocks loads.
//!
//! Two races with the frame counter are modelled as blargg's 2005 APU tests measured them:
//! a halt-flag write on the very cycle of a half-frame clock takes effect after the clock,
//! and a reload written on that cycle is ignored if the clock decremented a non-zero counter.
//! <https://www.nesdev.org/wiki/APU_Length_Counter>

use serde::{Deserialize, Serialize};

/// Counter values selected by bits 7–3 of `$4003`/`$4007`/`$400B`/`$400F`.
pub const LENGTH_TABLE: [u8; 32] = [
    10, 254, 20, 2, 40, 4, 80, 6, 160, 8, 60, 10, 14, 12, 26, 14, //
    12, 16, 24, 18, 48, 20, 96, 22, 192, 24, 72, 26, 16, 28, 32, 30,
];

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LengthCounter {
    counter: u8,
    halt: bool,
    enabled: bool,
    /// A halt-flag write made on the cycle of a half-frame clock, applied after it.
    pending_halt: Option<bool>,
    /// A reload made on the cycle of a half-frame clock: the value, and the counter before
    /// the clock (the reload only lands if the clock left the counter unchanged).
    pending_reload: Option<(u8, u8)>,
}

impl LengthCounter {
    /// Checks a loaded state: the counter and a pending reload hold at most the table's
    /// largest value, and a reload's value is one of the table's (`field` names the
    /// channel).
    pub(crate) fn validate(&self, field: &str) -> Result<(), crate::savestate::StateError> {
        use crate::savestate::{ensure, ensure_max};
        ensure_max(self.counter, 254, format_args!("{field}.length.counter"))?;
        if let Some((value, before)) = self.pending_reload {
            ensure(
                LENGTH_TABLE.contains(&value),
                format_args!("{field}.length.pending_reload"),
                value,
                "a value of the length table",
            )?;
            ensure_max(before, 254, format_args!("{field}.length.pending_reload"))?;
        }
        Ok(())
    }

    #[must_use]
    pub fn active(&self) -> bool {
        self.counter > 0
    }

    /// Sets the halt flag; `racing` when a half-frame clock falls on this same cycle.
    pub fn set_halt(&mut self, halt: bool, racing: bool) {
        if racing {
            self.pending_halt = Some(halt);
        } else {
            self.halt = halt;
        }
    }

    /// Loads the counter from the table (ignored while the channel is disabled).
    pub fn load(&mut self, index: u8, racing: bool) {
        if !self.enabled {
            return;
        }
        let value = LENGTH_TABLE[usize::from(index & 0x1F)];
        if racing {
            self.pending_reload = Some((value, self.counter));
        } else {
            self.counter = value;
        }
    }

    /// The `$4015` enable bit: disabling clears the counter at once.
    pub fn set_enabled(&mut self, enabled: bool) {
        self.enabled = enabled;
        if !enabled {
            self.counter = 0;
            self.pending_reload = None;
        }
    }

    /// A half-frame clock.
    pub fn clock(&mut self) {
        if !self.halt && self.counter > 0 {
            self.counter -= 1;
        }
    }

    /// Applies writes that raced the clock of this cycle (call after [`Self::clock`]).
    pub fn settle(&mut self) {
        if let Some(halt) = self.pending_halt.take() {
            self.halt = halt;
        }
        if let Some((value, before)) = self.pending_reload.take() {
            if self.counter == before {
                self.counter = value;
            }
        }
    }
}
