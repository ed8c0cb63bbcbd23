//! Where candidates meet the game: an [`Evaluator`] plays games of NES Tetris with given
//! feature weights and reports each game's result. The trainer knows nothing else about
//! the game.

use serde::{Deserialize, Serialize};

/// How a game ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum End {
    /// The stack reached the top.
    TopOut,
    /// The game crashed (from level 155 on, see `docs/agents.md`).
    Crash,
    /// A B-type game's 25 lines were cleared.
    Won,
    /// The placement limit was reached.
    Limit,
    /// The game stopped dealing pieces without the CPU jamming (the env cut the step at
    /// its frame limit): a crash the env does not flag.
    Hang,
}

impl End {
    /// The name used in records and reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            End::TopOut => "top_out",
            End::Crash => "crash",
            End::Won => "won",
            End::Limit => "limit",
            End::Hang => "hang",
        }
    }
}

/// One game to play: candidate `candidate`'s weights on env seed `seed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Game {
    pub candidate: usize,
    pub seed: u64,
}

/// What one game came to.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GameResult {
    /// The env seed the game was reset with.
    pub seed: u64,
    pub lines: u32,
    pub score: u32,
    /// The level when the game ended.
    pub level: u8,
    /// Pieces placed.
    pub placements: u64,
    /// Frames played (emulated NES frames).
    pub frames: u64,
    pub end: End,
}

/// Why an evaluation stopped without results.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The env refused (an error input can cause, or a failed worker).
    #[error(transparent)]
    Env(#[from] tetris_env::EnvError),
    /// [`Hooks::stop`] asked to stop.
    #[error("interrupted")]
    Interrupted,
}

/// What an evaluation reports as it goes, and how to stop it.
#[derive(Clone, Copy)]
pub struct Hooks<'a> {
    /// Polled between placements; `true` stops the evaluation ([`EvalError::Interrupted`]).
    pub stop: &'a (dyn Fn() -> bool + Sync),
    /// Called as each game ends (from the thread that played it).
    pub game_done: &'a (dyn Fn(&GameResult) + Sync),
}

impl std::fmt::Debug for Hooks<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hooks")
    }
}

impl Hooks<'static> {
    /// Never stops, reports nothing.
    #[must_use]
    pub fn none() -> Hooks<'static> {
        Hooks {
            stop: &|| false,
            game_done: &|_| {},
        }
    }
}

/// Plays games with given weights.
pub trait Evaluator {
    /// The names of the features the weights apply to, in order.
    fn features(&self) -> Vec<String>;

    /// The name and version of the agent that turns weights into placements (a policy is
    /// only valid for the agent it was trained with).
    fn agent(&self) -> String;

    /// The env the games are played in.
    fn env_spec(&self) -> tetris_env::EnvSpec;

    /// Plays every game of `games` (candidate `g.candidate` plays with `weights[g.candidate]`
    /// from `reset(Some(g.seed))`), each until it ends or after `max_placements`
    /// placements; the results are in the order of `games`. The same weights and seeds give
    /// the same results.
    fn play(
        &mut self,
        weights: &[Vec<f64>],
        games: &[Game],
        max_placements: u64,
        hooks: Hooks<'_>,
    ) -> Result<Vec<GameResult>, EvalError>;
}
