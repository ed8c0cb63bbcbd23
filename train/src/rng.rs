//! The trainer's randomness, all derived from the run's `--seed`: Gaussian samples for the
//! cross-entropy method and the game seeds of the training episodes. Every stream is the
//! workspace's one generator (`tetris_env::seeding::SplitMix64`) started from a seed derived
//! from the run seed and what the stream is for (the iteration), so any part of a run can
//! be recomputed without replaying the streams before it (a resumed run needs no generator
//! state).

pub use tetris_env::seeding::SplitMix64;

/// One output of SplitMix64 started at `x`: a bijective mix of the 64 bits.
fn mix(x: u64) -> u64 {
    SplitMix64::new(x).next_u64()
}

/// A seed for the stream `tags` of the run seeded `seed`: distinct tags give unrelated
/// streams.
#[must_use]
pub fn derive(seed: u64, tags: &[u64]) -> u64 {
    tags.iter()
        .fold(mix(seed ^ 0x7E75_1A11_5EED_0001), |h, &t| mix(h ^ mix(t)))
}

/// Uniform in (0, 1]: 53 random bits, never 0 (so its logarithm is finite).
fn unit_open0(rng: &mut SplitMix64) -> f64 {
    ((rng.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Standard normal samples by the Box–Muller transform (both outputs used).
#[derive(Debug)]
pub struct Gaussian {
    rng: SplitMix64,
    spare: Option<f64>,
}

impl Gaussian {
    /// Samples from the stream seeded `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Gaussian {
        Gaussian {
            rng: SplitMix64::new(seed),
            spare: None,
        }
    }

    /// The next N(0, 1) sample.
    pub fn sample(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let r = (-2.0 * unit_open0(&mut self.rng).ln()).sqrt();
        let theta = std::f64::consts::TAU * unit_open0(&mut self.rng);
        self.spare = Some(r * theta.sin());
        r * theta.cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_streams_differ_and_repeat() {
        assert_eq!(derive(7, &[1, 2]), derive(7, &[1, 2]));
        assert_ne!(derive(7, &[1, 2]), derive(7, &[2, 1]));
        assert_ne!(derive(7, &[1]), derive(8, &[1]));
        assert_ne!(derive(7, &[0]), derive(7, &[]));
    }

    #[test]
    fn gaussian_moments() {
        let mut g = Gaussian::new(42);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| g.sample()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
        let beyond_2 = xs.iter().filter(|x| x.abs() > 2.0).count() as f64 / n as f64;
        assert!((beyond_2 - 0.0455).abs() < 0.003, "P(|z| > 2) = {beyond_2}");
    }
}
