//! Band-limited resampling of the mixed APU level to the host sample rate.
//!
//! The APU's output is a step function of CPU time: it only changes when a channel's timer,
//! the frame counter or a register write changes a level. Each change is added to the
//! output as a band-limited step: its derivative, a windowed-sinc impulse placed at the
//! change's exact fractional output-sample position, is accumulated into a buffer, and the
//! buffer is integrated as samples are taken out. This is the band-limited step synthesis
//! idea behind blargg's Blip_Buffer, written from the description: cost is per change
//! (16 multiply-adds), not per CPU cycle, and no aliasing from the 1.79 MHz source.
//! The samples then pass through the NES's output filters ([`super::filter`]).
//! <http://www.slack.net/~ant/bl-synth/>

use super::filter::OutputFilter;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;
use std::sync::OnceLock;

/// Impulse length in output samples.
const TAPS: usize = 16;
/// Sub-sample positions the impulse is tabulated at.
const PHASES: usize = 64;
/// Cutoff of the impulse as a fraction of the output rate (0.5 = Nyquist).
const CUTOFF: f64 = 0.45;

/// NTSC CPU clock = 236.25 MHz / 11 / 12 = 19 687 500 / 11 Hz.
const CPU_HZ_NUM: u128 = 19_687_500;
const CPU_HZ_DEN: u128 = 11;

fn kernel() -> &'static [[f32; TAPS]; PHASES + 1] {
    static KERNEL: OnceLock<[[f32; TAPS]; PHASES + 1]> = OnceLock::new();
    KERNEL.get_or_init(|| {
        let mut k = [[0.0; TAPS]; PHASES + 1];
        let half = (TAPS / 2) as f64;
        for (phase, row) in k.iter_mut().enumerate() {
            let frac = phase as f64 / PHASES as f64;
            let mut taps = [0.0f64; TAPS];
            for (i, tap) in taps.iter_mut().enumerate() {
                // Distance of this output sample from the (delayed) step, in samples.
                let x = i as f64 - half - frac + 1.0;
                if x.abs() >= half {
                    continue;
                }
                let arg = 2.0 * CUTOFF * x;
                let sinc = if arg == 0.0 {
                    1.0
                } else {
                    (PI * arg).sin() / (PI * arg)
                };
                let w = 0.42 + 0.5 * (PI * x / half).cos() + 0.08 * (2.0 * PI * x / half).cos();
                *tap = sinc * w;
            }
            // Each impulse sums to 1 so that a step of `delta` ends exactly `delta` higher.
            let sum: f64 = taps.iter().sum();
            for (dst, src) in row.iter_mut().zip(taps) {
                *dst = (src / sum) as f32;
            }
        }
        k
    })
}

/// Turns level changes at CPU cycles into filtered samples at `rate`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Resampler {
    rate: u32,
    /// Output-sample index (since power-on) of `buf[0]`.
    start: u64,
    /// Pending impulse sums (at most a frame or so between two `take`s). Saved with the
    /// state, so a restored state continues without a step in the output.
    buf: Vec<f32>,
    /// The integrated level at `start`.
    level: f32,
    filter: OutputFilter,
    /// A CPU cycle (the last `take`) and its exact position relative to `start`: positions
    /// of later cycles are interpolated from it in f64, which is exact to far below a
    /// kernel phase over the few frames between two `take`s, and avoids a 128-bit division
    /// per level change (it was most of the cost of audio output).
    anchor_cycle: u64,
    anchor_offset: f64,
    /// Output samples per CPU cycle.
    ratio: f64,
}

impl Resampler {
    /// A resampler whose first sample is the one containing CPU cycle `now`.
    #[must_use]
    pub fn new(rate: u32, now: u64) -> Resampler {
        let mut r = Resampler {
            rate,
            start: 0,
            buf: Vec::with_capacity(4096),
            level: 0.0,
            filter: OutputFilter::new(rate),
            anchor_cycle: now,
            anchor_offset: 0.0,
            ratio: (f64::from(rate) * CPU_HZ_DEN as f64) / CPU_HZ_NUM as f64,
        };
        let (whole, frac) = r.position(now);
        r.start = whole;
        r.anchor_offset = frac;
        r
    }

    #[must_use]
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Output-sample position of CPU cycle `cycle`: whole samples and the fraction.
    fn position(&self, cycle: u64) -> (u64, f64) {
        let num = u128::from(cycle) * u128::from(self.rate) * CPU_HZ_DEN;
        let whole = num / CPU_HZ_NUM;
        let frac = (num % CPU_HZ_NUM) as f64 / CPU_HZ_NUM as f64;
        (whole as u64, frac)
    }

    /// The level changes by `delta` at CPU cycle `cycle` (not before the last `take`).
    pub fn add_step(&mut self, cycle: u64, delta: f32) {
        let Some(since) = cycle.checked_sub(self.anchor_cycle) else {
            // Before the samples already handed out: fold it into the level.
            self.level += delta;
            return;
        };
        let pos = self.anchor_offset + since as f64 * self.ratio;
        let offset = pos as usize;
        let frac = pos - offset as f64;
        if self.buf.len() < offset + TAPS {
            self.buf.resize(offset + TAPS, 0.0);
        }
        let phase = (frac * PHASES as f64).round() as usize;
        let taps = &kernel()[phase];
        for (dst, k) in self.buf[offset..offset + TAPS].iter_mut().zip(taps) {
            *dst += delta * k;
        }
    }

    /// Appends every sample that lies entirely before CPU cycle `now` to `out`.
    pub fn take(&mut self, now: u64, out: &mut Vec<f32>) {
        let (end, _) = self.position(now);
        let Some(count) = end.checked_sub(self.start) else {
            return;
        };
        let count = count as usize;
        if self.buf.len() < count {
            self.buf.resize(count, 0.0);
        }
        out.reserve(count);
        for &impulse in &self.buf[..count] {
            self.level += impulse;
            out.push(self.filter.process(self.level).clamp(-1.0, 1.0));
        }
        self.buf.drain(..count);
        self.start = end;
        self.anchor_cycle = now;
        self.anchor_offset = self.position(now).1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phase_sums_to_one() {
        for row in kernel() {
            let sum: f32 = row.iter().sum();
            assert!((sum - 1.0).abs() < 1e-5);
        }
    }

    #[test]
    fn one_second_of_cycles_gives_rate_samples() {
        let mut r = Resampler::new(44_100, 0);
        let mut out = Vec::new();
        r.take(1_789_773, &mut out);
        assert!((44_099..=44_101).contains(&out.len()), "{}", out.len());
    }
}
