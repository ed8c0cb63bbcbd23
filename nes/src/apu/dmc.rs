//! The delta modulation channel, `$4010–$4013`.
//!
//! A timer with one of 16 rates clocks an output unit that shifts 8-bit sample bytes out
//! one bit at a time, moving a 7-bit level up or down by 2. A one-byte sample buffer sits in
//! front of it; when the output unit ends an output cycle with bytes of the sample left, the
//! memory reader asks the DMA unit for the next byte ([`Dmc::dma_request`]), and the fetched
//! byte comes back through [`Dmc::dma_complete`]. Addresses wrap from $FFFF to $8000; at the
//! end of a sample it restarts (loop flag) or raises its IRQ flag (if enabled).
//!
//! The timer only moves on one APU half (the end of even CPU cycles here, the DMA unit's
//! "get" cycles), so output cycles end there and a reload DMA first tries to halt the CPU on
//! the following odd ("put") cycle. What the DMA unit sees of the channel lags `$4015`
//! writes (AccuracyCoin's DMA and DMC tests measure this; the model follows TriCNES, by the
//! tests' author):
//!
//! - the enable bit reaches the DMA unit at the end of the 2nd (write on an odd cycle) or
//!   3rd (even) cycle after the write. While it is off, a wanted byte does not halt the
//!   CPU, and a DMA in progress stops where it is when it turns off. If the disabling write
//!   falls on the timer clock that starts a reload DMA, or on the cycle after it, the bit
//!   takes two cycles longer, so that DMA completes ("explicit abort");
//! - enabling a finished sample while the buffer is empty wants a "load" byte from the same
//!   moment (the DMA halts on the 3rd or 4th cycle after the write);
//! - an output cycle that ends on the cycle of a DMA fetch asks for no byte;
//! - enabling the channel seven or eight cycles before a timer clock arms a one-cycle DMA at
//!   the next output cycle end, even with no bytes left ("implicit abort"): the CPU is halted
//!   for that one cycle if it is a read, and not at all otherwise.
//!
//! Everything here is kept in absolute CPU cycles so that the APU can jump over the long
//! stretches in which nothing observable happens: with the output unit silent, only the tick
//! that ends an 8-bit output cycle matters.
//! <https://www.nesdev.org/wiki/APU_DMC>, <https://www.nesdev.org/wiki/DMA>

use serde::{Deserialize, Serialize};

/// NTSC timer periods in CPU cycles.
const RATES: [u16; 16] = [
    428, 380, 340, 320, 286, 254, 226, 214, 190, 160, 142, 128, 106, 84, 72, 54,
];

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Dmc {
    irq_enabled: bool,
    looping: bool,
    rate_index: u8,
    level: u8,
    sample_addr: u16,
    sample_len: u16,
    addr: u16,
    bytes_remaining: u16,
    buffer: Option<u8>,
    shift: u8,
    /// Timer clocks left until the current output cycle ends (1–8).
    bits_remaining: u8,
    silence: bool,
    pub(super) irq_flag: bool,
    /// CPU cycle of the next timer clock (even: a clock happens at the end of that cycle).
    next_tick: u64,
    /// `$4015` bit 4 as last written (`$4015` reads report it with the bytes left).
    enabled: bool,
    /// The enable bit as the DMA unit sees it.
    dma_gate: bool,
    /// A pending change of `dma_gate`: at the end of this cycle, to this value (turning off
    /// also drops the bytes left).
    gate_change: Option<(u64, bool)>,
    /// The memory reader wants a byte; the fetch clears it.
    dma_wanted: bool,
    /// A load byte is wanted from the end of this cycle.
    load_at: Option<u64>,
    /// The next output cycle end raises a one-cycle DMA.
    implicit_armed: bool,
    /// The one cycle in which that DMA may halt the CPU.
    implicit_cycle: Option<u64>,
    /// The cycle of the last DMA fetch.
    last_get: Option<u64>,
}

impl Default for Dmc {
    fn default() -> Dmc {
        Dmc {
            irq_enabled: false,
            looping: false,
            rate_index: 0,
            level: 0,
            sample_addr: 0xC000,
            sample_len: 1,
            addr: 0xC000,
            bytes_remaining: 0,
            buffer: None,
            shift: 0,
            bits_remaining: 8,
            silence: true,
            irq_flag: false,
            next_tick: u64::from(RATES[0]),
            enabled: false,
            dma_gate: false,
            gate_change: None,
            dma_wanted: false,
            load_at: None,
            implicit_armed: false,
            implicit_cycle: None,
            last_get: None,
        }
    }
}

#[cfg(test)]
impl Dmc {
    pub(crate) fn set_rate_index_for_test(&mut self, v: u8) {
        self.rate_index = v;
    }
}

impl Dmc {
    /// Checks a loaded state against the APU's clock `now`: rate index 0–15, a 7-bit level,
    /// a sample address in $C000–$FFC0 on a 64-byte boundary and a length of 16n + 1 bytes
    /// (n ≤ 255), a current address in $8000–$FFFF with at most a sample's bytes left, 1–8
    /// bits left in the output cycle, and the timer's next clock and a pending start within
    /// one output cycle of `now`.
    pub(crate) fn validate(&self, now: u64) -> Result<(), crate::savestate::StateError> {
        use crate::savestate::{ensure, ensure_max};
        ensure_max(self.rate_index, 15, "apu.dmc.rate_index")?;
        ensure_max(self.level, 0x7F, "apu.dmc.level")?;
        ensure(
            self.sample_addr >= 0xC000 && self.sample_addr & 0x3F == 0,
            "apu.dmc.sample_addr",
            format_args!("${:04X}", self.sample_addr),
            "$C000 + 64n",
        )?;
        ensure(
            self.sample_len & 0xF == 1 && self.sample_len <= 0xFF1,
            "apu.dmc.sample_len",
            self.sample_len,
            "16n + 1, n <= 255",
        )?;
        ensure(
            self.addr >= 0x8000,
            "apu.dmc.addr",
            format_args!("${:04X}", self.addr),
            "$8000-$FFFF",
        )?;
        ensure_max(self.bytes_remaining, 0xFF1, "apu.dmc.bytes_remaining")?;
        ensure(
            (1..=8).contains(&self.bits_remaining),
            "apu.dmc.bits_remaining",
            self.bits_remaining,
            "1..=8",
        )?;
        let cycle = 8 * u64::from(RATES[0]);
        ensure(
            self.next_tick <= now + cycle && self.next_tick + cycle >= now,
            "apu.dmc.next_tick",
            self.next_tick,
            format_args!("within {cycle} cycles of the APU's {now}"),
        )?;
        // Pending DMA-unit events fall a few cycles after the write that scheduled them.
        let soon = |at: u64| at <= now + 8 && at + 8 >= now;
        if let Some((at, _)) = self.gate_change {
            ensure(
                soon(at),
                "apu.dmc.gate_change",
                at,
                format_args!("within 8 cycles of the APU's {now}"),
            )?;
        }
        if let Some(at) = self.load_at {
            ensure(
                soon(at),
                "apu.dmc.load_at",
                at,
                format_args!("within 8 cycles of the APU's {now}"),
            )?;
        }
        if let Some(at) = self.implicit_cycle {
            ensure(
                at <= self.next_tick + 1,
                "apu.dmc.implicit_cycle",
                at,
                "at most the cycle after the next timer clock",
            )?;
        }
        if let Some(at) = self.last_get {
            ensure_max(at, now + 8, "apu.dmc.last_get")?;
        }
        Ok(())
    }

    /// A write to `$4010–$4013` (`reg` = address & 3).
    pub fn write(&mut self, reg: u16, val: u8) {
        match reg {
            0 => {
                self.irq_enabled = val & 0x80 != 0;
                self.looping = val & 0x40 != 0;
                self.rate_index = val & 0x0F;
                if !self.irq_enabled {
                    self.irq_flag = false;
                }
            }
            1 => self.level = val & 0x7F,
            2 => self.sample_addr = 0xC000 | (u16::from(val) << 6),
            _ => self.sample_len = (u16::from(val) << 4) | 1,
        }
    }

    /// The DMC bit of a `$4015` write made during CPU cycle `now` (the APU has run the
    /// cycles before it).
    pub fn set_enabled(&mut self, enabled: bool, now: u64) {
        self.irq_flag = false;
        self.enabled = enabled;
        // The bit reaches the DMA unit at the end of the 2nd or 3rd cycle after the write.
        let mut at = now + if now & 1 == 1 { 2 } else { 3 };
        if enabled {
            if self.bytes_remaining == 0 {
                self.restart();
                if self.buffer.is_none() {
                    self.load_at = Some(at);
                }
            }
            // Seven or eight cycles before a timer clock: a one-cycle DMA follows.
            if self.next_tick == now + 8 - (now & 1) {
                self.implicit_armed = true;
            }
        } else {
            // Written on the timer clock that starts a reload DMA, or on the cycle after it:
            // that DMA still completes.
            let on_clock = now & 1 == 0 && self.next_tick == now;
            let after_clock = now & 1 == 1 && self.next_tick + 1 == now + self.rate();
            if on_clock || after_clock {
                at += 2;
            }
        }
        self.gate_change = Some((at, enabled));
    }

    /// The console's reset: the channel stops at once.
    pub fn reset(&mut self) {
        self.irq_flag = false;
        self.enabled = false;
        self.dma_gate = false;
        self.gate_change = None;
        self.bytes_remaining = 0;
        self.load_at = None;
        self.dma_wanted = false;
        self.implicit_armed = false;
        self.implicit_cycle = None;
    }

    fn restart(&mut self) {
        self.addr = self.sample_addr;
        self.bytes_remaining = self.sample_len;
    }

    /// `$4015` bit 4: a sample is playing.
    #[must_use]
    pub fn active(&self) -> bool {
        self.enabled && self.bytes_remaining > 0
    }

    /// The address of the byte the DMA unit is to fetch for the reader in cycle `now`, if
    /// any (the APU has run the cycles before `now`).
    #[must_use]
    pub fn dma_request(&self, now: u64) -> Option<u16> {
        (self.dma_wanted && (self.dma_gate || self.implicit_cycle == Some(now)))
            .then_some(self.addr)
    }

    /// The byte the DMA unit fetched during cycle `now` (the APU has run the cycles before
    /// it).
    pub fn dma_complete(&mut self, val: u8, now: u64) {
        self.dma_wanted = false;
        self.last_get = Some(now);
        self.buffer = Some(val);
        self.addr = if self.addr == 0xFFFF {
            0x8000
        } else {
            self.addr + 1
        };
        self.bytes_remaining = self.bytes_remaining.saturating_sub(1);
        if self.bytes_remaining == 0 {
            if self.looping {
                self.restart();
            } else {
                self.dma_gate = false;
                if self.irq_enabled {
                    self.irq_flag = true;
                }
            }
        }
    }

    fn rate(&self) -> u64 {
        u64::from(RATES[usize::from(self.rate_index)])
    }

    /// CPU cycle of the next timer clock that changes anything: every clock while a byte is
    /// being played (the level moves), else the clock that ends the output cycle.
    #[must_use]
    pub fn next_change(&self) -> u64 {
        if self.silence {
            self.next_boundary()
        } else {
            self.next_tick
        }
    }

    /// The cycle at whose end the current output cycle ends.
    fn next_boundary(&self) -> u64 {
        self.next_tick + u64::from(self.bits_remaining - 1) * self.rate()
    }

    /// The first cycle by whose start (`run_to` of it) what [`Self::dma_request`] answers may
    /// have changed on its own; `u64::MAX` if nothing is due.
    #[must_use]
    pub fn next_dma_event(&self) -> u64 {
        let boundary = if self.bytes_remaining > 0 || self.implicit_armed {
            self.next_boundary()
        } else {
            u64::MAX
        };
        boundary
            .min(self.next_delayed())
            .min(self.implicit_cycle.unwrap_or(u64::MAX))
            .saturating_add(1)
    }

    /// The cycle at whose end the next delayed `$4015` effect (load byte, enable bit) is
    /// due, or `u64::MAX`.
    #[must_use]
    pub fn next_delayed(&self) -> u64 {
        let load = self.load_at.unwrap_or(u64::MAX);
        let gate = self.gate_change.map_or(u64::MAX, |(at, _)| at);
        load.min(gate)
    }

    /// Applies the delayed `$4015` effects due at the end of cycle `at`.
    pub fn run_delayed(&mut self, at: u64) {
        if self.load_at == Some(at) {
            self.load_at = None;
            self.dma_wanted = true;
        }
        if let Some((when, on)) = self.gate_change {
            if when == at {
                self.gate_change = None;
                self.dma_gate = on;
                if !on {
                    self.bytes_remaining = 0;
                }
            }
        }
    }

    /// Runs the timer clocks before `cycle` that change nothing (none of them may end an
    /// output cycle): callers process [`Self::next_change`] first.
    pub fn skip_to(&mut self, cycle: u64) {
        // A one-cycle DMA's cycle that has passed can no longer halt the CPU: forget it, so
        // it does not stay the next DMA event for ever (the bus would then catch the APU up
        // on every cycle).
        if self.implicit_cycle.is_some_and(|at| at < cycle) {
            self.implicit_cycle = None;
        }
        if self.next_tick < cycle {
            let rate = self.rate();
            let ticks = (cycle - self.next_tick).div_ceil(rate);
            debug_assert!(self.silence && ticks < u64::from(self.bits_remaining));
            // ticks < bits_remaining <= 8
            self.bits_remaining -= ticks as u8;
            self.next_tick += ticks * rate;
        }
    }

    /// One timer clock (at the end of cycle `next_tick`).
    pub fn tick(&mut self) {
        if !self.silence {
            if self.shift & 1 != 0 {
                if self.level <= 125 {
                    self.level += 2;
                }
            } else if self.level >= 2 {
                self.level -= 2;
            }
            self.shift >>= 1;
        }
        self.bits_remaining -= 1;
        if self.bits_remaining == 0 {
            self.bits_remaining = 8;
            match self.buffer.take() {
                Some(byte) => {
                    self.silence = false;
                    self.shift = byte;
                }
                None => self.silence = true,
            }
            // The reader asks for the next byte, unless it fetched one this very cycle.
            if (self.bytes_remaining > 0 || self.implicit_armed)
                && self.last_get != Some(self.next_tick)
            {
                self.dma_wanted = true;
            }
            if self.implicit_armed {
                self.implicit_armed = false;
                self.implicit_cycle = Some(self.next_tick + 1);
            }
        }
        self.next_tick += self.rate();
    }

    /// The 7-bit output level.
    #[must_use]
    pub fn output(&self) -> u8 {
        self.level
    }
}
