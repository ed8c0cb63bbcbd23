//! The 2A03's audio processing unit: two pulse channels, triangle, noise, DMC, the frame
//! counter, the status register `$4015` and the mixer.
//!
//! Time is CPU cycles since power-on. The APU runs lazily: the bus calls [`Apu::run_to`]
//! before every APU register access and whenever the clock passes [`Apu::next_event`], and
//! `run_to` jumps from event to event — frame-counter steps, the DMC tick that may empty its
//! sample buffer, a delayed DMC start — instead of looping over cycles. The channel timers
//! (pulse sequencers, triangle steps, noise shift register, DMC level changes) only matter
//! to the sound, so they are run only while audio output is on ([`Apu::set_audio`]); the
//! CPU-visible state (`$4015`, IRQ, DMA requests) is identical either way.
//!
//! Measured (APU alone, 60 s of a sound-engine-like write pattern, test profile, shared
//! 2-core machine): about 2 million frames/s with audio off, 2 000–4 000 frames/s (30–60×
//! real time) with audio on and all four tone channels at high rates.
//!
//! Within a CPU cycle, a register access made during cycle `c` happens before the APU's own
//! work for cycle `c` (`run_to(c)` has run cycles `< c`); the races this creates with the
//! frame counter are modelled in `length.rs`.
//! <https://www.nesdev.org/wiki/APU>

mod dmc;
mod envelope;
mod filter;
mod frame_counter;
mod length;
mod mixer;
mod noise;
mod pulse;
mod resampler;
mod sweep;
mod triangle;

use dmc::Dmc;
use frame_counter::{FrameCounter, Step};
use noise::Noise;
use pulse::Pulse;
use resampler::Resampler;
use serde::{Deserialize, Serialize};
use triangle::Triangle;

pub use mixer::mix;

/// Sample rates the front-end usually asks for.
pub const SAMPLE_RATE_44K: u32 = 44_100;
pub const SAMPLE_RATE_48K: u32 = 48_000;

/// At reset the APU behaves as if the last `$4017` value had been written again this many
/// cycles before the CPU's 7-cycle reset sequence begins. blargg: the first instruction
/// starts 9–12 cycles after the write (usually 9); apu_reset/4017_timing measures 9 here,
/// at power-on (see [`Apu::new`]) and after reset.
const RESET_4017_LEAD: u64 = 3;

/// How far a loaded APU's clock may lag the CPU's: the bus catches the APU up at every
/// register access and frame end, so 2^32 cycles (40 minutes) is far beyond any real state,
/// and catching up over it (frame-counter step by step) stays short.
const MAX_LAG: u64 = 1 << 32;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Apu {
    pulse1: Pulse,
    pulse2: Pulse,
    triangle: Triangle,
    noise: Noise,
    dmc: Dmc,
    frame: FrameCounter,
    /// Cycles before this one have been run.
    now: u64,
    /// Audio output, when enabled: output, not state, so a save state carries none.
    #[serde(skip)]
    audio: Option<Resampler>,
    /// The mixed level last handed to `audio`.
    level: f32,
}

impl Default for Apu {
    fn default() -> Apu {
        Apu::new()
    }
}

#[cfg(test)]
impl Apu {
    pub(crate) fn dmc_mut_for_test(&mut self) -> &mut Dmc {
        &mut self.dmc
    }
    pub(crate) fn frame_mut_for_test(&mut self) -> &mut FrameCounter {
        &mut self.frame
    }
}

impl Apu {
    /// The APU at power-on (audio output off).
    #[must_use]
    pub fn new() -> Apu {
        // As if $00 had been written to $4017 just before power-on: the sequence starts at
        // cycle 0, which blargg's apu_reset/4017_timing reports as a delay of 9.
        let start = 0;
        Apu {
            pulse1: Pulse::new(true),
            pulse2: Pulse::new(false),
            triangle: Triangle::default(),
            noise: Noise::default(),
            dmc: Dmc::default(),
            frame: FrameCounter::started(0, start),
            now: 0,
            audio: None,
            level: 0.0,
        }
    }

    /// The console's reset button (the bus has caught up first): `$4015` is written with 0,
    /// the frame IRQ flag clears, and the last `$4017` value is written again as at power-on.
    /// Channel registers keep their values.
    pub fn reset(&mut self) {
        let now = self.now;
        self.write_status(0);
        self.dmc.reset();
        let val = self.frame.last_write();
        self.frame.restart(val, now.saturating_sub(RESET_4017_LEAD));
        self.update_output(now);
    }

    /// Checks a loaded state (see [`crate::savestate`]) against the CPU's cycle count: the
    /// APU's clock at most a long catch-up behind it (never ahead), then each unit's fields
    /// (their `validate`s) and the mixer level.
    pub(crate) fn validate(&self, cycles: u64) -> Result<(), crate::savestate::StateError> {
        use crate::savestate::ensure;
        ensure(
            self.now <= cycles + 1 && self.now + MAX_LAG >= cycles,
            "apu.now",
            self.now,
            format_args!("within {MAX_LAG} cycles before the CPU's {cycles}"),
        )?;
        self.pulse1.validate("apu.pulse1")?;
        self.pulse2.validate("apu.pulse2")?;
        self.triangle.validate()?;
        self.noise.validate()?;
        self.dmc.validate(self.now)?;
        self.frame.validate(self.now)?;
        ensure(
            (0.0..=1.0).contains(&self.level),
            "apu.level",
            self.level,
            "a mixer level in 0..=1",
        )
    }

    /// Turns audio output on at `sample_rate` Hz (e.g. [`SAMPLE_RATE_44K`]) or off (`None`).
    pub fn set_audio(&mut self, sample_rate: Option<u32>) {
        match sample_rate {
            None => self.audio = None,
            Some(rate) => {
                if self.audio.as_ref().map(Resampler::rate) != Some(rate) {
                    let now = self.now;
                    self.audio = Some(Resampler::new(rate, now));
                    self.level = 0.0;
                    self.pulse1.next_tick = now + self.pulse1.timer_period();
                    self.pulse2.next_tick = now + self.pulse2.timer_period();
                    self.triangle.next_tick = now + self.triangle.timer_period();
                    self.noise.next_tick = now + self.noise.timer_period();
                    self.update_output(now);
                }
            }
        }
    }

    /// The output sample rate, if audio output is on.
    #[must_use]
    pub fn audio_rate(&self) -> Option<u32> {
        self.audio.as_ref().map(Resampler::rate)
    }

    /// Moves the samples produced so far (mono, in [-1, 1]) to the end of `out`. Call after
    /// the APU has been caught up (e.g. after `Nes::run_frame`), and regularly: samples are
    /// buffered until taken.
    pub fn take_samples(&mut self, out: &mut Vec<f32>) {
        let now = self.now;
        if let Some(audio) = &mut self.audio {
            audio.take(now, out);
        }
    }

    /// Catches up to the start of CPU cycle `cycle`.
    pub fn run_to(&mut self, cycle: u64) {
        if cycle <= self.now {
            return;
        }
        let audio = self.audio.is_some();
        loop {
            let fc_at = self.frame.next_event();
            let dmc_at = self.dmc.next_change();
            let delayed_at = self.dmc.next_delayed();
            let mut at = fc_at.min(dmc_at).min(delayed_at);
            if audio {
                at = at
                    .min(self.pulse1.next_tick)
                    .min(self.pulse2.next_tick)
                    .min(self.triangle.next_tick)
                    .min(self.noise.next_tick);
            }
            if at >= cycle {
                break;
            }
            // Within one cycle's APU work: the DMC timer (even cycles), the delayed `$4015`
            // effects, then the frame counter.
            if dmc_at == at {
                self.dmc.skip_to(at);
                self.dmc.tick();
            }
            if delayed_at == at {
                self.dmc.run_delayed(at);
            }
            if fc_at == at {
                let step = self.frame.run_event(at);
                self.clock_frame(step);
            }
            if audio {
                if self.pulse1.next_tick == at {
                    self.pulse1.tick();
                }
                if self.pulse2.next_tick == at {
                    self.pulse2.tick();
                }
                if self.triangle.next_tick == at {
                    self.triangle.tick();
                }
                if self.noise.next_tick == at {
                    self.noise.tick();
                }
                self.update_output(at);
            }
        }
        self.dmc.skip_to(cycle);
        self.now = cycle;
    }

    fn clock_frame(&mut self, step: Step) {
        if step.quarter {
            self.pulse1.quarter_frame();
            self.pulse2.quarter_frame();
            self.triangle.quarter_frame();
            self.noise.quarter_frame();
        }
        if step.half {
            self.pulse1.half_frame();
            self.pulse2.half_frame();
            self.triangle.half_frame();
            self.noise.half_frame();
        }
        // Length writes that raced this clock land now.
        self.pulse1.length.settle();
        self.pulse2.length.settle();
        self.triangle.length.settle();
        self.noise.length.settle();
    }

    /// Hands a change of the mixed level to the resampler.
    fn update_output(&mut self, at: u64) {
        if let Some(audio) = &mut self.audio {
            let level = mix(
                self.pulse1.output(),
                self.pulse2.output(),
                self.triangle.output_x2(),
                self.noise.output(),
                self.dmc.output(),
            );
            if level != self.level {
                audio.add_step(at, level - self.level);
                self.level = level;
            }
        }
    }

    /// CPU cycle at or after which the APU next changes, on its own, the IRQ line or wants a
    /// DMC DMA; `u64::MAX` if nothing is due. (An event processed during cycle `c` is seen
    /// after `run_to(c + 1)`.)
    #[must_use]
    pub fn next_event(&self) -> u64 {
        let fc = self.frame.next_irq_event();
        let dmc = self.dmc.next_dma_event();
        let line = if self.now < self.frame.line_from {
            self.frame.line_from
        } else {
            u64::MAX
        };
        fc.saturating_add(1).min(dmc).min(line)
    }

    /// A CPU read of `$4015` (the bus has caught up first). Clears the frame IRQ flag.
    pub fn read_status(&mut self) -> u8 {
        let status = self.peek_status();
        self.frame.read_clear(self.now);
        status
    }

    /// `$4015` as a read would return it, without side effects.
    #[must_use]
    pub fn peek_status(&self) -> u8 {
        u8::from(self.pulse1.length.active())
            | u8::from(self.pulse2.length.active()) << 1
            | u8::from(self.triangle.length.active()) << 2
            | u8::from(self.noise.length.active()) << 3
            | u8::from(self.dmc.active()) << 4
            | u8::from(self.frame.irq_flag) << 6
            | u8::from(self.dmc.irq_flag) << 7
    }

    fn write_status(&mut self, val: u8) {
        self.pulse1.length.set_enabled(val & 1 != 0);
        self.pulse2.length.set_enabled(val & 2 != 0);
        self.triangle.length.set_enabled(val & 4 != 0);
        self.noise.length.set_enabled(val & 8 != 0);
        self.dmc.set_enabled(val & 0x10 != 0, self.now);
    }

    /// A CPU write of `$4000–$4013`, `$4015` or `$4017` (the bus has caught up first).
    pub fn write_register(&mut self, addr: u16, val: u8) {
        let now = self.now;
        let racing = self.frame.half_clock_at(now);
        match addr {
            0x4000..=0x4003 => self.pulse1.write(addr & 3, val, racing),
            0x4004..=0x4007 => self.pulse2.write(addr & 3, val, racing),
            0x4008..=0x400B => self.triangle.write(addr & 3, val, racing),
            0x400C..=0x400F => self.noise.write(addr & 3, val, racing),
            0x4010..=0x4013 => self.dmc.write(addr & 3, val),
            0x4015 => self.write_status(val),
            0x4017 => self.frame.write(val, now),
            _ => {}
        }
        self.update_output(now);
    }

    /// Whether the APU holds the CPU's IRQ line low (frame or DMC interrupt).
    #[must_use]
    pub fn irq_line(&self) -> bool {
        self.now >= self.frame.line_from || self.dmc.irq_flag
    }

    /// The address of the sample byte the DMA unit is to fetch for the DMC in the cycle the
    /// APU has been run to, if any.
    #[must_use]
    pub fn dmc_dma_request(&self) -> Option<u16> {
        self.dmc.dma_request(self.now)
    }

    /// The byte the DMA unit fetched for [`Self::dmc_dma_request`] during the cycle the APU
    /// has been run to (before that cycle's own APU work).
    pub fn dmc_dma_complete(&mut self, val: u8) {
        self.dmc.dma_complete(val, self.now);
    }
}

#[cfg(test)]
mod tests;
