//! The NES's analog output stage as three first-order filters: high-pass at 90 Hz and
//! 440 Hz, low-pass at 14 kHz, run at the output sample rate.
//! <https://www.nesdev.org/wiki/APU_Mixer>

use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct HighPass {
    alpha: f32,
    prev_in: f32,
    prev_out: f32,
}

impl HighPass {
    fn new(cutoff: f64, rate: f64) -> HighPass {
        let rc = 1.0 / (2.0 * PI * cutoff);
        let dt = 1.0 / rate;
        HighPass {
            alpha: (rc / (rc + dt)) as f32,
            prev_in: 0.0,
            prev_out: 0.0,
        }
    }

    fn process(&mut self, x: f32) -> f32 {
        let y = self.alpha * (self.prev_out + x - self.prev_in);
        self.prev_in = x;
        self.prev_out = y;
        y
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct LowPass {
    beta: f32,
    prev_out: f32,
}

impl LowPass {
    fn new(cutoff: f64, rate: f64) -> LowPass {
        let rc = 1.0 / (2.0 * PI * cutoff);
        let dt = 1.0 / rate;
        LowPass {
            beta: (dt / (rc + dt)) as f32,
            prev_out: 0.0,
        }
    }

    fn process(&mut self, x: f32) -> f32 {
        self.prev_out += self.beta * (x - self.prev_out);
        self.prev_out
    }
}

/// The output filter chain.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutputFilter {
    hp90: HighPass,
    hp440: HighPass,
    lp14k: LowPass,
}

impl OutputFilter {
    #[must_use]
    pub fn new(rate: u32) -> OutputFilter {
        let rate = f64::from(rate);
        OutputFilter {
            hp90: HighPass::new(90.0, rate),
            hp440: HighPass::new(440.0, rate),
            lp14k: LowPass::new(14_000.0, rate),
        }
    }

    pub fn process(&mut self, x: f32) -> f32 {
        let x = self.hp90.process(x);
        let x = self.hp440.process(x);
        self.lp14k.process(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_dc() {
        let mut f = OutputFilter::new(44_100);
        let mut y = 1.0;
        for _ in 0..44_100 {
            y = f.process(0.5);
        }
        assert!(y.abs() < 1e-4, "{y}");
    }
}
