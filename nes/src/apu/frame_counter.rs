//! The frame counter (frame sequencer): quarter- and half-frame clocks for the envelopes,
//! linear counter, length counters and sweeps, and the frame IRQ.
//!
//! The wiki gives the NTSC steps in APU cycles (3728.5, 7456.5, 11185.5, 14914/14914.5/14915
//! in 4-step mode; …, 14914.5, 18640.5/18641 in 5-step mode). Counted in CPU cycles from the
//! moment a `$4017` write takes effect, the steps fall at 7457, 14913, 22371 and
//! 29828/29829/29830 (4-step: the IRQ flag is raised on all three, the clocks come on the
//! middle one, and the sequence restarts after 29830), or at 7457, 14913, 22371 and 37281
//! (5-step, restarting after 37282). A `$4017` write takes effect 2 CPU cycles after the
//! write cycle when that cycle is odd, 3 when even (the APU only switches on one of the two
//! phases of its divide-by-two; meanwhile the old sequence keeps running). Which CPU-cycle
//! parity is the "switching" one is tied to the DMA unit's get/put parity (gets on even
//! cycles, see `cpu::dma`): blargg's cpu_interrupts_v2 4-irq_and_dma only passes with this
//! pairing. Selecting 5-step mode clocks the quarter and half frame units at once. These
//! figures reproduce blargg's measurements ("Step 1 at 7459 … set frame irq at
//! 29830–29832" after the write).
//!
//! The IRQ flag (bit 6 of `$4015`) and the IRQ line are two things. The last three steps of
//! the 4-step sequence raise the flag whatever the inhibit bit says, and the third of them
//! then sets it to "not inhibited": with inhibit set, `$4015` shows the flag for exactly two
//! cycles and no IRQ happens. The line follows the flag (when not inhibited) with a cycle of
//! latency. A `$4015` read clears both, but only at the next APU half that follows a "put"
//! cycle (odd cycles here): a read on an even cycle leaves the flag readable for one more
//! cycle. AccuracyCoin's "Frame Counter IRQ" test measures all of these.
//! <https://www.nesdev.org/wiki/APU_Frame_Counter>

use serde::{Deserialize, Serialize};

/// What a step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub quarter: bool,
    pub half: bool,
    pub irq: bool,
}

const fn step(offset: u64, quarter: bool, half: bool, irq: bool) -> (u64, Step) {
    (offset, Step { quarter, half, irq })
}

/// Steps of the 4-step sequence, in CPU cycles after it (re)started; it repeats every
/// 29830 cycles.
const FOUR_STEP: [(u64, Step); 6] = [
    step(7457, true, false, false),
    step(14913, true, true, false),
    step(22371, true, false, false),
    step(29828, false, false, true),
    step(29829, true, true, true),
    step(29830, false, false, true),
];
const FOUR_STEP_PERIOD: u64 = 29830;

/// Steps of the 5-step sequence; it repeats every 37282 cycles.
const FIVE_STEP: [(u64, Step); 4] = [
    step(7457, true, false, false),
    step(14913, true, true, false),
    step(22371, true, false, false),
    step(37281, true, true, false),
];
const FIVE_STEP_PERIOD: u64 = 37282;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FrameCounter {
    five_step: bool,
    irq_inhibit: bool,
    /// The interrupt flag as `$4015` bit 6 shows it.
    pub(super) irq_flag: bool,
    /// First cycle whose end-of-cycle interrupt poll sees the IRQ line asserted (`u64::MAX`:
    /// not asserted): the CPU's IRQ input lags the flag as `$4015` reads see it by one cycle
    /// (blargg's 08.irq_timing: the handler runs 29833 cycles after the write, the flag reads
    /// set from 29831).
    pub(super) line_from: u64,
    /// A `$4015` read's clear of flag and line, due at the end of this (odd) cycle.
    clear_at: Option<u64>,
    /// CPU cycle at which the current sequence started.
    base: u64,
    /// Index of the next step in the current sequence.
    index: usize,
    /// A `$4017` value written and the cycle it takes effect.
    pending: Option<(u64, u8)>,
    /// The last value written to `$4017` (rewritten at reset).
    last_write: u8,
}

#[cfg(test)]
impl FrameCounter {
    pub(crate) fn set_index_for_test(&mut self, v: usize) {
        self.index = v;
    }
}

impl FrameCounter {
    /// Checks a loaded state against the APU's clock `now`: a step index inside the
    /// sequence, the sequence started at most 3 cycles ahead (a `$4017` write taking effect)
    /// and its next step not in the past, a pending write taking effect within 3 cycles, and
    /// the IRQ line's start at most 2 cycles after a step.
    pub(crate) fn validate(&self, now: u64) -> Result<(), crate::savestate::StateError> {
        use crate::savestate::{ensure, ensure_max};
        let seq = self.sequence();
        ensure_max(self.index, seq.len() - 1, "apu.frame_counter.index")?;
        ensure(
            self.base <= now + 3 && self.base + seq[self.index].0 + 1 >= now,
            "apu.frame_counter.base",
            self.base,
            format_args!("a sequence start whose next step is not before the APU's {now}"),
        )?;
        if let Some((at, _)) = self.pending {
            ensure(
                at <= now + 3 && at + 1 >= now,
                "apu.frame_counter.pending",
                at,
                format_args!("within 3 cycles of the APU's {now}"),
            )?;
        }
        if let Some(at) = self.clear_at {
            ensure(
                at <= now + 3 && at + 3 >= now,
                "apu.frame_counter.clear_at",
                at,
                format_args!("within 3 cycles of the APU's {now}"),
            )?;
        }
        // u64::MAX: the line is not asserted.
        if self.line_from != u64::MAX {
            ensure_max(self.line_from, now + 3, "apu.frame_counter.line_from")?;
        }
        Ok(())
    }

    /// The state after `$4017 = val` took effect at cycle `at`, before the first step
    /// (for power-on, where the write is notionally a few cycles before cycle 0).
    #[must_use]
    pub fn started(val: u8, at: u64) -> FrameCounter {
        let mut fc = FrameCounter {
            five_step: false,
            irq_inhibit: false,
            irq_flag: false,
            line_from: u64::MAX,
            clear_at: None,
            base: 0,
            index: 0,
            pending: None,
            last_write: val,
        };
        fc.apply(val, at);
        fc
    }

    /// Takes a `$4017` write into account (the returned step, for 5-step mode, is the
    /// immediate clock).
    fn apply(&mut self, val: u8, at: u64) -> Option<Step> {
        self.five_step = val & 0x80 != 0;
        self.irq_inhibit = val & 0x40 != 0;
        if self.irq_inhibit {
            self.clear_irq();
        }
        self.base = at;
        self.index = 0;
        self.five_step.then_some(Step {
            quarter: true,
            half: true,
            irq: false,
        })
    }

    /// A CPU write of `$4017` during cycle `now`.
    pub fn write(&mut self, val: u8, now: u64) {
        self.last_write = val;
        // The inhibit flag clears the IRQ flag at once; the mode switch waits.
        if val & 0x40 != 0 {
            self.clear_irq();
            self.irq_inhibit = true;
        } else {
            self.irq_inhibit = false;
            if self.irq_flag {
                // A flag raised while inhibited now drives the line too.
                self.line_from = self.line_from.min(now + 2);
            }
        }
        let delay = if now & 1 == 1 { 2 } else { 3 };
        self.pending = Some((now + delay, val));
    }

    #[must_use]
    pub fn last_write(&self) -> u8 {
        self.last_write
    }

    /// Restarts as if `val` had been written to `$4017` at cycle `write` (reset).
    pub fn restart(&mut self, val: u8, write: u64) {
        self.clear_irq();
        self.last_write = val;
        let delay = if write & 1 == 1 { 2 } else { 3 };
        self.pending = None;
        self.apply(val, write + delay);
    }

    fn sequence(&self) -> &'static [(u64, Step)] {
        if self.five_step {
            &FIVE_STEP
        } else {
            &FOUR_STEP
        }
    }

    fn next_step_cycle(&self) -> u64 {
        self.base + self.sequence()[self.index].0
    }

    /// Clears the flag and the line at once.
    fn clear_irq(&mut self) {
        self.irq_flag = false;
        self.line_from = u64::MAX;
        self.clear_at = None;
    }

    /// A `$4015` read during cycle `now`: flag and line clear at the end of the first odd
    /// cycle from `now` on (the APU half that follows a "put" cycle).
    pub fn read_clear(&mut self, now: u64) {
        if self.irq_flag || self.line_from != u64::MAX {
            self.clear_at = Some(now | 1);
        }
    }

    /// CPU cycle of the next thing the frame counter does.
    #[must_use]
    pub fn next_event(&self) -> u64 {
        let step = self.next_step_cycle();
        let clear = self.clear_at.unwrap_or(u64::MAX);
        match self.pending {
            Some((at, _)) => at.min(step).min(clear),
            None => step.min(clear),
        }
    }

    /// CPU cycle after which the IRQ line may next change on its own, or `u64::MAX`.
    #[must_use]
    pub fn next_irq_event(&self) -> u64 {
        if let Some(at) = self.clear_at {
            return at;
        }
        if let Some((at, _)) = self.pending {
            return at.min(self.next_step_cycle());
        }
        if self.five_step || self.irq_inhibit {
            return u64::MAX;
        }
        // The next step that raises the flag (steps 3–5 of the 4-step sequence all do).
        let seq = self.sequence();
        let idx = (self.index..seq.len())
            .find(|&i| seq[i].1.irq)
            .unwrap_or(seq.len() - 1);
        self.base + seq[idx].0
    }

    /// Whether a half-frame clock happens during cycle `now` (a length-counter write then
    /// races it).
    #[must_use]
    pub fn half_clock_at(&self, now: u64) -> bool {
        if self.next_step_cycle() == now && self.sequence()[self.index].1.half {
            return true;
        }
        matches!(self.pending, Some((at, val)) if at == now && val & 0x80 != 0)
    }

    /// Runs the event at cycle `at` (= [`Self::next_event`]) and returns the clocks it gives.
    pub fn run_event(&mut self, at: u64) -> Step {
        let mut out = Step {
            quarter: false,
            half: false,
            irq: false,
        };
        if self.clear_at == Some(at) {
            // Before this cycle's step, which may raise the flag again.
            self.clear_irq();
        }
        if self.next_step_cycle() == at {
            let seq = self.sequence();
            let (_, step) = seq[self.index];
            out = step;
            if step.irq {
                let last = self.index + 1 == seq.len();
                if last && self.irq_inhibit {
                    self.irq_flag = false;
                } else {
                    self.irq_flag = true;
                    if !self.irq_inhibit {
                        // The line follows the flag a cycle later (the last step drives it
                        // directly, in step with the flag it raised two cycles before).
                        let from = if last { at + 1 } else { at + 2 };
                        self.line_from = self.line_from.min(from);
                    }
                }
            }
            self.index += 1;
            if self.index == seq.len() {
                self.index = 0;
                self.base += if self.five_step {
                    FIVE_STEP_PERIOD
                } else {
                    FOUR_STEP_PERIOD
                };
            }
        }
        if let Some((pending_at, val)) = self.pending {
            if pending_at == at {
                self.pending = None;
                if let Some(step) = self.apply(val, at) {
                    out.quarter = true;
                    out.half |= step.half;
                }
            }
        }
        out
    }
}
