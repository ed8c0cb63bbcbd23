//! The one place that calls `tetris_env`'s stepping API. Everything else in this crate works
//! with [`Outcome`] and the env's observation buffer, so a change of the Rust API (owned
//! steps, placement actions, masks) is an edit here.

use tetris_env::{Info, Result, TetrisEnv, VecEnv, VecStep};

/// What one step reports besides the observation (read with [`observation`]).
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    pub reward: f64,
    pub terminated: bool,
    pub truncated: bool,
    pub info: Info,
}

/// Starts an episode; the observation is then [`observation`].
pub fn reset(env: &mut TetrisEnv, seed: Option<u64>) -> Result<Info> {
    env.reset(seed)
}

/// Plays one action; the observation is then [`observation`].
pub fn step(env: &mut TetrisEnv, action: u32) -> Result<Outcome> {
    env.step(action).map(|s| Outcome {
        reward: s.reward,
        terminated: s.terminated,
        truncated: s.truncated,
        info: s.info,
    })
}

/// The observation of the last reset or step, in the layout of the kind's shape.
pub fn observation(env: &TetrisEnv) -> &[u8] {
    env.observation().data
}

/// Resets every env of a vector (env `i` with `seed + i`).
pub fn vec_reset(env: &mut VecEnv, seed: Option<u64>) -> Result<VecStep<'_>> {
    env.reset(seed)
}

/// Steps every env of a vector, with next-step autoreset.
pub fn vec_step<'a>(env: &'a mut VecEnv, actions: &[u32]) -> Result<VecStep<'a>> {
    env.step(actions)
}
