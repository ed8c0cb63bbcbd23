//! The trainer's randomness, all derived from the run's `--seed`: Gaussian samples for the
//! cross-entropy method and the game seeds of the training episodes. Every stream is a
//! SplitMix64 generator started from a seed derived from the run seed and what the stream
//! is for (the iteration, the candidate), so any part of a run can be recomputed without
//! replaying the streams before it (a resumed run needs no generator state).

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast 64-bit generator.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator started from `seed`.
    #[must_use]
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        finalize(self.0)
    }
}

/// SplitMix64's output function: a bijective mix of the 64 bits.
fn finalize(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seed for the stream `tags` of the run seeded `seed`: distinct tags give unrelated
/// streams.
#[must_use]
pub fn derive(seed: u64, tags: &[u64]) -> u64 {
    tags.iter()
        .fold(finalize(seed ^ 0x7E75_1A11_5EED_0001), |h, &t| {
            finalize(h ^ finalize(t.wrapping_add(0x9E37_79B9_7F4A_7C15)))
        })
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
    fn splitmix64_reference_values() {
        // The first outputs of SplitMix64 seeded 1234567 (the published reference stream).
        let mut r = SplitMix64::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
    }

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
