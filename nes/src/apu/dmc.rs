//! The delta modulation channel, `$4010–$4013`.
//!
//! A timer with one of 16 rates clocks an output unit that shifts 8-bit sample bytes out
//! one bit at a time, moving a 7-bit level up or down by 2. A one-byte sample buffer sits in
//! front of it; when the output unit empties the buffer and bytes of the sample remain, the
//! memory reader asks the CPU for a DMA (`dmc_dma_request`), and the fetched byte comes back
//! through [`Dmc::dma_complete`]. Addresses wrap from $FFFF to $8000; at the end of a
//! sample it restarts (loop flag) or raises its IRQ flag (if enabled).
//!
//! Everything here is kept in absolute CPU cycles so that the APU can jump over the long
//! stretches in which nothing observable happens: with the output unit silent, only the tick
//! that ends an 8-bit output cycle (and may empty the buffer) matters.
//! <https://www.nesdev.org/wiki/APU_DMC>

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
    /// CPU cycle of the next timer clock.
    next_tick: u64,
    /// A sample (re)started by `$4015` fetches its first byte only from this cycle on.
    dma_start: Option<u64>,
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
            dma_start: None,
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
        if let Some(at) = self.dma_start {
            ensure(
                at <= now + 3,
                "apu.dmc.dma_start",
                at,
                format_args!("at most 3 cycles after the APU's {now}"),
            )?;
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

    /// The DMC bit of a `$4015` write made at CPU cycle `now`.
    pub fn set_enabled(&mut self, enabled: bool, now: u64) {
        self.irq_flag = false;
        if !enabled {
            self.bytes_remaining = 0;
            self.dma_start = None;
        } else if self.bytes_remaining == 0 {
            self.restart();
            if self.buffer.is_none() {
                // The reader starts 2 or 3 cycles after the write, on the same APU phase as
                // a `$4017` write takes effect.
                self.dma_start = Some(now + if now & 1 == 1 { 2 } else { 3 });
            }
        }
    }

    fn restart(&mut self) {
        self.addr = self.sample_addr;
        self.bytes_remaining = self.sample_len;
    }

    #[must_use]
    pub fn active(&self) -> bool {
        self.bytes_remaining > 0
    }

    /// The address the memory reader wants fetched, if it wants a byte now.
    #[must_use]
    pub fn dma_request(&self) -> Option<u16> {
        (self.buffer.is_none() && self.bytes_remaining > 0 && self.dma_start.is_none())
            .then_some(self.addr)
    }

    /// The byte the CPU fetched for [`Self::dma_request`].
    pub fn dma_complete(&mut self, val: u8) {
        if self.bytes_remaining == 0 {
            return;
        }
        self.buffer = Some(val);
        self.addr = if self.addr == 0xFFFF {
            0x8000
        } else {
            self.addr + 1
        };
        self.bytes_remaining -= 1;
        if self.bytes_remaining == 0 {
            if self.looping {
                self.restart();
            } else if self.irq_enabled {
                self.irq_flag = true;
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
            self.next_tick + u64::from(self.bits_remaining - 1) * self.rate()
        } else {
            self.next_tick
        }
    }

    /// CPU cycle from which a pending start makes a DMA request.
    #[must_use]
    pub fn dma_start(&self) -> Option<u64> {
        self.dma_start
    }

    /// Lets a delayed start fetch (at or after its cycle).
    pub fn release_dma(&mut self) {
        self.dma_start = None;
    }

    /// The cycle after which the output unit next empties a full buffer that must be
    /// refilled (a DMA request appears), if that is ahead.
    #[must_use]
    pub fn next_refill(&self) -> Option<u64> {
        (self.buffer.is_some() && self.bytes_remaining > 0)
            .then(|| self.next_tick + u64::from(self.bits_remaining - 1) * self.rate())
    }

    /// Runs the timer clocks before `cycle` that change nothing (none of them may end an
    /// output cycle): callers process [`Self::next_change`] first.
    pub fn skip_to(&mut self, cycle: u64) {
        if self.next_tick < cycle {
            let rate = self.rate();
            let ticks = (cycle - self.next_tick).div_ceil(rate);
            debug_assert!(self.silence && ticks < u64::from(self.bits_remaining));
            // ticks < bits_remaining <= 8
            self.bits_remaining -= ticks as u8;
            self.next_tick += ticks * rate;
        }
    }

    /// One timer clock (at `next_tick`).
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
        }
        self.next_tick += self.rate();
    }

    /// The 7-bit output level.
    #[must_use]
    pub fn output(&self) -> u8 {
        self.level
    }
}
