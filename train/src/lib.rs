//! Learning to play NES Tetris in Rust, on the real ROM: the noisy cross-entropy method
//! (Szita & Lőrincz 2006) over the weights of a placement agent's feature evaluation.
//!
//! - [`cem`]: the search (a Gaussian per weight, elites, noise schedule);
//! - [`config`]: a run's settings ([`TrainConfig`]) and the games it plays (training seeds
//!   never include an evaluation game);
//! - [`evaluate`]: the [`Evaluator`] trait, where weights meet the game;
//! - [`trainer`]: the loop ([`Trainer`]): iterations, the final evaluation, the policy;
//! - [`record`]: what a run leaves (events, checkpoint) as data;
//! - [`policy`]: saved policies ([`Policy`]), checked against the agent that plays them;
//! - [`curve`]: the learning curve as a PNG.
//!
//! The `tetris-nes train` command writes a run folder from these (see `docs/training.md`).
//!
//! The search on its own, maximising a function of three weights:
//!
//! ```
//! use tetris_train::cem::{Cem, Noise};
//!
//! let target = [2.0, -1.0, 0.5];
//! let score = |w: &[f64]| -w.iter().zip(&target).map(|(a, b)| (a - b).powi(2)).sum::<f64>();
//! let mut search = Cem::new(vec![0.0; 3], 3.0);
//! for _ in 0..40 {
//!     let population = search.sample(30, 7); // seed 7: the same run every time
//!     let scores: Vec<f64> = population.iter().map(|w| score(w)).collect();
//!     search.update(&population, &scores, 6, Noise::Linear { start: 0.5, slope: 0.02 });
//! }
//! assert!(score(&search.mean) > -0.01);
//! ```

pub mod cem;
pub mod config;
pub mod curve;
pub mod evaluate;
pub mod placement;
pub mod policy;
pub mod record;
mod rng;
pub mod trainer;

pub use cem::{Cem, Noise};
pub use config::TrainConfig;
pub use evaluate::{End, EvalError, Evaluator, Game, GameResult, Hooks};
pub use policy::{Policy, PolicyError};
pub use record::{Checkpoint, CheckpointError, Event, FinalEvent, IterationEvent, RunState};
pub use trainer::{TrainError, Trainer};

/// The commit of the code this was built from (`-dirty` if it had uncommitted changes;
/// `unknown` outside a git checkout).
pub const CODE_COMMIT: &str = env!("TETRIS_NES_COMMIT");
