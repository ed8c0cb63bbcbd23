//! The noisy cross-entropy method (Szita & Lőrincz, "Learning Tetris Using the Noisy
//! Cross-Entropy Method", Neural Computation 18(12), 2006).
//!
//! The search keeps an independent Gaussian per weight, mean `μ` and variance `σ²`. Each
//! iteration draws a population of weight vectors `w = μ + σ ⊙ z` (`z` standard normal),
//! scores each one, keeps the best `elite` of them and refits the Gaussian to the elites:
//! `μ` becomes their mean and `σ²` their variance plus the noise `Z_t` of the iteration.
//! Without noise the variance collapses before the search has found good weights; the
//! paper's constant (`Z = 4`) and decreasing (`Z_t = max(5 − t/10, 0)`) noise keep it
//! searching ([`Noise`]).
//!
//! Everything is a function of the run seed: the samples of iteration `t` come from a stream
//! derived from `(seed, t)`, and elites are chosen by score with ties broken by candidate
//! index, so the same seed and the same scores give the same search.

use crate::rng::{derive, Gaussian};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The variance added to the elites' variance after each iteration (the paper's `Z_t`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Noise {
    /// No noise (the plain cross-entropy method).
    None,
    /// `Z_t = z` every iteration.
    Constant { z: f64 },
    /// `Z_t = max(start − slope · t, 0)`: the paper's decreasing noise is `start` 5,
    /// `slope` 0.1.
    Linear { start: f64, slope: f64 },
}

impl Noise {
    /// `Z_t` after iteration `t` (0 for the first).
    #[must_use]
    pub fn at(&self, t: u32) -> f64 {
        match *self {
            Noise::None => 0.0,
            Noise::Constant { z } => z,
            Noise::Linear { start, slope } => (start - slope * f64::from(t)).max(0.0),
        }
    }

    /// Checks that the schedule's numbers are finite and non-negative.
    pub fn validate(&self) -> Result<(), String> {
        let ok = |x: f64| x.is_finite() && x >= 0.0;
        match *self {
            Noise::None => Ok(()),
            Noise::Constant { z } if ok(z) => Ok(()),
            Noise::Linear { start, slope } if ok(start) && ok(slope) => Ok(()),
            _ => Err(format!(
                "noise {self}: the numbers must be finite and non-negative"
            )),
        }
    }
}

impl fmt::Display for Noise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Noise::None => write!(f, "none"),
            Noise::Constant { z } => write!(f, "constant:{z}"),
            Noise::Linear { start, slope } => write!(f, "linear:{start},{slope}"),
        }
    }
}

impl FromStr for Noise {
    type Err = String;

    /// `none`, `constant:Z` or `linear:START,SLOPE`.
    fn from_str(s: &str) -> Result<Noise, String> {
        let bad = || {
            format!(
                "noise {s:?}: expected none, constant:Z or linear:START,SLOPE (e.g. linear:5,0.1)"
            )
        };
        let num = |t: &str| t.trim().parse::<f64>().map_err(|_| bad());
        let noise = match s.split_once(':') {
            None if s == "none" => Noise::None,
            Some(("constant", z)) => Noise::Constant { z: num(z)? },
            Some(("linear", rest)) => {
                let (a, b) = rest.split_once(',').ok_or_else(bad)?;
                Noise::Linear {
                    start: num(a)?,
                    slope: num(b)?,
                }
            }
            _ => return Err(bad()),
        };
        noise.validate()?;
        Ok(noise)
    }
}

/// The search distribution: a Gaussian per weight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cem {
    /// `μ`, the current estimate of the best weights.
    pub mean: Vec<f64>,
    /// `σ²` per weight.
    pub variance: Vec<f64>,
    /// Iterations completed.
    pub iteration: u32,
}

/// What one update did.
#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    /// Indices of the elite candidates, best first.
    pub elites: Vec<usize>,
    /// The noise added to the variance (`Z_t`).
    pub noise: f64,
}

impl Cem {
    /// Starts the search at `mean` with standard deviation `std` for every weight.
    #[must_use]
    pub fn new(mean: Vec<f64>, std: f64) -> Cem {
        let variance = vec![std * std; mean.len()];
        Cem {
            mean,
            variance,
            iteration: 0,
        }
    }

    /// Number of weights.
    #[must_use]
    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// The standard deviation of each weight.
    #[must_use]
    pub fn std(&self) -> Vec<f64> {
        self.variance.iter().map(|v| v.sqrt()).collect()
    }

    /// The population of the current iteration: `n` weight vectors drawn from the Gaussian
    /// with the stream of `(seed, iteration)`. Drawing twice gives the same population.
    #[must_use]
    pub fn sample(&self, n: usize, seed: u64) -> Vec<Vec<f64>> {
        let mut g = Gaussian::new(derive(seed, &[0xCE, u64::from(self.iteration)]));
        let std = self.std();
        (0..n)
            .map(|_| {
                self.mean
                    .iter()
                    .zip(&std)
                    .map(|(m, s)| m + s * g.sample())
                    .collect()
            })
            .collect()
    }

    /// Refits the Gaussian to the `elite` best of `candidates` (by `scores`, higher is
    /// better; ties go to the lower index) and adds the iteration's noise. `scores` must
    /// be finite and as many as the candidates; `elite` is clamped to 1..=candidates.
    pub fn update(
        &mut self,
        candidates: &[Vec<f64>],
        scores: &[f64],
        elite: usize,
        noise: Noise,
    ) -> Update {
        assert_eq!(candidates.len(), scores.len(), "one score per candidate");
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        let elites: Vec<usize> = order[..elite.clamp(1, candidates.len())].to_vec();
        let k = elites.len() as f64;
        let z = noise.at(self.iteration);
        for (d, (mean, variance)) in self.mean.iter_mut().zip(&mut self.variance).enumerate() {
            let m = elites.iter().map(|&i| candidates[i][d]).sum::<f64>() / k;
            let var = elites
                .iter()
                .map(|&i| (candidates[i][d] - m).powi(2))
                .sum::<f64>()
                / k;
            *mean = m;
            *variance = var + z;
        }
        self.iteration += 1;
        Update { elites, noise: z }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_schedules_parse_print_and_decay() {
        let n: Noise = "linear:5,0.1".parse().unwrap();
        assert_eq!(
            n,
            Noise::Linear {
                start: 5.0,
                slope: 0.1
            }
        );
        assert_eq!(n.to_string(), "linear:5,0.1");
        assert!((n.at(10) - 4.0).abs() < 1e-12);
        assert_eq!(n.at(60), 0.0);
        assert_eq!("constant:4".parse::<Noise>().unwrap().at(99), 4.0);
        assert_eq!("none".parse::<Noise>().unwrap(), Noise::None);
        for bad in [
            "",
            "linear:5",
            "constant:-1",
            "constant:nan",
            "exp:1",
            "linear:1,inf",
        ] {
            assert!(bad.parse::<Noise>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn sampling_is_a_function_of_seed_and_iteration() {
        let c = Cem::new(vec![1.0, -2.0, 0.5], 3.0);
        assert_eq!(c.sample(5, 9), c.sample(5, 9));
        assert_ne!(c.sample(5, 9), c.sample(5, 10));
        let mut later = c.clone();
        later.iteration = 1;
        assert_ne!(c.sample(5, 9), later.sample(5, 9));
    }

    #[test]
    fn samples_follow_the_distribution() {
        let c = Cem::new(vec![10.0, -5.0], 2.0);
        let s = c.sample(20_000, 1);
        for (d, want) in [10.0, -5.0].into_iter().enumerate() {
            let mean = s.iter().map(|w| w[d]).sum::<f64>() / s.len() as f64;
            let var = s.iter().map(|w| (w[d] - mean).powi(2)).sum::<f64>() / s.len() as f64;
            assert!((mean - want).abs() < 0.05, "mean {mean}");
            assert!((var - 4.0).abs() < 0.15, "variance {var}");
        }
    }

    #[test]
    fn update_fits_the_elites_and_adds_noise() {
        let mut c = Cem::new(vec![0.0, 0.0], 1.0);
        let cand = vec![
            vec![1.0, 10.0],
            vec![3.0, 20.0],
            vec![100.0, 0.0],
            vec![-7.0, 5.0],
        ];
        // Candidates 1 and 0 score best; 2 ties with 0 but has the higher index.
        let u = c.update(&cand, &[5.0, 9.0, 5.0, -1.0], 2, Noise::Constant { z: 0.5 });
        assert_eq!(u.elites, vec![1, 0]);
        assert_eq!(c.mean, vec![2.0, 15.0]);
        assert_eq!(c.variance, vec![1.0 + 0.5, 25.0 + 0.5]);
        assert_eq!(c.iteration, 1);
    }

    /// The method itself: maximise −‖w − target‖² from zero. Without noise it converges; the
    /// variance stays at least the noise with noise.
    #[test]
    fn finds_the_optimum_of_a_quadratic() {
        let target = [3.0, -1.5, 0.25, 8.0];
        let score = |w: &[f64]| {
            -w.iter()
                .zip(&target)
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f64>()
        };
        let mut c = Cem::new(vec![0.0; 4], 5.0);
        for _ in 0..60 {
            let pop = c.sample(40, 123);
            let scores: Vec<f64> = pop.iter().map(|w| score(w)).collect();
            c.update(
                &pop,
                &scores,
                8,
                Noise::Linear {
                    start: 1.0,
                    slope: 0.05,
                },
            );
        }
        for (m, t) in c.mean.iter().zip(&target) {
            assert!((m - t).abs() < 0.05, "mean {:?}", c.mean);
        }
    }
}
